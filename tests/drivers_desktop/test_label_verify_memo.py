"""A cached label is verified by OCR of its crop before each use; an unchanged crop (same pixels) is not
recognised again — in the same driver or a new one in the same process — and a changed one always is (issue 13,
speed). Real models, a rendered label, no screen."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from clerkdesk.drivers.desktop.reader import ScreenReader
from clerkdesk.drivers.desktop.view import View
from clerkdesk.vision.ocr import TextBox, get_engine
from clerkdesk.vision.screen import Rect, Shot
from clerkdesk.vision.windows import Window

pytestmark = pytest.mark.ocr
FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"


def _view(text: str, shade: int = 0) -> View:
    img = Image.new("RGB", (300, 60), (240, 240, 240))
    ImageDraw.Draw(img).text((20, 18), text, font=ImageFont.truetype(FONT, 16), fill=(shade, shade, shade))
    return View(Shot(np.asarray(img).copy(), 0, 0), Window(1, "t", Rect(0, 0, 300, 60)), [])


def _reader() -> ScreenReader:
    stats = {"full_ocr": 0, "cache_hits": 0, "cache_misses": 0, "line_ocr": 0, "retries": 0, "verify_reused": 0}
    return ScreenReader(get_engine(), 0.75, stats, [], lambda: "test")


def test_an_unchanged_label_crop_is_not_read_again_and_a_changed_one_is() -> None:
    box = TextBox("户口性质", 1.0, ((18, 16), (90, 16), (90, 40), (18, 40)))
    view = _view("户口性质")
    r = _reader()
    assert r.verify(view, box, "户口性质")
    assert r.stats["line_ocr"] == 1
    assert r.verify(view, box, "户口性质") and r.verify(_view("户口性质"), box, "户口性质")
    assert r.stats["line_ocr"] == 1 and r.stats["verify_reused"] == 2
    again = _reader()  # a new driver in the same process (a warm run)
    assert again.verify(_view("户口性质"), box, "户口性质") and again.stats["line_ocr"] == 0
    # other pixels at the same place: read again, and a different label fails
    assert not r.verify(_view("出生日期"), box, "户口性质")
    assert r.stats["line_ocr"] >= 2
    n = r.stats["line_ocr"]
    assert r.verify(_view("户口性质", shade=40), box, "户口性质") and r.stats["line_ocr"] > n
    # another wanted text on the same pixels is a different question
    assert not r.verify(view, box, "出生日期")
