"""Button and link texts as component kits render them.

Ant Design puts a space between the two characters of a two-character Chinese button (``提交`` is rendered
``<span>提 交</span>``, its accessible name ``提 交``); Element UI and iView do not; supervisors copy either form
from the page they looked at. A ``text`` or ``role`` + ``name`` locator therefore accepts the Han text with or
without white space between its Han characters, on both sides: ``提交`` finds ``提 交`` and ``提 交`` finds ``提交``.
The driver tries the text as written first, then this spaced form, then (without ``exact``) the contained text,
so that among several buttons the one whose whole name is the wanted text wins over one that merely contains it
(``暂存`` clicks 暂 存, never 暂存记录).
"""

from __future__ import annotations

import itertools
import re

_HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_GAP = re.compile(rf"(?<=[{_HAN}])[ \t\u00a0\u3000]+(?=[{_HAN}])")
_IS_HAN = re.compile(rf"[{_HAN}]")


def unspaced(text: str) -> str:
    """TEXT without the white space between two Han characters (``提 交`` → ``提交``; ``OK 提交`` unchanged)."""
    return _GAP.sub("", text)


def spaced_pattern(text: str) -> re.Pattern[str] | None:
    """A pattern for the whole TEXT (trimmed) with any white space, or none, between adjacent Han characters —
    the form a kit may render it in. None when TEXT has no two adjacent Han characters (nothing to space)."""
    core = unspaced(text.strip())
    if not any(_IS_HAN.match(a) and _IS_HAN.match(b) for a, b in itertools.pairwise(core)):
        return None
    out = []
    for i, ch in enumerate(core):
        out.append(re.escape(ch))
        if i + 1 < len(core) and _IS_HAN.match(ch) and _IS_HAN.match(core[i + 1]):
            out.append(r"\s*")
    return re.compile(r"^\s*" + "".join(out) + r"\s*$")
