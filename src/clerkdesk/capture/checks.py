"""Checksums of the numbers printed on documents, and OCR-confusion repair that needs their proof.

* GB 11643 citizen ID number: 17 digits + MOD 11-2 check character (0-9 or X).
* GB 32100 unified social credit code (USCC): 17 characters + MOD 31 check character,
  with a GB 11714 organisation code (8 characters + MOD 11 check) at positions 9-17.

:func:`repair` swaps look-alike characters (O/0, I/1, Z/2, S/5, B/8, x/X) only
when the result passes every checksum and exactly one candidate does.
"""

from __future__ import annotations

import itertools
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

# Symmetric look-alike pairs the brief allows; anything else is never changed.
_CONFUSIONS: dict[str, str] = {}
for a, b in (("O", "0"), ("I", "1"), ("Z", "2"), ("S", "5"), ("B", "8")):
    _CONFUSIONS.setdefault(a, ""), _CONFUSIONS.setdefault(b, "")
    _CONFUSIONS[a] += b
    _CONFUSIONS[b] += a
# OCR renders of X in the ID check digit.
_X_LIKE = {"x", "×", "χ", "Χ", "乂", "ⅹ", "Ⅹ"}
_MAX_CANDIDATES = 4096


def normalize(text: str) -> str:
    """Full-width → half-width, drop spaces and separators, upper-case."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in text if not ch.isspace() and ch not in "-_.·:：").upper()


def id_check_char(body17: str) -> str:
    total = sum(int(c) * w for c, w in zip(body17, ID_WEIGHTS, strict=True))
    return "10X98765432"[total % 11]


def id_valid(number: str) -> bool:
    """Format, MOD 11-2 check and a real calendar birth date (the region is checked separately)."""
    if len(number) != 18 or not number[:17].isdigit() or id_check_char(number[:17]) != number[17]:
        return False
    try:
        ric.get_birth_date(number)
    except ValidationError:
        return False
    return True


def id_region_known(number: str) -> bool:
    """Was the region code assigned in the birth year (python-stdnum's loc.dat, retired codes included)?"""
    try:
        ric.get_birth_place(number)
    except (ValidationError, ValueError, KeyError):
        return False
    return True


def org_check_char(body8: str) -> str:
    total = sum(USCC_ALPHABET.index(c) * w if c in USCC_ALPHABET else 99 for c, w in zip(body8, ORG_WEIGHTS, strict=True))
    c = 11 - total % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


def org_code_valid(code9: str) -> bool:
    return len(code9) == 9 and all(c in USCC_ALPHABET for c in code9) and org_check_char(code9[:8]) == code9[8]


def uscc_valid(code: str) -> bool:
    """MOD 31 check (python-stdnum) and the embedded GB 11714 organisation code check."""
    return len(code) == 18 and uscc.is_valid(code) and org_code_valid(code[8:17])


def uscc_check_char(body17: str) -> str:
    return uscc.calc_check_digit(body17)


@dataclass(frozen=True)
class Repair:
    """Outcome of :func:`repair`: the value to use, whether it changed, and how many candidates passed."""

    value: str
    valid: bool
    changed: bool
    passing: int  # candidates that pass (0: none, 1: proven, >1: ambiguous)


def _id_allowed(i: int, ch: str) -> bool:
    return ch.isdigit() if i < 17 else (ch.isdigit() or ch == "X")


def _uscc_allowed(i: int, ch: str) -> bool:
    return ch.isdigit() if i < 8 else ch in USCC_ALPHABET


def _candidates(text: str, allowed: Callable[[int, str], bool], last_x: bool) -> list[list[str]]:
    options = []
    for i, ch in enumerate(text):
        opts = [ch, *_CONFUSIONS.get(ch, "")]
        if last_x and i == len(text) - 1 and ch in _X_LIKE:
            opts.append("X")
        options.append([o for o in dict.fromkeys(opts) if allowed(i, o)])
    return options


def _repair(text: str, length: int, allowed: Callable[[int, str], bool], valid: Callable[[str], bool], last_x: bool) -> Repair:
    text = normalize(text)
    if len(text) == length + 1 and last_x and text.endswith("XX"):
        text = text[:-1]
    if len(text) != length:
        return Repair(text, False, False, 0)
    if valid(text):
        return Repair(text, True, False, 1)
    options = _candidates(text, allowed, last_x)
    if any(not o for o in options):
        return Repair(text, False, False, 0)
    count = 1
    for o in options:
        count *= len(o)
    if count > _MAX_CANDIDATES:
        return Repair(text, False, False, 0)
    passing = [c for c in ("".join(p) for p in itertools.product(*options)) if valid(c)]
    if len(passing) == 1:
        return Repair(passing[0], True, passing[0] != text, 1)
    return Repair(text, False, False, len(passing))


def repair_id(text: str) -> Repair:
    """Fix look-alikes in an OCR'd ID number only when exactly one fix passes the MOD 11-2 check."""
    return _repair(text, 18, _id_allowed, id_valid, last_x=True)


def repair_uscc(text: str) -> Repair:
    """Fix look-alikes in an OCR'd credit code only when exactly one fix passes both checks."""
    return _repair(text, 18, _uscc_allowed, uscc_valid, last_x=False)
