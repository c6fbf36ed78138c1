"""The clerk's window: capture (受理), run monitor (办理监控), today's cases (今日案件); keyboard first."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QProgressDialog,
    QTabWidget,
)

from clerkdesk.records.runstate import RunStatus
from clerkdesk.ui import workers
from clerkdesk.ui.i18n import run_names, tr
from clerkdesk.ui.qt_capture_form import CaptureForm
from clerkdesk.ui.qt_case_list import CaseList
from clerkdesk.ui.qt_conflicts import CONFLICT_KEY, HallStatus
from clerkdesk.ui.qt_hall_view import HALL_KEY, HallTab
from clerkdesk.ui.qt_offline import OFFLINE_KEY, OfflineDesk
from clerkdesk.ui.qt_queue import QUEUE_KEY, RETURNED_KEY, BackOfficeDesk
from clerkdesk.ui.qt_run_monitor import RunMonitor, Runtime

SHORTCUTS = [  # (key, zh) — also the F1 help text
    ("F1", "快捷键帮助"), ("F2", "读取/查询档案（按身份证号/信用代码）"), ("F3", "受理表单"), ("F4", "办理监控"),
    ("F5", "开始办理"), ("F6", "全部暂停/继续"), ("F7", "重试失败项 / 继续办理"), ("F8", "今日案件"),
    ("F9", "对话框中：确认提交 / 继续 / 已记录"),
    ("F11", "读取证件（图片文件 / 扫描文件夹 / 屏幕区域 / 高拍仪 / 读卡器）"), ("Esc", "对话框中：取消"), ("Ctrl+N", "新建受理（清空表单）"),
    ("Ctrl+S", "保存档案"), ("Ctrl+R", "刷新今日案件"), ("Ctrl+Shift+C", "复制全部回执"), ("Alt+字母", "打开菜单"),
    (QUEUE_KEY, "转后台办理"), (RETURNED_KEY, "后台退回的案件"), (CONFLICT_KEY, "档案冲突"),
    (OFFLINE_KEY, "离线案件（共享档案库连不上时受理的）"),
    ("Tab / Shift+Tab", "下一个/上一个字段"), ("空格", "勾选事项"), ("Ctrl+Q", "退出"),
]


ASK_WORDS = {workers.AskKind.HUMAN: "等待您在“{s}”窗口中操作（如登录）", workers.AskKind.CONFIRM: "等待您核对并确认提交：{s}",
             workers.AskKind.UNCERTAIN: "等待您核对提交结果：{s}",
             workers.AskKind.DISCREPANCY: "等待您处理系统与档案不一致的信息：{s}"}


def run_state_text(monitor: Any) -> str | None:
    """The status line while runs go on, from the runs' own state: what waits for the clerk first (a login, a
    confirm), else how many systems are being filled. None when nothing runs (other messages may stand)."""
    if not monitor.busy():
        return None
    for ask in list(monitor.dialogs):
        if not ask.answered and ask.kind in ASK_WORDS:
            return tr(ASK_WORDS[ask.kind], s=run_names(ask.info)[0])
    cards = list(monitor.cards.values())
    done = sum(c.status == RunStatus.SUCCEEDED for c in cards)
    if any(c.status == RunStatus.PAUSED for c in cards):
        return tr("已暂停（F6 继续），已完成 {d}/{n}", d=done, n=len(cards))
    return tr("正在办理 {r} 个系统，已完成 {d}/{n}", r=len(monitor.workers), d=done, n=len(cards))


class MainWindow(QMainWindow):
    def __init__(self, desk: Any, runtime: Runtime, demo: Any = None):
        """DESK may be None: the window shows at once and ``attach`` brings the desk when it is loaded."""
        super().__init__()
        self.desk = desk
        self.demo = demo
        self.setWindowTitle(tr("ClerkDesk 一窗受理") + (f" — {tr('演示')}" if demo else ""))
        self.form = CaptureForm(desk)
        self.monitor = RunMonitor(desk, runtime)
        self._starting = False  # F5 pressed: the case is being stored; a second press must not start another
        self.cases = CaseList(desk)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.form, tr("受理") + " (F3)")
        self.tabs.addTab(self.monitor, tr("办理监控") + " (F4)")
        self.tabs.addTab(self.cases, tr("今日案件") + " (F8)")
        self.setCentralWidget(self.tabs)

        self.message = QLabel(tr("就绪"))
        self.busy = QProgressBar(maximum=0)  # indeterminate: something runs
        self.busy.setMaximumWidth(160)
        self.busy.hide()
        self.statusBar().addWidget(self.message, 1)
        self.statusBar().addPermanentWidget(self.busy)
        self._ops = 0
        workers.busy_changed.append(self._ops_changed)
        self._busy_timer = QTimer(self, singleShot=True, interval=300)  # only show for work that lasts
        self._busy_timer.timeout.connect(self._update_busy)
        self._run_state = QTimer(self, interval=300)  # the status line follows the runs (a login waits, …)
        self._run_state.timeout.connect(self._show_run_state)
        self._run_state.start()  # cheap: reads the cards and pending questions; runs started anywhere are seen

        self.form.start_requested.connect(self.start)
        self.form.status.connect(self.say)
        self.monitor.status.connect(self.say)
        self.monitor.case_settled.connect(lambda _c: self.cases.refresh())
        self.cases.open_case.connect(self.open_case)
        self.cases.resume_case.connect(self.resume_case)
        self.cases.resumable.connect(self._resumable)
        self.hall_status = HallStatus(self)  # the shared store: unreachable, conflicts waiting
        self.offline = OfflineDesk(self)  # Ctrl+S / F5 while the shared store is away, the offline cases
        self.hall_status.unreachable.connect(lambda why: setattr(self.form, "drafts_offline", bool(why)))
        self.form.store_away.connect(self._lookup_away)
        self.back_office = BackOfficeDesk(self)  # 转后台办理 and what the back office handed back
        self.hall_tab = HallTab(self)  # supervisors only
        self._actions()
        self.resize(1280, 800)
        if desk is not None:
            self.attach(desk)
        else:
            self.say(tr("正在加载…"))
            self.busy.show()

    def attach(self, desk: Any) -> None:
        """The desk is loaded (store opened, recipes read): fill the screens."""
        self.desk = self.form.desk = self.monitor.desk = self.cases.desk = desk
        self.form.load_matters()
        if desk.offline.away_at_start:  # started while the hall's store is away: the form works, cases are kept
            self.say(tr("就绪"))
            self._update_busy()
            self.show_tab(0)
            self.hall_status.start_away(desk, desk.offline.away_at_start)
            if self.demo is None:  # the form this window kept in the outbox (it closed or died while offline)
                workers.run_op(lambda: desk.offline.unfinished(away=True), self._restore_start, lambda _e: None)
            return
        self.cases.refresh()
        if self.demo is not None:
            self.form.keep_drafts = False
            self.demo.prepare(self.form)
        else:
            workers.run_op(lambda: desk.offline.unfinished(away=False), self._restore_start, lambda _e: None)
        self.say(tr("就绪"))
        self._update_busy()
        self.show_tab(0)
        self.hall_status.start(desk)
        self.back_office.start(desk)
        self.hall_action.setVisible(self.hall_tab.attach(desk))

    def store_back(self, desk: Any) -> None:
        """The store answers after a start while it was away: what needs it starts now."""
        desk.offline.away_at_start = ""
        self.cases.refresh()
        self.back_office.start(desk)
        self.hall_action.setVisible(self.hall_tab.attach(desk))

    def _restore_start(self, got: Any) -> None:
        """At start: put the unfinished form back — the store's draft, or the one kept in the outbox while the
        store was away (the window closed or died offline); the clerk never retypes a citizen."""
        restored = self._restore(got.draft)
        desk = self.desk
        if restored and got.from_outbox and desk is not None and not desk.offline.away_at_start:
            draft = got.draft  # from now on it follows the form as any draft (and goes when the case starts)
            workers.run_op(lambda: desk.offline.adopt_draft(draft), lambda _r: None, lambda _e: None)
        if (got.draft is not None and not restored and got.from_outbox) or got.older_in_outbox:
            self.say(tr("另有一份离线时保存的表单，可在离线案件（{k}）中放回表单", k=OFFLINE_KEY))

    def _restore(self, draft: Any) -> bool:
        if draft is None or self.desk is None or any(v not in (None, "", []) for v in self.form.values().values()):
            return False  # nothing kept, or the clerk has begun typing already
        self.form.restore_draft(draft)
        desk = self.desk
        workers.run_op(desk.restored_draft, lambda _r: None, lambda _e: None)
        self.show_tab(0)
        return True

    def load_failed(self, e: Exception) -> None:
        from clerkdesk.desk.conflicts import StoreUnreachable
        from clerkdesk.ui.errors import show_error

        self.say(tr("共享档案库连不上：{e}", e=str(e)[:160]) if isinstance(e, StoreUnreachable) else tr("出错了"))
        show_error(self, e)

    # --- keyboard ---------------------------------------------------------------------------------
    def _act(self, menu: Any, text: str, key: str, slot: Any) -> QAction:
        a = QAction(text, self)
        a.setShortcut(QKeySequence(key))
        a.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        a.triggered.connect(slot)
        menu.addAction(a)
        self.addAction(a)
        return a

    def _actions(self) -> None:
        mb = self.menuBar()
        case = mb.addMenu(tr("受理") + "(&C)")
        self._act(case, tr("新建受理 (Ctrl+N)"), "Ctrl+N", self.new_case)
        self._act(case, tr("查询档案 (F2)"), "F2", self.lookup)
        self._act(case, tr("保存档案 (Ctrl+S)"), "Ctrl+S", self.save)
        self._act(case, tr("开始办理 (F5)"), "F5", self.start)
        self._act(case, tr("转后台办理") + f" ({QUEUE_KEY})", QUEUE_KEY, self.back_office.queue)
        case.addSeparator()
        self._act(case, tr("读取证件 (F11)"), "F11", self.read_document)
        self.form.doc_bar.menu.setTitle(tr("读取证件"))
        case.addMenu(self.form.doc_bar.menu)
        case.addSeparator()
        self._act(case, tr("退出"), "Ctrl+Q", self.close)
        run = mb.addMenu(tr("办理监控") + "(&R)")
        self._act(run, tr("全部暂停/继续 (F6)"), "F6", self.monitor.pause_all)
        self._act(run, tr("重试失败项 (F7)"), "F7", self.retry)
        self._act(run, tr("复制全部回执 (Ctrl+Shift+C)"), "Ctrl+Shift+C", self.monitor.copy_all)
        view = mb.addMenu(tr("视图") + "(&V)")
        self._act(view, tr("受理"), "F3", lambda: self.show_tab(0))
        self._act(view, tr("办理监控"), "F4", lambda: self.show_tab(1))
        self._act(view, tr("今日案件"), "F8", lambda: self.show_tab(2))
        self._act(view, tr("刷新 (Ctrl+R)"), "Ctrl+R", self.cases.refresh)
        self._act(view, tr("后台退回的案件") + f" ({RETURNED_KEY})", RETURNED_KEY, self.back_office.open_returned)
        self._act(view, tr("档案冲突") + f" ({CONFLICT_KEY})", CONFLICT_KEY, self.hall_status.open_conflicts)
        self._act(view, tr("离线案件") + f" ({OFFLINE_KEY})", OFFLINE_KEY, self.offline.open)
        self.hall_action = self._act(view, tr("大厅概况") + f" ({HALL_KEY})", HALL_KEY, self.hall_tab.show)
        self.hall_action.setVisible(False)  # a supervisor's: shown when the desk says who is at the window
        lang = mb.addMenu(tr("语言") + "(&L)")
        for code, name in (("zh", "中文"), ("en", "English")):
            a = QAction(name, self)
            a.triggered.connect(lambda _c=False, code=code: self.set_language(code))
            lang.addAction(a)
        helpm = mb.addMenu(tr("帮助") + "(&H)")
        self._act(helpm, tr("快捷键"), "F1", self.show_help)

    def show_tab(self, i: int) -> None:
        self.tabs.setCurrentIndex(i)
        w = [self.form.matters if not self.form.rows else self._first_field(), self.monitor, self.cases.table][i]
        w.setFocus()

    def _first_field(self) -> Any:
        for r in self.form.rows.values():
            fw = r.editor.focus_widget()
            if fw.focusPolicy() != Qt.FocusPolicy.NoFocus:
                return fw
        return self.form.matters

    def show_help(self) -> None:
        text = "\n".join(f"{tr(k):<16}{tr(v)}" for k, v in SHORTCUTS)  # keys in words too (空格, Alt+字母)
        box = QMessageBox(QMessageBox.Icon.Information, tr("快捷键"), text, parent=self)
        box.setStyleSheet("QLabel { font-family: monospace; }")
        self.help_box = box
        box.open()

    def set_language(self, code: str) -> None:
        from PySide6.QtCore import QSettings

        QSettings("ClerkDesk", "ClerkDesk").setValue("lang", code)
        self.say(tr("重启后生效"))

    # --- status -------------------------------------------------------------------------------------
    def say(self, text: str) -> None:
        self.message.setText(text)

    def _resumable(self, n: int) -> None:
        if n and not self.monitor.busy():
            self.say(tr("有 {n} 个案件可继续办理（F8 今日案件）", n=n))

    def _show_run_state(self) -> None:
        text = run_state_text(self.monitor)
        if text is not None and text != self.message.text():
            self.say(text)

    def _ops_changed(self, n: int) -> None:
        self._ops = n
        self._busy_timer.start()

    def _update_busy(self) -> None:
        self.busy.setVisible(self._ops > 0 or self.monitor.busy())

    # --- actions --------------------------------------------------------------------------------------
    def new_case(self) -> None:
        self.form.clear()
        self.show_tab(0)

    def save(self) -> None:
        """Ctrl+S: the profile into the store; while the shared store is away, the form into the outbox."""
        if self.offline.away:
            self.offline.save_draft()
            return

        def failed(e: Exception) -> None:
            from clerkdesk.desk.conflicts import StoreUnreachable

            if isinstance(e, StoreUnreachable) and self.desk is not None and self.desk.conflicts.shared:
                self.hall_status.went_away(e)  # said at once; the form is kept in the outbox instead
                self.offline.save_draft()
            else:
                self.form.show_error(e)

        self.form.save_profile(failed)

    def _lookup_away(self, why: str) -> None:
        """A lookup was answered from the outbox: a store found gone mid-call is said at once (as by the poll),
        and the status line shows the store's state rather than the lookup's own words."""
        if why != "away":
            self.hall_status.went_away(why)
        self.say(self.hall_status.watch.line())

    def lookup(self) -> None:
        self.show_tab(0)
        self.form.lookup()

    def read_document(self) -> None:
        """F11: 读取证件 — choose the source (image file, scan folder, screen region, camera, card reader)."""
        self.show_tab(0)
        self.form.doc_bar.popup()

    def retry(self) -> None:
        if self.tabs.currentWidget() is self.cases:
            self.cases.resume_selected()
        else:
            self.monitor.retry_failed()

    def start(self) -> None:
        """F5: validate, store the profile and the case, then run every target (off the UI thread)."""
        if self.desk is None:
            return
        if self.monitor.busy() or self._starting:  # a second F5 (or click) while the first one starts the case
            self.say(tr("办理仍在进行"))
            self.show_tab(1)
            return
        self.tabs.setCurrentIndex(0)
        if self.offline.away:  # the shared store is away: the case is kept here and sent when it is back
            self.offline.seal()
            return
        req = self.form.request()
        if req is None:
            return
        self._starting = True
        self.form.start_btn.setEnabled(False)
        self.say(tr("正在启动浏览器并填报…"))
        opts = self.monitor.runtime.opts

        def done(res: Any) -> None:
            self._starting = False
            self.form.start_btn.setEnabled(True)
            result, plan = res
            kept, self.form.documents = self.form.documents, []
            self.form._draft_timer.stop()
            self.form._restored_note = ""  # the restored form became a case: no longer an old form
            desk = self.desk
            workers.run_op(lambda: desk.discard_draft("case started"), lambda _r: None, lambda _e: None)
            if kept:  # document images the clerk chose to keep: evidence of this case
                workers.run_op(lambda: self.desk.link_documents(kept, case_id=result.case_id), lambda _r: None)
            self.monitor.start_case(result, plan, req.matter)
            self.show_tab(1)
            self.busy.show()
            self.cases.refresh()

        def failed(e: Exception) -> None:
            from clerkdesk.desk.conflicts import StoreUnreachable
            from clerkdesk.errors import CaseOpen

            self._starting = False
            self.form.start_btn.setEnabled(True)
            if isinstance(e, StoreUnreachable) and self.desk is not None and self.desk.conflicts.shared:
                self.hall_status.went_away(e)  # said at once, and the case is kept in the outbox instead
                self.offline.seal()
                return
            if isinstance(e, CaseOpen):  # the store refused a second case for this citizen and matter: show it
                self.say(tr("该申请人的同一事项已有未办结的案件，已为您打开"))
                self.open_case(e.case_id)
                return
            self.form.show_error(e)
            self.say(tr("办理无法开始"))

        workers.run_op(lambda: self.desk.open_case(req, opts), done, failed)

    def open_case(self, case_id: str) -> None:
        if self.monitor.busy() and self.monitor.case_id != case_id:
            self.say(tr("办理仍在进行"))
            return
        if self.monitor.case_id != case_id or not self.monitor.busy():
            self.monitor.show_case(case_id)
        self.show_tab(1)

    def resume_case(self, case_id: str) -> None:
        """Resume every interrupted run of the case from its checkpoint."""
        if self.monitor.busy():
            self.say(tr("办理仍在进行"))
            return
        self.monitor.show_case(case_id)
        self.show_tab(1)
        for rid, card in self.monitor.cards.items():
            if card.status != RunStatus.SUCCEEDED:
                self.monitor.retry(rid)

    # --- closing ---------------------------------------------------------------------------------------
    def shutdown(self, timeout: float = 10.0) -> None:
        """Stop runs (resumable), let pending desk calls finish, then close the store. Call after closing."""
        self.form._timer.stop()
        self.form.flush_draft()  # the last keystrokes too (closed within the draft timer's 0.8 s)
        self.hall_status.stop()
        self.monitor.stop_all(timeout)
        idle = workers.wait_ops(timeout) and all(w.isFinished() for w in self.monitor.workers.values())
        if self.desk is not None and idle:  # never close the store under a running thread
            self.form.discard_unused_documents(wait=True)
            self.back_office.stop()
            self.desk.close()
            self.desk = self.form.desk = self.monitor.desk = self.cases.desk = None

    def close_box(self) -> QMessageBox:
        """The question before closing during a run, with buttons that say what they do (not Yes/No)."""
        box = QMessageBox(QMessageBox.Icon.Question, tr("办理仍在进行"),
                          tr("关闭后，未完成的办理会保存断点，可在“今日案件”中继续。确定关闭吗？"), parent=self)
        self._close_btn = box.addButton(tr("关闭窗口"), QMessageBox.ButtonRole.AcceptRole)
        keep = box.addButton(tr("不关闭"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        return box

    def ask_close(self) -> bool:
        box = self.close_box()
        box.exec()
        return box.clickedButton() is self._close_btn

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.monitor.busy():
            if not self.ask_close():
                event.ignore()
                return
            prog = QProgressDialog(tr("正在保存断点…"), "", 0, 0, self)
            prog.setCancelButton(None)
            prog.show()
            self.monitor.stop_all()
            prog.close()
        workers.busy_changed.remove(self._ops_changed) if self._ops_changed in workers.busy_changed else None
        for dlg in list(self.monitor.dialogs.values()):
            dlg.hide()
        event.accept()
