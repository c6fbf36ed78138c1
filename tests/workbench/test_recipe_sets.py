"""Signed, versioned recipe sets: publish → pull → verify, with real Ed25519 keys and real folders; every way a
set can be unsigned, altered, untrusted or older is refused, and a refused pull leaves the workstation as it was."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clerkdesk.config import recipes_dir
from clerkdesk.workbench.recipe_sets import (
    MANIFEST,
    SIGNATURE,
    SetError,
    generate_key,
    installed_version,
    publish,
    pull,
    verify,
)


@pytest.fixture
def world(tmp_path: Path) -> tuple[Path, Path, str, Path]:
    """(source recipes folder, share, trusted public key, private key file)."""
    src = tmp_path / "src"
    shutil.copytree(recipes_dir(), src)
    key = tmp_path / "keys" / "supervisor.key"
    pub = generate_key(key)
    return src, tmp_path / "share", pub, key


def _workstation(tmp_path: Path) -> Path:
    """A workstation's recipes folder as installed before any pull (a copy without SET.json)."""
    into = tmp_path / "ws" / "recipes"
    shutil.copytree(recipes_dir(), into)
    return into


def test_publish_then_pull_installs_the_set_and_keeps_the_previous(world: tuple, tmp_path: Path) -> None:
    src, share, pub, key = world
    info = publish(src, share, "2026.12.1", key)
    assert (share / "2026.12.1" / SIGNATURE).is_file() and "hrss/insurance-enrollment.yaml" in info.files
    assert oct((key.stat().st_mode) & 0o777) == "0o600"
    into = _workstation(tmp_path)
    res = pull(share, into, [pub])
    assert res.installed is not None and res.installed.version == "2026.12.1" and installed_version(into) == "2026.12.1"
    assert (into.with_name("recipes.previous") / "systems").is_dir()
    assert verify(into, [pub]).version == "2026.12.1"
    assert pull(share, into, [pub]).message == "already up to date: 2026.12.1"
    # a fixed recipe, published as the next version, replaces it
    (src / "hrss" / "insurance-enrollment.yaml").write_text(
        (src / "hrss" / "insurance-enrollment.yaml").read_text("utf-8") + "# fixed\n", encoding="utf-8")
    publish(src, share, "2026.12.2", key)
    assert pull(share, into, [pub]).installed.version == "2026.12.2"  # type: ignore[union-attr]
    assert (into / "hrss" / "insurance-enrollment.yaml").read_text("utf-8").endswith("# fixed\n")


def test_publish_refuses_a_bad_folder_a_lower_version_and_a_bad_version(world: tuple, tmp_path: Path) -> None:
    src, share, _, key = world
    publish(src, share, "3.0", key)
    with pytest.raises(SetError, match="not above the newest set"):
        publish(src, share, "2.9.9", key)
    with pytest.raises(SetError, match="not above the newest set"):
        publish(src, share, "3.0", key)
    with pytest.raises(SetError, match="dotted numbers"):
        publish(src, share, "v3.1", key)
    (src / "hrss" / "bad.yaml").write_text("recipe: hrss.bad\ntitle: x\nsystem: hrss\nsteps:\n  - fil: /x\n",
                                           encoding="utf-8")
    with pytest.raises(SetError, match=r"(?s)does not lint clean.*bad.yaml:5:5: unknown step type 'fil'"):
        publish(src, share, "3.1", key)
    assert sorted(p.name for p in share.iterdir()) == ["3.0"]  # nothing half-written


