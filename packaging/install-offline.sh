#!/usr/bin/env bash
# Install (or --upgrade) ClerkDesk from this offline bundle, with no network access.
#   ./install.sh [--upgrade] [DEST]     DEST defaults to /opt/clerkdesk
#   ./install.sh --check                only check this workstation's prerequisites
# Before touching anything it checks what the bundle needs and names each missing piece with the reason:
# the Python version the wheels were built for (with venv), the CPU, the glibc version, Qt's X libraries and the
# tools ClerkDesk drives. --upgrade replaces the program and the recipes entirely (recipes the new bundle
# dropped are removed); clerks' data and keys live elsewhere and are not touched.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=/dev/null
. "$here/bundle.env"
upgrade=0 check_only=0
while [ $# -gt 0 ]; do
  case "$1" in
    --upgrade) upgrade=1 ;;
    --check) check_only=1 ;;
    -*) echo "install: unknown option $1" >&2; exit 2 ;;
    *) break ;;
  esac
  shift
done
dest=${1:-/opt/clerkdesk}
problems=()

# CPU: wheels with compiled code exist per architecture
[ "$(uname -m)" = "$ARCH" ] || problems+=("CPU: this bundle is for $ARCH, this machine is $(uname -m): build the bundle on a $(uname -m) machine, or use the .deb built there")
# Python: the compiled wheels (cryptography, numpy, PySide6 …) are for exactly one CPython version
py="" found=""
for c in "python$PY_VERSION" python3; do
  command -v "$c" >/dev/null || continue
  v=$("$c" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")' 2>/dev/null || true)
  [ "$v" = "$PY_VERSION" ] && { py=$(command -v "$c"); break; }
  found="$found $(command -v "$c") is $v;"
done 2>/dev/null || true
if [ -z "$py" ]; then
  problems+=("Python: this bundle's wheels are for Python $PY_VERSION (cp${PY_VERSION/./}) and no python$PY_VERSION is installed (${found:-no python3 at all}). Install python$PY_VERSION and python$PY_VERSION-venv from the distribution's mirror, or use the self-contained .deb, which needs no Python")
elif ! "$py" -c 'import venv, ensurepip' 2>/dev/null; then
  problems+=("Python: $py has no venv/ensurepip module: install python$PY_VERSION-venv")
fi
# glibc: manylinux wheels name the oldest glibc they run on
have_glibc=$(getconf GNU_LIBC_VERSION 2>/dev/null | awk '{print $2}')
if [ -z "$have_glibc" ] || [ "$(printf '%s\n%s\n' "$GLIBC" "$have_glibc" | sort -V | head -1)" != "$GLIBC" ]; then
  problems+=("glibc: the wheels need glibc >= $GLIBC, this machine has ${have_glibc:-none (not a glibc system)}: build the bundle on the oldest workstation OS")
fi
# system libraries Qt and the desktop driver load at run time (without libxcb-cursor0 the app aborts, exit 134)
missing_libs=()
libs=$(ldconfig -p 2>/dev/null || true)  # read once: "ldconfig -p | grep -q" fails under pipefail (SIGPIPE)
for pair in libxcb-cursor.so.0:libxcb-cursor0 libxkbcommon-x11.so.0:libxkbcommon-x11-0 libxcb-icccm.so.4:libxcb-icccm4 \
            libxcb-keysyms.so.1:libxcb-keysyms1 libxcb-shape.so.0:libxcb-shape0 libxcb-randr.so.0:libxcb-randr0 \
            libxcb-render-util.so.0:libxcb-render-util0 libxcb-image.so.0:libxcb-image0 libEGL.so.1:libegl1 \
            libGL.so.1:libgl1 libdbus-1.so.3:libdbus-1-3 libfontconfig.so.1:libfontconfig1; do
  grep -q "${pair%%:*} " <<<"$libs" || missing_libs+=("${pair##*:}")
done
[ ${#missing_libs[@]} -eq 0 ] || problems+=("system libraries missing (Qt cannot start without them): apt-get install ${missing_libs[*]}")
missing_tools=()
for t in xdotool xclip; do command -v "$t" >/dev/null || missing_tools+=("$t"); done
[ ${#missing_tools[@]} -eq 0 ] || problems+=("tools for desktop-client automation missing: apt-get install ${missing_tools[*]}")
browser=""
for b in chromium chromium-browser google-chrome google-chrome-stable microsoft-edge; do
  command -v "$b" >/dev/null && { browser=$b; break; }
done
[ -n "$browser" ] || problems+=("no Chromium-family browser: apt-get install chromium (or Chrome/Edge; or set browser in /etc/clerkdesk/config.toml)")
[ -n "$(fc-list :lang=zh 2>/dev/null || true)" ] || problems+=("no Chinese font: apt-get install fonts-wqy-microhei (or fonts-noto-cjk)")

if [ ${#problems[@]} -gt 0 ]; then
  echo "install: this workstation cannot run ClerkDesk $VERSION from this bundle yet:" >&2
  for p in "${problems[@]}"; do echo "  - $p" >&2; done
  exit 3
fi
echo "install: prerequisites met (Python $PY_VERSION at $py, $ARCH, glibc $have_glibc, browser $browser)"
[ "$check_only" -eq 1 ] && exit 0

if [ -e "$dest/venv" ] && [ "$upgrade" -eq 0 ]; then
  old=$("$dest/venv/bin/python" -c 'import importlib.metadata as m; print(m.version("clerkdesk"))' 2>/dev/null || echo "?")
  echo "install: ClerkDesk $old is already installed in $dest: run ./install.sh --upgrade $dest to replace it with $VERSION" >&2
  exit 2
fi
mkdir -p "$dest"
# build the new program beside the old one, then swap: a failure leaves the old install working
rm -rf "$dest/venv.new" "$dest/recipes.new"
"$py" -m venv "$dest/venv.new"
"$dest/venv.new/bin/pip" install --no-index --find-links "$here/wheelhouse" --require-hashes -r "$here/requirements.txt"
cp -r "$here/recipes" "$dest/recipes.new"
rm -rf "$dest/venv.old" "$dest/recipes.old"
[ -e "$dest/venv" ] && mv "$dest/venv" "$dest/venv.old"
[ -e "$dest/recipes" ] && mv "$dest/recipes" "$dest/recipes.old"
mv "$dest/venv.new" "$dest/venv" && mv "$dest/recipes.new" "$dest/recipes"
rm -rf "$dest/venv.old" "$dest/recipes.old"
# a venv is not relocatable: it was made at its final path's sibling, so fix the scripts' first line
sed -i "1s|$dest/venv.new/|$dest/venv/|" "$dest"/venv/bin/* 2>/dev/null || true
sed -i "s|$dest/venv.new|$dest/venv|g" "$dest/venv/bin/activate" "$dest/venv/pyvenv.cfg" 2>/dev/null || true
mkdir -p "$dest/bin" && ln -sf "$dest/venv/bin/clerkdesk" "$dest/bin/clerkdesk"
echo "installed ClerkDesk $VERSION: $dest/bin/clerkdesk   (recipes: $dest/recipes, replaced as a whole on --upgrade)"
