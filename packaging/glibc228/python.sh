#!/usr/bin/env bash
# A CPython 3.11 that needs no glibc newer than 2.28 (stock UOS 20 / Kylin V10), built on this newer host.
#
#   packaging/glibc228/python.sh [OUT]      → OUT/python/bin/python3.11 (default OUT: build/glibc228)
#
# How: zig's C compiler (PyPI package `ziglang`) links against glibc *stubs* of the version named in its target
# (`zig cc -target x86_64-linux-gnu.2.28`), so nothing can bind a symbol version newer than 2.28, whatever glibc
# the build host has. The sources come from Debian's archive (`apt-get source`, bookworm): CPython 3.11 and the
# libraries its standard modules need — zlib, bzip2, xz, libffi, SQLite, OpenSSL 3 — built here as static,
# position-independent libraries (Debian's own lib*.a are not -fPIC, so they cannot go into a shared module) and
# linked into the modules, so the interpreter carries them and needs only glibc itself.
# The result is checked with packaging/glibc_ceiling.py --ceiling 2.28 (exit 2 if anything needs more).
# Host needs: make, perl, tclsh (SQLite's amalgamation), dpkg-dev (dpkg-source), network to PyPI and Debian.
# Cost here (2 shared cores): ~15 min the first time; cached afterwards (a stamp per step under OUT/).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
OUT=$(mkdir -p "${1:-$root/build/glibc228}" && cd "${1:-$root/build/glibc228}" && pwd)
TARGET=${GLIBC_TARGET:-x86_64-linux-gnu.2.28}
JOBS=${JOBS:-2}
say() { echo "glibc228: $*" >&2; }
die() { echo "glibc228: $*" >&2; exit 1; }
for tool in make perl tclsh dpkg-source apt-get python3; do
  command -v "$tool" >/dev/null || die "$tool is missing (Debian: apt-get install make perl tcl dpkg-dev)"
done
SRC=$OUT/src DEPS=$OUT/deps PREFIX=$OUT/python BIN=$OUT/bin
mkdir -p "$SRC" "$DEPS" "$BIN" "$OUT/stamps" "$OUT/cache"

# --- zig (PyPI: ziglang) and thin wrappers, since configure scripts want one word per tool --------------------
if [ ! -x "$OUT/tools/bin/python" ] || ! "$OUT/tools/bin/python" -m ziglang version >/dev/null 2>&1; then
  say "zig from PyPI (ziglang)"
  python3 -m venv "$OUT/tools"
  "$OUT/tools/bin/pip" install -q --cache-dir "$OUT/cache/pip" 'ziglang>=0.13' >&2
fi
ZIG=$("$OUT/tools/bin/python" -c 'import ziglang, os; print(os.path.join(os.path.dirname(ziglang.__file__), "zig"))')
# Two things zig's driver does not take that CPython's Makefile does: GNU ld's short -h (-Wl,-hNAME, for the
# soname; zig knows -soname), and a shared library linked from nothing but another one (libpython3.so from
# libpython3.11.so: zig then fails, "version '.2.28' in target triple … is invalid"), given an empty C file.
: > "$BIN/empty.c"
soname='src=; shared=
for a; do shift
  case $a in -Wl,-h*) a="-Wl,-soname,${a#-Wl,-h}";; -shared) shared=1;; *.c|*.o|*.a|*.S|*.s|*.cc|*.cpp) src=1;; esac
  set -- "$@" "$a"
done
[ -n "$shared" ] && [ -z "$src" ] && set -- "$@" '"'$BIN/empty.c'"''
for t in cc c++ ar ranlib; do
  case $t in
    cc|c++) body="$soname
exec '$ZIG' $t -target $TARGET \"\$@\"" ;;
    *) body="exec '$ZIG' $t \"\$@\"" ;;
  esac
  printf '#!/bin/sh\n%s\n' "$body" > "$BIN/zig-$t" && chmod +x "$BIN/zig-$t"
done
export CC=$BIN/zig-cc CXX=$BIN/zig-c++ AR=$BIN/zig-ar RANLIB=$BIN/zig-ranlib
export ZIG_GLOBAL_CACHE_DIR=$OUT/cache/zig ZIG_LOCAL_CACHE_DIR=$OUT/cache/zig