def test_pull_refuses_unsigned_altered_untrusted_and_older_sets(world: tuple, tmp_path: Path) -> None:
    src, share, pub, key = world
    publish(src, share, "1.0", key)
    into = _workstation(tmp_path)
    before = sorted(p.relative_to(into).as_posix() for p in into.rglob("*"))

    def refused(match: str, keys: list[str] | None = None) -> None:
        with pytest.raises(SetError, match=match):
            pull(share, into, [pub] if keys is None else keys)
        assert sorted(p.relative_to(into).as_posix() for p in into.rglob("*")) == before, "a refusal changes nothing"

    other = generate_key(tmp_path / "other.key")
    refused("not by a trusted key", [other])
    refused("no trusted signing keys", [])
    target = share / "1.0" / "hrss" / "insurance-enrollment.yaml"
    good = target.read_bytes()
    target.write_bytes(good.replace("提交".encode(), "保存".encode()))
    refused(r"changed: hrss/insurance-enrollment.yaml")
    target.write_bytes(good)
    (share / "1.0" / "hrss" / "extra.yaml").write_text("x: 1\n", encoding="utf-8")
    refused(r"not in the signed list: hrss/extra.yaml")
    (share / "1.0" / "hrss" / "extra.yaml").unlink()
    manifest = json.loads((share / "1.0" / MANIFEST).read_text("utf-8"))
    manifest["version"] = "9.0"
    (share / "1.0" / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    refused("not by a trusted key, or SET.json was changed")
    shutil.rmtree(share / "1.0")
    publish(src, share, "1.0", key)
    (share / "1.0" / SIGNATURE).unlink()
    refused("unsigned")
    # installed 2.0, the share offers only 1.x: a downgrade
    shutil.rmtree(share)
    publish(src, share, "2.0", key)
    assert pull(share, into, [pub]).installed is not None
    shutil.rmtree(share)
    publish(src, share, "1.5", key)
    before = sorted(p.relative_to(into).as_posix() for p in into.rglob("*"))
    refused("downgrade is refused")
    assert installed_version(into) == "2.0"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_changed_byte_in_a_signed_set_is_found(world: tuple, data: st.DataObject) -> None:
    src, share, pub, key = world
    if not (share / "1.0").exists():
        publish(src, share, "1.0", key)
    folder = share / "1.0"
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    victim = data.draw(st.sampled_from(files))
    raw = victim.read_bytes()
    at = data.draw(st.integers(0, max(0, len(raw) - 1)))
    flip = data.draw(st.integers(1, 255))
    changed = raw[:at] + bytes([raw[at] ^ flip]) + raw[at + 1:] if raw else b"x"
    victim.write_bytes(changed)
    try:
        with pytest.raises(SetError):
            verify(folder, [pub])
    finally:
        victim.write_bytes(raw)
    assert verify(folder, [pub]).version == "1.0"


def test_cli_keygen_publish_pull_verify(tmp_path: Path, home: Path) -> None:
    env = {**os.environ, "CLERKDESK_RECIPE_SHARE": str(tmp_path / "share")}

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "clerkdesk", "--home", str(home), *args], capture_output=True,
                              text=True, timeout=120, env=env, stdin=subprocess.DEVNULL)

    r = cli("--json", "recipe", "keygen", "--out", str(tmp_path / "k.key"))
    assert r.returncode == 0, r.stderr
    pub = json.loads(r.stdout)["public_key"]
    r = cli("recipe", "publish", str(recipes_dir()), "--version", "2026.1", "--key", str(tmp_path / "k.key"))
    assert r.returncode == 0 and "published recipe set 2026.1" in r.stdout, r.stderr
    into = _workstation(tmp_path)
    env["CLERKDESK_RECIPE_KEYS"] = pub
    r = cli("recipe", "pull", "--into", str(into))
    assert r.returncode == 0 and "installed recipe set 2026.1" in r.stdout, r.stderr
    r = cli("recipe", "verify", str(into))
    assert r.returncode == 0 and "recipe set 2026.1 intact" in r.stdout
    (into / "systems" / "hrss.yaml").write_text("system: hrss\n", encoding="utf-8")
    r = cli("recipe", "verify", str(into))
    assert r.returncode == 1 and "changed: systems/hrss.yaml" in r.stderr and "Traceback" not in r.stderr
