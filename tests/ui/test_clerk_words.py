"""The clerk reads words, in one language: confirms in words against the real sandbox, the status line while a
login waits, masked names in 今日案件, Qt's own dialogs in Chinese or English, 读取证件's first Enter."""

from __future__ import annotations

import time
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QFileDialog, QMessageBox, QPushButton
from ui_helpers import CASE, EMPLOYMENT, INSURANCE, person, press, wait_done

from clerkdesk.records.masking import mask_id, mask_name
from clerkdesk.ui.dialogs import ConfirmDialog
from tests.support.clerks import login


def _slow_login(driver: Any) -> None:
    """A clerk who takes a moment to log in (long enough for the status line to be read)."""
    time.sleep(1.5)
    login(driver)


def _rows(dlg: ConfirmDialog) -> dict[str, tuple[str, str, str]]:
    t = dlg.table
    return {t.item(i, 0).text(): tuple(t.item(i, j).text() for j in (1, 2, 3)) for i in range(t.rowCount())}


@pytest.mark.browser
def test_confirms_show_words_codes_and_every_sent_field(make_window: Any, qtbot: Any) -> None:
    win = make_window(assist=_slow_login)
    values = {**person(), **CASE, "person.hukou_type": "resident", "case.insurances": ["养老", "医疗"],
              "case.insured_from": "2026-11-01", "case.contribution_base": "8000"}
    win.form.set_matters([EMPLOYMENT, INSURANCE])
    win.form.fill_values(values)
    press(qtbot, win, Qt.Key.Key_F5)
    # while the logins wait, the status line says so (not 正在启动浏览器并填报…)
    qtbot.waitUntil(lambda: win.message.text().startswith("等待您在“人力资源和社会保障业务经办系统”"), timeout=30000)
    dialogs: dict[str, ConfirmDialog] = {}

    def confirm_of(recipe: str) -> bool:  # two matters of one system run in turn (one browser, one login)
        for d in win.monitor.dialogs.values():
            if isinstance(d, ConfirmDialog):
                dialogs[d.ask.info.recipe] = d
        return recipe in dialogs

    qtbot.waitUntil(lambda: confirm_of(EMPLOYMENT), timeout=60000)
    # the status line follows the runs on its 300 ms timer
    qtbot.waitUntil(lambda: win.message.text().startswith("等待您核对并确认提交"), timeout=3000)
    emp = dialogs[EMPLOYMENT]
    qtbot.waitUntil(lambda: _rows(emp)["户口性质"][2] != "", timeout=5000)  # the marks against the profile
    rows = _rows(emp)
    assert rows["性别"][:2] == ("男", "1")
    assert rows["民族"][:2] == ("汉族", "1")
    assert rows["户口性质"] == ("非农业户口", "2", "档案为“居民户口”，该系统记为此值")
    assert rows["文化程度"][:2] == ("大学本科", "21")
    assert rows["婚姻状况"][:2] == ("未婚", "1")
    assert (rows["户籍地址"][0], rows["市"][0], rows["区县"][:2]) == ("北京市", "北京市", ("朝阳区", "110105"))
    assert rows["姓名"] == ("张晓明", "", "")
    assert len(rows) == len(emp.ask.values)  # one line per value the run sent
    emp.ok_btn.click()
    qtbot.waitUntil(lambda: confirm_of(INSURANCE), timeout=60000)
    ins = dialogs[INSURANCE]
    irows = _rows(ins)
    assert irows["养老"][0] == irows["医疗"][0] == "☑ 勾选"  # 参保险种 is part of what is confirmed
    ins.ok_btn.click()
    assert wait_done(qtbot, win) == {EMPLOYMENT: "succeeded", INSURANCE: "succeeded"}
    win.cases.refresh()
    qtbot.waitUntil(lambda: bool(win.cases.rows), timeout=5000)
    assert win.cases.table.item(0, 1).text() == "张*明"  # who it is for, masked
    assert "张晓明" not in [win.cases.table.item(0, j).text() for j in range(win.cases.table.columnCount())]


def test_masking_rules() -> None:
    assert [mask_name(n) for n in ("张晓明", "张三", "欧阳娜娜", "王", "")] == ["张*明", "张*", "欧**娜", "王", ""]
    assert mask_id("110105198802141234") == "1101**********1234"


def _texts(box: Any) -> list[str]:
    return [b.text().replace("&", "") for b in box.findChildren(QPushButton) if b.text()]


