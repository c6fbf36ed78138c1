"""One editor per field kind: the widget, how to read and set its value. No validation rules live here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QLineEdit,
    QWidget,
)

from clerkdesk.records import codes
from clerkdesk.ui.i18n import language, named, tr


@dataclass(frozen=True)
class FieldDef:
    """What the form shows for one needed field (from the field registry or a recipe's case fields)."""

    path: str  # person.name, enterprise.legal_rep.id_number, case.employer
    label: str
    kind: str  # the registry's kind, or the recipe's: date | number | bool | choice:A|B | multi:A|B | code:<t>
    table: str | None = None
    derived: bool = False
    required: bool = True
    words: tuple[tuple[str, str], ...] = ()  # a choice:/multi: option → its words in the UI's language


def option_words(fd: FieldDef, option: str) -> str:
    return dict(fd.words).get(option, option)


def field_def(path: str, recipes: list[Any]) -> FieldDef:
    from clerkdesk.records.model import field_spec

    spec = field_spec(path)
    if spec is not None:
        return FieldDef(path, spec.en if language() == "en" else spec.zh, spec.kind, spec.table, spec.derived)
    for r in recipes:
        cf = r.fields.get(path)
        if cf is not None:
            kind = cf.kind
            table = kind.split(":", 1)[1] if kind.startswith("code:") else None
            return FieldDef(path, named(cf), "code" if table else kind, table, False, cf.required,
                            tuple((o, cf.option_words(o, language())) for o in cf.options))
    return FieldDef(path, path.split(".")[-1], "text")


class Editor:
    """A field's input widget. ``value()`` is what the record gets ('' when empty)."""

    widget: QWidget

    def value(self) -> Any:
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        raise NotImplementedError

    def on_change(self, cb: Callable[[], None]) -> None:
        raise NotImplementedError

    def set_invalid(self, bad: bool) -> None:
        self.widget.setProperty("invalid", bad)
        self.widget.style().unpolish(self.widget)
        self.widget.style().polish(self.widget)

    def set_derived(self, derived: bool) -> None:
        self.widget.setEnabled(not derived)

    def focus_widget(self) -> QWidget:
        return self.widget


class LineEditor(Editor):
    PLACEHOLDERS: ClassVar[dict[str, str]] = {
        "date": "2026-11-22 / 20261122 / 2026年11月22日", "id_number": "18位公民身份号码",
        "uscc": "18位统一社会信用代码", "phone": "13812345678 / 028-12345678", "region": "6位区划代码",
        "number": "0", "money": "万元"}

    def __init__(self, fd: FieldDef):
        self.fd = fd
        self.widget = w = QLineEdit()
        w.setPlaceholderText(self.PLACEHOLDERS.get(fd.kind, ""))
        if fd.kind in ("id_number", "uscc"):
            w.setMaxLength(20)
        if fd.kind == "date":
            w.editingFinished.connect(self._normalise_date)

    def _normalise_date(self) -> None:
        from clerkdesk.records.standards import parse_date

        d, problems = parse_date(self.widget.text())
        if d is not None and not problems and d.isoformat() != self.widget.text():
            self.widget.setText(d.isoformat())

    def value(self) -> Any:
        return self.widget.text().strip()

    def set_value(self, value: Any) -> None:
        self.widget.setText("" if value is None else str(value))

    def on_change(self, cb: Callable[[], None]) -> None:
        self.widget.textChanged.connect(lambda _t: cb())

    def set_derived(self, derived: bool) -> None:
        self.widget.setReadOnly(derived)
        self.widget.setFocusPolicy(Qt.FocusPolicy.NoFocus if derived else Qt.FocusPolicy.StrongFocus)
        self.widget.setProperty("derived", derived)
        self.set_invalid(False)


class WheelSafeCombo(QComboBox):
    """A combo box the mouse wheel changes only while it has the keyboard focus.

    Over an unfocused picker the wheel scrolls the form instead (the event goes on to the scroll area):
    Qt's default both changed the value under the pointer and took the focus, so the next Tab typed the
    following value into the wrong field.
    """

    def __init__(self) -> None:
        super().__init__()
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # not WheelFocus: the wheel never takes the focus

    def wheelEvent(self, e: QWheelEvent) -> None:
        if self.hasFocus() or (self.lineEdit() is not None and self.lineEdit().hasFocus()):
            super().wheelEvent(e)
        else:
            e.ignore()  # → the parent (the form's scroll area) scrolls


class ChoiceEditor(Editor):
    """A picker with type-ahead (contains-match on the label or the code); the value is the code."""

    def __init__(self, fd: FieldDef):
        self.fd = fd
        self.widget = w = WheelSafeCombo()
        w.setEditable(True)
        w.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        w.addItem("", "")
        if fd.table:
            for c in codes.table(fd.table).codes:
                w.addItem(c.en if language() == "en" else c.zh, c.code)
        else:
            for opt in fd.kind.split(":", 1)[1].split("|"):
                w.addItem(option_words(fd, opt), opt)  # shown in the UI's language; the value as written
        comp = QCompleter(w.model(), w)
        comp.setFilterMode(Qt.MatchFlag.MatchContains)
        comp.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        comp.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        w.setCompleter(comp)
        w.lineEdit().setPlaceholderText(tr("请选择"))

    def value(self) -> Any:
        text = self.widget.currentText().strip()
        i = self.widget.findText(text, Qt.MatchFlag.MatchFixedString)
        if i > 0:
            return self.widget.itemData(i)
        return text  # a code or an alias typed in: the record layer resolves (or rejects) it

    def set_value(self, value: Any) -> None:
        i = self.widget.findData("" if value is None else str(value))
        if i < 0 and self.fd.table and value:
            code = codes.table(self.fd.table).resolve(str(value))
            i = self.widget.findData(code) if code else -1
        if i >= 0:
            self.widget.setCurrentIndex(i)
        else:
            self.widget.setEditText("" if value is None else str(value))

    def on_change(self, cb: Callable[[], None]) -> None:
        self.widget.currentTextChanged.connect(lambda _t: cb())

    def set_derived(self, derived: bool) -> None:
        self.widget.setEnabled(not derived)


class BoolEditor(Editor):
    def __init__(self, fd: FieldDef):
        self.widget = QCheckBox(tr("是"))

    def value(self) -> Any:
        return self.widget.isChecked()

    def set_value(self, value: Any) -> None:
        self.widget.setChecked(value in (True, "true", "1", 1, "是"))

    def on_change(self, cb: Callable[[], None]) -> None:
        self.widget.toggled.connect(lambda _b: cb())


class MultiEditor(Editor):
    def __init__(self, fd: FieldDef):
        self.widget = QWidget()
        lay = QHBoxLayout(self.widget)
        lay.setContentsMargins(0, 0, 0, 0)
        self.options = fd.kind.split(":", 1)[1].split("|")  # the values as written; shown in the UI's language
        self.boxes = [QCheckBox(option_words(fd, opt)) for opt in self.options]
        for b in self.boxes:
            lay.addWidget(b)
        lay.addStretch(1)

    def value(self) -> Any:
        return [opt for opt, b in zip(self.options, self.boxes, strict=True) if b.isChecked()]

    def set_value(self, value: Any) -> None:
        chosen = set(value or [])
        for opt, b in zip(self.options, self.boxes, strict=True):
            b.setChecked(opt in chosen)

    def on_change(self, cb: Callable[[], None]) -> None:
        for b in self.boxes:
            b.toggled.connect(lambda _b: cb())

    def focus_widget(self) -> QWidget:
        return self.boxes[0]


def make_editor(fd: FieldDef) -> Editor:
    if fd.kind == "code" or fd.kind.startswith("choice:"):
        return ChoiceEditor(fd)
    if fd.kind == "bool":
        return BoolEditor(fd)
    if fd.kind.startswith("multi:"):
        return MultiEditor(fd)
    return LineEditor(fd)


def check_case_value(fd: FieldDef, value: Any) -> str | None:
    """Message for a case field's value of the wrong shape (dates via the records standard), else None."""
    if value in ("", None, []):
        return None
    if fd.kind == "date":
        from clerkdesk.records.standards import parse_date

        _d, problems = parse_date(str(value), fd.path)
        return (problems[0].en if language() == "en" else problems[0].zh) if problems else None
    if fd.kind == "number":
        try:
            float(str(value).replace(",", ""))
        except ValueError:
            return tr("应为数字")
    if fd.kind.startswith("choice:") and str(value) not in fd.kind.split(":", 1)[1].split("|"):
        return tr("不是可选值")
    if fd.kind == "code" and fd.table and codes.table(fd.table).resolve(str(value)) is None:
        return tr("不是可选值")
    return None
