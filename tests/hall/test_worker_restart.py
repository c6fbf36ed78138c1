"""A back-office worker across a restart of the hall's PostgreSQL: it carries on with the next job by itself.

IT patches and restarts the database server during the day; a worker that is idle (or between two jobs) at that
moment must not die, hang, lose the next job or file anything twice. The server here is this test's own
private PostgreSQL (the session's is shared with other tests), restarted for real with ``pg_ctl``: once as a
service restart (``fast``: sessions are told and closed) and once as a crash (``immediate``).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import psycopg
import pytest

from tests.support.hall import ENROL, log_in, person, records_of, run_cli, store_runs, write_record

pytestmark = pytest.mark.browser


def test_a_worker_carries_on_across_postgresql_restarts(own_pg: Any, home: Path, web: Any, cli_env: dict[str, str],
                                                        tmp_path: Path, base: int,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    url = own_pg.create_database("restart")
    monkeypatch.setenv("CLERKDESK_DATABASE_URL", url)
    env = {**cli_env, "CLERKDESK_QUEUE_URL": url, "CLERKDESK_DATABASE_URL": url}
    office = tmp_path / "backoffice"
    office.mkdir()
    log_in(office, web, "backoffice-1", base + 9)
    log = tmp_path / "worker.log"
    worker = subprocess.Popen([sys.executable, "-m", "clerkdesk", "--clerk", "backoffice-1", "worker",
                               "--system-url", f"hrss={web.hrss_url}", "--stalled-after", "6"],
                              env={**env, "CLERKDESK_HOME": str(office)}, stdin=subprocess.DEVNULL,
                              stdout=subprocess.DEVNULL, stderr=log.open("w"), text=True)

    def queue_and_wait(i: int) -> str:
        rec = write_record(tmp_path / f"r{i}.json", base + i)
        code, out, err = run_cli(env, "--json", "queue", "--record", str(rec), "--target", ENROL, "--yes")
        assert code == 0, (out, err)
        rid = str(json.loads(out)["runs"][ENROL])
        end = time.monotonic() + 240
        while time.monotonic() < end:
            assert worker.poll() is None, f"the worker exited ({worker.returncode}):\n{log.read_text()[-3000:]}"
            row = next(r for r in store_runs(home, url) if r["id"] == rid)
            with psycopg.connect(url) as c:  # and its job is done: the restart comes *between* jobs
                job = c.execute("select status from procrastinate_jobs where args->>'run_id' = %s", [rid]).fetchone()
            if row["status"] in ("succeeded", "failed", "needs_clerk") and job and job[0] == "succeeded":
                return rid
            time.sleep(0.5)
        raise AssertionError(f"run {rid} was not filled after the restart:\n{log.read_text()[-3000:]}")

    try:
        rids = [queue_and_wait(1)]
        own_pg.restart(down_s=2.0)  # a service restart while the worker waits for its next job
        rids.append(queue_and_wait(2))
        own_pg.restart(down_s=1.0, mode="immediate")  # the server crashes and comes back
        rids.append(queue_and_wait(3))
        end = time.monotonic() + 120  # the store says done; the queue is told a moment later
        while time.monotonic() < end:
            with psycopg.connect(url) as c:
                jobs = c.execute("select status, count(*) from procrastinate_jobs group by status").fetchall()
            if jobs == [("succeeded", 3)]:
                break
            time.sleep(0.5)
        assert worker.poll() is None  # the same worker process all along: nobody restarted it
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=60)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
    runs = {r["id"]: r for r in store_runs(home, url)}
    assert [(runs[r]["status"], runs[r]["submit_state"]) for r in rids] == [("succeeded", "confirmed")] * 3, \
        log.read_text()[-3000:]
    # each citizen filed exactly once, and each job done exactly once
    assert [len(records_of(web, person(base + i)["id_number"])) for i in (1, 2, 3)] == [1, 1, 1]
    with psycopg.connect(url) as c:
        events = c.execute("select job_id, type from procrastinate_events order by id").fetchall()
    assert jobs == [("succeeded", 3)], (events, log.read_text()[-6000:])
    # each job ran once: the worker did not meet a dead store connection and have to try a job again
    assert sum(e[1] == "started" for e in events) == 3, (events, log.read_text()[-3000:])
    assert "does not answer" not in log.read_text()
    # the store's audit chain is whole after the restarts
    from clerkdesk.store import Store

    s = Store.open(tmp_path / "auditor", url=url)
    try:
        assert s.audit.verify().ok
    finally:
        s.close()
