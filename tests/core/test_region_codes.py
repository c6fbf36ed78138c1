"""Region codes of ID numbers judged from the birth year to today, with codes that exist today.

The numbers are built with a real check digit around real GB/T 2260 codes created in recent years (the
ministry's lists, merged into records/tables/gbt2260.tsv by scripts/gen_regions.py), for people born
decades before the code existed: the number is given when the first card is issued, so that is normal.
"""

from __future__ import annotations

from datetime import date

import pytest

from clerkdesk.capture.fields import Builder, _id_number
from clerkdesk.capture.layout import Value
from clerkdesk.capture.model import CaptureResult
from clerkdesk.records import regions
from clerkdesk.records.standards import check_id_number, id_check_digit

TODAY = date(2026, 12, 5)


def make_id(code: str, birth: date, seq: int = 123) -> str:
    body = f"{code}{birth:%Y%m%d}{seq:03d}"
    return body + id_check_digit(body)


# code, name, first year (all still valid in the ministry's 2024 list)
NEWER = [
    ("330113", "临平区", 2021),  # 杭州: missing from python-stdnum's table
    ("330114", "钱塘区", 2021),  # 杭州: missing from python-stdnum's table
    ("370116", "莱芜区", 2019),  # 济南
    ("330383", "龙港市", 2019),  # 温州
    ("513402", "会理市", 2021),  # 凉山
    ("540481", "米林市", 2023),  # 林芝
    ("653228", "和康县", 2024),  # 和田
    ("659012", "白杨市", 2023),  # 新疆兵团
]


@pytest.mark.parametrize(("code", "name", "created"), NEWER)
def test_a_code_newer_than_the_birth_year_is_plausible(code: str, name: str, created: int) -> None:
    r = regions.region(code)
    assert r is not None and r.current and name in (regions.full_name(code) or "")
    assert r.created is not None and created - 1 <= r.created <= created
    for born in (1950, 1987, created):
        info, problems = check_id_number(make_id(code, date(born, 6, 1)), today=TODAY)
        assert problems == [] and info is not None and info.warnings == (), (code, born)


def test_codes_missing_from_stdnum_are_known() -> None:
    from stdnum import numdb

    number = make_id("330113", date(1975, 3, 9))
    found = {k for _, props in numdb.get("cn/loc").info("330113") for k in props}
    assert "county" not in found  # python-stdnum's own table does not know 临平区
    info, problems = check_id_number(number, today=TODAY)
    assert problems == [] and info is not None and info.region_name == "浙江省杭州市临平区"


def test_retired_codes_are_judged_by_when_they_were_retired() -> None:
    # 松阳县 332528 was retired in 2000 when 丽水 became a city (the ministry lists it until 1999;
    # stdnum ended it in 1981): a person born in 1990 there holds a valid number
    assert regions.region("332528") is not None and regions.region("332528").retired == 1999  # type: ignore[union-attr]
    info, problems = check_id_number(make_id("332528", date(1990, 2, 2)), today=TODAY)
    assert problems == [] and info is not None and info.warnings == ()
    info, _ = check_id_number(make_id("332528", date(2001, 2, 2)), today=TODAY)
    assert info is not None and [w.code for w in info.warnings] == ["ID_REGION_RETIRED_BEFORE_BIRTH"]


def test_a_code_valid_only_after_today_is_doubted() -> None:
    info, problems = check_id_number(make_id("330113", date(1975, 3, 9)), today=date(2020, 6, 1))
    assert problems == [] and info is not None
    assert [w.code for w in info.warnings] == ["ID_REGION_NOT_YET_VALID"]


def test_capture_takes_the_same_rule_no_flag_on_a_newer_code() -> None:
    """Capture imports the rule (one implementation): a card of someone born in 1968 whose number carries
    临平区's 2021 code gets no region flag, and the number's birth date and sex win."""
    number = make_id("330113", date(1968, 11, 30), 124)
    result = CaptureResult("idcard-front")
    b = Builder(result, [], None, TODAY)
    _id_number(b, Value(number, 0.99, (0, 0, 10, 10), 1))
    assert result.problems == [] or all(p.field != "id_number" for p in result.problems)
    assert result.value("id_number") == number
    assert result.value("birth_date") == "1968-11-30" and result.value("sex") == "女"
