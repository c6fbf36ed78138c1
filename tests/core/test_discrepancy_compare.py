"""The discrepancy comparison (engine/discrepancy.py), pure: what the system shows against the profile, as the
system would record it — a spelling or a merged code is never a difference, another value always is."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from clerkdesk.engine.discrepancy import Decision, compare, overrides
from clerkdesk.recipe.systems import load_systems
from clerkdesk.records import codes

HRSS = load_systems(Path(__file__).resolve().parents[2] / "recipes")["hrss"].codes
TABLES = {"person.hukou_type": "hukou_type", "person.ethnicity": "ethnicity", "person.education": "education",
          "person.marital_status": "marital_status", "person.sex": "sex"}


def spellings(table: str, code: str) -> list[str]:
    c = next(x for x in codes.table(table).codes if x.code == code)
    return [s for s in (c.code, c.zh, c.en, *c.aliases) if codes.table(table).resolve(s) == code]


def sys_code(table: str, code: str) -> str | None:
    v = HRSS.get(table, {}).get(code)
    return None if v is None else str(v)


FIELD_CODES = [(f, c.code) for f, t in TABLES.items() for c in codes.table(t).codes if sys_code(t, c.code)]


@given(st.sampled_from(FIELD_CODES), st.sampled_from(FIELD_CODES), st.data())
def test_a_code_differs_exactly_when_the_system_records_it_otherwise(a: tuple[str, str], b: tuple[str, str],
                                                                     data: st.DataObject) -> None:
    field, shown_code = a
    table = TABLES[field]
    profile_code = data.draw(st.sampled_from([c for f, c in FIELD_CODES if f == field]))
    shown = data.draw(st.sampled_from([*spellings(table, shown_code), sys_code(table, shown_code)]))
    diffs = compare({field: f" {shown} "}, {"person": {field.split(".")[1]: profile_code}}, HRSS)
    differs = sys_code(table, shown_code) != sys_code(table, profile_code)
    assert bool(diffs) == differs
    if diffs:
        [d] = diffs
        assert d.profile_words == codes.table(table).label(profile_code)
        assert d.system_value is not None and sys_code(table, d.system_value) == sys_code(table, shown_code)
        assert d.choices == tuple(Decision)


@given(st.text(alphabet="成都市武侯区科华北路65号 　１２", min_size=1, max_size=20))
def test_text_differs_only_beyond_spacing_and_width(text: str) -> None:
    import unicodedata

    same = unicodedata.normalize("NFKC", text).replace(" ", "")
    assert compare({"person.current_address": text}, {"person": {"current_address": same}}, HRSS) == [] or \
        not same.strip()
    assert len(compare({"person.current_address": text + "附1号"}, {"person": {"current_address": same}}, HRSS)) == 1


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2025, 12, 31)).map(lambda d: d.isoformat()))
def test_a_date_in_another_spelling_is_the_same_date(iso: str) -> None:
    y, m, d = iso.split("-")
    for shown in (f"{y}年{int(m)}月{int(d)}日", f"{y}{m}{d}", f"{y}/{m}/{d}"):
        assert compare({"person.birth_date": shown}, {"person": {"birth_date": iso}}, HRSS) == [], shown


@given(st.sampled_from(list(Decision)))
def test_the_decision_decides_what_the_fill_sends(decision: Decision) -> None:
    [d] = compare({"person.hukou_type": "非农业户口"}, {"person": {"hukou_type": "rural"}}, HRSS)
    got = overrides([d], {d.field: decision})
    assert got == ({} if decision == Decision.SYSTEM else {"person.hukou_type": "urban"})


def test_an_unreadable_system_value_can_only_be_overwritten() -> None:
    [d] = compare({"person.hukou_type": "不详"}, {"person": {"hukou_type": "rural"}}, HRSS)
    assert d.system_value is None and d.choices == (Decision.SYSTEM,)
    assert overrides([d], {d.field: Decision.PROFILE}) == {}


@given(st.sampled_from(["person.hukou_type", "person.hukou_region", "person.birth_date", "person.current_address"]),
       st.sampled_from(["", " ", "\u3000"]))
def test_nothing_against_nothing_is_no_difference(field: str, blank: str) -> None:
    assert compare({field: blank}, {"person": {}}, HRSS) == []
    assert compare({field: blank}, {"person": {field.split(".")[1]: None}}, HRSS) == []
