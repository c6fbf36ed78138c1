"""Migrations from empty and from the previous schema; two processes writing at once."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest
from sqlite_utils import Database
from storedata import PEOPLE, db_url, make_id, raw_conn

from clerkdesk.desk import Desk
from clerkdesk.errors import ConfigError
from clerkdesk.store import Store, migrations

ALL = [m.name for m in migrations.migrations._migrations]


def tables(home: Path) -> set[str]:
    conn = raw_conn(home)
    sql = ("select tablename from pg_tables where schemaname = 'public'" if db_url()
           else "select name from sqlite_master where type = 'table'")
    out = {r[0] for r in conn.execute(sql)}
    conn.close()
    return out


def applied(home: Path) -> list[str]:
    conn = raw_conn(home)
    table = "_clerkdesk_migrations" if db_url() else "_sqlite_migrations"
    out = [r[0] for r in conn.execute(f"select name from {table} order by id")]
    conn.close()
    return out


def test_from_empty(home: Path) -> None:
    Store.open(home).close()
    assert applied(home) == ALL == ["m001_profiles_and_audit", "m002_cases_and_runs", "m003_documents",
                                    "m004_drafts", "m005_run_leases", "m006_audit_checkpoints",
                                    "m007_run_recipe_set", "m008_audit_pending", "m009_case_send_tokens",
                                    "m010_audit_action_at", "m011_outbox_tokens_and_erasures"]
    assert {"meta", "profiles", "profile_versions", "audit", "cases", "runs", "run_events", "evidence",
            "uscc_whitelist", "drafts", "open_targets"} <= tables(home)
    if not db_url():
        conn = sqlite3.connect(home / "clerkdesk.db")
        assert conn.execute("pragma journal_mode").fetchone() == ("wal",)
        conn.close()
    Store.open(home).close()  # a second open applies nothing again
    assert applied(home) == ALL


def test_a_store_a_newer_clerkdesk_migrated_is_not_opened_by_an_older_one(home: Path) -> None:
    """An older window would write rows in a shape the newer ones read otherwise (on the hall's store: view
    records its flush takes for forged): it says to upgrade, names the steps, and writes nothing."""
    s = Store.open(home)
    s.profiles.save("person", PEOPLE[0]["id_number"], PEOPLE[0])
    s.close()
    conn = raw_conn(home)
    if db_url():
        conn.execute("insert into _clerkdesk_migrations (name, applied_at) values ('m099_from_the_future', 'x')")
    else:
        conn.execute("insert into _sqlite_migrations (migration_set, name, applied_at) "
                     "values ('clerkdesk', 'm099_from_the_future', 'x')")
    conn.commit()
    before = conn.execute("select count(*) from audit").fetchone()
    conn.close()
    with pytest.raises(ConfigError, match=r"newer ClerkDesk \(schema steps m099_from_the_future\).*upgrade this"):
        Store.open(home)
    conn = raw_conn(home)
    assert conn.execute("select count(*) from audit").fetchone() == before
    conn.close()


@pytest.mark.sqlite_only("upgrades a SQLite file of an earlier release; PostgreSQL: test_pg_*")
def test_from_the_previous_schema(home: Path) -> None:
    db = Database(home / "clerkdesk.db")
    migrations.migrations.apply(db, stop_before="m002_cases_and_runs")
    db.close()
    assert applied(home) == ["m001_profiles_and_audit"] and "cases" not in tables(home)

    old = Store.open(home, migrate=False)  # what the previous release would have done
    old.profiles.save("person", PEOPLE[0]["id_number"], {"name": PEOPLE[0]["name"], "v": 1})
    old.profiles.save("person", PEOPLE[0]["id_number"], {"v": 2})
    old.profiles.save("person", PEOPLE[1]["id_number"], {"name": PEOPLE[1]["name"]})
    old.close()

    desk = Desk(home)
    assert desk.store.profiles.count() == 2  # opening migrates
    assert applied(home) == ALL and "cases" in tables(home)
    prof = desk.profile("person", PEOPLE[0]["id_number"])
    assert prof is not None and prof.version == 2 and prof.record == {"name": PEOPLE[0]["name"], "v": 2}
    assert [v.version for v in desk.history("person", PEOPLE[0]["id_number"])] == [1, 2]
    assert desk.verify_audit().ok and desk.verify_audit().rows == 3 + 2  # 3 saves + view + history
    # the new tables work on the migrated file
    cid = desk.store.cases.create(matter="m", applicant_kind="person", applicant_key="k", record={},
                                  targets=[], fields={}, profile_id=prof.id)
    assert desk.store.cases.get(cid).profile_id == prof.id
    assert desk.delete_profile("person", PEOPLE[0]["id_number"])
    desk.close()


WORKER = textwrap.dedent("""
    import json, sys
    from datetime import date
    from pathlib import Path
    from tests.store.storedata import make_id
    from clerkdesk.store import Store

    home, tag, n = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    s = Store.open(home)
    for i in range(n):
        key = make_id("110105", date(1950 + tag, 1, 1), i)
        s.profiles.save("person", key, {{"name": "并发", "worker": tag, "i": i}})
        if i % 10 == 0:
            s.profiles.get("person", key)  # a 'viewed' audit row, interleaved
    s.profiles.save_many("person", [(make_id("110105", date(1950 + tag, 6, 1), i), {{"i": i}}) for i in range(20)])
    s.close()
    print(json.dumps({{"ok": True}}))
