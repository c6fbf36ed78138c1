"""The hall's shared store on PostgreSQL: two workstations, racing processes, what the server (a DBA, a pg_dump)
can read, one schema from one migration list, and an unreachable server."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from sqlite_utils import Database
from storedata import ENTERPRISES, PEOPLE, encodings, pg_dump, readable_dump, secrets_of

from clerkdesk.errors import CaseOpen, ConfigError, RunBusy
from clerkdesk.store import Store, open_store
from clerkdesk.store.lease import Owner
from clerkdesk.store.migrations import STEPS, migrations, pg_apply, pg_pending
from clerkdesk.store.pg import PgDatabase, StoreUnreachable

pytestmark = pytest.mark.own_backend


def ws(tmp_path: Path, name: str, url: str, clerk: str) -> Store:
    """A workstation: its own data folder, the hall's store."""
    return open_store(tmp_path / name, url, clerk=clerk)


def fill_everything(s: Store) -> None:
    """Profiles, versions, a case with runs, step events quoting the page, evidence, a draft, audit rows."""
    ids = []
    for p in PEOPLE:
        ids.append(s.profiles.save("person", p["id_number"], p).profile_id)
        s.profiles.save("person", p["id_number"], {"phone": p["phone"] + "0"})
    for e in ENTERPRISES:
        s.profiles.save("enterprise", e["uscc"], e)
    p = PEOPLE[0]
    cid, runs = s.cases.open(matter="社会保险参保登记", applicant_kind="person", applicant_key=p["id_number"],
                             record=p, targets=[("hrss.enroll", "hrss"), ("tax.reg", "tax")],
                             fields={"address": p["hukou_address"]}, profile_id=ids[0])
    rid = runs["hrss.enroll"]
    s.runs.acquire(rid)
    s.runs.event(rid, 1, "fill", "succeeded", f"{p['name']}（{p['id_number']}）已登记", checkpoint=2, ms=12)
    s.runs.add_evidence(rid, 1, "提交前", f"PNG {p['name']} {p['hukou_address']}".encode())
    s.runs.update(rid, status="succeeded", submit_state="confirmed",
                  data={"captures": {"receipt": "SB1"}, "message": f"{p['name']} 受理成功"})
    s.runs.release(rid)
    s.cases.update(cid, result=("hrss.enroll", {"receipt": "SB1", "name": p["name"]}))
    s.drafts.save({"values": {"person.name": PEOPLE[1]["name"], "person.phone": PEOPLE[1]["phone"]}})
    s.profiles.get("person", PEOPLE[2]["id_number"])
    s.profiles.history("person", PEOPLE[1]["id_number"])


def test_pg_dump_holds_no_plaintext(tmp_path: Path, pg_url: str) -> None:
    """A DBA with every right on the server, or a stolen pg_dump, reads nothing personal: not in the rows, not
    in the audit chain (only tokens, ciphertext, ids, times and states reach the server)."""
    s = ws(tmp_path, "w1", pg_url, "clerk-1")
    fill_everything(s)
    assert s.audit.verify().ok
    s.close()
    dump = readable_dump(pg_dump(pg_url))
    assert b"COPY public.profiles" in dump and b"COPY public.audit" in dump
    secrets = [*secrets_of(PEOPLE, ENTERPRISES), "SB1"]
    for secret in secrets:
        for enc in encodings(secret):
            assert enc not in dump, f"{secret!r} in clear in the pg_dump"
    for p in PEOPLE:
        assert p["id_number"][-8:].encode() not in dump  # not even part of a number
    with psycopg.connect(pg_url) as conn:  # the audit chain, as the DBA reads it
        audit = "\n".join(str(r) for r in conn.execute("select * from audit").fetchall())
    assert audit.count("\n") >= 10 and not any(x in audit for x in secrets)
    # the scan can fail: the same values written in clear (text and bytea) are found
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("create table plain (v text, b bytea)")
        for x in secrets:
            conn.execute("insert into plain values (%s, %s)", [x, x.encode("utf-16-le")])
    dump = readable_dump(pg_dump(pg_url))
    assert all(x.encode() in dump and x.encode("utf-16-le") in dump for x in secrets)


