"""Where the ID card lies among the text a photo shows, when its outline was not found.

A phone photo of a card on a desk shows the receipts and notes around it too, and their text must never
enter a field (``莫娟`` read on as ``莫娟收据``). When :func:`clerkdesk.capture.preprocess.find_document`
finds no outline (a receipt touching the card merges with it; a shadow hides an edge), the card's own text
gives its frame: the 二代证 front prints its labels in one left column from 姓名 down to 公民身份号码 and the
18-digit number as the right-most text of its last row, so the card spans from a little left of the label
column to a little right of the number, and from a little above 姓名 to a little below the number. Text
outside that frame is dropped before values are assembled. The frame must look like a card (width over
height within the card's proportions, 85.6 × 54 mm, allowing for perspective); otherwise nothing is dropped,
and the value rules (a value ends at a wide gap, ``layout.value_of``) still apply.
"""

from __future__ import annotations

import re
import statistics

from clerkdesk.capture.layout import Token

_NUMBER = re.compile(r"[0-9OISZBXx×]{15,}")
_CARD = 85.6 / 54.0
_MARGIN = 1.5  # label heights around the text


def front_frame(toks: list[Token]) -> tuple[float, float, float, float] | None:
    """(x0, y0, x1, y1) of an ID card front in the tokens' coordinates, or None when its text does not say."""
    column = [t for t in toks if t.label in ("姓名", "性别", "出生", "住址", "公民身份号码")]
    top = next((t for t in toks if t.label in ("姓名", "性别")), None)
    label = next((t for t in toks if t.label == "公民身份号码"), None)
    if top is None or label is None or len(column) < 3:
        return None
    numbers = [t for t in toks if t.label is None and _NUMBER.search(t.text.replace(" ", ""))
               and t.box[0] > label.box[0] and abs(t.cy - label.cy) < 1.5 * max(t.h, label.h)]
    if not numbers:
        return None
    number = max(numbers, key=lambda t: len(t.text))
    # the number may arrive in pieces: its row's text that follows it closely is the number's too
    end = number.box[2]
    for t in sorted((t for t in toks if t.box[0] > number.box[0] and abs(t.cy - number.cy) < 0.5 * number.h),
                    key=lambda t: t.box[0]):
        if t.box[0] - end > 2 * number.h:
            break
        end = max(end, t.box[2])
    h = statistics.median(t.h for t in column)
    x0 = min(t.box[0] for t in column) - _MARGIN * h
    y0 = top.box[1] - _MARGIN * h
    x1 = end + _MARGIN * number.h
    y1 = max(number.box[3], label.box[3]) + _MARGIN * h
    ratio = (x1 - x0) / max(y1 - y0, 1.0)
    if not 0.7 * _CARD <= ratio <= 1.5 * _CARD:
        return None
    return x0, y0, x1, y1


def inside(toks: list[Token], frame: tuple[float, float, float, float]) -> list[Token]:
    """The tokens whose centre lies in FRAME."""
    x0, y0, x1, y1 = frame
    return [t for t in toks if x0 <= (t.box[0] + t.box[2]) / 2 <= x1 and y0 <= t.cy <= y1]
