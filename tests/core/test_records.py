"""Records: Person / Enterprise built from clerk input, code tables, region names."""

from __future__ import annotations

from datetime import date

import pytest
from checkdigits import make_id, make_uscc

from clerkdesk.errors import ValidationError
from clerkdesk.records import codes, model, regions
from clerkdesk.records.model import make_enterprise, make_person

TODAY = date(2026, 11, 23)
ID = "11010519491231002X"  # female, 1949-12-31, 北京市朝阳区
USCC = "91110000600037341L"


def problems_of(data: dict, *, enterprise: bool = False) -> dict[str, str]:
    with pytest.raises(ValidationError) as ei:
        (make_enterprise if enterprise else make_person)(data, today=TODAY)
    return {p.field: p.code for p in ei.value.problems}


def test_person_derives_fields_from_the_id_number() -> None:
    p, warnings = make_person({"name": "王小明", "id_number": ID.lower()}, today=TODAY)
    assert warnings == []
    assert (p.id_number, p.birth_date, p.sex, p.native_region, p.id_type) == (
        ID, date(1949, 12, 31), "2", "110105", "111")


def test_person_from_a_15_digit_number() -> None:
    p, _ = make_person({"name": "王小明", "id_number": "110105491231002"}, today=TODAY)
    assert p.id_number == ID


def test_matching_typed_values_are_fine() -> None:
    p, _ = make_person({"name": "王小明", "id_number": ID, "sex": "女", "birth_date": "1949年12月31日",
                        "native_region": "110105"}, today=TODAY)
    assert (p.sex, p.birth_date) == ("2", date(1949, 12, 31))


def test_conflicts_with_the_id_number_are_errors() -> None:
    assert problems_of({"name": "王小明", "id_number": ID, "sex": "男", "birth_date": "1950-01-01",
                        "native_region": "110108"}) == {
        "person.sex": "SEX_CONFLICT", "person.birth_date": "BIRTH_DATE_CONFLICT",
        "person.native_region": "NATIVE_REGION_CONFLICT"}


@pytest.mark.parametrize(("value", "code"), [("城镇", "urban"), ("urban", "urban"), ("非农业户口", "urban"),
                                             ("农业", "rural"), ("Rural", "rural"), ("居民户口", "resident"),
                                             (" 城镇户口 ", "urban")])
def test_codes_accepted_as_code_label_or_alias(value: str, code: str) -> None:
    p, _ = make_person({"name": "王小明", "id_number": ID, "hukou_type": value}, today=TODAY)
    assert p.hukou_type == code


def test_other_code_tables() -> None:
    p, _ = make_person({"name": "王小明", "id_number": ID, "ethnicity": "汉", "marital_status": "已婚",
                        "education": "本科", "id_type": "身份证"}, today=TODAY)
    assert (p.ethnicity, p.marital_status, p.education, p.id_type) == ("01", "20", "20", "111")


def test_unknown_code_and_unknown_field_with_did_you_mean() -> None:
    with pytest.raises(ValidationError) as ei:
        make_person({"name": "王小明", "id_number": ID, "hukou_type": "外星", "hukou_tpye": "城镇"}, today=TODAY)
    by = {p.field: p for p in ei.value.problems}
    assert by["person.hukou_type"].code == "CODE_UNKNOWN"
    assert by["person.hukou_tpye"].code == "FIELD_UNKNOWN"
    assert "Did you mean 'hukou_type'?" in by["person.hukou_tpye"].en
    assert "外星" not in str(ei.value)  # messages never repeat the value


def test_every_problem_is_listed_at_once() -> None:
    found = problems_of({"id_number": "110105194912310021", "phone": "12345", "birth_date": "2026-02-30",
                         "ethnicity": "火星族", "email": "nope", "id_valid_from": "2030-01-01", "colour": "red"})
    assert found == {"person.name": "FIELD_REQUIRED", "person.id_number": "ID_CHECKSUM",
                     "person.phone": "PHONE_FORMAT", "person.birth_date": "DATE_INVALID",
                     "person.ethnicity": "CODE_UNKNOWN", "person.email": "EMAIL_FORMAT",
                     "person.id_valid_from": "DATE_FUTURE", "person.colour": "FIELD_UNKNOWN"}


