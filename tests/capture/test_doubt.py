"""Per-field doubt lines: capture's low_confidence and the app's doubtful fields follow capture.doubt."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from clerkdesk.capture import doubt
from clerkdesk.capture.documents import _parse
from clerkdesk.desk.documents import build
from clerkdesk.vision.ocr import TextBox


def box(text: str, x0: float, y0: float, x1: float, y1: float, score: float = 0.99) -> TextBox:
    return TextBox(text, score, ((x0, y0), (x1, y0), (x1, y1), (x0, y1)))


def test_every_line_is_a_probability_and_unlisted_fields_use_the_default() -> None:
    assert all(0.5 <= line < 1.0 for line in doubt.LINES.values())
    assert doubt.doubt_below("license", "no such field") == doubt.DEFAULT
    # a card reader's record takes the stricter line of the two sides
    for (kind, name), line in doubt.LINES.items():
        if kind.startswith("idcard"):
            assert doubt.doubt_below("idcard", name) >= line


def test_capture_and_the_app_flag_by_the_fields_own_line(monkeypatch: pytest.MonkeyPatch) -> None:
    """An address read at 0.86 is fine under a line of 0.8 and doubtful under a line of 0.9 — in the
    capture result (low_confidence) and in what the app shows (doubtful)."""
    boxes = [box("姓名", 260, 160, 320, 188), box("莫娟", 350, 158, 420, 190),
             box("性别", 260, 220, 320, 248), box("女", 350, 218, 380, 250),
             box("民族", 470, 220, 530, 248), box("回", 560, 218, 590, 250),
             box("出生", 260, 280, 320, 308), box("1992年4月3日", 350, 278, 560, 310),
             box("住址", 260, 340, 320, 368), box("浙江省金华市浦江县黄河大道51号", 350, 338, 760, 370, 0.86),
             box("公民身份号码", 260, 560, 440, 588), box("330726199204037462", 520, 556, 990, 592)]
    img = np.full((800, 1200, 3), 200, np.uint8)

    def read() -> tuple[set[str], bool]:
        r = _parse("idcard-front", img, boxes, dt.date(2026, 12, 5), framed=True)  # _finish included
        raw = {n: (f.value, f.confidence, f.flags) for n, f in r.fields.items()}
        shown = build("idcard-front", "file", raw, r.problems)
        return {p.field for p in r.problems if p.code == "low_confidence"}, shown.fields["person.hukou_address"].doubtful

    monkeypatch.setitem(doubt.LINES, ("idcard-front", "address"), 0.8)
    assert read() == (set(), False)
    monkeypatch.setitem(doubt.LINES, ("idcard-front", "address"), 0.9)
    assert read() == ({"address"}, True)


FRONT = [box("姓名", 260, 160, 320, 188), box("莫娟", 350, 158, 420, 190),
         box("性别", 260, 220, 320, 248), box("女", 350, 218, 380, 250),
         box("民族", 470, 220, 530, 248), box("回", 560, 218, 590, 250),
         box("出生", 260, 280, 320, 308), box("1992年4月3日", 350, 278, 560, 310),
         box("住址", 260, 340, 320, 368), box("浙江省金华市浦江县黄河大道51号", 350, 338, 760, 370),
         box("公民身份号码", 260, 560, 440, 588), box("330726199204037462", 520, 556, 990, 592)]


@pytest.mark.parametrize(("text", "field", "path", "score"), [
    # the silent error: 和平大号 for 和平大道9号 read at 0.823, just above the old single line of 0.80
    ("浙江省金华市浦江县黄河大道51号", "address", "person.hukou_address", 0.823),
    ("浙江省金华市浦江县黄河大道51号", "address", "person.hukou_address", 0.93),
    ("莫娟", "name", "person.name", 0.86),
])
def test_a_field_read_below_its_calibrated_line_is_flagged(text: str, field: str, path: str, score: float) -> None:
    """With the calibrated lines (capture.doubt.LINES as shipped): an address read at 0.823 or 0.93 and a name
    at 0.86 are doubtful — low_confidence in the capture result and amber in the app — while under the old
    single line of 0.80 all three passed as sure. The same values read at 0.99 are not flagged."""
    def read(s: float) -> tuple[bool, bool]:
        boxes = [box(b.text, *b.bbox, s) if b.text == text else b for b in FRONT]
        r = _parse("idcard-front", np.full((800, 1200, 3), 200, np.uint8), boxes, dt.date(2026, 12, 5), framed=True)
        raw = {n: (f.value, f.confidence, f.flags) for n, f in r.fields.items()}
        shown = build("idcard-front", "file", raw, r.problems)
        return any(p.field == field and p.code == "low_confidence" for p in r.problems), shown.fields[path].doubtful

    assert read(score) == (True, True)
    assert read(0.99) == (False, False)