def test_qt_dialogs_speak_the_chosen_language(make_window: Any, qtbot: Any) -> None:
    from clerkdesk.ui import i18n

    for lang, want, unwanted in (("zh", {"关闭窗口", "不关闭"}, {"Yes", "No", "Cancel", "Open"}),
                                 ("en", {"Close the window", "Keep it open"}, {"关闭窗口", "取消", "打开"})):
        win = make_window(lang=lang)
        try:
            box = win.close_box()
            assert set(_texts(box)) == want
            std = QMessageBox(QMessageBox.Icon.Question, "t", "t", QMessageBox.StandardButton.Yes |
                              QMessageBox.StandardButton.No)  # as Qt builds it (e.g. the monitor's 中止 question)
            picker = QFileDialog(win, "t")
            picker.setOption(QFileDialog.Option.DontUseNativeDialog)  # Qt's own picker (Linux without a portal)
            seen = set(_texts(std)) | {b.text().replace("&", "") for bb in picker.findChildren(QDialogButtonBox)
                                        for b in bb.buttons()}
            assert not seen & unwanted, (lang, seen)
            if lang == "zh":
                assert {"是(Y)", "否(N)"} <= seen or {"是", "否"} <= seen, seen
                assert "打开(O)" in seen or "打开" in seen, seen
            else:
                assert {"Yes", "No", "Open"} <= seen, seen
        finally:
            win.close()
            win.shutdown()
            i18n.set_language("zh")


def test_the_first_enter_in_the_document_menu_reads(make_window: Any, qtbot: Any, monkeypatch: Any) -> None:
    asked: list[str] = []

    def fake_open(*_a: Any, **_k: Any) -> tuple[str, str]:
        asked.append("file")
        return "", ""  # the clerk cancelled the picker

    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(fake_open))
    win = make_window()
    bar = win.form.doc_bar
    bar.button.setFocus()
    qtbot.keyClick(bar.button, Qt.Key.Key_Return)  # Enter on 读取证件 opens the menu …
    qtbot.waitUntil(bar.menu.isVisible, timeout=3000)
    assert bar.menu.activeAction() is bar.from_file
    qtbot.keyClick(bar.menu, Qt.Key.Key_Return)  # … and the first Enter picks 从图片文件…
    qtbot.waitUntil(lambda: asked == ["file"], timeout=3000)
    assert not bar.menu.isVisible()
    QApplication.processEvents()


def _cjk(text: str) -> bool:
    import unicodedata

    return any(unicodedata.east_asian_width(ch) in ("W", "F") and ch not in "（）：，。　" for ch in text)


def _chrome(w: Any) -> list[str]:
    """Every text the widget tree shows of its own (titles, labels, buttons, headers, placeholders)."""
    from PySide6.QtWidgets import QAbstractButton, QLabel, QLineEdit, QTableWidget

    out = [w.windowTitle()]
    out += [x.text() for x in w.findChildren(QLabel) + w.findChildren(QAbstractButton) if x.text()]
    out += [x.placeholderText() for x in w.findChildren(QLineEdit) if x.placeholderText()]
    for t in w.findChildren(QTableWidget):
        out += [t.horizontalHeaderItem(j).text() for j in range(t.columnCount()) if t.horizontalHeaderItem(j)]
    return [s for s in out if s]


def test_every_dialog_in_one_language(make_window: Any, qtbot: Any) -> None:
    """The double language check: each of the window's dialogs, built in zh and in en. In en no Chinese of the
    app's own is left (the data here is ASCII); in zh every button is Chinese."""
    from clerkdesk.engine.run import RunInfo
    from clerkdesk.ui import i18n
    from clerkdesk.ui.dialogs import HumanDialog, UncertainDialog
    from clerkdesk.ui.workers import Ask

    info = RunInfo("R1", "x.y", "Employment", "x", "HR system")
    for lang in ("zh", "en"):
        win = make_window(lang=lang)
        try:
            asks = [Ask("confirm", info, "Check", [("Name", "Zhang")]), Ask("human", info, "Log in", hint="u p c"),
                    Ask("uncertain", info, "Unclear"),
                    Ask("human", info, "Log in", window={"order": 2, "title": "Login"})]  # names its window
            made = [ConfirmDialog(asks[0]), HumanDialog(asks[1]), UncertainDialog(asks[2]), HumanDialog(asks[3]),
                    win.close_box()]
            win.show_help()
            made.append(win.help_box)
            for d in made:
                qtbot.addWidget(d)
                texts = _chrome(d)
                from PySide6.QtWidgets import QAbstractButton

                buttons = [b.text() for b in d.findChildren(QAbstractButton) if b.text()]
                if lang == "en":
                    assert not [t for t in texts if _cjk(t)], (type(d).__name__, texts)
                else:
                    assert buttons and all(_cjk(b) for b in buttons), (type(d).__name__, buttons)
            win.help_box.close()
        finally:
            win.close()
            win.shutdown()
            i18n.set_language("zh")


