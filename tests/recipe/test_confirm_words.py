"""Confirms in words: what the engine sends (codes, region codes, ticks) read back into what the target shows."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from clerkdesk.config import recipes_dir
from clerkdesk.recipe.catalog import Catalog
from clerkdesk.recipe.words import confirm_lines
from clerkdesk.records import codes

CAT = Catalog(recipes_dir())
EMPLOYMENT = CAT.get("hrss.employment-registration")
INSURANCE = CAT.get("hrss.insurance-enrollment")
SHOP = CAT.get("amr.individual-business-opening")
HRSS, AMR, GJJ = (CAT.systems[s] for s in ("hrss", "amr", "gjj"))
PERSON = {"name": "张晓明", "sex": "1", "ethnicity": "05", "hukou_type": "resident", "education": "20",
          "marital_status": "21", "hukou_region": "370202", "hukou_address": "山东省青岛市市南区香港中路1号"}


def _lines(recipe: Any, system: Any, sent: list[tuple[str, str]], context: Any = None) -> dict[str, Any]:
    return {ln.label: ln for ln in confirm_lines(recipe, system, sent, context)}


def test_codes_regions_and_words_as_the_target_shows_them() -> None:
    sent = [("姓名", "张晓明"), ("性别", "1"), ("民族", "5"), ("户口性质", "2"), ("婚姻状况", "2"),
            ("户籍地址", "370000"), ("市", "370200"), ("区县", "370202"), ("合同期限", "三年及以上")]
    got = _lines(EMPLOYMENT, HRSS, sent)
    assert [(k, v.words, v.code) for k, v in got.items()] == [
        ("姓名", "张晓明", None), ("性别", "男", "1"), ("民族", "维吾尔族", "5"), ("户口性质", "非农业户口", "2"),
        ("婚姻状况", "已婚", "2"), ("户籍地址", "山东省", "370000"), ("市", "青岛市", "370200"),
        ("区县", "市南区", "370202"), ("合同期限", "三年及以上", None)]
    assert not any(v.note for v in got.values())  # no profile given: no marks
    amr = _lines(SHOP, AMR, [("性别", "M"), ("民族", "UG")])
    assert (amr["性别"].words, amr["性别"].code, amr["民族"].words, amr["民族"].code) == ("男", "M", "维吾尔族", "UG")


def test_a_client_that_stores_words_gets_no_code_column() -> None:
    recipe = CAT.get("gjj.open-account")
    got = _lines(recipe, GJJ, [("性别", "男"), ("婚姻状况", "已婚")], {"person": PERSON, "case": {}})
    assert (got["性别"].words, got["性别"].code) == ("男", None)
    assert (got["婚姻状况"].words, got["婚姻状况"].note, got["婚姻状况"].profile_words) == ("已婚", "mapped", "初婚")


def test_values_that_are_not_the_profiles_own_are_marked() -> None:
    context = {"person": PERSON, "case": {}}
    got = _lines(EMPLOYMENT, HRSS, [("户口性质", "2"), ("民族", "5"), ("户籍详细地址", "香港中路1号")], context)
    assert (got["户口性质"].note, got["户口性质"].profile_words) == ("mapped", "居民户口")
    assert got["户口性质"].text() == "户口性质：非农业户口（代码 2）〔档案为“居民户口”，该系统记为此值〕"
    assert got["民族"].note is None  # one to one: nothing to say
    assert got["户籍详细地址"].note == "part"


def test_ticked_boxes_are_listed() -> None:
    got = _lines(INSURANCE, HRSS, [("养老", "true"), ("医疗", "true"), ("工伤", "false")])
    assert [v.words for v in got.values()] == ["☑ 勾选", "☑ 勾选", "☐ 不勾选"]


MAPPED = [(name, canon, str(sys_code)) for name, table in HRSS.codes.items() if name in codes.TABLES
          for canon, sys_code in table.items() if sys_code is not None]


@given(st.sampled_from(MAPPED))
def test_hrss_codes_read_back_to_a_canonical_code_that_maps_there(item: tuple[str, str, str]) -> None:
    table, canon, sys_code = item
    step_label = {"sex": "性别", "ethnicity": "民族", "hukou_type": "户口性质", "education": "文化程度",
                  "marital_status": "婚姻状况"}.get(table)
    if step_label is None:
        return
    line = _lines(EMPLOYMENT, HRSS, [(step_label, sys_code)], {"person": {table: canon}, "case": {}})[step_label]
    t = codes.table(table)
    meaning = [c.code for c in t.codes if c.zh == line.words]
    assert meaning and HRSS.codes[table][meaning[0]] == sys_code  # the words name a value sent as this code
    assert line.code == sys_code
    assert (line.note == "mapped") == (meaning[0] != canon and t.label(canon) != line.words)


def test_a_label_filled_twice_is_read_with_each_steps_own_template() -> None:
    """The n-th value reported under a label is read with the n-th step that has it."""
    from dataclasses import replace

    from clerkdesk.recipe.steps import Step

    mark = EMPLOYMENT.steps[0].mark
    steps = (Step("choose", {"label": "代码", "value": "{{ person.sex | code('sex') }}"}, mark),
             Step("choose", {"label": "代码", "value": "{{ person.ethnicity | code('ethnicity') }}"}, mark))
    recipe = replace(EMPLOYMENT, steps=steps)
    got = confirm_lines(recipe, AMR, [("代码", "M"), ("代码", "UG")])
    assert [ln.words for ln in got] == ["男", "维吾尔族"]


def test_in_english_labels_codes_regions_choices_and_ticks_are_english_the_citizens_text_stays() -> None:
    """The English window's confirm: the field's English name (the target's label kept beside it), a code's and
    a region's English, a recipe's option in its ``en_choices`` words, ticks in English; the citizen's own text
    (a name, an address) as it is."""
    import unicodedata

    sent = [("姓名", "张晓明"), ("性别", "1"), ("民族", "5"), ("户口性质", "2"), ("婚姻状况", "2"),
            ("户籍地址", "370000"), ("市", "370200"), ("区县", "370202"), ("合同期限", "三年及以上"),
            ("就业形式", "单位就业"), ("户籍详细地址", "香港中路1号")]
    lines = confirm_lines(EMPLOYMENT, HRSS, sent, {"person": PERSON, "case": {}}, "en")
    got = {ln.target: (ln.label, ln.words, ln.code) for ln in lines}
    assert got["姓名"] == ("name", "张晓明", None)
    assert got["性别"][1:] == ("male", "1") and got["民族"][1:] == ("Uyghur", "5")
    assert got["区县"][1:] == ("Shinan District", "370202") and got["户籍地址"][1] == "Shandong Province"
    assert got["市"][1] == "Qingdao"
    assert got["合同期限"] == ("Contract term", "Three years or more", None)
    assert got["就业形式"][1] == "Employed by a unit"
    assert got["户籍详细地址"][1] == "香港中路1号"  # the citizen's own address, as written

    def han(t: str) -> bool:
        return any(unicodedata.east_asian_width(c) == "W" and "\u4e00" <= c <= "\u9fff" for c in t)

    own = {"张晓明", "香港中路1号"}
    assert [t for ln in lines for t in (ln.label, ln.words) if han(t) and t not in own] == []
    ticks = confirm_lines(INSURANCE, HRSS, [("养老", "true"), ("工伤", "false")], None, "en")
    assert [(t.label, t.words, t.target) for t in ticks] == [("Insurance types: Pension", "☑ ticked", "养老"),
                                                             ("Insurance types: Work injury", "☐ not ticked", "工伤")]
    # the Chinese window is unchanged: the target's labels, no target beside them
    zh = confirm_lines(EMPLOYMENT, HRSS, sent, None)
    assert [ln.label for ln in zh] == [label for label, _ in sent] and not any(ln.target for ln in zh)