""")


def test_two_processes_writing_at_once(home: Path, tmp_path: Path) -> None:
    """Both processes also race to create the database, its key and its schema."""
    script = tmp_path / "worker.py"
    script.write_text(WORKER.format())
    root = str(Path(__file__).resolve().parents[2])  # the worker imports tests.store.storedata from the root
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")])))
    n = 120
    procs = [subprocess.Popen([sys.executable, str(script), str(home), str(tag), str(n)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for tag in (1, 2)]
    for p in procs:
        out, err = p.communicate(timeout=240)
        assert p.returncode == 0, err
        assert json.loads(out) == {"ok": True}

    s = Store.open(home)
    assert s.profiles.count("person") == 2 * (n + 20)
    for tag in (1, 2):
        for i in (0, n // 2, n - 1):
            prof = s.profiles.get("person", make_id("110105", date(1950 + tag, 1, 1), i), audit=False)
            assert prof is not None and prof.record == {"name": "并发", "worker": tag, "i": i}
    actions = [r["action"] for r in s.audit.rows()]
    assert actions.count("created") == 2 * n
    assert actions.count("viewed") == 2 * (n // 10)
    assert actions.count("saved_batch") == 2
    rep = s.audit.verify()
    assert rep.ok, rep.problems
    assert rep.rows == len(actions)
    assert len(list((Path(os.environ["CLERKDESK_CONFIG"]) / "keys").glob("*.key"))) == 1  # one key, not two
    s.close()


OPENER = "import sys; from clerkdesk.store import Store; Store.open(sys.argv[1]).close()"


def test_many_processes_creating_one_database_at_once(tmp_path: Path) -> None:
    """The first open creates schema, key and key check under the write lock; the others wait and use them."""
    for round_ in range(2):
        home = tmp_path / f"h{round_}"
        procs = [subprocess.Popen([sys.executable, "-c", OPENER, str(home)], stderr=subprocess.PIPE, text=True)
                 for _ in range(4)]
        errors = [p.communicate(timeout=60)[1] for p in procs]
        assert [p.returncode for p in procs] == [0, 0, 0, 0], errors
        s = Store.open(home)
        assert s.audit.verify().ok
        s.close()
        assert applied(home) == ALL
    keys = list((Path(os.environ["CLERKDESK_CONFIG"]) / "keys").glob("*.key"))
    assert len(keys) == (1 if db_url() else 2)  # one per database (both rounds open the one shared store)


@pytest.mark.sqlite_only("upgrades a SQLite file of an earlier release; PostgreSQL: test_pg_*")
def test_two_connections_switching_a_new_file_to_wal_at_once(tmp_path: Path) -> None:
    """Both take SHARED to read the header, one then holds PENDING, and SQLite refuses the other at once
    (no busy handler: waiting could never succeed). Seen in CI as 'database is locked' from Store.open;
    the bare pragma fails in about a quarter of these rounds."""
    import threading

    from clerkdesk.store.db import _enable_wal

    failed: list[Exception] = []
    for r in range(120):
        path = tmp_path / f"r{r}.db"
        sqlite3.connect(path).execute("create table t(a)").connection.commit()
        barrier = threading.Barrier(2)

        def switch(path: Path = path, barrier: threading.Barrier = barrier) -> None:
            conn = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA busy_timeout=30000")
            barrier.wait()
            try:
                _enable_wal(conn)
            except sqlite3.OperationalError as e:
                failed.append(e)
            finally:
                conn.close()

        threads = [threading.Thread(target=switch) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        conn = sqlite3.connect(path)
        assert conn.execute("pragma journal_mode").fetchone() == ("wal",)
        conn.close()
    assert failed == []


@pytest.mark.sqlite_only("upgrades a SQLite file of an earlier release; PostgreSQL: test_pg_*")
def test_schema_4_runs_get_the_engines_submit_states_and_their_open_matters(home: Path) -> None:
    """A run left `pending` by the previous release is `armed` (the clerk decides); `done` is `confirmed`; the
    unfinished run of a profile's matter holds that matter, so a second case for it is refused."""
    import pytest

    from clerkdesk.errors import CaseOpen
    from clerkdesk.store.lease import Owner

    db = Database(home / "clerkdesk.db")
    migrations.migrations.apply(db, stop_before="m005_run_leases")
    db.close()
    old = Store.open(home, migrate=False)
    pid = old.profiles.save("person", PEOPLE[0]["id_number"], {"name": PEOPLE[0]["name"]}).profile_id
    cid = old.cases.create(matter="m", applicant_kind="person", applicant_key="k", record={}, targets=["a.b"],
                           fields={}, profile_id=pid)
    pending, done = old.runs.create(cid, "a.b", "a"), old.runs.create(cid, "a.c", "a")
    old.db.execute("update runs set submit_state = 'pending', status = 'running' where id = ?", [pending])
    old.db.execute("update runs set submit_state = 'done', status = 'succeeded' where id = ?", [done])
    old.close()

    s = Store.open(home)
    assert (s.runs.get(pending).submit_state, s.runs.get(done).submit_state) == ("armed", "confirmed")
    shown = {r["id"]: r for r in s.runs.list()}
    assert shown[pending]["status"] == "interrupted"  # `running` with no live process behind it
    with pytest.raises(CaseOpen) as e:
        s.cases.open(matter="m", applicant_kind="person", applicant_key="k", record={}, targets=[("a.b", "a")],
                     fields={}, profile_id=pid, alive=lambda o, hb: False, me=Owner("h", 1, "t"))
    assert e.value.case_id == cid and pending in str(e.value)
    # the finished matter is free
    s.cases.open(matter="m", applicant_kind="person", applicant_key="k", record={}, targets=[("a.c", "a")],
                 fields={}, profile_id=pid, alive=lambda o, hb: False, me=Owner("h", 1, "t"))
    s.close()
