"""Filling the 人社 sandbox: right values and codes, exactly once, with clear failures."""

from __future__ import annotations

from typing import Any

import pytest

from clerkdesk.desk import CaseRequest
from tests.support.clerks import SandboxClerk
from tests.support.data import EMPLOYMENT, EMPLOYMENT_EXPECTED, INSURANCE, PERSON

pytestmark = pytest.mark.browser

EMP = "hrss.employment-registration"


def test_employment_registration_lands_with_system_codes(desk: Any, web: Any, opts: Any) -> None:
    before = len(web.submissions("hrss"))
    clerk = SandboxClerk()
    res = desk.fill(CaseRequest("person", dict(PERSON), [EMP], dict(EMPLOYMENT)), clerk, opts)
    out = res.outcomes[EMP]
    assert out.status == "succeeded", out.message
    subs = web.submissions("hrss")
    assert len(subs) == before + 1
    got = subs[-1]
    assert got["matter"] == "employment"
    for name, want in EMPLOYMENT_EXPECTED.items():
        assert got["fields"][name] == want, f"{got['labels'][name]} ({name})"
    assert out.receipts["receipt"] == got["receipt"]
    # the clerk confirmed before submit and saw the values about to be submitted
    assert clerk.confirms and ("姓名", "阿卜杜拉·买买提") in clerk.confirms[0][1]
    assert clerk.humans == ["请在人社系统登录页输入用户名、密码和验证码并登录"]
    # the case holds the receipt; evidence was kept at submit
    case = desk.store.cases.get(res.case_id)
    assert case.results[EMP]["receipt"] == got["receipt"]
    assert case.status == "done"
    ev = desk.store.runs.evidence(res.runs[EMP])
    assert any(e["name"].startswith("提交后") for e in ev)  # the page right after the click
    assert desk.store.runs.evidence_png(ev[0]["id"]).startswith(b"\x89PNG")


def test_login_is_kept_between_runs_and_expired_session_asks_for_login(desk: Any, web: Any, opts: Any) -> None:
    clerk = SandboxClerk()
    assert desk.fill(CaseRequest("person", dict(PERSON), ["hrss.insurance-enrollment"], dict(INSURANCE)), clerk, opts).ok
    assert len(clerk.humans) == 1
    # second run: the saved (encrypted) session is still logged in → no human step
    clerk2 = SandboxClerk()
    assert desk.fill(CaseRequest("person", {"id_number": PERSON["id_number"]}, ["hrss.insurance-enrollment"], dict(INSURANCE)), clerk2, opts).ok
    assert clerk2.humans == []
    # the system expires the session → the human login step comes back, then the run succeeds
    web.set_fault("hrss", "expire")
    clerk3 = SandboxClerk()
    res = desk.fill(CaseRequest("person", {"id_number": PERSON["id_number"]}, ["hrss.insurance-enrollment"], dict(INSURANCE)), clerk3, opts)
    assert res.ok, res.outcomes
    assert len(clerk3.humans) == 1
    last = web.submissions("hrss")[-1]
    assert last["fields"]["aae140"] == "110,310"
    sess = next((desk.home / "sessions").rglob("hrss@*.bin"))
    assert b"cookies" not in sess.read_bytes()  # session state is stored encrypted


@pytest.mark.parametrize("fault, recorded", [("submit500", False), ("submit500_recorded", True)])
def test_error_on_submit_stops_and_never_submits_twice(desk: Any, web: Any, opts: Any, fault: str,
                                                       recorded: bool) -> None:
    before = len(web.submissions("hrss"))
    web.set_fault("hrss", fault)
    res = desk.fill(CaseRequest("person", dict(PERSON), [EMP], dict(EMPLOYMENT)), SandboxClerk(), opts)
    out = res.outcomes[EMP]
    assert out.status == "needs_clerk"
    assert "可能已经记录" in out.message and "will not submit again" in out.message
    run = desk.store.runs.get(res.runs[EMP])
    assert run.submit_state == "uncertain"
    assert len(web.submissions("hrss")) == before + (1 if recorded else 0)
    web.clear_faults()
    # resuming without the clerk's answer submits nothing and still waits for the clerk
    waiting = SandboxClerk(decision=("abort", None))
    assert desk.resume(res.runs[EMP], waiting, opts).status == "needs_clerk"
    assert waiting.uncertains and len(web.submissions("hrss")) == before + (1 if recorded else 0)
    # the clerk checked the system and answers; the record ends up in the system exactly once
    if recorded:
        receipt = web.submissions("hrss")[-1]["receipt"]
        again = desk.resume(res.runs[EMP], SandboxClerk(decision=("recorded", receipt)), opts)
        assert again.status == "succeeded" and again.receipts["receipt"] == receipt
    else:
        again = desk.resume(res.runs[EMP], SandboxClerk(decision=("not_recorded", None)), opts)
        assert again.status == "succeeded", again.message
    assert len(web.submissions("hrss")) == before + 1


