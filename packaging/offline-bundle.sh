#!/usr/bin/env bash
# Build an offline install bundle: wheels for ClerkDesk and all its dependencies, plus install.sh.
# Usage: packaging/offline-bundle.sh OUTDIR   (run on the same OS/CPU/Python version as the workstations)
set -euo pipefail
out=${1:?usage: offline-bundle.sh OUTDIR}
root=$(cd "$(dirname "$0")/.." && pwd)
py=${PYTHON:-python3}
mkdir -p "$out/wheelhouse"
"$py" -m pip wheel --wheel-dir "$out/wheelhouse" "$root[all]"
cp -r "$root/recipes" "$out/recipes"
cat > "$out/install.sh" <<'INSTALL'
#!/usr/bin/env bash
# Install ClerkDesk from this folder without any network access.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dest=${1:-/opt/clerkdesk}
python3 -m venv "$dest/venv"
"$dest/venv/bin/pip" install --no-index --find-links "$here/wheelhouse" "clerkdesk[all]"
mkdir -p "$dest/recipes" && cp -r "$here/recipes/." "$dest/recipes/"
mkdir -p "$dest/bin" && ln -sf "$dest/venv/bin/clerkdesk" "$dest/bin/clerkdesk"
echo "installed: $dest/bin/clerkdesk   (recipes: $dest/recipes, found by themselves; CLERKDESK_RECIPES overrides)"
INSTALL
chmod +x "$out/install.sh"
echo "bundle ready in $out ($(ls "$out/wheelhouse" | wc -l) wheels)"