# --- sources from Debian (bookworm), through apt with a private sources list: the system's stays untouched ----
PKGS="python3.11 zlib bzip2 xz-utils libffi sqlite3 openssl"
if [ ! -f "$OUT/stamps/sources" ]; then
  say "sources: apt-get source $PKGS (Debian bookworm)"
  mkdir -p "$OUT/apt/state" "$OUT/apt/cache" "$SRC/dl"
  echo "deb-src http://deb.debian.org/debian bookworm main" > "$OUT/apt/sources.list"
  apt_opts=(-o "Dir::Etc::SourceList=$OUT/apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
            -o "Dir::State=$OUT/apt/state" -o "Dir::Cache=$OUT/apt/cache" -o APT::Sandbox::User=root)
  apt-get "${apt_opts[@]}" update >&2
  (cd "$SRC/dl" && apt-get "${apt_opts[@]}" source --download-only $PKGS >&2)
  touch "$OUT/stamps/sources"
fi
unpack() {  # unpack PKG's Debian source (upstream + Debian patches) into $SRC/PKG, echo the folder
  local pkg=$1 dsc
  dsc=$(ls "$SRC/dl/${pkg}_"*.dsc | head -1)
  [ -d "$SRC/$pkg" ] || dpkg-source --skip-debianization -x "$dsc" "$SRC/$pkg" >/dev/null 2>&1 \
    || dpkg-source -x "$dsc" "$SRC/$pkg" >/dev/null
  echo "$SRC/$pkg"
}
step() { [ -f "$OUT/stamps/$1" ]; }
done_step() { touch "$OUT/stamps/$1"; }
PIC="-O2 -fPIC"

if ! step zlib; then
  say "zlib"; d=$(unpack zlib)
  (cd "$d" && CFLAGS="$PIC ${EXTRA_CFLAGS:-}" ./configure --static --prefix="$DEPS" && make -j"$JOBS" && make install) >"$OUT/zlib.log" 2>&1 \
    || die "zlib failed: $OUT/zlib.log"
  done_step zlib
fi
if ! step bzip2; then
  say "bzip2"; d=$(unpack bzip2)
  (cd "$d" && make -j"$JOBS" CC="$CC" AR="$AR" RANLIB="$RANLIB" CFLAGS="$PIC -D_FILE_OFFSET_BITS=64" libbz2.a \
     && cp libbz2.a "$DEPS/lib/" && cp bzlib.h "$DEPS/include/") >"$OUT/bzip2.log" 2>&1 || die "bzip2 failed: $OUT/bzip2.log"
  done_step bzip2
fi
autotools() {  # NAME FOLDER CONFIGURE-ARGS…: a static, PIC autotools library into $DEPS
  local name=$1 d=$2; shift 2
  (cd "$d" && CFLAGS="$PIC ${EXTRA_CFLAGS:-}" ./configure --prefix="$DEPS" --libdir="$DEPS/lib" --disable-shared --enable-static \
     --with-pic "$@" && make -j"$JOBS" && make install) >"$OUT/$name.log" 2>&1 || die "$name failed: $OUT/$name.log"
}
if ! step xz; then
  say "xz (liblzma)"
  autotools xz "$(unpack xz-utils)" --disable-xz --disable-xzdec --disable-lzmadec --disable-lzmainfo \
    --disable-scripts --disable-doc --disable-nls
  done_step xz
fi
if ! step libffi; then
  # libffi 3.4.4 calls a function before declaring it, an error for clang >= 16 (zig's): fixed upstream in 3.4.5
  say "libffi"; EXTRA_CFLAGS=-Wno-error=implicit-function-declaration \
    autotools libffi "$(unpack libffi)" --disable-docs --disable-multi-os-directory
  done_step libffi