def test_changed_layout_names_the_label_and_keeps_a_screenshot(desk: Any, web: Any, opts: Any) -> None:
    web.set_fault("hrss", "layout")
    before = len(web.submissions("hrss"))
    opts.timeout_factor = 0.3  # the label will never come: don't wait the full 10 s
    res = desk.fill(CaseRequest("person", dict(PERSON), [EMP], dict(EMPLOYMENT)), SandboxClerk(), opts)
    out = res.outcomes[EMP]
    assert out.status == "failed"
    assert "label 姓名 not found on page http://127.0.0.1:" in out.message
    assert "employment-registration.yaml:" in out.message  # the recipe position
    assert "Tried:" in out.message
    assert len(web.submissions("hrss")) == before
    ev = desk.store.runs.evidence(res.runs[EMP])
    assert any(e["name"].startswith("failure") for e in ev)


def test_plan_lists_every_missing_field_before_anything_starts(desk: Any, web: Any, opts: Any) -> None:
    from clerkdesk.errors import PlanError

    person = {k: v for k, v in PERSON.items() if k not in ("phone", "education")}
    case = {k: v for k, v in EMPLOYMENT.items() if k != "employer"}
    before = len(web.submissions("hrss"))
    with pytest.raises(PlanError) as e:
        desk.fill(CaseRequest("person", person, [EMP], case), SandboxClerk(), opts)
    text = str(e.value)
    for label in ("联系电话 (person.phone)", "文化程度 (person.education)", "用工单位名称 (case.employer)"):
        assert label in text
    assert len(web.submissions("hrss")) == before
    assert desk.store.runs.list() == []
    # the valid part of the record was kept as the profile: nothing to retype
    assert desk.profile("person", PERSON["id_number"]).record["name"] == PERSON["name"]


def test_unmapped_code_is_reported_with_value_table_and_system(tmp_path: Any, monkeypatch: Any, home: Any,
                                                              web: Any, opts: Any) -> None:
    import shutil

    from clerkdesk.config import recipes_dir
    from clerkdesk.desk import Desk
    from clerkdesk.errors import PlanError

    folder = tmp_path / "recipes"
    shutil.copytree(recipes_dir(), folder)
    sysfile = folder / "systems" / "hrss.yaml"
    sysfile.write_text(sysfile.read_text(encoding="utf-8").replace('"20": "21", ', ""), encoding="utf-8")
    monkeypatch.setenv("CLERKDESK_RECIPES", str(folder))
    before = len(web.submissions("hrss"))
    d = Desk(home)
    with pytest.raises(PlanError) as e:
        d.fill(CaseRequest("person", dict(PERSON), [EMP], dict(EMPLOYMENT)), SandboxClerk(), opts)
    d.close()
    assert "value '20' has no mapping in code table 'education' of system hrss" in str(e.value)
    assert "employment-registration.yaml:" in str(e.value)
    assert len(web.submissions("hrss")) == before


def test_a_slow_system_is_waited_for_not_slept_on(desk: Any, web: Any, opts: Any) -> None:
    import time

    web.set_fault("hrss", "slow", ms=1200)
    t0 = time.monotonic()
    res = desk.fill(CaseRequest("person", dict(PERSON), ["hrss.insurance-enrollment"], dict(INSURANCE)), SandboxClerk(), opts)
    assert res.ok, res.outcomes
    assert time.monotonic() - t0 < 60


def test_no_personal_value_is_readable_in_the_database_after_a_fill(desk: Any, web: Any, opts: Any) -> None:
    res = desk.fill(CaseRequest("person", dict(PERSON), [EMP], dict(EMPLOYMENT)), SandboxClerk(), opts)
    assert res.ok
    assert any(e["message"] for e in desk.store.runs.events(res.runs[EMP]))  # readable through the store
    desk.close()
    raw = b"".join(p.read_bytes() for p in desk.home.glob("clerkdesk.db*"))
    for secret in (PERSON["name"], PERSON["id_number"], PERSON["phone"], EMPLOYMENT["employer"],
                   PERSON["current_address"]):
        assert secret.encode("utf-8") not in raw, secret
        assert secret.encode("utf-16-le") not in raw, secret
