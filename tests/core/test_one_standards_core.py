"""One standards core: capture proves numbers with records/ rules, and those rules match the standards' examples.

Issue 16 found two copies that disagreed: capture mapped an organisation code's letters by their position in
the USCC alphabet, records by GB 11714's A=10 … Z=35, so 426 of 500 generated licences passed capture's check
and failed ``records.check_uscc``. Capture now calls records/; these tests pin the mapping to real codes.
"""

from __future__ import annotations

import random
from datetime import date

import pytest
from checkdigits import USCC_CHARS, gb11714, make_uscc, mod31
from hypothesis import given, settings
from hypothesis import strategies as st

from clerkdesk.capture import checks
from clerkdesk.records.standards import (
    USCC_ALPHABET,
    USCC_WEIGHTS,
    check_id_number,
    check_uscc,
    id_check_digit,
    id_number_valid,
    org_char_value,
    org_check_char,
    uscc_check_char,
    uscc_valid,
)
from clerkdesk.testing.fake import fake_company, fake_person

# GB 32100-2015's worked example (the standard computes C18 = 3 for 91350100M000100Y4) and real codes as
# published on licences and in registers. The eight with letters from J on in the organisation code
# (M, N, R, U, W, J, K …) are the ones that tell the two mappings apart: each passes only with GB 11714's
# A=10 … Z=35, never with the letter's position in the USCC alphabet.
PUBLISHED_USCC = [
    "91350100M000100Y43",  # GB 32100-2015 worked example
    "91110000600037341L", "91110105771583283D", "91110000802100433B", "91110108740084270C", "112302070019030687",
    "91110108735106340Y", "911101077776591113", "51610700305332460K", "91440300359143307G", "1134082855783407XL",
    "91110228397176695A", "91110111567495091J", "51100000500019541K", "11330283002982634F", "91510000779827684C",
    "1142092201131905X1", "91440300311906854A", "913101135696449862", "11991000010647510A", "91110113766754543Y",
    "121526004609138637", "91330200750364874C", "91110108551385082Q", "91440300708461136T",
    # letters from J on inside the organisation code:
    "11610923MB2900168E", "91341000MA2N0ABGXX", "92510100MA61WJ3204", "52610500MJU60350X1", "51140200MJ1693047P",
    "91460600MA5RC30P9Y", "52440111MJK9980480", "52120000MJ0529018E",
]


def _uscc_index_org_check(first8: str) -> str:
    """The mapping capture used to have (position in the USCC alphabet): kept here only to prove it wrong."""
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(first8, (3, 7, 9, 10, 5, 8, 4, 2), strict=True))
    c = 11 - total % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


def test_the_standards_worked_examples() -> None:
    assert uscc_check_char("91350100M000100Y4") == "3"  # GB 32100-2015: sum 1640, MOD 31 = 28, 31 - 28 = 3
    assert id_check_digit("11010519491231002") == "X"  # GB 11643-1999's example number
    assert org_char_value("A") == 10 and org_char_value("J") == 19 and org_char_value("Z") == 35
    with pytest.raises(ValueError):
        org_char_value("a")


def test_gb32100_worked_example_step_by_step() -> None:
    """GB 32100-2015's own worked example, step by step: table 1 gives each character its value (M = 21 and
    Y = 30: the position in the code character set, which skips I, O, Z, S, V), table 2 the weights
    MOD(3^(i-1), 31); sum 1640, MOD 31 = 28, C18 = 31 - 28 = 3."""
    body = "91350100M000100Y4"
    values = [USCC_ALPHABET.index(c) for c in body]
    assert values == [9, 1, 3, 5, 0, 1, 0, 0, 21, 0, 0, 0, 1, 0, 0, 30, 4]  # the standard's first step
    assert list(USCC_WEIGHTS) == [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]  # table 2
    products = [v * w for v, w in zip(values, USCC_WEIGHTS, strict=True)]
    assert products == [9, 3, 27, 135, 0, 26, 0, 0, 420, 0, 0, 0, 8, 0, 0, 900, 112]  # its third step
    assert sum(products) == 1640 and 31 - sum(products) % 31 == 3 and uscc_check_char(body) == "3"
    # table 1's letters, J = 18 … Y = 30, as the standard lists them
    assert {c: USCC_ALPHABET.index(c) for c in "HJKLMNPQRTUWXY"} == {
        "H": 17, "J": 18, "K": 19, "L": 20, "M": 21, "N": 22, "P": 23, "Q": 24, "R": 25, "T": 26, "U": 27,
        "W": 28, "X": 29, "Y": 30}
    assert not uscc_valid(body + "Z")  # the example's wrong 18th character


@pytest.mark.parametrize("code", PUBLISHED_USCC)
def test_published_codes_pass_records_and_capture(code: str) -> None:
    _, problems = check_uscc(code)
    # 11991000…: a registration region outside GB/T 2260 (an authority's own code) — a region rule, not a check
    assert [p.code for p in problems] in ([], ["USCC_REGION"])
    assert uscc_valid(code)
    rep = checks.repair_uscc(code)
    assert rep.valid and not rep.changed and rep.value == code


def test_only_gb11714_letter_values_explain_the_published_codes() -> None:
    lettered = [c for c in PUBLISHED_USCC if any(ch in "JKLMNPQRTUWXY" for ch in c[8:16])]
    assert len(lettered) >= 8
    assert all(org_check_char(c[8:16]) == c[16] for c in lettered)
    wrong = [c for c in lettered if _uscc_index_org_check(c[8:16]) != c[16]]
    assert len(wrong) >= 7  # the old mapping rejects nearly all real codes with such letters


@settings(max_examples=300, deadline=None)
@given(org8=st.text(USCC_CHARS, min_size=8, max_size=8), kind=st.sampled_from(["91", "92", "93", "11", "51", "N2"]))
def test_capture_and_records_agree_on_any_generated_code(org8: str, kind: str) -> None:
    code = make_uscc(kind, "110105", org8)  # tests/core/checkdigits.py: written from the standards' text
    assert org_check_char(org8) == gb11714(org8) and uscc_check_char(code[:17]) == mod31(code[:17])
    info, problems = check_uscc(code)
    assert problems == [] and info is not None
    rep = checks.repair_uscc(code)
    assert rep.valid and rep.value == code
    broken = code[:16] + next(c for c in "0123456789X" if c != code[16])  # wrong organisation-code check
    broken = broken[:17] + uscc_check_char(broken[:17])  # … with a right MOD 31: only GB 11714 can catch it
    assert not uscc_valid(broken) and check_uscc(broken)[1]
    assert checks.repair_uscc(broken).value != code or not checks.repair_uscc(broken).valid


@settings(max_examples=200, deadline=None)
@given(seed=st.integers(0, 10**9))
def test_the_generator_capture_and_records_agree(seed: int) -> None:
    rng = random.Random(seed)
    person, company = fake_person(rng), fake_company(rng)
    info, problems = check_id_number(person.id_number, today=date(2026, 1, 1), allow_15=False)
    assert problems == [] and info is not None and info.warnings == ()
    assert checks.repair_id(person.id_number).valid and id_number_valid(person.id_number)
    assert check_uscc(company.uscc)[1] == [] and checks.repair_uscc(company.uscc).valid


def test_a_15_character_read_of_a_card_is_a_length_error_not_an_old_number() -> None:
    assert check_id_number("110105491231002")[0] is not None  # typed: an old 15-digit number is converted
    info, problems = check_id_number("110105491231002", allow_15=False)
    assert info is None and [p.code for p in problems] == ["ID_LENGTH"]
