"""The capture form: generated fields, inline validation, derived values, profile pre-fill (no browser)."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from ui_helpers import CASE, EMPLOYMENT, INSURANCE, person

from clerkdesk.engine.plan import needed_fields


def test_form_asks_exactly_the_needed_fields(make_window: Any) -> None:
    win = make_window()
    form = win.form
    assert form.rows == {}  # nothing ticked: nothing asked
    form.set_matters([INSURANCE])
    recipe = win.desk.catalog.get(INSURANCE)
    assert set(form.rows) == set(needed_fields([recipe])) | set(recipe.fields)
    assert form.rows["person.name"].label.text() == "姓名"
    form.set_matters([INSURANCE, EMPLOYMENT])
    both = [win.desk.catalog.get(r) for r in (INSURANCE, EMPLOYMENT)]
    assert set(form.rows) == set(needed_fields(both)) | {f for r in both for f in r.fields}
    assert "person.email" not in form.rows  # minimum necessary data


def test_typing_an_id_number_validates_inline_and_derives_fields(make_window: Any, qtbot: Any) -> None:
    win = make_window()
    form = win.form
    form.set_matters([EMPLOYMENT])
    idn = form.rows["person.id_number"]
    good = person()["person.id_number"]
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    qtbot.keyClicks(idn.editor.widget, bad)
    qtbot.waitUntil(lambda: idn.message.isVisible(), timeout=2000)
    assert "校验码" in idn.message.text()
    assert idn.editor.widget.property("invalid") is True
    assert form.rows["person.birth_date"].editor.value() == ""
    idn.editor.widget.clear()
    qtbot.keyClicks(idn.editor.widget, good)
    qtbot.waitUntil(lambda: not idn.message.isVisible(), timeout=2000)
    assert form.rows["person.birth_date"].editor.value() == "1988-02-14"
    assert form.rows["person.sex"].editor.value() == "1"
    assert form.rows["person.birth_date"].editor.widget.focusPolicy() == Qt.FocusPolicy.NoFocus  # derived


def test_dates_codes_and_numbers(make_window: Any, qtbot: Any) -> None:
    win = make_window()
    form = win.form
    form.set_matters([EMPLOYMENT])
    start = form.rows["case.start_date"]
    start.editor.widget.insert("2026年11月1日")  # non-ASCII arrives from the IME as committed text
    start.editor.widget.editingFinished.emit()
    assert start.editor.value() == "2026-11-01"
    form.fill_values({"case.wage": "六千"})
    assert form.rows["case.wage"].message.text() == "应为数字"
    eth = form.rows["person.ethnicity"].editor
    eth.widget.lineEdit().insert("维吾尔族")
    assert eth.value() == "05"  # the label picked, the canonical code kept
    phone = form.rows["person.phone"]
    qtbot.keyClicks(phone.editor.widget, "1381234")
    qtbot.waitUntil(lambda: phone.message.isVisible(), timeout=2000)


def test_start_with_missing_fields_shows_them_and_stores_nothing(make_window: Any, qtbot: Any) -> None:
    win = make_window()
    form = win.form
    form.set_matters([EMPLOYMENT])
    form.fill_values({"person.name": "张晓明", "person.id_number": person()["person.id_number"]})
    qtbot.keyClick(win, Qt.Key.Key_F5)
    assert form.rows["person.phone"].message.text() == "必填"
    assert form.rows["case.employer"].message.text() == "必填", form.rows["case.employer"].message.text()
    assert form.rows["case.contract_signed"].message.text() == ""  # optional
    assert form.banner.isVisible()
    assert win.desk.store.cases.list() == []
    assert win.monitor.cards == {}


def test_profile_lookup_prefills_and_shows_verified_and_changes(make_window: Any, qtbot: Any) -> None:
    win = make_window()
    p = {k.removeprefix("person."): v for k, v in person().items()}
    win.desk.save_profile("person", p)
    win.desk.save_profile("person", {**p, "phone": "13700001111"})  # a later visit changed the phone
    form = win.form
    form.set_matters([EMPLOYMENT])
    qtbot.keyClicks(form.rows["person.id_number"].editor.widget, p["id_number"])
    qtbot.waitUntil(lambda: form.rows["person.name"].editor.value() == "张晓明", timeout=5000)
    assert form.rows["person.phone"].editor.value() == "13700001111"
    assert form.rows["person.ethnicity"].editor.widget.currentText() == "汉族"
    assert "已读取档案" in form.banner.text() and "联系电话" in form.banner.text()  # changed since last visit
    today = date.today().isoformat()
    assert form.rows["person.name"].meta.text() == f"上次核验 {today}"
    form.rows["person.current_address"].editor.set_value("北京市海淀区中关村大街1号")
    qtbot.waitUntil(lambda: "已修改" in form.rows["person.current_address"].meta.text(), timeout=2000)


def test_unknown_profile_says_it_will_be_created(make_window: Any, qtbot: Any) -> None:
    win = make_window()
    form = win.form
    form.set_matters([EMPLOYMENT])
    qtbot.keyClicks(form.rows["person.id_number"].editor.widget, person("11010519900101123")["person.id_number"])
    qtbot.waitUntil(lambda: "未找到档案" in form.banner.text(), timeout=5000)


def test_f2_lookup_and_ctrl_s_save(make_window: Any, qtbot: Any) -> None:
    win = make_window()
    form = win.form
    form.set_matters([EMPLOYMENT])
    form.fill_values({**person(), **CASE})
    qtbot.keyClick(win, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: win.desk.profile("person", person()["person.id_number"]) is not None, timeout=5000)
    form.clear()
    form.fill_values({"person.id_number": person()["person.id_number"]})
    qtbot.keyClick(win, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: form.rows["person.name"].editor.value() == "张晓明", timeout=5000)


def test_english_catalogue_from_qt_translation_file(qapp: Any) -> None:
    from clerkdesk.ui import i18n

    try:
        i18n.set_language("en")
        assert i18n._translator is not None  # the compiled .qm was loaded
        assert i18n.tr("受理") == "Capture"
        assert i18n.tr("第 {n}/{m} 步", n=3, m=9) == "Step 3 of 9"
    finally:
        i18n.set_language("zh")
    assert i18n.tr("受理") == "受理"


def test_cli_registers_app_and_demo() -> None:
    from click.testing import CliRunner

    from clerkdesk.cli import main

    out = CliRunner().invoke(main, ["--help"]).output
    assert " app " in out and " demo " in out


def test_every_ui_string_has_an_english_entry() -> None:
    import re
    from pathlib import Path

    import clerkdesk.ui as ui
    from clerkdesk.ui.errors import STEP_WORDS
    from clerkdesk.ui.i18n import EN
    from clerkdesk.ui.qt_case_list import CASE_WORDS
    from clerkdesk.ui.qt_main_window import ASK_WORDS, SHORTCUTS
    from clerkdesk.ui.qt_run_monitor import CAPTURE_WORDS, STATUS_WORDS

    used = {m.group(1) for p in Path(ui.__file__).parent.glob("*.py")
            for m in re.finditer(r'\btr\(\s*"([^"]+)"', p.read_text(encoding="utf-8"))}
    used |= {*STEP_WORDS.values(), *STATUS_WORDS.values(), *CASE_WORDS.values(), *CAPTURE_WORDS.values(),
             *(v for _k, v in SHORTCUTS), *(k for k, _v in SHORTCUTS if not k.isascii()), *ASK_WORDS.values()}
    assert sorted(used - set(EN)) == []


def test_company_matter_asks_company_fields_and_validates_the_credit_code(make_window: Any, qtbot: Any) -> None:
    win = make_window()
    form = win.form
    form.matters.setFocus()
    ids = [form.matters.item(i).data(Qt.ItemDataRole.UserRole) for i in range(form.matters.count())]
    form.matters.setCurrentRow(ids.index("amr.enterprise-change"))
    qtbot.keyClick(form.matters, Qt.Key.Key_Space)  # keyboard: Space ticks the current matter
    assert form.checked_matters() == ["amr.enterprise-change"]
    assert next(iter(form.rows)) == "enterprise.uscc"  # the key field first: it finds the profile
    assert "enterprise.legal_rep.id_number" in form.rows
    form.fill_values({"enterprise.uscc": "91110000600037341X", "enterprise.legal_rep.id_number": "123"})
    assert "校验码" in form.rows["enterprise.uscc"].message.text()
    assert form.rows["enterprise.legal_rep.id_number"].message.text()
    assert form.record_data() == {"uscc": "91110000600037341X", "legal_rep": {"id_number": "123"}}


def test_demo_opens_with_a_valid_sample_case(make_window: Any, sandbox: Any) -> None:
    from clerkdesk.ui.demo import Demo

    win = make_window(demo=Demo(sandbox))
    form = win.form
    web = {sid for sid, s in win.desk.catalog.systems.items() if s.kind == "web"}
    assert form.targets() and all(win.desk.catalog.get(t).system in web for t in form.targets())
    assert form.problems() == {}
    form.submitted = True
    assert form.validate(), form.problems()  # every needed field is filled: F5 can start at once
    assert "演示" in win.windowTitle()


def test_tab_order_follows_the_form(make_window: Any, qtbot: Any) -> None:
    from PySide6.QtWidgets import QApplication

    win = make_window()
    form = win.form
    form.set_matters([EMPLOYMENT])
    qtbot.wait(50)  # let the new rows show
    form.matters.setFocus()
    seen = []
    for _ in range(4):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        fw = QApplication.focusWidget()
        seen.append(fw.objectName() or fw.parent().objectName() or type(fw).__name__)
    # ID number first, the derived (grey) fields skipped, then the rest in form order
    assert seen[:3] == ["person.id_number", "person.name", "person.ethnicity"], seen


def test_record_defaults_are_preselected(make_window: Any) -> None:
    win = make_window()
    form = win.form
    gjj = [m for m in win.desk.catalog.matters.values() if m.recipes == ("gjj.open-account",)]
    if not gjj:
        import pytest

        pytest.skip("no gjj.open-account recipe")
    form.set_matters([gjj[0].id])
    assert form.rows["person.id_type"].editor.widget.currentText() == "居民身份证"  # Person.id_type's default
    form.clear()
    assert form.rows["person.id_type"].editor.value() == "111"


def test_company_profile_is_found_by_its_credit_code(make_window: Any, qtbot: Any) -> None:
    win = make_window()
    win.desk.save_profile("enterprise", {"name": "北京星河科技有限公司", "uscc": "91110000600037341L",
                                         "phone": "010-65001234"})
    form = win.form
    form.set_matters(["amr.enterprise-change"])
    qtbot.keyClicks(form.rows["enterprise.uscc"].editor.widget, "91110000600037341L")
    qtbot.waitUntil(lambda: form.rows["enterprise.name"].editor.value() == "北京星河科技有限公司", timeout=5000)
    assert form.rows["enterprise.phone"].editor.value() == "010-65001234"
    assert "已读取档案" in form.banner.text()
