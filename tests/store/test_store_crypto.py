"""Encryption at rest: round trip, no plaintext in the file, and the key rules."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from storedata import ENTERPRISES, PEOPLE, encodings, raw_conn, raw_files, secrets_of

from clerkdesk.desk import Desk
from clerkdesk.errors import StoreKeyError
from clerkdesk.store import Store
from clerkdesk.store.crypto import Cipher, key_file_path


def fill(home: Path) -> Desk:
    desk = Desk(home)
    for p in PEOPLE:
        desk.save_profile("person", p)
    for e in ENTERPRISES:
        desk.save_profile("enterprise", e)
    # a second version of each person, so history rows exist too
    for p in PEOPLE:
        desk.save_profile("person", {"name": p["name"], "id_number": p["id_number"], "education": "本科"})
    return desk


def key_path(home: Path) -> Path:
    conn = raw_conn(home)
    store_id = conn.execute("select value from meta where key = 'store_id'").fetchone()[0]
    conn.close()
    return key_file_path(store_id)


def test_round_trip(home: Path) -> None:
    desk = fill(home)
    desk.close()
    desk = Desk(home)
    for p in PEOPLE:
        prof = desk.profile("person", p["id_number"])
        assert prof is not None and prof.record["name"] == p["name"] and prof.version == 2
        assert prof.record["education"] == "20"
    ent = desk.profile("enterprise", ENTERPRISES[0]["uscc"].lower())
    assert ent is not None and ent.record["legal_rep"]["name"] == "诸葛孔明"
    desk.close()


def test_cipher_round_trip_and_tamper_detection() -> None:
    c = Cipher(os.urandom(32))
    blob = c.encrypt("欧阳震华".encode(), b"aad")
    assert c.decrypt(blob, b"aad") == "欧阳震华".encode()
    assert c.encrypt(b"x", b"a") != c.encrypt(b"x", b"a")  # fresh nonce every time
    with pytest.raises(StoreKeyError):
        c.decrypt(blob, b"other aad")
    with pytest.raises(StoreKeyError):
        c.decrypt(blob[:-1] + bytes([blob[-1] ^ 1]), b"aad")
    with pytest.raises(StoreKeyError):
        Cipher(os.urandom(32)).decrypt(blob, b"aad")
    assert c.blind_index("person", "X") != Cipher(os.urandom(32)).blind_index("person", "X")


@pytest.mark.sqlite_only("the SQLite file and its WAL; PostgreSQL: test_store_shared.py's pg_dump scan")
def test_no_plaintext_in_the_file(home: Path) -> None:
    desk = fill(home)
    secrets = secrets_of(PEOPLE, ENTERPRISES)
    files_open = raw_files(home)  # while open: the WAL holds the recent pages
    assert "clerkdesk.db-wal" in files_open
    desk.close()
    files_closed = raw_files(home)
    for files in (files_open, files_closed):
        for fname, data in files.items():
            for s in secrets:
                for enc in encodings(s):
                    assert enc not in data, f"{s!r} in clear in {fname}"
    # the check can fail: the same values are found in an unencrypted copy
    plain = home / "plain.db"
    conn = sqlite3.connect(plain)
    conn.execute("create table t (v text)")
    conn.executemany("insert into t values (?)", [(s,) for s in secrets])
    conn.commit()
    conn.close()
    assert all(s.encode() in plain.read_bytes() for s in secrets)


def test_profile_rows_hold_only_a_token_and_ciphertext(home: Path) -> None:
    fill(home).close()
    conn = raw_conn(home)
    for kind, lookup, data in conn.execute("select kind, lookup, data from profiles"):
        assert kind in ("person", "enterprise") and len(lookup) == 64 and int(lookup, 16) >= 0
        assert data[:1] == b"\x01" and len(data) > 40
    conn.close()


def test_altered_ciphertext_is_an_error_not_garbage(home: Path) -> None:
    fill(home).close()
    conn = raw_conn(home)
    a, b = conn.execute("select id, data from profiles where kind = 'person' order by id limit 2").fetchall()
    conn.execute("update profiles set data = ? where id = ?", [b[1], a[0]])  # swap one person's blob into another
    conn.commit()
    conn.close()
    desk = Desk(home)
    with pytest.raises(StoreKeyError, match="altered"):
        desk.profile("person", PEOPLE[0]["id_number"])
    desk.close()


def test_key_file_is_owner_only_and_outside_the_home(home: Path) -> None:
    Store.open(home).close()
    kp = key_path(home)
    assert kp.exists() and home not in kp.parents
    assert kp.stat().st_mode & 0o777 == 0o600
    assert kp.parent.stat().st_mode & 0o077 == 0


@pytest.mark.sqlite_only("a second data folder is a second database only on SQLite")
def test_wrong_key_is_a_clear_error_and_touches_no_key(home: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    k1, k2 = tmp_path / "k1.key", tmp_path / "k2.key"
    monkeypatch.setenv("CLERKDESK_KEY_FILE", str(k1))
    fill(home).close()
    monkeypatch.setenv("CLERKDESK_KEY_FILE", str(k2))
    Store.open(tmp_path / "other").close()  # another database, another key
    before = (k1.read_bytes(), k2.read_bytes())
    with pytest.raises(StoreKeyError) as ei:
        Store.open(home)
    msg = str(ei.value)
    assert "does not open" in msg and str(k2) in msg and "never replaces" in msg
    assert (k1.read_bytes(), k2.read_bytes()) == before
    monkeypatch.setenv("CLERKDESK_KEY_FILE", str(k1))
    s = Store.open(home)
    assert s.profiles.count() == len(PEOPLE) + len(ENTERPRISES)
    s.close()


def test_missing_key_is_an_error_never_a_new_key(home: Path) -> None:
    fill(home).close()
    kp = key_path(home)
    backup = kp.read_bytes()
    kp.unlink()
    for _ in range(2):  # and again: the first failure must not have created one
        with pytest.raises(StoreKeyError, match="was not found") as ei:
            Store.open(home)
        assert "Restore the key file" in str(ei.value) and not kp.exists()
    kp.write_bytes(backup)
    kp.chmod(0o600)
    s = Store.open(home)  # the restored backup opens the data again
    assert s.profiles.get("person", PEOPLE[0]["id_number"]) is not None
    s.close()


def test_key_file_readable_by_others_is_refused(home: Path) -> None:
    Store.open(home).close()
    kp = key_path(home)
    kp.chmod(0o644)
    with pytest.raises(StoreKeyError, match="mode 0644: other users can read it") as ei:
        Store.open(home)
    assert f"chmod 600 {kp}" in str(ei.value)
    kp.chmod(0o600)
    Store.open(home).close()


def test_damaged_key_file(home: Path) -> None:
    Store.open(home).close()
    kp = key_path(home)
    kp.write_text("not a key\n")
    with pytest.raises(StoreKeyError, match="damaged"):
        Store.open(home)


def test_missing_key_check_with_data_is_refused(home: Path) -> None:
    fill(home).close()
    conn = raw_conn(home)
    conn.execute("delete from meta where key = 'key_check'")
    conn.commit()
    conn.close()
    keys_before = sorted(p.name for p in key_path(home).parent.iterdir())
    with pytest.raises(StoreKeyError, match="will not make a new key"):
        Store.open(home)
    assert sorted(p.name for p in key_path(home).parent.iterdir()) == keys_before