def test_two_workstations_share_a_profile_with_its_history(tmp_path: Path, pg_url: str) -> None:
    a = ws(tmp_path, "window-3", pg_url, "clerk-a")
    b = ws(tmp_path, "window-17", pg_url, "clerk-b")
    p = PEOPLE[0]
    saved = a.profiles.save("person", p["id_number"], p)
    found = b.profiles.get("person", p["id_number"].lower())  # typed another way at the other window
    assert found is not None and found.id == saved.profile_id and found.record["name"] == p["name"]
    b.profiles.save("person", p["id_number"], {"phone": "13700001111"})
    hist = a.profiles.history("person", p["id_number"])
    assert [(v.version, v.actor, v.changed) for v in hist] == [(1, "clerk-a", sorted(p)),
                                                                (2, "clerk-b", ["phone"])]
    assert a.profiles.get("person", p["id_number"]).record["phone"] == "13700001111"  # type: ignore[union-attr]
    actors = [(r["actor"], r["action"]) for r in b.audit.rows()]
    assert ("clerk-a", "created") in actors and ("clerk-b", "changed") in actors and ("clerk-b", "viewed") in actors
    assert a.audit.verify().ok and b.audit.verify().ok
    a.close()
    b.close()


def test_one_case_per_citizen_and_matter_across_workstations(tmp_path: Path, pg_url: str) -> None:
    a = ws(tmp_path, "w1", pg_url, "clerk-a")
    b = ws(tmp_path, "w2", pg_url, "clerk-b")
    pid = a.profiles.save("person", PEOPLE[0]["id_number"], PEOPLE[0]).profile_id
    kw = {"matter": "m", "applicant_kind": "person", "applicant_key": "k", "record": {}, "fields": {},
          "profile_id": pid}
    cid, runs = a.cases.open(targets=[("hrss.enroll", "hrss")], **kw)  # type: ignore[arg-type]
    with pytest.raises(CaseOpen) as e:  # window b, another host: a's lease is live
        b.cases.open(targets=[("hrss.enroll", "hrss")], me=Owner("window-b", 1, "t"), **kw)  # type: ignore[arg-type]
    assert e.value.case_id == cid
    b.runs.me = lambda: Owner("window-b", 1, "t")
    with pytest.raises(RunBusy):  # nor can b run a's run
        b.runs.acquire(runs["hrss.enroll"])
    a.runs.update(runs["hrss.enroll"], status="succeeded")  # finished: the matter is free again
    b.cases.open(targets=[("hrss.enroll", "hrss")], me=Owner("window-b", 1, "t"), **kw)  # type: ignore[arg-type]
    a.close()
    b.close()


def test_a_lease_left_behind_is_given_back_only_while_no_thread_of_this_process_runs_the_run(
        tmp_path: Path, pg_url: str) -> None:
    """``Runs.release_if_idle``: for a run whose release could not reach the store (hall/queue.py). Another
    window can take the run once it is given back; never while this process runs it again."""
    a = ws(tmp_path, "w1", pg_url, "worker-1")
    b = ws(tmp_path, "w2", pg_url, "worker-2")
    pid = a.profiles.save("person", PEOPLE[0]["id_number"], PEOPLE[0]).profile_id
    _cid, runs = a.cases.open(matter="m", applicant_kind="person", applicant_key="k", record={}, fields={},
                              profile_id=pid, targets=[("hrss.enroll", "hrss")])
    rid = runs["hrss.enroll"]
    b.runs.me = lambda: Owner(socket.gethostname(), os.getppid(), "")  # another live process on this host
    a.runs.acquire(rid)
    assert a.runs.release_if_idle(rid) is False  # running here (again): the lease stays
    with pytest.raises(RunBusy):
        b.runs.acquire(rid)
    import clerkdesk.store.runs as store_runs

    store_runs._active.discard(rid)  # what a release that could not reach the store leaves: the run not running
    assert a.runs.release_if_idle(rid) is True
    assert a.runs.release_if_idle(rid) is False  # not ours any more: nothing to give back
    b.runs.acquire(rid)  # the other worker takes it
    assert a.runs.release_if_idle(rid) is False and a.runs.get(rid).owner == b.runs.me()
    a.close()
    b.close()

