"""The MSI built on Linux by wixl: its tables say per-machine, major upgrade, Start-menu entry, policy values.

Only the tables and the payload are checked (msiinfo, msiextract): nothing here runs Windows Installer, and no
Windows machine was available. Without a wheelhouse made on Windows (packaging/windows/wheelhouse/) the MSI
holds ClerkDesk alone and is named ``…-nodeps.msi`` — the test checks that the name says so.
About 5 s (ClerkDesk's wheel, the unpacking, wixl).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

pytestmark = [pytest.mark.packaging]

ROOT = Path(__file__).resolve().parents[2]


def table(msi: Path, name: str) -> list[dict[str, str]]:
    out = subprocess.run(["msiinfo", "export", str(msi), name], capture_output=True, text=True, check=True).stdout
    head, _types, _key, *rows = out.splitlines()
    cols = head.split("\t")
    return [dict(zip(cols, r.split("\t"), strict=False)) for r in rows]


@pytest.fixture(scope="module")
def msi(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    env = dict(os.environ, DIST=str(dist), BUILD_NUMBER="3")
    env.pop("VERSION", None)
    p = subprocess.run([str(ROOT / "packaging" / "build.sh"), "msi"], env=env, capture_output=True, text=True,
                       timeout=600)
    assert p.returncode == 0, p.stderr[-3000:]
    return Path(p.stdout.strip().splitlines()[-1])


def test_the_msi_tables(msi: Path) -> None:
    wheelhouse = any((ROOT / "packaging" / "windows" / "wheelhouse").glob("*.whl"))
    assert msi.name == ("clerkdesk-0.1.0.3-win64.msi" if wheelhouse else "clerkdesk-0.1.0.3-win64-nodeps.msi")
    props = {r["Property"]: r["Value"] for r in table(msi, "Property")}
    assert props["ALLUSERS"] == "1" and props["ProductVersion"] == "0.1.0.3"
    assert props["UpgradeCode"] == "{6D6C2E1A-3C7B-4E5F-9A51-2C0B8E7D4F10}"  # never change it: upgrades need it
    upgrades = table(msi, "Upgrade")
    assert any(r["VersionMax"] == "0.1.0.3" and r["ActionProperty"] == "WIX_UPGRADE_DETECTED" for r in upgrades)
    assert any(r["VersionMin"] == "0.1.0.3" and r["ActionProperty"] == "WIX_DOWNGRADE_DETECTED" for r in upgrades)
    actions = {r["Action"] for r in table(msi, "InstallExecuteSequence")}
    assert "RemoveExistingProducts" in actions  # the major upgrade removes the old version (and its recipes)
    (sc,) = table(msi, "Shortcut")
    assert sc["Directory_"] == "ProgramMenuDir" and sc["Target"] == "[INSTALLDIR]clerkdesk.cmd"
    dirs = {r["Directory"]: r for r in table(msi, "Directory")}
    assert dirs["INSTALLDIR"]["Directory_Parent"] == "ProgramFiles64Folder"
    reg = {r["Name"]: r for r in table(msi, "Registry")}
    assert reg["recipes"]["Key"] == r"Software\Policies\ClerkDesk" and reg["recipes"]["Value"] == "[RECIPES]"
    assert reg["supervisor_groups"]["Value"] == "[SUPERVISOR_GROUPS]" and reg["recipes"]["Root"] == "2"  # HKLM
    ev = reg["EventMessageFile"]  # the `eventlog` audit sink's source, so Event Viewer shows the audit line
    assert ev["Key"] == r"SYSTEM\CurrentControlSet\Services\EventLog\Application\ClerkDesk" and ev["Root"] == "2"
    assert ev["Value"].endswith(r"EventLogMessages.dll") and "%SystemRoot%" in ev["Value"]
    files = {r["FileName"].split("|")[-1] for r in table(msi, "File")}
    assert {"clerkdesk.cmd", "root.py", "config.py", "hrss.yaml", "bundles.yaml"} <= files


def test_the_payload_inside(msi: Path, tmp_path: Path) -> None:
    subprocess.run(["msiextract", "-C", str(tmp_path), str(msi)], capture_output=True, check=True)
    found = {p.relative_to(tmp_path).as_posix().split("ClerkDesk/", 1)[-1] for p in tmp_path.rglob("*")
             if p.is_file()}
    assert {"clerkdesk.cmd", "lib/clerkdesk/cli/__init__.py", "recipes/systems/hrss.yaml"} <= found, sorted(found)[:20]
    launcher = next(tmp_path.rglob("clerkdesk.cmd")).read_bytes()
    assert b"\r\n" in launcher and b"py -3.11 -m clerkdesk" in launcher
    assert (ROOT / "build" / "signing" / "clerkdesk.pub").exists()
    assert (msi.parent / f"{msi.name}.minisig").exists() and (msi.parent / "SHA256SUMS").exists()
