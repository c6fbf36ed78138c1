"""Stored credentials (desk/credentials.py): sealed with the store's key when there is no keyring, in a real
keyring backend when there is one; per system and origin; forgotten everywhere."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from clerkdesk.desk.credentials import SERVICE, Credentials


@pytest.fixture
def desk(home: Path) -> Any:
    from clerkdesk.desk import Desk

    d = Desk(home)
    yield d
    d.close()


def test_sealed_in_the_data_folder_per_origin(desk: Any) -> None:
    creds = desk.runs.credentials
    where = creds.set("hrss", "http://prod.example", "clerk01", "Pw-prod")
    creds.set("hrss", "http://train.example", "trainee", "Pw-train")
    assert where.endswith(".bin") and Path(where).is_relative_to(desk.home)
    assert creds.get("hrss", "http://prod.example").password == "Pw-prod"  # type: ignore[union-attr]
    assert creds.get("hrss", "http://train.example").username == "trainee"  # type: ignore[union-attr]
    assert creds.get("amr", "http://prod.example") is None
    for f in (desk.home / "credentials").iterdir():
        assert b"Pw-" not in f.read_bytes()
    assert "Pw-prod" not in repr(creds.get("hrss", "http://prod.example"))
    assert [r["origin"] for r in creds.list()] == ["http://prod.example", "http://train.example"]
    assert creds.forget("hrss", "http://prod.example") and not creds.forget("hrss", "http://prod.example")
    assert creds.get("hrss", "http://prod.example") is None
    assert creds.get("hrss", "http://train.example") is not None


def test_a_sealed_credential_of_another_store_is_not_read(desk: Any, tmp_path: Path) -> None:
    desk.runs.credentials.set("hrss", "http://prod.example", "clerk01", "Pw-prod")
    other = Credentials(desk.home, desk.runs.seal, lambda b, aad: b"{")  # a wrong key: unreadable, not a crash
    assert other.get("hrss", "http://prod.example") is None


def test_in_a_real_keyring_backend_when_there_is_one(desk: Any, tmp_path: Path) -> None:
    alt = pytest.importorskip("keyrings.alt.file")
    kr = alt.PlaintextKeyring()
    kr.file_path = str(tmp_path / "keyring.cfg")  # the backend's own file, in the test's folder
    creds = Credentials(desk.home, desk.runs.seal, desk.runs.unseal, kr)
    assert creds.set("hrss", "http://prod.example", "clerk01", "Pw-kr") == "OS keyring"
    assert kr.get_password(SERVICE, "hrss@http://prod.example") is not None
    assert not list((desk.home / "credentials").glob("*.bin"))  # one place only
    assert creds.get("hrss", "http://prod.example").password == "Pw-kr"  # type: ignore[union-attr]
    assert creds.forget("hrss", "http://prod.example")
    assert kr.get_password(SERVICE, "hrss@http://prod.example") is None


def test_the_policy_can_refuse_the_keyring(desk: Any, tmp_path: Path) -> None:
    alt = pytest.importorskip("keyrings.alt.file")
    kr = alt.PlaintextKeyring()
    kr.file_path = str(tmp_path / "keyring.cfg")
    creds = Credentials(desk.home, desk.runs.seal, desk.runs.unseal, kr, use_keyring=False)
    assert creds.set("hrss", "http://prod.example", "clerk01", "Pw") != "OS keyring"
    assert kr.get_password(SERVICE, "hrss@http://prod.example") is None


def test_an_empty_password_is_refused(desk: Any) -> None:
    from clerkdesk.errors import ClerkDeskError

    with pytest.raises(ClerkDeskError, match="password"):
        desk.runs.credentials.set("hrss", "http://prod.example", "clerk01", "")
