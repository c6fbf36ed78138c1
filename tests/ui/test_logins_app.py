"""One login per system per clerk session, in the app (issue 14 item 2): two 人社 matters of one case run in
the system's lane, one after the other, in one browser — the clerk logs in (and types a captcha) once; the login
dialog names the browser window to act in. Real Chromium against the sandbox."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from ui_helpers import CASE, EMPLOYMENT, INSURANCE, person, press, wait_done

from tests.support.clerks import login

pytestmark = pytest.mark.browser


def test_two_matters_of_one_system_ask_for_one_login(make_window: Any, qtbot: Any, answer_confirms: Any) -> None:
    from clerkdesk.ui.dialogs import HumanDialog

    logins: list[Any] = []
    seen: list[str] = []

    def clerk_logs_in(driver: Any) -> None:
        logins.append(driver)
        login(driver)

    win = make_window(assist=clerk_logs_in)
    stop = answer_confirms(win)

    def note() -> bool:  # the login dialog says which window to use
        for d in win.monitor.dialogs.values():
            if isinstance(d, HumanDialog):
                seen.extend(lb.text() for lb in d.findChildren(type(d.hint)) if "浏览器窗口" in lb.text())
        return bool(seen) or len(logins) > 0

    win.form.set_matters([EMPLOYMENT, INSURANCE])
    win.form.fill_values({**person("11010519900307153"), **CASE, "case.insurances": ["养老"],
                          "case.insured_from": "2026-11-01", "case.contribution_base": "8000"})
    press(qtbot, win, Qt.Key.Key_F5)
    qtbot.waitUntil(note, timeout=60000)
    assert wait_done(qtbot, win, timeout=120000) == {EMPLOYMENT: "succeeded", INSURANCE: "succeeded"}
    stop()
    assert len(logins) == 1  # one login for both matters of 人社
    assert seen and "第 1 个浏览器窗口" in seen[0], seen
