#!/usr/bin/env bash
# Build an offline install bundle: wheels for ClerkDesk and all its dependencies (hash-pinned), plus install.sh.
# Usage: packaging/offline-bundle.sh OUTDIR
# The wheels fit the Python version and CPU of the machine that builds the bundle; install.sh on a workstation
# checks that it matches (Python, CPU, glibc, system libraries) and says exactly what is missing before touching
# anything. For workstations without that Python, use the self-contained .deb (packaging/build.sh deb) instead.
set -euo pipefail
out=${1:?usage: offline-bundle.sh OUTDIR}
root=$(cd "$(dirname "$0")/.." && pwd)
py=${PYTHON:-python3}
rm -rf "$out/wheelhouse" "$out/recipes" && mkdir -p "$out/wheelhouse"
"$py" -m pip wheel --wheel-dir "$out/wheelhouse" "$root[all]"
cp -r "$root/recipes" "$out/recipes"
# what install.sh checks: the Python the wheels were built for, the CPU, the newest glibc any wheel needs
pyver=$("$py" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
glibc=$(ls "$out/wheelhouse" | grep -oE 'manylinux_[0-9]+_[0-9]+' | sed 's/manylinux_//; s/_/./' | sort -uV | tail -1)
version=$(ls "$out/wheelhouse" | sed -n 's/^clerkdesk-\([^-]*\)-.*/\1/p')
cat > "$out/bundle.env" <<EOF
PY_VERSION=$pyver
ARCH=$(uname -m)
GLIBC=${glibc:-2.17}
VERSION=$version
EOF
# every wheel pinned by its hash: pip refuses a changed or added file (pip install --require-hashes)
"$py" - "$out/wheelhouse" > "$out/requirements.txt" <<'PY'
import hashlib, sys
from pathlib import Path
for w in sorted(Path(sys.argv[1]).glob("*.whl")):
    name, ver = w.name.split("-")[:2]
    extra = "[all]" if name == "clerkdesk" else ""
    print(f"{name}{extra}=={ver} --hash=sha256:{hashlib.sha256(w.read_bytes()).hexdigest()}")
PY
cp "$root/packaging/install-offline.sh" "$out/install.sh"
chmod +x "$out/install.sh"
echo "bundle ready in $out ($(ls "$out/wheelhouse" | wc -l) wheels for Python $pyver on $(uname -m), glibc >= ${glibc:-2.17})"
