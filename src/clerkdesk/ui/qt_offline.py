"""Capturing while the hall's shared store is away, in the clerk's window (``desk.offline`` does the work).

- **Ctrl+S** keeps the form in the outbox (离线保存表单) instead of saving the profile;
- **F5** checks and plans the case as usual, then seals it in the outbox; the form is emptied for the next
  citizen and the status bar counts the cases waiting (离线案件 n 件);
- **Ctrl+Shift+O** lists the offline cases: 放回表单 takes a case not yet sent back into the form (and out of
  the outbox), 打开案件 opens a sent one in the run monitor to fill it. A case held back by a profile conflict
  says so; the conflict itself is settled in 档案冲突 (Ctrl+Shift+K). A case another window opened for the
  same applicant and matter meanwhile (已有未办结的案件) is never sent by itself: the list names that case and
  what of this window's business fields differs, 并入该案件 joins it (no second case), 打开案件 opens it, and
  放回表单 takes this one back.

The cases go by themselves once the store answers (``HallStatus`` polls, sends, and its ``StatusWatcher``
says "正在发送…" meanwhile).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
)

from clerkdesk.records.masking import mask_id, mask_name
from clerkdesk.store.drafts import Draft
from clerkdesk.store.outbox import BLOCKED, SEALED, SENDING, SENT
from clerkdesk.ui.i18n import tr
from clerkdesk.ui.workers import run_op

OFFLINE_KEY = "Ctrl+Shift+O"
STATE_WORDS = {SEALED: "待发送", SENDING: "发送中", SENT: "已发送", BLOCKED: "其他窗口已受理"}


def case_text(c: Any) -> str:
    """One line per offline case: when, who (masked), what, and where it stands."""
    r = c.request
    data = r.get("data", {})
    who = " · ".join(x for x in (mask_name(str(data.get("name") or "")) if r.get("kind") == "person"
                                 else str(data.get("name") or ""),
                                 mask_id(str(data.get("id_number") or "")) if r.get("kind") == "person"
                                 else str(data.get("uscc") or "")) if x)
    state = tr(STATE_WORDS.get(c.state, c.state))
    if c.state in (SENT, BLOCKED) and c.case_id:
        state += f" {c.case_id}"
    line = f"{c.at[:16].replace('T', ' ')}  {who}  {r.get('matter') or ''}  [{state}]"
    return line + (f"  {c.message.split(' (')[0]}" if c.message else "")


class OfflineCases(QDialog):
    """The offline cases of this window, oldest first: put one back into the form, or open one sent."""

    loaded = Signal()
    merged = Signal(str)  # the case an offline case was merged into (tests wait for it)

    def __init__(self, owner: OfflineDesk):
        super().__init__(owner.window)
        self.owner = owner
        self.setWindowTitle(tr("离线案件"))
        self.resize(760, 420)
        self.list = QListWidget()
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.currentItemChanged.connect(lambda *_a: self._buttons())
        self.list.itemActivated.connect(lambda _i: self.default_action())
        self.note = QLabel(wordWrap=True)
        self.back_btn = QPushButton(tr("放回表单"))
        self.merge_btn = QPushButton(tr("并入该案件"))
        self.merge_btn.clicked.connect(self.merge)
        self.open_btn = QPushButton(tr("打开案件"))
        close = QPushButton(tr("关闭"))
        self.back_btn.clicked.connect(self.put_back)
        self.open_btn.clicked.connect(self.open_case)
        close.clicked.connect(self.close)
        QShortcut(QKeySequence("Ctrl+Return"), self, activated=self.default_action)
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel(tr("共享档案库连不上时受理的案件保存在本机（已加密），恢复连接后自动发送，每件只发送一次。"),
                             wordWrap=True))
        lay.addWidget(self.list, 1)
        lay.addWidget(self.note)
        row = QHBoxLayout()
        row.addWidget(self.back_btn)
        row.addWidget(self.merge_btn)
        row.addWidget(self.open_btn)
        row.addStretch(1)
        row.addWidget(close)
        lay.addLayout(row)
        self.items: list[Any] = []  # OfflineCase, or the offline draft (Draft) first

    def refresh(self) -> None:
        desk = self.owner.window.desk
        if desk is None:
            return

        def done(res: tuple[Draft | None, list[Any]]) -> None:
            draft, cases = res
            self.items = ([draft] if draft is not None else []) + cases
            self.list.clear()
            for it in self.items:
                text = (tr("离线保存的表单（{t}）", t=it.saved_at[:16].replace("T", " ")) if isinstance(it, Draft)
                        else case_text(it))
                QListWidgetItem(text, self.list)
            if not self.items:
                QListWidgetItem(tr("没有离线案件"), self.list).setFlags(Qt.ItemFlag.NoItemFlags)
            else:
                self.list.setCurrentRow(0)
            self.list.setFocus()
            self._buttons()
            self.loaded.emit()

        run_op(lambda: (desk.offline.draft(), desk.offline.list()), done, self._failed)

    def current(self) -> Any:
        i = self.list.currentRow()
        return self.items[i] if 0 <= i < len(self.items) else None

    def _buttons(self) -> None:
        it = self.current()
        state = getattr(it, "state", "")
        self.back_btn.setEnabled(isinstance(it, Draft) or state in (SEALED, BLOCKED))
        self.open_btn.setEnabled(state in (SENT, BLOCKED) and bool(getattr(it, "case_id", None)))
        self.merge_btn.setEnabled(state == BLOCKED)
        self.merge_btn.setVisible(state == BLOCKED)
        self.note.clear()
        if state == BLOCKED:
            self._explain(it)

    def _explain(self, it: Any) -> None:
        """A blocked case: which case another window opened for the same applicant and matter, and what of
        this window's business fields differs (merging keeps that case's values)."""
        desk = self.owner.window.desk
        if desk is None:
            return

        def shown(seen: Any) -> None:
            if self.current() is not it:
                return
            text = tr("该申请人的同一事项已在其他窗口受理：案件 {c}（{m}）。并入后不再另建案件，以该案件为准。",
                      c=seen.case_id, m=seen.matter)
            if seen.differing:
                text += tr("本窗口录入的业务信息与该案件不同：{f}（请打开案件核对）", f="、".join(seen.differing))
            self.note.setText(text)

        run_op(lambda: desk.offline.compare(it.id), shown, self._failed)

    def merge(self) -> None:
        """并入该案件: the blocked offline case joins the case the other window opened (no second case)."""
        it = self.current()
        desk = self.owner.window.desk
        if it is None or not self.merge_btn.isEnabled() or desk is None:
            return
        self.merge_btn.setEnabled(False)

        def done(res: tuple[str, tuple[int, int]]) -> None:
            case_id, counts = res
            self.owner.window.hall_status._waiting(*counts)  # first: the status line then says the merge
            self.refresh()
            self.owner.window.say(tr("离线案件已并入案件 {c}", c=case_id))
            self.merged.emit(case_id)

        run_op(lambda: (desk.offline.merge(it.id), desk.offline.counts()), done, self._failed)

    def default_action(self) -> None:
        (self.open_case if self.open_btn.isEnabled() else self.put_back)()

    def _failed(self, e: Exception) -> None:
        from clerkdesk.ui.errors import message_of

        self.note.setText(message_of(e).splitlines()[0][:200])

    def put_back(self) -> None:
        """放回表单: the case leaves the outbox and its form comes back (the clerk corrects it, F5 again)."""
        it = self.current()
        win = self.owner.window
        if it is None or not self.back_btn.isEnabled() or win.desk is None:
            return
        desk = win.desk
        if isinstance(it, Draft):
            def taken() -> Draft:
                desk.offline.discard_draft()
                return it
        else:
            def taken() -> Draft:
                c = desk.offline.take_back(it.id)
                form = c.request.get("form") or {"matters": list(c.request["targets"]), "values": {
                    **{f"{c.request['kind']}.{k}": v for k, v in c.request["data"].items()},
                    **{f"case.{k}": v for k, v in c.request["case_fields"].items()}}}
                return Draft(c.at, form)

        def done(d: Draft) -> None:
            win.form.clear()
            win.form.restore_draft(d)
            win.form.show_banner(tr("离线案件已放回表单，请核对后按 F5"))
            self.owner.recount()
            self.close()
            win.show_tab(0)

        run_op(taken, done, self._failed)

    def open_case(self) -> None:
        it = self.current()
        if it is None or not self.open_btn.isEnabled():
            return
        self.close()
        self.owner.window.open_case(it.case_id)


class OfflineDesk(QObject):
    """The window's offline capture: Ctrl+S and F5 while the store is away, the counter, the list."""

    sealed = Signal(int)  # an offline case was kept (tests wait for it)

    def __init__(self, window: Any):
        super().__init__(window)
        self.window = window
        self.dialog: OfflineCases | None = None
        self.button = QPushButton()
        self.button.setObjectName("warning")
        self.button.setFlat(True)
        self.button.clicked.connect(self.open)
        self.button.hide()
        window.statusBar().addPermanentWidget(self.button)
        window.hall_status.waiting_changed.connect(self._counted)

    @property
    def away(self) -> bool:
        return bool(self.window.hall_status.down)

    def _counted(self, n: int) -> None:
        held = self.window.hall_status.held
        self.button.setText(tr("离线案件 {n} 件待发送（{k}）", n=n, k=OFFLINE_KEY) if n
                            else tr("离线案件 {n} 件待处理（{k}）", n=held, k=OFFLINE_KEY))
        self.button.setVisible(n > 0 or held > 0)
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.refresh()

    def recount(self) -> None:
        desk = self.window.desk
        if desk is None:
            return
        run_op(desk.offline.counts, lambda c: self.window.hall_status._waiting(*c), lambda _e: None)

    def save_draft(self) -> None:
        """Ctrl+S while away: the form as it is, into the outbox."""
        win = self.window
        data, desk = win.form.draft_data(), win.desk
        if desk is None or not data["values"]:
            return

        def done(_r: Any) -> None:
            win.say(tr("共享档案库连不上，表单已保存在本机（离线案件 {k} 中可放回表单）", k=OFFLINE_KEY))

        run_op(lambda: desk.offline.save_draft(data), done, win.form.show_error)

    def seal(self) -> None:
        """F5 while away: check and plan as usual, then keep the case here until the store is back."""
        win = self.window
        desk = win.desk
        if desk is None:
            return
        req = win.form.request()
        if req is None:
            return
        form = win.form
        prof = form.profile
        # the version the clerk saw; after an offline lookup (F2), the one this window's earlier capture saw
        base = prof.version if prof is not None else form.captured.base_version if form.captured else None
        draft = form.draft_data()
        opts = win.monitor.runtime.opts

        def done(cid: int) -> None:
            form.clear()
            run_op(desk.offline.discard_draft, lambda _r: None, lambda _e: None)
            self.recount()
            win.say(tr("共享档案库连不上，案件已加密保存在本机，恢复连接后自动发送（{k} 查看）", k=OFFLINE_KEY))
            self.sealed.emit(cid)
            win.show_tab(0)

        def failed(e: Exception) -> None:
            form.show_error(e)
            win.say(tr("办理无法开始"))

        run_op(lambda: desk.offline.seal(req, opts, base, draft), done, failed)

    def open(self) -> OfflineCases:
        if self.dialog is None:
            self.dialog = OfflineCases(self)
        self.dialog.refresh()
        self.dialog.show()
        self.dialog.raise_()
        return self.dialog
