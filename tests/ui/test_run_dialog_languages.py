"""The double language check of every run dialog and of the resume dialog, with the shipped recipes' own data.

The real engine runs the shipped 人社 recipes (就业登记, 参保登记, 人员基本信息变更) against a form driver (no browser):
what the clerk is asked — the login, the confirm with every value sent, the discrepancy table of a ``read``, and,
on resuming a submit whose answer never came, the uncertain submit — is kept, and each dialog is then built in the
Chinese window and in the English window. In English no Han character may show except in the citizen's own
values (a name, an address, an employer); in Chinese no Latin word except codes, ids, key names and the product's
name.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import pytest
from PySide6.QtWidgets import QAbstractButton, QComboBox, QLabel, QTableWidget, QWidget

from clerkdesk.desk import CaseRequest, Desk, FillOptions
from clerkdesk.ui import i18n, workers
from clerkdesk.ui.workers import Ask, AskKind
from tests.support.data import EMPLOYMENT, INSURANCE, PERSON
from tests.support.form_driver import FormWorld

EMP, INS, CHANGE = "hrss.employment-registration", "hrss.insurance-enrollment", "hrss.person-info-change"
# the citizen's own values: they stay as the citizen has them in any language
OWN = {PERSON["name"], PERSON["hukou_address"], PERSON["current_address"], EMPLOYMENT["employer"], EMPLOYMENT["post"],
       "解放南路12号", "某市某区某街1号"}
# Latin words a Chinese window may show: key names, the product, and codes/ids (checked apart: letters and digits)
LATIN_OK = {"F9", "Esc", "ClerkDesk"}


class Collecting:
    """The clerk: logs in, confirms, decides nothing (keeps the profile's values), answers 稍后处理 to an uncertain
    submit — and keeps every question with the run it came from."""

    def __init__(self, world: FormWorld):
        self.world = world
        self.asks: list[Ask] = []

    def confirm(self, info: Any, message: str, values: list[tuple[str, str]]) -> bool:
        self.asks.append(Ask(AskKind.CONFIRM, info, message, list(values)))
        return True

    def human(self, info: Any, message: str, driver: Any, check: Any) -> None:
        self.asks.append(Ask(AskKind.HUMAN, info, message))
        self.world.logged_in = True

    def uncertain(self, info: Any, message: str) -> tuple[str, str | None]:
        self.asks.append(Ask(AskKind.UNCERTAIN, info, message))
        return "abort", None

    def decide_discrepancies(self, info: Any, rows: list[Any]) -> dict[str, str]:
        from clerkdesk.ui.workers import DISCREPANCY_ASK  # what the window's clerk asks with

        self.asks.append(Ask(AskKind.DISCREPANCY, info, DISCREPANCY_ASK, rows=list(rows)))
        return {}


@pytest.fixture(scope="module")
def collected(tmp_path_factory: pytest.TempPathFactory) -> Any:
    home = tmp_path_factory.mktemp("dialogs") / "home"
    desk = Desk(home)
    world = FormWorld(shown={"#r-aac009": "非农业户口", "#r-aae006": "某市某区某街1号"})  # a stale record
    clerk = Collecting(world)
    opts = FillOptions(driver_factory=world.driver, timeout_factor=0.05, answer_wait=0)
    res = desk.fill(CaseRequest("person", dict(PERSON), [EMP, INS], {**EMPLOYMENT, **INSURANCE}), clerk, opts)
    assert all(o.status == "succeeded" for o in res.outcomes.values()), res.outcomes
    world.no_answer = True  # the change's submit gets no answer: uncertain; resuming it asks the clerk
    change = desk.fill(CaseRequest("person", dict(PERSON), [CHANGE], {}), clerk, opts)
    assert change.outcomes[CHANGE].submit == "uncertain", change.outcomes[CHANGE]
    desk.resume(change.runs[CHANGE], clerk, opts)
    kinds = [a.kind for a in clerk.asks]
    assert {AskKind.HUMAN, AskKind.CONFIRM, AskKind.DISCREPANCY, AskKind.UNCERTAIN} <= set(kinds), kinds
    yield desk, clerk.asks
    desk.close()


def _texts(d: QWidget) -> list[str]:
    """Everything the dialog shows: its title, labels, buttons, table headers and cells, drop-down items."""
    out = [d.windowTitle()]
    out += [x.text() for x in d.findChildren(QLabel) + d.findChildren(QAbstractButton) if x.text()]
    for t in d.findChildren(QTableWidget):
        out += [t.horizontalHeaderItem(j).text() for j in range(t.columnCount()) if t.horizontalHeaderItem(j)]
        out += [t.item(i, j).text() for i in range(t.rowCount()) for j in range(t.columnCount()) if t.item(i, j)]
    for box in d.findChildren(QComboBox):
        out += [box.itemText(i) for i in range(box.count())]
    return [s for s in out if s]


def _han(text: str) -> bool:
    return any(unicodedata.east_asian_width(c) == "W" and ("\u4e00" <= c <= "\u9fff") for c in text)


def _foreign(text: str, lang: str) -> list[str]:
    """The pieces of TEXT in the other script than LANG's."""
    for own in sorted(OWN, key=len, reverse=True):
        text = text.replace(own, " ")
    if lang == "en":
        return re.findall(r"[\u4e00-\u9fff]+", text)
    words = re.findall(r"[A-Za-z0-9_.-]+", text)
    return [w for w in words if re.search(r"[A-Za-z]", w) and w not in LATIN_OK
            and not re.search(r"\d", w)]  # codes and ids carry digits (RS0000123, 91110000600037341L)


class Host(QWidget):
    """The dialogs' parent as in the window: it has the desk (the confirm reads its lines from it)."""

    def __init__(self, desk: Desk):
        super().__init__()
        self.desk = desk


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_run_dialog_and_the_resume_dialog_speak_one_language(collected: Any, qtbot: Any, lang: str) -> None:
    from clerkdesk.ui.dialogs import dialog_for

    desk, asks = collected
    i18n.set_language(lang)
    try:
        host = Host(desk)
        qtbot.addWidget(host)
        found: dict[str, list[str]] = {}
        for ask in asks:
            fresh = Ask(ask.kind, ask.info, ask.message, list(ask.values), rows=list(ask.rows))
            dlg = dialog_for(fresh, host)
            workers.wait_ops(10)  # the confirm's lines marked against the profile, off the UI thread
            qtbot.wait(50)
            texts = _texts(dlg)
            bad = [b for t in texts for b in _foreign(t, lang)]
            if bad:
                found[f"{type(dlg).__name__} {ask.info.recipe}"] = bad
            dlg.done(0)
            dlg.deleteLater()
        assert found == {}
    finally:
        i18n.set_language("zh")


def test_the_english_confirm_names_fields_and_values_in_english(collected: Any, qtbot: Any) -> None:
    """The check above is not empty-handed: the English confirm of 就业登记 shows what it should."""
    from clerkdesk.ui.dialogs import ConfirmDialog

    desk, asks = collected
    ask = next(a for a in asks if a.kind == AskKind.CONFIRM and a.info.recipe == EMP)
    i18n.set_language("en")
    try:
        host = Host(desk)
        qtbot.addWidget(host)
        dlg = ConfirmDialog(Ask(ask.kind, ask.info, ask.message, list(ask.values)), host)
        rows = {dlg.table.item(i, 0).text(): dlg.table.item(i, 1).text() for i in range(dlg.table.rowCount())}
        assert rows["name"] == PERSON["name"] and rows["ethnic group"] == "Uyghur"
        assert rows["Contract term"] == "Three years or more" and rows["Labour contract signed"] == "☑ ticked"
        assert "Check the employment registration, then submit" in _texts(dlg)
        assert dlg.table.item(0, 0).toolTip() == "姓名"  # the target's own label beside the English name
    finally:
        i18n.set_language("zh")


def test_the_cards_step_line_names_the_field_and_the_message_in_english() -> None:
    """The run monitor's step line (engine events carry the field a step enters and a message step's ``en:``):
    English words in the English window, the target's own labels in the Chinese one."""
    from clerkdesk.ui.errors import step_words

    i18n.set_language("en")
    try:
        assert step_words("fill", "fill 姓名", "person.name") == "fill name"
        assert step_words("confirm", "confirm 请核对", "", "Check, then submit") == "confirm Check, then submit"
        assert step_words("click", "click 查询") == "click 查询"  # a button named only by the system
    finally:
        i18n.set_language("zh")
    assert step_words("fill", "fill 姓名", "person.name") == "填写 姓名"


def test_the_forms_choices_show_english_words_and_keep_the_value_as_written(qtbot: Any) -> None:
    """A recipe option's ``en_choices`` words in the English form's picker and ticks; the record gets the option
    as written (it is what the system is sent)."""
    from clerkdesk.config import recipes_dir
    from clerkdesk.recipe.catalog import Catalog
    from clerkdesk.ui.fields import field_def, make_editor

    cat = Catalog(recipes_dir())
    recipes = [cat.get(EMP), cat.get(INS)]
    i18n.set_language("en")
    try:
        term = make_editor(field_def("case.contract_term", recipes))
        qtbot.addWidget(term.widget)
        items = [term.widget.itemText(i) for i in range(term.widget.count())]
        assert "Three years or more" in items and not [t for t in items if _han(t)]
        term.set_value("三年及以上")
        assert term.widget.currentText() == "Three years or more" and term.value() == "三年及以上"
        ins = make_editor(field_def("case.insurances", recipes))
        qtbot.addWidget(ins.widget)
        assert [b.text() for b in ins.boxes] == ["Pension", "Medical", "Unemployment", "Work injury"]
        ins.set_value(["养老", "工伤"])
        assert ins.value() == ["养老", "工伤"]
    finally:
        i18n.set_language("zh")
    zh = make_editor(field_def("case.insurances", recipes))
    qtbot.addWidget(zh.widget)
    assert [b.text() for b in zh.boxes] == ["养老", "医疗", "失业", "工伤"]