fi
if ! step sqlite; then
  say "SQLite"
  CPPFLAGS="-DSQLITE_ENABLE_FTS5 -DSQLITE_ENABLE_FTS4 -DSQLITE_ENABLE_JSON1 -DSQLITE_ENABLE_RTREE \
-DSQLITE_ENABLE_DBSTAT_VTAB -DSQLITE_ENABLE_COLUMN_METADATA -DSQLITE_SECURE_DELETE" \
    autotools sqlite "$(unpack sqlite3)" --disable-tcl --disable-readline --disable-editline --enable-threadsafe
  done_step sqlite
fi
if ! step openssl; then
  say "OpenSSL 3 (the longest step: libcrypto)"; d=$(unpack openssl)
  (cd "$d" && ./Configure linux-x86_64 no-shared no-tests no-module -fPIC --prefix="$DEPS" --libdir=lib \
     --openssldir=/usr/lib/ssl CC="$CC" AR="$AR" RANLIB="$RANLIB" && make -j"$JOBS" build_libs && make install_dev) \
     >"$OUT/openssl.log" 2>&1 || die "OpenSSL failed: $OUT/openssl.log"
  done_step openssl
fi

# --- CPython, shared (PyInstaller loads libpython3.11.so), finding its lib/ beside its bin/ -------------------
# (zig's clang makes __DATE__ an error, -Werror=date-time; CPython's build info uses it. The rpath is written
# \$$ORIGIN: make turns $$ into $ and the shell of its recipe must not expand $ORIGIN to nothing.)
if ! step python; then
  say "CPython 3.11 (--enable-shared)"; d=$(unpack python3.11)
  # setup.py adds the host's /usr/include/<multiarch> to every module's search path, which puts
  # the host glibc's headers before zig's (`unknown type name '__time64_t'`): the modules get zig's and $DEPS
  sed -i 's/^        self\.add_multiarch_paths()$/        pass  # glibc228: not the host headers/' "$d/setup.py"
  grep -q 'glibc228: not the host headers' "$d/setup.py" || die "could not patch $d/setup.py (another CPython?)"
  rm -rf "$d/build-228" "$PREFIX" && mkdir -p "$d/build-228"
  (cd "$d/build-228" && ../configure --prefix="$PREFIX" --enable-shared --with-openssl="$DEPS" \
     --with-ensurepip=install --without-readline --disable-test-modules CFLAGS="-Wno-error=date-time" \
     CPPFLAGS="-I$DEPS/include" LDFLAGS="-L$DEPS/lib -Wl,-rpath,\\\$\$ORIGIN/../lib" LIBS="-lpthread -ldl -lm" \
     PKG_CONFIG_PATH="$DEPS/lib/pkgconfig" PKG_CONFIG_LIBDIR="$DEPS/lib/pkgconfig" \
     LIBFFI_CFLAGS="-I$DEPS/include" LIBFFI_LIBS="-L$DEPS/lib -lffi" \
     LIBSQLITE3_CFLAGS="-I$DEPS/include" LIBSQLITE3_LIBS="-L$DEPS/lib -lsqlite3" \
     ZLIB_CFLAGS="-I$DEPS/include" ZLIB_LIBS="-L$DEPS/lib -lz" BZIP2_CFLAGS="-I$DEPS/include" \
     BZIP2_LIBS="-L$DEPS/lib -lbz2" LIBLZMA_CFLAGS="-I$DEPS/include" LIBLZMA_LIBS="-L$DEPS/lib -llzma" \
     && make -j"$JOBS" && make install) >"$OUT/python.log" 2>&1 || die "CPython failed: $OUT/python.log"
  missing=$("$PREFIX/bin/python3.11" -c '
import importlib
for m in ("ssl", "hashlib", "sqlite3", "ctypes", "zlib", "bz2", "lzma", "_decimal", "pyexpat", "uuid", "venv"):
    try: importlib.import_module(m)
    except Exception as e: print(m, e)')
  [ -z "$missing" ] || die "the built Python lacks standard modules: $missing (see $OUT/python.log)"
  done_step python
fi
python3 "$root/packaging/glibc_ceiling.py" --ceiling "${TARGET##*-gnu.}" "$PREFIX" >&2 \
  || die "the built Python needs a glibc newer than ${TARGET##*-gnu.} (above)"
echo "$PREFIX/bin/python3.11"
