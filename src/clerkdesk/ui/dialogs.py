"""The clerk's answers during a run: confirm a submit, act in the target window, settle an uncertain submit.

All are non-modal (the clerk may need the target window, and several targets may ask at once); each
answers its ``Ask`` exactly once.
"""

from __future__ import annotations

import contextlib
import re
from typing import Any, ClassVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from clerkdesk.records.runstate import RunStatus
from clerkdesk.ui.i18n import language, run_names, said, tr
from clerkdesk.ui.workers import Ask, AskKind


class AskDialog(QDialog):
    def __init__(self, ask: Ask, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.ask = ask
        system, matter = run_names(ask.info)
        self.setWindowTitle(f"{title} — {system}{tr('：')}{matter}")
        self.setModal(False)
        self.lay = QVBoxLayout(self)
        head = QLabel(f"{system} · {matter}")
        head.setObjectName("title")
        self.lay.addWidget(head)
        msg = QLabel(said(ask.message, ask.info), wordWrap=True)
        msg.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.lay.addWidget(msg)
        self.buttons = QHBoxLayout()
        self.resize(560, 200)

    def answer(self, value: Any) -> None:
        self.ask.reply(value)
        self.done(0)

    def button(self, text: str, value: Any, key: str | None = None) -> QPushButton:
        b = QPushButton(text)
        b.setAutoDefault(False)
        b.clicked.connect(lambda: self.answer(value))
        if key:
            QShortcut(QKeySequence(key), self, activated=lambda: self.answer(value))
        self.buttons.addWidget(b)
        return b

    def finish_layout(self) -> None:
        self.lay.addLayout(self.buttons)

    open_dialogs: ClassVar[list[AskDialog]] = []  # shown and not yet answered, oldest first

    def show_now(self) -> None:
        if self not in AskDialog.open_dialogs:
            self.place()
        self.show()
        self.raise_()
        self.activateWindow()

    def place(self) -> None:
        """Stack the questions down the right edge of the screen, each below the last one still open, so they
        neither cover one another nor the middle of the screen, where a system's login form usually is."""
        live = []
        for d in AskDialog.open_dialogs:
            with contextlib.suppress(RuntimeError):  # a deleted dialog
                if d.isVisible():
                    live.append(d)
        AskDialog.open_dialogs = [*live, self]
        screen = (self.parentWidget() or self).screen() if (self.parentWidget() or self).screen() else None
        if screen is None:
            return
        area = screen.availableGeometry()
        size = self.sizeHint().expandedTo(self.size())
        y = area.top() + 8
        for d in live:
            y = max(y, d.frameGeometry().bottom() + 8)
        if y + size.height() > area.bottom():
            y = area.top() + 8 + 32 * (len(live) % 8)  # the column is full: cascade from the top again
        self.move(area.right() - size.width() - 16, y)

    def done(self, r: int) -> None:
        with contextlib.suppress(ValueError):
            AskDialog.open_dialogs.remove(self)
        super().done(r)

    def hideEvent(self, e: Any) -> None:
        with contextlib.suppress(ValueError):
            AskDialog.open_dialogs.remove(self)
        super().hideEvent(e)


class ConfirmDialog(AskDialog):
    """Shows the values about to be submitted, in words, with the target's code beside them and a mark where a
    value is not the profile's own (``Desk.confirm_lines``); F9 submits, Esc cancels (the run is then aborted)."""

    HEAD = ("项目", "将提交的值", "系统代码", "说明")

    def __init__(self, ask: Ask, parent: QWidget | None = None):
        super().__init__(ask, tr("提交确认"), parent)
        self.lay.addWidget(QLabel(tr("即将提交以下信息（按目标系统显示的文字；有“说明”的项与档案不完全相同）：")))
        table = QTableWidget(len(ask.values), len(self.HEAD))
        table.setHorizontalHeaderLabels([tr(h) for h in self.HEAD])
        table.verticalHeader().hide()
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table = table
        self.desk = getattr(parent, "desk", None)
        self.lines: list[Any] = []
        self.show_lines(self._lines(with_profile=False))  # at once, from the catalog alone
        if self.desk is not None:  # then the marks against the profile, read from the store off the UI thread
            from clerkdesk.ui.workers import run_op

            desk, info, sent, lang = self.desk, ask.info, list(ask.values), language()
            run_op(lambda: desk.confirm_lines(info, sent, lang=lang), self._marked, lambda _e: None)
        self.lay.addWidget(table, 1)
        self.buttons.addStretch(1)
        self.cancel_btn = self.button(tr("取消 (Esc)"), "no")
        self.ok_btn = self.button(tr("确认提交 (F9)"), "yes", "F9")
        self.ok_btn.setDefault(True)
        self.finish_layout()
        self.ok_btn.setFocus()
        self.resize(760, min(760, 220 + 30 * len(ask.values)))

    def _lines(self, with_profile: bool) -> list[Any]:
        from clerkdesk.recipe.words import ConfirmLine

        if self.desk is not None:
            try:
                return list(self.desk.confirm_lines(self.ask.info, list(self.ask.values), with_profile=with_profile,
                                                    lang=language()))
            except Exception:  # a recipe the catalog no longer has: show what is sent, as sent
                pass
        return [ConfirmLine(label, value) for label, value in self.ask.values]

    def _marked(self, lines: list[Any]) -> None:
        with contextlib.suppress(RuntimeError):  # the dialog was answered and closed meanwhile
            self.show_lines(lines)

    def show_lines(self, lines: list[Any]) -> None:
        from clerkdesk.recipe.words import note_text
        from clerkdesk.ui.i18n import language
        from clerkdesk.ui.style import STATUS_COLOURS

        self.lines = lines
        self.table.setRowCount(len(lines))
        for i, ln in enumerate(lines):
            note = note_text(ln, language())
            cells = [QTableWidgetItem(ln.label), QTableWidgetItem(ln.words), QTableWidgetItem(ln.code or ""),
                     QTableWidgetItem(note)]
            if getattr(ln, "target", ""):  # the field named in the UI's language; the target's own label beside
                cells[0].setToolTip(ln.target)
            for j, c in enumerate(cells):
                if note:
                    c.setForeground(QColor(STATUS_COLOURS[RunStatus.NEEDS_CLERK]))
                    c.setToolTip(note)
                self.table.setItem(i, j, c)
        h = self.table.horizontalHeader()
        for j in (0, 2):
            h.setSectionResizeMode(j, QHeaderView.ResizeMode.ResizeToContents)
        h.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        h.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)

    def reject(self) -> None:
        self.answer("no")


