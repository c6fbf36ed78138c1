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

The back's text says little about where the card ends: its labels (签发机关, 有效期限) stand at the left and
its values end anywhere from the middle to the right edge (a long authority, 巴音郭楞蒙古自治州公安局库尔勒市分局,
runs almost to it). So on the back the card's own edge cuts the rows (:func:`cut_at_edges`): a value row
never reads on across a long straight, mostly vertical edge lying in the blank between two of its texts —
the card's side, or a receipt's (``preprocess.paper_edges``). Text beside the card is then outside the row.
(Until now the title 居民身份证 happened to keep it out, as a label whose column begins right of it; with the
title washed out by glare, ``收据`` beside the card was read on into 签发机关, silently.)
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
    # the top-most of 姓名/性别, not the first in token order: 性别 listed before 姓名 set the frame's top half a
    # row above 性别, and the name row was dropped (bench JPEG q25 front 1050017: name missing)
    top = min((t for t in toks if t.label in ("姓名", "性别")), key=lambda t: t.box[1], default=None)
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
    birth = next((t for t in toks if t.label == "出生"), None)
    if top.label == "性别" and birth is not None and birth.cy > top.cy:
        y0 -= birth.cy - top.cy  # 姓名 not read: its row, one row pitch above 性别, is on the card too
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


Segment = tuple[float, float, float, float]  # x0, y0, x1, y1 with y0 <= y1


def _x_at(seg: Segment, y: float) -> float | None:
    """Where SEG, extended, crosses height Y — only when Y lies within 2.5 segment lengths of it (a card's side
    is an edge where it meets the desk, but hardly where a pale receipt touches it)."""
    x0, y0, x1, y1 = seg
    length = y1 - y0
    if length <= 0 or not y0 - 2.5 * length <= y <= y1 + 2.5 * length:
        return None
    return x0 + (x1 - x0) * (y - y0) / length


def cut_at_edges(toks: list[Token], rows: tuple[str, ...], edges: list[Segment]) -> list[Token]:
    """TOKS without the texts of a label's row (labels in ROWS) that lie beyond a paper edge (EDGES, in the
    tokens' coordinates) crossing a blank between two of the row's texts: they are not on the card."""
    drop: set[int] = set()
    for label in (t for t in toks if t.label in rows):
        h = label.h
        row = sorted((t for t in toks if t.label is None and t.box[0] >= label.box[2] - 0.6 * h
                      and min(t.box[3], label.box[3]) - max(t.box[1], label.box[1]) > 0.3 * min(t.h, h)),
                     key=lambda t: t.box[0])
        if not row:
            continue
        end = row[0].box[2]
        for i, t in enumerate(row[1:], 1):
            # desk text may start right at the card's edge, and OCR boxes are padded: the edge may touch it
            lo, hi = end + 0.2 * h, t.box[0] + 0.5 * h
            if hi > lo and any(x is not None and lo < x < hi for x in (_x_at(e, label.cy) for e in edges)):
                drop.update(id(r) for r in row[i:])
                break
            end = max(end, t.box[2])
    return [t for t in toks if id(t) not in drop]
