"""The clerk's window with the hall's PostgreSQL stopped (really: the session's test server, started again after):
the status line says so, Ctrl+S keeps the form and F5 seals the case in the local outbox, the counter shows it,
Ctrl+Shift+O lists it (放回表单 / 打开案件), and when the server is back the case is sent once and opened."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from ui_helpers import CASE, EMPLOYMENT, person

from clerkdesk.store.outbox import SEALED, SENT

P = person("11010519790521123")


@pytest.fixture
def win(qtbot: Any, home: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    from clerkdesk.ui.app import build_window

    monkeypatch.setenv("CLERKDESK_DATABASE_URL", pg_url)
    monkeypatch.delenv("CLERKDESK_SUPERVISORS", raising=False)
    w = build_window(home, "window-3", headless=True)
    w.ask_close = lambda: True
    qtbot.addWidget(w)
    with qtbot.waitExposed(w):
        w.show()
    yield w
    w.shutdown()


def fill(win: Any, qtbot: Any) -> None:
    win.form.set_matters([EMPLOYMENT])
    qtbot.waitUntil(lambda: "case.employer" in win.form.rows, timeout=5000)
    win.form.fill_values({**P, **CASE})


def key(qtbot: Any, win: Any, k: Any, mod: Any = Qt.KeyboardModifier.NoModifier) -> None:
    """A window shortcut as the clerk presses it, with the main window active (dialogs come and go)."""
    from PySide6.QtWidgets import QApplication

    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win, timeout=3000)
    qtbot.keyClick(win, k, mod)


def test_offline_capture_in_the_window_then_sent_once_when_the_store_is_back(
        win: Any, qtbot: Any, pg_server: Any) -> None:
    desk = win.desk
    states: list[str] = []
    win.hall_status.watch.changed.connect(states.append)
    fill(win, qtbot)
    pg_server.stop()
    try:
        win.hall_status.poll()  # the window's timer does this every few seconds
        qtbot.waitUntil(lambda: win.hall_status.watch.state == "offline", timeout=10_000)
        assert "共享档案库连不上" in win.message.text() and win.hall_status.state_label.text() == "离线"

        assert win.form.drafts_offline  # the form being typed is kept in the outbox meanwhile
        win.form._draft_timer.start()  # what each edit does
        qtbot.waitUntil(lambda: desk.offline.draft() is not None, timeout=10_000)
        desk.offline.discard_draft()
        key(qtbot, win, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)  # Ctrl+S: the form into the outbox
        qtbot.waitUntil(lambda: desk.offline.draft() is not None, timeout=10_000)
        qtbot.waitUntil(lambda: "表单已保存在本机" in win.message.text(), timeout=5000)
        assert desk.offline.draft().data["values"]["person.name"] == P["person.name"]

        with qtbot.waitSignal(win.offline.sealed, timeout=15_000):
            key(qtbot, win, Qt.Key.Key_F5)  # F5: checked, planned, sealed, the form emptied for the next citizen
        qtbot.waitUntil(lambda: win.offline.button.isVisible(), timeout=10_000)
        assert "1" in win.offline.button.text() and desk.offline.waiting() == 1
        assert win.form.values().get("person.name") in (None, "")
        assert "1 件待发送" in win.hall_status.watch.line() and desk.offline.draft() is None
        assert win.hall_status.state_label.text() == "离线（1 件待发送）"

        key(qtbot, win, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
        dlg = win.offline.dialog
        assert dlg is not None
        qtbot.waitUntil(lambda: dlg.list.count() == 1 and dlg.back_btn.isEnabled(), timeout=10_000)
        text = dlg.list.item(0).text()
        assert "待发送" in text and P["person.id_number"] not in text and "张*明" in text  # masked
        assert not dlg.open_btn.isEnabled()
        dlg.back_btn.click()  # 放回表单: the form is back, the case out of the outbox
        qtbot.waitUntil(lambda: win.form.values().get("person.name") == P["person.name"], timeout=10_000)
        assert win.form.checked_matters() == [EMPLOYMENT] and desk.offline.waiting() == 0
        qtbot.waitUntil(lambda: not win.offline.button.isVisible(), timeout=10_000)

        with qtbot.waitSignal(win.offline.sealed, timeout=15_000):
            key(qtbot, win, Qt.Key.Key_F5)  # corrected (here: as it was), sealed again
        assert [c.state for c in desk.offline.list()] == [SEALED]
    finally:
        pg_server.start()
    for _ in range(3):  # the first poll may meet the connection the restart dropped
        win.hall_status.poll()
        qtbot.waitUntil(lambda: not win.hall_status._polling, timeout=15_000)
        if win.hall_status.waiting == 0 and not win.hall_status.down:
            break
    assert win.hall_status.waiting == 0 and not win.offline.button.isVisible()
    assert "sending" in states and states[-1] == "online" and not win.form.drafts_offline
    assert win.message.text() == "共享档案库已恢复连接" and not win.hall_status.state_label.isVisible()
    (c,) = desk.offline.list()
    assert c.state == SENT and c.case_id
    assert int(desk.store.db.execute("select count(*) from cases").fetchone()[0]) == 1  # once

    dlg = win.offline.open()
    qtbot.waitUntil(lambda: dlg.list.count() == 1 and dlg.open_btn.isEnabled(), timeout=10_000)
    assert "已发送" in dlg.list.item(0).text() and not dlg.back_btn.isEnabled()
    dlg.open_btn.click()  # 打开案件: the run monitor shows it, to fill it as any case
    qtbot.waitUntil(lambda: win.monitor.case_id == c.case_id, timeout=10_000)
    assert win.tabs.currentIndex() == 1


def test_a_window_started_while_the_store_is_away_captures_and_sends_when_it_is_back(
        qtbot: Any, home: Path, pg_url: str, pg_server: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from clerkdesk.desk import Desk
    from clerkdesk.ui.app import build_window

    monkeypatch.setenv("CLERKDESK_DATABASE_URL", pg_url)
    monkeypatch.delenv("CLERKDESK_SUPERVISORS", raising=False)
    first = Desk(home, "window-3")
    first.open()  # this workstation reached the hall once: it knows the hall key's check
    first.close()
    pg_server.stop()
    try:
        w = build_window(home, "window-3", headless=True)
        w.ask_close = lambda: True
        qtbot.addWidget(w)
        with qtbot.waitExposed(w):
            w.show()
        assert "共享档案库连不上" in w.message.text() and w.hall_status.state_label.text() == "离线"
        fill(w, qtbot)
        with qtbot.waitSignal(w.offline.sealed, timeout=15_000):
            key(qtbot, w, Qt.Key.Key_F5)
        assert w.desk.offline.waiting() == 1 and not w.desk.session.opened
    finally:
        pg_server.start()
    for _ in range(3):
        w.hall_status.poll()
        qtbot.waitUntil(lambda: not w.hall_status._polling, timeout=15_000)
        if w.hall_status.waiting == 0 and not w.hall_status.down:
            break
    assert w.hall_status.waiting == 0 and not w.hall_status.down and w.hall_status.state_label.text() != "离线"
    # the reconnection is said; the sent case's "可继续办理" notice may already stand in its place (both true)
    assert w.message.text() in {"共享档案库已恢复连接", "有 1 个案件可继续办理（F8 今日案件）"}, w.message.text()
    (c,) = w.desk.offline.list()
    assert c.state == SENT and w.desk.cases.get(c.case_id).record["name"] == P["person.name"]
    qtbot.waitUntil(lambda: w.cases.table.rowCount() == 1, timeout=10_000)  # 今日案件 now reads the store
    w.shutdown()


def test_f2_while_the_store_is_away_fills_the_form_from_this_windows_offline_capture(
        win: Any, qtbot: Any, pg_server: Any) -> None:
    fill(win, qtbot)
    pg_server.stop()
    try:
        win.hall_status.poll()
        qtbot.waitUntil(lambda: win.hall_status.watch.state == "offline", timeout=10_000)
        with qtbot.waitSignal(win.offline.sealed, timeout=15_000):
            key(qtbot, win, Qt.Key.Key_F5)
        assert win.form.values().get("person.name") in (None, "")
        win.form.set_matters([EMPLOYMENT])
        win.form.fill_values({"person.id_number": P["person.id_number"]})  # the citizen comes back: only the number
        qtbot.waitUntil(lambda: win.form.values().get("person.name") == P["person.name"], timeout=10_000)
        assert win.form.values().get("person.phone") == P["person.phone"]
        assert "本窗口离线录入的记录" in win.form.banner.text()
        assert win.form.captured is not None and win.form.profile is None
    finally:
        pg_server.start()


def open_window(qtbot: Any, home: Path) -> Any:
    from clerkdesk.ui.app import build_window

    w = build_window(home, "window-3", headless=True)
    w.ask_close = lambda: True
    qtbot.addWidget(w)
    with qtbot.waitExposed(w):
        w.show()
    return w


def test_the_form_kept_offline_is_put_back_when_the_window_starts_again(
        qtbot: Any, home: Path, pg_url: str, pg_server: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The window closed (or died) while the store was away, with a half-typed form: started again during the
    outage, and again once the store is back, the form comes back both times — never retyped, never lost."""
    monkeypatch.setenv("CLERKDESK_DATABASE_URL", pg_url)
    monkeypatch.delenv("CLERKDESK_SUPERVISORS", raising=False)
    w = open_window(qtbot, home)
    pg_server.stop()
    try:
        w.hall_status.poll()
        qtbot.waitUntil(lambda: w.hall_status.watch.state == "offline", timeout=10_000)
        fill(w, qtbot)  # typed while offline; the window is closed before the draft timer fires
        assert w.form._draft_timer.isActive()
        w.close()
        w.shutdown()  # quits: the last keystrokes are kept too
        w2 = open_window(qtbot, home)  # started again, the store still away
        assert w2.desk.offline.away_at_start
        qtbot.waitUntil(lambda: w2.form.values().get("person.name") == P["person.name"], timeout=10_000)
        assert w2.form.checked_matters() == [EMPLOYMENT] and w2.form.values().get("case.employer") == CASE[
            "case.employer"]
        assert "已恢复上次未完成的受理" in w2.form.banner.text()
        w2.form._draft_timer.stop()
        w2.shutdown()  # dies without a word this time: no close, nothing flushed after the restore
    finally:
        pg_server.start()
    w3 = open_window(qtbot, home)  # the store answers again
    assert not w3.desk.offline.away_at_start
    qtbot.waitUntil(lambda: w3.form.values().get("person.name") == P["person.name"], timeout=10_000)
    assert w3.form.values().get("case.post") == CASE["case.post"]
    qtbot.waitUntil(lambda: w3.desk.offline.draft() is None, timeout=10_000)  # moved: now the store's draft
    draft = w3.desk.draft()
    assert draft is not None and draft.data["values"]["person.name"] == P["person.name"]
    w3.shutdown()


