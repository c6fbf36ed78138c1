"""The discrepancy table (ui/qt_discrepancy.py): every row in words, a decision per row, in Chinese and English."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt

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
    return Ask(AskKind.DISCREPANCY, RunInfo("R1", "hrss.person-info-change", "人员基本信息变更", "hrss", SYSTEM),
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
    assert all(t.isascii() for t in texts), texts
    assert texts[:6] == ["System", "Field", "System's value", "Profile's value", "Profile last verified", "Decision"]
