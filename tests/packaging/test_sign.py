"""packaging/sign.py: SHA256SUMS and minisign signatures catch a changed, renamed, unlisted or unsigned file."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _load_sign() -> ModuleType:
    """packaging/sign.py is a release script beside the build files, not a module of an importable package
    (``packaging`` is the PyPI library's name): load it from its file, without touching ``sys.path``."""
    spec = importlib.util.spec_from_file_location("clerkdesk_release_sign", ROOT / "packaging" / "sign.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


sign = _load_sign()


@pytest.fixture
def signed(tmp_path: Path) -> tuple[Path, Path]:
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "clerkdesk_1.0.0.0_amd64.deb").write_bytes(b"\x00deb" * 1000)
    (dist / "clerkdesk-1.0.0.0-win64.msi").write_bytes(b"\x00msi" * 1000)
    sign.keygen(tmp_path / "keys")
    sign.sign(tmp_path / "keys" / "clerkdesk.key", dist)
    return dist, tmp_path / "keys" / "clerkdesk.pub"


def test_a_signed_release_verifies(signed: tuple[Path, Path]) -> None:
    dist, pub = signed
    assert sign.verify(pub, dist) == []
    assert sign.main(["verify", "--pub", str(pub), str(dist)]) == 0
    assert (dist / "SHA256SUMS").read_text().count("\n") == 2


def test_a_changed_file_fails_both_checks(signed: tuple[Path, Path]) -> None:
    dist, pub = signed
    with (dist / "clerkdesk_1.0.0.0_amd64.deb").open("ab") as f:
        f.write(b"x")
    problems = sign.verify(pub, dist)
    assert any("SHA-256 differs" in p for p in problems) and any("bad signature" in p for p in problems)
    assert sign.main(["verify", "--pub", str(pub), str(dist)]) == 1


def test_a_renamed_or_added_file_is_caught(signed: tuple[Path, Path]) -> None:
    dist, pub = signed
    deb = dist / "clerkdesk_1.0.0.0_amd64.deb"
    shutil.copy(deb, dist / "clerkdesk_9.0.0.0_amd64.deb")
    shutil.copy(f"{deb}.minisig", dist / "clerkdesk_9.0.0.0_amd64.deb.minisig")
    (dist / "extra.tar").write_bytes(b"1")
    problems = sign.verify(pub, dist)
    assert "clerkdesk_9.0.0.0_amd64.deb: not in SHA256SUMS" in problems
    assert any("clerkdesk_9.0.0.0_amd64.deb: the signature was made for 'file:clerkdesk_1.0.0.0" in p
               for p in problems)
    assert "extra.tar: no signature (extra.tar.minisig)" in problems


def test_another_key_does_not_verify(signed: tuple[Path, Path], tmp_path: Path) -> None:
    dist, _ = signed
    sign.keygen(tmp_path / "other")
    assert any("bad signature" in p for p in sign.verify(tmp_path / "other" / "clerkdesk.pub", dist))


def test_a_password_protected_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "a.deb").write_bytes(b"a")
    monkeypatch.setenv("MINISIGN_PASSWORD", "correct horse")
    sign.keygen(tmp_path / "k")
    monkeypatch.delenv("MINISIGN_PASSWORD")
    with pytest.raises(SystemExit, match="password-protected"):
        sign.sign(tmp_path / "k" / "clerkdesk.key", dist)
    monkeypatch.setenv("MINISIGN_PASSWORD", "correct horse")
    sign.sign(tmp_path / "k" / "clerkdesk.key", dist)
    assert sign.verify(tmp_path / "k" / "clerkdesk.pub", dist) == []
