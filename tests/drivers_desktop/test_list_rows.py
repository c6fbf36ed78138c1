"""Drop-down lists read fast: rows found by their ink (no text detection), rows read once per process."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from desktop_form_helpers import TITLE, FormApp, make_ctx
from hypothesis import given, settings
from hypothesis import strategies as st

from clerkdesk.drivers.desktop import DesktopDriver
from clerkdesk.drivers.desktop.lists import ink_rows
from clerkdesk.recipe.driver import Locator


@settings(max_examples=60, deadline=None)
@given(n=st.integers(2, 14), pitch=st.integers(18, 30), text_h=st.integers(9, 14),
       widths=st.lists(st.integers(12, 90), min_size=14, max_size=14), band=st.integers(-1, 13),
       gap=st.booleans())
def test_ink_rows_finds_every_whole_row_of_a_list(n: int, pitch: int, text_h: int, widths: list[int], band: int,
                                                  gap: bool) -> None:
    """A list drawn as N rows of glyph-like ink (one row highlighted white on navy, a frame around it, glyphs with a
    blank line inside): every row is found, once, where it is; the frame and the band are not text."""
    text_h = min(text_h, pitch - 6)
    h, w = n * pitch + 4, 200
    img = np.full((h, w, 3), 240, np.uint8)
    img[0, :] = img[-1, :] = img[:, 0] = img[:, -1] = 90  # the list's frame
    want = []
    for i in range(n):
        top = 2 + i * pitch
        y0 = top + (pitch - text_h) // 2
        x1 = 10 + widths[i]
        if i == band:
            img[top:top + pitch, 1:-1] = (48, 100, 180)  # the current item, white on navy
            ink = (255, 255, 255)
        else:
            ink = (20, 20, 20)
        img[y0:y0 + text_h, 10:x1] = ink
        if gap:  # 二: a blank line across the glyphs
            img[y0 + text_h // 2, 10:x1] = img[y0 - 1, 10]
        want.append((10, y0, x1, y0 + text_h))
    got = ink_rows(img, 24.0)
    assert got == want


def test_ink_rows_refuses_what_is_not_a_list() -> None:
    """A picture (one tall blob) or a crop of two different text sizes is left to text detection."""
    img = np.full((200, 200, 3), 240, np.uint8)
    img[20:180, 30:150] = 30
    assert ink_rows(img, 24.0) is None
    img = np.full((200, 200, 3), 240, np.uint8)
    img[20:30, 10:80] = 30
    img[50:90, 10:80] = 30  # a box's worth of ink, not a row of text
    assert ink_rows(img, 24.0) is None


@pytest.mark.desktop
@pytest.mark.ocr
def test_choose_reads_the_list_without_detection_and_once(formapp: Callable[..., FormApp], home: Path) -> None:
    """choose on a Qt drop-down finds the list's rows by their ink (no text detection call), and the same list opened
    again by a new driver is not recognised again (its rows' pixels are known); the item lands either way."""
    app = formapp()
    d = DesktopDriver()
    d.start(make_ctx(home))
    d.open(TITLE, 15)
    assert d.choose(Locator(label="民族"), "土家族", 5) == "土家族"
    assert d.stats.get("list_detect", 0) == 0
    d.fill(Locator(label="姓名"), "欧阳娜娜", 5)
    app.stop()
    app = formapp()
    d = DesktopDriver()
    d.start(make_ctx(home))
    d.open(TITLE, 15)
    assert d.choose(Locator(label="民族"), "土家族", 5) == "土家族"
    assert d.stats.get("list_detect", 0) == 0 and d.stats.get("rows_reused", 0) > 0
    d.click(Locator(text="保存", exact=True), 5)
    assert app.values()["ethnic"] == "土家族"
