"""kill -9 of real worker processes mid-fill: across workers, nothing is lost and nothing is filed twice.

Fourteen applicants are queued at the front; two workers (each its own process group: the worker and its browser)
take the jobs. Workers are killed with SIGKILL — some at a random moment, some while a submit is in flight
(the sandbox holds the POST 1.5 s; the kill comes when the store says ``armed`` or ``clicked`` for the run that
worker holds) — and a new worker is started in place of each. The surviving workers put the dead ones' jobs
back (``recover_stalled``) and go on; a run whose submit was in flight is never sent again by a worker: it comes
back to the front as ``needs_clerk``, where the clerk checks the system's ledger and answers truthfully
(``resume --recorded RECEIPT`` / ``--not-recorded``), as docs/engine.md says. Counted in the sandbox ledger:
0 lost, 0 filed twice, every run ``succeeded``.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from tests.support.hall import ENROL, INSURANCE, cli, log_in, person, records_of, run_cli, store_runs

pytestmark = [pytest.mark.browser, pytest.mark.slow]
N = 14


def _worker(env: dict[str, str], url: str, slot: int) -> subprocess.Popen[str]:
    """The worker of SLOT, under its own account (its own login session with the system: one session keeps one
    form at a time)."""
    return cli(env, "--clerk", f"backoffice-{slot}", "worker", "--system-url", f"hrss={url}", "--stalled-after",
               "4", start_new_session=True)


def _kill(p: subprocess.Popen[str]) -> None:
    if p.poll() is None:
        os.killpg(p.pid, signal.SIGKILL)  # the worker and its browser at once, no handler run
    p.communicate(timeout=60)


def test_killing_workers_mid_fill_loses_and_duplicates_nothing(
        logged_in: Path, web: Any, hall_env: dict[str, str], backend: str | None, base: int) -> None:
    from clerkdesk.desk import Desk
    from clerkdesk.hall import queue as q
    from clerkdesk.hall._app import fill_options

    rnd = random.Random(20261205)
    url = hall_env["CLERKDESK_QUEUE_URL"]
    q.ensure_schema(url)
    app = q.make_app(url, pool_size=1)
    front = Desk(logged_in)
    ours: dict[str, str] = {}  # run id → ID number
    with app.open():
        for i in range(N):
            res = q.open_and_queue(front, app, "person", person(base + i), [ENROL], dict(INSURANCE), fill_options())
            ours[res.runs[ENROL]] = person(base + i)["id_number"]
    front.close()

    for slot in range(2):
        log_in(logged_in, web, f"backoffice-{slot}", base + 90 + slot)
    workers = [_worker(hall_env, web.hrss_url, slot) for slot in range(2)]
    kills = around = 0
    deadline = time.monotonic() + 400
    try:
        while kills < 6 and time.monotonic() < deadline:
            near_submit = kills % 2 == 1
            if near_submit:
                web.set_fault("hrss", "slow_submit", ms=1500, times=1)
                victim_pid = None
                t_end = time.monotonic() + 60
                while victim_pid is None and time.monotonic() < t_end:
                    for r in store_runs(logged_in, backend):
                        if r["id"] in ours and r["submit_state"] in ("armed", "clicked") and r["lease_pid"]:
                            victim_pid = r["lease_pid"]
                    time.sleep(0.02)
                time.sleep(rnd.uniform(0, 0.8))
                victim = next((w for w in workers if w.pid == victim_pid), None)
            else:
                time.sleep(rnd.uniform(0.5, 3.0))
                victim = rnd.choice(workers)
            if victim is None:
                web.clear_faults()
                continue
            if all(r["status"] in ("succeeded", "needs_clerk") for r in store_runs(logged_in, backend) if r["id"] in ours):
                break  # nothing left to kill in
            _kill(victim)
            kills += 1
            around += near_submit and victim_pid is not None
            slot = workers.index(victim)
            workers[slot] = _worker(hall_env, web.hrss_url, slot)
            web.clear_faults()
        # the survivors finish the queue, the dead workers' jobs included
        t_end = time.monotonic() + 300
        while time.monotonic() < t_end:
            rows = [r for r in store_runs(logged_in, backend) if r["id"] in ours]
            if all(r["status"] in ("succeeded", "needs_clerk") for r in rows):
                break
            time.sleep(1)
    finally:
        for w in workers:
            _kill(w)
        web.clear_faults()
    time.sleep(2.0)  # a held POST lands in the system in its own time
    assert kills >= 4 and around >= 2, (kills, around)
    # the workers finished everything they may: the killed workers' jobs were put back and run; what is left is
    # only what needs a person (a submit whose answer nobody saw)
    rows = [r for r in store_runs(logged_in, backend) if r["id"] in ours]
    assert all(r["status"] in ("succeeded", "needs_clerk") for r in rows), rows
    assert all(r["submit_state"] != "none" for r in rows if r["status"] == "needs_clerk"), rows
    print(f"kills {kills} (around the submit {around}), handed back to the front "
          f"{sum(r['status'] == 'needs_clerk' for r in rows)}")
    # the front clerk settles what came back, from the system's own ledger
    env = {**hall_env}
    handed_back = 0
    for rid, idn in ours.items():
        for _ in range(3):
            mine = next(r for r in json.loads(run_cli(env, "--json", "runs", "--limit", "100")[1]) if r["id"] == rid)
            if mine["status"] == "succeeded":
                break
            handed_back += 1
            extra: list[str] = []
            if mine["submit_state"] in ("armed", "clicked", "uncertain"):
                got = records_of(web, idn)
                extra = ["--recorded", got[-1]["receipt"]] if got else ["--not-recorded"]
            run_cli(env, "resume", rid, "--yes", "--system-url", f"hrss={web.hrss_url}", *extra)
    counts = {idn: len(records_of(web, idn)) for idn in ours.values()}
    final = {r["id"]: r["status"] for r in store_runs(logged_in, backend) if r["id"] in ours}
    lost = sum(n == 0 for n in counts.values())
    twice = sum(n > 1 for n in counts.values())
    stuck = sum(s != "succeeded" for s in final.values())
    assert (lost, twice, stuck) == (0, 0, 0), (counts, final, handed_back)
