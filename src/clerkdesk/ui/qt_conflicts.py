"""The shared store in the clerk's window: "the store is unreachable" said at once in the status bar, and the
outbox's conflicts (the same person edited at two windows while this one was offline) shown field by field
for the clerk to settle.

Why a dialog with a choice per field and no default: the outbox never overwrites another window's change
silently, so the window must not either — a field is written only when the clerk picked this window's value
for it, and the dialog will not save while a field is left unpicked. The service (``desk.conflicts``) turns
the picks into what is written and audits the decision; this module only shows and asks.

``HallStatus`` watches the store on a timer (off the UI thread): the message of an unreachable store stands
in the status bar until it answers again, and a button there counts the conflicts waiting (Ctrl+Shift+K).
When the store answers again it sends what the outbox kept (captures, then the cases sealed offline,
``desk.offline``); what the status line says comes from its ``StatusWatcher`` (online / offline / sending n).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from clerkdesk.ui.i18n import language, tr
from clerkdesk.ui.qt_watch import StatusWatcher
from clerkdesk.ui.workers import run_op

CONFLICT_KEY = "Ctrl+Shift+K"
POLL_MS = 5000
PICK, HERE, THERE = "", "here", "there"
COLUMNS = ["字段", "本窗口的值（离线时录入）", "档案库的值（其他窗口）", "保留"]
INTRO = "本窗口离线时录入的档案，在此期间已被其他窗口修改。请逐项选择保留哪个值；未选择前不会写入任何内容。"


def _text(value: Any) -> str:
    if value is None or value == "":
        return tr("（空）")
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if value == "captured offline":
        return tr("离线时录入的整份档案")
    if value == "the profile was deleted":
        return tr("档案已在其他窗口删除")
    if value == "the profile may have been deleted":  # an erasure's 16-bit hint matched: rarely another number
        return tr("档案可能已在其他窗口删除（请核对）")
    return str(value)


def _label(f: Any) -> str:
    """The field's name in the window's language (the records' own English names)."""
    return str(f.label_en if language() == "en" else f.label)


def _when(ts: str) -> str:
    return ts[:19].replace("T", " ") if ts else "-"


class ConflictDialog(QDialog):
    """Every conflict of this window's outbox: pick one on the left, choose a value per field, save."""

    settled = Signal(int)  # the entry settled (tests wait for it)
    loaded = Signal(int)  # how many conflicts are shown

    def __init__(self, desk: Any, parent: QWidget | None = None):
        super().__init__(parent)
        self.desk = desk
        self.setWindowTitle(tr("档案冲突"))
        self.conflicts: list[Any] = []
        self.intro = QLabel(tr(INTRO))
        self.intro.setWordWrap(True)
        self.list = QListWidget()
        self.list.setMaximumWidth(280)
        self.list.currentRowChanged.connect(self._show)
        self.about = QLabel()
        self.about.setObjectName("hint")
        self.about.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([tr(c) for c in COLUMNS])
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.problem = QLabel()
        self.problem.setObjectName("warning")
        self.all_here = QPushButton(tr("全部用本窗口的值"))
        self.all_here.clicked.connect(lambda: self.choose_all(HERE))
        self.all_there = QPushButton(tr("全部保留档案库的值"))
        self.all_there.clicked.connect(lambda: self.choose_all(THERE))
        self.save_btn = QPushButton(tr("保存选择 (Ctrl+Enter)"))
        self.save_btn.setDefault(True)
        self.save_btn.clicked.connect(self.save)
        close = QPushButton(tr("稍后处理 (Esc)"))
        close.clicked.connect(self.reject)
        QShortcut(QKeySequence("Ctrl+Return"), self, activated=self.save)
        QShortcut(QKeySequence("Ctrl+Enter"), self, activated=self.save)
        right = QVBoxLayout()
        right.addWidget(self.about)
        right.addWidget(self.table, 1)
        right.addWidget(self.problem)
        body = QHBoxLayout()
        body.addWidget(self.list)
        body.addLayout(right, 1)
        bar = QHBoxLayout()
        bar.addWidget(self.all_here)
        bar.addWidget(self.all_there)
        bar.addStretch(1)
        bar.addWidget(close)
        bar.addWidget(self.save_btn)
        lay = QVBoxLayout(self)
        lay.addWidget(self.intro)
        lay.addLayout(body, 1)
        lay.addLayout(bar)
        self.resize(900, 480)

    def refresh(self) -> None:
        desk = self.desk
        run_op(desk.conflicts.list, self.show_conflicts)

    def show_conflicts(self, conflicts: list[Any]) -> None:
        self.conflicts = conflicts
        self.list.clear()
        for c in conflicts:
            self.list.addItem(QListWidgetItem(f"{c.who}\n{_when(c.captured_at)}"))
        if conflicts:
            self.list.setCurrentRow(0)
        else:
            self.table.setRowCount(0)
            self.about.setText(tr("没有待处理的档案冲突"))
        self.save_btn.setEnabled(bool(conflicts))
        self.loaded.emit(len(conflicts))

    def current(self) -> Any:
        i = self.list.currentRow()
        return self.conflicts[i] if 0 <= i < len(self.conflicts) else None

    def _show(self, _row: int) -> None:
        c = self.current()
        self.problem.clear()
        if c is None:
            return
        self.about.setText(tr("本窗口 {a} 于 {t} 离线录入；档案库中的值由 {b} 于 {u} 修改",
                              a=c.captured_by, t=_when(c.captured_at), b=c.changed_by or "-",
                              u=_when(c.changed_at)))
        self.table.setRowCount(len(c.fields))
        for i, f in enumerate(c.fields):
            self.table.setItem(i, 0, QTableWidgetItem(_label(f)))
            self.table.setItem(i, 1, QTableWidgetItem(_text(f.here)))
            self.table.setItem(i, 2, QTableWidgetItem(_text(f.there)))
            pick = QComboBox()
            pick.addItem(tr("请选择"), PICK)
            pick.addItem(tr("用本窗口的值"), HERE)
            pick.addItem(tr("保留档案库的值"), THERE)
            self.table.setCellWidget(i, 3, pick)
        if c.fields:
            self.table.cellWidget(0, 3).setFocus()

    def pick(self, row: int, choice: str) -> None:
        box = self.table.cellWidget(row, 3)
        box.setCurrentIndex(box.findData(choice))

    def choose_all(self, choice: str) -> None:
        for i in range(self.table.rowCount()):
            self.pick(i, choice)

    def choices(self) -> dict[str, str]:
        c = self.current()
        if c is None:
            return {}
        return {f.field: self.table.cellWidget(i, 3).currentData() for i, f in enumerate(c.fields)}

    def save(self) -> None:
        c = self.current()
        if c is None:
            return
        picks = self.choices()
        unpicked = [_label(f) for f in c.fields if picks.get(f.field) not in (HERE, THERE)]
        if unpicked:
            self.problem.setText(tr("请先为每个字段选择保留哪个值：{f}", f="、".join(unpicked)))
            return
        desk, eid = self.desk, c.id

        def done(_written: Any) -> None:
            self.settled.emit(eid)
            self.refresh()

        def failed(e: Exception) -> None:
            from clerkdesk.store.outbox import StaleConflict
            from clerkdesk.ui.errors import message_of

            text = message_of(e)
            if isinstance(e, StaleConflict):  # shown again with the values as they stand now, then the reason
                run_op(desk.conflicts.list, lambda cs: (self.show_conflicts(cs), self.problem.setText(text)))
                return
            self.problem.setText(text)
            self.save_btn.setEnabled(True)

        self.save_btn.setEnabled(False)
        version = c.version
        run_op(lambda: desk.conflicts.resolve(eid, picks, version=version), done, failed)


class HallStatus(QObject):
    """The shared store's state in the main window's status bar: unreachable (at once, until it answers) and
    the conflicts waiting. Does nothing on a workstation with its own SQLite file."""

    unreachable = Signal(str)  # the message; "" when the store answers again
    conflicts_changed = Signal(int)
    waiting_changed = Signal(int)  # offline cases not yet sent
    _sending = Signal(int)  # from the worker thread: n offline cases are being sent now

    def __init__(self, window: Any):
        super().__init__(window)
        self.window = window
        self.down: str = ""
        self.waiting = 0
        self.held = 0  # offline cases held for the clerk: the matter is open at another window
        self.watch = StatusWatcher(self)
        self.watch.changed.connect(lambda _s: self.window.say(self.watch.line()))
        self.state_label = QLabel()  # stands while other messages come and go: 离线 · 发送中 n
        self.state_label.setObjectName("warning")
        self.state_label.hide()
        self.watch.changed.connect(self._show_state)
        window.statusBar().addPermanentWidget(self.state_label)
        self._sending.connect(self._sending_now)
        self.count = 0
        self.dialog: ConflictDialog | None = None
        self.button = QPushButton()
        self.button.setObjectName("warning")
        self.button.setFlat(True)
        self.button.clicked.connect(self.open_conflicts)
        self.button.hide()
        window.statusBar().addPermanentWidget(self.button)
        self.timer = QTimer(self, interval=POLL_MS)
        self.timer.timeout.connect(self.poll)
        self._polling = False

    def start(self, desk: Any) -> None:
        """The desk is attached: send what the outbox kept, then watch the store (only a hall's shared store)."""
        self.desk = desk
        if not desk.conflicts.shared:
            return
        def first() -> tuple[int, tuple[int, int]]:
            desk.conflicts.sync()
            desk.offline.refresh()
            return desk.conflicts.count(), self._send(desk)

        def done(res: tuple[int, tuple[int, int]]) -> None:
            self._counted(res[0])
            self._waiting(*res[1])

        run_op(first, done, self._failed)
        self.timer.start()

    def start_away(self, desk: Any, why: str) -> None:
        """The window started while the shared store was away: say so, keep capturing, and poll until it
        answers (then ``window.store_back``)."""
        self.desk = desk
        self._reach(why)
        self.window.form.drafts_offline = True
        self.window.offline.recount()
        self.timer.start()

    def _send(self, desk: Any) -> tuple[int, int]:
        """(worker thread) Send the cases sealed while offline; returns (how many still wait to be sent, how
        many are held for the clerk because another window opened the same matter)."""
        n = desk.offline.waiting()
        if n:
            self._sending.emit(n)
            try:
                desk.offline.send(self.window.monitor.runtime.opts)
            finally:
                self._sending.emit(0)
        return desk.offline.counts()

    def stop(self) -> None:
        self.timer.stop()

    def poll(self) -> None:
        if self._polling or self.window.desk is None:
            return
        self._polling = True
        desk = self.window.desk

        def check() -> tuple[str | None, int, tuple[int, int] | None]:
            if not desk.session.opened:  # started while away: the store is opened when it answers
                from clerkdesk.desk.conflicts import StoreUnreachable

                try:
                    desk.open()
                except StoreUnreachable as e:
                    return str(e), self.count, None
            why = desk.conflicts.reachable()
            if why is not None:
                return why, self.count, None
            if self.down:  # back: what waited in the outbox goes now, captures first, then the cases
                desk.conflicts.sync()
            desk.offline.refresh()  # what the outbox must know of the hall for the next outage
            return why, desk.conflicts.count(), self._send(desk)

        def done(res: tuple[str | None, int, tuple[int, int] | None]) -> None:
            self._polling = False
            why, n, waiting = res
            if why is None and desk.offline.away_at_start:
                self.window.store_back(desk)
            self._reach(why)
            self._counted(n)
            if waiting is not None:
                self._waiting(*waiting)

        run_op(check, done, self._failed)

    def _failed(self, e: Exception) -> None:
        """The store gone mid-call is said as such; anything else (the outbox's key, a damaged file) in its words."""
        from clerkdesk.desk.conflicts import StoreUnreachable
        from clerkdesk.ui.errors import message_of

        self._polling = False
        if isinstance(e, StoreUnreachable):
            self._reach(str(e))
        else:
            self.window.say(tr("档案冲突无法读取：{e}", e=message_of(e).splitlines()[0][:160]))

    def _reach(self, why: str | None) -> None:
        was = self.down
        self.down = why or ""
        self.watch.set(down=self.down)  # the line is said when it changes; the state label stands meanwhile
        if self.down != was:
            self.unreachable.emit(self.down)

    def _show_state(self, _state: str) -> None:
        self.state_label.setText(self.watch.short())
        self.state_label.setVisible(bool(self.watch.short()))

    def _sending_now(self, n: int) -> None:
        if n:  # only an answering store is sent to
            self.watch.set(down="", sending=n)
        else:
            self.watch.set(sending=0)

    def went_away(self, e: BaseException | str) -> None:
        """A call met the store gone (``StoreUnreachable``, or its message): said at once, without waiting for
        the timer."""
        self._reach(str(e))

    def _waiting(self, n: int, held: int | None = None) -> None:
        changed = n != self.waiting or (held is not None and held != self.held)
        self.waiting = n
        if held is not None:
            self.held = held
        self.watch.set(waiting=n, held=held)
        if changed:
            self.waiting_changed.emit(n)

    def _counted(self, n: int) -> None:
        changed = n != self.count
        self.count = n
        self.button.setText(tr("档案冲突 {n} 件（{k}）", n=n, k=CONFLICT_KEY))
        self.button.setVisible(n > 0)
        if changed:
            self.conflicts_changed.emit(n)

    def open_conflicts(self) -> ConflictDialog:
        if self.dialog is None:
            self.dialog = ConflictDialog(self.window.desk, self.window)
            self.dialog.settled.connect(lambda _e: self.poll())
        self.dialog.desk = self.window.desk
        self.dialog.refresh()
        self.dialog.show()
        self.dialog.raise_()
        return self.dialog
