"""The back-office worker's browsers: one Chromium per system lane, a fresh context per job.

A worker used to launch a browser for every job (a second or more of each fill, and a fresh process for the
machine to start and tear down). Now the jobs of one system lane (system id and origin: the same login, one
form at a time, as ``queue._system_lock`` explained) run one after another in the lane's own thread, which keeps
one Chromium open (``drivers.web.shared.Lender``); each job's driver opens a new browser context on it with the
clerk's kept login (the sealed session state), so nothing of one citizen's job is left in the next one's pages.

A browser that is kept must be watched:

- a **probe** (every ``CLERKDESK_WORKER_PROBE_S`` seconds, default 20) looks at each lane's browser process in
  ``/proc``: one that is gone (killed, crashed) is replaced before the next job; one that is *stopped* (SIGSTOP,
  a debugger, a frozen cgroup) answers nothing and would hang every job after it, so it is killed and replaced;
- a **hang limit** (``CLERKDESK_WORKER_HANG_S``, default 900 s): a job still running after it has its browser
  killed, which ends the job's waits with an error; the engine records the run as any failed run (an
  in-flight submit stays uncertain and goes back to the front, never sent twice).

Finding and killing the browser's process goes through ``/proc`` and signals: **Linux only**. Elsewhere the
probe sees only what Playwright's connection says (a browser that exited), and a stopped browser is found by the
hang limit alone.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import contextmanager
from typing import TypeVar

from clerkdesk.drivers.web.shared import Lender, _Lane, lending, process_state
from clerkdesk.errors import ClerkDeskError

log = logging.getLogger("clerkdesk.hall")

T = TypeVar("T")


def probe_s() -> float:
    return float(os.environ.get("CLERKDESK_WORKER_PROBE_S", "20"))


def hang_s() -> float:
    return float(os.environ.get("CLERKDESK_WORKER_HANG_S", "900"))


class JobHung(ClerkDeskError):
    """A job ran past the hang limit and did not end even after its browser was killed."""

    exit_code = 1


class _BrowserLane(_Lane):
    """A lane whose thread lends one browser to its jobs."""

    def __init__(self, name: str) -> None:
        self.lender = Lender(name)
        super().__init__(name)

    @contextmanager
    def _scope(self) -> Iterator[None]:
        try:
            with lending(self.lender):
                yield
        finally:
            self.lender.close()  # in this thread: Playwright's sync API belongs to it


class WorkerBrowsers:
    """The lanes of one worker process (``lane`` key → its thread and browser) and the probe that watches them."""

    def __init__(self) -> None:
        self._lanes: dict[str, _BrowserLane] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._probe: threading.Thread | None = None

    def lender(self, lane: str) -> Lender | None:
        with self._lock:
            ln = self._lanes.get(lane)
        return ln.lender if ln is not None else None

    def run(self, lane: str, fn: Callable[[], T]) -> T:
        """Run FN in LANE's thread (after the lane's earlier jobs) and return its result; past the hang limit
        the lane's browser is killed so the job ends, and a job that does not end even then raises JobHung (the
        lane is given up: later jobs get a new one)."""
        with self._lock:
            ln = self._lanes.get(lane)
            if ln is None or not ln.thread.is_alive():
                ln = self._lanes[lane] = _BrowserLane(str(len(self._lanes) + 1))
            if self._probe is None:
                self._stop.clear()
                self._probe = threading.Thread(target=self._probe_loop, name="clerkdesk-worker-probe", daemon=True)
                self._probe.start()
        fut: Future[T]
        fut, _waits = ln.submit(fn)
        limit = hang_s()
        while True:  # the limit counts from the start of *this* job, not from its time in the lane's queue
            running = fut.running() or fut.done()
            try:
                return fut.result(timeout=limit if running else 1.0)
            except FutureTimeout:
                if running:
                    break
        log.warning("a job of lane %s ran past %.0f s: its browser is killed", lane, limit)
        ln.lender.unhealthy = f"a job hung for {limit:.0f} s"
        ln.lender.kill()
        try:
            return fut.result(timeout=60)
        except FutureTimeout:
            with self._lock:
                if self._lanes.get(lane) is ln:
                    del self._lanes[lane]
            raise JobHung(f"后台办理超时未结束 (a back-office job of {lane} ran past {limit:.0f} s and did not end "
                          "when its browser was killed; the lane was given up)") from None

    def probe(self) -> list[str]:
        """Look at every lane's browser once; returns what was found wrong (the lender replaces those browsers
        before its next job). A stopped browser is killed here, so a job waiting on it fails at once."""
        with self._lock:
            lanes = list(self._lanes.items())
        found = []
        for name, ln in lanes:
            lend = ln.lender
            state = process_state(lend.pid)
            if lend.pid is None or lend.unhealthy or state in ("", "R", "S", "D", "I"):
                continue
            why = "the browser process is stopped" if state == "T" else "the browser process is gone"
            lend.unhealthy = why
            if state == "T":
                lend.kill()
            found.append(f"{name}: {why}")
            log.warning("lane %s: %s; it is replaced before the next job", name, why)
        return found

    def _probe_loop(self) -> None:
        while not self._stop.wait(probe_s()):
            with contextlib.suppress(Exception):  # the probe must outlive anything odd in /proc
                self.probe()

    def stop(self, timeout: float = 30.0) -> None:
        """Close every lane's browser (at the worker's end)."""
        self._stop.set()
        with self._lock:
            lanes, self._lanes = list(self._lanes.values()), {}
            self._probe = None
        for ln in lanes:
            ln.stop(timeout)


BROWSERS = WorkerBrowsers()  # the worker process's
