"""Read-back of a field by OCR of its crop, and the comparison with the intended value.

Messages never contain the value itself (citizen data); evidence crops do, and go where the
engine stores evidence.
"""

from __future__ import annotations

import re

import numpy as np

from clerkdesk.vision.layout import erase_caret, erase_rules, field_interior, light_background, text_extent
from clerkdesk.vision.normalize import digits, norm_value
from clerkdesk.vision.ocr import OcrEngine, read_line
from clerkdesk.vision.screen import Rect

_MASKABLE = re.compile(r"[\d\s\-/.:年月日时分秒]+")
# A text caret (the blinking insertion bar) right after the text is sometimes read as one of these.
_CARET_CHARS = "|丨!lI"


def is_masked_value(value: str) -> bool:
    """Digits with separators (dates, times, phone numbers): compared by their digits only, because
    masked fields (inputMask ``0000-00-00``) and date pickers show their own separators."""
    return bool(_MASKABLE.fullmatch(value)) and any(ch.isdigit() for ch in value)


def value_matches(intended: str, seen: str) -> bool:
    """Does the field's OCR text SEEN show INTENDED (normalised; digits only for masked values)?"""
    if is_masked_value(intended):
        return digits(intended) == digits(seen)
    want, got = norm_value(intended), norm_value(seen)
    if want == got:
        return True
    # tolerate an insertion caret read as a character at either end
    for c in _CARET_CHARS:
        if got.endswith(c) and not want.endswith(c) and got[:-1] == want:
            return True
        if got.startswith(c) and not want.startswith(c) and got[1:] == want:
            return True
    return False


def strip_caret(intended: str, seen: str) -> str:
    """SEEN without a caret read as a character at either end (when INTENDED has none there)."""
    t = seen.strip()
    for c in _CARET_CHARS:
        if t.endswith(c) and not intended.endswith(c):
            t = t[:-1]
        if t.startswith(c) and not intended.startswith(c):
            t = t[1:]
    return t


def read_crop(engine: OcrEngine, crop: np.ndarray, scale: float = 1.0) -> str:
    """OCR one line of text in CROP (blank → ``""``), trimmed to its ink first. SCALE > 1 enlarges it
    first (a second opinion on a short value: recognition misreads a lone 0 as d on small crops)."""
    crop = erase_rules(light_background(crop))
    if scale != 1.0:
        crop = erase_caret(crop)  # the second opinion also drops a caret glued to the text ("0|" read as "d")
    ext = text_extent(crop)
    if ext is None:
        return ""
    part = crop[ext.y0:ext.y1, ext.x0:ext.x1]
    if part.shape[0] < 6 or part.shape[1] < 4:
        return ""
    # recognition wants some margin; pad with the background colour
    bg = np.median(crop.reshape(-1, crop.shape[-1]), axis=0).astype(np.uint8)
    padded = np.empty((part.shape[0] + 8, part.shape[1] + 16, 3), np.uint8)
    padded[:] = bg
    padded[4:-4, 8:-8] = part[:, :, :3]
    if scale != 1.0:
        import cv2

        padded = cv2.resize(padded, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    text, _ = read_line(engine, padded)
    return text


def read_box(engine: OcrEngine, image: np.ndarray, box: Rect, combo: bool = False, scale: float = 1.0) -> str:
    """What the input box at BOX (image pixels of IMAGE) shows."""
    inner = field_interior(box, combo=combo)
    return read_crop(engine, image[inner.y0:inner.y1, inner.x0:inner.x1], scale)


def overflow_parts(intended: str, seen: str) -> bool:
    """Is SEEN a plausible visible tail of INTENDED in a field too narrow for it?"""
    want, got = norm_value(intended), norm_value(seen)
    return len(got) >= 3 and len(got) < len(want) and want.endswith(got)