def test_ctrl_s_and_f5_when_the_store_drops_before_the_poll_notices_keep_everything_in_the_outbox(
        win: Any, qtbot: Any, pg_server: Any) -> None:
    desk = win.desk
    win.hall_status.timer.stop()  # the poll does not run: the call itself meets the store gone
    fill(win, qtbot)
    qtbot.waitUntil(lambda: win.form.profile is None and "未找到档案" in win.form.banner.text(), timeout=10_000)
    win.form._draft_timer.stop()
    pg_server.stop()
    try:
        assert not win.hall_status.down and not win.offline.away
        key(qtbot, win, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)  # Ctrl+S: the store's save fails
        qtbot.waitUntil(lambda: "表单已保存在本机" in win.message.text(), timeout=15_000)
        assert win.hall_status.down and win.hall_status.state_label.text() == "离线"  # said at once
        kept = desk.offline.draft()
        assert kept is not None and kept.data["values"]["person.name"] == P["person.name"]
        assert kept.data["values"]["case.employer"] == CASE["case.employer"]

        win.hall_status.down = ""  # as if the poll had not noticed yet (the store dropped again right now)
        win.hall_status.watch.set(down="")
        assert not win.offline.away
        with qtbot.waitSignal(win.offline.sealed, timeout=20_000):
            key(qtbot, win, Qt.Key.Key_F5)  # F5: opening the case fails, the case is sealed here instead
        assert win.hall_status.down and "案件已加密保存在本机" in win.message.text()
        assert win.hall_status.state_label.text().startswith("离线")
        (c,) = desk.offline.list()
        assert c.request["data"]["name"] == P["person.name"] and c.request["case_fields"]["post"] == CASE["case.post"]
        assert win.form.values().get("person.name") in (None, "")
        qtbot.waitUntil(lambda: desk.offline.draft() is None, timeout=10_000)  # the form became the case
        assert not win.monitor.busy() and not win._starting and win.form.start_btn.isEnabled()
    finally:
        pg_server.start()
    for _ in range(3):
        win.hall_status.poll()
        qtbot.waitUntil(lambda: not win.hall_status._polling, timeout=15_000)
        if win.hall_status.waiting == 0 and not win.hall_status.down:
            break
    (c,) = desk.offline.list()
    assert c.state == SENT and desk.cases.get(c.case_id).record["name"] == P["person.name"]
    assert int(desk.store.db.execute("select count(*) from cases").fetchone()[0]) == 1


