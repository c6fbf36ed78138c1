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
    """The OCR box showing LABEL (see module docstring). Raises ``NotFound`` with the near misses."""
    scored = [(label_score(label, b.text), b) for b in boxes]
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


def input_beside(image: np.ndarray, anchor: Rect, *, max_gap: int | None = None) -> tuple[Rect, str] | None:
    """The input box belonging to the label at ANCHOR: right of it on its line, else just below."""
    import cv2

    h_img, w_img = image.shape[:2]
    th = max(8, anchor.height)
    gap = max_gap if max_gap is not None else max(120, 12 * th)
    gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    min_h, max_h = int(th * 0.9), int(th * 3.5) + 6
    cy = (anchor.y0 + anchor.y1) / 2

    # right of the label
    area = Rect(anchor.x1 - 2, int(cy - 2.5 * th) - 4, w_img, int(cy + 2.5 * th) + 4).clip(Rect(0, 0, w_img, h_img))
    if not area.empty:
        rs = [r.shift(area.x0, area.y0) for r in _rects(gray[area.y0:area.y1, area.x0:area.x1], min_h, max_h)]
        rs = [r for r in rs if r.y0 - 2 <= cy <= r.y1 + 2 and r.x0 >= anchor.x1 - 2 and r.x0 - anchor.x1 <= gap]
        if rs:
            return min(rs, key=lambda r: (r.x0, -r.width)), "right"
    # below the label
    area = Rect(max(0, anchor.x0 - 2 * th), anchor.y1 - 2, w_img, min(h_img, anchor.y1 + 5 * th)).clip(
        Rect(0, 0, w_img, h_img))
    if not area.empty:
        rs = [r.shift(area.x0, area.y0) for r in _rects(gray[area.y0:area.y1, area.x0:area.x1], min_h, max_h)]
        rs = [r for r in rs if r.y0 >= anchor.y1 - 2 and r.x0 <= anchor.x1 and r.x1 >= anchor.x0]
        if rs:
            return min(rs, key=lambda r: (r.y0, r.x0)), "below"
    return None


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
    """The small square (check box indicator) at the left of a check box's text.

    OCR sometimes includes the square in the text's box, so the search spans both sides of the
    box's left edge; a closed square border (its contour fills its bounding box) is what counts.
    """
    import cv2

    th = max(8, anchor.height)
    area = Rect(max(0, anchor.x0 - 3 * th), anchor.y0 - th // 2, anchor.x0 + 2 * th, anchor.y1 + th // 2).clip(
        Rect(0, 0, image.shape[1], image.shape[0]))
    if area.empty:
        return None
    gray = cv2.cvtColor(image[area.y0:area.y1, area.x0:area.x1], cv2.COLOR_RGB2GRAY)
    edges = cv2.morphologyEx(cv2.Canny(gray, 20, 60), cv2.MORPH_CLOSE, np.ones((2, 2), np.uint8))
    contours, _ = cv2.findContours(edges, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    cands: list[Rect] = []
    for c in contours:
        x, y, w, h = cv2.boundingRect(c)
        if 0.5 * th <= h <= 1.8 * th and 0.75 <= w / max(h, 1) <= 1.33 and _closed_border(edges, x, y, w, h):
            cands.append(Rect(x + area.x0, y + area.y0, x + w + area.x0, y + h + area.y0))
    if not cands:
        return None
    cands = _dedupe(cands)
    # the square at (OCR put it inside the text's box) or nearest left of the text's start
    left = [r for r in cands if r.x0 <= anchor.x0 + 2]
    return max(left, key=lambda r: r.x0) if left else min(cands, key=lambda r: r.x0)


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


def field_interior(box: Rect, combo: bool = False) -> Rect:
    """The text area inside an input box's border (for a combo box, without its arrow button)."""
    inset = 3
    right = box.x1 - inset - (box.height if combo else 0)
    return Rect(box.x0 + inset, box.y0 + inset, max(box.x0 + inset + 1, right), box.y1 - inset)


def looks_like_combo(image: np.ndarray, box: Rect) -> bool:
    """Does the box end with a drop-down arrow button (ink in a small square at its right end)?"""
    sq = Rect(box.x1 - box.height, box.y0 + 3, box.x1 - 3, box.y1 - 3)
    return ink_ratio(image[sq.y0:sq.y1, sq.x0:sq.x1]) > 0.03


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
             note: str | None = None) -> bytes:
    """A PNG of IMAGE with every OCR box drawn (blue, numbered with its text) and HIGHLIGHT in red."""
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
        draw.rectangle([0, 0, img.width, 16], fill=(255, 255, 200))
        draw.text((3, 1), note, fill=(160, 0, 0), font=font)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()
