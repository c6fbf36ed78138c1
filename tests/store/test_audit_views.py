"""Read-only views on the shared store: written at once outside the hall's write lock, chained in batches.

What must hold (store/audit.py ``record_view``): a lookup never waits for the write lock; every view reaches the
chain (background flush, the next write, close, the next open of any process — also after a crash); the chain
keeps the order things happened; a view row added or altered without the key is never chained as a view and
``audit verify`` says so.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg
import pytest

import clerkdesk.store.db as store_db
from clerkdesk.store import Store
from clerkdesk.store.pg import WRITE_LOCK

pytestmark = pytest.mark.own_backend

ID = "11010519491231002X"
ID2 = "110105194912310046"
PERSON = {"name": "张三", "id_number": ID, "phone": "13812345678"}


def chained(url: str, action: str = "viewed") -> int:
    with psycopg.connect(url) as c:
        return int(c.execute("select count(*) from audit where action = %s", [action]).fetchone()[0])  # type: ignore[index]


def test_a_lookup_does_not_wait_for_the_write_lock(home: Path, pg_url: str) -> None:
    """The cause of the missed p99: every lookup queued behind every writer of the hall."""
    s = Store.open(home, url=pg_url)
    s.profiles.save("person", ID, PERSON)
    with psycopg.connect(pg_url, autocommit=True) as holder:
        holder.execute("select pg_advisory_lock(%s)", [WRITE_LOCK])  # a writer at another window, mid-transaction
        got: list[object] = []
        t = threading.Thread(target=lambda: got.append(s.profiles.get("person", ID)), daemon=True)
        t.start()
        t.join(timeout=10)
        assert not t.is_alive() and got and got[0] is not None, "the lookup waited for the hall's write lock"
        assert s.audit.pending_count() == 1  # recorded at once, waiting to be chained
        holder.execute("select pg_advisory_unlock(%s)", [WRITE_LOCK])
    s.close()
    assert chained(pg_url) == 1


def test_views_are_chained_in_the_background_within_the_flush_interval(home: Path, pg_url: str,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_db, "VIEW_FLUSH_S", 0.05)
    s = Store.open(home, url=pg_url)
    s.profiles.save("person", ID, PERSON)
    anchored = s.anchor.read().seq  # type: ignore[union-attr]
    for _ in range(5):
        s.profiles.get("person", ID)
    s.profiles.history("person", ID)
    end = time.monotonic() + 10
    while s.audit.pending_count() and time.monotonic() < end:
        time.sleep(0.02)
    assert s.audit.pending_count() == 0 and chained(pg_url) == 5 and chained(pg_url, "viewed_history") == 1
    assert s.anchor.read().seq == anchored + 6  # type: ignore[union-attr]  (one anchor write for the batch)
    assert s.audit.verify().ok
    s.close()


def test_a_write_chains_the_views_before_it_and_the_order_is_kept(home: Path, pg_url: str,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_db, "VIEW_FLUSH_S", 60.0)  # no background flush in this test
    s = Store.open(home, url=pg_url)
    s.profiles.save("person", ID, PERSON)
    s.profiles.get("person", ID)
    assert chained(pg_url) == 0
    s.profiles.save("person", ID, {"phone": "13900000000"})
    assert chained(pg_url) == 1 and s.audit.pending_count() == 0
    assert [r["action"] for r in s.audit.rows()][-3:] == ["created", "viewed", "changed"]
    s.close()


def test_views_of_a_crashed_process_are_chained_by_the_next_open(home: Path, tmp_path: Path, pg_url: str) -> None:
    s = Store.open(home, url=pg_url)
    s.profiles.save("person", ID, PERSON)
    s.close()
    code = ("import os, sys; from pathlib import Path; import clerkdesk.store.db as d; d.VIEW_FLUSH_S = 600.0\n"
            "from clerkdesk.store import Store\n"
            f"s = Store.open(Path(sys.argv[1]), url={pg_url!r}, clerk='window-9')\n"
            f"assert s.profiles.get('person', {ID!r}) is not None\n"
            "os._exit(0)  # killed: no close, no flush\n")
    subprocess.run([sys.executable, "-c", code, str(tmp_path / "window9")], check=True, env=dict(os.environ),
                   timeout=120)
    assert chained(pg_url) == 0
    s = Store.open(tmp_path / "other", url=pg_url, clerk="window-2")
    assert s.audit.pending_count() == 0
    views = [r for r in s.audit.rows() if r["action"] == "viewed"]
    assert [r["actor"] for r in views] == ["window-9"]  # the viewer, not the process that chained it
    assert s.audit.verify().ok
    s.close()


@pytest.mark.parametrize("attack", ["insert", "alter", "other-profile", "other-token", "not-json"])
def test_a_view_row_forged_or_altered_without_the_key_is_not_chained(home: Path, pg_url: str, attack: str,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_db, "VIEW_FLUSH_S", 60.0)
    s = Store.open(home, url=pg_url)
    s.profiles.save("person", ID, PERSON)
    other = s.profiles.save("person", ID2, {**PERSON, "id_number": ID2}).profile_id
    s.profiles.get("person", ID)
    with psycopg.connect(pg_url, autocommit=True) as dba:
        if attack == "insert":  # a DBA makes clerk-x look at a profile
            dba.execute("insert into audit_pending (at, actor, action, subject, detail, nonce, mac) values "
                        "('2026-12-05T09:00:00', 'clerk-x', 'viewed', 'person:1', '{}', 'n1', %s)", ["0" * 64])
        elif attack == "alter":  # a DBA makes the view someone else's
            dba.execute("update audit_pending set actor = 'clerk-x'")
        elif attack == "other-profile":  # … or of another person (the id is filled in by the statement)
            dba.execute("update audit_pending set subject = %s", [f"person:{other}"])
        elif attack == "other-token":  # … with that person's token put beside it
            token = dba.execute("select lookup from profiles where id = %s", [other]).fetchone()[0]  # type: ignore[index]
            dba.execute("update audit_pending set subject = %s, detail = %s",
                        [f"person:{other}", json.dumps({"lookup": token})])
        else:
            dba.execute("update audit_pending set detail = 'x'")
    rep = s.audit.verify()  # chains what is waiting first
    assert not rep.ok and any("without the key" in p for p in rep.problems), rep.problems
    assert all(r["actor"] != "clerk-x" for r in s.audit.rows())
    assert all(r["subject"] != f"person:{other}" for r in s.audit.rows() if r["action"] == "viewed")
    assert chained(pg_url) == (1 if attack == "insert" else 0)
    s.close()


def statements_sent(s: Store, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The list every statement S sends to the server is appended to from now on (counted at its connection)."""
    sent: list[str] = []
    raw = s.db.raw  # type: ignore[attr-defined]
    real_execute, real_cursor = raw.execute, raw.cursor

    class Cursor:
        def __init__(self, cur: object) -> None:
            self.cur = cur

        def execute(self, query: str, *a: object, **k: object) -> object:
            sent.append(query)
            return self.cur.execute(query, *a, **k)  # type: ignore[attr-defined]

        def __getattr__(self, name: str) -> object:
            return getattr(self.cur, name)

    monkeypatch.setattr(raw, "execute", lambda q, *a, **k: (sent.append(q), real_execute(q, *a, **k))[1])
    monkeypatch.setattr(raw, "cursor", lambda *a, **k: Cursor(real_cursor(*a, **k)))
    return sent


