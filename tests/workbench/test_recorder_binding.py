"""The recorder's binding of a typed value to the sample record's field, against fast fakes: with distinct sample
values every value binds to its own field; a value two fields share is never guessed."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from clerkdesk.workbench.recorder import bind, candidates
from clerkdesk.workbench.web_probe import Control

CJK = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=2, max_size=8)


def _control(kind: str = "fill") -> Control:
    return Control(1, "", "input", "text", kind, "n", "", "标签", 0, {"label": "标签"})


@settings(max_examples=60, deadline=None)
@given(names=st.lists(CJK, min_size=3, max_size=3, unique=True), pick=st.integers(0, 2))
def test_distinct_values_bind_to_their_own_field(names: list[str], pick: int) -> None:
    context = {"person": {"name": names[0], "former_name": names[1]}, "case": {"employer": names[2]}}
    fields = ["person.name", "person.former_name", "case.employer"]
    b = bind(_control(), names[pick], "", candidates(context, {}, "s"))
    assert b.template == "{{ " + fields[pick] + " }}"


@settings(max_examples=30, deadline=None)
@given(name=CJK)
def test_a_value_two_fields_share_is_a_literal_with_a_note(name: str) -> None:
    context = {"person": {"name": name}, "case": {"employer": name}}
    b = bind(_control(), name, "", candidates(context, {}, "s"))
    assert b.template is None and "ambiguous" in b.note and "case.employer" in b.note


def test_codes_dates_and_labels() -> None:
    context = {"person": {"hukou_type": "rural", "sex": "2", "birth_date": "1990-02-28"}, "case": {}}
    offers = candidates(context, {"hukou_type": {"rural": "1", "urban": "2", "resident": "2"}}, "s")
    assert bind(_control("choose"), "1", "农业户口", offers).template == "{{ person.hukou_type | code('hukou_type') }}"
    assert bind(_control("radio"), "F", "女", offers).template == "{{ person.sex | label('sex') }}"
    assert bind(_control("date"), "1990年02月28日", "", offers).template == \
        "{{ person.birth_date | date('%Y年%m月%d日') }}"
    assert bind(_control("choose"), "28", "28", offers).template == "{{ person.birth_date | date('%d') | int }}"
    assert bind(_control(), "没有", "", offers).note == "matches no field of the sample record"
