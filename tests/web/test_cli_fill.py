"""`clerkdesk fill / runs / resume` as a subprocess, against the sandbox."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from clerkdesk.desk import CaseRequest
from tests.support.clerks import SandboxClerk
from tests.support.data import INSURANCE, PERSON

pytestmark = pytest.mark.browser


def cli(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "clerkdesk", "--home", str(home), *args], capture_output=True,
                          text=True, timeout=180, stdin=subprocess.DEVNULL, env=dict(os.environ))


def test_fill_without_a_person_stops_at_the_login_then_succeeds_once_logged_in(desk: Any, web: Any, opts: Any,
                                                                              tmp_path: Path) -> None:
    record = tmp_path / "record.json"
    record.write_text(json.dumps({"person": PERSON, "case": INSURANCE}, ensure_ascii=False), encoding="utf-8")
    args = ["fill", "--record", str(record), "--target", "hrss.insurance-enrollment", "--yes",
            "--system-url", f"hrss={web.hrss_url}"]
    before = len(web.submissions("hrss"))
    r = cli(desk.home, *args)
    assert r.returncode == 1, r.stderr
    assert "a person must act: 请在人社系统登录页输入用户名、密码和验证码并登录" in r.stdout
    assert len(web.submissions("hrss")) == before
    # the clerk logs in once (here through the app layer); the CLI then reuses the kept session
    assert desk.fill(CaseRequest("person", {"id_number": PERSON["id_number"]}, ["hrss.insurance-enrollment"], dict(INSURANCE)), SandboxClerk(), opts).ok
    desk.close()
    r = cli(desk.home, "--json", *args)
    assert r.returncode == 0, r.stdout + r.stderr
    out = json.loads(r.stdout)
    receipt = out["targets"]["hrss.insurance-enrollment"]["captures"]["receipt"]
    assert receipt == web.submissions("hrss")[-1]["receipt"]
    runs = json.loads(cli(desk.home, "--json", "runs").stdout)
    # the first case stopped at the login with nothing submitted: the next case for the same matter took it over
    assert [r["status"] for r in runs][:3] == ["succeeded", "succeeded", "superseded"]
    assert PERSON["name"] not in json.dumps(runs)


def test_bad_record_exits_2_and_lists_every_problem(home: Path, tmp_path: Path) -> None:
    record = tmp_path / "record.json"
    record.write_text(json.dumps({"person": {**PERSON, "phone": "12345", "id_number": PERSON["id_number"][:-1] + "0"
                                             if PERSON["id_number"][-1] != "0" else PERSON["id_number"][:-1] + "1"},
                                  "case": INSURANCE}, ensure_ascii=False), encoding="utf-8")
    r = cli(home, "fill", "--record", str(record), "--target", "hrss.insurance-enrollment", "--yes")
    assert r.returncode == 2
    assert "person.id_number: [ID_CHECKSUM]" in r.stderr and "person.phone: [PHONE_FORMAT]" in r.stderr


def test_resume_a_stuck_submit_by_the_clerks_answer(desk: Any, web: Any, opts: Any) -> None:
    web.set_fault("hrss", "submit500_recorded")
    res = desk.fill(CaseRequest("person", dict(PERSON), ["hrss.insurance-enrollment"], dict(INSURANCE)), SandboxClerk(), opts)
    rid = res.runs["hrss.insurance-enrollment"]
    assert res.outcomes["hrss.insurance-enrollment"].status == "needs_clerk"
    web.clear_faults()
    desk.close()
    n = len(web.submissions("hrss"))
    receipt = web.submissions("hrss")[-1]["receipt"]
    r = cli(desk.home, "resume", rid, "--system-url", f"hrss={web.hrss_url}")
    # a plain resume of an uncertain submit refuses and names both answers (exit 2: the clerk must choose)
    assert r.returncode == 2 and f"resume {rid} --recorded RECEIPT" in r.stderr and "--not-recorded" in r.stderr
    r = cli(desk.home, "--json", "resume", rid, "--recorded", receipt, "--system-url", f"hrss={web.hrss_url}")
    assert r.returncode == 0, r.stdout
    assert json.loads(r.stdout)["targets"]["hrss.insurance-enrollment"]["captures"]["receipt"] == receipt
    assert len(web.submissions("hrss")) == n