RACER = """
import json, sys, time
from pathlib import Path
from clerkdesk.errors import CaseOpen
from clerkdesk.store import open_store
home, url, pid, flags = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), Path(sys.argv[4])
s = open_store(home, url, clerk=home.name)
(flags / ("ready-" + home.name)).touch()
while not (flags / "go").exists():
    time.sleep(0.001)
try:
    cid, runs = s.cases.open(matter="m", applicant_kind="person", applicant_key="k", record={}, fields={},
                             targets=[("hrss.enroll", "hrss"), ("tax.reg", "tax")], profile_id=pid)
    print(json.dumps({"case": cid}), flush=True)
except CaseOpen as e:
    print(json.dumps({"refused": e.case_id}), flush=True)
while not (flags / "done").exists():  # the winner's lease stays live until every racer has tried
    time.sleep(0.01)
s.close()
"""


def test_processes_racing_to_open_the_same_case_get_one(tmp_path: Path, pg_url: str) -> None:
    s = ws(tmp_path, "front", pg_url, "clerk")
    pid = s.profiles.save("person", PEOPLE[0]["id_number"], PEOPLE[0]).profile_id
    flags = tmp_path / "flags"
    flags.mkdir()
    n = 5
    procs = [subprocess.Popen([sys.executable, "-c", RACER, str(tmp_path / f"w{i}"), pg_url, str(pid), str(flags)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=dict(os.environ))
             for i in range(n)]
    try:
        deadline = time.monotonic() + 120
        while len(list(flags.glob("ready-*"))) < n:
            assert time.monotonic() < deadline and all(p.poll() is None for p in procs), \
                [p.stderr.read() for p in procs if p.poll() is not None]  # type: ignore[union-attr]
            time.sleep(0.02)
        (flags / "go").touch()
        results = [json.loads(p.stdout.readline()) for p in procs]  # type: ignore[union-attr]
    finally:
        (flags / "done").touch()
        errs = [p.communicate(timeout=60)[1] for p in procs]
    assert [p.returncode for p in procs] == [0] * n, errs
    won = [r["case"] for r in results if "case" in r]
    assert len(won) == 1, results
    assert [r["refused"] for r in results if "refused" in r] == [won[0]] * (n - 1)
    assert [c["id"] for c in s.cases.list()] == won
    assert s.db["open_targets"].count == 2 and s.db["runs"].count == 2
    assert s.audit.verify().ok
    s.close()


def test_concurrent_writers_keep_one_valid_audit_chain(tmp_path: Path, pg_url: str) -> None:
    """Threads of two workstations append at once: the hall's write lock keeps the chain linear."""
    import threading

    stores = [ws(tmp_path, f"w{i}", pg_url, f"clerk-{i}") for i in range(2)]
    # one connection per thread (a workstation's app has one per store): two stores per workstation here
    more = [ws(tmp_path, f"w{i}", pg_url, f"clerk-{i}") for i in range(2)]

    def work(s: Store, tag: int) -> None:
        for i in range(40):
            s.audit.append("viewed", f"person:{tag}-{i}")

    threads = [threading.Thread(target=work, args=(s, i)) for i, s in enumerate(stores + more)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    rep = stores[0].audit.verify()
    assert rep.ok, rep.problems
    assert rep.rows == 160
    for s in stores + more:
        s.close()


def _pg_columns(url: str) -> dict[str, set[str]]:
    with psycopg.connect(url) as conn:
        rows = conn.execute("select table_name, column_name from information_schema.columns "
                            "where table_schema = 'public'").fetchall()
    out: dict[str, set[str]] = {}
    for t, c in rows:
        out.setdefault(t, set()).add(c)
    return out


def test_one_migration_list_gives_the_same_schema_on_both(tmp_path: Path, pg_url: str) -> None:
    lite = Database(tmp_path / "x.db")
    migrations.apply(lite)
    lite_cols = {t.name: {c.name for c in t.columns} for t in lite.tables if not t.name.startswith("_")}
    db = PgDatabase(psycopg.connect(pg_url, autocommit=True), pg_url)
    assert pg_apply(db) == [s.name for s in STEPS] and pg_pending(db) == [] and pg_apply(db) == []
    pg_cols = {t: c for t, c in _pg_columns(pg_url).items() if not t.startswith("_")}
    assert pg_cols == lite_cols
    assert [s.name for s in STEPS] == [m.name for m in migrations._migrations]
    db.close()


def test_pg_upgrade_from_an_earlier_schema(tmp_path: Path, pg_url: str) -> None:
    """A hall database made by an earlier release (two steps) gets the rest at the next open, data kept."""
    db = PgDatabase(psycopg.connect(pg_url, autocommit=True), pg_url)
    with db.transaction():
        db.execute("create table _clerkdesk_migrations (id serial primary key, name text unique not null, "
                   "applied_at text)")
        for step in STEPS[:2]:
            db.raw.execute(step.postgres.encode())
            db.execute("insert into _clerkdesk_migrations (name, applied_at) values (?, 'then')", [step.name])
    db.close()
    old = Store.open(tmp_path / "w", url=pg_url, migrate=False)
    pid = old.profiles.save("person", PEOPLE[0]["id_number"], {"name": PEOPLE[0]["name"]}).profile_id
    old.close()
    s = Store.open(tmp_path / "w", url=pg_url)
    assert set(_pg_columns(pg_url)) >= {"drafts", "open_targets", "audit_checkpoints", "documents"}
    assert s.profiles.get("person", PEOPLE[0]["id_number"]).id == pid  # type: ignore[union-attr]
    s.cases.open(matter="m", applicant_kind="person", applicant_key="k", record={}, fields={},
                 targets=[("a.b", "a")], profile_id=pid)
    assert s.audit.verify().ok
    s.close()


def test_many_processes_creating_one_hall_database_at_once(tmp_path: Path, pg_url: str) -> None:
    code = "import sys; from clerkdesk.store import open_store; open_store(sys.argv[1], sys.argv[2]).close()"
    procs = [subprocess.Popen([sys.executable, "-c", code, str(tmp_path / f"w{i}"), pg_url], stderr=subprocess.PIPE,
                              text=True) for i in range(4)]
    errors = [p.communicate(timeout=120)[1] for p in procs]
    assert [p.returncode for p in procs] == [0] * 4, errors
    s = open_store(tmp_path / "w0", pg_url)
    assert s.audit.verify().ok and pg_pending(s.db) == []
    assert len(list((Path(os.environ["CLERKDESK_CONFIG"]) / "keys").glob("*.key"))) == 1
    s.close()


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_an_unreachable_store_is_said_at_once(tmp_path: Path) -> None:
    url = f"postgresql://postgres@127.0.0.1:{_closed_port()}/hall"
    t0 = time.monotonic()
    with pytest.raises(StoreUnreachable, match="共享数据库连接不上") as e:
        open_store(tmp_path / "w", url)
    assert time.monotonic() - t0 < 10 and "127.0.0.1" in str(e.value)
    with pytest.raises(ConfigError, match="not valid"):
        open_store(tmp_path / "w", "postgresql://x@127.0.0.1:notaport/hall")


def test_the_url_password_never_shows(tmp_path: Path) -> None:
    url = f"postgresql://clerk:s3cret-pw@127.0.0.1:{_closed_port()}/hall"
    with pytest.raises(StoreUnreachable) as e:
        open_store(tmp_path / "w", url)
    assert "s3cret-pw" not in str(e.value) and "clerk:***@" in str(e.value)


def test_machine_policy_names_the_shared_store(tmp_path: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from clerkdesk.config import describe, store_url

    policy = tmp_path / "policy.toml"
    policy.write_text(f'[store]\nurl = "{pg_url}"\n', encoding="utf-8")
    monkeypatch.setenv("CLERKDESK_POLICY", str(policy))
    monkeypatch.delenv("CLERKDESK_DATABASE_URL", raising=False)
    assert store_url() == pg_url
    s = Store.open(tmp_path / "w")
    assert s.shared and s.backend == "postgresql"
    s.close()
    assert ("store.url", pg_url, "policy") in describe()
    monkeypatch.setenv("CLERKDESK_DATABASE_URL", "postgresql://elsewhere/db")
    with pytest.raises(ConfigError, match="set by the machine policy"):
        store_url()
    policy.write_text('store.url = "mysql://x"\n', encoding="utf-8")
    monkeypatch.delenv("CLERKDESK_DATABASE_URL")
    with pytest.raises(ConfigError, match=r"policy.toml:1: store.url: must be a postgresql://"):
        store_url()


def test_sqlite_stays_the_default(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CLERKDESK_DATABASE_URL", raising=False)
    s = Store.open(home)
    assert s.backend == "sqlite" and not s.shared and (home / "clerkdesk.db").exists()
    s.close()
    sqlite3.connect(home / "clerkdesk.db").close()
