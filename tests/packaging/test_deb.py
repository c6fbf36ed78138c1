"""The .deb as an IT admin rolls it out: build, verify, install, run offline, upgrade keeping data, remove.

One story on this machine's real dpkg, with a test appid (``org.clerkdesk.citest``) so it never touches a real
install: ``packaging/build.sh deb`` twice (build numbers 1 and 2; version 2 ships one recipe fewer), the
signatures checked before installing, ``dpkg -i``, the installed ``clerkdesk --version`` and the console demo
inside a network namespace with loopback only (``unshare -n``), a person added, ``dpkg -i`` of version 2 over it
(data, key and audit chain intact, the dropped recipe gone), ``dpkg -r`` (program gone, data kept), purge.

Cost: the PyInstaller build is cached in build/app/ by a hash of the sources and installed packages (about
90 s when it must be made, under load); each .deb is packed with gzip -1 (~30 s) and unpacked by dpkg (~15 s);
the demo ~10 s. About 2–3 minutes in all on this 2-core machine, which is why it is one test and not several.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = [pytest.mark.packaging, pytest.mark.slow, pytest.mark.timeout(900)]

ROOT = Path(__file__).resolve().parents[2]
APPID = "org.clerkdesk.citest"
EXE = Path("/opt/apps") / APPID / "files" / "clerkdesk"
DROPPED = Path("gjj") / "change-info.yaml"  # shipped by version 1, not by version 2


def as_root() -> list[str]:
    if os.geteuid() == 0:
        return []
    if shutil.which("sudo") and subprocess.run(["sudo", "-n", "true"], capture_output=True).returncode == 0:
        return ["sudo", "-n"]
    pytest.skip("installing a .deb needs root (or password-less sudo)")


def sh(*cmd: str | Path, env: dict[str, str] | None = None, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    p = subprocess.run([str(c) for c in cmd], env=env, capture_output=True, text=True, timeout=timeout)
    assert p.returncode == 0, f"{cmd}: exit {p.returncode}\n{p.stdout[-3000:]}\n{p.stderr[-3000:]}"
    return p


def host_glibc() -> tuple[int, ...]:
    return tuple(int(n) for n in (os.confstr("CS_GNU_LIBC_VERSION") or "glibc 0.0").split()[-1].split("."))


def build_env(dist: Path, number: int, recipes: Path, glibc: str | None) -> dict[str, str]:
    env = dict(os.environ, APPID=APPID, BUILD_NUMBER=str(number), DIST=str(dist), RECIPES=str(recipes),
               DEB_GZIP_LEVEL="1")
    env.pop("VERSION", None)
    env.pop("DEB_GLIBC", None)
    if glibc:
        env["DEB_GLIBC"] = glibc
    return env


def build(dist: Path, number: int, recipes: Path) -> Path:
    """A host-only .deb: this Debian 12 machine cannot make one within UOS/Kylin's glibc ceiling (2.28)."""
    env = build_env(dist, number, recipes, "host")
    out = sh(ROOT / "packaging" / "build.sh", "deb", env=env, timeout=900).stdout.strip().splitlines()[-1]
    return Path(out)


def test_the_default_build_keeps_the_uos_glibc_ceiling(tmp_path: Path) -> None:
    """``build.sh deb`` without DEB_GLIBC makes a .deb for UOS 20 / Kylin V10 (glibc 2.28) or none: on a newer
    build host it refuses (exit 2), naming the files that need more and the way out; no .deb is written."""
    env = build_env(tmp_path / "dist", 1, ROOT / "recipes", None)
    p = subprocess.run([ROOT / "packaging" / "build.sh", "deb"], env=env, capture_output=True, text=True, timeout=900)
    if host_glibc() <= (2, 28):  # a build host as old as the targets: the .deb is made, within the ceiling
        assert p.returncode == 0, p.stderr[-3000:]
        depends = sh("dpkg-deb", "-f", p.stdout.strip().splitlines()[-1], "Depends").stdout
        assert re.search(r"libc6 \(>= 2\.([0-9]|1[0-9]|2[0-8])(\.[0-9]+)?\)", depends), depends
        return
    assert p.returncode == 2, f"exit {p.returncode}\n{p.stderr[-3000:]}"
    assert "need a glibc newer than 2.28" in p.stderr and "_internal/libpython3.11.so.1.0: needs GLIBC_2." in p.stderr
    assert "deb: REFUSED" in p.stderr and "DEB_GLIBC=host packaging/build.sh deb" in p.stderr
    assert not list((tmp_path / "dist").glob("*.deb")) and "Traceback" not in p.stderr
    assert not (ROOT / "build" / "deb" / f"{APPID}_0.1.0.1_amd64").exists(), "the staging tree is left behind"


def installed_version() -> str | None:
    p = subprocess.run(["dpkg-query", "-W", "-f=${Status} ${Version}", APPID], capture_output=True, text=True)
    if p.returncode != 0 or "install ok installed" not in p.stdout:
        return None
    return p.stdout.split()[-1]


@pytest.fixture(scope="module")
def debs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("debs")
    recipes2 = tmp / "recipes-v2"
    shutil.copytree(ROOT / "recipes", recipes2)
    (recipes2 / DROPPED).unlink()
    return build(tmp / "v1", 1, ROOT / "recipes"), build(tmp / "v2", 2, recipes2)


@pytest.fixture
def clean_install() -> Iterator[list[str]]:
    root = as_root()
    subprocess.run([*root, "dpkg", "--purge", APPID], capture_output=True)  # a crashed earlier run
    yield root
    subprocess.run([*root, "dpkg", "--purge", APPID], capture_output=True)


