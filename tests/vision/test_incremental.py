"""Incremental screen understanding with the real PP-OCR models: after a change only the changed regions are
read (in one batch), the other boxes are reused, and the result is what a full read of the new screen gives."""

from __future__ import annotations

import time

import numpy as np
import pytest
from _vision_helpers import render

from clerkdesk.vision import incremental
from clerkdesk.vision.ocr import get_engine, read_screen

pytestmark = pytest.mark.ocr

FORM = [(10, 10, "姓名："), (10, 50, "户籍地址："), (10, 90, "联系电话："), (330, 10, "性别："),
        (330, 50, "民族："), (10, 150, "保存"), (120, 150, "取消")]
BOXES = [(90, 6, 300, 32), (90, 46, 300, 72), (90, 86, 300, 112), (390, 6, 600, 32), (390, 46, 600, 72)]


def test_only_the_changed_regions_are_read_and_the_result_equals_a_full_read() -> None:
    eng = get_engine()
    old = render(FORM, rects=BOXES)
    old_boxes = read_screen(eng, old)
    new = render([*FORM, (96, 10, "欧阳娜娜"), (396, 10, "女")], rects=BOXES)  # two values pasted
    up = incremental.update(eng, old, old_boxes, new)
    assert up is not None
    assert len(up.regions) == 2 and up.changed_share < 0.15
    assert up.reused == len(old_boxes) - 2 or up.reused >= len(old_boxes) - 3  # the labels beside the values
    full = read_screen(eng, new)
    assert sorted(b.text for b in up.boxes) == sorted(b.text for b in full)
    # the reading order is the engine's (``nth`` counts in it)
    assert [b.text for b in up.boxes] == [b.text for b in full]
    for a, b in zip(up.boxes, full, strict=True):
        assert np.allclose(a.bbox, b.bbox, atol=4), (a, b)


def test_nothing_changed_reads_nothing_and_a_new_screen_is_read_whole() -> None:
    eng = get_engine()
    old = render(FORM, rects=BOXES)
    old_boxes = read_screen(eng, old)
    same = incremental.update(eng, old, old_boxes, old.copy())
    assert same is not None and same.regions == [] and same.boxes == old_boxes
    other = render([(10 + 7 * i, 12 + 30 * i, "另一个标签页的内容") for i in range(6)], rects=[(0, 0, 639, 199)])
    assert incremental.update(eng, old, old_boxes, other) is None  # most of it changed: a full read is cheaper
    assert incremental.update(eng, old, old_boxes, old[:100]) is None  # another size


def test_regions_are_read_in_one_batch_faster_than_the_whole_screen() -> None:
    eng = get_engine()
    old = render(FORM, size=(1280, 800), rects=BOXES)
    old_boxes = read_screen(eng, old)
    new = render([*FORM, (96, 10, "欧阳娜娜"), (396, 50, "汉族")], size=(1280, 800), rects=BOXES)
    read_screen(eng, new)  # warm
    t0 = time.perf_counter()
    full = read_screen(eng, new)
    t_full = time.perf_counter() - t0
    t0 = time.perf_counter()
    up = incremental.update(eng, old, old_boxes, new)
    t_inc = time.perf_counter() - t0
    assert up is not None and sorted(b.text for b in up.boxes) == sorted(b.text for b in full)
    assert t_inc < t_full, (t_inc, t_full)
