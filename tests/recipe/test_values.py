"""Value templates and filters: sandboxed, strict, and errors that name the field, never the value."""

from __future__ import annotations

import pytest

from clerkdesk.recipe import values as v


@pytest.fixture
def env() -> object:
    return v.make_env("hrss", {"hukou_type": {"urban": "2", "rural": "1"}, "sex": {"1": "1", "2": "2"}})


CTX = {"person": {"name": "吕小绿", "birth_date": "1990-02-28", "hukou_type": "rural", "hukou_region": "440106",
                  "phone": "13812345678", "hukou_address": "广东省广州市天河区体育西路1号",
                  "ethnicity": "05"},
       "case": {"members": ["甲", "乙"]}}


@pytest.mark.parametrize("tpl, want", [
    ("{{ person.birth_date | date('%Y年%m月%d日') }}", "1990年02月28日"),
    ("{{ person.birth_date | date('%Y%m%d') }}", "19900228"),
    ("{{ '2026年1月2日' | date }}", "2026-01-02"),
    ("{{ person.hukou_type | code('hukou_type') }}", "1"),
    ("{{ '城镇' | code('hukou_type') }}", "2"),  # a label or alias is resolved to the canonical code first
    ("{{ person.phone | fullwidth }}", "１３８１２３４５６７８"),
    ("{{ 'ＡＢＣ１２３' | halfwidth }}", "ABC123"),
    ("{{ person.name | pinyin }}", "LÜ XIAO LÜ".replace("Ü", "V")),
    ("{{ person.name | pinyin('title') }}", "Lü Xiao Lü"),
    ("{{ person.name | pinyin('initials') }}", "LXL"),
    ("{{ person.phone | substr(0, 3) }}", "138"),
    ("{{ person.hukou_region | region('province') }}", "440000"),
    ("{{ person.hukou_region | region('city') }}", "440100"),
    ("{{ person.hukou_region | region('city_name') }}", "广州市"),
    ("{{ '110101' | region('city_name') }}", "北京市"),  # municipalities: the city is the municipality
    ("{{ person.hukou_address | address('district') }}", "天河区"),
    ("{{ person.hukou_address | address('detail') }}", "体育西路1号"),
    ("{{ '北京市东城区景山前街4号' | address('city') }}", "北京市"),
    ("{{ person.ethnicity | label('ethnicity') }}", "维吾尔族"),
    ("{{ '010-6234 5678' | digits }}", "01062345678"),
])
def test_filters(env: object, tpl: str, want: str) -> None:
    assert v.render(env, tpl, CTX) == want  # type: ignore[arg-type]


def test_unmapped_code_names_value_table_and_system(env: object) -> None:
    with pytest.raises(v.TemplateValueError, match="value 'resident' has no mapping in code table 'hukou_type' of "
                                                   "system hrss"):
        v.render(env, "{{ 'resident' | code('hukou_type') }}", CTX)  # type: ignore[arg-type]


def test_undefined_field_is_named_and_no_value_leaks(env: object) -> None:
    with pytest.raises(v.TemplateValueError) as e:
        v.render(env, "{{ person.name }}{{ person.nmae }}", CTX)  # type: ignore[arg-type]
    assert "undefined field person.nmae" in str(e.value)
    assert "吕小绿" not in str(e.value)


def test_sandbox_blocks_python_internals(env: object) -> None:
    with pytest.raises(v.TemplateValueError):
        v.render(env, "{{ person.__class__.__mro__[1].__subclasses__() }}", CTX)  # type: ignore[arg-type]


def test_references_lists_dotted_fields(env: object) -> None:
    refs = v.references(env, "{{ person.name | pinyin }}-{{ case['employer'] }}{% if enterprise.legal_rep.name %}x"
                             "{% endif %}")  # type: ignore[arg-type]
    assert refs == ["person.name", "case.employer", "enterprise.legal_rep.name"]


def test_split_address_levels() -> None:
    parts = v.split_address("四川省成都市武侯区科华北路65号")
    assert (parts["province"], parts["city"], parts["district"], parts["detail"]) == ("四川省", "成都市", "武侯区",
                                                                                    "科华北路65号")
    assert parts["district_code"] == "510107"
