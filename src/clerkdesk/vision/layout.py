"""Find fields, buttons and pictures on a screenshot: the desktop meaning of a ``Locator``.

* ``label`` → the OCR box whose text matches the label (``normalize.label_score`` ≥ threshold;
  ``within`` and ``nth`` pick among several) → the input box beside it, found by image analysis:
  the nearest bordered rectangle to the right on the label's line, else the nearest one just
  below the label. ``offset`` replaces the search with an explicit (dx, dy) from the label box's
  centre (100 % scale pixels, multiplied by the UI scale).
* ``text`` → a button, menu entry or tab by its OCR text (also inside a longer OCR box, e.g. a
  menu bar read as one line: the point is interpolated from the character position).
* ``image`` → a template picture (OpenCV ``matchTemplate``, tried at the UI scale and around it).

All coordinates here are image pixels of the given screenshot; the driver maps them to the screen.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from clerkdesk.vision.normalize import DEFAULT_THRESHOLD, label_score, norm
from clerkdesk.vision.ocr import TextBox
from clerkdesk.vision.screen import Rect

_CJK_FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simsun.ttc",
)


def box_rect(b: TextBox) -> Rect:
    x0, y0, x1, y1 = b.bbox
    return Rect(x0, y0, x1 + 1, y1 + 1)


@dataclass
class Match:
    """A located thing: the anchor box (label/text), the target rectangle and the point to click."""

    anchor: Rect | None
    target: Rect
    point: tuple[int, int]
    how: str
    text: str = ""
    kind: str = "input"  # input | text | image | offset
    extra: dict[str, object] = field(default_factory=dict)


class NotFound(Exception):
    """A locator did not resolve; ``tried`` lists what was attempted."""

    def __init__(self, message: str, tried: list[str]):
        self.tried = tried
        super().__init__(message)


def parse_within(within: str | None, width: int, height: int) -> Rect | None:
    """``"x0,y0,x1,y1"`` as fractions of the window (0..1) → a Rect in image pixels."""
    if not within:
        return None
    try:
        fx0, fy0, fx1, fy1 = (float(v) for v in within.split(","))
    except ValueError as e:
        raise NotFound(f"bad within {within!r}: expected four fractions x0,y0,x1,y1 of the window", []) from e
    if not (0 <= fx0 < fx1 <= 1 and 0 <= fy0 < fy1 <= 1):
        raise NotFound(f"bad within {within!r}: fractions must satisfy 0 ≤ x0 < x1 ≤ 1 and 0 ≤ y0 < y1 ≤ 1", [])
    return Rect(int(fx0 * width), int(fy0 * height), int(np.ceil(fx1 * width)), int(np.ceil(fy1 * height)))


def find_label(boxes: list[TextBox], label: str, *, threshold: float = DEFAULT_THRESHOLD, exact: bool = False,
               within: Rect | None = None, nth: int | None = None) -> tuple[TextBox, float]:
    """The OCR box showing LABEL (see module docstring). Raises ``NotFound`` with the near misses.

    A label wrapped over two lines (``公民身份`` / ``证件号码``) matches as one box spanning both lines,
    when the first line is the label's beginning and the second line continues it directly below."""
    scored: list[tuple[float, TextBox]] = []
    for b in with_wrapped(boxes, label):
        # the same text twice at the same place (a joined label kept by the cache beside its lines) is one
        if any(norm(b.text) == norm(o.text) and _same_place(b, o) for _, o in scored):
            continue
        scored.append((label_score(label, b.text), b))
    if within is not None:
        scored = [(s, b) for s, b in scored if within.contains(*b.center)]
    if exact:
        cands = [(s, b) for s, b in scored if norm(b.text) == norm(label)]
    else:
        cands = [(s, b) for s, b in scored if s >= threshold]
    tried = [f"OCR label {label!r} (normalised {norm(label)!r}, threshold {threshold:.2f}"
             + (f", within {within.as_list()}" if within else "") + ")"]
    if not cands:
        near = sorted(scored, key=lambda sb: -sb[0])[:3]
        hint = ", ".join(f"{b.text!r} ({s:.2f}) at {list(b.bbox)}" for s, b in near if s > 0.3)
        tried.append("nearest OCR texts: " + (hint or "none"))
        raise NotFound(f"no text matching label {label!r} on the screen", tried)
    if nth is not None:
        if not 0 <= nth < len(cands):
            raise NotFound(f"label {label!r} has {len(cands)} matches, nth={nth} is out of range", tried)
        s, b = cands[nth]  # cands keep the boxes' reading order
        return b, s
    best = max(s for s, _ in cands)
    top = [(s, b) for s, b in cands if s >= best - 1e-6]
    if len(top) > 1:
        where = "; ".join(f"{b.text!r} at {list(b.bbox)}" for _, b in top)
        tried.append(f"{len(top)} equally good matches: {where}")
        raise NotFound(f"label {label!r} is ambiguous: {len(top)} matches; add nth or within", tried)
    return top[0][1], top[0][0]


def _same_place(a: TextBox, b: TextBox, tol: float = 3.0) -> bool:
    return all(abs(p - q) <= tol for p, q in zip(a.bbox, b.bbox, strict=True))


