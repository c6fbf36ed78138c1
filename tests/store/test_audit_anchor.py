"""The anchored audit log: wipe, tail cut, rollback and a hand-copied backup are reported by ``audit verify``
(and at open) although the attacker never used the key; backups, restores and signed checkpoints."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from storedata import PEOPLE, raw_files, raw_sql, secrets_of

from clerkdesk.desk import Desk
from clerkdesk.errors import ConfigError, StoreDamaged, StoreKeyError
from clerkdesk.store import Store
from clerkdesk.store.audit import CHECKPOINT_EVERY, verify_offline

CLI = [sys.executable, "-m", "clerkdesk"]


def cli(home: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, "--home", str(home), *args], capture_output=True, text=True, timeout=120,
                          env=env or os.environ.copy())


def acted(home: Path, n: int) -> None:
    """N clerk actions, each one audit row (the first one also creates the store)."""
    s = Store.open(home)
    for i in range(n):
        s.audit.append("viewed", f"person:{i + 1}")
    s.close()


def sql(home: Path, *stmts: str) -> None:
    raw_sql(home, *stmts)  # what anyone with the file (or the DBA of the shared store) and no key can do


def verify(home: Path) -> list[str]:
    s = Store.open(home, allow_damaged=True)
    rep = s.audit.verify()
    s.close()
    return rep.problems


def test_wipe_then_a_clerk_action_is_still_reported(home: Path) -> None:
    """The attack of the issue: delete from audit, any clerk action, audit verify → it used to say intact."""
    acted(home, 8)
    sql(home, "delete from audit")
    with pytest.raises(StoreDamaged, match="wiped"):  # the next clerk action is refused, not written on top
        Store.open(home).audit.append("viewed", "person:1")
    r = cli(home, "audit", "verify")
    assert r.returncode == 1
    assert "the audit log was wiped: it is empty, but the anchor beside the key" in r.stdout
    assert "recorded row 8" in r.stdout


def test_tail_cut_is_reported(home: Path) -> None:
    acted(home, 8)
    sql(home, "delete from audit where id > 5")
    problems = verify(home)
    assert "rows 6..8 are gone: the tail of the audit log was cut" in " ".join(problems)


@pytest.mark.sqlite_only("copies the SQLite file by hand")
def test_older_copy_of_the_whole_file_is_reported(home: Path) -> None:
    acted(home, 5)
    old = raw_files(home)  # a copy taken at row 5 (by hand, not by 'store backup')
    acted(home, 4)
    for name, data in old.items():
        (home / name).write_bytes(data)
    for extra in ("clerkdesk.db-wal", "clerkdesk.db-shm"):
        if extra not in old:
            (home / extra).unlink(missing_ok=True)
    with pytest.raises(StoreDamaged, match="an older copy of the file was put back"):
        Store.open(home)
    assert any("rows 6..9 are gone: the database ends consistently at row 5" in p for p in verify(home))


def test_rolled_back_and_rewritten_is_reported(home: Path) -> None:
    acted(home, 6)
    sql(home, "update audit set hash = '" + "1" * 64 + "' where id = 6")  # not the row the anchor knows
    assert any("row 6 is not the row the anchor beside the key recorded" in p for p in verify(home))


def test_an_altered_anchor_is_reported_and_never_followed(home: Path) -> None:
    acted(home, 3)
    s = Store.open(home)
    path = s.anchor.path
    s.close()
    path.write_text(path.read_text().replace('"seq": 3', '"seq": 2'))
    assert any("was altered or damaged" in p for p in verify(home))
    with pytest.raises(StoreDamaged):
        Store.open(home)


def test_the_anchor_follows_each_commit_and_not_a_rollback(home: Path) -> None:
    s = Store.open(home)
    s.audit.append("viewed", "person:1")
    assert s.anchor.read().seq == 1  # type: ignore[union-attr]
    with pytest.raises(RuntimeError), s.tx():
        s.audit.append("viewed", "person:2")
        raise RuntimeError("the transaction fails after the audit row")
    assert s.anchor.read().seq == 1 and s.audit.head()[0] == 1  # type: ignore[union-attr]
    s.audit.append("viewed", "person:3")
    assert s.anchor.read().seq == 2 and s.audit.verify().ok  # type: ignore[union-attr]
    s.close()


def test_upgraded_store_without_anchor_is_anchored_and_says_so(home: Path) -> None:
    acted(home, 3)
    s = Store.open(home)
    s.anchor.path.unlink()
    s.close()
    s = Store.open(home)
    assert s.anchor.read().seq == 4  # type: ignore[union-attr]
    assert s.audit.rows()[-1]["action"] == "audit_anchored" and s.audit.verify().ok
    s.close()


# --- backup and restore ----------------------------------------------------------------------------------

@pytest.mark.sqlite_only("file backups; the shared store is backed up with pg_dump")
def test_backup_restore_round_trip(home: Path, tmp_path: Path) -> None:
    desk = Desk(home)
    for p in PEOPLE:
        desk.save_profile("person", p)
    bak = tmp_path / "b.db"
    info = desk.backup_store(bak)
    assert info["audit_row"] == 4 and oct(bak.stat().st_mode & 0o777) == "0o600"
    data = bak.read_bytes()
    for secret in secrets_of(PEOPLE, []):  # encrypted as the store is
        assert secret.encode() not in data and secret.encode("utf-16-le") not in data
    with pytest.raises(ConfigError, match="never overwrites"):
        desk.backup_store(bak)
    desk.delete_profile("person", PEOPLE[0]["id_number"])
    desk.profile("person", PEOPLE[1]["id_number"])
    res = desk.restore_store(bak)
    assert res["restored_row"] == 4 and res["lost_rows"] == [5, 6] and Path(res["kept"]).exists()
    desk = Desk(home)
    assert desk.profile("person", PEOPLE[0]["id_number"]) is not None  # the backup's state is back
    rep = desk.verify_audit()
    assert rep.ok, rep.problems
    actions = [r["action"] for r in desk.store.audit.rows()]
    assert actions[3:6] == ["store_backup", "store_restored", "viewed"]
    desk.close()


@pytest.mark.sqlite_only("file backups")
def test_restore_refuses_a_backup_of_another_store_and_a_damaged_one(home: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    acted(other, 2)
    bak = tmp_path / "other.db"
    Desk(other).backup_store(bak)
    acted(home, 2)
    with pytest.raises(ConfigError, match="backup of another store"):
        Desk(home).restore_store(bak)
    mine = tmp_path / "mine.db"
    Desk(home).backup_store(mine)
    raw = bytearray(mine.read_bytes())
    raw[4096 * 2:4096 * 3] = b"\xff" * 4096
    mine.write_bytes(bytes(raw))
    with pytest.raises((StoreDamaged, ConfigError)):
        Desk(home).restore_store(mine)
    assert Desk(home).verify_audit().ok  # nothing was replaced


@pytest.mark.sqlite_only("file backups")
def test_cli_backup_restore_and_check(home: Path, tmp_path: Path) -> None:
    acted(home, 3)
    bak = tmp_path / "b.db"
    r = cli(home, "store", "backup", str(bak))
    assert r.returncode == 0 and "back up the key file separately" in r.stdout
    assert cli(home, "store", "check").returncode == 0
    acted(home, 2)
    r = cli(home, "--json", "store", "restore", str(bak))
    assert r.returncode == 0, r.stderr
    r = cli(home, "audit", "verify")
    assert r.returncode == 0 and "intact" in r.stdout


# --- signed checkpoints, verified offline with the public key ---------------------------------------------

@pytest.mark.sqlite_only("verifies a database file offline")
def test_offline_verification_with_the_public_key_only(home: Path, tmp_path: Path) -> None:
    acted(home, CHECKPOINT_EVERY + 5)  # one periodic checkpoint at row 100
    pem = tmp_path / "audit.pem"
    assert cli(home, "audit", "export-key", "--out", str(pem)).returncode == 0
    copy = tmp_path / "copy.db"
    Desk(home).backup_store(copy)  # a second checkpoint, at the backup's row
    rep = verify_offline(copy, pem.read_bytes())
    assert rep.ok and rep.rows == CHECKPOINT_EVERY + 6, rep.problems
    # The auditor has no key: a config folder without it, and the CLI still verifies
    env = {**os.environ, "CLERKDESK_CONFIG": str(tmp_path / "empty")}
    r = cli(home, "audit", "verify", "--public-key", str(pem), "--db", str(copy), env=env)
    assert r.returncode == 0 and "covered by signed checkpoints" in r.stdout, r.stdout + r.stderr

    tampered = tmp_path / "tampered.db"
    shutil.copy(copy, tampered)
    sql_file(tampered, "update audit set actor = 'nobody' where id = 42")
    rep = verify_offline(tampered, pem.read_bytes())
    assert not rep.ok and any("rows 1..100 differ from what the signed checkpoint" in p for p in rep.problems)

    shutil.copy(copy, tampered)
    sql_file(tampered, "update audit_checkpoints set digest = '" + "0" * 64 + "' where seq = 100")
    assert any("does not carry a valid signature" in p for p in verify_offline(tampered, pem.read_bytes()).problems)

    shutil.copy(copy, tampered)
    sql_file(tampered, f"delete from audit where id > {CHECKPOINT_EVERY - 10}")
    assert any("row 100 is gone" in p for p in verify_offline(tampered, pem.read_bytes()).problems)

    other = tmp_path / "other"
    acted(other, 1)
    other_pem = tmp_path / "other.pem"
    assert cli(other, "audit", "export-key", "--out", str(other_pem)).returncode == 0
    assert not verify_offline(copy, other_pem.read_bytes()).ok  # another store's key proves nothing
    r = cli(home, "audit", "verify", "--public-key", str(tmp_path / "copy.db"), env=env)
    assert r.returncode == 2 and "not a PEM public key" in r.stderr


def sql_file(db: Path, stmt: str) -> None:
    conn = sqlite3.connect(db)
    conn.execute(stmt)
    conn.commit()
    conn.close()


@pytest.mark.sqlite_only("file backups")
def test_restore_needs_the_key(home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    acted(home, 1)
    bak = tmp_path / "b.db"
    Desk(home).backup_store(bak)
    monkeypatch.setenv("CLERKDESK_CONFIG", str(tmp_path / "no-keys"))
    with pytest.raises(StoreKeyError, match="was not found"):
        Desk(tmp_path / "new", create=True).restore_store(bak)