def test_english_mode_names_matters_systems_and_case_fields_by_their_en_labels(make_window: Any, qtbot: Any,
                                                                              ) -> None:
    """The recipes' ``en:`` labels in the English window: the matter list, the target systems, the case fields'
    labels; the Chinese window keeps the Chinese ones."""
    from clerkdesk.ui import i18n

    for lang, title, system, field in (("en", "Social insurance enrolment", "Human resources and social security "
                                        "system", "Insurance types"),
                                       ("zh", "社会保险参保登记", "人力资源和社会保障业务经办系统", "参保险种")):
        win = make_window(lang=lang)
        try:
            form = win.form
            items = [form.matters.item(i).text() for i in range(form.matters.count())]
            assert any(t.startswith(title) for t in items), items
            if lang == "en":
                assert not [t for t in items if _cjk(t)], items  # bundles too ([One-stop] …)
            form.set_matters([INSURANCE])
            assert form.targets_label.text() == f"• {system}{'：' if lang == 'zh' else ': '}{title}"
            assert form.rows["case.insurances"].fd.label == field
            assert field in form.rows["case.insurances"].label.text()
            # the questions of a run name its system and matter the same way (the engine's RunInfo carries both)
            from clerkdesk.engine.run import RunInfo
            from clerkdesk.ui.dialogs import HumanDialog
            from clerkdesk.ui.workers import Ask

            info = RunInfo("R1", INSURANCE, "社会保险参保登记", "hrss", "人力资源和社会保障业务经办系统",
                           "Social insurance enrolment", "Human resources and social security system")
            d = HumanDialog(Ask("human", info, "Log in"))
            qtbot.addWidget(d)
            assert f"{system} · {title}" in _chrome(d)
            assert system in d.windowTitle() and title in d.windowTitle()
            if lang == "en":
                assert not [t for t in _chrome(d) if _cjk(t)], _chrome(d)
        finally:
            win.close()
            win.shutdown()
            i18n.set_language("zh")


def test_questions_do_not_cover_each_other(make_window: Any, qtbot: Any) -> None:
    """Two logins at once (two systems): the dialogs stack at the right edge, each naming its system's window."""
    from clerkdesk.engine.run import RunInfo
    from clerkdesk.ui.dialogs import HumanDialog
    from clerkdesk.ui.workers import Ask

    win = make_window()
    dlgs = [HumanDialog(Ask("human", RunInfo(f"R{i}", "x", "t", "s", f"系统{i}"), "请登录"), win) for i in (1, 2)]
    for d in dlgs:
        qtbot.addWidget(d)
        d.show_now()
        qtbot.waitExposed(d)
    a, b = (d.frameGeometry() for d in dlgs)
    assert not a.intersects(b), (a, b)
    area = dlgs[0].screen().availableGeometry()  # 800×800 offscreen: on a 1920 screen they leave the middle free
    assert a.right() >= area.right() - 40 and b.right() >= area.right() - 40  # at the right edge, one under another
    assert b.top() > a.bottom()
    assert any("“系统1”的窗口" in lb.text() for lb in dlgs[0].findChildren(type(dlgs[0].hint)))
    for d in dlgs:
        d.answer("abort")


def test_evidence_is_named_by_what_it_shows(qapp: Any) -> None:
    from clerkdesk.ui.dialogs import evidence_title

    assert evidence_title("submit-step-29") == "提交后系统的页面（第 29 步）"
    assert evidence_title("failure-step-7-fill") == "出错时的页面（第 7 步：填写）"
    assert evidence_title("受理回执") == "受理回执"  # the recipe's own words
    # named in both languages (the engine's 提交前 shot; a recipe's screenshot with en:): the window's language
    assert evidence_title("提交前 (before submit)") == "提交前"
    assert evidence_title("受理回执 (Receipt)") == "受理回执"
    assert evidence_title("回执（第2联） (Receipt (copy 2))") == "回执（第2联） (Receipt (copy 2))"  # not one pair
    assert evidence_title("受理回执 (2)") == "受理回执 (2)"  # a number in brackets is part of the name
    from clerkdesk.ui import i18n

    i18n.set_language("en")
    try:
        assert evidence_title("提交前 (before submit)") == "before submit"
        assert evidence_title("受理回执 (Receipt)") == "Receipt"
        assert evidence_title("受理回执 (2)") == "受理回执 (2)"
        assert evidence_title("submit-step-29") == "The system's page after the submit (step 29)"
    finally:
        i18n.set_language("zh")
