"""``records.model.canonical``: one stored value, whatever spelling the clerk typed (the change markers rely on it)."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from clerkdesk.records import codes
from clerkdesk.records.model import canonical

CODE_FIELDS = {"person.ethnicity": "ethnicity", "person.hukou_type": "hukou_type", "person.education": "education",
               "person.marital_status": "marital_status", "person.sex": "sex"}
SPELLINGS = [(f, c.code, s) for f, t in CODE_FIELDS.items() for c in codes.table(t).codes
             for s in (c.code, c.zh, c.en, *c.aliases)
             if codes.table(t).resolve(s) == c.code]  # an alias another code owns first is that code's


@given(st.sampled_from(SPELLINGS))
def test_every_spelling_of_a_code_is_the_same_value(item: tuple[str, str, str]) -> None:
    field, code, spelling = item
    assert canonical(field, spelling) == canonical(field, code) == code


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2025, 12, 31)))
def test_date_spellings_are_one_date(d: date) -> None:
    iso = d.isoformat()
    y, m, dd = iso.split("-")
    for spelling in (iso, f"{y}{m}{dd}", f"{y}/{int(m)}/{int(dd)}", f"{y}年{int(m)}月{int(dd)}日"):
        assert canonical("person.id_valid_from", spelling) == d


def test_invalid_or_empty_is_none_and_unknown_fields_compare_as_text() -> None:
    assert canonical("person.ethnicity", "火星族") is None
    assert canonical("person.phone", "") is None
    assert canonical("case.employer", "  星河科技 ") == "星河科技"