def test_required_fields() -> None:
    assert problems_of({}) == {"person.name": "FIELD_REQUIRED", "person.id_number": "FIELD_REQUIRED"}
    assert problems_of({"name": " ", "id_number": ""}) == {"person.name": "FIELD_REQUIRED",
                                                          "person.id_number": "FIELD_REQUIRED"}


def test_non_scalar_values_are_type_errors() -> None:
    assert problems_of({"name": ["王小明"], "id_number": ID, "phone": {"a": 1}}) == {
        "person.name": "FIELD_TYPE", "person.phone": "FIELD_TYPE"}


def test_valid_to_may_be_in_the_future_but_not_before_valid_from() -> None:
    p, _ = make_person({"name": "王小明", "id_number": ID, "id_valid_from": "2020-01-01",
                        "id_valid_to": "2040-01-01"}, today=TODAY)
    assert p.id_valid_to == date(2040, 1, 1)
    assert problems_of({"name": "王小明", "id_number": ID, "id_valid_from": "2020-01-01",
                        "id_valid_to": "2019-01-01"}) == {"person.id_valid_to": "DATE_ORDER"}


def test_retired_region_warning_is_returned_not_raised() -> None:
    p, warnings = make_person({"name": "王小明", "id_number": make_id("110103", date(2015, 1, 1), 3)}, today=TODAY)
    assert [w.code for w in warnings] == ["ID_REGION_RETIRED_BEFORE_BIRTH"]
    assert p.native_region == "110103"


def test_passport_numbers_are_not_checked_as_id_numbers() -> None:
    p, _ = make_person({"name": "王小明", "id_number": "E12345678", "id_type": "护照"}, today=TODAY)
    assert (p.id_type, p.id_number, p.sex) == ("414", "E12345678", None)


def test_to_dict_round_trip() -> None:
    p, _ = make_person({"name": "王小明", "id_number": ID, "phone": "010 6234 5678", "hukou_type": "城镇"},
                       today=TODAY)
    d = p.to_dict()
    assert d["birth_date"] == "1949-12-31" and d["phone"] == "010-62345678"
    assert model.person_from_dict(d) == p


# --- enterprises ------------------------------------------------------------------------------------------

REP = {"name": "李四", "id_number": make_id("440106", date(1975, 6, 1), 11)}


def test_enterprise_with_nested_legal_rep() -> None:
    e, warnings = make_enterprise({"name": "北京某某科技有限公司", "uscc": USCC.lower(), "entity_type": "有限公司",
                                   "legal_rep": REP, "registered_capital": "1,000万元",
                                   "established": "2010/5/4", "phone": "010-62345678"}, today=TODAY)
    assert warnings == []
    assert (e.uscc, e.entity_type, e.registered_capital, e.established) == (USCC, "llc", "1000", date(2010, 5, 4))
    assert e.legal_rep is not None and e.legal_rep.sex == "1" and e.legal_rep.birth_date == date(1975, 6, 1)
    assert model.enterprise_from_dict(e.to_dict()) == e


def test_enterprise_problems_include_the_nested_person() -> None:
    found = problems_of({"uscc": "91110000600037341M", "legal_rep": {"name": "李", "id_number": "123"},
                         "registered_capital": "inf", "established": "2099-01-01", "nmae": "x"}, enterprise=True)
    assert found == {"enterprise.name": "FIELD_REQUIRED", "enterprise.uscc": "USCC_CHECKSUM",
                     "enterprise.legal_rep.name": "NAME_FORMAT", "enterprise.legal_rep.id_number": "ID_LENGTH",
                     "enterprise.registered_capital": "MONEY_FORMAT", "enterprise.established": "DATE_FUTURE",
                     "enterprise.nmae": "FIELD_UNKNOWN"}