def with_wrapped(boxes: list[TextBox], label: str) -> list[TextBox]:
    """BOXES, with each pair of lines that together spell LABEL's beginning (a label wrapped over two
    lines) replaced by one box spanning both, in reading order. Only a first line that is a proper
    prefix of LABEL (and does not end with a colon: a colon ends a label) is joined."""
    want = norm(label)
    out: list[TextBox] = []
    used: set[int] = set()
    for i, b in enumerate(boxes):
        if i in used:
            continue
        g = norm(b.text)
        if g and len(g) < len(want) and want.startswith(g) and not b.text.rstrip().endswith(tuple(":：∶﹕")):
            r = box_rect(b)
            for j, c in enumerate(boxes):
                if j == i or j in used:
                    continue
                q = box_rect(c)
                if (-0.5 * r.height <= q.y0 - r.y1 <= 0.8 * r.height and 0.6 <= q.height / max(1, r.height) <= 1.6
                        and (abs(q.x0 - r.x0) <= r.height or abs(q.center[0] - r.center[0]) <= r.height)):
                    joined = b.text + c.text
                    if label_score(label, joined) > label_score(label, b.text):
                        u = Rect(min(r.x0, q.x0), r.y0, max(r.x1, q.x1), q.y1)
                        out.append(TextBox(joined, min(b.score, c.score),
                                           ((u.x0, u.y0), (u.x1 - 1, u.y0), (u.x1 - 1, u.y1 - 1), (u.x0, u.y1 - 1))))
                        used.add(j)
                        break
            else:
                out.append(b)
            continue
        out.append(b)
    return out


# --- input boxes by image analysis ------------------------------------------------------------------------


def _rects(gray: np.ndarray, min_h: int, max_h: int) -> list[Rect]:
    """Bordered rectangles (input boxes, combo boxes) in GRAY, as near-rectangular contours."""
    import cv2

    edges = cv2.Canny(gray, 20, 60)
    edges = cv2.morphologyEx(edges, cv2.MORPH_CLOSE, np.ones((3, 3), np.uint8))
    contours, _ = cv2.findContours(edges, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    out = []
    for c in contours:
        x, y, w, h = cv2.boundingRect(c)
        if not (min_h <= h <= max_h) or w < 2 * h:
            continue
        # a box border's contour fills its bounding rectangle; a run of text does not
        if cv2.contourArea(c) < 0.8 * w * h:
            continue
        # and its four sides are straight lines (text touching a box — a label 1–3 px from it — makes
        # a contour around both, whose left side is glyphs, not a border)
        if not _closed_border(edges, x, y, w, h):
            continue
        out.append(Rect(x, y, x + w, y + h))
    return _dedupe(out)


def _dedupe(rects: list[Rect]) -> list[Rect]:
    """Canny gives the outer and inner edge of each border: keep the outer of nested near-twins."""
    rects = sorted(rects, key=lambda r: -(r.width * r.height))
    keep: list[Rect] = []
    for r in rects:
        if any(abs(r.x0 - k.x0) <= 4 and abs(r.y0 - k.y0) <= 4 and abs(r.x1 - k.x1) <= 4 and abs(r.y1 - k.y1) <= 4
               for k in keep):
            continue
        keep.append(r)
    return keep


UNIT_SUFFIXES = frozenset("年月日时分秒")  # a spin box group's labels follow their boxes: [1990]年 [1]月 [1]日


class AmbiguousInput(NotFound):
    """Two input boxes are equally plausible for one label: ``candidates`` are both (drawn as evidence)."""

    def __init__(self, message: str, tried: list[str], candidates: list[Rect]):
        super().__init__(message, tried)
        self.candidates = candidates


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0))


