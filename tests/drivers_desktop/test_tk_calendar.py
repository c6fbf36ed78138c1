"""Every effect of a click verified on a Tk client (tkcal.py): a month calendar that opens on another month is
navigated by its header to the wanted date and the selection read back (``choose`` of a date), a radio button and a check
button read back after the click, and a save blocked by the client's own message box names the message."""

from __future__ import annotations

import time
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


def test_choose_a_date_navigates_the_calendar_from_another_month_and_verifies_the_day(
        tkcal: Callable[..., FormApp], home: Path) -> None:
    app = tkcal("--start", "2026-12", "--selected", "4")
    d = _driver(home)
    d.open(TKCAL_TITLE, 15)
    full = d.stats["full_ocr"]
    # one month back (the 20 of November, not December's); then 14 months back: the year arrow, two month clicks
    d.choose(Locator(label="出生日期"), "2026-11-20", 10)
    d.choose(Locator(label="出生日期"), "2025-9-5", 20)
    d.click(Locator(text="保存", exact=True), 5)
    got = app.values()
    assert got["date"] == "2025-09-05" and got["shown"] == [2025, 9]
    # the header is re-read from its row after every arrow click: no full OCR per click
    assert d.stats["full_ocr"] - full <= 4
    assert any("arrow click" in t for t in d.trace)


def test_a_calendar_opened_by_the_button_beside_the_date_box_is_navigated_and_the_box_read_back(
        tkcal: Callable[..., FormApp], home: Path) -> None:
    """A date picker (``--popup``): no calendar on the form, a ▼ button right of the 出生日期 box opens one in a window
    of its own, which closes when a day is clicked. ``choose`` clicks the button, navigates the calendar, clicks the
    day and reads the date back from the box; a second date opens the picker again (14 months back)."""
    app = tkcal("--popup", "--start", "2026-12", "--selected", "4")
    d = _driver(home)
    d.open(TKCAL_TITLE, 15)
    d.fill(Locator(label="姓名"), "张三", 5)
    assert d.choose(Locator(label="出生日期"), "2026-11-20", 15) == "2026-11-20"
    assert d.choose(Locator(label="出生日期"), "2025-9-5", 20) == "2025-09-05"
    assert not d.tracker.dialogs()  # the picker closed itself; nothing else was opened or left open
    d.click(Locator(text="保存", exact=True), 5)
    got = app.values()
    assert got["date"] == "2025-09-05" and got["shown"] == [2025, 9] and got["name"] == "张三"
    assert any("picker opened by its button" in t for t in d.trace)


def test_a_day_of_the_next_month_shown_grey_is_never_clicked(tkcal: Callable[..., FormApp], home: Path) -> None:
    # January 2027's grid shows a grey 2 (of February) in its last row besides the 2 of January
    app = tkcal("--start", "2026-12")
    d = _driver(home)
    d.open(TKCAL_TITLE, 15)
    d.choose(Locator(label="出生日期"), "2027-01-02", 10)
    d.click(Locator(text="保存", exact=True), 5)
    assert app.values()["date"] == "2027-01-02"


def test_a_click_that_selects_nothing_fails_the_choice_clearly(tkcal: Callable[..., FormApp], home: Path) -> None:
    tkcal("--frozen")  # the days ignore clicks
    d = _driver(home)
    d.open(TKCAL_TITLE, 15)
    with pytest.raises(DriverError, match="does not look selected") as e:
        d.choose(Locator(label="出生日期"), "2026-12-20", 10)
    assert e.value.evidence


def test_radio_and_check_buttons_are_read_back_after_the_click(tkcal: Callable[..., FormApp], home: Path) -> None:
    app = tkcal()
    d = _driver(home)
    d.open(TKCAL_TITLE, 15)
    # a radio group: no box beside the label, the option on its row; the text of the option read ticked returned
    assert d.choose(Locator(label="性别"), "女", 5) == "女"
    assert d.check(Locator(label="已婚"), True, 5) is True  # Tk's 10-px indicator beside 14-px text
    assert d.choose(Locator(label="性别"), "男", 5) == "男"
    assert d.choose(Locator(label="出生日期"), "2026-12-20", 10) == "2026-12-20"  # the box, read back
    d.click(Locator(text="保存", exact=True), 5)
    got = app.values()
    assert got["sex"] == "男" and got["married"] is True


def test_a_save_refused_by_the_clients_message_box_reports_its_words(
        tkcal: Callable[..., FormApp], home: Path) -> None:
    tkcal()
    d = _driver(home)
    d.open(TKCAL_TITLE, 15)
    d.click(Locator(text="保存", exact=True), 5)  # 出生日期 is empty: the client opens 出生日期无效
    t0 = time.monotonic()
    with pytest.raises(DriverError) as e:
        d.wait_for(Condition(text="保存成功"), 30)
    assert "出生日期无效" in e.value.message and "message box" in e.value.message
    assert time.monotonic() - t0 < 25  # given up once the box stayed up, not at the timeout


def test_the_probe_never_raises_the_window_over_an_open_message_box(
        tkcal: Callable[..., FormApp], home: Path) -> None:
    from clerkdesk.drivers.desktop.probe import probe_window
    from clerkdesk.vision import screen, windows

    tkcal()
    d = _driver(home)
    d.open(TKCAL_TITLE, 15)
    d.click(Locator(text="保存", exact=True), 5)  # the client's modal box 出生日期无效 opens over the form
    box = next(w for w in windows.list_windows() if w.title == "错误")
    before = screen.grab(box.rect).image
    result, _, boxes, _ = probe_window(TKCAL_TITLE, timeout=5)
    assert result.dialogs == ["错误"]
    assert any("出生日期无效" in b.text for b in boxes)
    # no window manager here: a raised main window would cover the box; its pixels are unchanged
    assert (screen.grab(box.rect).image == before).all()
    assert windows.active_window() == box.handle


def test_a_field_hidden_by_the_clients_message_box_names_the_message(
        tkcal: Callable[..., FormApp], home: Path) -> None:
    tkcal()
    d = _driver(home)
    d.open(TKCAL_TITLE, 15)
    d.click(Locator(text="保存", exact=True), 5)  # 出生日期无效 opens; the form behind it cannot be used
    with pytest.raises(DriverError) as e:
        d.fill(Locator(label="姓名"), "张三", 1)
    assert "出生日期无效" in e.value.message
