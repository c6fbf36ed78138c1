"""Read an ID card (front or back) or a business licence from an image into fields.

Pipeline: find and flatten the document (``preprocess``) → OCR → turn by
90/180/270 when the text says so (re-OCR) → deskew box geometry → labels and
values (``layout``) → parse, check and cross-check (``fields``).

Source boxes are in the coordinates of ``CaptureResult.image`` (the flattened,
upright image that was read), which the UI can overlay.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import numpy as np

from clerkdesk.capture import fields as fp
from clerkdesk.capture import preprocess as pre
from clerkdesk.capture.degrade import rotate90
from clerkdesk.capture.layout import clean, tokens
from clerkdesk.capture.model import FIELDS, KINDS, REQUIRED, CaptureResult, Kind
from clerkdesk.capture.problems import problem
from clerkdesk.vision.ocr import OcrEngine, TextBox

_MAX_SIDE = {"idcard-front": 1400, "idcard-back": 1400, "license": 1800}


def _anchor_ys(boxes: list[TextBox], words: tuple[str, ...]) -> list[tuple[float, float]]:
    out = []
    for b in boxes:
        t = clean(b.text)
        if any(w in t for w in words):
            out.append(b.center)
    return out


def _orientation(boxes: list[TextBox], kind: Kind) -> tuple[int, int]:
    """(anchors found, vote): vote > 0 when top-anchors lie above bottom-anchors (upright)."""
    top_words, bottom_words = fp.ANCHORS[kind]
    tops, bottoms = _anchor_ys(boxes, top_words), _anchor_ys(boxes, bottom_words)
    vote = sum((1 if by > ty else -1) for _, ty in tops for _, by in bottoms)
    return len(tops) + len(bottoms), vote


def _vertical_turn(boxes: list[TextBox], kind: Kind) -> int:
    """For text running vertically: the clockwise turn that makes it upright (90 or 270)."""
    top_words, bottom_words = fp.ANCHORS[kind]
    tops, bottoms = _anchor_ys(boxes, top_words), _anchor_ys(boxes, bottom_words)
    dx = sum(bx - tx for tx, _ in tops for bx, _ in bottoms)
    # upright, "down" is +y; turned 90° clockwise, down points to -x → turn back by 270
    return 270 if dx < 0 else 90


def _read_upright(engine: OcrEngine, rgb: np.ndarray, kind: Kind) -> tuple[np.ndarray, list[TextBox], int]:
    boxes = engine.read(rgb)
    turn = 0
    if pre.is_vertical(boxes) or rgb.shape[0] > rgb.shape[1] * 1.15:
        turn = _vertical_turn(boxes, kind)
        rgb = rotate90(rgb, turn)
        boxes = engine.read(rgb)
    found, vote = _orientation(boxes, kind)
    if vote < 0 or found == 0:
        flipped = rotate90(rgb, 180)
        fboxes = engine.read(flipped)
        ffound, fvote = _orientation(fboxes, kind)
        if (fvote, ffound) > (vote, found):
            rgb, boxes, turn = flipped, fboxes, (turn + 180) % 360
    return rgb, boxes, turn


def read_document(
    image: Path | str | np.ndarray,
    kind: Kind,
    *,
    engine: OcrEngine | None = None,
    today: dt.date | None = None,
) -> CaptureResult:
    """OCR IMAGE (a path or an RGB uint8 array) as KIND; every field with value, confidence and box."""
    if kind not in KINDS:
        raise ValueError(f"unknown document kind {kind!r}; choose one of {', '.join(KINDS)}")
    t0 = time.perf_counter()
    if engine is None:
        from clerkdesk.vision.ocr import get_engine

        engine = get_engine()
    rgb = pre.load_rgb(str(image)) if isinstance(image, (str, Path)) else np.ascontiguousarray(image[..., :3])
    result = CaptureResult(kind)
    quad = pre.find_document(rgb)
    if quad is not None:
        rgb = pre.rectify(rgb, quad, pre.ASPECT[kind])
        result.rectified = True
    rgb = pre.limit_size(rgb, _MAX_SIDE[kind])
    rgb, boxes, result.rotation = _read_upright(engine, rgb, kind)
    h, w = rgb.shape[:2]
    boxes = pre.deskew_boxes(boxes, pre.skew_angle(boxes), (w / 2, h / 2))
    result.image = rgb
    toks = tokens(boxes, fp.LABELS[kind], fp.INLINE[kind])
    b = fp._Builder(result, toks)
    if kind == "idcard-front":
        fp.parse_front(b)
    elif kind == "idcard-back":
        fp.parse_back(b, today or dt.date.today())
    else:
        fp.parse_license(b)
    _finish(result)
    result.seconds = time.perf_counter() - t0
    return result


def _finish(result: CaptureResult) -> None:
    """Missing required fields, low-confidence warnings, fields in the documented order."""
    have_problem = {p.field for p in result.problems}
    for name in REQUIRED[result.kind]:
        f = result.fields.get(name)
        if f is None or f.value is None:
            result.problems.append(problem(name, "missing"))
            if f is not None:
                result.fields[name] = type(f)(f.name, None, 0.0, f.box, f.raw, f.flags)
        elif f.confidence < fp.LOW_CONFIDENCE and name not in have_problem:
            result.problems.append(problem(name, "low_confidence"))
    order = FIELDS[result.kind]
    result.fields = {k: result.fields[k] for k in order if k in result.fields}
    result.problems.sort(key=lambda p: (order.index(p.field) if p.field in order else 99, p.severity != "error"))
