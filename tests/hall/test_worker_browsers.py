"""The back-office worker keeps one Chromium per system lane and gives each job a fresh context on it.

Real parts: the sandbox HRSS, real Chromium, the worker's own ``fill`` in a thread per job (as procrastinate runs a
sync task), on the SQLite store (the lane and its browser do not depend on the store's backend). The browser is
reused across jobs; a SIGKILLed browser is replaced before the next job; a SIGSTOPped one is found by the probe,
killed and replaced; every record is filed exactly once. Killing by pid through /proc: Linux only.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.support.hall import ENROL, INSURANCE, log_in, person, records_of, run_job

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not sys.platform.startswith("linux"), reason="finds the browser through /proc")]


def _state(pid: int) -> str:
    from clerkdesk.drivers.web.shared import process_state

    return process_state(pid)


def _until(cond: Any, timeout: float = 20.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.05)
    return bool(cond())


def test_one_browser_per_lane_reused_replaced_when_killed_or_stopped_and_each_record_filed_once(
        home: Path, web: Any, base: int, monkeypatch: pytest.MonkeyPatch) -> None:
    from clerkdesk.desk import Desk
    from clerkdesk.hall import queue as q
    from clerkdesk.hall._app import fill_options, open_case
    from clerkdesk.hall.browsers import BROWSERS

    monkeypatch.delenv("CLERKDESK_DATABASE_URL", raising=False)
    monkeypatch.setenv("CLERKDESK_WORKER_PROBE_S", "0.2")
    log_in(home, web, None, base + 99)  # the account's kept login, carried into every job's fresh context
    front = Desk(home)
    ours: dict[str, str] = {}
    try:
        for i in range(4):
            result, _plan = open_case(front, "person", person(base + i), [ENROL], dict(INSURANCE), fill_options())
            rid = result.runs[ENROL]
            front.store.runs.release(rid)  # queued: a worker takes it
            ours[rid] = person(base + i)["id_number"]
    finally:
        front.close()
    rids = list(ours)
    lane = f"hrss@{web.hrss_url}"
    q.configure(q.WorkerSettings(home=home, system_urls={"hrss": web.hrss_url}))
    try:
        assert run_job(q.fill, rids[0])["status"] == "succeeded"
        lend = BROWSERS.lender(lane)
        assert lend is not None and lend.pid is not None and lend.launches == 1
        first = lend.pid
        assert run_job(q.fill, rids[1])["status"] == "succeeded"
        assert (lend.launches, lend.pid) == (1, first), "the second job launched a browser of its own"

        os.kill(first, signal.SIGKILL)  # the browser dies between jobs (OOM killer, a crash)
        assert _until(lambda: _state(first) in ("gone", "Z"))
        assert run_job(q.fill, rids[2])["status"] == "succeeded"
        assert lend.launches == 2 and lend.pid not in (None, first), lend.replaced
        second = lend.pid
        assert second is not None

        os.kill(second, signal.SIGSTOP)  # frozen: alive, answers nothing — a job on it would hang
        assert _until(lambda: "stopped" in lend.unhealthy), "the probe did not find the stopped browser"
        assert _until(lambda: _state(second) in ("gone", "Z")), "the probe did not kill the stopped browser"
        assert run_job(q.fill, rids[3])["status"] == "succeeded"
        assert lend.launches == 3 and lend.pid not in (None, first, second)
        assert any("stopped" in why for why in lend.replaced), lend.replaced
    finally:
        q.configure(q.WorkerSettings())  # closes the lanes' browsers
    for rid, idn in ours.items():
        got = records_of(web, idn)
        assert len(got) == 1, f"{rid} filed {len(got)} times"


def test_a_job_hung_on_its_browser_is_ended_by_the_hang_limit_and_the_lane_gets_a_new_browser(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A browser that answers nothing (stopped) and a probe too slow to see it: the hang limit kills the browser,
    the job's wait ends with an error instead of forever, and the lane's next job gets a new browser."""
    from types import SimpleNamespace

    from clerkdesk.drivers.web.browser import find_browser, launch_args
    from clerkdesk.drivers.web.shared import lender
    from clerkdesk.hall.browsers import WorkerBrowsers

    exe = find_browser()
    if exe is None:
        pytest.skip("no Chromium/Chrome/Edge installed")
    monkeypatch.setenv("CLERKDESK_WORKER_PROBE_S", "600")  # only the hang limit can act
    monkeypatch.setenv("CLERKDESK_WORKER_HANG_S", "2")
    system = SimpleNamespace(origins=("http://127.0.0.1:9",))
    lanes = WorkerBrowsers()

    def job(stop: bool) -> int:
        lend = lender()
        assert lend is not None
        browser, _egress = lend.lend(system, lambda proxy, marker: lend.playwright().chromium.launch(
            headless=True, executable_path=exe, args=[*launch_args(proxy), marker]))
        context = browser.new_context()
        try:
            page = context.new_page()
            if stop:
                assert lend.pid is not None
                os.kill(lend.pid, signal.SIGSTOP)
            return int(page.evaluate("1 + 1"))  # no timeout of its own: waits as long as the browser lets it
        finally:
            with contextlib.suppress(Exception):
                context.close()

    try:
        assert lanes.run("lane", lambda: job(False)) == 2
        lend = lanes.lender("lane")
        assert lend is not None and lend.launches == 1
        first = lend.pid
        assert first is not None
        started = time.monotonic()
        with pytest.raises(Exception) as e:
            lanes.run("lane", lambda: job(True))
        assert time.monotonic() - started < 60, "the hang limit did not end the job"
        assert "JobHung" not in type(e.value).__name__  # ended by killing the browser, the lane kept
        assert "hung" in lend.unhealthy
        assert _until(lambda: _state(first) in ("gone", "Z"))
        assert lanes.run("lane", lambda: job(False)) == 2
        assert lend.launches == 2 and lend.pid not in (None, first)
    finally:
        lanes.stop()
