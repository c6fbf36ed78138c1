"""The discrepancy table (ui/qt_discrepancy.py): every row in words, a decision per row, in Chinese and English."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from ui_helpers import assert_all_succeeded

from clerkdesk.desk.discrepancy import Row
from clerkdesk.engine.discrepancy import Decision, compare
from clerkdesk.engine.run import RunInfo
from clerkdesk.ui import i18n
from clerkdesk.ui.workers import Ask, AskKind

CODES = {"hukou_type": {"rural": "1", "urban": "2", "resident": "2"}}
SYSTEM = "人力资源和社会保障业务经办系统"


def ask() -> Ask:
    diffs = compare({"person.hukou_type": "非农业户口", "person.current_address": "某街某号"},
                    {"person": {"hukou_type": "rural", "current_address": ""}}, CODES)
    rows = [Row(SYSTEM, diffs[0], "2026-12-05"), Row(SYSTEM, diffs[1], "")]
    return Ask(AskKind.DISCREPANCY, RunInfo("R1", "hrss.person-info-change", "人员基本信息变更", "hrss", SYSTEM,
                                            "Change of personal details", "Human resources and social security system"),
               "…", rows=rows)


def cells(dlg: Any) -> list[list[str]]:
    t = dlg.table
    return [[t.item(i, j).text() for j in range(t.columnCount() - 1)] for i in range(t.rowCount())]


def test_the_table_shows_each_difference_in_words_and_answers_the_choices(qtbot: Any) -> None:
    from clerkdesk.ui.qt_discrepancy import DiscrepancyDialog

    a = ask()
    dlg = DiscrepancyDialog(a)
    qtbot.addWidget(dlg)
    assert [dlg.table.horizontalHeaderItem(j).text() for j in range(6)] == [
        "系统", "项目", "系统中的值", "档案中的值", "档案上次核验", "处理"]
    assert cells(dlg) == [[SYSTEM, "户口性质", "非农业户口", "农业户口", "2026-12-05"],
                          [SYSTEM, "现住址", "某街某号", "（无）", "从未"]]
    box = dlg.choices["person.hukou_type"]
    assert [box.itemText(i) for i in range(box.count())] == ["以档案更新系统", "以系统更新档案", "暂不处理"]
    assert box.currentText() == "以档案更新系统"  # the default: what the fill did before `read` existed
    box.setCurrentIndex(1)
    dlg.choices["person.current_address"].setCurrentIndex(2)
    qtbot.mouseClick(dlg.ok_btn, Qt.MouseButton.LeftButton)
    assert a.answered and a.answer == {"person.hukou_type": Decision.PROFILE,
                                       "person.current_address": Decision.LEAVE}


def test_esc_stops_without_an_answer(qtbot: Any) -> None:
    from clerkdesk.ui.qt_discrepancy import DiscrepancyDialog

    a = ask()
    dlg = DiscrepancyDialog(a)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.keyClick(dlg, Qt.Key.Key_Escape)
    assert a.answered and a.answer is None


def test_an_unreadable_system_value_can_only_update_the_system(qtbot: Any) -> None:
    from clerkdesk.ui.qt_discrepancy import DiscrepancyDialog

    diffs = compare({"person.hukou_type": "不详"}, {"person": {"hukou_type": "rural"}}, CODES)
    a = Ask(AskKind.DISCREPANCY, ask().info, "…", rows=[Row(SYSTEM, diffs[0], "")])
    dlg = DiscrepancyDialog(a)
    qtbot.addWidget(dlg)
    box = dlg.choices["person.hukou_type"]
    assert [box.itemText(i) for i in range(box.count())] == ["以档案更新系统"]


@pytest.fixture
def english() -> Any:
    i18n.set_language("en")
    yield
    i18n.set_language("zh")


def test_in_english_every_word_of_the_table_is_english(qtbot: Any, english: Any) -> None:
    from clerkdesk.ui.qt_discrepancy import DiscrepancyDialog

    dlg = DiscrepancyDialog(ask())
    qtbot.addWidget(dlg)
    texts = [dlg.table.horizontalHeaderItem(j).text() for j in range(6)] + [dlg.ok_btn.text(), dlg.cancel_btn.text()]
    box = dlg.choices["person.hukou_type"]
    texts += [box.itemText(i) for i in range(box.count())] + [cells(dlg)[1][3], cells(dlg)[1][4]]
    # the system, the field and a code's words too (the system's own free text, an address, stays as shown)
    texts += cells(dlg)[0] + cells(dlg)[1][:2] + [dlg.windowTitle().replace(" — ", " - ")]
    assert [t for t in texts if not t.isascii()] == []
    assert cells(dlg)[0][:4] == ["Human resources and social security system", "household registration type",
                                 "urban (non-agricultural)", "rural (agricultural)"]
    assert texts[:6] == ["System", "Field", "System's value", "Profile's value", "Profile last verified", "Decision"]


@pytest.mark.browser
def test_from_the_window_the_table_stops_the_run_before_writing_and_the_choice_is_filled(
        make_window: Any, qtbot: Any, sandbox: Any, answer_confirms: Any) -> None:
    """The whole path in the app, against the sandbox 人社 in Chromium: the stale 户口性质 is shown, the clerk picks
    以系统更新档案 and presses F9, the fill sends the system's own value and the profile takes it."""
    from ui_helpers import person as sample
    from ui_helpers import press

    from clerkdesk.records.standards import id_check_digit
    from clerkdesk.ui.qt_discrepancy import DiscrepancyDialog

    first17 = "65010219900228123"  # the sandbox's stale record (sandbox/web/hrss_query.py)
    values = {**sample(first17), "person.name": "阿卜杜拉·买买提", "person.hukou_type": "rural"}
    sandbox.app("hrss").people.reset()
    before = len(sandbox.submissions("hrss"))
    win = make_window()
    answer_confirms(win)
    win.form.set_matters(["hrss.person-info-change"])
    win.form.fill_values(values)
    press(qtbot, win, Qt.Key.Key_F5)
    seen: list[Any] = []
    qtbot.waitUntil(lambda: seen.extend(d for d in win.monitor.dialogs.values() if isinstance(d, DiscrepancyDialog))
                    or bool(seen), timeout=60000)
    dlg = seen[0]
    assert cells(dlg)[0][1:4] == ["户口性质", "非农业户口", "农业户口"]
    assert len(sandbox.submissions("hrss")) == before  # nothing written while the clerk decides
    dlg.choices["person.hukou_type"].setCurrentIndex(1)  # 以系统更新档案
    qtbot.keyClick(dlg, Qt.Key.Key_F9)
    qtbot.waitUntil(lambda: win.monitor.cards and not win.monitor.busy(), timeout=60000)
    assert_all_succeeded(win)
    assert sandbox.submissions("hrss")[-1]["fields"]["aac009"] == "2"
    idn = first17 + id_check_digit(first17)
    assert win.desk.profile("person", idn).record["hukou_type"] == "urban"


