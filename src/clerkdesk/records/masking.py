"""Masking personal data where a screen or a list does not need it in full (PIPL: minimum necessary).

One rule for every shell: a person's name keeps its first character and, from three characters on, its last
(张*明, 欧阳**华, 张*); an ID number keeps the region's first four and the last four (1101**********1234).
A list of today's cases needs to tell applicants apart, not to show who they are to a passer-by.
"""

from __future__ import annotations


def mask_name(name: str | None) -> str:
    """张晓明 → 张*明, 张三 → 张*, 阿卜杜拉·买买提 → 阿******提; '' for nothing."""
    s = (name or "").strip()
    if len(s) <= 1:
        return s
    if len(s) == 2:
        return s[0] + "*"
    return s[0] + "*" * (len(s) - 2) + s[-1]


def mask_id(number: str | None) -> str:
    """110105198802141234 → 1101**********1234 (short values are masked but for their last character)."""
    s = (number or "").strip()
    if len(s) < 9:
        return "*" * (len(s) - 1) + s[-1:] if s else ""
    return s[:4] + "*" * (len(s) - 8) + s[-4:]
