"""Label → input box association (issue 13): a box 1–3 px from its label, OCR jitter of the label's
edges, labels above their boxes and wrapped over two lines, unit labels of spin-box groups, the
next-label limit, and ambiguity that fails with both boxes instead of guessing.

The association is image analysis on a rendered form; the label boxes come from real OCR where the
test is about OCR (wrapped labels, split boxes), and from the drawing coordinates in the property
tests (so that Hypothesis can try many layouts fast).
"""

from __future__ import annotations

import numpy as np
import pytest
from _vision_helpers import render
from hypothesis import given, settings
from hypothesis import strategies as st

from clerkdesk.vision import layout
from clerkdesk.vision.layout import AmbiguousInput, NotFound
from clerkdesk.vision.ocr import get_engine
from clerkdesk.vision.screen import Rect


def _label_rect(img: np.ndarray, x: int, y: int, px: int = 14) -> Rect:
    """The ink extent of a label drawn at (x, y), as OCR would box it (give or take a pixel)."""
    r = layout.text_extent(img[y - 4:y + px + 6, x - 2:x + 6 * px], pad=0)
    assert r is not None
    return Rect(x - 2 + r.x0, y - 4 + r.y0, x - 2 + r.x1, y - 4 + r.y1)


@settings(max_examples=40, deadline=None)
@given(gap=st.integers(1, 3), jitter=st.integers(-2, 2), below=st.integers(4, 14))
def test_a_box_drawn_1_to_3_px_from_its_label_is_chosen_whatever_the_ocr_jitter(gap: int, jitter: int,
                                                                                 below: int) -> None:
    """The issue's 户口性质: its box 2 px right of the label, another box just below; OCR reading the
    label a pixel or two wider must not move the field to the box below."""
    probe = render([(20, 40, "户口性质")], size=(520, 140))
    lab = _label_rect(probe, 20, 40)
    x0 = lab.x1 + gap
    box = (x0, lab.y0 - 6, x0 + 200, lab.y1 + 6)
    lower = (20, box[3] + below, 320, box[3] + below + 26)
    img = render([(20, 40, "户口性质")], size=(520, 140), rects=[box, lower])
    anchor = Rect(lab.x0, lab.y0 - 3, lab.x1 + jitter, lab.y1 + 3)  # OCR boxes are padded and jitter
    got, side = layout.find_input(img, anchor)
    assert side == "right" and abs(got.x0 - x0) <= 2, (got, box)


def test_a_box_that_only_grazes_the_row_against_one_below_is_ambiguous() -> None:
    # the label's centre (y≈57) sits 2 px below the right box's bottom edge; another box is right below
    img = render([(20, 50, "联系人")], size=(420, 140), rects=[(100, 30, 300, 55), (20, 72, 300, 98)])
    lab = _label_rect(img, 20, 50)
    anchor = Rect(lab.x0, lab.y0, lab.x1, lab.y1)
    with pytest.raises(AmbiguousInput) as e:
        layout.find_input(img, anchor)
    assert len(e.value.candidates) == 2
    tops = sorted(c.y0 for c in e.value.candidates)
    assert abs(tops[0] - 30) <= 2 and abs(tops[1] - 72) <= 2
    png = layout.annotate(img, [], e.value.candidates)  # the driver draws both as evidence
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_never_further_than_the_next_label() -> None:
    """出生日期 has no bordered box (a flat field); the box under the next label is not its box."""
    img = render([(20, 20, "出生日期"), (20, 70, "户籍地址")], size=(420, 160), rects=[(20, 92, 380, 150)])
    date = _label_rect(img, 20, 20)
    addr = _label_rect(img, 20, 70)
    with pytest.raises(NotFound) as e:
        layout.find_input(img, date, others=[addr])
    assert any("another text lies between" in t for t in e.value.tried)
    box, side = layout.find_input(img, addr, others=[date])
    assert side == "below" and abs(box.y0 - 92) <= 2 and box.height > 50  # a multi-line box is an input box


def test_unit_labels_of_a_spin_box_group_take_the_box_left_of_them() -> None:
    img = render([(20, 10, "出生日期"), (112, 40, "年"), (206, 40, "月"), (300, 40, "日")], size=(420, 90),
                 rects=[(20, 34, 106, 60), (134, 34, 200, 60), (228, 34, 294, 60)])
    boxes = {u: _label_rect(img, x, 40) for u, x in (("年", 112), ("月", 206), ("日", 300))}
    others = list(boxes.values())
    for unit, lab in boxes.items():
        got, side = layout.find_input(img, lab, others=[o for o in others if o != lab], text=unit)
        assert side == "left" and got.x1 <= lab.center[0] and lab.center[0] - got.x1 <= 30, (unit, got)
    got, side = layout.find_input(img, _label_rect(img, 20, 10), others=others, text="出生日期")
    assert side == "below" and abs(got.x0 - 20) <= 2


@pytest.mark.ocr
def test_labels_above_and_a_label_wrapped_over_two_lines() -> None:
    img = render([(20, 10, "姓名"), (300, 10, "性别"), (20, 72, "公民身份"), (20, 90, "证件号码"),
                  (300, 80, "联系电话")], size=(560, 150),
                 rects=[(20, 32, 260, 58), (300, 32, 540, 58), (20, 112, 260, 138), (300, 112, 540, 138)])
    boxes = get_engine().read(img)
    others = [layout.box_rect(b) for b in boxes]
    want = {"姓名": (20, 32), "性别": (300, 32), "公民身份证件号码": (20, 112), "联系电话": (300, 112)}
    for label, (x, y) in want.items():
        b, score = layout.find_label(boxes, label)
        assert score >= 0.97, (label, b.text)
        anchor = layout.box_rect(b)
        got, side = layout.find_input(img, anchor, others=[o for o in others if o != anchor], text=b.text,
                                      text_h=int(np.median([o.height for o in others])))
        assert side == "below" and abs(got.x0 - x) <= 2 and abs(got.y0 - y) <= 2, (label, got)
    # the wrapped label's first words alone still find the first line (and the same box)
    first, _ = layout.find_label(boxes, "公民身份")
    got, _ = layout.find_input(img, layout.box_rect(first), others=others, text=first.text)
    assert abs(got.y0 - 112) <= 2


@pytest.mark.ocr
def test_a_label_read_together_with_its_boxs_contents_is_split_at_the_border() -> None:
    img = render([(20, 14, "户口性质"), (86, 14, "农业")], size=(400, 50), rects=[(82, 8, 300, 36)])
    engine = get_engine()
    raw = engine.read(img)
    boxes = layout.split_at_inputs(img, raw, engine)
    texts = [b.text for b in boxes]
    assert "户口性质" in texts, (texts, [b.text for b in raw])
    b, score = layout.find_label(boxes, "户口性质")
    assert score == 1.0
    got, side = layout.find_input(img, layout.box_rect(b), others=[layout.box_rect(x) for x in boxes])
    assert side == "right" and abs(got.x0 - 82) <= 2


@pytest.mark.ocr
def test_contents_of_input_boxes_are_told_from_button_captions() -> None:
    img = render([(24, 14, "110101199011200012"), (350, 14, "保存")], size=(460, 50),
                 rects=[(20, 8, 300, 36), (320, 6, 410, 38)])
    boxes = get_engine().read(img)
    inside = layout.contents_of_inputs(img, boxes)
    by_text = {b.text: i for i, b in enumerate(boxes)}
    assert by_text["110101199011200012"] in inside
    assert by_text["保存"] not in inside
