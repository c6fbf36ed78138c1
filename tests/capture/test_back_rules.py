"""ID-card back rules and value-shape flags on hand-made OCR boxes (no OCR run).

The phone-photo bench run of issue 18 read the validity period's tail into the issuing authority
(``慈利县公安局035.02.13``) at confidence ≥ 0.95, silently: no doubt line catches that, rules do. Here each rule
is pinned without the engine's variance: digits in 签发机关, a label word read into a value, a value box between
two rows going to the nearer row, and an address whose region names are no GB/T 2260 names.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from clerkdesk.capture.documents import _parse
from clerkdesk.capture.model import CaptureResult
from clerkdesk.records import addresses
from clerkdesk.records.standards import id_check_digit
from clerkdesk.vision.ocr import TextBox

TODAY = dt.date(2026, 1, 1)


def box(text: str, x0: float, y0: float, x1: float, y1: float, score: float = 0.99) -> TextBox:
    return TextBox(text, score, ((x0, y0), (x1, y0), (x1, y1), (x0, y1)))


def codes(r: CaptureResult, field: str) -> list[str]:
    return [p.code for p in r.problems if p.field == field]


def back(*rows: TextBox) -> CaptureResult:
    boxes = [box("中华人民共和国", 300, 60, 700, 110), box("居民身份证", 250, 140, 750, 210), *rows]
    return _parse("idcard-back", np.zeros((600, 950, 3), np.uint8), boxes, TODAY)


AUTHORITY = box("签发机关", 60, 300, 180, 336)
VALIDITY = box("有效期限", 60, 380, 180, 416)


def front(name: str = "孔文", address: str = "广东省深圳市南山区科技园路1号", code: str = "440305") -> CaptureResult:
    body = code + "19711219" + "137"
    boxes = [
        box("姓名", 65, 56, 133, 94), box(name, 163, 53, 244 + 40 * (len(name) - 2), 97),
        box("性别", 66, 129, 132, 166), box("男", 165, 128, 209, 167), box("民族汉", 320, 129, 431, 167),
        box("出生", 67, 203, 133, 240), box("1971年12月19日", 167, 201, 465, 240),
        box("住址", 67, 276, 133, 313), box(address, 170, 276, 170 + 28 * len(address), 312),
        box("公民身份号码", 68, 519, 240, 552), box(body + id_check_digit(body), 283, 517, 702, 554),
    ]
    return _parse("idcard-front", np.zeros((600, 1200, 3), np.uint8), boxes, TODAY)


def test_digits_in_the_issuing_authority_are_flagged() -> None:
    # one box: the validity's tail glued to the bureau's name (no geometry can split it)
    r = back(AUTHORITY, box("慈利县公安局035.02.13", 200, 300, 560, 336),
             VALIDITY, box("2015.02.13-2035.02.13", 200, 380, 560, 416))
    assert "authority_has_digits" in codes(r, "issuing_authority")
    assert (r.value("valid_from"), r.value("valid_to")) == ("2015-02-13", "2035-02-13")


def test_one_misread_character_in_the_authoritys_place_is_fixed_from_the_region_names_and_stays_doubtful() -> None:
    """Independent renderer back 1030001: 旺荟县公安局 for 旺苍县 (0.92, flagged `authority_place_unknown` but
    wrong). 旺苍县 is the only name GB/T 2260 has had one character from 旺荟县: the value is fixed, flagged
    `corrected` and still doubtful (no region code proves it). A slip two names explain (库尔勒巿: 库尔勒市 and
    库尔勒县) is left as read, and a real place is never changed."""
    validity = box("2022.10.28-2032.10.28", 200, 380, 560, 416)
    r = back(AUTHORITY, box("旺荟县公安局", 200, 300, 460, 336), VALIDITY, validity)
    f = r.fields["issuing_authority"]
    assert (f.value, "corrected" in f.flags) == ("旺苍县公安局", True)
    assert codes(r, "issuing_authority") == ["authority_corrected"] and f.confidence <= 0.9
    r = back(AUTHORITY, box("库尔勒巿公安局", 200, 300, 480, 336), VALIDITY, validity)
    assert r.value("issuing_authority") == "库尔勒巿公安局"
    assert codes(r, "issuing_authority") == ["authority_place_unknown"]
    r = back(AUTHORITY, box("旺苍县公安局", 200, 300, 460, 336), VALIDITY, validity)
    assert r.value("issuing_authority") == "旺苍县公安局" and codes(r, "issuing_authority") == []
    assert addresses.snap_place_name("旺荟县") == "旺苍县" and addresses.snap_place_name("乙阳区") is None


def test_a_label_read_into_the_authority_is_flagged_even_misread() -> None:
    for glued in ("慈利县公安局有效期限", "慈利县公安局有效期很"):
        r = back(AUTHORITY, box(glued, 200, 300, 560, 336), box("2015.02.13-2035.02.13", 200, 380, 560, 416))
        assert codes(r, "issuing_authority") == ["label_in_value"], glued


def test_a_label_read_into_the_name_is_flagged_but_street_words_are_not() -> None:
    r = front(name="孔文性别")
    assert "label_in_value" in codes(r, "name")
    r = front(address="宁夏回族自治区银川市兴庆区民族北街272号", code="640104")
    assert r.value("address") == "宁夏回族自治区银川市兴庆区民族北街272号" and r.problems == []


def test_a_value_box_between_two_rows_goes_to_the_nearer_row() -> None:
    # tight rows on a photo: the validity's tail sits a little high, overlapping 签发机关's row, nearer 有效期限's
    tight = box("有效期限", 60, 344, 180, 380)
    r = back(AUTHORITY, box("慈利县公安局", 200, 300, 420, 336),
             tight, box("2015.02.13-2", 200, 344, 420, 380), box("035.02.13", 425, 324, 560, 360))
    assert r.value("issuing_authority") == "慈利县公安局" and codes(r, "issuing_authority") == []
    assert (r.value("valid_from"), r.value("valid_to")) == ("2015-02-13", "2035-02-13")
    assert codes(r, "valid_to") == []


def test_a_label_read_into_a_licence_value_is_flagged() -> None:
    boxes = [box("营业执照", 600, 40, 1000, 120), box("统一社会信用代码", 60, 200, 380, 240),
             box("名称", 60, 300, 140, 340), box("阜新华信科技有限公司", 200, 300, 600, 340),
             box("经营范围", 60, 600, 220, 640), box("技术开发、技术咨询登记机关", 260, 600, 800, 640)]
    r = _parse("license", np.zeros((1130, 1600, 3), np.uint8), boxes, TODAY)
    assert r.value("business_scope") == "技术开发、技术咨询登记机关"
    assert "label_in_value" in codes(r, "business_scope") and "label_in_value" not in codes(r, "name")


def test_an_address_whose_region_names_are_no_gbt2260_names_is_flagged() -> None:
    # a misread county (南由区 for 南山区) in a person who moved: the proven code (北京 110105) cannot snap it
    for misread in ("广东省深圳市南由区科技园路1号", "广东首深圳市南山区科技园路1号", "广东省深训市南山区科技园路1号"):
        r = front(address=misread, code="110105")
        assert "address_region_unknown" in codes(r, "address"), misread
    # a retired name is a name GB/T 2260 has had (崇文区, merged into 东城区 in 2010)
    r = front(address="北京市崇文区某街1号", code="110101")
    assert "address_region_unknown" not in codes(r, "address")


@settings(max_examples=200, deadline=None)
@given(i=st.integers(0, len(addresses.current_counties()) - 1), street=st.sampled_from(
    ["人民路1号", "南市街2号", "民族北街272号", "嘉积镇3号", "东风村4组", "新区大道5号", "幸福巷6号2栋3单元101室"]))
def test_every_real_county_address_is_known(i: int, street: str) -> None:
    county = addresses.current_counties()[i]
    assert addresses.unknown_region_name(addresses.address_prefix(county) + street) is None