def clerk_env(tmp: Path) -> dict[str, str]:
    """A clerk's session without a display, policy or the test's venv: only what the installed app brings."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("CLERKDESK_", "PYTHON", "VIRTUAL_ENV", "DISPLAY", "WAYLAND"))}
    env.update(HOME=str(tmp), CLERKDESK_HOME=str(tmp / "data"), CLERKDESK_CONFIG=str(tmp / "config"),
               CLERKDESK_KEYRING="0", CLERKDESK_CLERK="窗口一号", PATH="/usr/bin:/bin:/usr/sbin:/sbin")
    return env


def offline(root: list[str], *cmd: str | Path) -> list[str]:
    """``cmd`` in a new network namespace whose only interface is loopback (brought up; it starts down)."""
    ns = [*root, "unshare", "-n"] if root or os.geteuid() == 0 else ["unshare", "-rn"]
    return [*ns, "sh", "-c", 'ip link set lo up && exec "$@"', "sh", *(str(c) for c in cmd)]


def test_install_run_offline_upgrade_and_remove(debs: tuple[Path, Path], clean_install: list[str],
                                                tmp_path: Path) -> None:
    root = clean_install
    v1, v2 = debs
    assert v1.name == f"{APPID}_0.1.0.1_amd64.deb" and v2.name == f"{APPID}_0.1.0.2_amd64.deb"
    # the admin verifies before installing: SHA256SUMS and the detached signatures
    pub = ROOT / "build" / "signing" / "clerkdesk.pub"
    for deb in (v1, v2):
        assert (deb.parent / f"{deb.name}.minisig").exists() and (deb.parent / "SHA256SUMS.minisig").exists()
        sh(ROOT / ".venv" / "bin" / "python", ROOT / "packaging" / "sign.py", "verify", "--pub", pub, deb.parent)
    # UOS layout: info is JSON with a four-number version; the launcher and icon under entries/
    # DEB_GLIBC=host: Depends says the glibc the bundled files need (this machine's), the description says why
    control = sh("dpkg-deb", "-f", v1, "Depends", "Description").stdout
    assert f"libc6 (>= {'.'.join(map(str, host_glibc()))})" in control, control
    assert "Host-only build (DEB_GLIBC=host)" in control and "not for" in control
    sh(*root, "dpkg", "-i", v1)
    assert installed_version() == "0.1.0.1"
    opt = Path("/opt/apps") / APPID
    info = json.loads((opt / "info").read_text(encoding="utf-8"))
    assert info["appid"] == APPID and info["version"] == "0.1.0.1" and info["arch"] == ["amd64"]
    assert (opt / "entries" / "applications" / f"{APPID}.desktop").read_text().count(f"Exec={EXE}") == 1
    assert (opt / "entries" / "icons" / "hicolor" / "scalable" / "apps" / f"{APPID}.svg").exists()
    assert not list(Path("/var/lib/dpkg/info").glob(f"{APPID}.*inst")), "no maintainer scripts"
    assert not list(Path("/var/lib/dpkg/info").glob(f"{APPID}.*rm"))
    owned = sh("dpkg-query", "-L", APPID).stdout.split()
    assert all(f == "/." or f.startswith(("/opt", "/opt/apps")) for f in owned)

    env = clerk_env(tmp_path)
    assert sh(EXE, "--version", env=env).stdout.startswith("clerkdesk, version ")
    # offline: the namespace has loopback and nothing else
    assert sh(*offline(root, "ip", "-o", "link")).stdout.count("\n") == 1
    demo = sh(*offline(root, "env", "-i", *(f"{k}={v}" for k, v in env.items()), EXE, "demo", "--console"), timeout=300)
    assert demo.stdout.count("✓") >= 3 and "receipt: RS" in demo.stdout and "receipt: SC" in demo.stdout, demo.stdout
    assert (opt / "files" / "recipes" / DROPPED).exists()

    person = tmp_path / "person.json"
    person.write_text(json.dumps({"name": "张三", "id_number": "11010519491231002X", "phone": "13812345678"}),
                      encoding="utf-8")
    sh(EXE, "person", "add", "--json", person, env=env)
    audit1 = json.loads(sh(EXE, "--json", "audit", "verify", env=env).stdout)
    keys = sorted((tmp_path / "config").rglob("*.key"))
    assert audit1["ok"] and keys

    # upgrade: the program and recipes are replaced, the clerk's data, key and audit chain are not touched
    sh(*root, "dpkg", "-i", v2)
    assert installed_version() == "0.1.0.2"
    assert json.loads((opt / "info").read_text(encoding="utf-8"))["version"] == "0.1.0.2"
    assert not (opt / "files" / "recipes" / DROPPED).exists(), "a recipe dropped by the new version stays"
    assert (opt / "files" / "recipes" / "systems" / "hrss.yaml").exists()
    shown = json.loads(sh(EXE, "--json", "person", "show", "11010519491231002X", env=env).stdout)
    assert shown["record"]["name"] == "张三"
    audit2 = json.loads(sh(EXE, "--json", "audit", "verify", env=env).stdout)
    assert audit2["ok"] and audit2["rows"] >= audit1["rows"]
    assert sorted((tmp_path / "config").rglob("*.key")) == keys

    # remove: the program goes, the data stays (purge has nothing more to remove: no conffiles)
    sh(*root, "dpkg", "-r", APPID)
    assert installed_version() is None and not opt.exists()
    assert (tmp_path / "data" / "clerkdesk.db").exists() and all(k.exists() for k in keys)
