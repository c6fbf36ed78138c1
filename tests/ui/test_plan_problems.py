"""The window renders a plan's problems from their parts (field, system, code), never by parsing text."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from clerkdesk.desk import CaseRequest, Desk, FillOptions
from clerkdesk.errors import PlanError
from clerkdesk.records.standards import id_check_digit
from clerkdesk.ui import i18n
from clerkdesk.ui.errors import message_of, plan_fields

ID = "11010519491231002" + id_check_digit("11010519491231002")
EMP = "hrss.employment-registration"


@pytest.fixture
def plan_error(home: Path) -> Iterator[PlanError]:
    desk = Desk(home)
    with pytest.raises(PlanError) as e:
        desk.open_case(CaseRequest("person", {"name": "司徒雅琴", "id_number": ID}, [EMP], {"wage": "lots"}),
                       FillOptions())
    desk.close()
    yield e.value
    i18n.set_language("zh")


def test_the_missing_and_wrong_fields_are_marked_from_the_problems(plan_error: PlanError) -> None:
    marks = plan_fields(plan_error)
    assert marks["person.phone"] == "必填" and marks["case.employer"] == "必填"
    assert set(marks) == {p.field for p in plan_error.problems if p.code == "FIELD_REQUIRED"}
    assert "case.wage" not in marks  # a wrong value, not a missing one: the form's own check says it in Chinese


def test_the_message_is_in_the_clerks_language(plan_error: PlanError) -> None:
    title = next(p.system for p in plan_error.problems)
    zh = message_of(plan_error)
    assert zh.startswith("办理无法开始") and f"• {title}需要联系电话" in zh.splitlines()
    i18n.set_language("en")
    en = message_of(plan_error)
    assert f"• {EMP} ({title}): missing 联系电话 (person.phone)" in en.splitlines()