def find_input(image: np.ndarray, anchor: Rect, *, others: list[Rect] | None = None, text: str = "",
               text_h: int | None = None, max_gap: int | None = None) -> tuple[Rect, str]:
    """The input box belonging to the label at ANCHOR (image pixels). Raises ``NotFound``, or
    ``AmbiguousInput`` when two boxes are equally plausible (never a guess).

    Rules (docs/desktop.md, "How the driver finds a field"):

    * Tolerances scale with the text height TEXT_H (default: the anchor's height): a box may start
      up to ~⅓ of a character *before* the label's right edge (OCR boxes are a pixel or two wider or
      narrower from one read to the next, and some clients draw the box 1–3 px from the label).
    * A box on the label's row (the label's centre inside the box's height) wins over one below it.
      A box that only grazes the row (the centre within the tolerance of its edge) against a box
      below is ambiguous.
    * Unit labels of spin-box groups (年, 月, 日, 时, 分, 秒) take the box just left of them.
    * Below: the nearest box under the label that overlaps it horizontally (labels above their
      fields); a continuation line of a wrapped label directly under it is part of the label.
    * Never further than the next label: a box with another OCR text (OTHERS) between it and the
      label (on the row, or in the column below) is not this label's box. Texts inside a box are
      its contents and do not count.
    * Tall boxes (multi-line text areas) are accepted; a frame that contains other boxes (a group
      box) or the label itself is not an input.
    """
    import cv2

    h_img, w_img = image.shape[:2]
    th = max(8, text_h or anchor.height)
    tol = max(2, round(th * 0.35))
    gap = max_gap if max_gap is not None else max(120, 12 * th)
    cy = (anchor.y0 + anchor.y1) / 2
    others = [o for o in (others or []) if not (abs(o.x0 - anchor.x0) <= 1 and abs(o.y0 - anchor.y0) <= 1
                                                 and abs(o.x1 - anchor.x1) <= 1 and abs(o.y1 - anchor.y1) <= 1)]
    region = Rect(max(0, anchor.x0 - 8 * th), max(0, int(cy - 3 * th) - 4), w_img,
                  min(h_img, anchor.y1 + 14 * th)).clip(Rect(0, 0, w_img, h_img))
    if region.empty:
        raise NotFound("no room for an input box beside the label", [])
    gray = cv2.cvtColor(image[region.y0:region.y1, region.x0:region.x1], cv2.COLOR_RGB2GRAY)
    rects = [r.shift(region.x0, region.y0) for r in _rects(gray, int(th * 0.75), int(th * 8) + 6)]
    # a frame around other boxes (a group box: taller than what it holds) or around the label is not an input
    rects = [r for r in rects if not r.contains(*anchor.center)
             and not any(k is not r and r.x0 <= k.x0 and r.y0 <= k.y0 and r.x1 >= k.x1 and r.y1 >= k.y1
                         and r.height > k.height + th for k in rects)]
    # a box drawn inside a box of about its height (a spin box's entry part, a sunken inner border) is the same
    # widget: keep the outer one
    rects = [k for k in rects if not any(r is not k and r.x0 <= k.x0 and r.y0 <= k.y0 and r.x1 >= k.x1
                                         and r.y1 >= k.y1 for r in rects)]

    # a bordered box with a centred caption is a button or a tab, not an input
    rects = [r for r in rects if not any(r.contains(*o.center) and is_caption(r, o) for o in others)]

    def in_a_box(o: Rect) -> bool:
        return any(r.contains(*o.center) for r in rects)

    # continuation lines of a wrapped label (directly under it, left-aligned, not a box's contents)
    label_area = anchor
    for o in sorted(others, key=lambda o: o.y0):
        if o.y0 < label_area.y0 or o.height > 1.5 * th or in_a_box(o):
            continue
        if -th <= o.y0 - label_area.y1 <= 0.6 * th and abs(o.x0 - label_area.x0) <= th \
                and label_area.height < 2.5 * th:
            label_area = Rect(min(label_area.x0, o.x0), label_area.y0, max(label_area.x1, o.x1), o.y1)
    others = [o for o in others if not (label_area.contains(*o.center) and o.y0 >= anchor.y0)]

    def inside(o: Rect, r: Rect) -> bool:
        return r.x0 - tol <= o.center[0] <= r.x1 + tol and r.y0 - tol <= o.center[1] <= r.y1 + tol

    def blocked_row(r: Rect) -> bool:
        lo, hi = anchor.x1 - tol, r.x0 + tol
        return any(o.x0 >= lo and o.x1 <= hi and _overlap(o.y0, o.y1, anchor.y0, anchor.y1) > 0.5 * o.height
                   and not inside(o, r) for o in others)

    def blocked_below(r: Rect) -> bool:
        return any(o.y0 >= label_area.y1 - tol and o.y1 <= r.y0 + tol and _overlap(o.x0, o.x1, r.x0, r.x1) > 0
                   and not inside(o, r) for o in others)

    tried: list[str] = []
    solid, graze, left, below = [], [], [], []
    for r in rects:
        if r.x0 >= anchor.x1 - tol and r.x0 - anchor.x1 <= gap and r.y0 - tol <= cy <= r.y1 + tol:
            if blocked_row(r):
                tried.append(f"box {r.as_list()} right of the label: another text lies between them")
                continue
            (solid if r.y0 + 2 <= cy <= r.y1 - 2 else graze).append(r)
        elif (r.x0 < anchor.x0 and r.x1 <= anchor.center[0] and anchor.center[0] - r.x1 <= 1.5 * th
              and r.y0 + 2 <= cy <= r.y1 - 2):
            left.append(r)  # only used for unit labels (年/月/日), whose OCR box may overlap the box's arrows
        elif (r.y0 >= label_area.y1 - tol and r.y0 - label_area.y1 <= 5 * th
              and r.x0 <= label_area.x1 and r.x1 >= label_area.x0):
            if blocked_below(r):
                tried.append(f"box {r.as_list()} below the label: another text lies between them")
                continue
            below.append(r)

    def nearest(rs: list[Rect], key: object, dist: object, side: str) -> tuple[Rect, str]:
        rs = sorted(rs, key=key)  # type: ignore[arg-type]
        if len(rs) > 1 and abs(dist(rs[1]) - dist(rs[0])) <= tol:  # type: ignore[operator]
            raise AmbiguousInput(f"two input boxes {side} of the label are equally near: {rs[0].as_list()} and "
                                 f"{rs[1].as_list()} (add offset: [dx, dy])", tried, rs[:2])
        return rs[0], side

    norm_text = text.strip().rstrip(":：∶﹕")
    if norm_text in UNIT_SUFFIXES and left:
        return max(left, key=lambda r: (r.x1, r.width)), "left"
    if solid:
        # on the row: the nearest to the right; two stacked boxes both on the row are ambiguous
        first = min(r.x0 for r in solid)
        near = [r for r in solid if r.x0 - first <= tol]
        if len(near) > 1 and len({r.y0 for r in near}) > 1 and not any(
                r.y0 + 2 <= cy <= r.y1 - 2 and abs(((r.y0 + r.y1) / 2) - cy) < th / 2 for r in near):
            raise AmbiguousInput(f"two input boxes right of the label: {near[0].as_list()} and "
                                 f"{near[1].as_list()} (add offset: [dx, dy])", tried, near[:2])
        return min(near, key=lambda r: (abs((r.y0 + r.y1) / 2 - cy), -r.width)), "right"
    if graze and below:
        g, _ = nearest(graze, lambda r: r.x0, lambda r: r.x0, "right")
        b, _ = nearest(below, lambda r: r.y0, lambda r: r.y0, "below")
        raise AmbiguousInput(f"the box {g.as_list()} only touches the label's row and the box {b.as_list()} lies "
                             "below it: both are plausible (add offset: [dx, dy])", tried, [g, b])
    if graze:
        return nearest(graze, lambda r: r.x0, lambda r: r.x0, "right")
    if below:
        top = min(r.y0 for r in below)
        row = [r for r in below if r.y0 - top <= tol]
        return nearest(row, lambda r: abs(r.x0 - label_area.x0), lambda r: abs(r.x0 - label_area.x0), "below")
    tried.append(f"no bordered input box right of, left of (年/月/日) or below the label at {anchor.as_list()}")
    raise NotFound("no input box beside the label", tried)


