"""Read an ID card (front or back) or a business licence from an image into fields.

Pipeline: find and flatten the document (``preprocess``) → OCR → turn by
90/180/270 when the text says so (re-OCR) → deskew box geometry → labels and
values (``layout``) → parse, check and cross-check (``fields``).

Source boxes are in the coordinates of ``CaptureResult.image`` (the flattened,
upright image that was read), which the UI can overlay.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from clerkdesk.capture import fields as fp
from clerkdesk.capture import frame
from clerkdesk.capture import preprocess as pre
from clerkdesk.capture.doubt import doubt_below
from clerkdesk.capture.imagefile import as_rgb
from clerkdesk.capture.layout import clean, place_labels, tokens
from clerkdesk.capture.model import FIELDS, KINDS, REQUIRED, CaptureResult, Kind
from clerkdesk.capture.problems import problem
from clerkdesk.vision.ocr import OcrEngine, TextBox, read_line

_MAX_SIDE = {"idcard-front": 1200, "idcard-back": 1200, "license": 1300}
_REC_MIN_WIDTH = int(os.environ.get("CLERKDESK_REC_MIN_WIDTH", "320"))
_MIN_SCORE = 0.5  # lines scoring less are not used as text, but are re-read after turning the page


def _reader(engine: OcrEngine) -> Callable[[np.ndarray], list[TextBox]]:
    """A first reading of every text line, low scores included when the engine can (rapidocr's
    ``read_document``: also cheaper padding of short lines)."""
    tuned = getattr(engine, "read_document", None)
    if callable(tuned):
        return lambda img: tuned(img, min_score=0.0, rec_min_width=_REC_MIN_WIDTH)  # type: ignore[no-any-return]
    return engine.read


def _good(boxes: list[TextBox]) -> list[TextBox]:
    return [b for b in boxes if b.score >= _MIN_SCORE]


def _rereader(engine: OcrEngine, read: Callable[[np.ndarray], list[TextBox]]
              ) -> Callable[[np.ndarray, list[TextBox]], list[TextBox]]:
    """Read IMAGE again where BOXES (already in its coordinates) say the lines are: recognition only
    when the engine can (``recognize``, about 60 % of a full pass), else a full read."""
    rec = getattr(engine, "recognize", None)
    if not callable(rec):
        return lambda img, boxes: read(img)
    return lambda img, boxes: rec(img, [b.quad for b in boxes], min_score=0.0,  # type: ignore[no-any-return]
                                  rec_min_width=_REC_MIN_WIDTH)


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


def _line_reader(engine: OcrEngine, rgb: np.ndarray) -> fp.Reread:
    def reread(box: tuple[float, float, float, float]) -> tuple[str, float]:
        h, w = rgb.shape[:2]
        x0, y0, x1, y1 = (max(0, round(box[0])), max(0, round(box[1])), min(w, round(box[2])), min(h, round(box[3])))
        if x1 - x0 < 4 or y1 - y0 < 4:
            return "", 0.0
        return read_line(engine, np.ascontiguousarray(rgb[y0:y1, x0:x1]))

    return reread


def _parse(kind: Kind, rgb: np.ndarray, boxes: list[TextBox], today: dt.date | None,
           engine: OcrEngine | None = None, *, framed: bool = False) -> CaptureResult:
    """FRAMED: the image is the flattened document itself; otherwise an ID card front's own text gives its
    frame (``frame.front_frame``) and text outside it (a desk's receipts) is dropped, and on a back the rows
    end at the card's edge (``frame.cut_at_edges``)."""
    h, w = rgb.shape[:2]
    angle = pre.skew_angle(boxes)
    boxes = pre.deskew_boxes(boxes, angle, (w / 2, h / 2))
    result = CaptureResult(kind, image=rgb)
    toks = place_labels(tokens(boxes, fp.LABELS[kind], fp.INLINE[kind], lone=fp.FIELD_LABELS[kind]),
                        fp.COLUMN[kind], fp.ROW_MATES[kind])
    if kind == "idcard-front" and not framed:
        card = frame.front_frame(toks)
        if card is not None:
            toks = frame.inside(toks, card)
    if kind == "idcard-back" and not framed:
        toks = frame.cut_at_edges(toks, fp.COLUMN[kind], pre.paper_edges(rgb, angle if abs(angle) >= 0.3 else 0.0))
    found = {t.label for t in toks if t.label}
    result.labels_missing = sum(lab not in found for lab in fp.FIELD_LABELS[kind])
    b = fp.Builder(result, toks, _line_reader(engine, rgb) if engine is not None else None, today)
    if kind == "idcard-front":
        fp.parse_front(b)
    elif kind == "idcard-back":
        fp.parse_back(b, today or dt.date.today())
    else:
        fp.parse_license(b)
    _finish(result)
    return result


def _quality(r: CaptureResult) -> tuple[int, int, float]:
    return (-len(r.errors), -r.labels_missing, sum(f.confidence for f in r.fields.values()))


def read_document(
    image: Path | str | np.ndarray,
    kind: Kind,
    *,
    engine: OcrEngine | None = None,
    today: dt.date | None = None,
) -> CaptureResult:
    """OCR IMAGE (a path or an RGB uint8 array) as KIND; every field with value, confidence and box.

    One OCR pass when the document lies upright (after flattening, a portrait image is
    turned by 90° first). A second pass only when the first says the text runs vertically, or
    that the document is upside down and reusing that reading failed a check or missed a label;
    with rapidocr that pass is recognition only, at the first pass's boxes turned with the image.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown document kind {kind!r}; choose one of {', '.join(KINDS)}")
    t0 = time.perf_counter()
    rgb = pre.load_rgb(str(image)) if isinstance(image, (str, Path)) else as_rgb(image)  # bad files fail fast
    if engine is None:
        from clerkdesk.vision.ocr import get_engine

        engine = get_engine()
    read = _reader(engine)
    reread = _rereader(engine, read)
    quad = pre.find_document(rgb, aspect=pre.ASPECT[kind])
    if quad is not None:
        rgb = pre.rectify(rgb, quad, pre.ASPECT[kind])
    framed = quad is not None
    rgb = pre.limit_size(rgb, _MAX_SIDE[kind])
    turn = 0
    if rgb.shape[0] > rgb.shape[1] * 1.15:  # documents are landscape: turned by 90° or 270°
        turn = 90
        rgb = pre.rotate90(rgb, turn)
    boxes = read(rgb)  # every line found, low scores too (they are re-read if the page is turned)
    if pre.is_vertical(_good(boxes)):  # the outline was not found and the photo is turned
        extra = _vertical_turn(_good(boxes), kind)
        h, w = rgb.shape[:2]
        rgb, turn = pre.rotate90(rgb, extra), (turn + extra) % 360
        boxes = reread(rgb, pre.turn_boxes(boxes, extra, w, h))
    found, vote = _orientation(_good(boxes), kind)
    if vote < 0 or found == 0:
        # upside down: the classifier usually read the lines anyway; reuse them, re-read only if a check fails
        h, w = rgb.shape[:2]
        flipped = pre.rotate90(rgb, 180)
        result = _parse(kind, flipped, _good(pre.flip_boxes(boxes, w, h)), today, engine, framed=framed)
        if not result.ok or result.labels_missing or found == 0:
            again = _parse(kind, flipped, _good(reread(flipped, pre.flip_boxes(boxes, w, h))), today, engine,
                           framed=framed)
            result = max(result, again, key=_quality)
            if result.labels_missing and found:
                # a label the upside-down detection drew no box for cannot be re-read at its boxes (independent
                # renderer front 1030021, turned 90°: 姓名 had no box, the name was missing): detect afresh —
                # one more full pass, only on a turned page still missing a label
                fresh = _parse(kind, flipped, _good(read(flipped)), today, engine, framed=framed)
                result = max(result, fresh, key=_quality)
        if found == 0 and vote == 0:
            upright = _parse(kind, rgb, _good(boxes), today, engine, framed=framed)
            if _quality(upright) >= _quality(result):
                result, turn = upright, turn - 180
        turn += 180
    else:
        result = _parse(kind, rgb, _good(boxes), today, engine, framed=framed)
    _no_document(result)
    result.rotation = turn % 360
    result.rectified = quad is not None
    result.seconds = time.perf_counter() - t0
    return result


# fewer field labels than this, and no checksum-proven number: not the document (a desk's receipts may
# carry one label word, 住址变更, but never two of a card's labels in their places)
_MIN_LABELS = {"idcard-front": 2, "idcard-back": 1, "license": 2}


def _no_document(result: CaptureResult) -> None:
    """Noise, a desk or another paper: (almost) no field label was read and no number passed its check. One
    clear problem ("no ID card found in this image") instead of a "field not found" for every field."""
    if len(fp.FIELD_LABELS[result.kind]) - result.labels_missing >= _MIN_LABELS[result.kind]:
        return
    failed = {p.field for p in result.errors}
    proven = [n for n in ("id_number", "uscc") if result.value(n) and n not in failed]
    if proven:
        return
    result.fields = {n: type(f)(f.name, None, 0.0) for n, f in result.fields.items()}
    result.problems = [problem("document", "no_document")]


def _finish(result: CaptureResult) -> None:
    """Missing required fields, low-confidence warnings, fields in the documented order."""
    have_problem = {p.field for p in result.problems}
    for name in REQUIRED[result.kind]:
        f = result.fields.get(name)
        if f is None or f.value is None:
            result.problems.append(problem(name, "missing"))
            if f is not None:
                result.fields[name] = type(f)(f.name, None, 0.0, f.box, f.raw, f.flags)
        elif f.confidence < doubt_below(result.kind, name) and name not in have_problem:
            result.problems.append(problem(name, "low_confidence"))
    order = FIELDS[result.kind]
    result.fields = {k: result.fields[k] for k in order if k in result.fields}
    result.problems.sort(key=lambda p: (order.index(p.field) if p.field in order else 99, p.severity != "error"))
