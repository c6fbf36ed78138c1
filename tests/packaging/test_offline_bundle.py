"""The offline bundle's install.sh checks the workstation first and names every missing piece with its reason.

Run for real on this machine with bundle descriptions (bundle.env) that it does or does not match; no wheels
are needed for the check. The full install/upgrade path needs a complete wheelhouse (minutes to build) and is
not run here (see packaging/README.md)."""

from __future__ import annotations

import platform
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def bundle(tmp: Path, **env: str) -> Path:
    shutil.copy(ROOT / "packaging" / "install-offline.sh", tmp / "install.sh")
    (tmp / "bundle.env").write_text("".join(f"{k}={v}\n" for k, v in env.items()), encoding="utf-8")
    return tmp / "install.sh"


def test_a_matching_workstation_passes_the_check(tmp_path: Path) -> None:
    py = f"{sys.version_info[0]}.{sys.version_info[1]}"
    script = bundle(tmp_path, PY_VERSION=py, ARCH=platform.machine(), GLIBC="2.17", VERSION="0.1.0")
    p = subprocess.run([str(script), "--check"], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    assert f"prerequisites met (Python {py}" in p.stdout


def test_each_reason_is_named(tmp_path: Path) -> None:
    script = bundle(tmp_path, PY_VERSION="3.7", ARCH="loongarch64", GLIBC="9.99", VERSION="0.1.0")
    p = subprocess.run([str(script), "--check"], capture_output=True, text=True, timeout=60)
    assert p.returncode == 3
    err = p.stderr
    assert "cannot run ClerkDesk 0.1.0 from this bundle yet" in err
    assert f"CPU: this bundle is for loongarch64, this machine is {platform.machine()}" in err
    assert "this bundle's wheels are for Python 3.7 (cp37)" in err and "self-contained .deb" in err
    assert "glibc: the wheels need glibc >= 9.99" in err
