"""The hall in the clerk's window: 转后台办理 (Ctrl+B) on a shared PostgreSQL store, a real worker process fills
it in the sandbox and its receipt shows in 今日案件; a case the worker hands back is in the clerk's queue
(Ctrl+Shift+B) and opens in the run monitor; the hall view is a supervisor's tab only."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from ui_helpers import INSURANCE, person

from clerkdesk.desk import CaseRequest, Desk, FillOptions
from tests.support.clerks import SandboxClerk

COVER = {"case.insurances": ["养老", "医疗"], "case.insured_from": "2026-12-01", "case.contribution_base": "5200"}
RECEIPT = re.compile(r"RS\d+")
CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier


def press(qtbot: Any, win: Any, key: Qt.Key, mods: Any = CTRL) -> None:
    """A window shortcut with modifiers, pressed as the clerk would (the main window active)."""
    from PySide6.QtWidgets import QApplication

    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win, timeout=3000)
    qtbot.keyClick(win, key, mods)


def test_the_hall_view_is_a_supervisors_tab(make_window: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLERKDESK_SUPERVISORS", "chief")
    monkeypatch.delenv("CLERKDESK_DATABASE_URL", raising=False)
    win = make_window(clerk="chief")
    assert win.hall_action.isVisible() and win.hall_tab.view is not None
    assert win.hall_tab.view.titles.get("hrss") == "人力资源和社会保障业务经办系统"  # systems by name, as the recipes give it
    with qtbot.waitSignal(win.hall_tab.view.loaded, timeout=10_000):
        press(qtbot, win, Qt.Key.Key_H, CTRL | SHIFT)
    assert win.tabs.currentWidget() is win.hall_tab.view
    from clerkdesk.ui.workers import wait_ops

    assert wait_ops(10)  # a second load, had one been started, would have finished by now
    assert [r["action"] for r in win.desk.store.audit.rows()].count("hall_report_viewed") == 1  # one look
    views = win.hall_tab.view
    views.shown = None
    win.show_tab(0)
    with qtbot.waitSignal(views.loaded, timeout=10_000):  # chosen with the mouse: loaded as well
        win.tabs.setCurrentWidget(views)
    # on a workstation's own SQLite file there is no back office: Ctrl+B says why, nothing is stored
    win.show_tab(0)
    win.form.set_matters([INSURANCE])
    press(qtbot, win, Qt.Key.Key_B)
    assert "共享档案库" in win.message.text() or "shared store" in win.message.text()
    assert win.back_office.confirm_box is None and win.desk.store.cases.list() == []


def _worker(home: Path, pg_url: str, hrss: str, *args: str) -> None:
    env = {**os.environ, "CLERKDESK_HOME": str(home), "CLERKDESK_DATABASE_URL": pg_url, "CLERKDESK_QUEUE_URL": pg_url}
    p = subprocess.run([sys.executable, "-m", "clerkdesk", *args, "worker", "--once", "--system-url", f"hrss={hrss}"],
                       env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=240)
    assert p.returncode == 0, p.stderr


def _queue_from_the_form(win: Any, qtbot: Any, values: dict[str, Any]) -> str:
    win.show_tab(0)
    win.form.set_matters([INSURANCE])
    win.form.fill_values(values)
    press(qtbot, win, Qt.Key.Key_B)
    qtbot.waitUntil(lambda: win.back_office.confirm_box is not None and win.back_office.confirm_box.isVisible(),
                    timeout=5000)
    box = win.back_office.confirm_box
    assert "不再逐一询问" in box.text()  # the clerk is told the back office submits without asking again
    with qtbot.waitSignal(win.back_office.queued, timeout=20_000) as got:
        qtbot.keyClick(box, Qt.Key.Key_Return)
    return str(got.args[0])


def _row(win: Any, case_id: str) -> int:
    return next(i for i, r in enumerate(win.cases.rows) if r["id"] == case_id)


@pytest.mark.browser
def test_queued_at_the_window_filled_by_a_worker_receipt_shown_and_a_handed_back_case_opens(
        make_window: Any, qtbot: Any, sandbox: Any, home: Path, pg_url: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLERKDESK_DATABASE_URL", pg_url)
    monkeypatch.setenv("CLERKDESK_QUEUE_URL", pg_url)
    urls = {"hrss": sandbox.hrss_url, "amr": sandbox.amr_url}
    # this workstation's account logs in to the sandbox HRSS once (a fill at the window): the worker keeps it
    d = Desk(home)
    try:
        res = d.fill(CaseRequest("person", {k.removeprefix("person."): v for k, v in
                                            person("11010519880214301").items()}, (INSURANCE,),
                                 {k.removeprefix("case."): v for k, v in COVER.items()}),
                     SandboxClerk(), FillOptions(headless=True, system_urls=urls))
        assert res.ok, res.outcomes
    finally:
        d.close()
    before = len(sandbox.submissions("hrss"))

    win = make_window()
    first = person("11010519880214328")
    case_id = _queue_from_the_form(win, qtbot, {**first, **COVER})
    assert win.tabs.currentWidget() is win.cases
    qtbot.waitUntil(lambda: any(r["id"] == case_id for r in win.cases.rows), timeout=10_000)
    assert win.cases.table.item(_row(win, case_id), 3).text() == "已转后台"
    assert not win.cases.rows[_row(win, case_id)]["resumable"]  # the back office's now, not this window's
    assert win.form.values().get("person.id_number") in (None, "")  # the form is free for the next citizen
    assert len(sandbox.submissions("hrss")) == before  # nothing was filed by the front window

    _worker(home, pg_url, sandbox.hrss_url)
    assert len(sandbox.submissions("hrss")) == before + 1
    win.back_office.poll()  # the window's timer does this every few seconds
    qtbot.waitUntil(lambda: win.cases.table.item(_row(win, case_id), 3).text() == "全部完成", timeout=10_000)
    assert RECEIPT.fullmatch(win.cases.table.item(_row(win, case_id), 4).text())

    # a worker whose account has no kept login cannot log in by itself: the case comes back to this window
    second = person("11010519880214336")
    back = _queue_from_the_form(win, qtbot, {**second, **COVER})
    _worker(home, pg_url, sandbox.hrss_url, "--clerk", "backoffice-2")
    assert len(sandbox.submissions("hrss")) == before + 1
    win.back_office.poll()
    qtbot.waitUntil(lambda: win.back_office.button.isVisible(), timeout=10_000)
    assert "1" in win.back_office.button.text()
    qtbot.waitUntil(lambda: win.cases.table.item(_row(win, back), 3).text() == "待处理", timeout=10_000)
    dlg = win.back_office.open_returned()
    with qtbot.waitSignal(dlg.loaded, timeout=10_000):
        pass
    assert dlg.table.rowCount() == 1 and dlg.rows[0].case == back
    assert dlg.table.item(0, 2).text() == "人力资源和社会保障业务经办系统"  # the system by its name, not its id
    assert "person must act" in dlg.table.item(0, 3).text()
    qtbot.keyClick(dlg.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: win.monitor.case_id == back, timeout=10_000)
    assert win.tabs.currentWidget() is win.monitor and not dlg.isVisible()


def test_a_case_of_todays_list_is_queued_once_with_ctrl_b(make_window: Any, qtbot: Any, sandbox: Any,
                                                           pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import psycopg

    monkeypatch.setenv("CLERKDESK_DATABASE_URL", pg_url)
    monkeypatch.setenv("CLERKDESK_QUEUE_URL", pg_url)
    win = make_window()
    values = {k.split(".", 1)[1]: v for k, v in person("11010519880214344").items()}
    res, _plan = win.desk.open_case(CaseRequest("person", values, (INSURANCE,),
                                                {k.removeprefix("case."): v for k, v in COVER.items()}),
                                    FillOptions(system_urls={"hrss": sandbox.hrss_url}))
    rid = res.runs[INSURANCE]
    win.cases.refresh()
    qtbot.waitUntil(lambda: any(r["id"] == res.case_id for r in win.cases.rows), timeout=10_000)
    press(qtbot, win, Qt.Key.Key_F8, Qt.KeyboardModifier.NoModifier)
    win.cases.select_case(res.case_id)
    for _ in range(2):  # the second Ctrl+B finds the job waiting already: no second job
        press(qtbot, win, Qt.Key.Key_B)
        qtbot.waitUntil(lambda: win.back_office.confirm_box is not None and win.back_office.confirm_box.isVisible(),
                        timeout=5000)
        assert "参保" in win.back_office.confirm_box.text() or INSURANCE in win.back_office.confirm_box.text()
        with qtbot.waitSignal(win.back_office.queued, timeout=20_000):
            qtbot.keyClick(win.back_office.confirm_box, Qt.Key.Key_Return)
        win.back_office.confirm_box = None
        qtbot.waitUntil(lambda: win.cases.table.item(_row(win, res.case_id), 3).text() == "已转后台", timeout=10_000)
    with psycopg.connect(pg_url) as conn:
        jobs = conn.execute("select args->>'run_id', status from procrastinate_jobs").fetchall()
    assert jobs == [(rid, "todo")]
    assert win.desk.store.runs.get(rid).owner is None  # the window gave its lease up for the workers
