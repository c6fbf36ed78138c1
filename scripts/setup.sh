#!/usr/bin/env bash
# Sets up ClerkDesk on a Debian 12 / Ubuntu 22.04+ machine (UOS and Kylin are Debian-based too) from a clean clone:
# system packages (only those missing), a .venv with Python >= 3.11, and the package with every extra.
# Safe to run again; it only installs what is missing. Needs only the distribution's and PyPI's registries.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { echo "setup: $*"; }
die() { echo "setup: $*" >&2; exit 1; }
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
apt_updated=0
apt_update_once() {
  if [ "$apt_updated" -eq 0 ] && command -v apt-get >/dev/null; then $SUDO apt-get update -qq; apt_updated=1; fi
}
apt_install() {  # install the given Debian packages, updating the package lists once
  [ $# -gt 0 ] || return 0
  command -v apt-get >/dev/null || die "no apt-get here: install these yourself, then run me again: $*"
  apt_update_once
  say "installing system packages: $*"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
}
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
available() { apt_update_once; [ -n "$(apt-cache policy "$1" 2>/dev/null | sed -n 's/^ *Candidate: *//p' | grep -v '(none)')" ]; }

# Debian package names. The browser is the distribution's Chromium (Playwright's own browser download needs the
# open internet); fonts: one CJK sans for the UI and the sandbox; Noto CJK and AR PL Song/Kai for the capture
# benchmark's independent renderer (bench/capture_html.py).
APT_PKGS=(xvfb xdotool xclip libtk8.6 fonts-wqy-microhei fonts-noto-cjk fonts-arphic-uming fonts-arphic-ukai
          libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0
          libxcb-xinerama0 libxcb-randr0 libxcb-render-util0 libxcb-image0 libegl1 libgl1 libdbus-1-3
          binutils wixl msitools iproute2  # these four: packaging/build.sh deb|msi and tests/packaging
          osslsigncode wine64  # tests/packaging: the MSI's Python checked (Authenticode) and started under Wine
          postgresql  # the hall store's tests and bench start a private server (no system service)
          python3-gi gir1.2-gtk-3.0  # tests/drivers_desktop/gtkcal.py: a real GTK3 dialog, run by the system python3
          locales)  # zh_CN.UTF-8 below: the GTK dialog drawn as on a Chinese workstation (十二月, weeks from 一)
missing=()
for p in "${APT_PKGS[@]}"; do installed "$p" || missing+=("$p"); done

# A Chromium-family browser: keep one that is there; else Debian's `chromium`. Ubuntu's `chromium-browser` is
# only a snap shim (useless without snapd), so there we fall back to Playwright's own download further down.
have_browser() {
  for b in chromium chromium-browser google-chrome google-chrome-stable microsoft-edge microsoft-edge-stable; do
    command -v "$b" >/dev/null && return 0
  done
  [ -n "${CLERKDESK_BROWSER:-}" ] && [ -x "$CLERKDESK_BROWSER" ]
}
want_playwright_browser=0
if ! have_browser; then
  if available chromium; then missing+=(chromium); else want_playwright_browser=1; fi
fi

# Python >= 3.11 (Ubuntu 22.04 ships 3.10: take python3.11 from its own archive then).
pick_python() {
  for c in ${PYTHON:-} python3 python3.13 python3.12 python3.11; do
    command -v "$c" >/dev/null || continue
    "$c" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && { echo "$c"; return 0; }
  done
  return 1
}
PY=$(pick_python || true)
if [ -z "$PY" ]; then
  missing+=(python3.11 python3.11-venv)
elif ! "$PY" -c 'import ensurepip, venv' 2>/dev/null; then
  ver=$("$PY" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
  if available "python$ver-venv"; then missing+=("python$ver-venv"); else missing+=(python3-venv); fi
fi

apt_install "${missing[@]}"
# A Chinese locale for the desktop tests (test_gtk_calendar_zh.py); a workstation has it already.
if ! locale -a 2>/dev/null | grep -qi '^zh_CN\.utf-\?8$'; then
  $SUDO localedef -i zh_CN -f UTF-8 zh_CN.UTF-8 || echo "setup: could not generate the zh_CN.UTF-8 locale" >&2
fi
[ -n "$PY" ] || PY=$(pick_python) || die "no Python >= 3.11 found or installable; set PYTHON=/path/to/python3.11"

if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv || die "could not create .venv with $PY"
fi
.venv/bin/python -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
  || die ".venv has Python < 3.11: remove .venv and run me again"
pip_q() {  # pip, quiet on success; its whole output when it fails
  local log; log=$(mktemp)
  if ! .venv/bin/python -m pip "$@" >"$log" 2>&1; then cat "$log" >&2; rm -f "$log"; die "pip $* failed"; fi
  rm -f "$log"
}
pip_q install -q --upgrade pip
pip_q install -q -e ".[dev]"
.venv/bin/python -c "import clerkdesk" || die "the package did not install"

# The optional paddle OCR backend (docs/desktop.md, "PaddleOCR backend"): Paddle Inference and the converter
# (~1 min), then its models converted from the rapidocr wheel's ONNX files (~15 s CPU; never downloaded), so
# its tests run. CLERKDESK_PADDLE=0 leaves it out (about 1 GB less in .venv).
if [ "${CLERKDESK_PADDLE:-1}" != "0" ]; then
  pip_q install -q -e ".[dev,paddle]"
  .venv/bin/python scripts/paddle_models.py >/dev/null || die "could not make the Paddle OCR models (see above)"
fi

if [ "$want_playwright_browser" -eq 1 ] && ! have_browser; then
  say "no Chrome/Edge/Chromium and no installable 'chromium' package: fetching Playwright's own Chromium"
  .venv/bin/python -m playwright install chromium \
    || die "no browser: install Chrome, Edge or Chromium, or set CLERKDESK_BROWSER to its executable"
fi
touch "$HOME/.Xauthority"
say "ready (.venv, $(.venv/bin/python -V))"
