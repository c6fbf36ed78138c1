"""National standards: check digits (property + known answers), regions, dates, phones, names."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from checkdigits import USCC_CHARS, gb11714, make_id, make_uscc, mod11_2, mod31
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from clerkdesk.records import regions, standards
from clerkdesk.records.standards import check_id_number, check_phone, check_uscc, parse_date

TODAY = date(2026, 11, 23)
relaxed = settings(deadline=None)  # no per-example deadline: CI machines can be busy
REGIONS = sorted(regions.all_regions().values(), key=lambda r: r.code)


def codes_of(problems: list) -> list[str]:
    return [p.code for p in problems]


# --- strategies -----------------------------------------------------------------------------------

@st.composite
def valid_ids(draw: st.DrawFn) -> str:
    """A valid 18-digit number: a real GB/T 2260 code, a real date the code was not yet retired by."""
    reg = draw(st.sampled_from(REGIONS))
    last_year = min(reg.retired or TODAY.year, TODAY.year)
    birth = draw(st.dates(min_value=date(1900, 1, 1), max_value=min(date(last_year, 12, 31), TODAY)))
    return make_id(reg.code, birth, draw(st.integers(0, 999)))


CURRENT = [r.code for r in REGIONS if r.current]
AUTH_KIND = ["11", "12", "13", "19", "21", "31", "32", "51", "52", "53", "59", "71", "81", "91", "92", "93",
             "A1", "N1", "N2", "N3", "N9", "Y1"]


@st.composite
def valid_usccs(draw: st.DrawFn, numeric_org: bool = False) -> str:
    region = draw(st.sampled_from([*CURRENT, "100000"]))
    alphabet = "0123456789" if numeric_org else USCC_CHARS
    org8 = draw(st.text(alphabet, min_size=8, max_size=8))
    return make_uscc(draw(st.sampled_from(AUTH_KIND)), region, org8)


def substitute(value: str, pos: int, alphabet: str, pick: int) -> str | None:
    others = [c for c in alphabet if c != value[pos]]
    return value[:pos] + others[pick % len(others)] + value[pos + 1:]


def swap(value: str, pos: int) -> str:
    return value[:pos] + value[pos + 1] + value[pos] + value[pos + 2:]


# --- 公民身份号码: properties ---------------------------------------------------------------------------

@relaxed
@given(valid_ids())
def test_valid_generated_ids_pass(number: str) -> None:
    info, problems = check_id_number(number, today=TODAY)
    assert problems == [] and info is not None
    assert info.number == number
    assert info.birth_date == date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    assert info.sex == ("1" if int(number[16]) % 2 else "2")
    assert info.warnings == ()
    assert check_id_number(number.lower(), today=TODAY)[0] == info  # lowercase x is normalised


@relaxed
@given(valid_ids(), st.integers(0, 17), st.integers(0, 20))
def test_any_single_character_change_fails(number: str, pos: int, pick: int) -> None:
    changed = substitute(number, pos, "0123456789X", pick)
    info, problems = check_id_number(changed, today=TODAY)
    assert info is None and problems


@relaxed
@given(valid_ids(), st.integers(0, 16))
def test_any_adjacent_transposition_fails(number: str, pos: int) -> None:
    assume(number[pos] != number[pos + 1])  # swapping equal characters changes nothing
    info, problems = check_id_number(swap(number, pos), today=TODAY)
    assert info is None and problems


@relaxed
@given(st.text("0123456789", min_size=17, max_size=17))
def test_check_digit_agrees_with_independent_mod11_2(body: str) -> None:
    assert standards.id_check_digit(body) == mod11_2(body)


# --- 公民身份号码: known answers -------------------------------------------------------------------------

def test_published_examples_of_gb11643() -> None:
    info, problems = check_id_number("11010519491231002X", today=TODAY)
    assert problems == [] and info is not None
    assert (info.birth_date, info.sex, info.region_code) == (date(1949, 12, 31), "2", "110105")
    assert info.region_name == "北京市朝阳区"
    info, problems = check_id_number("440524188001010014", today=TODAY)  # the standard's second example
    assert problems == [] and info is not None
    assert (info.birth_date, info.sex) == (date(1880, 1, 1), "1")


@pytest.mark.parametrize(("body", "check"), [
    ("11010519491231002", "X"), ("44052418800101001", "4"), ("11010519800101001", mod11_2("11010519800101001")),
    ("00000000000000000", "1"), ("99999999999999999", mod11_2("99999999999999999")),
])
def test_known_check_digits(body: str, check: str) -> None:
    assert mod11_2(body) == check
    assert standards.id_check_digit(body) == check


def test_weights_of_mod11_2_are_the_published_ones() -> None:
    from checkdigits import ID_WEIGHTS
    assert ID_WEIGHTS == [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def test_x_check_digit_upper_and_lower_and_fullwidth() -> None:
    for v in ("11010519491231002X", "11010519491231002x", "１１０１０５１９４９１２３１００２ｘ", " 110105 19491231 002X "):
        info, problems = check_id_number(v, today=TODAY)
        assert problems == [] and info is not None and info.number == "11010519491231002X", v


def test_x_only_as_last_character() -> None:
    _, problems = check_id_number("1101051949123100X2", today=TODAY)
    assert codes_of(problems) == ["ID_CHARSET"]


def test_fifteen_digit_numbers_are_converted() -> None:
    info, problems = check_id_number("110105491231002", today=TODAY)
    assert problems == [] and info is not None
    assert info.number == "11010519491231002X" and info.converted_from_15
    body = "440524" + "19" + "800101" + "001"
    assert standards.convert_15_to_18("440524800101001") == body + mod11_2(body)
    assert codes_of(check_id_number("11010549123100X", today=TODAY)[1]) == ["ID_CHARSET"]


@pytest.mark.parametrize(("value", "code"), [
    ("", "ID_EMPTY"), ("1101051949123100", "ID_LENGTH"), ("11010519491231002X1", "ID_LENGTH"),
    ("11010519491231002Y", "ID_CHARSET"), ("11010519491231002A", "ID_CHARSET"),
    ("110105194912310021", "ID_CHECKSUM"),
])
def test_id_format_errors(value: str, code: str) -> None:
    info, problems = check_id_number(value, today=TODAY)
    assert info is None and code in codes_of(problems)


def test_messages_never_contain_the_number() -> None:
    for v in ("110105194912310021", "999999194912310021", "11010520991231002X"):
        for p in check_id_number(v, today=TODAY)[1]:
            assert v not in p.zh + p.en and v[:6] not in p.zh + p.en


def test_retired_region_code_is_valid_for_a_person_born_before_retirement() -> None:
    r = regions.region("110103")
    assert r is not None and r.name() == "崇文区" and r.retired == 2010 and not r.current
    info, problems = check_id_number(make_id("110103", date(1980, 5, 1), 12), today=TODAY)
    assert problems == [] and info is not None and info.warnings == ()
    assert info.region_name == "北京市崇文区"


def test_region_retired_before_birth_is_a_warning() -> None:
    info, problems = check_id_number(make_id("110103", date(2015, 5, 1), 12), today=TODAY)
    assert problems == [] and info is not None
    assert [(w.code, w.severity) for w in info.warnings] == [("ID_REGION_RETIRED_BEFORE_BIRTH", "warning")]
    # the year it was retired is still fine
    info, _ = check_id_number(make_id("110103", date(2010, 12, 31), 12), today=TODAY)
    assert info is not None and info.warnings == ()


def test_region_created_after_birth_is_fine() -> None:
    r = regions.region("110118")  # 密云区, 2015
    assert r is not None and r.created == 2015
    info, problems = check_id_number(make_id("110118", date(1960, 3, 3), 5), today=TODAY)
    assert problems == [] and info is not None and info.warnings == ()


def test_unknown_region_code() -> None:
    assert regions.region("990101") is None
    _, problems = check_id_number(make_id("990101", date(1980, 1, 1), 1), today=TODAY)
    assert codes_of(problems) == ["ID_REGION_UNKNOWN"]


def test_leap_days() -> None:
    assert check_id_number(make_id("110105", date(2000, 2, 29), 1), today=TODAY)[1] == []
    assert check_id_number(make_id("110105", date(1996, 2, 29), 1), today=TODAY)[1] == []
    body = "110105" + "19000229" + "001"
    assert codes_of(check_id_number(body + mod11_2(body), today=TODAY)[1]) == ["ID_BIRTH_INVALID"]
    body = "110105" + "20230229" + "001"
    assert codes_of(check_id_number(body + mod11_2(body), today=TODAY)[1]) == ["ID_BIRTH_INVALID"]
    # 2100-02-29 does not exist either; 2100 is not reached (it would also be a future date)
    body = "110105" + "21000229" + "001"
    assert codes_of(check_id_number(body + mod11_2(body), today=TODAY)[1]) == ["ID_BIRTH_INVALID"]


def test_birth_dates_in_the_future_and_too_early() -> None:
    tomorrow = TODAY + timedelta(days=1)
    assert codes_of(check_id_number(make_id("110105", tomorrow, 1), today=TODAY)[1]) == ["ID_BIRTH_FUTURE"]
    assert check_id_number(make_id("110105", TODAY, 1), today=TODAY)[1] == []
    assert codes_of(check_id_number(make_id("110105", date(1849, 12, 31), 1), today=TODAY)[1]) == ["ID_BIRTH_RANGE"]
    body = "110105" + "19801301" + "001"
    assert codes_of(check_id_number(body + mod11_2(body), today=TODAY)[1]) == ["ID_BIRTH_INVALID"]


def test_several_problems_at_once() -> None:
    body = "990101" + "19801301" + "001"
    wrong = "0" if mod11_2(body) != "0" else "1"
    assert set(codes_of(check_id_number(body + wrong, today=TODAY)[1])) == {
        "ID_CHECKSUM", "ID_BIRTH_INVALID", "ID_REGION_UNKNOWN"}


# --- 统一社会信用代码 ---------------------------------------------------------------------------------------

@relaxed
@given(valid_usccs())
def test_valid_generated_usccs_pass(code: str) -> None:
    cc, problems = check_uscc(code)
    assert problems == [] and cc is not None and cc.code == code
    assert cc.org_code == code[8:17] and cc.region_code == code[2:8]
    assert check_uscc(code.lower())[0] == cc


@relaxed
@given(valid_usccs(), st.integers(0, 17), st.integers(0, 40))
def test_uscc_any_single_character_change_fails(code: str, pos: int, pick: int) -> None:
    cc, problems = check_uscc(substitute(code, pos, USCC_CHARS, pick))
    assert cc is None and problems


@relaxed
@given(valid_usccs(), st.integers(0, 16))
def test_uscc_any_adjacent_transposition_fails(code: str, pos: int) -> None:
    assume(code[pos] != code[pos + 1])
    cc, problems = check_uscc(swap(code, pos))
    assert cc is None and problems


@relaxed
@given(valid_usccs(numeric_org=True), st.integers(8, 16), st.integers(0, 9))
def test_org_code_single_digit_change_fails_its_own_check(code: str, pos: int, pick: int) -> None:
    """Change one digit of the embedded organisation code and repair the MOD 31 character:
    only the GB 11714 check can notice."""
    body = substitute(code, pos, "0123456789", pick)[:17]
    _, problems = check_uscc(body + mod31(body))
    assert codes_of(problems) == ["USCC_ORG_CHECKSUM"]


@relaxed
@given(valid_usccs(numeric_org=True), st.integers(8, 15))
def test_org_code_adjacent_transposition_fails_its_own_check(code: str, pos: int) -> None:
    assume(code[pos] != code[pos + 1] and code[16] != "X")  # an X moved into the body is a letter (33)
    body = swap(code, pos)[:17]
    _, problems = check_uscc(body + mod31(body))
    assert codes_of(problems) == ["USCC_ORG_CHECKSUM"]


@relaxed
@given(st.text(USCC_CHARS, min_size=17, max_size=17), st.text(USCC_CHARS[:10] + "ABCDEFGHJKLMNPQRTUWXY", min_size=8,
                                                              max_size=8))
def test_check_characters_agree_with_independent_implementations(body: str, org8: str) -> None:
    assert standards.uscc_check_char(body) == mod31(body)
    assert standards.org_check_char(org8) == gb11714(org8)


def test_uscc_published_example() -> None:
    cc, problems = check_uscc("91110000600037341L")
    assert problems == [] and cc is not None
    assert (cc.authority, cc.entity_kind, cc.region_code, cc.region_name, cc.org_code) == (
        "工商（市场监管）", "企业", "110000", "北京市", "600037341")
    assert mod31("91110000600037341") == "L" and gb11714("60003734") == "1"
    assert check_uscc("9111 0000 6000 3734 1L")[0] == cc
    assert check_uscc("91110000-600037341-L")[0] == cc


def test_weights_of_mod31_are_the_published_ones() -> None:
    from checkdigits import USCC_WEIGHTS
    assert USCC_WEIGHTS == [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


@pytest.mark.parametrize("bad", "IOZSV")
def test_uscc_charset(bad: str) -> None:
    code = "91110000600037341L"
    _, problems = check_uscc(code[:10] + bad + code[11:])
    assert codes_of(problems) == ["USCC_CHARSET"]


@pytest.mark.parametrize(("value", "code"), [("", "USCC_EMPTY"), ("9111000060003734", "USCC_LENGTH"),
                                             ("91110000600037341LL", "USCC_LENGTH")])
def test_uscc_format(value: str, code: str) -> None:
    assert codes_of(check_uscc(value)[1]) == [code]


def test_uscc_authority_and_entity_type() -> None:
    good = make_uscc("N2", "110105", "60003734")
    cc, problems = check_uscc(good)
    assert problems == [] and cc is not None and cc.authority == "农业" and cc.entity_kind == "村级集体经济组织"
    cc, problems = check_uscc(make_uscc("Y1", "100000", "60003734"))
    assert problems == [] and cc is not None and cc.authority == "其他" and cc.region_name == "国家级"
    assert codes_of(check_uscc(make_uscc("B1", "110105", "60003734"))[1]) == ["USCC_AUTHORITY"]
    assert codes_of(check_uscc(make_uscc("94", "110105", "60003734"))[1]) == ["USCC_ENTITY_TYPE"]
    assert codes_of(check_uscc(make_uscc("Y2", "110105", "60003734"))[1]) == ["USCC_ENTITY_TYPE"]
    assert codes_of(check_uscc(make_uscc("91", "990000", "60003734"))[1]) == ["USCC_REGION"]
    assert codes_of(check_uscc(make_uscc("91", "11A000", "60003734"))[1]) == ["USCC_REGION"]


def test_uscc_whitelist_accepts_a_pilot_code_with_a_warning() -> None:
    body = "91110000600037341"
    bad = body + ("M" if mod31(body) != "M" else "N")
    assert codes_of(check_uscc(bad)[1]) == ["USCC_CHECKSUM"]
    cc, problems = check_uscc(bad, whitelist=[bad.lower() + " "])
    assert problems == [] and cc is not None and cc.whitelisted
    assert [(w.code, w.severity) for w in cc.warnings] == [("USCC_WHITELISTED", "warning")]
    # the whitelist does not excuse a wrong authority
    other = "B" + bad[1:]
    assert "USCC_AUTHORITY" in codes_of(check_uscc(other, whitelist=[other])[1])


# --- phones ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "expected"), [
    ("13812345678", "13812345678"), ("138 1234 5678", "13812345678"), ("138-1234-5678", "13812345678"),
    ("+86 138 1234 5678", "13812345678"), ("+8613812345678", "13812345678"), ("008613812345678", "13812345678"),
    ("8613812345678", "13812345678"), ("１３８１２３４５６７８", "13812345678"), ("19912345678", "19912345678"),
    ("010-62345678", "010-62345678"), ("01062345678", "010-62345678"), ("(010)62345678", "010-62345678"),
    ("（021）6234 5678", "021-62345678"), ("0755-2345678", "0755-2345678"), ("0755-23456789", "0755-23456789"),
    ("+86 10 6234 5678", "010-62345678"), ("+86-755-2345678", "0755-2345678"),
    ("010-62345678-123", "010-62345678-123"), ("010-62345678转123", "010-62345678-123"),
    ("0755-23456789 ext. 8001", "0755-23456789-8001"), ("021 6234 5678 x12", "021-62345678-12"),
    ("010-62345678#9", "010-62345678-9"),
])
def test_phones_accepted(value: str, expected: str) -> None:
    assert check_phone(value) == (expected, [])


@pytest.mark.parametrize("value", [
    "12345678901", "1381234567", "138123456789", "62345678", "010-6234567", "010-02345678", "0123-4567890",
    "7552345678", "0755-234567", "13812345678转1", "abc", "+1 415 555 0100",
])
def test_phones_rejected(value: str) -> None:
    assert codes_of(check_phone(value)[1]) == ["PHONE_FORMAT"]


def test_phone_empty() -> None:
    assert codes_of(check_phone("  ")[1]) == ["PHONE_EMPTY"]


# --- names --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["阿依古丽·买买提", "阿依古丽•买买提", "阿依古丽・买买提", "阿依古丽.买买提", "阿依古丽．买买提",
                                   "阿依古丽 · 买买提", "阿依古丽･买买提", "阿依古丽‧买买提", "阿依古丽⋅买买提"])
def test_ethnic_names_with_middle_dot_variants(value: str) -> None:
    assert standards.check_name(value) == ("阿依古丽·买买提", [])


@pytest.mark.parametrize(("value", "code"), [
    ("王", "NAME_FORMAT"), ("王 小明", "NAME_SPACE"), ("王\u3000小明", "NAME_SPACE"), ("Wang", "NAME_FORMAT"),
    ("王小明1", "NAME_FORMAT"), ("·王小明", "NAME_FORMAT"), ("王小明·", "NAME_FORMAT"), ("王··明", "NAME_FORMAT"),
    ("", "NAME_EMPTY"), ("王" * 51, "NAME_FORMAT"),
])
def test_names_rejected(value: str, code: str) -> None:
    assert codes_of(standards.check_name(value)[1]) == [code]


def test_names_accepted() -> None:
    for v in ("王小明", " 欧阳娜娜 ", "王〇", "𠮷田"):
        name, problems = standards.check_name(v)
        assert problems == [] and name == v.strip()


# --- dates ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["2026-11-22", "2026/11/22", "2026.11.22", "20261122", "2026年11月22日",
                                   "2026年11月22", "2026-11-22 ", "２０２６－１１－２２"])
def test_dates_in_clerk_forms(value: str) -> None:
    assert parse_date(value) == (date(2026, 11, 22), [])


def test_dates_single_digit_month_and_day() -> None:
    assert parse_date("2026-1-2")[0] == date(2026, 1, 2)
    assert parse_date("2026年1月2日")[0] == date(2026, 1, 2)


@pytest.mark.parametrize(("value", "code"), [
    ("2026-02-30", "DATE_INVALID"), ("1900-02-29", "DATE_INVALID"), ("2026-13-01", "DATE_INVALID"),
    ("20260230", "DATE_INVALID"), ("2026年2月30日", "DATE_INVALID"), ("22/11/2026", "DATE_FORMAT"),
    ("2026-11", "DATE_FORMAT"), ("明天", "DATE_FORMAT"), ("", "DATE_EMPTY"),
])
def test_dates_rejected(value: str, code: str) -> None:
    assert codes_of(parse_date(value, "person.birth_date")[1]) == [code]
    assert all(p.field == "person.birth_date" for p in parse_date(value, "person.birth_date")[1])


def test_leap_day_dates() -> None:
    assert parse_date("2000-02-29")[0] == date(2000, 2, 29)
    assert parse_date("2024年2月29日")[0] == date(2024, 2, 29)


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=date(1000, 1, 1), max_value=date(9999, 12, 31)))
def test_every_real_date_round_trips_in_every_form(d: date) -> None:
    for text in (d.isoformat(), f"{d:%Y/%m/%d}", f"{d:%Y%m%d}", f"{d.year}年{d.month}月{d.day}日"):
        assert parse_date(text) == (d, [])
