"""The fill path's record stage (``Desk.profiles.prepare``) through the real store: it must accept what
``person add`` / ``enterprise add`` accept and find profiles as every other lookup does."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from storedata import make_id

from clerkdesk.desk import Desk
from clerkdesk.errors import Problem, ValidationError
from clerkdesk.records.standards import uscc_check_char

PILOT = "91110000600037341L"  # a valid code; the pilot code below differs only in its check character
PILOT_BAD = PILOT[:-1] + ("M" if PILOT[-1] != "M" else "N")
ID_18 = make_id("110105", date(1949, 12, 31), 2)  # born 19xx: has a 15-digit form
ID_15 = ID_18[:6] + ID_18[8:17]


def prepared(desk: Desk, kind: str, data: dict[str, Any]) -> tuple[dict[str, Any], list[Problem], int]:
    a = desk.profiles.prepare(kind, data)
    return a.record, a.warnings, a.profile_id


def test_the_pilot_code_really_fails_its_check() -> None:
    assert uscc_check_char(PILOT_BAD[:17]) != PILOT_BAD[17]


def test_a_whitelisted_credit_code_can_be_filled(home: Path) -> None:
    desk = Desk(home)
    company = {"name": "试点时期登记有限公司", "uscc": PILOT_BAD, "entity_type": "有限公司"}
    with pytest.raises(ValidationError) as ei:  # before the supervisor acts: refused, as by `enterprise add`
        desk.profiles.prepare("enterprise", dict(company))
    assert [p.code for p in ei.value.problems] == ["USCC_CHECKSUM"]
    desk.whitelist_uscc(PILOT_BAD, "licence checked by hand")
    record, warnings, pid = prepared(desk, "enterprise", dict(company))
    assert record["uscc"] == PILOT_BAD and [w.code for w in warnings] == ["USCC_WHITELISTED"]
    # the next visit needs only the code, typed in lower case with spaces
    record2, _, pid2 = prepared(desk, "enterprise", {"uscc": " ".join([PILOT_BAD[:9], PILOT_BAD[9:]]).lower()})
    assert pid2 == pid and record2["name"] == company["name"]
    assert [v.version for v in desk.history("enterprise", PILOT_BAD)] == [1, 2]
    desk.close()


def test_a_person_found_by_the_15_digit_number(home: Path) -> None:
    desk = Desk(home)
    desk.save_profile("person", {"name": "司徒雅琴", "id_number": ID_18, "phone": "13911112222"})
    record, _, pid = prepared(desk, "person", {"id_number": ID_15})
    assert record["name"] == "司徒雅琴" and record["id_number"] == ID_18 and record["phone"] == "13911112222"
    assert desk.profile("person", ID_15).id == pid  # type: ignore[union-attr]
    assert [v.version for v in desk.history("person", ID_18)] == [1, 2]
    desk.close()


def test_an_unknown_person_still_lists_the_missing_name(home: Path) -> None:
    desk = Desk(home)
    with pytest.raises(ValidationError) as ei:
        desk.profiles.prepare("person", {"id_number": ID_15})
    assert [(p.field, p.code) for p in ei.value.problems] == [("person.name", "FIELD_REQUIRED")]
    assert desk.store.profiles.count() == 0
    desk.close()
