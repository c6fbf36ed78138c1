"""Today's cases: status, receipts, and runs a crash or a closed app left resumable."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from clerkdesk.records.runstate import CaseStatus, RunStatus
from clerkdesk.ui.i18n import tr
from clerkdesk.ui.style import STATUS_COLOURS
from clerkdesk.ui.workers import run_op

CASE_WORDS = {CaseStatus.OPEN: "已受理", CaseStatus.RUNNING: "办理中", CaseStatus.DONE: "全部完成",
              CaseStatus.FAILED: "有失败", CaseStatus.NEEDS_CLERK: "待处理"}
QUEUED_WORD = "已转后台"
# a case's status in the colour of the run status it stands for
CASE_COLOURS = {CaseStatus.DONE: RunStatus.SUCCEEDED, CaseStatus.FAILED: RunStatus.FAILED,
                CaseStatus.NEEDS_CLERK: RunStatus.NEEDS_CLERK, CaseStatus.RUNNING: RunStatus.RUNNING}


def applicant_text(kind: str, record: dict[str, Any]) -> str:
    """Who the case is for, as the list shows it: a person's name masked (张*明), a company's name in full
    (a company name is public; its representative is not shown)."""
    from clerkdesk.records.masking import mask_name

    name = str((record or {}).get("name") or "")
    return mask_name(name) if kind == "person" else name


def load_today(desk: Any) -> list[dict[str, Any]]:
    """Today's cases with their receipts, resumable (interrupted) and retryable (failed) runs; worker thread."""
    today = date.today().isoformat()
    resumable: dict[str, list[str]] = {}
    for r in desk.runs.interrupted():
        resumable.setdefault(r["case_id"], []).append(r["id"])
    retryable: dict[str, list[str]] = {}
    for r in desk.runs.list(1000):
        if r["status"] in (RunStatus.FAILED, RunStatus.ABORTED):
            retryable.setdefault(r["case_id"], []).append(r["id"])
    queued = _queued(desk)
    for cid in queued:  # a queued case's planned runs are the back office's, not this window's to resume
        resumable[cid] = [rid for rid in resumable.get(cid, []) if rid in _handed_back(desk, cid)]
    out = []
    for c in desk.cases.list(since=today):
        row = desk.cases.get(c["id"])
        receipts = [str(x) for v in row.results.values() for x in v.values() if x]  # receipts, account numbers
        out.append({**c, "receipts": receipts, "resumable": resumable.get(c["id"], []),
                    "applicant": applicant_text(row.applicant_kind, row.record),
                    "retry": retryable.get(c["id"], []),
                    "targets": list(row.targets), "queued": c["id"] in queued})
    return out


def _queued(desk: Any) -> set[str]:
    """Today's cases sent to the back office (转后台办理); none when the audit log cannot say."""
    from clerkdesk.hall.front import queued_today

    try:
        return queued_today(desk.store)
    except Exception:  # an old store without the audit table's reading: the list still shows the cases
        return set()


def _handed_back(desk: Any, case_id: str) -> set[str]:
    return {r.id for r in desk.runs.for_case(case_id) if r.status == RunStatus.NEEDS_CLERK}


class CaseList(QWidget):
    open_case = Signal(str)
    resume_case = Signal(str)
    resumable = Signal(int)  # how many of today's cases have runs to resume

    def __init__(self, desk: Any, parent: QWidget | None = None):
        super().__init__(parent)
        self.desk = desk
        self.rows: list[dict[str, Any]] = []
        self.table = QTableWidget(0, 6)
        self.table.setHorizontalHeaderLabels([tr("时间"), tr("申请人"), tr("事项"), tr("状态"), tr("回执"),
                                              tr("继续/重试")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        h = self.table.horizontalHeader()
        h.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        h.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        h.setSectionResizeMode(4, QHeaderView.ResizeMode.ResizeToContents)
        self.table.doubleClicked.connect(lambda _i: self.open_selected())
        self.table.activated.connect(lambda _i: self.open_selected())
        self.summary = QLabel()
        self.summary.setObjectName("hint")
        refresh = QPushButton(tr("刷新 (Ctrl+R)"))
        refresh.clicked.connect(self.refresh)
        self.open_btn = QPushButton(tr("打开 (Enter)"))
        self.open_btn.clicked.connect(self.open_selected)
        self.resume_btn = QPushButton(tr("继续办理 (F7)"))
        self.resume_btn.clicked.connect(self.resume_selected)
        bar = QHBoxLayout()
        bar.addWidget(self.summary)
        bar.addStretch(1)
        for b in (refresh, self.open_btn, self.resume_btn):
            bar.addWidget(b)
        title = QLabel(tr("今日案件"))
        title.setObjectName("title")
        lay = QVBoxLayout(self)
        lay.addWidget(title)
        lay.addWidget(self.table, 1)
        lay.addLayout(bar)

    def refresh(self) -> None:
        if self.desk is None:
            return
        run_op(lambda: load_today(self.desk), self.show_rows)

    def show_rows(self, rows: list[dict[str, Any]]) -> None:
        self.rows = rows
        self.table.setRowCount(len(rows))
        for i, r in enumerate(rows):
            colour = STATUS_COLOURS.get(CASE_COLOURS.get(r["status"], ""), "#333")
            word = CASE_WORDS.get(r["status"], r["status"])
            if r.get("queued") and r["status"] in (CaseStatus.OPEN, CaseStatus.RUNNING):
                word = QUEUED_WORD  # the back office has it
            status = QTableWidgetItem(tr(word))
            status.setForeground(QColor(colour))
            cells = [QTableWidgetItem(r["created_at"][11:16]), QTableWidgetItem(r.get("applicant", "")),
                     QTableWidgetItem(r["matter"]), status,
                     QTableWidgetItem("  ".join(r["receipts"])),
                     QTableWidgetItem("  ".join(x for x in (
                         tr("可继续") + f" ({len(r['resumable'])})" if r["resumable"] else "",
                         tr("可重试") + f" ({len(r['retry'])})" if r["retry"] else "") if x))]
            cells[0].setData(Qt.ItemDataRole.UserRole, r["id"])
            cells[0].setToolTip(r["id"])
            for j, c in enumerate(cells):
                self.table.setItem(i, j, c)
        n_res = sum(1 for r in rows if r["resumable"])
        self.summary.setText(f"{len(rows)} · {tr('可继续')} {n_res}")
        self.resumable.emit(n_res)
        if rows and self.table.currentRow() < 0:
            self.table.selectRow(0)

    def selected(self) -> dict[str, Any] | None:
        i = self.table.currentRow()
        return self.rows[i] if 0 <= i < len(self.rows) else None

    def select_case(self, case_id: str) -> None:
        for i, r in enumerate(self.rows):
            if r["id"] == case_id:
                self.table.selectRow(i)

    def open_selected(self) -> None:
        r = self.selected()
        if r:
            self.open_case.emit(r["id"])

    def resume_selected(self) -> None:
        r = self.selected()
        if r and (r["resumable"] or r["retry"]):
            self.resume_case.emit(r["id"])
