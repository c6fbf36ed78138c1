"""The demo, served into every sandbox system (人社, 市场监管 on the web; 公积金 on the desktop) by keyboard alone.

Nothing here calls a widget method: the clerk's part is F5, F9 at each 提交确认, Ctrl+Shift+C and F8. Logins are
the test clerk's (as a person would, in the target window), see ``make_window``.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from ui_helpers import assert_all_succeeded, press, wait_done

from clerkdesk.ui.demo import Demo

pytestmark = [pytest.mark.browser, pytest.mark.desktop, pytest.mark.ocr]


def test_demo_case_into_every_sandbox_system_by_keyboard(make_window: Any, qtbot: Any, sandbox: Any,
                                                         gjj_client: Any, answer_confirms: Any) -> None:
    demo = Demo(sandbox, desktop=gjj_client.proc)
    before = {s: len(sandbox.submissions(s)) for s in ("hrss", "amr")}
    win = make_window(demo=demo)
    systems = {win.desk.catalog.get(t).system for t in win.form.targets()}
    assert systems == {"hrss", "amr", "gjj"}, systems  # the demo ticks a matter in every system
    answer_confirms(win)  # F9 on every 提交确认, as the clerk would
    press(qtbot, win, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: bool(win.monitor.cards), timeout=10000)
    assert win.tabs.currentWidget() is win.monitor
    statuses = wait_done(qtbot, win, timeout=240000)
    assert_all_succeeded(win)
    receipts = win.monitor.receipts()
    assert len(receipts) == len(statuses) and all(receipts.values())
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win, timeout=3000)
    qtbot.keyClick(win, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    copied = QApplication.clipboard().text()
    assert all(r in copied for r in receipts.values()), copied  # every receipt, for the citizen's slip
    assert any(re.search(r"GJ\d{12}", r) for r in receipts.values()), receipts
    assert {s: len(sandbox.submissions(s)) - before[s] for s in before} == {
        s: sum(1 for t in statuses if win.desk.catalog.get(t).system == s) for s in before}  # each exactly once
    assert gjj_client.log.read_text(encoding="utf-8").count("个人开户") == 1
    press(qtbot, win, Qt.Key.Key_F8)  # 今日案件: the case, done
    assert win.tabs.currentWidget() is win.cases
    qtbot.waitUntil(lambda: bool(win.cases.rows) and win.cases.rows[0]["status"] == "done", timeout=5000)