def test_a_case_the_other_window_opened_meanwhile_is_shown_and_merged_into_it(
        win: Any, qtbot: Any, pg_server: Any, pg_url: str, tmp_path: Path) -> None:
    from clerkdesk.desk import CaseRequest, Desk, FillOptions

    desk = win.desk
    fill(win, qtbot)
    pg_server.stop()
    try:
        win.hall_status.poll()
        qtbot.waitUntil(lambda: win.hall_status.watch.state == "offline", timeout=10_000)
        with qtbot.waitSignal(win.offline.sealed, timeout=15_000):
            key(qtbot, win, Qt.Key.Key_F5)
    finally:
        pg_server.start()
    # the citizen went on to window 9 (which reached the store) and was served there, with another post
    other = Desk(tmp_path / "window-9", clerk="clerk-b")
    rec = desk.offline.list()[0].request
    res, _ = other.open_case(CaseRequest("person", rec["data"], rec["targets"], {**rec["case_fields"], "post": "出纳"},
                                         rec["matter"]), FillOptions())
    for _ in range(3):
        win.hall_status.poll()
        qtbot.waitUntil(lambda: not win.hall_status._polling, timeout=15_000)
        if win.hall_status.held and not win.hall_status.down:
            break
    assert win.hall_status.held == 1 and win.hall_status.waiting == 0
    assert "已在其他窗口受理" in win.message.text() and win.offline.button.isVisible()
    assert "待处理" in win.offline.button.text() and win.hall_status.state_label.text() == "1 件待处理"

    key(qtbot, win, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    dlg = win.offline.dialog
    assert dlg is not None
    qtbot.waitUntil(lambda: dlg.list.count() == 1 and dlg.merge_btn.isEnabled(), timeout=10_000)
    assert "其他窗口已受理" in dlg.list.item(0).text() and res.case_id in dlg.list.item(0).text()
    assert dlg.open_btn.isEnabled() and dlg.back_btn.isEnabled()  # or open that case, or take this one back
    qtbot.waitUntil(lambda: res.case_id in dlg.note.text(), timeout=10_000)
    assert "岗位" in dlg.note.text()  # this window's post differs: the clerk is told before merging
    with qtbot.waitSignal(dlg.merged, timeout=15_000) as sig:
        dlg.merge_btn.click()
    assert sig.args == [res.case_id]
    qtbot.waitUntil(lambda: not win.offline.button.isVisible(), timeout=10_000)
    assert win.hall_status.held == 0 and "已并入" in win.message.text()
    (c,) = desk.offline.list()
    assert c.state == SENT and c.case_id == res.case_id
    assert int(desk.store.db.execute("select count(*) from cases").fetchone()[0]) == 1  # no second case
    qtbot.waitUntil(lambda: dlg.list.count() == 1 and dlg.open_btn.isEnabled(), timeout=10_000)
    dlg.open_btn.click()  # 打开案件: that case, in the monitor
    qtbot.waitUntil(lambda: win.monitor.case_id == res.case_id, timeout=10_000)
    other.close()
