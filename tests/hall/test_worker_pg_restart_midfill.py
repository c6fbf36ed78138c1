"""The hall's PostgreSQL restarted (or crashing) while a back-office worker is in the middle of a fill.

The real worker (``hall.queue.fill``: its lane, its clerk that never decides an uncertain submit), the real
engine, and the store on a real PostgreSQL of this module's own, stopped with ``pg_ctl`` (``fast``: a service
restart; ``immediate``: a crash) at a chosen driver call of the fill. Only the ministry system is a fake
(``tests/support/fake_system.py``), so the moment is exact: the call the server goes away in, and whether it is
back before the fill's next store write (``restart``) or only after the fill met it away (``down``).

What must hold, for every moment (the product's guarantee, docs/hall.md "What happens when…"):

- before the submit: the fill is finished exactly once (resumed from its checkpoint when the store is back);
- from the click on: the record is in the system once, and the run is ``needs_clerk`` with its submit
  *uncertain* (or *confirmed* without a receipt seen: the clerk enters it) — never sent again, not even when the
  job is delivered once more;
- ``succeeded`` only with the receipt the system showed, and the case says so too;
- the job ends: nothing waits for a person or a timeout that never comes (the run is not left ``running``).
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

from tests.support.fake_system import FakeDriver, World
from tests.support.hall import back_office_desk, close_back_office, queue_fake_case

# the driver calls of one fill of RECIPE, in order (FakeDriver counts each as a tick)
OPEN, LOGGED_IN, FILL_ID, FILL_NAME, CLICK, ANSWER, RECEIPT = range(1, 8)
CLOSE = 99  # the driver's close, after the run's end was stored
_n = itertools.count(1)


class StoreAwayDriver(FakeDriver):
    """The fake system; right after the world's ``away_at``-th driver call has done its work (a click: the
    submit is recorded by the system), the hall's PostgreSQL is stopped — and started again at once
    (``restart``) or left down until the test starts it (``down``)."""

    def after(self) -> None:
        w = self.w
        if w.calls == w.away_at and not w.gone:  # type: ignore[attr-defined]
            w.gone = True  # type: ignore[attr-defined]
            w.pg.stop(w.mode)  # type: ignore[attr-defined]
            if w.how == "restart":  # type: ignore[attr-defined]
                w.pg.start()  # type: ignore[attr-defined]

    def open(self, where: str, timeout: float) -> None:
        super().open(where, timeout)
        self.after()

    def fill(self, loc: Any, value: str, timeout: float) -> str:
        out = super().fill(loc, value, timeout)
        self.after()
        return out

    def click(self, loc: Any, timeout: float) -> None:
        super().click(loc, timeout)
        self.after()

    def probe(self, cond: Any) -> bool:
        out = super().probe(cond)
        self.after()
        return out

    def read(self, spec: Any, timeout: float) -> str:
        out = super().read(spec, timeout)
        self.after()
        return out

    def close(self) -> None:
        if self.w.away_at == CLOSE:  # type: ignore[attr-defined]
            self.w.calls = CLOSE - 1
            self.tick()
            self.after()


@pytest.fixture(scope="module")
def hall(own_pg: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, str]]:
    url = own_pg.create_database("midfill")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CLERKDESK_DATABASE_URL", url)
        desk = back_office_desk(tmp_path_factory.mktemp("pg-midfill"))
        yield desk, url
        close_back_office(desk)


MOMENTS = [  # (how, pg_ctl mode, the driver call after which the server goes away)
    ("restart", "fast", FILL_ID),  # back before the fill's next write: it carries on
    ("restart", "immediate", CLICK),
    ("down", "fast", OPEN),  # before the submit: the fill's next write fails
    ("down", "immediate", FILL_NAME),
    ("down", "fast", CLICK),  # the click went out; storing "clicked" fails
    ("down", "immediate", CLICK),
    ("down", "fast", ANSWER),  # the answer was seen; storing "confirmed" fails
    ("down", "fast", RECEIPT),  # the receipt was read; storing it fails
    ("down", "immediate", CLOSE),  # the run's end is stored; the lease and the case are not
]


def _queued(desk: Any, own_pg: Any, how: str, mode: str, away_at: int,
            monkeypatch: pytest.MonkeyPatch) -> tuple[World, str, str, str]:
    """A case queued for the back office, filled by the worker through a StoreAwayDriver: (world, run, case,
    the applicant's ID number)."""
    world = World([])
    world.pg, world.mode, world.how, world.away_at, world.gone = own_pg, mode, how, away_at, False  # type: ignore[attr-defined]
    rid, cid, idn = queue_fake_case(desk, lambda: StoreAwayDriver(world), monkeypatch, next(_n))
    return world, rid, cid, idn


@pytest.mark.parametrize(("how", "mode", "away_at"), MOMENTS)
def test_postgresql_going_away_mid_fill_never_files_twice_nor_leaves_the_run_hanging(
        hall: tuple[Any, str], own_pg: Any, how: str, mode: str, away_at: int,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from clerkdesk.hall import queue as q
    from clerkdesk.records.runstate import SubmitState
    from clerkdesk.store import pg
    from clerkdesk.store.unreachable import StoreUnreachable

    desk, url = hall
    world, rid, cid, idn = _queued(desk, own_pg, how, mode, away_at, monkeypatch)

    refused = threading.Event()  # the fill met the server away (a connection refused): now it may come back
    real_connect = pg.connect

    def connect(url_: str) -> Any:
        try:
            return real_connect(url_)
        except StoreUnreachable:
            refused.set()
            raise

    monkeypatch.setattr(pg, "connect", connect)
    starter = None
    if how == "down":
        def back_when_met() -> None:
            refused.wait(30)
            own_pg.start()

        starter = threading.Thread(target=back_when_met)
        starter.start()
    try:
        try:
            out = q.fill(rid)
        except StoreUnreachable:
            if starter is not None:
                starter.join(timeout=60)
            with psycopg.connect(url) as c:
                held = c.execute("select status, submit_state, lease_pid from runs where id = %s", [rid]).fetchone()
            pytest.fail(f"the job gave up on a store away for a moment ({how} {mode} after call {away_at}), leaving "
                        f"the run {held} leased to this live process: another worker gets RunBusy until its "
                        "retries run out, and the run shows 'running'")
        again = q.fill(rid)  # the job delivered once more (a stalled job put back): nothing is sent
    finally:
        if starter is not None:
            starter.join(timeout=60)
    assert world.gone  # type: ignore[attr-defined]
    with psycopg.connect(url) as c:
        run = c.execute("select status, submit_state, lease_pid from runs where id = %s", [rid]).fetchone()
        case = c.execute("select status from cases where id = %s", [cid]).fetchone()
    row = desk.store.runs.get(rid)
    receipt = row.data.get("captures", {}).get("receipt")
    shown = (how, mode, away_at, out, again, run, case, world.ledger, world.clicks)
    # never more than one record in the system, never a second click
    assert world.ledger == [idn] and world.clicks == [idn], shown
    assert run is not None and run[2] is None, shown  # the job ended: the run is not held by anyone
    if away_at < CLICK:  # before the submit: finished, exactly once
        assert out["status"] == "succeeded" and run[:2] == ("succeeded", "confirmed"), shown
    if out["status"] == "succeeded" or run[0] == "succeeded":  # only with the receipt the system showed
        assert receipt == world.receipts[idn] and out["receipt"] in (None, receipt), shown
        assert case is not None and case[0] == "done", shown
        assert desk.store.cases.get(cid).results.get("fake.r", {}).get("receipt") == receipt, shown
    else:  # from the click on: back to the front, the submit never sent again
        assert run[0] == "needs_clerk", shown
        assert SubmitState.of(run[1]).unsettled or (run[1] == "confirmed" and not receipt), shown
        assert out["status"] == "needs_clerk" and again["status"] == "needs_clerk", shown
        assert case is not None and case[0] == "needs_clerk", shown
    audit = [a["action"] for a in desk.store.audit.rows(f"run:{rid}")]
    # the job went on by itself once the store was back (and said so), and a success is logged once
    assert audit.count("worker_retried") == (how == "down") and audit.count("fill_succeeded") == (run[0] == "succeeded"), \
        (shown, audit)
    if how == "restart":  # the server was back before the fill's next write: nothing noticed it
        assert run[0] == "succeeded" and not refused.is_set(), shown


@pytest.mark.parametrize("away_at", [FILL_NAME, CLICK], ids=["before-the-submit", "after-the-click"])
def test_a_store_away_longer_than_the_worker_waits_gets_the_run_given_back_when_it_returns(
        hall: tuple[Any, str], own_pg: Any, away_at: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Longer than ``STORE_WAIT_S``: the job goes back to the queue with its run's lease still on this live
    process (the release could not reach the store). On one host a live process's lease never goes stale, so
    another worker here got RunBusy until its retries ran out and the run showed "running". Now the lease is
    given back as soon as the store answers, and the retry fills the run once."""
    import time

    from clerkdesk.hall import queue as q
    from clerkdesk.store.unreachable import StoreUnreachable

    desk, url = hall
    monkeypatch.setattr(q, "STORE_WAIT_S", 1.0)
    monkeypatch.setattr(q, "GIVE_BACK_POLL_S", 0.2)
    # the give-back opens a store of its own: with the key this module's worker desk was made with (each test
    # has its own config folder; a worker's stays the same)
    monkeypatch.setenv("CLERKDESK_KEY_FILE", str(desk.store.key_source))
    world, rid, _cid, idn = _queued(desk, own_pg, "down", "fast", away_at, monkeypatch)
    try:
        with pytest.raises(StoreUnreachable):
            q.fill(rid)  # gave up waiting: procrastinate retries the job later
    finally:
        own_pg.start()

    def lease() -> Any:
        with psycopg.connect(url) as c:
            return c.execute("select status, lease_pid from runs where id = %s", [rid]).fetchone()

    end = time.monotonic() + 30
    while lease()[1] is not None and time.monotonic() < end:
        time.sleep(0.1)
    assert lease()[1] is None, f"the run is still leased to this live process: {lease()}"
    again = q.fill(rid)  # the retry (here, or by any other worker now)
    assert world.ledger == [idn] and world.clicks == [idn], (again, world.ledger, world.clicks)
    assert again["status"] == ("succeeded" if away_at < CLICK else "needs_clerk"), again
    assert lease()[1] is None
