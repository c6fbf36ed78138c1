"""OCR look-alike repair of the numbers printed on documents, proven by their check characters.

Every check digit and alphabet is :mod:`clerkdesk.records.standards`'s (GB 11643 ID numbers, GB 32100
credit codes with the GB 11714 organisation code inside): capture proves with the same rules as
``clerkdesk check``, never a copy. What is capture's own is the repair: :func:`repair_id` /
:func:`repair_uscc` swap look-alike characters (O/0, I/1, Z/2, S/5, B/8, x/X) only when the result
passes every check and exactly one candidate does.
"""

from __future__ import annotations

import itertools
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from clerkdesk.capture.layout import _edit1
from clerkdesk.records.standards import USCC_ALPHABET, id_number_valid, uscc_valid

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
    return _repair(text, 18, _id_allowed, id_number_valid, last_x=True)


def repair_uscc(text: str) -> Repair:
    """Fix look-alikes in an OCR'd credit code only when exactly one fix passes both checks."""
    return _repair(text, 18, _uscc_allowed, uscc_valid, last_x=False)


# --- back-of-card and value-shape rules -------------------------------------------------------------------

def authority_has_digits(text: str) -> bool:
    """签发机关 is a bureau's name (旺苍县公安局, 阜新市公安局新邱分局): it never holds a digit. Digits in it are
    the validity period read on into it (``慈利县公安局035.02.13`` on a phone photo) or a misread character."""
    return any(ch.isdigit() for ch in unicodedata.normalize("NFKC", text))


def label_in_value(text: str, labels: tuple[str, ...]) -> str | None:
    """The first of LABELS whose words stand inside the value TEXT (a neighbouring label read into it, e.g.
    ``有效期限`` after an issuing authority), or None. Labels of four or more characters also match with one
    character misread (``有效期很``). Only labels whose words never occur in a real value belong in LABELS:
    ``民族`` does not (民族路 and 民族北街 are street names)."""
    text = unicodedata.normalize("NFKC", text)
    for lab in labels:
        if lab in text:
            return lab
    for lab in labels:
        n = len(lab)
        if n >= 4 and any(_edit1(text[i : i + n], lab) for i in range(len(text) - n + 1)):
            return lab
    return None
