"""Real OCR on synthetic SPECIMEN images (fixed seeds): exact fields, turned, photographed, held-out style."""

from __future__ import annotations

import dataclasses
import random
import unicodedata
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from clerkdesk.capture.documents import read_document
from clerkdesk.capture.model import FIELDS, CaptureResult
from clerkdesk.records.standards import id_check_digit, id_number_valid
from clerkdesk.testing.fake import fake_company, fake_person
from clerkdesk.testing.render import MAIN, render_idcard_front, render_license

pytestmark = pytest.mark.ocr


def canon(v: Any) -> Any:
    return None if v is None else unicodedata.normalize("NFKC", str(v)).replace(" ", "")


def assert_exact(result: CaptureResult, truth: dict[str, Any]) -> None:
    got = {k: canon(result.value(k)) for k in FIELDS[result.kind]}
    assert got == {k: canon(v) for k, v in truth.items()}
    assert result.ok, result.problems


def long_term_seed() -> int:
    return next(s for s in range(1000) if fake_person(random.Random(s)).valid_to is None)


@pytest.mark.parametrize("kind", ["idcard-front", "idcard-back", "license"])
def test_clean_documents_read_exactly(read_sample: Callable[..., Any], kind: str) -> None:
    (_, meta), result = read_sample(kind, 101)
    assert_exact(result, meta["truth"])
    assert result.rotation == 0
    for f in result.fields.values():
        assert 0.0 <= f.confidence <= 1.0 and f.box is not None


def test_long_term_validity_is_none_with_a_flag(read_sample: Callable[..., Any]) -> None:
    (_, meta), result = read_sample("idcard-back", long_term_seed())
    assert meta["truth"]["valid_to"] is None
    assert_exact(result, meta["truth"])
    assert "long_term" in result.fields["valid_to"].flags


@pytest.mark.parametrize(("kind", "seed", "options"), [
    ("idcard-front", 202, {"degrade": True, "photo": True, "rotation": 0}),
    ("idcard-front", 203, {"rotation": 90}),
    ("idcard-back", 204, {"degrade": True, "photo": False, "rotation": 180}),
    ("license", 205, {"degrade": True, "photo": True, "rotation": 270}),
])
def test_photographed_and_turned_documents(read_sample: Callable[..., Any], kind: str, seed: int,
                                           options: dict[str, Any]) -> None:
    (_, meta), result = read_sample(kind, seed, **options)
    assert_exact(result, meta["truth"])
    assert result.rotation == (360 - options["rotation"]) % 360
    assert result.image is not None and result.image.shape[1] > result.image.shape[0]


def test_heldout_style_front(read_sample: Callable[..., Any]) -> None:
    (_, meta), result = read_sample("idcard-front", 301, style="heldout")
    assert_exact(result, meta["truth"])


def _front_with_number(seed: int, printed: str) -> np.ndarray:
    person = dataclasses.replace(fake_person(random.Random(seed)), id_number=printed)
    return np.asarray(render_idcard_front(person, MAIN, random.Random(seed)))


def test_lookalikes_in_the_id_number_corrected_because_the_checksum_proves_it() -> None:
    number = fake_person(random.Random(42)).id_number  # 222401194703319456
    printed = number[:1] + "Z" + number[2:16] + "S" + number[17:]  # as a worn card reads: Z for 2, S for 5
    assert not id_number_valid(printed)
    result = read_document(_front_with_number(42, printed), "idcard-front")
    assert result.value("id_number") == number
    assert "corrected" in result.fields["id_number"].flags
    assert [p.code for p in result.problems] == ["id_corrected"]
    assert result.ok  # a proven correction is a warning, not an error


def test_wrong_check_digit_is_reported_not_guessed() -> None:
    number = fake_person(random.Random(43)).id_number
    printed = number[:17] + ("1" if number[17] != "1" else "2")
    result = read_document(_front_with_number(43, printed), "idcard-front")
    assert result.value("id_number") == printed
    assert "ID_CHECKSUM" in {p.code for p in result.problems}  # the records rule, as `clerkdesk check id` says
    assert result.fields["id_number"].confidence <= 0.3
    assert not result.ok


