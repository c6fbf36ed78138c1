"""A store that notices damage: a corrupted page and a WAL cut in half are reported at open, nothing is
written on top of them, and every command says what is wrong and the way out (no tracebacks)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from storedata import make_id

from clerkdesk.errors import StoreDamaged
from clerkdesk.store import Store

CLI = [sys.executable, "-m", "clerkdesk"]


def person(i: int) -> dict[str, str]:
    return {"name": f"测试{chr(0x4E00 + i)}", "id_number": make_id("110101", date(1980, 1, 1), i + 1),
            "hukou_address": "北京市东城区" + "某街道" * 20 + f"{i}号"}


def cli(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, "--home", str(home), *args], capture_output=True, text=True, timeout=120,
                          env=os.environ.copy())


def filled(home: Path, n: int) -> None:
    s = Store.open(home)
    for i in range(n):
        s.profiles.save("person", person(i)["id_number"], person(i))
    s.close()


def corrupt_page(db: Path, n: int | None = None) -> int:
    """Overwrite page N (default: one in the middle of the file) with junk, as a failing disk would."""
    raw = bytearray(db.read_bytes())
    size = int.from_bytes(raw[16:18], "big")
    pages = len(raw) // size
    n = n or pages // 2
    raw[(n - 1) * size:n * size] = bytes((i * 37 + 11) % 256 for i in range(size))
    db.write_bytes(bytes(raw))
    return n


@pytest.mark.sqlite_only("damage to the SQLite file's pages and WAL")
def test_corrupted_page_is_reported_at_open_and_nothing_is_written(home: Path) -> None:
    filled(home, 60)
    db = home / "clerkdesk.db"
    assert not (home / "clerkdesk.db-wal").exists() or (home / "clerkdesk.db-wal").stat().st_size == 0
    import sqlite3

    con = sqlite3.connect(db)  # a page of the profiles' table, never the audit's: which page is in the middle
    (root,) = con.execute("select rootpage from sqlite_master where name = 'profiles'").fetchone()
    con.close()  # of the file depends on every table and index the migrations make
    corrupt_page(db, root)
    before = db.read_bytes()
    with pytest.raises(StoreDamaged) as ei:
        Store.open(home)
    msg = str(ei.value)
    assert "is damaged; nothing will be written" in msg and "clerkdesk store restore" in msg
    s = Store.open(home, allow_damaged=True)  # for checking and repairing only
    assert s.page_damage
    with pytest.raises(StoreDamaged):
        s.profiles.save("person", person(70)["id_number"], person(70))
    s.close()
    assert db.read_bytes() == before  # not one byte written on top of the damage

    add = home.parent / "p.json"
    add.write_text(json.dumps({"name": "王小明", "id_number": person(80)["id_number"]}), encoding="utf-8")
    for args in (("person", "add", "--json", str(add)), ("person", "show", person(1)["id_number"])):
        r = cli(home, *args)
        assert r.returncode == 2, r.stderr
        assert "Traceback" not in r.stderr and "damaged" in r.stderr and "store restore" in r.stderr
    r = cli(home, "store", "check")
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "store damaged" in r.stdout and "malformed" in r.stdout
    r = cli(home, "audit", "verify")  # the audit rows themselves are intact: the file is not
    assert r.returncode == 1 and "Traceback" not in r.stderr and "the database file is damaged" in r.stdout
    assert db.read_bytes() == before


def wal_cut_in_half(home: Path, saves: int) -> int:
    """Save SAVES people with the WAL never checkpointed, then leave the files as a crash with the WAL cut in
    half would: the main file as it was, the first half of the WAL. Returns the audit rows written."""
    s = Store.open(home)
    s.db.execute("PRAGMA wal_autocheckpoint=0")
    s.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    main = (home / "clerkdesk.db").read_bytes()
    for i in range(saves):
        s.profiles.save("person", person(i)["id_number"], person(i))
    wal = (home / "clerkdesk.db-wal").read_bytes()
    rows = s.audit.head()[0]
    s.close()  # checkpoints: put back what a crash would have left
    (home / "clerkdesk.db").write_bytes(main)
    (home / "clerkdesk.db-wal").write_bytes(wal[:len(wal) // 2])
    (home / "clerkdesk.db-shm").unlink(missing_ok=True)
    return rows


@pytest.mark.sqlite_only("damage to the SQLite file's pages and WAL")
def test_wal_cut_in_half_is_reported_at_open(home: Path) -> None:
    written = wal_cut_in_half(home, 24)
    with pytest.raises(StoreDamaged) as ei:
        Store.open(home)
    msg = str(ei.value)
    assert "lost rows it had committed" in msg and "WAL" in msg and "audit accept-loss" in msg
    s = Store.open(home, allow_damaged=True)
    kept = s.audit.head()[0]
    assert 0 < kept < written and s.profiles.count() < 24  # SQLite itself opens it as if nothing happened
    rep = s.audit.verify()
    assert not rep.ok and f"rows {kept + 1}..{written} are gone" in rep.problems[0]
    s.close()

    r = cli(home, "audit", "verify")
    assert r.returncode == 1 and f"rows {kept + 1}..{written} are gone" in r.stdout
    r = cli(home, "--json", "audit", "accept-loss")
    assert r.returncode == 0, r.stderr
    s = Store.open(home)  # the loss is recorded in the log itself, and work goes on
    last = s.audit.rows()[-1]
    assert last["action"] == "audit_loss_accepted" and f'"lost_rows": [{kept + 1}, {written}]' in last["detail"]
    s.profiles.save("person", person(50)["id_number"], person(50))
    assert s.audit.verify().ok
    s.close()


def test_a_missing_data_folder_needs_create(tmp_path: Path) -> None:
    typo = tmp_path / "hoem"
    f = tmp_path / "p.json"
    f.write_text(json.dumps({"name": "王小明", "id_number": person(1)["id_number"]}), encoding="utf-8")
    r = cli(typo, "person", "add", "--json", str(f))
    assert r.returncode == 2 and "does not exist" in r.stderr and "--create" in r.stderr
    assert not typo.exists() and not list(Path(os.environ["CLERKDESK_CONFIG"]).rglob("*.key"))  # no key made
    r = subprocess.run([*CLI, "--home", str(typo), "--create", "person", "add", "--json", str(f)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert cli(typo, "person", "show", person(1)["id_number"]).returncode == 0


def test_key_file_mode_and_folder_messages(home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from clerkdesk.errors import StoreKeyError

    key = tmp_path / "k" / "store.key"
    monkeypatch.setenv("CLERKDESK_KEY_FILE", str(key))
    Store.open(home).close()
    key.chmod(0o602)
    with pytest.raises(StoreKeyError, match="mode 0602: other users can change it; run: chmod 600"):
        Store.open(home)
    key.chmod(0o600)
    monkeypatch.setenv("CLERKDESK_KEY_FILE", str(tmp_path / "k"))
    with pytest.raises(StoreKeyError, match="is a folder, not a key file"):
        Store.open(home)


@pytest.mark.sqlite_only("damage to the SQLite file's pages and WAL")
def test_damage_met_while_writing_is_a_clear_error(home: Path) -> None:
    filled(home, 30)
    s = Store.open(home)  # sound at open; the disk fails while it is in use
    root = s.db.execute("select rootpage from sqlite_master where name = 'profiles'").fetchone()[0]
    corrupt_page(home / "clerkdesk.db", root)
    s.db.execute("PRAGMA shrink_memory")  # drop the page cache: the next reads come from the file
    with pytest.raises(StoreDamaged, match="is damaged; nothing will be written"), s.tx() as db:
        list(db.query("select * from profiles"))
        s.profiles.save("person", person(40)["id_number"], person(40))
    assert s.page_damage  # and from now on every write is refused at once
    with pytest.raises(StoreDamaged):
        s.audit.append("viewed", "person:1")
    s.close()
