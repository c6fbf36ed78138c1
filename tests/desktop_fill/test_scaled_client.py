"""A client drawn at 125 % (a HiDPI workstation, or Windows' display scaling): labels, boxes and read-back all
work from the pixels, with no setting but the scale the driver reads for offsets and image templates."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from gjj_case import CASE, PERSON

from clerkdesk.desk import CaseRequest, FillOptions
from clerkdesk.sandbox.desktop import launch
from tests.support.clerks import SandboxClerk

pytestmark = [pytest.mark.desktop, pytest.mark.ocr]


def test_open_account_at_125_percent(display: str, desk: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLERKDESK_UI_SCALE", "1.25")
    log = tmp_path / "gjj.jsonl"
    proc = launch(log, "--operator", "0001", "--scale", "1.25")
    try:
        res = desk.fill(CaseRequest("person", dict(PERSON), ["gjj.open-account"], dict(CASE)), SandboxClerk(), FillOptions())
        out = res.outcomes["gjj.open-account"]
        assert out.status == "succeeded", out.message
        (rec,) = [json.loads(x) for x in log.read_text(encoding="utf-8").splitlines() if x.strip()]
        assert rec["fields"]["姓名"] == "欧阳娜娜" and rec["fields"]["家庭住址"] == PERSON["current_address"]
        assert rec["fields"]["证件号码"] == PERSON["id_number"] and rec["fields"]["月缴存基数"] == "8500.50"
        assert out.receipts["account"] == rec["account"]
    finally:
        proc.terminate()
        proc.wait(5)
