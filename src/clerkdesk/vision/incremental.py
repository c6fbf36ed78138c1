"""Incremental screen understanding: after an action, OCR only the parts of the screen whose pixels changed.

A full OCR of a window costs one to several seconds, and most steps change little: a pasted value, a ticked
box, a calendar's month, a notice line. ``update`` compares the new screenshot with the last one that was fully
understood, keeps the text boxes that lie wholly outside every changed region (their pixels are the same, so is
their text), and reads the changed regions only — each widened to the whole text lines it touches, so a line is
never read in halves — **in one batch**: the crops are stacked on one canvas with background margins, so that
detection runs once and recognition gets all the new lines at once (one engine call instead of one per crop).
When more than ``MAX_CHANGED`` of the screen changed (another tab, a dialog over everything), a full read is
cheaper and ``update`` returns None.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from clerkdesk.vision.ocr import OcrEngine, TextBox, read_screen, sort_reading_order
from clerkdesk.vision.screen import Rect

MAX_CHANGED = 0.45  # share of the screen above which a full OCR is cheaper than regions
DIFF = 25  # a pixel changed when a channel moved by more than this (anti-aliasing noise stays below)
GAP = 16  # background margin between the crops stacked on the batch canvas


@dataclass
class Update:
    """What ``update`` did: the boxes of the new screen, and for the trace and the benchmark how many regions
    (and pixels) were read and how many boxes were reused."""

    boxes: list[TextBox]
    regions: list[Rect]
    reused: int
    changed_share: float


def changed_regions(old: np.ndarray, new: np.ndarray, margin: int) -> list[Rect]:
    """The rectangles where NEW differs from OLD, each grown by MARGIN and merged with those it then overlaps."""
    import cv2

    mask = (np.abs(old.astype(np.int16) - new.astype(np.int16)).max(axis=2) > DIFF).astype(np.uint8)
    if not mask.any():
        return []
    mask = cv2.dilate(mask, np.ones((2 * margin + 1, 2 * margin + 1), np.uint8))
    n, _, st, _ = cv2.connectedComponentsWithStats(mask)
    rects = [Rect(int(x), int(y), int(x + w), int(y + h)) for x, y, w, h in (st[i, :4] for i in range(1, n))]
    return merge(rects)


def merge(rects: list[Rect]) -> list[Rect]:
    """RECTS with every overlapping pair replaced by their union, until none overlap."""
    out = list(rects)
    changed = True
    while changed:
        changed = False
        for i in range(len(out)):
            for j in range(i + 1, len(out)):
                if _overlaps(out[i], out[j]):
                    a, b = out[i], out.pop(j)
                    out[i] = Rect(min(a.x0, b.x0), min(a.y0, b.y0), max(a.x1, b.x1), max(a.y1, b.y1))
                    changed = True
                    break
            if changed:
                break
    return out


def _overlaps(a: Rect, b: Rect) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


def _rect(b: TextBox) -> Rect:
    xs = [p[0] for p in b.quad]
    ys = [p[1] for p in b.quad]
    return Rect(int(min(xs)), int(min(ys)), int(np.ceil(max(xs))), int(np.ceil(max(ys))))


def read_regions(engine: OcrEngine, image: np.ndarray, regions: list[Rect]) -> list[TextBox]:
    """OCR REGIONS of IMAGE in one engine call: the crops stacked on one canvas, the boxes mapped back."""
    if not regions:
        return []
    crops = [image[r.y0:r.y1, r.x0:r.x1, :3] for r in regions]
    bg = np.median(image[..., :3].reshape(-1, 3), axis=0).astype(np.uint8)
    width = max(c.shape[1] for c in crops) + 2 * GAP
    height = sum(c.shape[0] for c in crops) + GAP * (len(crops) + 1)
    # detection resizes its input to multiples of 32 px: a canvas of such a size is read at scale 1, so the
    # boxes come back to the pixel (a label's edge decides which box is beside it)
    width, height = -(-width // 32) * 32, -(-height // 32) * 32
    canvas = np.empty((height, width, 3), np.uint8)
    canvas[:] = bg
    slots: list[tuple[int, Rect]] = []  # (canvas top, region)
    y = GAP
    for c, r in zip(crops, regions, strict=True):
        canvas[y:y + c.shape[0], GAP:GAP + c.shape[1]] = c
        slots.append((y, r))
        y += c.shape[0] + GAP
    out: list[TextBox] = []
    for b in read_screen(engine, canvas):
        cy = sum(p[1] for p in b.quad) / 4
        for top, r in slots:
            if top - GAP / 2 <= cy < top + r.height + GAP / 2:
                dx, dy = r.x0 - GAP, r.y0 - top
                q = tuple((min(max(x + dx, r.x0), r.x1), min(max(yy + dy, r.y0), r.y1)) for x, yy in b.quad)
                out.append(TextBox(b.text, b.score, q))  # type: ignore[arg-type]
                break
    return out


def update(engine: OcrEngine, old: np.ndarray, old_boxes: list[TextBox], new: np.ndarray) -> Update | None:
    """The text boxes of NEW, from those of OLD (a screenshot of the same size, fully read into OLD_BOXES) and an
    OCR of the changed regions only; None when a full read is due (another size, or most of it changed)."""
    if old.shape != new.shape:
        return None
    hs = sorted(_rect(b).height for b in old_boxes)
    line = hs[len(hs) // 2] if hs else 20
    regions = changed_regions(old, new, max(6, line))
    full = Rect(0, 0, new.shape[1], new.shape[0])
    if not regions:
        return Update(list(old_boxes), [], len(old_boxes), 0.0)
    # widen each region to the whole text lines it touches (a line is read whole, never in halves)
    grown = True
    while grown:
        grown = False
        for i, r in enumerate(regions):
            for b in old_boxes:
                br = _rect(b).grow(2)
                if _overlaps(r, br) and not (r.x0 <= br.x0 and r.y0 <= br.y0 and r.x1 >= br.x1 and r.y1 >= br.y1):
                    regions[i] = r = Rect(min(r.x0, br.x0), min(r.y0, br.y0), max(r.x1, br.x1), max(r.y1, br.y1))
                    grown = True
        merged = merge(regions)
        grown = grown or len(merged) != len(regions)
        regions = merged
    regions = [r.clip(full) for r in regions if not r.clip(full).empty]
    share = sum(r.width * r.height for r in regions) / max(1, full.width * full.height)
    if share > MAX_CHANGED:
        return None
    kept = [b for b in old_boxes if not any(_overlaps(_rect(b), r) for r in regions)]
    fresh = read_regions(engine, new, regions)
    return Update(sort_reading_order(kept + fresh), regions, len(kept), share)
