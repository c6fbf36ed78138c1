"""The typed case through the application layer, on a real store: CaseRequest → Case → Plan → run → receipts.

No browser here: a case is opened and planned for real (the installed recipes), and the one way a run ends
without a system (the clerk enters the receipt of a submit the system confirmed) carries the receipts back
into the stored case. The browser tests in tests/web fill the same path end to end.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from clerkdesk.desk import CaseRequest, Desk, FillOptions
from clerkdesk.desk.cases import case_of_row
from clerkdesk.errors import PlanError, Problem, ValidationError
from clerkdesk.records.model import Case
from clerkdesk.records.standards import id_check_digit

EMP = "hrss.employment-registration"
ID = "11010519491231002" + id_check_digit("11010519491231002")
PERSON = {"name": "司徒雅琴", "id_number": ID, "ethnicity": "汉族", "hukou_type": "非农业", "education": "本科",
          "marital_status": "已婚", "hukou_region": "110105", "hukou_address": "北京市朝阳区建国路1号",
          "current_address": "北京市朝阳区建国路1号", "phone": "13911112222"}
EMPLOYMENT = {"employer": "成都蓉城科技有限公司", "employer_uscc": "91110000600037341L", "start_date": "2026-11-01",
              "contract_term": "三年及以上", "post": "会计", "employment_form": "单位就业", "wage": "6500.50",
              "contract_signed": True, "postcode": "610041"}


@pytest.fixture
def desk(home: Path) -> Desk:
    d = Desk(home)
    yield d  # type: ignore[misc]
    d.close()


def test_a_request_becomes_one_stored_typed_case_that_the_plan_carries(desk: Desk) -> None:
    res, plan = desk.open_case(CaseRequest("person", dict(PERSON), [EMP], dict(EMPLOYMENT), "就业登记"), FillOptions())
    case = res.case
    assert isinstance(case, Case) and plan.case == case
    assert case.id == res.case_id and case.matter == "就业登记" and case.targets == (EMP,)
    assert case.applicant_kind == "person" and case.applicant_key == ID
    assert case.profile_id == desk.profile("person", ID).id  # type: ignore[union-attr]
    assert case.record["sex"] == "2" and case.record["birth_date"] == "1949-12-31"  # derived by the record layer
    assert plan.context == case.context == {"person": case.record, "case": EMPLOYMENT}
    # what the store gives back is the same case (the one context the runs and the confirm read)
    stored = desk.cases.get(res.case_id)
    assert stored.context == case.context and stored.targets == case.targets and stored.id == case.id
    assert case_of_row(desk.store.cases.get(res.case_id)) == stored
    assert [t.recipe.id for t in plan.targets] == [EMP] and list(res.runs) == [EMP]


def test_a_plan_error_carries_problems_a_shell_reads_without_parsing(desk: Desk) -> None:
    person = {k: v for k, v in PERSON.items() if k != "phone"}
    case = {k: v for k, v in EMPLOYMENT.items() if k != "employer"}
    with pytest.raises(PlanError) as e:
        desk.open_case(CaseRequest("person", person, [EMP], {**case, "wage": "lots"}), FillOptions())
    title = desk.catalog.systems["hrss"].title
    by_field = {p.field: p for p in e.value.problems}
    phone = by_field["person.phone"]
    assert (phone.code, phone.system, phone.place) == ("FIELD_REQUIRED", title, f"{EMP} ({title})")
    assert phone.zh == f"{title}需要联系电话" and phone.param("label") == "联系电话"
    assert by_field["case.employer"].code == "FIELD_REQUIRED"
    assert by_field["case.wage"].code == "CASE_VALUE" and "number" in by_field["case.wage"].en
    # the CLI's text is the problems' lines, as before
    assert str(e.value).startswith("cannot start the run:\n  ")
    assert f"  {EMP} ({title}): missing 联系电话 (person.phone)" in str(e.value).splitlines()
    assert e.value.lines == [p.line for p in e.value.problems]
    assert desk.store.runs.list() == []  # nothing stored as a case


def test_an_invalid_record_lists_the_targets_missing_inputs_in_the_same_round(desk: Desk) -> None:
    with pytest.raises(ValidationError) as e:
        desk.open_case(CaseRequest("person", {"id_number": ID}, [EMP], {}), FillOptions())
    fields = [p.field for p in e.value.problems]
    assert fields[0] == "person.name" and "person.phone" in fields and "case.employer" in fields
    assert all(isinstance(p, Problem) for p in e.value.problems)


def test_a_receipt_the_clerk_enters_comes_back_as_receipts_into_the_case(desk: Desk) -> None:
    res, _plan = desk.open_case(CaseRequest("person", dict(PERSON), [EMP], dict(EMPLOYMENT)), FillOptions())
    rid = res.runs[EMP]
    # the system confirmed the submit but its answer page was never read (the process died there)
    desk.store.runs.update(rid, status="needs_clerk", submit_state="confirmed")
    out = desk.resume(rid, None, FillOptions(), decision="recorded", receipt="JY2026000001")  # type: ignore[arg-type]
    assert out.status == "succeeded" and out.receipts == {"receipt": "JY2026000001"}
    case = desk.cases.get(res.case_id)
    assert case.results == {EMP: {"receipt": "JY2026000001"}} and case.status == "done"
    last = desk.store.audit.rows(f"run:{rid}")[-1]
    assert last["action"] == "fill_succeeded" and json.loads(last["detail"])["captured"] == ["receipt"]


@pytest.mark.parametrize("audited", [False, True], ids=["no-audit", "audited"])
@pytest.mark.parametrize("in_case", [False, True], ids=["case-without-receipt", "case-with-receipt"])
def test_a_run_found_done_gets_whatever_of_its_end_is_missing_once(desk: Desk, audited: bool, in_case: bool) -> None:
    """The store went away somewhere among a succeeded run's end steps (audit entry, receipts into the case, the
    case settled): the retry that finds the run done writes each missing part once and nothing twice."""
    res, _plan = desk.open_case(CaseRequest("person", dict(PERSON), [EMP], dict(EMPLOYMENT)), FillOptions())
    rid, receipts = res.runs[EMP], {"receipt": "JY2026000002"}
    desk.store.runs.update(rid, status="succeeded", submit_state="confirmed", data={"captures": receipts})
    if audited:
        desk.store.audit.append("fill_succeeded", f"run:{rid}", {"recipe": EMP, "captured": ["receipt"]})
    if in_case:
        desk.store.cases.update(res.case_id, result=(EMP, receipts))
    out = desk.resume(rid, None, FillOptions())  # type: ignore[arg-type]
    assert out.status == "succeeded" and out.receipts == receipts
    case = desk.cases.get(res.case_id)
    assert case.results == {EMP: receipts} and case.status == "done"
    ends = [a for a in desk.store.audit.rows(f"run:{rid}") if a["action"] == "fill_succeeded"]
    assert len(ends) == 1 and json.loads(ends[0]["detail"])["captured"] == ["receipt"]
    assert json.loads(ends[0]["detail"]).get("caught_up") is (None if audited else True)

def test_the_desk_is_composed_not_mixed(desk: Desk) -> None:
    assert Desk.__mro__ == (Desk, object)
    services = (desk.profiles, desk.cases, desk.runs, desk.documents, desk.drafts, desk.upkeep)
    assert all(s.session is desk.session for s in services)  # one store, one catalog, shared
    assert desk.runs.cases is desk.cases and desk.cases.profiles is desk.profiles