def input_beside(image: np.ndarray, anchor: Rect, *, max_gap: int | None = None, others: list[Rect] | None = None,
                 text: str = "", text_h: int | None = None) -> tuple[Rect, str] | None:
    """``find_input`` for callers that only want a box or None (the probe, ``read``): an ambiguous
    association is None here too — never a guess."""
    try:
        return find_input(image, anchor, others=others, text=text, text_h=text_h, max_gap=max_gap)
    except NotFound:
        return None


def input_rects(image: np.ndarray, text_h: int) -> list[Rect]:
    """Every bordered input-like box (input, drop-down, spin box, text area, button) in IMAGE."""
    import cv2

    gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    th = max(8, text_h)
    return _rects(gray, int(th * 0.75), int(th * 8) + 6)


def is_content(holder: Rect, text: Rect) -> bool:
    """Is TEXT, inside the bordered box HOLDER, a field's contents (left-aligned, as in input and
    drop-down boxes) rather than a button's caption (centred)? One rule for the probe and the cache."""
    left, right = text.x0 - holder.x0, holder.x1 - text.x1
    return left < max(12, holder.height) and right > left + 12


def is_caption(holder: Rect, text: Rect) -> bool:
    """Is TEXT centred in the bordered box HOLDER, with a margin (a button's or a tab's caption)? A field's
    contents start at its left edge, also when they fill the box."""
    left, right = text.x0 - holder.x0, holder.x1 - text.x1
    return left > max(6, holder.height // 4) and abs(left - right) <= max(8, holder.width // 5)


def contents_of_inputs(image: np.ndarray, boxes: list[TextBox]) -> set[int]:
    """Indices of the OCR BOXES that sit inside an input box (field contents: citizen data, never a
    locator, never cached). Button captions (centred in their box) are not contents."""
    if not boxes:
        return set()
    th = int(np.median([box_rect(b).height for b in boxes]))
    rects = input_rects(image, max(8, int(th * 0.8)))
    out: set[int] = set()
    for i, b in enumerate(boxes):
        r = box_rect(b)
        cx, cy = r.center
        holders = [h for h in rects if h.x0 - 4 <= r.x0 and h.contains(cx, cy) and h.width > r.width * 0.9]
        if any(is_content(h, r) for h in holders):
            out.add(i)
    return out


def split_at_inputs(image: np.ndarray, boxes: list[TextBox], engine: object | None = None) -> list[TextBox]:
    """OCR boxes that run across an input box's left border (a label drawn 1–3 px from its box is read
    together with the box's contents: ``户口性质农业``) are split there, by character position; with
    ENGINE, each part is re-read from its crop (exact for mixed-width text)."""
    if not boxes:
        return boxes
    th = int(np.median([box_rect(b).height for b in boxes]))
    rects = input_rects(image, max(8, int(th * 0.8)))
    out: list[TextBox] = []
    for b in boxes:
        r = box_rect(b)
        cut = next((h for h in sorted(rects, key=lambda h: h.x0)
                    if r.x0 + 0.25 * r.height < h.x0 < r.x1 - 0.25 * r.height
                    and _overlap(h.y0, h.y1, r.y0, r.y1) > 0.6 * r.height), None)
        n = len(b.text)
        if cut is None or n < 2:
            out.append(b)
            continue
        k = max(1, min(n - 1, round((cut.x0 - r.x0) / max(1, r.width) * n)))
        parts = [(b.text[:k], Rect(r.x0, r.y0, cut.x0 - 1, r.y1)), (b.text[k:], Rect(cut.x0 + 1, r.y0, r.x1, r.y1))]
        for t, pr in parts:
            if engine is not None and pr.width > 4:
                from clerkdesk.vision.ocr import read_line

                crop = erase_rules(light_background(image[pr.y0:pr.y1, pr.x0:pr.x1]))
                got, _ = read_line(engine, crop)  # type: ignore[arg-type]
                t = got or t
            out.append(TextBox(t, b.score, ((pr.x0, pr.y0), (pr.x1 - 1, pr.y0), (pr.x1 - 1, pr.y1 - 1),
                                            (pr.x0, pr.y1 - 1))))
    return out


def box_at(image: np.ndarray, x: int, y: int, text_h: int = 14) -> Rect | None:
    """The bordered box containing (x, y), if any (for ``offset`` locators and cache checks)."""
    import cv2

    h_img, w_img = image.shape[:2]
    area = Rect(0, max(0, y - 3 * text_h), w_img, min(h_img, y + 3 * text_h))
    gray = cv2.cvtColor(image[area.y0:area.y1], cv2.COLOR_RGB2GRAY)
    rs = [r.shift(0, area.y0) for r in _rects(gray, int(text_h * 0.9), int(text_h * 3.5) + 6)]
    rs = [r for r in rs if r.contains(x, y)]
    return min(rs, key=lambda r: r.width * r.height) if rs else None


def check_indicator(image: np.ndarray, anchor: Rect) -> Rect | None:
    """The small square (check box) at the left of an option's text, or None."""
    found = option_indicator(image, anchor)
    return found[0] if found else None


def option_indicator(image: np.ndarray, anchor: Rect) -> tuple[Rect, str] | None:
    """The indicator of a check box (``"square"``) at the left of the text ANCHOR, or None. (A radio button's circle
    is found by ``option_mark``.)

    OCR sometimes includes the indicator in the text's box (a radio's circle read as "6"), so the search spans
    both sides of the box's left edge. Sizes are relative to the *ink* height of the text, not to the OCR box
    (which is taller than the glyphs by a margin): Tk's 10-px indicators beside 14-px text count as Qt's 16-px
    ones do. A square counts if its border is closed on four sides and nothing else touches it (a glyph's 口 does).
    """
    import cv2

    th = max(8, anchor.height)
    full = Rect(0, 0, image.shape[1], image.shape[0])
    crop = image[max(0, anchor.y0):anchor.y1, max(0, anchor.x0):anchor.x1]
    ext = text_extent(crop, pad=0) if crop.size else None
    ink_h = max(8, ext.height if ext is not None else th)
    # an indicator sits a few pixels left of its text, or inside the OCR box when OCR read it as a glyph (6男)
    area = Rect(max(0, anchor.x0 - th), anchor.y0 - th // 2, anchor.x0 + 2 * th, anchor.y1 + th // 2).clip(full)
    if area.empty:
        return None
    gray = cv2.cvtColor(image[area.y0:area.y1, area.x0:area.x1], cv2.COLOR_RGB2GRAY)
    edges = cv2.morphologyEx(cv2.Canny(gray, 20, 60), cv2.MORPH_CLOSE, np.ones((2, 2), np.uint8))
    contours, _ = cv2.findContours(edges, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    cands: list[tuple[Rect, str]] = []
    lo, hi = min(0.5 * th, 0.45 * ink_h), 1.8 * th
    for c in contours:
        x, y, w, h = cv2.boundingRect(c)
        if not (lo <= h <= hi and 0.75 <= w / max(h, 1) <= 1.33 and h >= 7) or x + area.x0 + w > anchor.x0 + th:
            continue  # not indicator-sized, or inside the text (a glyph's 口 is a closed square too)
        shape = "square" if _closed_border(edges, x, y, w, h) else None
        if shape and _isolated(gray, x, y, w, h):
            cands.append((Rect(x + area.x0, y + area.y0, x + w + area.x0, y + h + area.y0), shape))
    if not cands:
        return None
    kept = _dedupe([r for r, _ in cands])
    cands = [next(c for c in cands if c[0] == r) for r in kept]
    # the indicator at (OCR put it inside the text's box) or nearest left of the text's start
    left = [c for c in cands if c[0].x0 <= anchor.x0 + 0.6 * th and anchor.y0 < c[0].center[1] < anchor.y1]
    if left:
        return max(left, key=lambda c: c[0].x0)
    return min(cands, key=lambda c: c[0].x0)


def indicator_on(crop: np.ndarray) -> bool:
    """Is the check box indicator in CROP ticked (ink well inside its border)?"""
    h, w = crop.shape[:2]
    g = crop[max(2, h // 5):h - max(2, h // 5), max(2, w // 5):w - max(2, w // 5)].mean(axis=2).ravel()
    if g.size == 0:
        return False
    return bool((np.abs(g - float(np.percentile(crop.mean(axis=2), 90))) > 70).mean() > 0.08)


def _isolated(gray: np.ndarray, x: int, y: int, w: int, h: int) -> bool:
    """Is the rectangle surrounded by background (an indicator), not joined to other strokes (a glyph's 口 or 田)?"""
    m = 2
    y0, y1, x0, x1 = max(0, y - m), min(gray.shape[0], y + h + m), max(0, x - m), min(gray.shape[1], x + w + m)
    ring = np.ones((y1 - y0, x1 - x0), bool)
    ring[y - y0:y - y0 + h, x - x0:x - x0 + w] = False
    vals = gray[y0:y1, x0:x1][ring].astype(float)
    if vals.size == 0:
        return False
    return bool((np.abs(vals - float(np.median(gray))) > 60).mean() < 0.08)


def option_mark(image: np.ndarray, anchor: Rect) -> Rect | None:
    """The radio button (or any small option mark) just left of the option text ANCHOR, or at its start when OCR
    read it as a glyph ("6男"): the first run of inked columns on the text's row that is about as wide as high,
    narrower than a character and followed by a gap. Found by ink, not by shape, because a radio's circle is a
    few grey pixels at Tk's 10 px (edge detection breaks it up) and a glyph's 口 is a closed shape too."""
    th = max(8, anchor.height)
    full = Rect(0, 0, image.shape[1], image.shape[0])
    area = Rect(anchor.x0 - th, anchor.y0, anchor.x1, anchor.y1).clip(full)
    if area.empty:
        return None
    g = image[area.y0:area.y1, area.x0:area.x1].mean(axis=2)
    ink = np.abs(g - float(np.median(g))) > 30  # a radio's outline is light grey
    cols = ink.any(axis=0)
    runs: list[tuple[int, int]] = []
    x = 0
    while x < len(cols):
        if cols[x]:
            x1 = x
            while x1 < len(cols) and cols[x1]:
                x1 += 1
            runs.append((x, x1))
            x = x1
        else:
            x += 1
    if len(runs) < 2:
        return None
    rows = np.where(ink.any(axis=1))[0]
    text_h = int(rows[-1] - rows[0] + 1) if len(rows) else th
    for (a, b), (c, _) in itertools.pairwise(runs):
        rr = np.where(ink[:, a:b].any(axis=1))[0]
        w, h = b - a, int(rr[-1] - rr[0] + 1)
        if 6 <= w <= 0.9 * text_h and 0.7 <= w / max(1, h) <= 1.4 and c - b >= 2:
            return Rect(area.x0 + a, area.y0 + int(rr[0]), area.x0 + b, area.y0 + int(rr[-1]) + 1)
        if a + area.x0 >= anchor.x0 + th // 2:
            break  # past the text's first character: no mark
    return None


def mark_on(crop: np.ndarray) -> bool:
    """Does the option mark in CROP (a radio's circle, a check box) hold a dot or tick (dark ink at its centre)?"""
    h, w = crop.shape[:2]
    inner = crop[h // 4:h - h // 4, w // 4:w - w // 4]
    if inner.size == 0:
        return False
    g = inner.mean(axis=2)
    return bool((np.abs(g - float(np.percentile(crop.mean(axis=2), 90))) > 70).mean() > 0.08)


def _closed_border(edges: np.ndarray, x: int, y: int, w: int, h: int) -> bool:
    """Do edge pixels run along all four sides of the rectangle (a drawn box, not a glyph)?"""
    def run(line: np.ndarray) -> float:
        return float(line.any(axis=0).mean()) if line.ndim == 2 else float(line.mean())

    e = edges > 0
    top = run(e[max(0, y - 1):y + 2, x:x + w])
    bottom = run(e[max(0, y + h - 2):y + h + 1, x:x + w])
    left = run(e[y:y + h, max(0, x - 1):x + 2].T)
    right = run(e[y:y + h, max(0, x + w - 2):x + w + 1].T)
    return min(top, bottom, left, right) >= 0.7


def ink_ratio(crop: np.ndarray) -> float:
    """Share of pixels clearly darker or lighter than the crop's background (median)."""
    g = crop.mean(axis=2) if crop.ndim == 3 else crop.astype(float)
    if g.size == 0:
        return 0.0
    bg = float(np.median(g))
    return float((np.abs(g - bg) > 60).mean())


def text_extent(crop: np.ndarray, pad: int = 4) -> Rect | None:
    """The part of CROP that holds ink (text), padded; None if the crop is blank."""
    g = crop.mean(axis=2) if crop.ndim == 3 else crop.astype(float)
    if g.size == 0:
        return None
    bg = float(np.median(g))
    ink = np.abs(g - bg) > 60
    cols = np.where(ink.any(axis=0))[0]
    rows = np.where(ink.any(axis=1))[0]
    if len(cols) == 0:
        return None
    h, w = g.shape
    return Rect(max(0, cols[0] - pad), max(0, rows[0] - pad), min(w, cols[-1] + 1 + pad), min(h, rows[-1] + 1 + pad))


def light_background(crop: np.ndarray) -> np.ndarray:
    """CROP with dark-on-light text: selected/highlighted text (white on navy) is inverted, which
    PP-OCR recognises much more reliably."""
    if crop.size and float(np.median(crop[..., :3].mean(axis=-1))) < 110:
        return (255 - crop[..., :3]).astype(np.uint8)
    return crop


def erase_rules(crop: np.ndarray) -> np.ndarray:
    """CROP with full-height vertical and full-width horizontal lines (box borders, list frames,
    grid lines) painted over with the background: recognition tends to drop the character next to
    a border it takes for part of the text."""
    if crop.size == 0 or crop.ndim != 3:
        return crop
    g = crop[..., :3].mean(axis=-1)
    bg = float(np.median(g))
    ink = np.abs(g - bg) > 60
    cols = ink.mean(axis=0) >= 0.9
    rows = ink.mean(axis=1) >= 0.9
    if not cols.any() and not rows.any():
        return crop
    out = crop.copy()
    colour = np.median(crop.reshape(-1, crop.shape[-1]), axis=0).astype(crop.dtype)
    out[:, cols] = colour
    out[rows, :] = colour
    return out


def erase_caret(crop: np.ndarray) -> np.ndarray:
    """CROP (a field's interior) without a text caret: a narrow run of columns whose ink spans most of
    the height (taller than digits and letters, which span about half of a box's interior). OCR reads a
    caret beside a mask's ``-`` as ``1``; an empty box must look empty."""
    if crop.size == 0 or crop.ndim != 3:
        return crop
    g = crop[..., :3].mean(axis=-1)
    bg = float(np.median(g))
    tall = (np.abs(g - bg) > 60).mean(axis=0) >= 0.7
    if not tall.any():
        return crop
    out = crop.copy()
    colour = np.median(crop.reshape(-1, crop.shape[-1]), axis=0).astype(crop.dtype)
    x = 0
    while x < len(tall):
        if tall[x]:
            end = x
            while end < len(tall) and tall[end]:
                end += 1
            if end - x <= max(2, crop.shape[0] // 5):  # a line caret, or a mask's block caret (4 px)
                out[:, x:end] = colour
            x = end
        else:
            x += 1
    return out


def field_interior(box: Rect, combo: bool = False) -> Rect:
    """The text area inside an input box's border (for a combo box, without its arrow button)."""
    inset = 3
    right = box.x1 - inset - (box.height if combo else 0)
    return Rect(box.x0 + inset, box.y0 + inset, max(box.x0 + inset + 1, right), box.y1 - inset)


def looks_like_combo(image: np.ndarray, box: Rect) -> bool:
    """Does the box end with a drop-down arrow button (ink in a small square at its right end)?"""
    sq = Rect(box.x1 - box.height, box.y0 + 3, box.x1 - 3, box.y1 - 3)
    return ink_ratio(image[sq.y0:sq.y1, sq.x0:sq.x1]) > 0.03


def button_shape(image: np.ndarray, box: Rect) -> str | None:
    """What the button at the right end of an input box shows: ``"arrow"`` (one down-pointing
    triangle or chevron: a drop-down), ``"other"`` (up/down arrows of a spin box, a calendar or
    lookup icon: the box is an entry — ``fill`` it), or None (no button)."""
    if not looks_like_combo(image, box):
        return None
    sq = Rect(box.x1 - box.height, box.y0 + 3, box.x1 - 3, box.y1 - 3)
    crop = image[sq.y0:sq.y1, sq.x0:sq.x1]
    g = crop[..., :3].mean(axis=-1)
    ink = np.abs(g - float(np.median(g))) > 60
    # drop the button's own border/bevel lines
    ink[:, ink.mean(axis=0) >= 0.8] = False
    ink[ink.mean(axis=1) >= 0.8, :] = False
    rows = [np.where(r)[0] for r in ink]
    widths = [int(r[-1] - r[0] + 1) for r in rows if len(r)]
    if len(widths) < 3:
        return "other"
    runs = np.where([len(r) > 0 for r in rows])[0]
    contiguous = runs[-1] - runs[0] + 1 == len(runs)
    shrinking = all(b <= a + 1 for a, b in itertools.pairwise(widths))
    if contiguous and shrinking and widths[-1] <= 0.5 * widths[0] and len(widths) <= 0.6 * crop.shape[0]:
        return "arrow"
    return "other"


# --- text and images ----------------------------------------------------------------------------------------


def find_text(boxes: list[TextBox], text: str, *, threshold: float = 0.75, exact: bool = False,
              within: Rect | None = None, nth: int | None = None) -> Match:
    """A button/menu/tab by its visible text. Also finds TEXT inside a longer OCR box."""
    want = norm(text)
    tried = [f"OCR text {text!r} (normalised {want!r})" + (f" within {within.as_list()}" if within else "")]
    cands: list[tuple[float, TextBox, Rect]] = []
    for b in boxes:
        if within is not None and not within.contains(*b.center):
            continue
        r = box_rect(b)
        got = norm(b.text)
        s = label_score(text, b.text)
        if exact:
            s = 1.0 if got == want else 0.0
        if s >= threshold:
            cands.append((s, b, r))
        elif not exact and want and want in got and len(got) > len(want):
            # interpolate the sub-box from the character position (menu bars, toolbars read as one line)
            i = got.index(want)
            cw = r.width / max(1, len(got))
            sub = Rect(int(r.x0 + i * cw), r.y0, int(r.x0 + (i + len(want)) * cw), r.y1)
            cands.append((0.7, b, sub))
    if not cands:
        near = sorted(boxes, key=lambda b: -label_score(text, b.text))[:3]
        tried.append("nearest OCR texts: " + (", ".join(repr(b.text) for b in near) or "none"))
        raise NotFound(f"no text {text!r} on the screen", tried)
    if nth is not None:
        if not 0 <= nth < len(cands):
            raise NotFound(f"text {text!r} has {len(cands)} matches, nth={nth} is out of range", tried)
        s, b, r = cands[nth]
    else:
        best = max(c[0] for c in cands)
        s, b, r = next(c for c in cands if c[0] >= best - 1e-6)
    return Match(anchor=r, target=r, point=r.center, how=f"text {b.text!r} (score {s:.2f})", text=b.text, kind="text")


def find_image(image: np.ndarray, template_path: Path, *, scale: float = 1.0, threshold: float = 0.88,
               within: Rect | None = None, nth: int | None = None) -> Match:
    """A template picture on the screenshot; tries the UI scale and ±10 % around it."""
    import cv2

    tried = [f"image template {template_path} (threshold {threshold}, scale {scale:g})"]
    if not template_path.is_file():
        raise NotFound(f"image template {template_path} does not exist", tried)
    tpl0 = cv2.imread(str(template_path), cv2.IMREAD_GRAYSCALE)
    if tpl0 is None:
        raise NotFound(f"image template {template_path} is not a picture OpenCV can read", tried)
    gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    ox = oy = 0
    if within is not None:
        gray = gray[within.y0:within.y1, within.x0:within.x1]
        ox, oy = within.x0, within.y0
    hits: list[tuple[float, Rect]] = []
    best_seen = 0.0
    for f in sorted({scale, scale * 0.9, scale * 1.1, 1.0}, key=lambda v: abs(v - scale)):
        tpl = tpl0 if abs(f - 1.0) < 1e-3 else cv2.resize(tpl0, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)
        th, tw = tpl.shape[:2]
        if th > gray.shape[0] or tw > gray.shape[1]:
            continue
        res = cv2.matchTemplate(gray, tpl, cv2.TM_CCOEFF_NORMED)
        best_seen = max(best_seen, float(res.max()))
        ys, xs = np.where(res >= threshold)
        for y, x in zip(ys, xs, strict=False):
            r = Rect(int(x) + ox, int(y) + oy, int(x) + ox + tw, int(y) + oy + th)
            if all(abs(r.x0 - h.x0) > tw // 2 or abs(r.y0 - h.y0) > th // 2 for _, h in hits):
                hits.append((float(res[y, x]), r))
        if hits:
            break
    if not hits:
        tried.append(f"best similarity {best_seen:.2f}")
        raise NotFound(f"image {template_path.name} not found on the screen", tried)
    hits.sort(key=lambda sr: (sr[1].y0, sr[1].x0))
    if nth is not None:
        if not 0 <= nth < len(hits):
            raise NotFound(f"image {template_path.name} has {len(hits)} matches, nth={nth} is out of range", tried)
        s, r = hits[nth]
    else:
        s, r = max(hits, key=lambda sr: sr[0])
    return Match(anchor=r, target=r, point=r.center, how=f"image {template_path.name} ({s:.2f})", kind="image")


# --- evidence --------------------------------------------------------------------------------------------


def annotate(image: np.ndarray, boxes: list[TextBox], highlight: list[Rect] | None = None,
             note: str | None = None, note_y: int = 0) -> bytes:
    """A PNG of IMAGE with every OCR box drawn (blue, numbered with its text) and HIGHLIGHT in red;
    NOTE in a yellow strip at NOTE_Y (the top, unless the caller padded room for it elsewhere)."""
    import io

    from PIL import Image, ImageDraw, ImageFont

    img = Image.fromarray(image).convert("RGB")
    draw = ImageDraw.Draw(img)
    font: ImageFont.FreeTypeFont | ImageFont.ImageFont
    font = ImageFont.load_default()
    for p in _CJK_FONTS:
        if Path(p).exists():
            font = ImageFont.truetype(p, 11)
            break
    for b in boxes:
        r = box_rect(b)
        draw.rectangle([r.x0, r.y0, r.x1, r.y1], outline=(0, 90, 255), width=1)
        draw.text((r.x0, max(0, r.y0 - 12)), f"{b.text} {b.score:.2f}", fill=(0, 60, 200), font=font)
    for r in highlight or []:
        draw.rectangle([r.x0, r.y0, r.x1, r.y1], outline=(230, 0, 0), width=2)
    if note:
        draw.rectangle([0, note_y, img.width, note_y + 16], fill=(255, 255, 200))
        draw.text((3, note_y + 1), note, fill=(160, 0, 0), font=font)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()
