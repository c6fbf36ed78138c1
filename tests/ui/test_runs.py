"""Runs from the window against the real sandbox (headless Chromium): receipts, failures, retry, resume."""

from __future__ import annotations

import re
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from ui_helpers import CASE, EMPLOYMENT, INSURANCE, person, press, wait_done

from clerkdesk.desk import CaseRequest
from clerkdesk.ui.dialogs import ConfirmDialog, EvidenceViewer, UncertainDialog

pytestmark = pytest.mark.browser
RECEIPT = re.compile(r"^RS\d+$")


def _start(win: Any, qtbot: Any, matters: list[str], values: dict[str, Any]) -> None:
    win.form.set_matters(matters)
    win.form.fill_values(values)
    press(qtbot, win, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: bool(win.monitor.cards), timeout=10000)


def test_capture_validate_run_receipts(make_window: Any, qtbot: Any, sandbox: Any, answer_confirms: Any) -> None:
    before = len(sandbox.submissions("hrss"))
    win = make_window()
    answer_confirms(win)
    values = {**person(), **CASE, "case.insurances": ["养老", "医疗"], "case.insured_from": "2026-11-01",
              "case.contribution_base": "8000"}
    _start(win, qtbot, [EMPLOYMENT, INSURANCE], values)
    assert win.tabs.currentWidget() is win.monitor
    seen_confirm: list[Any] = []
    qtbot.waitUntil(lambda: seen_confirm.extend(d for d in win.monitor.dialogs.values()
                                                if isinstance(d, ConfirmDialog)) or bool(seen_confirm), timeout=60000)
    labels = dict((k, v) for d in seen_confirm for k, v in d.ask.values)
    assert labels.get("姓名") == "张晓明"  # the values about to be submitted are shown
    statuses = wait_done(qtbot, win)
    assert statuses == {EMPLOYMENT: "succeeded", INSURANCE: "succeeded"}
    receipts = win.monitor.receipts()
    assert all(RECEIPT.match(r) for r in receipts.values()), receipts
    assert len(sandbox.submissions("hrss")) == before + 2
    card = win.monitor.cards[next(iter(win.monitor.cards))]
    assert card.progress.value() == card.progress.maximum()
    card.copy_btn.click()
    assert QApplication.clipboard().text() == card.receipt.text()
    assert card.evidence_btn.isEnabled()  # the submit and receipt screenshots
    viewer = EvidenceViewer(win.desk, card.run_id, win)
    qtbot.addWidget(viewer)
    assert viewer.items and not viewer.image.pixmap().isNull()  # decrypted and shown
    assert not [d for d in win.monitor.dialogs.values() if d.isVisible()]  # logins continued by themselves
    case = win.desk.store.cases.get(win.monitor.case_id)
    assert case.status == "done"
    qtbot.waitUntil(lambda: win.cases.rows and win.cases.rows[0]["status"] == "done", timeout=5000)
    assert sorted(win.cases.rows[0]["receipts"]) == sorted(receipts.values())


def test_failing_target_shows_error_and_retry_succeeds(make_window: Any, qtbot: Any, sandbox: Any,
                                                        answer_confirms: Any) -> None:
    sandbox.set_fault("hrss", "layout")
    win = make_window(timeout_factor=0.3)  # the missing label is given up on sooner
    answer_confirms(win)
    _start(win, qtbot, [EMPLOYMENT], {**person("11010519880214124"), **CASE})
    assert wait_done(qtbot, win) == {EMPLOYMENT: "failed"}
    card = next(iter(win.monitor.cards.values()))
    assert "找不到" in card.error.text() and "姓名" in card.error.text()
    assert "重试" in card.error.text()
    assert card.retry_btn.isEnabled()
    assert card.evidence_btn.isEnabled()  # a screenshot of the page that failed
    qtbot.waitUntil(lambda: bool(win.cases.rows) and win.cases.rows[0]["retry"] == [card.run_id], timeout=5000)
    assert "可重试" in win.cases.table.item(0, 5).text()
    sandbox.clear_faults("hrss")
    press(qtbot, win, Qt.Key.Key_F7)  # retry failed targets
    qtbot.waitUntil(lambda: win.monitor.busy(), timeout=5000)
    assert wait_done(qtbot, win) == {EMPLOYMENT: "succeeded"}
    assert RECEIPT.match(card.receipt.text())
    assert not card.error.isVisible()


def test_uncertain_submit_asks_the_clerk(make_window: Any, qtbot: Any, sandbox: Any, answer_confirms: Any) -> None:
    before = len(sandbox.submissions("hrss"))
    sandbox.set_fault("hrss", "submit500", times=1)
    win = make_window()
    answer_confirms(win)
    _start(win, qtbot, [EMPLOYMENT], {**person("11010519880214125"), **CASE})
    assert wait_done(qtbot, win) == {EMPLOYMENT: "needs_clerk"}
    card = next(iter(win.monitor.cards.values()))
    assert "提交结果不确定" in card.error.text()
    card.retry_btn.click()
    found: list[UncertainDialog] = []
    qtbot.waitUntil(lambda: found.extend(d for d in win.monitor.dialogs.values()
                                         if isinstance(d, UncertainDialog)) or bool(found), timeout=10000)
    found[0].not_btn.click()  # the clerk looked: nothing was recorded; fill again
    assert wait_done(qtbot, win) == {EMPLOYMENT: "succeeded"}
    assert len(sandbox.submissions("hrss")) == before + 1


