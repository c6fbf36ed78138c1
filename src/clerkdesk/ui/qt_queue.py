"""转后台办理 in the clerk's window: a confirmed case handed to the back-office workers, its receipts seen when a
worker is done, and the cases the workers handed back (a captcha, a login, an uncertain submit) in a queue
the clerk opens (Ctrl+Shift+B).

Why the clerk confirms first: a worker answers every confirm with yes (``hall.queue.BackOfficeClerk``), so
the one look at the values before they go out is this window's, and the dialog says so. The queueing itself
is ``hall.front.BackOffice`` (no Qt); this module asks, shows and polls.

Polling, not notifications: while a queued case of today's is not finished, today's cases are read again
every ``POLL_MS`` (off the UI thread), so the receipts appear without the clerk pressing Ctrl+R, and the
handed-back runs are counted; with nothing at the back office the poll asks the store nothing (a hall has
dozens of windows, and "which cases were queued" is read from the audit log).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from clerkdesk.hall.front import BackOffice, Returned, returned_today
from clerkdesk.records.runstate import RunStatus
from clerkdesk.ui.i18n import named, tr
from clerkdesk.ui.workers import run_op

QUEUE_KEY = "Ctrl+B"
RETURNED_KEY = "Ctrl+Shift+B"
POLL_MS = 10_000
RETURNED_COLUMNS = [("updated_at", "时间"), ("matter", "事项"), ("system", "系统"), ("reason", "原因"),
                    ("message", "说明")]
OPEN_CASE = ("open", "running", "planned")
RETURNED_INTRO = "后台办理时需要经办人处理（验证码、登录、提交结果不确定、系统信息与档案不一致）的案件。选中后按 Enter 打开，在办理监控中继续（F7）。"
CONFIRM = ("将“{m}”转交后台办理。\n\n后台将按您核对过的这些值直接提交各系统，不再逐一询问；需要经办人处理时会退回本窗口。"
           "确认转后台吗？")


def system_titles(desk: Any) -> dict[str, str]:
    """System id → its name (人社业务经办系统), for the lists the clerk reads; {} when the recipes cannot be read."""
    try:
        return {sid: named(s) for sid, s in desk.catalog.systems.items()}
    except Exception:  # a broken recipe folder is reported where recipes are used; the list shows ids then
        return {}


class ReturnedDialog(QDialog):
    """The runs the back office handed back to this window, oldest first; Enter opens the case."""

    loaded = Signal(int)
    open_case = Signal(str)

    def __init__(self, desk: Any, parent: QWidget | None = None):
        super().__init__(parent)
        self.desk = desk
        self.rows: list[Returned] = []
        self.setWindowTitle(tr("后台退回的案件"))
        intro = QLabel(tr(RETURNED_INTRO))
        intro.setWordWrap(True)
        self.table = QTableWidget(0, len(RETURNED_COLUMNS))
        self.table.setHorizontalHeaderLabels([tr(label) for _, label in RETURNED_COLUMNS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.activated.connect(lambda _i: self.open_selected())
        self.table.doubleClicked.connect(lambda _i: self.open_selected())
        self.summary = QLabel()
        self.summary.setObjectName("hint")
        refresh = QPushButton(tr("刷新 (Ctrl+R)"))
        refresh.clicked.connect(self.refresh)
        self.open_btn = QPushButton(tr("打开 (Enter)"))
        self.open_btn.clicked.connect(self.open_selected)
        close = QPushButton(tr("关闭 (Esc)"))
        close.clicked.connect(self.reject)
        bar = QHBoxLayout()
        bar.addWidget(self.summary)
        bar.addStretch(1)
        for b in (refresh, close, self.open_btn):
            bar.addWidget(b)
        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addWidget(self.table, 1)
        lay.addLayout(bar)
        self.resize(860, 400)

    def refresh(self) -> None:
        desk = self.desk
        store = desk.store
        run_op(lambda: returned_today(store, store.clerk, system_titles(desk)), self.show_rows)

    def show_rows(self, rows: list[Returned]) -> None:
        self.rows = rows
        self.table.setRowCount(len(rows))
        for i, r in enumerate(rows):
            for j, (name, _) in enumerate(RETURNED_COLUMNS):
                value = str(getattr(r, name) or "")
                text = value[11:19] if name == "updated_at" else value  # the reason is in both languages
                item = QTableWidgetItem(text)
                if j == 0:
                    item.setToolTip(r.run)
                self.table.setItem(i, j, item)
        self.summary.setText(tr("共 {n} 件", n=len(rows)))
        if rows:
            self.table.selectRow(0)
            self.table.setFocus()
        self.loaded.emit(len(rows))

    def open_selected(self) -> None:
        i = self.table.currentRow()
        if 0 <= i < len(self.rows):
            self.open_case.emit(self.rows[i].case)
            self.accept()


class BackOfficeDesk(QObject):
    """The window's 转后台办理 (Ctrl+B), the handed-back queue (Ctrl+Shift+B) and the poll for receipts."""

    queued = Signal(str)  # the case queued (tests wait for it)
    returned_changed = Signal(int)

    def __init__(self, window: Any):
        super().__init__(window)
        self.window = window
        self.office: BackOffice | None = None
        self.confirm_box: QMessageBox | None = None
        self.dialog: ReturnedDialog | None = None
        self.returned = 0
        self.button = QPushButton()
        self.button.setObjectName("warning")
        self.button.setFlat(True)
        self.button.clicked.connect(self.open_returned)
        self.button.hide()
        window.statusBar().addPermanentWidget(self.button)
        self.timer = QTimer(self, interval=POLL_MS)
        self.timer.timeout.connect(self.poll)
        self._polling = False

    def start(self, desk: Any) -> None:
        self.stop()
        self.office = BackOffice(desk)
        if desk.store.shared:
            self.timer.start()
            self.poll()

    def stop(self) -> None:
        self.timer.stop()
        if self.office is not None:
            office, self.office = self.office, None
            office.close()

    # --- queueing ----------------------------------------------------------------------------------------
    def queue(self) -> None:
        """Ctrl+B: the case selected in 今日案件 when that list is shown, else the case on the form."""
        win = self.window
        if win.desk is None or self.office is None:
            return
        why = self.office.refusal()
        if why:
            win.say(tr("不能转后台办理：{e}", e=why))
            return
        if win.tabs.currentWidget() is win.cases:
            row = win.cases.selected()
            if row is not None:
                self._ask(row["matter"], lambda: self._queue_case(row["id"]))
            return
        win.show_tab(0)
        req = win.form.request()
        if req is None:
            return
        matter = req.matter or "、".join(req.targets)
        self._ask(matter, lambda: self._open_and_queue(req))

    def _ask(self, matter: str, then: Any) -> None:
        box = QMessageBox(QMessageBox.Icon.Question, tr("转后台办理"), tr(CONFIRM, m=matter), parent=self.window)
        go = box.addButton(tr("转后台办理"), QMessageBox.ButtonRole.AcceptRole)
        cancel = box.addButton(tr("取消"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(go)
        box.setEscapeButton(cancel)
        box.finished.connect(lambda _r: then() if box.clickedButton() is go else None)
        self.confirm_box = box
        box.open()

    def _open_and_queue(self, req: Any) -> None:
        win, office = self.window, self.office
        desk, opts = win.desk, win.monitor.runtime.opts
        assert office is not None

        def work() -> str:
            result, _plan = desk.open_case(req, opts)
            office.queue(result.case_id)
            return str(result.case_id)

        def done(case_id: str) -> None:
            kept, win.form.documents = win.form.documents, []
            if kept:  # document images the clerk chose to keep: evidence of this case
                run_op(lambda: desk.link_documents(kept, case_id=case_id), lambda _r: None)
            run_op(lambda: desk.discard_draft("case queued"), lambda _r: None, lambda _e: None)
            win.form.clear()
            self._queued(case_id)

        def failed(e: Exception) -> None:
            from clerkdesk.errors import CaseOpen

            if isinstance(e, CaseOpen):
                win.say(tr("该申请人的同一事项已有未办结的案件，已为您打开"))
                win.open_case(e.case_id)
                return
            win.form.show_error(e)
            win.say(tr("没有转后台办理"))

        win.say(tr("正在转后台办理…"))
        run_op(work, done, failed)

    def _queue_case(self, case_id: str) -> None:
        win, office = self.window, self.office
        assert office is not None
        here = win.monitor.busy() and win.monitor.case_id == case_id

        def failed(e: Exception) -> None:
            from clerkdesk.ui.errors import message_of

            win.say(tr("没有转后台办理：{e}", e=message_of(e).splitlines()[0][:160]))

        def done(q: Any) -> None:
            if q.jobs:
                self._queued(case_id)
            else:  # every run done (or already waiting for a worker): nothing was sent
                win.say(tr("该案件没有需要转后台办理的事项"))

        run_op(lambda: office.queue(case_id, running_here=here), done, failed)

    def _queued(self, case_id: str) -> None:
        win = self.window
        win.say(tr("已转后台办理，完成后回执会显示在今日案件中"))
        win.show_tab(2)
        win.cases.refresh()
        self.timer.start()
        self.queued.emit(case_id)

    # --- what came back ---------------------------------------------------------------------------------------
    def poll(self) -> None:
        """Read today's cases again while a queued one is unfinished, and count what came back."""
        win = self.window
        if self._polling or win.desk is None:
            return
        queued = [r for r in win.cases.rows if r.get("queued")]
        if any(r["status"] in OPEN_CASE for r in queued):
            win.cases.refresh()  # a worker may have finished: its receipts show
        elif not any(r["status"] == RunStatus.NEEDS_CLERK for r in queued) and not self.returned:
            return  # nothing of today's is with the back office: no need to ask the store
        self._polling = True
        store = win.desk.store

        def done(rows: list[Returned]) -> None:
            self._polling = False
            self._count(len(rows))

        def failed(_e: Exception) -> None:  # the store away: HallStatus says so
            self._polling = False

        run_op(lambda: returned_today(store, store.clerk), done, failed)

    def _count(self, n: int) -> None:
        changed = n != self.returned
        self.returned = n
        self.button.setText(tr("后台退回 {n} 件（{k}）", n=n, k=RETURNED_KEY))
        self.button.setVisible(n > 0)
        if changed:
            if n:
                self.window.cases.refresh()
            self.returned_changed.emit(n)

    def open_returned(self) -> ReturnedDialog | None:
        win = self.window
        if win.desk is None:
            return None
        if self.dialog is None:
            self.dialog = ReturnedDialog(win.desk, win)
            self.dialog.open_case.connect(win.open_case)
        self.dialog.desk = win.desk
        self.dialog.refresh()
        self.dialog.show()
        self.dialog.raise_()
        return self.dialog
