"""The shared store in the clerk's window (real PostgreSQL): a person edited at two windows while this one was
offline is shown field by field, the clerk picks per field, nothing is written before every field is picked,
the decision is audited; an unreachable store is said at once in the status bar."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from ui_helpers import person

from clerkdesk.desk import Desk
from clerkdesk.store import Store
from clerkdesk.store.outbox import Outbox

P = {k.removeprefix("person."): v for k, v in person("11010519880214177").items()}
KEY = P["id_number"]


@pytest.fixture
def hall(pg_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("CLERKDESK_DATABASE_URL", pg_url)
    monkeypatch.delenv("CLERKDESK_SUPERVISORS", raising=False)
    return pg_url


@pytest.fixture
def window(qtbot: Any, home: Path) -> Iterator[Callable[..., Any]]:
    made: list[Any] = []

    def make(clerk: str = "window-3", **kw: Any) -> Any:
        from clerkdesk.ui.app import build_window

        win = build_window(home, clerk, headless=True, **kw)
        win.ask_close = lambda: True
        qtbot.addWidget(win)
        with qtbot.waitExposed(win):
            win.show()
        made.append(win)
        return win

    yield make
    for win in made:
        win.shutdown()


def _offline_edit(home: Path, hall: str) -> tuple[int, int]:
    """Window 3 captured P, then (offline) changed the phone, the address and the current address; meanwhile
    window 17 changed the phone and the address to other values. Returns (outbox entry, window 17's version)."""
    w3 = Store.open(home, clerk="window-3", url=hall)
    base = w3.profiles.save("person", KEY, P).version
    w3.close()
    box = Outbox.open(home, "window-3")
    eid = box.save_profile("person", KEY, {**P, "phone": "13700000003", "hukou_address": "北京市海淀区中关村大街3号",
                                           "current_address": "北京市海淀区学院路3号"}, base_version=base)
    box.close()
    w17 = Store.open(home, clerk="window-17", url=hall)
    v17 = w17.profiles.save("person", KEY, {"phone": "13900000017", "hukou_address": "北京市西城区金融街17号"}).version
    w17.close()
    return eid, v17


def test_conflicts_are_shown_field_by_field_and_settled_by_the_clerks_picks(
        window: Callable[..., Any], qtbot: Any, home: Path, hall: str) -> None:
    eid, v17 = _offline_edit(home, hall)
    win = window()
    # on start the outbox is sent: the clashing entry waits whole (nothing of it written before the clerk decides)
    qtbot.waitUntil(lambda: win.hall_status.count == 1, timeout=10_000)
    assert win.hall_status.button.isVisible() and "1" in win.hall_status.button.text()
    prof = win.desk.store.profiles.get("person", KEY, audit=False)
    assert prof.version == v17 and prof.record["current_address"] == P["current_address"]
    assert (prof.record["phone"], prof.record["hukou_address"]) == ("13900000017", "北京市西城区金融街17号")

    dlg = win.hall_status.open_conflicts()
    qtbot.addWidget(dlg)
    with qtbot.waitSignal(dlg.loaded, timeout=10_000):
        pass
    assert dlg.list.count() == 1 and "张*明" in dlg.list.item(0).text() and KEY not in dlg.list.item(0).text()
    rows = {dlg.table.item(i, 0).text(): (dlg.table.item(i, 1).text(), dlg.table.item(i, 2).text())
            for i in range(dlg.table.rowCount())}
    assert rows == {"联系电话": ("13700000003", "13900000017"),
                    "户籍地址": ("北京市海淀区中关村大街3号", "北京市西城区金融街17号")}
    assert "window-17" in dlg.about.text() and "window-3" in dlg.about.text()

    # nothing is picked yet: saving is refused, nothing is written
    qtbot.keyClick(dlg, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert "联系电话" in dlg.problem.text() and "户籍地址" in dlg.problem.text()
    assert win.desk.store.profiles.get("person", KEY, audit=False).version == prof.version

    phone = next(i for i in range(2) if dlg.table.item(i, 0).text() == "联系电话")
    dlg.pick(phone, "here")
    dlg.pick(1 - phone, "there")
    with qtbot.waitSignal(dlg.settled, timeout=10_000) as got:
        dlg.save_btn.click()
    assert got.args == [eid]
    qtbot.waitUntil(lambda: dlg.list.count() == 0, timeout=10_000)
    after = win.desk.store.profiles.get("person", KEY, audit=False)
    assert after.record["phone"] == "13700000003"  # this window's value, as picked
    assert after.record["hukou_address"] == "北京市西城区金融街17号"  # window 17's, as picked
    assert after.record["current_address"] == "北京市海淀区学院路3号"  # only this window changed it: saved
    assert after.version == v17 + 1
    decided = [r for r in win.desk.store.audit.rows() if r["action"] == "conflict_decided"]
    assert len(decided) == 1 and decided[0]["actor"] == "window-3"
    assert "13700000003" not in str(decided[0])  # the choice, never the value
    assert win.desk.store.audit.verify().ok
    win.hall_status.poll()
    qtbot.waitUntil(lambda: not win.hall_status.button.isVisible(), timeout=10_000)


def test_a_profile_deleted_at_another_window_stays_deleted_when_the_clerk_keeps_the_store(
        home: Path, hall: str) -> None:
    eid, _ = _offline_edit(home, hall)
    other = Store.open(home, clerk="window-17", url=hall)
    assert other.profiles.delete("person", KEY)
    other.close()
    desk = Desk(home, "window-3")
    try:
        desk.open()
        rep = desk.conflicts.sync()
        assert rep.conflicts == [eid]
        [c] = desk.conflicts.list()
        assert [f.field for f in c.fields] == ["*"] and c.fields[0].label == "整份档案" and c.changed_at == ""
        with pytest.raises(Exception, match="请为每个冲突字段选择"):
            desk.conflicts.resolve(eid, {})
        assert desk.conflicts.resolve(eid, {"*": "there"}) == {}
        assert desk.profile("person", KEY) is None and desk.conflicts.count() == 0
        assert [r["action"] for r in desk.store.audit.rows()][-2:] == ["conflict_decided", "outbox_conflict_resolved"]
    finally:
        desk.close()


def test_a_clerk_window_on_a_sqlite_store_has_no_outbox_and_no_hall_view_for_clerks(
        window: Callable[..., Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CLERKDESK_DATABASE_URL", raising=False)
    monkeypatch.setenv("CLERKDESK_SUPERVISORS", "chief")
    win = window("window-3")
    assert not win.desk.conflicts.shared and win.desk.conflicts.list() == []
    assert not win.hall_status.timer.isActive() and not win.hall_status.button.isVisible()
    assert not win.hall_action.isVisible() and win.hall_tab.view is None
    assert all("大厅概况" not in win.tabs.tabText(i) for i in range(win.tabs.count()))


def test_the_store_unreachable_is_said_at_once_in_the_status_bar(
        qtbot: Any, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QApplication, QMessageBox

    from clerkdesk.ui.app import build_window

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("CLERKDESK_DATABASE_URL", f"postgresql://postgres@127.0.0.1:{port}/hall")
    t0 = time.monotonic()
    win = build_window(home, "window-3", headless=True, wait=False)
    qtbot.addWidget(win)
    qtbot.waitUntil(lambda: "共享档案库连不上" in win.message.text(), timeout=15_000)
    assert time.monotonic() - t0 < 10
    assert "127.0.0.1" in win.message.text()
    for box in [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]:
        box.close()


def test_a_store_lost_while_the_window_is_open_is_said_at_once_and_the_outbox_is_sent_when_it_is_back(
        window: Callable[..., Any], qtbot: Any, home: Path, hall: str) -> None:
    import psycopg

    win = window()
    assert win.hall_status.timer.isActive()
    base = win.desk.store.profiles.save("person", KEY, P).version
    db = hall.rsplit("/", 1)[1]
    with psycopg.connect(hall.rsplit("/", 1)[0] + "/postgres", autocommit=True) as admin:
        # the hall's server refuses this database and drops its connections (as a restart or a cut would)
        admin.execute(f'alter database "{db}" allow_connections false')
        admin.execute("select pg_terminate_backend(pid) from pg_stat_activity where datname = %s", [db])
        try:
            t0 = time.monotonic()
            win.hall_status.poll()  # the window's timer does this every few seconds
            qtbot.waitUntil(lambda: "共享档案库连不上" in win.message.text(), timeout=10_000)
            assert time.monotonic() - t0 < 10 and win.hall_status.down
            # meanwhile this window's capture went to the outbox (the store's outbox API, as offline capture)
            box = Outbox.open(home, "window-3")
            box.save_profile("person", KEY, {"phone": "13700000099"}, base_version=base)
            box.close()
        finally:
            admin.execute(f'alter database "{db}" allow_connections true')
    win.hall_status.poll()
    qtbot.waitUntil(lambda: win.message.text() == "共享档案库已恢复连接", timeout=10_000)
    assert not win.hall_status.down
    assert win.desk.conflicts.reachable() is None  # this thread's dropped connection is opened again
    prof = win.desk.store.profiles.get("person", KEY, audit=False)
    assert prof.record["phone"] == "13700000099" and prof.version == base + 1  # sent on return, no conflict


def test_the_conflict_dialog_speaks_english_with_the_records_own_field_names(
        qtbot: Any, home: Path, hall: str) -> None:
    from clerkdesk.ui import i18n
    from clerkdesk.ui.qt_conflicts import ConflictDialog

    _offline_edit(home, hall)
    desk = Desk(home, "window-3")
    i18n.set_language("en")
    try:
        desk.open()
        desk.conflicts.sync()
        dlg = ConflictDialog(desk)
        qtbot.addWidget(dlg)
        with qtbot.waitSignal(dlg.loaded, timeout=10_000):
            dlg.refresh()
        assert dlg.windowTitle() == "Profile conflicts"
        assert sorted(dlg.table.item(i, 0).text() for i in range(2)) == ["household register address", "phone"]
        assert dlg.table.horizontalHeaderItem(1).text() == "This window's value (captured offline)"
        dlg.save()
        assert dlg.problem.text().startswith("Choose the value to keep for every field first")
    finally:
        i18n.set_language("zh")
        desk.close()