def test_cancel_at_confirm_aborts_then_retry(make_window: Any, qtbot: Any, sandbox: Any,
                                             answer_confirms: Any) -> None:
    before = len(sandbox.submissions("hrss"))
    win = make_window()
    _start(win, qtbot, [EMPLOYMENT], {**person("11010519880214126"), **CASE})
    dlgs: list[ConfirmDialog] = []
    qtbot.waitUntil(lambda: dlgs.extend(d for d in win.monitor.dialogs.values()
                                        if isinstance(d, ConfirmDialog)) or bool(dlgs), timeout=60000)
    qtbot.keyClick(dlgs[0], Qt.Key.Key_Escape)
    assert wait_done(qtbot, win) == {EMPLOYMENT: "aborted"}
    assert len(sandbox.submissions("hrss")) == before
    answer_confirms(win)
    next(iter(win.monitor.cards.values())).retry_btn.click()
    qtbot.waitUntil(lambda: win.monitor.busy(), timeout=5000)
    assert wait_done(qtbot, win) == {EMPLOYMENT: "succeeded"}
    assert len(sandbox.submissions("hrss")) == before + 1


def test_pause_then_resume(make_window: Any, qtbot: Any, answer_confirms: Any) -> None:
    win = make_window()
    answer_confirms(win)
    _start(win, qtbot, [EMPLOYMENT], {**person("11010519880214127"), **CASE})
    press(qtbot, win, Qt.Key.Key_F6)
    card = next(iter(win.monitor.cards.values()))
    qtbot.waitUntil(lambda: card.status == "paused", timeout=30000)
    step = card.progress.value()
    qtbot.wait(600)
    assert card.progress.value() == step  # nothing moves while paused
    press(qtbot, win, Qt.Key.Key_F6)
    assert wait_done(qtbot, win) == {EMPLOYMENT: "succeeded"}


def test_interrupted_run_shows_resumable_and_resumes(make_window: Any, qtbot: Any, sandbox: Any,
                                                     answer_confirms: Any) -> None:
    from clerkdesk.desk import FillOptions

    # A run left `running` at step 12 by a crash (the app died mid-fill).
    win = make_window()
    desk = win.desk
    values = {**person("11010519880214128"), **CASE}
    rec = {k.removeprefix("person."): v for k, v in values.items() if k.startswith("person.")}
    case = {k.removeprefix("case."): v for k, v in values.items() if k.startswith("case.")}
    result, _plan = desk.open_case(CaseRequest("person", rec, [EMPLOYMENT], case, matter="就业登记"),
                                   FillOptions(system_urls={"hrss": sandbox.hrss_url}))
    rid = result.runs[EMPLOYMENT]
    desk.store.runs.update(rid, status="running", checkpoint=12)
    import subprocess

    gone = subprocess.Popen(["true"])  # the crashed app: a process that no longer runs holds the lease
    gone.wait()
    with desk.store.tx() as db:
        db["runs"].update(rid, {"lease_pid": gone.pid, "lease_started": "0"})
    assert desk.store.runs.list()[0]["status"] == "interrupted"
    answer_confirms(win)
    win.cases.refresh()
    press(qtbot, win, Qt.Key.Key_F8)
    qtbot.waitUntil(lambda: bool(win.cases.rows), timeout=5000)
    row = win.cases.rows[0]
    assert row["resumable"] == [rid]
    assert "可继续" in win.cases.table.item(0, 5).text()
    win.cases.table.selectRow(0)
    press(qtbot, win, Qt.Key.Key_F7)  # on the case list: resume
    assert wait_done(qtbot, win) == {EMPLOYMENT: "succeeded"}
    assert RECEIPT.match(win.monitor.receipts()[EMPLOYMENT])
    assert desk.store.runs.get(rid).status == "succeeded"
    assert not desk.store.runs.interrupted()


def test_closing_during_a_run_leaves_it_resumable(make_window: Any, qtbot: Any) -> None:
    win = make_window()
    _start(win, qtbot, [EMPLOYMENT], {**person("11010519880214129"), **CASE})
    card = next(iter(win.monitor.cards.values()))
    qtbot.waitUntil(lambda: card.progress.value() >= 3, timeout=60000)
    rid = card.run_id
    win.close()  # ask_close answers yes in tests
    assert not win.monitor.busy() or all(w.isFinished() for w in win.monitor.workers.values())
    qtbot.waitUntil(lambda: not win.monitor.workers, timeout=10000)
    row = win.desk.store.runs.get(rid)
    assert row.status in ("needs_clerk", "running")
    assert rid in [r["id"] for r in win.desk.store.runs.interrupted()]


def test_f5_pressed_twice_or_from_two_windows_starts_one_case(make_window: Any, qtbot: Any, sandbox: Any,
                                                              answer_confirms: Any) -> None:
    """The trial's double F5 (80 ms apart) made two cases and six runs; now: one case, and a second window asking
    for the same citizen and matter is shown the open case instead of starting another."""
    before = len(sandbox.submissions("hrss"))
    win = make_window()
    answer_confirms(win)
    values = {**person("11010519880214161"), **CASE}
    win.form.set_matters([EMPLOYMENT])
    win.form.fill_values(values)
    press(qtbot, win, Qt.Key.Key_F5)
    qtbot.wait(80)
    press(qtbot, win, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: bool(win.monitor.cards), timeout=10000)
    first = win.monitor.case_id
    # a second window of the same clerk (same store) while the first one runs
    other = make_window()
    other.form.set_matters([EMPLOYMENT])
    other.form.fill_values(values)
    press(qtbot, other, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: other.monitor.case_id == first, timeout=10000)
    assert wait_done(qtbot, win) == {EMPLOYMENT: "succeeded"}
    assert [c["id"] for c in win.desk.store.cases.list()] == [first]
    assert len(win.desk.store.runs.list()) == 1
    assert len(sandbox.submissions("hrss")) == before + 1
