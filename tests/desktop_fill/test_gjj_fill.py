"""The 公积金 desktop recipes, run by the engine through the OCR desktop driver: Chinese in, exactly."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from gjj_case import CASE, PERSON

from clerkdesk.desk import CaseRequest, FillOptions
from tests.support.clerks import SandboxClerk

pytestmark = [pytest.mark.desktop, pytest.mark.ocr]



def test_open_account_lands_in_the_client_exactly(client: Any, desk: Any) -> None:
    c = client()
    res = desk.fill(CaseRequest("person", dict(PERSON), ["gjj.open-account"], dict(CASE)), SandboxClerk(), FillOptions())
    out = res.outcomes["gjj.open-account"]
    assert out.status == "succeeded", out.message
    (rec,) = c.records()
    assert rec["matter"] == "个人开户"
    assert out.receipts["account"] == rec["account"]
    assert rec["fields"] == {
        "姓名": "欧阳娜娜", "证件类型": "居民身份证", "证件号码": PERSON["id_number"], "性别": "女",
        "出生日期": "1949-12-31", "民族": "土家族", "手机号码": "13800138000", "固定电话": "", "婚姻状况": "已婚",
        "家庭住址": PERSON["current_address"], "单位名称": CASE["employer"], "单位账号": "100200300400",
        "个人缴存比例": "8%", "开户日期": "2026-11-01", "月缴存基数": "8500.50", "单位缴存比例": "12%"}


def test_change_info_after_a_surprise_notice(client: Any, desk: Any) -> None:
    c = client("notice")
    case = {"gjj_account": "GJ202600000001", "change_item": "家庭住址", "new_value": "北京市东城区景山前街4号",
            "reason": "搬家"}
    res = desk.fill(CaseRequest("person", dict(PERSON), ["gjj.change-info"], case), SandboxClerk(), FillOptions())
    out = res.outcomes["gjj.change-info"]
    assert out.status == "succeeded", out.message
    (rec,) = c.records()
    assert rec["fields"]["变更后内容"] == "北京市东城区景山前街4号"
    assert rec["fields"]["个人账号"] == "GJ202600000001"
    assert out.receipts["serial"].startswith("BG")


def test_a_missing_label_fails_with_the_annotated_screenshot(client: Any, desk: Any, tmp_path: Path,
                                                             monkeypatch: Any) -> None:
    import shutil

    from clerkdesk.config import recipes_dir
    from clerkdesk.desk import Desk

    folder = tmp_path / "recipes"
    shutil.copytree(recipes_dir(), folder)
    r = folder / "gjj" / "open-account.yaml"
    r.write_text(r.read_text(encoding="utf-8").replace("label: 手机号码", "label: 移动电话"), encoding="utf-8")
    monkeypatch.setenv("CLERKDESK_RECIPES", str(folder))
    c = client()
    d = Desk(desk.home)
    res = d.fill(CaseRequest("person", dict(PERSON), ["gjj.open-account"], dict(CASE)), SandboxClerk(), FillOptions(timeout_factor=0.3))
    out = res.outcomes["gjj.open-account"]
    assert out.status == "failed"
    assert "移动电话" in out.message and "open-account.yaml:" in out.message
    ev = d.store.runs.evidence(res.runs["gjj.open-account"])
    assert ev and d.store.runs.evidence_png(ev[-1]["id"]).startswith(b"\x89PNG")
    assert c.records() == []  # nothing saved: Return was never pressed
    d.close()