def test_in_the_window_two_matters_of_one_system_show_the_table_once(qtbot: Any, tmp_path: Any) -> None:
    """Two matters of one system that both read the system's query page (a scripted system, no browser): the
    clerk decides the stale 户口性质 once; the second matter reuses the decision and the table does not reappear."""
    from PySide6.QtCore import QTimer
    from ui_helpers import press, wait_done

    from clerkdesk.desk import FillOptions
    from clerkdesk.ui.app import build_window
    from clerkdesk.ui.qt_discrepancy import DiscrepancyDialog
    from tests.support.scripted_system import MATTERS, PERSON, World, scripted_desk

    desk = scripted_desk(tmp_path)
    world = World({"a": "2", "b": "1"})  # system a holds 非农业; b agrees with the profile
    win = build_window(tmp_path / "home", desk=desk, headless=True)
    win.ask_close = lambda: True
    win.monitor.runtime.opts = FillOptions(driver_factory=world.driver, timeout_factor=0.05, answer_wait=0)
    qtbot.addWidget(win)
    shown: list[Any] = []

    def tick() -> None:  # the clerk: each table seen is answered 暂不处理 with F9; every confirm with F9
        for ask, dlg in list(win.monitor.dialogs.items()):
            if ask.answered or not dlg.isVisible():
                continue
            if isinstance(dlg, DiscrepancyDialog):
                if dlg not in shown:
                    shown.append(dlg)
                dlg.choices["person.hukou_type"].setCurrentIndex(2)
            qtbot.keyClick(dlg, Qt.Key.Key_F9)

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(50)
    try:
        with qtbot.waitExposed(win):
            win.show()
        win.form.set_matters(list(MATTERS))
        win.form.fill_values({"person.name": PERSON["name"], "person.id_number": PERSON["id_number"],
                              "person.hukou_type": "rural"})
        press(qtbot, win, Qt.Key.Key_F5)
        qtbot.waitUntil(lambda: bool(win.monitor.cards), timeout=10000)
        assert wait_done(qtbot, win, 30000) == {r: "succeeded" for r in MATTERS}
    finally:
        timer.stop()
        win.shutdown()
    assert len(shown) == 1 and shown[0].ask.info.recipe in ("a.one", "a.two")
    assert sorted(world.filled) == [("a", "2"), ("a", "2"), ("b", "1")]  # left as system a has it, both times


def test_in_english_a_region_difference_is_named_in_english(qtbot: Any, english: Any) -> None:
    from clerkdesk.ui.qt_discrepancy import DiscrepancyDialog

    diffs = compare({"person.hukou_region": "370202"}, {"person": {"hukou_region": "650102"}}, CODES)
    a = Ask(AskKind.DISCREPANCY, ask().info, "…", rows=[Row(SYSTEM, diffs[0], "")])
    dlg = DiscrepancyDialog(a)
    qtbot.addWidget(dlg)
    assert cells(dlg)[0][2:4] == ["Shandong Province / Qingdao / Shinan District",
                                  "Xinjiang Uygur Autonomous Region / Urumqi / Tianshan District"]
