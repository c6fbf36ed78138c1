"""Never lose a record: what the clerk typed survives a crash (or a closed window) until the case starts."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication
from ui_helpers import EMPLOYMENT, person


def ime_type(widget: Any, text: str) -> None:
    """Chinese as a 拼音 input method delivers it: one commit of the chosen characters (QTest types ASCII only)."""
    widget.setFocus()
    ev = QInputMethodEvent("", [])
    ev.setCommitString(text)
    QApplication.sendEvent(widget, ev)


def test_typed_form_comes_back_after_a_crash_and_goes_with_ctrl_n(make_window: Any, qtbot: Any) -> None:
    win = make_window()
    form = win.form
    form.set_matters([EMPLOYMENT])
    idn = person()["person.id_number"]
    qtbot.keyClicks(form.rows["person.id_number"].editor.widget, idn)
    ime_type(form.rows["person.name"].editor.widget, "张晓明")
    qtbot.waitUntil(lambda: (d := win.desk.store.drafts.get()) is not None
                    and d.data["values"].get("person.name") == "张晓明", timeout=5000)
    raw = (win.desk.home / "clerkdesk.db").read_bytes() + (win.desk.home / "clerkdesk.db-wal").read_bytes()
    assert "张晓明".encode() not in raw and idn.encode() not in raw  # the draft is encrypted

    # the app dies here (no Ctrl+N, no F5): a new window on the same data folder puts the form back
    again = make_window()
    qtbot.waitUntil(lambda: again.form.rows.get("person.name") is not None
                    and again.form.rows["person.name"].editor.value() == "张晓明", timeout=5000)
    assert again.form.checked_matters() == [EMPLOYMENT]
    assert again.form.rows["person.id_number"].editor.value() == idn
    assert "已恢复上次未完成的受理" in again.form.banner.text()
    qtbot.waitUntil(lambda: "draft_restored" in [r["action"] for r in again.desk.store.audit.rows()], timeout=3000)

    again.activateWindow()
    qtbot.keyClick(again, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)  # the clerk starts over
    qtbot.waitUntil(lambda: again.desk.store.drafts.get() is None, timeout=5000)
    assert [r["action"] for r in again.desk.store.audit.rows()][-1] == "draft_discarded"


def test_erasing_a_person_drops_drafts_that_hold_them(home: Any) -> None:
    from clerkdesk.desk import Desk

    idn = person()["person.id_number"]
    desk = Desk(home, clerk="窗口一")
    other = Desk(home, clerk="窗口二")
    try:
        desk.store.profiles.save("person", idn, {"name": "张晓明"})
        desk.save_draft({"matters": [EMPLOYMENT], "values": {"person.id_number": idn.lower(), "person.name": "张晓明"}})
        other.save_draft({"matters": [EMPLOYMENT], "values": {"person.name": "李四"}})
        assert desk.delete_profile("person", idn)
        assert desk.draft() is None  # the draft naming the erased person went with the profile
        assert other.draft() is not None  # another applicant's stays
    finally:
        desk.close()
        other.close()


def test_the_demo_leaves_no_draft(make_window: Any, sandbox: Any, qtbot: Any) -> None:
    from clerkdesk.ui.demo import Demo

    win = make_window(demo=Demo(sandbox))
    form = win.form
    ime_type(form.rows["person.name"].editor.widget, "改")  # a change, as a visitor trying the demo would
    qtbot.wait(1200)  # longer than the draft timer
    assert win.desk.store.drafts.get() is None
