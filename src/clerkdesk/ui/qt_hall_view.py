"""The supervisor's hall view: today's cases across windows, runs waiting for a person, failed systems, and
per-system receipts and durations, with the daily report's export.

A view over ``clerkdesk.hall.report.hall_day`` (the same figures as ``clerkdesk hall report``): the store is
read in a worker thread (``run_op``), never on the UI thread — over a hall's PostgreSQL a day's runs take a
moment. The waiting list shows the engine's message (it says what the person must do); the export never does.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from clerkdesk.hall.report import HallDay, supervised_day, write_csv, write_xlsx, xlsx_available
from clerkdesk.records.runstate import RunStatus
from clerkdesk.ui.i18n import tr
from clerkdesk.ui.qt_case_list import CASE_WORDS
from clerkdesk.ui.qt_queue import system_titles
from clerkdesk.ui.style import STATUS_COLOURS
from clerkdesk.ui.workers import run_op

CASE_COLUMNS = [("created_at", "时间"), ("window", "窗口"), ("matter", "事项"), ("status", "状态"),
                ("queued", "后台办理"), ("receipts", "回执")]
WAITING_COLUMNS = [("updated_at", "时间"), ("system", "系统"), ("recipe", "事项"), ("reason", "原因"),
                   ("evidence", "截图"), ("message", "说明"), ("run", "办理")]
SYSTEM_COLUMNS = [("system", "系统"), ("runs", "办理"), (RunStatus.SUCCEEDED, "成功"), ("receipts", "回执"),
                  ("failed", "失败"), ("waiting", "待处理"), ("median_s", "中位用时 s"), ("p90_s", "P90 用时 s")]


def _cell(value: Any) -> QTableWidgetItem:
    if isinstance(value, bool):
        text = tr("是") if value else ""
    elif value is None:
        text = "-"
    elif isinstance(value, str) and len(value) >= 19 and value[10:11] == "T":
        text = value[11:19]  # a time of today: hh:mm:ss
    else:
        text = str(value)
    item = QTableWidgetItem(text)
    if isinstance(value, int | float) and not isinstance(value, bool):
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


class HallView(QWidget):
    """Three tables (cases, waiting, systems) over one ``HallDay``; ``refresh`` reloads it in the background."""

    loaded = Signal(object)  # the HallDay shown (tests wait for it)

    def __init__(self, store: Any, parent: QWidget | None = None, day: date | None = None,
                 titles: Mapping[str, str] | None = None):
        super().__init__(parent)
        self.store = store
        self.day = day
        self.titles = dict(titles or {})  # system id → its name (the recipes'); the id stays in the tooltip
        self.shown: HallDay | None = None
        self.tabs = QTabWidget()
        self.cases = self._table(CASE_COLUMNS)
        self.waiting = self._table(WAITING_COLUMNS)
        self.systems = self._table(SYSTEM_COLUMNS)
        self.tabs.addTab(self.cases, tr("今日案件"))
        self.tabs.addTab(self.waiting, tr("等待经办人"))
        self.tabs.addTab(self.systems, tr("各系统"))
        self.summary = QLabel()
        self.summary.setObjectName("hint")
        self.notes = QLabel()
        self.notes.setObjectName("warning")
        self.notes.setWordWrap(True)
        refresh = QPushButton(tr("刷新 (Ctrl+R)"))
        refresh.clicked.connect(self.refresh)
        self.export_btn = QPushButton(tr("导出日报…"))
        self.export_btn.clicked.connect(self.choose_export)
        self.export_note = QLabel("" if xlsx_available() else tr("（未安装 openpyxl：只导出 CSV）"))
        self.export_note.setObjectName("hint")
        bar = QHBoxLayout()
        bar.addWidget(self.summary)
        bar.addStretch(1)
        bar.addWidget(self.export_note)
        bar.addWidget(refresh)
        bar.addWidget(self.export_btn)
        title = QLabel(tr("大厅概况"))
        title.setObjectName("title")
        lay = QVBoxLayout(self)
        lay.addWidget(title)
        lay.addWidget(self.notes)
        lay.addWidget(self.tabs, 1)
        lay.addLayout(bar)

    def _table(self, columns: list[tuple[str, str]]) -> QTableWidget:
        t = QTableWidget(0, len(columns))
        t.setHorizontalHeaderLabels([tr(label) for _, label in columns])
        t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        t.verticalHeader().hide()
        t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        t.horizontalHeader().setStretchLastSection(True)
        return t

    def refresh(self) -> None:
        run_op(lambda: supervised_day(self.store, self.day), self.show_day)  # NotAllowed: shown as an error

    def show_day(self, d: HallDay) -> None:
        self.shown = d
        self._fill(self.cases, CASE_COLUMNS, d.cases)
        self._fill(self.waiting, WAITING_COLUMNS, d.waiting)
        for i, c in enumerate(d.cases):  # the status in words, as 今日案件 shows it; the code in the tooltip
            item = self.cases.item(i, 3)
            item.setText(tr(CASE_WORDS.get(c.status, c.status)))
            item.setToolTip(c.status)
        self._fill(self.systems, SYSTEM_COLUMNS, d.systems)
        self._name_systems(self.waiting, 1, [w.system for w in d.waiting])
        self._name_systems(self.systems, 0, [s.system for s in d.systems])
        for i, c in enumerate(d.cases):
            colour = {"done": RunStatus.SUCCEEDED, "failed": "failed", RunStatus.NEEDS_CLERK: RunStatus.NEEDS_CLERK}.get(c.status, "running")
            self.cases.item(i, 3).setForeground(QColor(STATUS_COLOURS[colour]))
        for i, s in enumerate(d.systems):
            if s.failed:
                self.systems.item(i, 0).setForeground(QColor(STATUS_COLOURS["failed"]))
        self.tabs.setTabText(1, f"{tr('等待经办人')} ({len(d.waiting)})")
        self.summary.setText(f"{d.day.isoformat()} · {tr('案件')} {len(d.cases)} · {tr('等待经办人')} "
                             f"{len(d.waiting)} · {tr('有失败的系统')} {len(d.failed_systems)}")
        self.notes.setText("\n".join(d.notes))
        self.notes.setVisible(bool(d.notes))
        self.loaded.emit(d)

    def _name_systems(self, table: QTableWidget, column: int, ids: list[str]) -> None:
        """The system's name as the recipes give it, where known; its id in the tooltip (the export keeps ids)."""
        for i, sid in enumerate(ids):
            item = table.item(i, column)
            item.setText(self.titles.get(sid, sid))
            item.setToolTip(sid)

    @staticmethod
    def _fill(table: QTableWidget, columns: list[tuple[str, str]], items: list[Any]) -> None:
        table.setRowCount(len(items))
        for i, item in enumerate(items):
            for j, (name, _) in enumerate(columns):
                table.setItem(i, j, _cell(getattr(item, name)))

    def export(self, folder: Path) -> list[Path]:
        """Write the shown day: CSV files, plus the workbook when openpyxl is installed."""
        if self.shown is None:
            return []
        paths = write_csv(self.shown, folder)
        if xlsx_available():
            paths.append(write_xlsx(self.shown, folder / f"hall-{self.shown.day.isoformat()}.xlsx"))
        return paths

    def choose_export(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, tr("导出日报到…"))
        if folder:
            paths = self.export(Path(folder))
            self.summary.setText(tr("已导出") + f": {', '.join(p.name for p in paths)}")