class HumanDialog(AskDialog):
    """The clerk acts in the target window (login, captcha); 继续 (F9), or it closes by itself when done."""

    def __init__(self, ask: Ask, parent: QWidget | None = None):
        super().__init__(ask, tr("需要经办人操作"), parent)
        if ask.window:  # name the very browser window: with several open, the clerk acts in the right one
            text = tr("请在第 {n} 个浏览器窗口“{t}”（{s}）中完成操作（不是本窗口），完成后按“继续”。系统检测到完成后会自动继续。",
                      n=ask.window["order"], t=ask.window["title"] or run_names(ask.info)[0], s=run_names(ask.info)[0])
        else:
            text = tr("请在“{s}”的窗口中完成操作（不是本窗口），完成后按“继续”。系统检测到完成后会自动继续。",
                      s=run_names(ask.info)[0])
        note = QLabel(text, wordWrap=True)
        note.setObjectName("hint")
        self.lay.addWidget(note)
        self.hint = QLabel(wordWrap=True)
        self.hint.setObjectName("warning")
        self.hint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.lay.addWidget(self.hint)
        self.update_hint()
        self.buttons.addStretch(1)
        self.abort_btn = self.button(tr("中止办理"), "abort")
        self.ok_btn = self.button(tr("继续 (F9)"), "done", "F9")
        self.ok_btn.setDefault(True)
        self.finish_layout()
        self.ok_btn.setFocus()

    def update_hint(self) -> None:
        self.hint.setText(f"{tr('演示提示')}：{self.ask.hint}" if self.ask.hint else "")
        self.hint.setVisible(bool(self.ask.hint))

    def reject(self) -> None:
        self.hide()  # Esc only hides it; the run keeps waiting (the card offers it again)


