"""A worker's browser killed in the middle of a job: the job's submit state stays honest.

Real parts: the sandbox HRSS, real Chromium (SIGKILLed through its pid, as the OOM killer or a crash would), the
worker's own ``fill`` in a thread per job (as procrastinate runs a sync task), on the SQLite store (the lane and
its browser do not depend on the store's backend).

- Killed *before* the submit click: nothing reached the system, so the job is not given up — it runs again on
  a new browser at once and files the record once.
- Killed *after* the click, while the system holds the answer: whether it was recorded nobody saw, so the run
  goes back to a person (``needs_clerk``, submit uncertain); the job run again (a redelivered job) sends
  nothing; the system's own ledger has the record once, and the front settles it from there.

Killing by pid through /proc: Linux only.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from tests.support.hall import ENROL, INSURANCE, LoginClerk, log_in, person, records_of, run_job, store_runs

pytestmark = [pytest.mark.browser, pytest.mark.slow,
              pytest.mark.skipif(not sys.platform.startswith("linux"), reason="finds the browser through /proc")]


def _queue(home: Path, ids: list[int]) -> dict[str, str]:
    """Cases opened at the front and left for the back office: run id → ID number."""
    from clerkdesk.desk import Desk
    from clerkdesk.hall._app import fill_options, open_case

    front = Desk(home)
    ours: dict[str, str] = {}
    try:
        for i in ids:
            result, _plan = open_case(front, "person", person(i), [ENROL], dict(INSURANCE), fill_options())
            rid = result.runs[ENROL]
            front.store.runs.release(rid)  # queued: a worker takes it
            ours[rid] = person(i)["id_number"]
    finally:
        front.close()
    return ours


def _row(home: Path, rid: str) -> dict[str, Any]:
    return next(r for r in store_runs(home, None) if r["id"] == rid)


def _gone(pid: int, timeout: float = 20.0) -> bool:
    from clerkdesk.drivers.web.shared import process_state

    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if process_state(pid) in ("gone", "Z"):
            return True
        time.sleep(0.05)
    return False


@pytest.fixture
def worker(home: Path, web: Any, base: int, monkeypatch: pytest.MonkeyPatch) -> Any:
    from clerkdesk.hall import queue as q

    monkeypatch.delenv("CLERKDESK_DATABASE_URL", raising=False)
    log_in(home, web, None, base + 99)  # the account's kept login, carried into every job's fresh context
    q.configure(q.WorkerSettings(home=home, system_urls={"hrss": web.hrss_url}))
    yield q
    q.configure(q.WorkerSettings())  # closes the lanes' browsers


def test_browser_killed_before_the_submit_click_the_job_runs_again_on_a_new_browser_and_files_once(
        home: Path, web: Any, base: int, worker: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from clerkdesk.drivers.web.driver import PlaywrightDriver
    from clerkdesk.drivers.web.shared import lender

    (rid, idn), = _queue(home, [base]).items()
    real_fill = PlaywrightDriver.fill
    killed: list[tuple[int, str]] = []

    def fill(self: Any, loc: Any, value: str, timeout: float) -> str:
        lend = lender()
        if not killed and lend is not None and lend.pid is not None:  # the job's first field: the browser dies
            killed.append((lend.pid, _row(home, rid)["submit_state"]))
            os.kill(lend.pid, signal.SIGKILL)
            assert _gone(lend.pid)
        return real_fill(self, loc, value, timeout)  # type: ignore[no-any-return]

    monkeypatch.setattr(PlaywrightDriver, "fill", fill)
    out = run_job(worker.fill, rid)
    assert killed and killed[0][1] == "none", killed  # the kill came before any submit
    assert out["status"] == "succeeded", out
    from clerkdesk.hall.browsers import BROWSERS

    lend = BROWSERS.lender(f"hrss@{web.hrss_url}")
    assert lend is not None and lend.launches == 2 and lend.pid not in (None, killed[0][0])
    assert _row(home, rid)["submit_state"] == "confirmed"
    assert len(records_of(web, idn)) == 1


def test_browser_killed_after_the_submit_click_the_run_goes_to_a_person_and_is_never_sent_twice(
        home: Path, web: Any, base: int, worker: Any) -> None:
    from clerkdesk.desk import Desk
    from clerkdesk.hall._app import fill_options
    from clerkdesk.hall.browsers import BROWSERS

    (rid, idn), = _queue(home, [base + 1]).items()
    web.set_fault("hrss", "slow_submit", ms=3000, times=1)  # the system holds the answer: the click is out
    lane = f"hrss@{web.hrss_url}"
    killed: list[tuple[int, str]] = []

    def killer() -> None:
        end = time.monotonic() + 120
        while time.monotonic() < end:
            lend = BROWSERS.lender(lane)
            state = _row(home, rid)["submit_state"]
            if state == "clicked" and lend is not None and lend.pid is not None:
                killed.append((lend.pid, state))
                os.kill(lend.pid, signal.SIGKILL)
                return
            time.sleep(0.01)

    t = threading.Thread(target=killer)
    t.start()
    out = run_job(worker.fill, rid)
    t.join()
    assert killed, "the submit was never clicked"
    assert out["status"] == "needs_clerk", out  # a person checks the system: never decided by the worker
    row = _row(home, rid)
    assert row["status"] == "needs_clerk" and row["submit_state"] in ("clicked", "uncertain"), row
    time.sleep(3.5)  # the system answers the dead browser's request in its own time: recorded once
    assert len(records_of(web, idn)) == 1

    again = run_job(worker.fill, rid)  # the job delivered again (the queue is at-least-once): nothing is sent
    assert again["status"] == "needs_clerk", again
    assert len(records_of(web, idn)) == 1
    assert _gone(killed[0][0])

    receipt = records_of(web, idn)[0]["receipt"]

    class Supervisor(LoginClerk):  # looks the citizen up in the system: recorded, with this receipt
        def uncertain(self, info: Any, message: str) -> tuple[str, str | None]:
            return ("recorded", receipt)

    d = Desk(home)  # the front settles it from the system's own ledger
    try:
        done = d.resume(rid, Supervisor(), fill_options(headless=True, system_urls={"hrss": web.hrss_url}),
                        decision="recorded", receipt=receipt)
    finally:
        d.close()
    assert str(done.status) == "succeeded", done
    assert len(records_of(web, idn)) == 1



def test_a_system_that_never_answers_the_submit_ends_at_the_hang_limit_uncertain_and_the_next_job_runs(
        home: Path, web: Any, base: int, worker: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The sandbox accepts the submit (records it) and never replies; the browser is well, so only the hang limit
    can end the job: its browser is killed, the run goes to a person as uncertain (never sent again), the lane
    gets a new browser, and the next job is filed."""
    from clerkdesk.hall.browsers import BROWSERS

    monkeypatch.setenv("CLERKDESK_WORKER_HANG_S", "12")  # shorter than the worker's answer wait (300 s)
    monkeypatch.setenv("CLERKDESK_WORKER_PROBE_S", "600")  # the browser is healthy: the probe finds nothing
    (hung, hung_idn), (nxt, nxt_idn) = _queue(home, [base + 2, base + 3]).items()
    lane = f"hrss@{web.hrss_url}"
    web.set_fault("hrss", "hang_submit", times=1)
    started = time.monotonic()
    out = run_job(worker.fill, hung)
    took = time.monotonic() - started
    assert out["status"] == "needs_clerk", out
    assert took < 12 + 60, f"the job took {took:.0f} s"
    row = _row(home, hung)
    assert row["status"] == "needs_clerk" and row["submit_state"] in ("clicked", "uncertain"), row
    lend = BROWSERS.lender(lane)
    assert lend is not None and "hung" in lend.unhealthy
    first = lend.pid
    assert first is not None and _gone(first)

    assert run_job(worker.fill, nxt)["status"] == "succeeded"  # the next job, on a new browser
    assert lend.launches == 2 and lend.pid not in (None, first)
    assert run_job(worker.fill, hung)["status"] == "needs_clerk"  # delivered again: nothing is sent
    web.clear_faults()  # the held request is let go
    assert len(records_of(web, hung_idn)) == 1 and len(records_of(web, nxt_idn)) == 1