HALL_KEY = "Ctrl+Shift+H"


def is_supervisor(clerk: str) -> bool:
    """Whether CLERK may see the hall view (the machine policy's supervisor groups, or CLERKDESK_SUPERVISORS):
    the window offers it only then. ``supervised_day`` checks again, and audits, on every look."""
    from clerkdesk.config import supervisor_refusal

    return supervisor_refusal(clerk) is None


class HallTab:
    """The hall view as a tab of the main window, for supervisors only: the tab is added when a supervisor's
    desk is attached (never built for a clerk, so a clerk's window has no trace of it) and loaded when shown."""

    def __init__(self, window: Any):
        self.window = window
        self.view: HallView | None = None

    def attach(self, desk: Any) -> bool:
        """Add the tab when DESK's clerk is a supervisor; True when the window has it."""
        if self.view is None and is_supervisor(desk.clerk_name):
            self.view = HallView(desk.store, titles=system_titles(desk))
            self.window.tabs.addTab(self.view, tr("大厅概况") + f" ({HALL_KEY})")
            self.window.tabs.currentChanged.connect(self._shown)  # clicked with the mouse: loaded too
        elif self.view is not None:
            self.view.store = desk.store
        return self.view is not None

    def _shown(self, _i: int) -> None:
        if self.view is not None and self.window.tabs.currentWidget() is self.view and self.view.shown is None:
            self.view.refresh()

    def show(self) -> None:
        """Ctrl+Shift+H: the tab, refreshed (a clerk's window says the view is for supervisors)."""
        if self.view is None:
            self.window.say(tr("大厅概况仅对主管开放"))
            return
        first = self.window.tabs.currentWidget() is not self.view and self.view.shown is None
        self.window.tabs.setCurrentWidget(self.view)  # a first showing loads it (``_shown``): one look, one audit
        self.view.tabs.currentWidget().setFocus()
        if not first:
            self.view.refresh()