class UncertainDialog(AskDialog):
    """After an unclear submit: 已记录 (with the receipt read in the system) / 未记录 / 稍后处理."""

    def __init__(self, ask: Ask, parent: QWidget | None = None):
        super().__init__(ask, tr("提交结果不确定"), parent)
        self.receipt = QLineEdit()
        self.receipt.setPlaceholderText(tr("系统中看到的受理编号（可选）"))
        self.lay.addWidget(self.receipt)
        self.buttons.addStretch(1)
        self.later_btn = self.button(tr("稍后处理"), ("abort", None))
        self.not_btn = self.button(tr("未记录"), ("not_recorded", None))
        self.rec_btn = QPushButton(tr("已记录 (F9)"))
        self.rec_btn.clicked.connect(self.recorded)
        QShortcut(QKeySequence("F9"), self, activated=self.recorded)
        self.buttons.addWidget(self.rec_btn)
        self.finish_layout()
        self.receipt.setFocus()

    def recorded(self) -> None:
        self.answer(("recorded", self.receipt.text().strip() or None))

    def reject(self) -> None:
        self.answer(("abort", None))


def dialog_for(ask: Ask, parent: QWidget | None) -> AskDialog:
    if ask.kind == AskKind.DISCREPANCY:
        from clerkdesk.ui.qt_discrepancy import DiscrepancyDialog  # its own module (it imports AskDialog)

        return DiscrepancyDialog(ask, parent)
    cls = {AskKind.CONFIRM: ConfirmDialog, AskKind.HUMAN: HumanDialog, AskKind.UNCERTAIN: UncertainDialog}[ask.kind]
    return cls(ask, parent)


_ENGINE_SHOTS = re.compile(r"^(submit|failure)-step-(\d+)(?:-(\w+))?$")
# 受理回执 (Receipt): the bracket holds English words (a letter), not a number a name may carry (回执 (2))
_TWO_LANGUAGES = re.compile(r"^(.*[\u3400-\u9fff].*?) \(([^()\u3400-\u9fff]*[A-Za-z][^()\u3400-\u9fff]*)\)$")


def evidence_title(name: str) -> str:
    """An evidence item named by what it shows: the engine's own shots (``submit-step-29``,
    ``failure-step-7-fill``) in words; a name in both languages (``提交前 (before submit)``, a recipe's
    ``screenshot: {name: 受理回执, en: Receipt}``) in the window's language; a recipe's ``screenshot: 受理回执``
    keeps its name."""
    from clerkdesk.ui.errors import STEP_WORDS

    m = _ENGINE_SHOTS.match(name)
    if m is None:
        both = _TWO_LANGUAGES.match(name)
        if both is None:
            return name
        return both.group(2) if language() == "en" else both.group(1)
    kind, n, what = m.groups()
    if kind == "submit":
        return tr("提交后系统的页面（第 {n} 步）", n=n)
    return tr("出错时的页面（第 {n} 步：{what}）", n=n, what=tr(STEP_WORDS.get(what or "", what or "")))


class EvidenceViewer(QDialog):
    """The run's evidence screenshots (decrypted on demand; viewing is audited by the store)."""

    def __init__(self, desk: Any, run_id: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.desk = desk
        self.setWindowTitle(tr("证据截图"))
        self.items = desk.runs.evidence(run_id)
        self.list = QListWidget()
        for e in self.items:
            self.list.addItem(f"{e['at'][11:19]}  {evidence_title(e['name'])}")
        self.image = QLabel(tr("没有证据截图") if not self.items else "")
        self.image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        scroll = QScrollArea(widgetResizable=True)
        scroll.setWidget(self.image)
        split = QSplitter()
        split.addWidget(self.list)
        split.addWidget(scroll)
        split.setSizes([220, 780])
        close = QPushButton(tr("关闭"))
        close.clicked.connect(self.accept)
        lay = QVBoxLayout(self)
        lay.addWidget(split, 1)
        lay.addWidget(close, 0, Qt.AlignmentFlag.AlignRight)
        self.list.currentRowChanged.connect(self.show_item)
        if self.items:
            self.list.setCurrentRow(len(self.items) - 1)
        self.resize(1100, 720)

    def show_item(self, row: int) -> None:
        if row < 0:
            return
        pm = QPixmap()
        pm.loadFromData(self.desk.runs.evidence_png(self.items[row]["id"]), "PNG")
        self.image.setPixmap(pm.scaledToWidth(min(pm.width(), 860), Qt.TransformationMode.SmoothTransformation))