def test_a_lookup_is_one_round_trip_and_its_view_is_chained_with_the_id_only(home: Path, pg_url: str,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """The hall's commonest call (docs/hall.md, "Where a lookup's time goes"): the profile and its view row in
    one statement. The view row carries the lookup token until it is chained; the chain names the id only."""
    monkeypatch.setattr(store_db, "VIEW_FLUSH_S", 60.0)
    s = Store.open(home, url=pg_url)
    pid = s.profiles.save("person", ID, PERSON).profile_id
    s.profiles.get("person", ID)  # the connection's first use of the statements is not what is counted
    sent = statements_sent(s, monkeypatch)
    got = s.profiles.get("person", ID)
    assert got is not None and got.record["phone"] == PERSON["phone"]
    assert len(sent) == 1, sent
    assert s.profiles.get("person", "11010519491231003" + "8") is None and len(sent) == 2  # a miss: one, no view
    monkeypatch.undo()
    assert s.audit.pending_count() == 2
    token = s.profiles.lookup_token("person", ID)
    s.close()  # flushes
    with psycopg.connect(pg_url) as c:
        rows = c.execute("select subject, detail from audit where action = 'viewed'").fetchall()
        assert rows == [(f"person:{pid}", "{}"), (f"person:{pid}", "{}")]
        assert c.execute("select count(*) from audit where position(%s in detail) > 0", [token]).fetchone() == (0,)


def test_a_history_is_one_round_trip_and_its_view_is_chained_with_the_id_only(home: Path, pg_url: str,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """A profile's versions and their ``viewed_history`` row in one statement, as a lookup: every version, in
    order, decrypted; a miss writes no view; the chain names the id only."""
    monkeypatch.setattr(store_db, "VIEW_FLUSH_S", 60.0)
    s = Store.open(home, url=pg_url)
    pid = s.profiles.save("person", ID, PERSON).profile_id
    s.profiles.save("person", ID, {**PERSON, "phone": "13900000000"})
    s.profiles.save("person", ID2, {**PERSON, "id_number": ID2})  # another person's versions are not shown
    s.profiles.history("person", ID)
    sent = statements_sent(s, monkeypatch)
    got = s.profiles.history("person", ID)
    assert [(v.version, v.record["phone"]) for v in got] == [(1, PERSON["phone"]), (2, "13900000000")]
    assert len(sent) == 1, sent
    assert s.profiles.history("person", "11010519491231003" + "8") == [] and len(sent) == 2  # a miss: no view
    monkeypatch.undo()
    token = s.profiles.lookup_token("person", ID)
    assert s.audit.flush_views() == 2
    assert s.audit.verify().ok
    s.close()
    with psycopg.connect(pg_url) as c:
        rows = c.execute("select subject, detail from audit where action = 'viewed_history'").fetchall()
        assert rows == [(f"person:{pid}", "{}"), (f"person:{pid}", "{}")]
        assert c.execute("select count(*) from audit where position(%s in detail) > 0", [token]).fetchone() == (0,)


def test_a_view_of_a_profile_erased_before_the_flush_is_still_chained(home: Path, pg_url: str,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing is left to check its id against, and its MAC still proves who looked up what and when."""
    monkeypatch.setattr(store_db, "VIEW_FLUSH_S", 60.0)
    s = Store.open(home, url=pg_url)
    pid = s.profiles.save("person", ID, PERSON).profile_id
    s.profiles.get("person", ID)
    with psycopg.connect(pg_url, autocommit=True) as dba:  # erased by another window, its flush not yet run
        dba.execute("delete from profile_versions where profile_id = %s", [pid])
        dba.execute("delete from profiles where id = %s", [pid])
    assert s.audit.flush_views() == 1
    assert [r["subject"] for r in s.audit.rows() if r["action"] == "viewed"] == [f"person:{pid}"]
    assert s.audit.verify().ok
    s.close()


def test_the_sqlite_file_chains_views_at_once(home: Path) -> None:
    """One workstation's own file has no lock to share: a view is in the chain when the lookup returns."""
    s = Store.open(home)
    assert s.backend == "sqlite"
    s.profiles.save("person", ID, PERSON)
    s.profiles.get("person", ID)
    assert s.audit.pending_count() == 0 and s.audit.head()[0] == 2
    assert s.anchor.read().seq == 2  # type: ignore[union-attr]
    s.close()


def test_a_lookup_does_not_wait_for_a_flush_held_up_by_the_write_lock(home: Path, pg_url: str,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The flusher chains views under this process's write lock; a lookup only has to wake it. When the flush
    itself waits (another window holds the hall's write lock), the next lookup must still return at once: it
    takes the flusher's own lock (``_flusher_lock``), never the store's write lock."""
    monkeypatch.setattr(store_db, "VIEW_FLUSH_S", 0.05)
    s = Store.open(home, url=pg_url)
    s.profiles.save("person", ID, PERSON)
    with psycopg.connect(pg_url, autocommit=True) as holder:
        holder.execute("select pg_advisory_lock(%s)", [WRITE_LOCK])  # a writer at another window
        assert s.profiles.get("person", ID) is not None  # starts the flusher, which now waits for the lock
        end = time.monotonic() + 10
        while time.monotonic() < end and not holder.execute(  # the flush, inside the store's write lock, waits
                "select count(*) from pg_locks where locktype = 'advisory' and not granted").fetchone()[0]:  # type: ignore[index]
            time.sleep(0.01)
        assert s._flusher is not None and s._flusher.is_alive() and s.audit.pending_count() == 1
        got: list[object] = []
        t = threading.Thread(target=lambda: got.append(s.profiles.get("person", ID)), daemon=True)
        started = time.monotonic()
        t.start()
        t.join(timeout=5)
        waited = time.monotonic() - started
        holder.execute("select pg_advisory_unlock(%s)", [WRITE_LOCK])
    t.join(timeout=30)
    assert got and got[0] is not None
    assert waited < 5, "the lookup waited behind the view flush"
    s.close()
    assert chained(pg_url) == 2


def test_the_flusher_does_not_queue_for_the_write_lock_while_another_window_holds_it(
        home: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """At 40 windows every process's flusher queued for the hall's write lock four times a second, each to chain
    the few views the one before it left, and every capture waited at the end of that line. A flusher that finds
    the lock held tries again at its next tick (and only queues after ``FLUSH_PATIENCE`` busy ticks in a row);
    the views it leaves are chained as soon as the lock is free."""
    monkeypatch.setattr(store_db, "VIEW_FLUSH_S", 0.05)
    monkeypatch.setattr(store_db, "FLUSH_PATIENCE", 10_000, raising=False)
    s = Store.open(home, url=pg_url)
    s.profiles.save("person", ID, PERSON)
    try:
        with psycopg.connect(pg_url, autocommit=True) as holder:
            holder.execute("select pg_advisory_lock(%s)", [WRITE_LOCK])  # a writer at another window
            assert s.profiles.get("person", ID) is not None
            waiting = 0
            end = time.monotonic() + 1.5  # thirty ticks of the flusher
            while time.monotonic() < end:
                waiting = max(waiting, int(holder.execute(  # type: ignore[index]
                    "select count(*) from pg_locks where locktype = 'advisory' and not granted").fetchone()[0]))
                time.sleep(0.01)
            assert waiting == 0, "the view flusher queued for the hall's write lock"
            assert s.audit.pending_count() == 1 and s._flusher is not None and s._flusher.is_alive()
            holder.execute("select pg_advisory_unlock(%s)", [WRITE_LOCK])
        end = time.monotonic() + 10
        while time.monotonic() < end and s.audit.pending_count():
            time.sleep(0.02)
        assert s.audit.pending_count() == 0 and chained(pg_url) == 1  # chained once the lock was free
    finally:
        s.close()
