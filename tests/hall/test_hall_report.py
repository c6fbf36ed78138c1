"""The supervisor's day report over a real hall day: fills at the front, queued fills, a rejected submit, a run
handed back because the worker has no kept login — and its CSV, which must hold no citizen's data."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from tests.support.hall import ENROL, person, run_cli, write_record

pytestmark = pytest.mark.browser


def test_the_day_report_shows_windows_waiting_runs_failed_systems_and_exports_csv_without_personal_data(
        logged_in: Path, web: Any, hall_env: dict[str, str], tmp_path: Path, base: int) -> None:
    hrss = f"hrss={web.hrss_url}"
    for i in (11, 12):
        code, _, err = run_cli(hall_env, "queue", "--record", str(write_record(tmp_path / f"{i}.json", base + i)),
                               "--target", ENROL, "--yes")
        assert code == 0, err
    web.set_fault("hrss", "reject_submit", times=1)  # the first queued fill is refused by the system
    assert run_cli(hall_env, "worker", "--once", "--system-url", hrss)[0] == 0
    web.clear_faults()
    code, out, err = run_cli(hall_env, "--json", "queue", "--record", str(write_record(tmp_path / "13.json", base + 13)),
                             "--target", ENROL, "--yes")
    assert code == 0, err
    waiting_run = json.loads(out)["runs"][ENROL]
    # a worker account with no kept login: the login step needs a person, so the run goes back to the front
    code, _, err = run_cli(hall_env, "--clerk", "night-shift", "worker", "--once", "--system-url", hrss)
    assert code == 0, err

    code, out, err = run_cli(hall_env, "--json", "hall", "report", "--csv", "--out", str(tmp_path / "out"))
    assert code == 0, err
    rep = json.loads(out)
    assert len(rep["cases"]) == 4
    assert {c["window"] for c in rep["cases"]} == {"test-clerk"}
    assert sorted(c["queued"] for c in rep["cases"]) == [False, True, True, True]
    assert [w["run"] for w in rep["waiting"]] == [waiting_run]
    assert "a person must act" in rep["waiting"][0]["reason"]
    (hrss_line,) = rep["systems"]
    assert {k: hrss_line[k] for k in ("system", "runs", "succeeded", "receipts", "failed", "waiting")} == {
        "system": "hrss", "runs": 4, "succeeded": 2, "receipts": 2, "failed": 1, "waiting": 1}
    assert hrss_line["median_s"] > 0 and hrss_line["last_failure"]
    files = sorted((tmp_path / "out").glob("hall-*.csv"))
    assert [f.name.rsplit("-", 1)[1] for f in files] == ["cases.csv", "systems.csv", "waiting.csv"]
    text = "".join(f.read_text(encoding="utf-8-sig") for f in files)
    for idn in [person(base + i)["id_number"] for i in (11, 12, 13)] + [person(base + 99)["id_number"]]:
        assert idn not in text
    assert person(base + 11)["name"] not in text and "13812345678" not in text
    with (tmp_path / "out" / files[1].name).open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    assert rows[0]["system"] == "hrss" and rows[0]["receipts"] == "2"
    # a window that is not a supervisor's is refused in words
    code, out, err = run_cli({**hall_env, "CLERKDESK_SUPERVISORS": "boss"}, "hall", "report")
    assert code != 0 and "only a supervisor" in err and "Traceback" not in err
    # the text report, and XLSX refused in words when openpyxl is missing
    code, out, _ = run_cli(hall_env, "hall", "report")
    assert code == 0 and "1 waiting for a person" in out and waiting_run in out
    from clerkdesk.hall.report import xlsx_available

    code, out, err = run_cli(hall_env, "hall", "report", "--xlsx", "--out", str(tmp_path / "x"))
    if xlsx_available():
        assert code == 0 and list((tmp_path / "x").glob("*.xlsx"))
    else:
        assert code != 0 and "openpyxl" in err and "Traceback" not in err