def test_legal_rep_must_be_an_object() -> None:
    assert problems_of({"name": "某公司", "uscc": USCC, "legal_rep": "李四"}, enterprise=True) == {
        "enterprise.legal_rep": "FIELD_TYPE"}


def test_whitelisted_enterprise_code() -> None:
    bad = "91110000600037341M"
    e, warnings = make_enterprise({"name": "试点公司", "uscc": bad}, today=TODAY, whitelist=(bad,))
    assert e.uscc == bad and [w.code for w in warnings] == ["USCC_WHITELISTED"]


def test_letter_authority_enterprise() -> None:
    e, _ = make_enterprise({"name": "某村股份经济合作社", "uscc": make_uscc("N2", "110105", "MA01234B")}, today=TODAY)
    assert e.uscc.startswith("N2110105")


# --- field registry, code tables, regions ---------------------------------------------------------------------

def test_field_specs() -> None:
    spec = model.field_spec("person.hukou_type")
    assert spec is not None and (spec.zh, spec.kind, spec.table) == ("户口性质", "code", "hukou_type")
    nested = model.field_spec("enterprise.legal_rep.name")
    assert nested is not None and nested.zh == "法定代表人姓名"
    assert model.field_spec("person.nope") is None
    for f in model.FIELDS.values():
        if f.kind == "code":
            assert f.table in codes.TABLES


def test_code_tables_load_with_sources() -> None:
    for name in codes.TABLES:
        t = codes.table(name)
        assert t.codes and t.source, name
        assert len({c.code for c in t.codes}) == len(t.codes), name
        for c in t.codes:
            assert t.resolve(c.code) == c.code and t.resolve(c.zh) == c.code
    assert len(codes.table("ethnicity").codes) >= 56
    for name in codes.TABLES:  # no spelling may mean two codes of one table
        t = codes.table(name)
        owners: dict[str, set[str]] = {}
        for c in t.codes:
            for spelling in (c.code, c.zh, c.en, *c.aliases):
                owners.setdefault(codes._key(spelling), set()).add(c.code)
        assert all(len(v) == 1 for v in owners.values()), name
    assert codes.table("sex").label("1") == "男"
    with pytest.raises(KeyError):
        codes.table("nope")


def test_region_names() -> None:
    assert regions.full_name("440106") == "广东省广州市天河区"
    assert regions.full_name("110105") == "北京市朝阳区"
    assert regions.full_name("999999") is None
    assert regions.names("440106") == ("广东省", "广州市", "天河区")
    assert regions.names("110105") == ("北京市", "北京市", "朝阳区")
    assert len(regions.all_regions()) > 5000
    retired = [r for r in regions.all_regions().values() if not r.current]
    assert len(retired) > 1000


def test_prefixed_field_names_get_a_hint() -> None:
    with pytest.raises(ValidationError) as ei:
        make_person({"person.name": "王小明", "id_number": ID}, today=TODAY)
    by = {p.field: p for p in ei.value.problems}
    assert by["person.person.name"].code == "FIELD_UNKNOWN" and "Did you mean 'name'?" in by["person.person.name"].en


def test_a_code_keeps_each_name_with_its_years() -> None:
    r = regions.region("120110")
    assert r is not None and r.current and r.created is None and r.retired is None
    assert (r.name(1985), r.name(1992), r.name()) == ("东郊区", "东丽区", "东丽区")
    assert regions.full_name("120110", 1985) == "天津市东郊区"
    from clerkdesk.records.standards import check_id_number
    info, _ = check_id_number(make_id("120110", date(1970, 1, 1), 1), today=TODAY)
    assert info is not None and info.region_name == "天津市东郊区"  # the name in the birth year
