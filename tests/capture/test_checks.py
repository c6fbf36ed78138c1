"""OCR-confusion repair: corrected only when exactly one candidate passes the records/ checks."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clerkdesk.capture import checks
from clerkdesk.records import addresses
from clerkdesk.records.standards import (
    check_id_number,
    id_number_valid,
    org_code_valid,
    uscc_check_char,
    uscc_valid,
)
from clerkdesk.testing.fake import fake_company, fake_person

VALID_ID = "11010519491231002X"  # GB 11643's own example
VALID_USCC = "91110000600037341L"


def test_known_valid_numbers() -> None:
    assert id_number_valid(VALID_ID)
    assert uscc_valid(VALID_USCC)
    assert org_code_valid("600037341")


def test_uscc_with_bad_org_code_is_not_valid_even_if_mod31_passes() -> None:
    body = "91110000600037342"  # org code check broken (2 instead of 1)
    code = body + uscc_check_char(body)
    assert not org_code_valid(code[8:17])
    assert not uscc_valid(code)
    assert checks.repair_uscc(code).passing == 0


@pytest.mark.parametrize(("seen", "want"), [
    ("11O1O519491231002X", VALID_ID),      # O → 0, twice
    ("1101051949123I002X", VALID_ID),      # I → 1
    ("11010519491231002x", VALID_ID),      # lower-case x is just normalisation
    ("11010519491231002×", VALID_ID),      # multiplication sign for X
    ("１１０１０５１９４９１２３１００２Ｘ", VALID_ID),  # full width
])
def test_id_confusions_corrected_when_checksum_proves_it(seen: str, want: str) -> None:
    rep = checks.repair_id(seen)
    assert rep.valid and rep.value == want


def test_id_confusion_not_corrected_when_checksum_still_fails() -> None:
    seen = "11O10519491231003X"  # O is a look-alike, but the 3 is simply wrong
    rep = checks.repair_id(seen)
    assert not rep.valid and not rep.changed
    assert rep.value == seen


def test_id_wrong_digit_is_never_guessed() -> None:
    rep = checks.repair_id(VALID_ID[:5] + "6" + VALID_ID[6:])
    assert not rep.valid and rep.passing == 0


def test_uscc_confusion_corrected_when_exactly_one_candidate_passes() -> None:
    rep = checks.repair_uscc("911100OO6OOO37341L")  # O is not in the USCC alphabet → only 0
    assert rep.valid and rep.changed and rep.value == VALID_USCC


def test_uscc_b8_ambiguity_is_not_corrected() -> None:
    seen = "9111010588B08BB838"
    rep = checks.repair_uscc(seen)
    assert rep.passing == 2  # two different codes would pass: the OCR cannot choose
    assert not rep.valid and not rep.changed and rep.value == seen


def test_wrong_length_is_reported_not_repaired() -> None:
    assert checks.repair_id(VALID_ID[:-2]).passing == 0
    assert checks.repair_uscc(VALID_USCC + "1").passing == 0


_LOOKALIKE = {"0": "O", "1": "I", "2": "Z", "5": "S", "8": "B"}


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10**6), data=st.data())
def test_property_one_lookalike_in_an_id_is_always_repaired_to_the_truth(seed: int, data: st.DataObject) -> None:
    number = fake_person(random.Random(seed)).id_number
    positions = [i for i, c in enumerate(number[:17]) if c in _LOOKALIKE]
    i = data.draw(st.sampled_from(positions))
    seen = number[:i] + _LOOKALIKE[number[i]] + number[i + 1:]
    rep = checks.repair_id(seen)
    assert rep.valid and rep.changed and rep.value == number


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10**6))
def test_property_repair_never_returns_an_invalid_value_as_valid(seed: int) -> None:
    rng = random.Random(seed)
    code = fake_company(rng).uscc
    i = rng.randrange(18)
    seen = code[:i] + rng.choice("0123456789ABOISZ") + code[i + 1:]
    rep = checks.repair_uscc(seen)
    assert rep.valid == uscc_valid(rep.value)
    if rep.changed:
        assert rep.passing == 1


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10**6))
def test_property_fake_numbers_are_valid(seed: int) -> None:
    rng = random.Random(seed)
    p, c = fake_person(rng), fake_company(rng)
    info, problems = check_id_number(p.id_number, allow_15=False)
    assert problems == [] and info is not None and info.warnings == ()
    assert addresses.existed_in(p.id_number[:6], info.birth_date.year)
    assert uscc_valid(c.uscc)
