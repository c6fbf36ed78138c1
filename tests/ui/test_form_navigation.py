"""The capture form as a clerk moves through it: the error summary, scrolling to the focus, the wheel over a
picker, 户籍地区划 from the ID number, change markers in words, Ctrl+N at the top (no browser)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication
from ui_helpers import CASE, EMPLOYMENT, person, press

from clerkdesk.records.standards import id_check_digit


def _small(win: Any, qtbot: Any) -> None:
    """A short window, so the employment form (about 25 rows) needs scrolling."""
    win.resize(1000, 520)
    qtbot.wait(50)


def _visible_in_scroll(form: Any, w: Any) -> bool:
    vp = form.scroll.viewport()
    top = w.mapTo(vp, QPoint(0, 0)).y()
    return top >= 0 and top + w.height() <= vp.height()


def test_f5_lists_every_problem_at_the_top_and_enter_jumps_to_it(make_window: Any, qtbot: Any) -> None:
    win = make_window()
    _small(win, qtbot)
    form = win.form
    form.set_matters([EMPLOYMENT])
    assert form.summary_box.isHidden()  # nothing asked yet: no summary while the clerk types
    press(qtbot, win, Qt.Key.Key_F5)
    assert not form.summary_box.isHidden()
    required = [p for p, r in form.rows.items() if r.fd.required and not r.fd.derived and r.fd.kind != "bool"]
    listed = [form.summary.item(i).data(Qt.ItemDataRole.UserRole) for i in range(form.summary.count())]
    assert listed == required  # every empty required field, in form order
    assert form.summary.item(0).text() == "公民身份号码：必填"
    assert str(len(required)) in form.summary_title.text()
    # Enter on the last problem (far below the fold) jumps there and shows it
    last = listed[-1]
    form.summary.setFocus()
    form.summary.setCurrentRow(len(listed) - 1)
    qtbot.keyClick(form.summary, Qt.Key.Key_Return)
    target = form.rows[last].editor.focus_widget()
    assert QApplication.focusWidget() is target
    qtbot.waitUntil(lambda: form.scroll.verticalScrollBar().value() > 0, timeout=2000)
    assert _visible_in_scroll(form, form.rows[last].editor.widget)
    # a click on an item jumps too
    first = form.summary.item(0)
    rect = form.summary.visualItemRect(first)
    qtbot.mouseClick(form.summary.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert QApplication.focusWidget() is form.rows["person.id_number"].editor.widget
    # corrected fields leave the list; once all are valid the summary goes
    form.fill_values({**person(), **CASE})
    assert form.summary_box.isHidden(), [form.summary.item(i).text() for i in range(form.summary.count())]


def test_a_wrong_value_is_listed_with_its_reason(make_window: Any, qtbot: Any) -> None:
    win = make_window()
    form = win.form
    form.set_matters([EMPLOYMENT])
    form.fill_values({**person(), **CASE, "case.wage": "六千"})
    assert form.summary_box.isHidden()  # inline only until the clerk asks to start
    press(qtbot, win, Qt.Key.Key_F5)
    texts = [form.summary.item(i).text() for i in range(form.summary.count())]
    assert texts == ["月工资（元）：应为数字"]
    assert QApplication.focusWidget() is form.rows["case.wage"].editor.widget


def test_focus_scrolls_into_view_and_ctrl_n_starts_at_the_top(make_window: Any, qtbot: Any) -> None:
    win = make_window()
    _small(win, qtbot)
    form = win.form
    form.set_matters([EMPLOYMENT])
    form.fill_values(person())
    bar = form.scroll.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0, timeout=2000)
    assert bar.value() == 0
    last = list(form.rows.values())[-1].editor.focus_widget()
    last.setFocus()  # e.g. Shift+Tab from 开始办理, or a mouse click on a half-hidden row
    qtbot.waitUntil(lambda: bar.value() > 0, timeout=2000)
    assert _visible_in_scroll(form, last)
    qtbot.keyClick(win, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.wait(50)
    assert bar.value() == 0
    assert QApplication.focusWidget() is form.rows["person.id_number"].editor.widget
    assert form.rows["person.name"].editor.value() == ""


def _wheel(widget: Any, steps: int = -1) -> bool:
    """Turn the wheel over WIDGET; True when the widget took the event (False: Qt hands a real, spontaneous
    wheel event on to the parent, here the form's scroll area, which scrolls)."""
    pos = QPointF(widget.width() / 2, widget.height() / 2)
    ev = QWheelEvent(pos, widget.mapToGlobal(pos), QPoint(0, 0), QPoint(0, 120 * steps), Qt.MouseButton.NoButton,
                     Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, ev)
    return ev.isAccepted()


def test_the_wheel_never_changes_an_unfocused_picker(make_window: Any, qtbot: Any) -> None:
    win = make_window()
    _small(win, qtbot)
    form = win.form
    form.set_matters([EMPLOYMENT])
    form.fill_values(person())
    name = form.rows["person.name"].editor.widget
    name.setFocus()
    eth = form.rows["person.ethnicity"].editor.widget
    assert eth.focusPolicy() == Qt.FocusPolicy.StrongFocus  # Qt's default WheelFocus took the focus
    assert not _wheel(eth)  # left to the scroll area
    assert form.rows["person.ethnicity"].editor.value() == "01"  # unchanged
    assert QApplication.focusWidget() is name  # the focus stayed where the clerk typed
    eth.setFocus()  # a focused picker still answers the wheel (the clerk chose it)
    assert _wheel(eth)
    assert form.rows["person.ethnicity"].editor.value() == "02"


def test_hukou_region_is_derived_from_the_id_number_until_the_clerk_or_profile_says_otherwise(
        make_window: Any, qtbot: Any) -> None:
    win = make_window()
    form = win.form
    form.set_matters([EMPLOYMENT])
    region = form.rows["person.hukou_region"]
    first17 = "37020219900307123"
    idn = form.rows["person.id_number"].editor.widget
    qtbot.keyClicks(idn, first17 + id_check_digit(first17))
    assert region.editor.value() == "370202"
    qtbot.waitUntil(lambda: "未找到档案" in form.banner.text(), timeout=5000)
    qtbot.waitUntil(lambda: "山东省青岛市市南区" in region.meta.text(), timeout=2000)
    assert "由身份证号推得" in region.meta.text()
    idn.clear()  # another number: the suggestion follows it
    other = "44010619900307123"
    qtbot.keyClicks(idn, other + id_check_digit(other))
    assert region.editor.value() == "440106"
    region.editor.set_value("110105")  # the clerk knows better (the person moved)
    idn.clear()
    qtbot.keyClicks(idn, first17 + id_check_digit(first17))
    assert region.editor.value() == "110105"
    form.validate()
    assert "由身份证号推得" not in region.meta.text()


def test_the_profile_wins_over_the_id_numbers_region(make_window: Any, qtbot: Any) -> None:
    win = make_window()
    p = {k.removeprefix("person."): v for k, v in person("37020219900307123").items()}  # moved to 110105
    win.desk.save_profile("person", p)
    form = win.form
    form.set_matters([EMPLOYMENT])
    qtbot.keyClicks(form.rows["person.id_number"].editor.widget, p["id_number"])
    qtbot.waitUntil(lambda: form.rows["person.name"].editor.value() == "张晓明", timeout=5000)
    assert form.rows["person.hukou_region"].editor.value() == "110105"
    assert "已修改" not in form.rows["person.hukou_region"].meta.text()


def test_change_markers_compare_canonical_values_and_speak_in_words(make_window: Any, qtbot: Any) -> None:
    win = make_window()
    form = win.form
    form.set_matters([EMPLOYMENT])
    form.fill_values({**person(), **CASE})
    form.rows["person.ethnicity"].editor.widget.setEditText("汉")  # an alias typed in, not picked
    form.rows["person.hukou_type"].editor.widget.setEditText("非农业")
    qtbot.keyClick(win, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: form.profile is not None, timeout=5000)
    form.validate()
    markers = {p: r.meta.text() for p, r in form.rows.items() if "已修改" in r.meta.text()}
    assert markers == {}  # just saved: nothing changed (汉 is 01, 非农业 is urban)
    form.rows["person.hukou_type"].editor.set_value("rural")
    form.rows["person.education"].editor.set_value("30")
    form.validate()
    assert form.rows["person.hukou_type"].meta.text() == "已修改（原值：非农业户口）"
    assert form.rows["person.education"].meta.text() == "已修改（原值：大学本科）"
    assert "urban" not in form.rows["person.hukou_type"].meta.text()
