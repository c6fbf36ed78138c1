"""A real third-party GTK3 dialog (gtkcal.py: a stock GtkCalendar, run by the system python3): a date is chosen by
clicking the calendar, navigated by its own header, and the click verified by its effect (issue 13).

GTK draws its header as ``‹ December ›  ‹ 2026 ›``: OCR reads the year with its arrows as one text (``<2026 >``)
and does not read the month's thin chevrons at all. Without a zh_CN locale (this machine has only C/POSIX)
the month is named in English."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from desktop_form_helpers import GTKCAL_TITLE, FormApp, make_ctx

from clerkdesk.drivers.desktop import DesktopDriver
from clerkdesk.drivers.desktop.calendar import find_headers
from clerkdesk.recipe.driver import Locator
from clerkdesk.recipe.steps import shows_choice
from clerkdesk.vision.ocr import TextBox


def _box(text: str, x0: int, y0: int, x1: int, y1: int) -> TextBox:
    return TextBox(text, 1.0, ((x0, y0), (x1, y0), (x1, y1), (x0, y1)))


def test_a_year_read_with_its_arrows_as_one_text_is_a_header_with_both_arrows() -> None:
    # what rapidocr reads of GTK's header (the month's chevrons are not read at all)
    boxes = [_box("December", 103, 105, 196, 127), _box("<2026 >", 243, 103, 311, 128), _box("Sun Mon Tue", 92, 130, 252, 155)]
    (h,) = find_headers(boxes)
    assert (h.year, h.month) == (2026, 12)
    back, fwd = sorted(h.arrows, key=lambda a: a[0].x0)
    assert back[1] == -1 and fwd[1] == 1
    assert back[0].x1 <= 256 and fwd[0].x0 >= 296  # the glyphs' share of the box, not the year's digits
    assert back[0].center[0] >= 243 and fwd[0].center[0] <= 311


def test_unread_chevrons_beside_the_month_are_found_in_the_pixels() -> None:
    img = np.full((60, 400, 3), 240, np.uint8)
    img[10:40, 92] = 120  # the calendar's frame: a full-height line, not an arrow
    img[20:32, 98:102] = 60  # ‹
    img[16:36, 111:180:3] = 20  # "December": strokes 2 px apart
    img[20:32, 188:192] = 60  # ›
    boxes = [_box("December", 103, 14, 196, 37), _box("2026", 253, 14, 292, 37), _box("<", 243, 14, 252, 37), _box(">", 302, 14, 311, 37)]
    (h,) = find_headers(boxes, img)
    xs = sorted((r.center[0], d) for r, d in h.arrows)
    assert [d for _, d in xs] == [-1, 1, -1, 1]
    assert 96 <= xs[0][0] <= 104 and 186 <= xs[1][0] <= 194


@pytest.mark.desktop
@pytest.mark.ocr
def test_a_date_is_clicked_on_a_gtk_calendar_through_its_header_and_verified(
        gtkcal: Callable[..., FormApp], home: Path) -> None:
    app = gtkcal("--start", "2026-12", "--selected", "4")
    d = DesktopDriver()
    d.start(make_ctx(home))
    d.open(GTKCAL_TITLE, 20)
    d.fill(Locator(label="姓名"), "张三", 10)
    # one month back (the month's chevron); then 14 months back: the year's arrows and the month's
    # the date read back afterwards (the box the calendar writes) is returned; the step compares it as a date
    shown = d.choose(Locator(label="出生日期"), "2026-11-20", 20)
    assert shown == "2026-11-20" and shows_choice(shown, "2026-11-20")
    shown = d.choose(Locator(label="出生日期"), "2025-9-5", 30)
    assert shown == "2025-09-05" and shows_choice(shown, "2025-9-5")
    d.click(Locator(text="保存", exact=True), 5)
    got = app.values()
    assert got == {"name": "张三", "date": "2025-09-05", "shown": [2025, 9]}
    assert any("arrow click" in t for t in d.trace)
