"""A back-office worker logs in by stored credential where the system asks no captcha (issue 17 item 3), and
hands the run back to the front when a captcha shows. Real worker processes, real Chromium, the sandbox 人社."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.support.hall import ENROL, person, records_of, run_cli, write_record

pytestmark = pytest.mark.browser
SECRET = "svc-Pw-17"


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_worker_logs_in_by_stored_credential_and_a_captcha_goes_back_to_the_front(
        home: Path, web: Any, hall_env: dict[str, str], tmp_path: Path, base: int, backend: str | None) -> None:
    from clerkdesk.desk import Desk
    from clerkdesk.recipe.systems import origin_of

    d = Desk(home)
    try:  # IT provisions the worker's account (`clerkdesk login set hrss --password-stdin` does the same)
        d.runs.credentials.set("hrss", origin_of(web.hrss_url), "svc01", SECRET)
    finally:
        d.close()
    web.set_fault("hrss", "no_captcha", password=SECRET)
    code, out, err = run_cli(hall_env, "--json", "queue", "--record", str(write_record(tmp_path / "a.json", base + 1)),
                             "--target", ENROL, "--yes")
    assert code == 0, err
    rid = json.loads(out)["runs"][ENROL]
    code, _, err = run_cli(hall_env, "worker", "--once", "--system-url", f"hrss={web.hrss_url}")
    assert code == 0, err
    got = records_of(web, person(base + 1)["id_number"])
    assert len(got) == 1  # no person, no kept login: the stored credential logged in
    mine = next(r for r in json.loads(run_cli(hall_env, "--json", "runs")[1]) if r["id"] == rid)
    assert (mine["status"], mine["receipt"]) == ("succeeded", got[0]["receipt"])

    # the system asks a captcha again (and the kept login is gone): the worker hands the run back
    web.clear_faults()
    shutil.rmtree(home / "sessions")
    code, out, err = run_cli(hall_env, "--json", "queue", "--record", str(write_record(tmp_path / "b.json", base + 2)),
                             "--target", ENROL, "--yes")
    assert code == 0, err
    rid2 = json.loads(out)["runs"][ENROL]
    code, _, err = run_cli(hall_env, "worker", "--once", "--system-url", f"hrss={web.hrss_url}")
    assert code == 0, err
    assert records_of(web, person(base + 2)["id_number"]) == []
    back = next(r for r in json.loads(run_cli(hall_env, "--json", "runs")[1]) if r["id"] == rid2)
    assert back["status"] == "needs_clerk"
