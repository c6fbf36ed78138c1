"""The front window queues, a back-office worker process fills, the receipt shows at the front."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from clerkdesk.config import redact_url
from tests.support.hall import ENROL, log_in, person, records_of, run_cli, write_record

pytestmark = pytest.mark.browser


def test_a_case_queued_at_the_front_is_filled_by_a_worker_and_its_receipt_shows_at_the_front(
        logged_in: Path, web: Any, hall_env: dict[str, str], tmp_path: Path, base: int) -> None:
    rec = write_record(tmp_path / "r.json", base + 1)
    code, out, err = run_cli(hall_env, "--json", "queue", "--record", str(rec), "--target", ENROL, "--yes")
    assert code == 0, err
    queued = json.loads(out)
    rid = queued["runs"][ENROL]
    assert queued["jobs"][rid] is not None
    # nothing happened in the system yet: the front only stored and queued
    idn = person(base + 1)["id_number"]
    assert records_of(web, idn) == []
    code, out, err = run_cli(hall_env, "--json", "worker", "--once", "--system-url", f"hrss={web.hrss_url}")
    assert code == 0, err
    started = json.loads(out)  # --json: the start line as one object, and nothing else on stdout
    assert (started["worker"], started["concurrency"]) == ("started", 1)
    assert started["cpu_priority"].startswith("nice ") and started["queue"] == redact_url(hall_env["CLERKDESK_QUEUE_URL"])
    got = records_of(web, idn)
    assert len(got) == 1
    runs = json.loads(run_cli(hall_env, "--json", "runs")[1])
    mine = next(r for r in runs if r["id"] == rid)
    assert (mine["status"], mine["submit_state"], mine["receipt"]) == ("succeeded", "confirmed", got[0]["receipt"])
    # queueing the same case again finds nothing left to do: no second filing
    code, out, err = run_cli(hall_env, "--json", "queue", queued["case"])
    assert code == 0, err
    assert json.loads(out)["jobs"] == {}
    run_cli(hall_env, "worker", "--once", "--system-url", f"hrss={web.hrss_url}")
    assert len(records_of(web, idn)) == 1


def test_a_worker_with_its_own_data_folder_fills_what_another_workstation_queued(
        logged_in: Path, web: Any, hall_env: dict[str, str], tmp_path: Path, base: int, backend: str | None,
        ) -> None:
    """Two machines of the hall: the front window's data folder and the back office's, one PostgreSQL store and
    the hall's one key. The worker has its own account and kept login; the receipt shows at the front."""
    if backend is None:
        pytest.skip("two data folders share a store only on PostgreSQL (the SQLite store is the folder's file)")
    office = tmp_path / "backoffice"
    office.mkdir()
    log_in(office, web, "backoffice-1", base + 5)
    rec = write_record(tmp_path / "r.json", base + 6)
    code, out, err = run_cli(hall_env, "--json", "queue", "--record", str(rec), "--target", ENROL, "--yes")
    assert code == 0, err
    rid = json.loads(out)["runs"][ENROL]
    code, _, err = run_cli({**hall_env, "CLERKDESK_HOME": str(office)}, "--clerk", "backoffice-1", "worker",
                           "--once", "--system-url", f"hrss={web.hrss_url}")
    assert code == 0, err
    got = records_of(web, person(base + 6)["id_number"])
    assert len(got) == 1
    front = next(r for r in json.loads(run_cli(hall_env, "--json", "runs")[1]) if r["id"] == rid)
    assert (front["status"], front["receipt"]) == ("succeeded", got[0]["receipt"])
    # the worker's login stayed on its machine
    assert list((office / "sessions" / "backoffice-1").glob("hrss@*.bin"))  # kept per system and origin
    assert not (logged_in / "sessions" / "backoffice-1").exists()


def test_a_worker_with_two_threads_files_each_case_once_in_its_one_session(
        logged_in: Path, web: Any, hall_env: dict[str, str], tmp_path: Path, base: int) -> None:
    """--concurrency 2: jobs in two threads of one worker, each with its own browser and store connection, but
    one login session per account: fills of one system take turns (two forms open in one session make the
    system refuse the first one's submit as expired), so every case is filed once and none goes back."""
    rids = {}
    for i in (2, 3, 4):
        code, out, err = run_cli(hall_env, "--json", "queue", "--record",
                                 str(write_record(tmp_path / f"r{i}.json", base + i)), "--target", ENROL, "--yes")
        assert code == 0, err
        rids[json.loads(out)["runs"][ENROL]] = person(base + i)["id_number"]
    code, _, err = run_cli(hall_env, "worker", "--once", "--concurrency", "2", "--system-url",
                           f"hrss={web.hrss_url}", timeout=300)
    assert code == 0, err
    runs = {r["id"]: r for r in json.loads(run_cli(hall_env, "--json", "runs")[1])}
    for rid, idn in rids.items():
        got = records_of(web, idn)
        if len(got) != 1:
            pytest.fail(f"{rid} filed {len(got)} times: {json.dumps(runs[rid], ensure_ascii=False)}")
        assert (runs[rid]["status"], runs[rid]["receipt"]) == ("succeeded", got[0]["receipt"])