def test_ambiguous_credit_code_is_not_corrected() -> None:
    printed = "9111010588B08BB838"  # fails; two different B/8 swaps would each pass both checks
    company = dataclasses.replace(fake_company(random.Random(5)), uscc=printed)
    result = read_document(np.asarray(render_license(company, MAIN, random.Random(5))), "license")
    assert result.value("uscc") == printed
    assert "uscc_ambiguous" in {p.code for p in result.problems}
    assert not result.ok


def test_a_proven_number_wins_over_a_printed_sex_that_disagrees() -> None:
    """Issue 18: the checksum-proven number carries the sex; the card's reading is kept as a note, not a value."""
    person = fake_person(random.Random(44))
    wrong = dataclasses.replace(person, sex="女" if person.sex == "男" else "男")
    result = read_document(np.asarray(render_idcard_front(wrong, MAIN, random.Random(44))), "idcard-front")
    sex = result.fields["sex"]
    assert sex.value == person.sex and "from_id_number" in sex.flags
    assert sex.note == f"card shows {wrong.sex}"
    assert [(p.code, p.severity) for p in result.problems if p.field == "sex"] == [("sex_from_number", "info")]
    assert result.ok


@pytest.mark.parametrize(("seed", "address"), [
    (3, "宁夏回族自治区银川市兴庆区民族北街272号"),  # read as …兴庆区 before: 民族 taken for the label
    (4, "宁夏回族自治区银川市兴庆区解放西街民族大街12号3栋2单元501室"),  # wraps: 民族 mid-line, a third line under it
])
def test_label_words_inside_a_rendered_address_stay_address(seed: int, address: str) -> None:
    person = fake_person(random.Random(seed))
    body = "640104" + person.id_number[6:17]  # 银川市兴庆区, so the address agrees with the number
    person = dataclasses.replace(person, address=address, id_number=body + id_check_digit(body))
    result = read_document(np.asarray(render_idcard_front(person, MAIN, random.Random(seed))), "idcard-front")
    assert result.value("address") == address
    assert result.value("ethnicity") == person.ethnicity
    assert result.ok and not [p for p in result.problems if p.severity != "info"]


def _receipt_on_a_desk() -> np.ndarray:
    """A desk with a till receipt on it: text, but no ID card."""
    from PIL import Image, ImageDraw

    from clerkdesk.testing.degrade import desk
    from clerkdesk.testing.render import font

    img = Image.fromarray(desk(600, 900, random.Random(3)))
    draw = ImageDraw.Draw(img)
    draw.rectangle((250, 80, 650, 520), fill=(250, 250, 245))
    for i, line in enumerate(("便利店收据", "矿泉水 2.00", "面包 6.50", "合计 8.50", "谢谢惠顾")):
        draw.text((290, 110 + 80 * i), line, fill=(30, 30, 30), font=font(34))
    return np.asarray(img)


@pytest.mark.parametrize("what", ["noise", "receipt on a desk"])
def test_no_card_in_the_image_is_one_clear_problem(what: str) -> None:
    img = (np.random.default_rng(5).integers(0, 255, (500, 800, 3), dtype=np.uint8) if what == "noise"
           else _receipt_on_a_desk())
    result = read_document(img, "idcard-front")
    assert [(p.field, p.code) for p in result.problems] == [("document", "no_document")]
    assert not result.ok and all(f.value is None for f in result.fields.values())


def test_a_stray_digit_in_a_rendered_name_is_flagged_after_a_re_read() -> None:
    person = dataclasses.replace(fake_person(random.Random(46)), name="孔文8")  # what text beside a card leaks
    result = read_document(np.asarray(render_idcard_front(person, MAIN, random.Random(46))), "idcard-front")
    assert result.value("name") == "孔文"
    assert "unexpected_characters" in {p.code for p in result.problems if p.field == "name"}
