"""The application layer's services on a real store: profiles (one validation path), the capture form's model
(no Qt), and the CLI going through Desk only."""

from __future__ import annotations

from pathlib import Path

import pytest

from clerkdesk.desk import CaseRequest, Desk, FillOptions
from clerkdesk.desk.form import CaptureFormModel
from clerkdesk.errors import PlanError, ValidationError
from clerkdesk.records.standards import id_check_digit

ID = "11010519491231002" + id_check_digit("11010519491231002")
EMP = "hrss.employment-registration"
BUNDLE = "employment-and-insurance"


@pytest.fixture
def desk(home: Path) -> Desk:
    d = Desk(home)
    yield d  # type: ignore[misc]
    d.close()


@pytest.fixture
def form(desk: Desk) -> CaptureFormModel:
    f = desk.form()
    f.load()
    return f


def test_save_and_prepare_are_one_validation_path(desk: Desk) -> None:
    saved, warnings = desk.profiles.save("person", {"name": "司徒雅琴", "id_number": ID, "phone": "13911112222"})
    assert saved.created and warnings == []
    # prepare merges the stored profile first: the ID number alone is a whole record
    a = desk.profiles.prepare("person", {"id_number": ID.lower(), "ethnicity": "汉"})
    assert a.profile_id == saved.profile_id and a.key == ID
    assert a.record["name"] == "司徒雅琴" and a.record["ethnicity"] == "01" and a.record["sex"] == "2"
    assert a.saved.version == 2 and a.saved.changed == ["ethnicity"]
    # and save refuses what prepare refuses, with the same problems
    bad = {"name": "司徒雅琴", "id_number": ID[:-1] + ("0" if ID[-1] != "0" else "1")}
    with pytest.raises(ValidationError) as by_save:
        desk.profiles.save("person", dict(bad))
    with pytest.raises(ValidationError) as by_prepare:
        desk.profiles.prepare("person", dict(bad))
    assert [p.code for p in by_save.value.problems] == [p.code for p in by_prepare.value.problems] == ["ID_CHECKSUM"]


def test_the_form_model_asks_the_needed_fields_key_and_proven_ones_first(form: CaptureFormModel) -> None:
    assert {m.id for m in form.load()} >= {EMP, BUNDLE}
    bundle = next(m for m in form.load() if m.id == BUNDLE)
    assert bundle.bundle and len(bundle.systems) == 1  # two recipes, one system
    shape = form.shape([EMP])
    assert shape.kind == "person" and [r.id for r in shape.recipes] == [EMP]
    assert shape.applicant[:3] == ("person.id_number", "person.sex", "person.birth_date")
    assert "case.employer" in shape.case and not any(p.startswith("case.") for p in shape.applicant)
    assert form.shape([EMP, "amr.enterprise-change"]).kind == "mixed"
    assert form.shape([]).kind == "person" and form.shape([]).applicant == ()
    assert form.targets([BUNDLE, EMP]) == [EMP, "hrss.insurance-enrollment"]  # each recipe once


def test_the_form_model_turns_values_into_record_case_and_problems(form: CaptureFormModel) -> None:
    values = {"person.id_number": ID, "person.sex": "2", "person.name": "司徒雅琴", "person.phone": "12",
              "person.ethnicity": "", "case.employer": "成都蓉城科技有限公司", "case.post": ""}
    assert form.record_data(values) == {"id_number": ID, "name": "司徒雅琴", "phone": "12"}  # derived sex left out
    assert form.case_fields(values) == {"employer": "成都蓉城科技有限公司"}
    problems = form.problems("person", values)
    assert set(problems) == {"person.phone"} and problems["person.phone"].severity == "error"
    assert "person.ethnicity" not in problems  # empty is said at F5, not while typing
    assert form.proven(ID) == {"person.birth_date": "1949-12-31", "person.sex": "2", "person.native_region": "110105"}
    assert form.proven("123") == {"person.birth_date": "", "person.sex": "", "person.native_region": ""}
    assert form.key_value("person", ID.lower()) == ID and form.key_value("person", "123") is None
    assert form.same("person.ethnicity", "01", "汉族") and not form.same("person.ethnicity", "01", "02")
    assert form.defaults("person") == {"person.id_type": "111"}


def test_the_form_models_request_opens_the_case(desk: Desk, form: CaptureFormModel) -> None:
    values = {"person.id_number": ID, "person.name": "司徒雅琴"}
    req = form.request("person", values, [EMP])
    assert req == CaseRequest("person", {"id_number": ID, "name": "司徒雅琴"}, (EMP,), {}, "就业登记")
    with pytest.raises(PlanError) as e:  # a valid record, the rest missing: every field listed for the form
        desk.open_case(req, FillOptions())
    missing = {p.field for p in e.value.problems if p.code == "FIELD_REQUIRED"}
    assert {"person.phone", "case.employer"} <= missing
    assert desk.profile("person", ID) is not None  # the valid part was kept: nothing to retype
