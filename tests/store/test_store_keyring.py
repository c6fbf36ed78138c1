"""The master key in an OS keyring (``clerkdesk[keyring]``), here keyrings.alt's file-backed backend: a real
keyring implementation, selected the way an admin would (PYTHON_KEYRING_BACKEND)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from clerkdesk.errors import StoreKeyError
from clerkdesk.store import Store


@pytest.fixture
def file_keyring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.PlaintextKeyring")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("CLERKDESK_KEYRING", "1")
    import keyring
    import keyring.core

    keyring.core.set_keyring(keyring.core.load_keyring("keyrings.alt.file.PlaintextKeyring"))
    return tmp_path / "xdg"


def test_key_lives_in_the_keyring_not_in_a_file(file_keyring: Path, home: Path) -> None:
    import keyring

    s = Store.open(home)
    assert s.key_source == "OS keyring"
    store_id = s.db["meta"].get("store_id")["value"]
    s.profiles.save("person", "11010519491231002X", {"name": "钥匙"})
    s.close()
    assert keyring.get_password("clerkdesk", store_id)  # one entry per database
    assert not list((Path(os.environ["CLERKDESK_CONFIG"]) / "keys").glob("*.key"))  # no key file was written
    # another process (another clerk's session on the same machine account) finds it there too
    code = ("import sys; from clerkdesk.store import Store; s = Store.open(sys.argv[1]); "
            "print(s.key_source, s.profiles.get('person', '11010519491231002X', audit=False).record['name'])")
    out = subprocess.run([sys.executable, "-c", code, str(home)], env=dict(os.environ), capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["OS", "keyring", "钥匙"]


def test_a_lost_keyring_entry_is_a_clear_error_never_a_new_key(file_keyring: Path, home: Path) -> None:
    import keyring

    s = Store.open(home)
    store_id = s.db["meta"].get("store_id")["value"]
    s.close()
    keyring.delete_password("clerkdesk", store_id)
    with pytest.raises(StoreKeyError, match="looked in the OS keyring and at"):
        Store.open(home)
    assert keyring.get_password("clerkdesk", store_id) is None  # nothing was made up in its place


def test_a_plaintext_file_keyring_is_not_taken_for_an_os_keyring(home: Path, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import keyring.core

    monkeypatch.setenv("CLERKDESK_KEYRING", "1")
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    keyring.core.set_keyring(keyring.core.load_keyring("keyrings.alt.file.PlaintextKeyring"))
    s = Store.open(home)
    assert s.key_source.endswith(".key")  # the owner-only key file, as without a keyring
    s.close()
