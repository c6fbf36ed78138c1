"""The Windows wheelhouse, made on Linux: every dependency of ClerkDesk for CPython 3.11 win_amd64.

    python packaging/windows/wheelhouse.py                       # → packaging/windows/wheelhouse/ (extras: all)
    python packaging/windows/wheelhouse.py --extras "" --out DIR  # the core only

``pip download --platform win_amd64`` alone cannot do this: it evaluates environment markers for the machine
it runs on (pulling Linux-only packages such as python3-xlib and leaving out Windows-only ones such as
pygetwindow and colorama). So the set is resolved **for Windows** first, with uv's resolver
(``uv pip compile --python-platform x86_64-pc-windows-msvc``), into a pinned list; then each pin is fetched
alone (``--no-deps``) as a win_amd64/cp311 or pure-Python wheel. A few of pyautogui's helpers are published
as source only; they are pure Python, so they are built into ``py3-none-any`` wheels here, and any that turns
out not to be pure stops the build. ``requirements-win_amd64.txt`` beside the wheels records the pins, and
``payload.py`` refuses a wheelhouse that lacks one of them.

Needs the package registry (PyPI or its mirror) once; the result is what an offline build copies.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TARGET = ["--platform", "win_amd64", "--python-version", "3.11", "--implementation", "cp", "--abi", "cp311"]
LOCK = "requirements-win_amd64.txt"
# pure Python; or built for CPython 3.11 on Windows x64 (its own ABI, or the stable ABI of an older 3.x)
_WHEEL_OK = re.compile(r"-(?:(?:py3|py2\.py3)-none-(?:any|win_amd64)|cp311-(?:cp311|none)-win_amd64|"
                       r"cp3(?:[2-9]|1[01])-abi3-win_amd64)\.whl$")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(args), capture_output=True, text=True)


def uv() -> list[str]:
    exe = shutil.which("uv") or str(Path(sys.executable).with_name("uv"))
    if Path(exe).exists():
        return [exe]
    sys.exit("wheelhouse: uv is missing (pip install uv; it is in the 'packaging' extra)")


def resolve(extras: list[str]) -> list[str]:
    """Pinned requirements (``name==version``) for Windows x64, CPython 3.11, ClerkDesk itself left out."""
    args = [*uv(), "pip", "compile", str(ROOT / "pyproject.toml"), "--python-platform", "x86_64-pc-windows-msvc",
            "--python-version", "3.11", "--no-header", "--no-annotate", "--quiet"]
    for e in extras:
        args += ["--extra", e]
    p = run(*args)
    if p.returncode:
        sys.exit(f"wheelhouse: resolving for Windows failed:\n{p.stderr}")
    pins = [ln.split(";")[0].strip() for ln in p.stdout.splitlines() if ln.strip() and not ln.startswith("#")]
    return sorted(pin for pin in pins if "==" in pin and not pin.lower().startswith("clerkdesk=="))


def fetch(pin: str, out: Path) -> Path:
    """The wheel of PIN for win_amd64 (downloaded), or a pure-Python wheel built from its source."""
    name = pin.split("==")[0]
    before = set(out.glob("*.whl"))
    p = run(sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary=:all:", *TARGET, "-d",
            str(out), pin)
    if p.returncode:
        with tempfile.TemporaryDirectory() as tmp:
            b = run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-binary", name, "-w", tmp, pin)
            built = list(Path(tmp).glob("*.whl"))
            if b.returncode or not built:
                sys.exit(f"wheelhouse: {pin} has no win_amd64 wheel and its source did not build:\n{p.stderr}"
                         f"{b.stderr}")
            if not built[0].name.endswith("-none-any.whl"):
                sys.exit(f"wheelhouse: {pin} has no win_amd64 wheel, and its source builds {built[0].name}, "
                         "which is not pure Python: build it on Windows")
            shutil.copy2(built[0], out / built[0].name)
    new = set(out.glob("*.whl")) - before
    got = sorted(new) or sorted(out.glob(f"{_norm(name)}-*.whl"))
    if not got:
        sys.exit(f"wheelhouse: {pin}: no wheel arrived")
    if not _WHEEL_OK.search(got[0].name):
        sys.exit(f"wheelhouse: {got[0].name} is not a win_amd64/cp311 or pure-Python wheel")
    return got[0]


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def missing(folder: Path) -> list[str]:
    """Pins of ``requirements-win_amd64.txt`` with no wheel in FOLDER (payload.py's completeness check)."""
    lock = folder / LOCK
    if not lock.exists():
        return [f"{LOCK} (the pins the wheelhouse was made from)"]
    have = {_norm(w.name.split("-")[0]) + "==" + w.name.split("-")[1] for w in folder.glob("*.whl")}
    pins = [ln.strip() for ln in lock.read_text(encoding="utf-8").splitlines() if "==" in ln]
    return [p for p in pins if _norm(p.split("==")[0]) + "==" + p.split("==")[1] not in have]


def main() -> int:
    ap = argparse.ArgumentParser(description="Make the win_amd64 wheelhouse for the MSI, on Linux.")
    ap.add_argument("--extras", default="all", help="comma-separated extras of ClerkDesk (default: all; '' = core)")
    ap.add_argument("--out", type=Path, default=ROOT / "packaging" / "windows" / "wheelhouse")
    a = ap.parse_args()
    extras = [e for e in a.extras.split(",") if e.strip()]
    pins = resolve(extras)
    a.out.mkdir(parents=True, exist_ok=True)
    for old in a.out.glob("*.whl"):
        old.unlink()
    for pin in pins:
        fetch(pin, a.out)
    (a.out / LOCK).write_text("".join(f"{p}\n" for p in pins), encoding="utf-8")
    gone = missing(a.out)
    if gone:
        sys.exit(f"wheelhouse: missing after download: {', '.join(gone)}")
    size = sum(w.stat().st_size for w in a.out.glob("*.whl")) // 2**20
    print(f"wheelhouse: {a.out} ({len(pins)} wheels, {size} MB) for Windows x64, CPython 3.11, extras "
          f"{','.join(extras) or '(none)'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
