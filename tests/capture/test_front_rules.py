"""ID-card front rules on hand-made OCR boxes (no OCR run): proven fields, region plausibility, layout by geometry.

The boxes follow the 二代证 front as the OCR returns it for a rendered card (tests/capture/test_documents.py and
tests/capture/test_layout_ocr.py read real renders); here each rule is pinned without the engine's variance.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from clerkdesk.capture.documents import _parse
from clerkdesk.capture.model import CaptureResult
from clerkdesk.records.standards import id_check_digit
from clerkdesk.vision.ocr import TextBox

TODAY = dt.date(2026, 1, 1)


def box(text: str, x0: float, y0: float, x1: float, y1: float, score: float = 0.99) -> TextBox:
    return TextBox(text, score, ((x0, y0), (x1, y0), (x1, y1), (x0, y1)))


def number(region: str, birth: str, seq: str = "137") -> str:
    body = region + birth + seq
    return body + id_check_digit(body)


def front(*, born: list[TextBox] | None = None, sex: str = "男", address: list[TextBox] | None = None,
          id_number: str = "", ethnicity_box: TextBox | None = None) -> CaptureResult:
    boxes = [
        box("姓名", 65, 56, 133, 94), box("孔文", 163, 53, 244, 97),
        box("性别", 66, 129, 132, 166), box(sex, 165, 128, 209, 167),
        ethnicity_box or box("民族汉", 320, 129, 431, 167),
        box("出生", 67, 203, 133, 240), *(born if born is not None else [box("1971年12月19日", 167, 201, 465, 240)]),
        box("住址", 67, 276, 133, 313),
        *(address if address is not None else [box("广东省深圳市南山区", 170, 276, 527, 312),
                                               box("科技园路1号", 171, 319, 400, 355)]),
        box("公民身份号码", 68, 519, 240, 552), box(id_number, 283, 517, 702, 554),
    ]
    return _parse("idcard-front", np.zeros((600, 950, 3), np.uint8), boxes, TODAY)


def codes(r: CaptureResult, field: str | None = None) -> list[str]:
    return [p.code for p in r.problems if field is None or p.field == field]


# --- proven fields win -------------------------------------------------------------------------------------

def test_a_misread_birth_date_gives_way_to_the_proven_number() -> None:
    r = front(born=[box("1971年1月12日", 167, 201, 465, 240)], id_number=number("440305", "19711219"))
    f = r.fields["birth_date"]
    assert f.value == "1971-12-19" and "from_id_number" in f.flags and f.note == "card shows 1971-01-12"
    assert codes(r, "birth_date") == ["birth_date_from_number"]
    assert r.ok and all(p.severity == "info" for p in r.problems)


def test_a_birth_date_not_read_at_all_comes_from_the_proven_number() -> None:
    r = front(born=[box("1971年12", 167, 201, 300, 240)], id_number=number("440305", "19711219"))
    assert r.value("birth_date") == "1971-12-19" and r.fields["birth_date"].note.startswith("card shows")
    assert r.ok


def test_an_agreeing_reading_is_confirmed_without_a_note() -> None:
    r = front(id_number=number("440305", "19711219"))
    assert r.value("birth_date") == "1971-12-19" and r.fields["birth_date"].confidence >= 0.99
    assert r.fields["birth_date"].note == "" and r.problems == []


def test_an_unproven_number_does_not_overrule_the_card() -> None:
    bad = number("440305", "19711219")
    bad = bad[:17] + ("1" if bad[17] != "1" else "2")  # wrong check digit: proves nothing
    r = front(born=[box("1971年1月12日", 167, 201, 465, 240)], id_number=bad)
    assert r.value("birth_date") == "1971-01-12" and "ID_CHECKSUM" in codes(r, "id_number")
    assert not r.ok


# --- region plausibility: records/ only --------------------------------------------------------------------

def test_a_region_code_newer_than_the_birth_year_is_normal() -> None:
    # 440305 南山区 exists since 1990 (南头区办事处 1983-1989); numbers are issued decades after birth
    r = front(born=[box("1950年3月1日", 167, 201, 465, 240)], id_number=number("440305", "19500301"))
    assert r.problems == [] and r.ok


def test_a_code_retired_before_the_birth_year_is_a_warning_and_proves_nothing() -> None:
    # 110103 崇文区 was merged into 东城区 in 2010: a child born 2015 cannot have been registered there
    r = front(born=[box("2015年3月1日", 167, 201, 465, 240)], sex="女",
              address=[box("北京市东城区某街1号", 170, 276, 527, 312)], id_number=number("110103", "20150301", "137"))
    assert codes(r, "id_number") == ["ID_REGION_RETIRED_BEFORE_BIRTH"]
    assert codes(r, "sex") == ["sex_mismatch"] and r.value("sex") == "女"  # not proven: the card's reading stays


def test_a_code_never_in_gbt2260_is_an_error() -> None:
    r = front(born=[box("1980年3月1日", 167, 201, 465, 240)], id_number=number("990101", "19800301"))
    assert "ID_REGION_UNKNOWN" in codes(r, "id_number") and not r.ok


# --- layout by geometry ------------------------------------------------------------------------------------

@pytest.mark.parametrize("lines", [
    # 民族 inside one line of the address
    [box("宁夏回族自治区银川市兴庆区民族北街272号", 170, 276, 760, 312)],
    # the line wraps right before 民族: a second line that starts with the label's words
    [box("宁夏回族自治区银川市兴庆区", 170, 276, 600, 312), box("民族北街272号", 171, 319, 420, 355)],
    # and in the middle of a wrapped line, with a third line under it
    [box("宁夏回族自治区银川市兴", 170, 276, 527, 312), box("庆区解放西街民族大街1", 171, 319, 511, 355),
     box("2号3栋2单元501室", 169, 362, 443, 399)],
])
def test_label_words_inside_the_address_are_address(lines: list[TextBox]) -> None:
    r = front(address=lines, id_number=number("640104", "19711219"))
    want = "".join(b.text for b in lines)
    assert r.value("address") == want
    assert r.value("ethnicity") == "汉"


def test_the_ethnicity_label_on_its_row_still_anchors_the_ethnicity() -> None:
    r = front(ethnicity_box=box("民族", 320, 129, 394, 167), address=[box("民族路9号", 170, 276, 420, 312)],
              id_number=number("640104", "19711219"))
    assert r.value("address") == "民族路9号"
    assert r.fields["ethnicity"].value is None  # nothing right of 民族: missing, not the address


def test_overlapping_boxes_of_one_line_do_not_repeat_characters() -> None:
    # the detector returned '1971' and '1年12 月 19 日' for one line, overlapping by one character
    born = [box("1971", 167, 201, 262, 240), box("1年12 月 19 日", 240, 201, 465, 240)]
    r = front(born=born, id_number=number("440305", "19711219"))
    assert r.value("birth_date") == "1971-12-19"
    assert r.fields["birth_date"].note == ""  # read right by itself, not rescued by the number


# --- a field's alphabet ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("printed", "value", "code"), [
    ("民族☑汉", "汉", "unexpected_characters"),  # JPEG q25: a box-like blot before 汉
    ("民族回8812", "回", "unexpected_characters"),  # text beside the card ran into the value
    ("民族漢", "汉", None),  # the same name in its traditional form: one of the 56, not a guess
    ("民族火星", "火星", "ethnicity_unknown"),
])
def test_ethnicity_outside_the_56_names_is_flagged(printed: str, value: str, code: str | None) -> None:
    r = front(ethnicity_box=box(printed, 320, 129, 520, 167), id_number=number("440305", "19711219"))
    assert r.value("ethnicity") == value
    assert codes(r, "ethnicity") == ([code] if code else [])


def test_a_name_with_a_digit_is_flagged_not_silently_stripped() -> None:
    boxes_name = box("孔文8", 163, 53, 270, 97)
    r = _parse("idcard-front", np.zeros((600, 950, 3), np.uint8),
               [box("姓名", 65, 56, 133, 94), boxes_name, box("公民身份号码", 68, 519, 240, 552),
                box(number("440305", "19711219"), 283, 517, 702, 554)], TODAY)
    assert r.value("name") == "孔文" and codes(r, "name") == ["unexpected_characters"]


def test_look_alike_dots_in_an_ethnic_name_are_the_middle_dot() -> None:
    r = _parse("idcard-front", np.zeros((600, 950, 3), np.uint8),
               [box("姓名", 65, 56, 133, 94), box("阿依古丽•买买提", 163, 53, 470, 97)], TODAY)
    assert r.value("name") == "阿依古丽·买买提" and codes(r, "name") == []


def test_an_issuing_authority_must_name_a_real_place() -> None:
    """The back's 签发机关 is named after its place: a misread character (旺荟 for 旺苍) spells no place and is
    flagged — it was a silent error on the independent renderer's set."""
    from clerkdesk.capture.fields import _authority_place_known

    assert _authority_place_known("旺苍县公安局") is True
    assert _authority_place_known("阜新市公安局新邱分局") is True
    assert _authority_place_known("北京市公安局海淀分局") is True
    assert _authority_place_known("临平区公安局") is True  # 2021 code, from the ministry's lists
    assert _authority_place_known("旺荟县公安局") is False
    assert _authority_place_known("出入境管理局") is None


def test_a_slip_in_a_long_county_name_is_fixed_though_the_short_name_is_one_slip_off_too() -> None:
    """Bench miss (degraded front, seed 1010004): 维西傈傈族自治县 for 维西傈僳族自治县 stayed unfixed because the
    first 13 characters are also one slip (傈 for 县) from the county's short name 维西县."""
    from clerkdesk.records import addresses

    read = "云南省迪庆藏族自治州维西傈傈族自治县学府巷730号20栋3单元2503室"
    assert addresses.snap_region_prefix(read, "533423") == "云南省迪庆藏族自治州维西傈僳族自治县学府巷730号20栋3单元2503室"
    assert addresses.snap_region_prefix("云南省迪庆藏族自治州维西县学府巷7号", "533423") is None  # right as read
