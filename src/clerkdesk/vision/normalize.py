"""Text normalisation for matching OCR output against labels and intended values.

OCR of a legacy client returns full-width digits and letters, either colon, stray spaces
between CJK characters and a trailing ``：`` after labels. Both sides of every comparison go
through ``norm`` first; ``label_score`` then allows a little OCR noise (a dropped or misread
character) with a threshold, and ``digits`` compares masked fields by their digits only.
"""

from __future__ import annotations

import re
import unicodedata

_COLONS = ":：∶﹕"
_SPACE_RE = re.compile(r"\s+")
_TRAILING = re.compile(r"[:：∶﹕*＊\s]+$")
_LEADING = re.compile(r"^[*＊\s]+")  # a required-field star before a label

# Characters PP-OCR commonly confuses on screen fonts, mapped to one representative.
_CONFUSABLES = str.maketrans({"〇": "0", "Ｏ": "0", "—": "-", "－": "-", "–": "-", "·": "·", "•": "·"})


def to_halfwidth(text: str) -> str:
    """Full-width ASCII (ＡＢＣ１２３：) and the ideographic space → half-width."""
    out = []
    for ch in text:
        code = ord(ch)
        if code == 0x3000:
            out.append(" ")
        elif 0xFF01 <= code <= 0xFF5E:
            out.append(chr(code - 0xFEE0))
        else:
            out.append(ch)
    return "".join(out)


def norm(text: str) -> str:
    """Canonical form for comparison: NFKC (full-width brackets and letters become ASCII), half-width,
    one colon, no spaces, no leading/trailing star or colon, case folded (OCR reads 保存(S) as 保存(s),
    OK as Ok). Labels, texts, the layout cache and its checks all compare through this one function."""
    t = unicodedata.normalize("NFKC", text or "")
    t = to_halfwidth(t)
    for c in _COLONS:
        t = t.replace(c, ":")
    t = _SPACE_RE.sub("", t)
    t = _LEADING.sub("", t)
    t = _TRAILING.sub("", t)
    return t.casefold()


def norm_value(text: str) -> str:
    """Like ``norm`` for field contents, but keeps a trailing colon (it may be data) and folds
    characters OCR confuses on screen fonts (e.g. the long dash)."""
    t = unicodedata.normalize("NFKC", text or "")
    t = to_halfwidth(t).translate(_CONFUSABLES)
    return _SPACE_RE.sub("", t)


def digits(text: str) -> str:
    """Only the digits (for masked fields such as ``0000-00-00`` dates)."""
    return "".join(ch for ch in to_halfwidth(text) if ch.isdigit())


def levenshtein(a: str, b: str) -> int:
    """Edit distance between A and B (insertions, deletions, substitutions)."""
    if len(a) < len(b):
        a, b = b, a
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def label_score(label: str, ocr_text: str) -> float:
    """How well OCR_TEXT matches LABEL, 0..1, after ``norm`` on both.

    1.0 exact; 0.97 when the box is the label, a colon and more (``姓名:张三`` — the field's text
    merged into the label's box); otherwise 1 − edit distance / length of the longer, so one
    misread character in a 4-character label scores 0.75 and ``地址`` never matches ``户籍地址``.
    """
    a, b = norm(label), norm(ocr_text)
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    if b.startswith(a + ":"):
        return 0.97
    return 1.0 - levenshtein(a, b) / max(len(a), len(b))


DEFAULT_THRESHOLD = 0.75


def matches(label: str, ocr_text: str, threshold: float = DEFAULT_THRESHOLD, exact: bool = False) -> bool:
    """Does OCR_TEXT show LABEL? ``exact`` demands equality after ``norm``."""
    if exact:
        return norm(label) == norm(ocr_text)
    return label_score(label, ocr_text) >= threshold


def same_value(intended: str, seen: str, masked: bool = False) -> bool:
    """Does the field show INTENDED? Masked fields (dates with separators) compare digits only."""
    if masked:
        return digits(intended) == digits(seen) and digits(intended) != ""
    return norm_value(intended) == norm_value(seen)
