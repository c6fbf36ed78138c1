"""The discrepancy table: where a system already holds other values than the profile, the clerk decides each.

Shown when a recipe's ``read`` step found differences (``desk/discrepancy.py`` builds the rows): one line per
field — system, field, the system's value, the profile's value (both in words), when the profile's value was
last verified at the counter — and a choice per line: update the system with the profile (the default: what the
fill did before), update the profile with the system's value, or leave both. F9 goes on with the choices; Esc
stops the run before anything was written. A view only: the decisions are audited and applied by the desk.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from clerkdesk.engine.discrepancy import DECISION_WORDS, Decision
from clerkdesk.ui.dialogs import AskDialog
from clerkdesk.ui.i18n import language, run_names, tr
from clerkdesk.ui.workers import Ask

HEAD = ("系统", "项目", "系统中的值", "档案中的值", "档案上次核验", "处理")


def _in_language(field: str, label: str, words: str, value: str | None = None) -> tuple[str, str]:
    """A row's field label and a value's words in the UI's language: in English the field registry's English
    name, a code's English label (rural (agricultural)) and a region's English names (VALUE: its code); free text
    (an address) stays as the system shows it."""
    if language() != "en":
        return label, words
    from clerkdesk.records import codes, model, regions
    from clerkdesk.records.regions_en import english

    spec = model.field_spec(field)
    if spec is None:
        return label, words
    if spec.kind == "code" and spec.table and words:
        tab = codes.table(spec.table)
        code = tab.resolve(words)
        words = next((c.en for c in tab.codes if c.code == code), words)
    elif spec.kind == "region" and value and regions.region(value) is not None:
        words = " / ".join(english(n) for n in dict.fromkeys(regions.names(value)) if n)
    return spec.en, words


class DiscrepancyDialog(AskDialog):
    """The rows of ``ask.rows`` (``desk.discrepancy.Row``) with a decision each; answers ``{field: Decision}``."""

    def __init__(self, ask: Ask, parent: QWidget | None = None):
        super().__init__(ask, tr("信息不一致"), parent)
        self.lay.addWidget(QLabel(tr("尚未向系统写入任何内容。“暂不处理”：系统和档案都不改。"), wordWrap=True))
        rows = list(ask.rows)
        table = QTableWidget(len(rows), len(HEAD))
        table.setHorizontalHeaderLabels([tr(h) for h in HEAD])
        table.verticalHeader().hide()
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table = table
        self.choices: dict[str, QComboBox] = {}
        for i, row in enumerate(rows):
            d = row.diff
            system = run_names(ask.info)[0] if row.system == ask.info.system_title else row.system
            label, theirs = _in_language(d.field, d.label, d.system_words, d.system_value)
            mine = _in_language(d.field, d.label, d.profile_words, d.profile_value)[1]
            cells = (system, label, theirs, mine or tr("（无）"), row.verified or tr("从未"))
            for j, text in enumerate(cells):
                table.setItem(i, j, QTableWidgetItem(str(text)))
            box = QComboBox()
            for dec in d.choices:
                box.addItem(tr(DECISION_WORDS[dec][0]), str(dec))
            box.setAccessibleName(f"{label} {tr('处理')}")
            table.setCellWidget(i, len(HEAD) - 1, box)
            self.choices[row.field] = box
        table.resizeColumnsToContents()
        self.lay.addWidget(table, 1)
        self.buttons.addStretch(1)
        self.cancel_btn = self.button(tr("中止办理 (Esc)"), None)
        self.ok_btn = QPushButton(tr("按所选处理并继续 (F9)"))
        self.ok_btn.clicked.connect(self.decide)
        self.buttons.addWidget(self.ok_btn)
        QShortcut(QKeySequence("F9"), self, activated=self.decide)
        self.ok_btn.setDefault(True)
        self.finish_layout()
        self.resize(900, min(640, 220 + 34 * len(rows)))

    def decisions(self) -> dict[str, Decision]:
        return {f: Decision(box.currentData()) for f, box in self.choices.items()}

    def decide(self) -> None:
        self.answer(self.decisions())

    def reject(self) -> None:
        self.answer(None)


def words(decision: Any) -> str:
    """A decision in the clerk's words (the run monitor's line for it)."""
    return tr(DECISION_WORDS[Decision(decision)][0])
