"""A stock Qt ``QDateEdit`` with ``calendarPopup`` (qtdate.py): its calendar is a pop-up drawn outside the
window (an override-redirect window on X11, no dialog), opened by the arrow at the box's right end. ``choose``
of a date opens it, reads its header (``‹ December 2026 ›``: the month a menu button, the year a spin box),
navigates by its arrows, clicks the day and reads the box back (issue 13: the picker was tested on Tk only)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from desktop_form_helpers import FormApp, make_ctx

from clerkdesk.drivers.desktop import DesktopDriver
from clerkdesk.recipe.driver import Locator
from clerkdesk.recipe.steps import shows_choice


@pytest.mark.desktop
@pytest.mark.ocr
def test_a_date_is_picked_on_the_calendar_pop_up_of_a_qt_date_edit(
        qtdate: Callable[..., FormApp], home: Path) -> None:
    app = qtdate("--start", "2026-12-04")
    d = DesktopDriver()
    d.start(make_ctx(home))
    d.open("Qt日期窗口", 20)
    d.fill(Locator(label="姓名"), "王五", 10)
    shown = d.choose(Locator(label="出生日期"), "2026-11-20", 20)
    assert shows_choice(shown, "2026-11-20"), shown
    assert any("picker opened by its button" in t and "closed after the click" in t for t in d.trace), d.trace
    shown = d.choose(Locator(label="出生日期"), "2025-9-5", 40)
    assert shows_choice(shown, "2025-9-5"), shown
    d.click(Locator(text="保存", exact=True), 5)
    assert app.values() == {"name": "王五", "date": "2025-09-05"}
