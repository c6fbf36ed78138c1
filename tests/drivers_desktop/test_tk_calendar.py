"""Every effect of a click verified on a Tk client (tkcal.py): a month calendar that opens on another month is
navigated by its header to the wanted date and the selection read back (``date``), a radio button and a check
button read back after the click, and a save blocked by the client's own message box names the message."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from desktop_form_helpers import TKCAL_TITLE, FormApp, make_ctx

from clerkdesk.drivers.desktop import DesktopDriver
from clerkdesk.recipe.driver import Condition, DriverError, Locator

pytestmark = [pytest.mark.desktop, pytest.mark.ocr]


def _driver(home: Path) -> DesktopDriver:
    d = DesktopDriver()
    d.start(make_ctx(home))
    return d


def test_date_navigates_the_calendar_from_another_month_and_verifies_the_day(
        tkcal: Callable[..., FormApp], home: Path) -> None:
    app = tkcal("--start", "2026-12", "--selected", "4")
    d = _driver(home)
    d.open(TKCAL_TITLE, 15)
    full = d.stats["full_ocr"]
    # one month back (the 20 of November, not December's); then 14 months back: the year arrow, two month clicks
    assert d.pick_date(Locator(label="出生日期"), "2026-11-20", 10) == "2026-11-20"
    assert d.pick_date(Locator(label="出生日期"), "2025-9-5", 20) == "2025-09-05"
    d.click(Locator(text="保存", exact=True), 5)
    got = app.values()
    assert got["date"] == "2025-09-05" and got["shown"] == [2025, 9]
    # the header is re-read from its row after every arrow click: no full OCR per click
    assert d.stats["full_ocr"] - full <= 4
    assert any("arrow click" in t for t in d.trace)
