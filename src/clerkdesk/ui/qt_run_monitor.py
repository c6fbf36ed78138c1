"""The run monitor: one card per target system with live progress, receipts, errors and actions.

Cards subscribe to their worker's signals (engine events re-emitted on the UI thread); nothing polls.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from clerkdesk.engine import events as ev
from clerkdesk.records.runstate import RunStatus
from clerkdesk.ui.dialogs import AskDialog, EvidenceViewer, HumanDialog, dialog_for
from clerkdesk.ui.errors import failure_headline, message_of, step_words
from clerkdesk.ui.i18n import language, named, tr
from clerkdesk.ui.qt_recipe_health import recipe_set_text
from clerkdesk.ui.style import STATUS_COLOURS
from clerkdesk.ui.workers import Ask, AskKind, TargetWorker

STATUS_WORDS = {RunStatus.PLANNED: "待办理", RunStatus.QUEUED: "排队中（同一系统、桌面系统一次一个）", RunStatus.RUNNING: "办理中",
                RunStatus.PAUSED: "已暂停", RunStatus.NEEDS_CLERK: "待经办人处理", RunStatus.FAILED: "失败",
                RunStatus.SUCCEEDED: "已完成", RunStatus.ABORTED: "已中止"}
RESUMABLE = (RunStatus.PLANNED, RunStatus.RUNNING, RunStatus.PAUSED, RunStatus.NEEDS_CLERK, RunStatus.FAILED,
             RunStatus.ABORTED)
UNFINISHED = (RunStatus.PLANNED, RunStatus.RUNNING, RunStatus.PAUSED, RunStatus.NEEDS_CLERK)  # 继续办理, not 重试
CAPTURE_WORDS = {"receipt": "受理编号", "account": "个人账号", "serial": "业务流水号"}


@dataclass
class Runtime:
    """How runs are started: base options, and (demo/tests) a login helper and a login hint."""

    opts: Any = None  # clerkdesk.desk.FillOptions, made when the desk is loaded
    assist: Callable[[Any], None] | None = None
    hint: Callable[[Any], str | None] | None = None


class TargetCard(QFrame):
    def __init__(self, monitor: RunMonitor, run_id: str, recipe: Any, system: Any):
        super().__init__()
        self.monitor = monitor
        self.run_id = run_id
        self.recipe = recipe
        self.system = system
        self.status: str = RunStatus.PLANNED
        self.captures: dict[str, Any] = {}
        self.last_failed: ev.StepFailed | None = None
        self.pending: AskDialog | None = None
        self.setObjectName("card")
        self.setFrameShape(QFrame.Shape.StyledPanel)

        title = QLabel(f"{named(system)} · {named(recipe)}")
        title.setObjectName("title")
        self.badge = QLabel()
        self.progress = QProgressBar(maximum=len(recipe.steps), value=0)
        self.progress.setFormat("%v / %m")
        self.step = QLabel(wordWrap=True)
        self.receipt = QLineEdit(readOnly=True)
        self.receipt.setObjectName("receipt")
        self.receipt.setAccessibleName(tr("受理编号"))
        self.copy_btn = QPushButton(tr("复制"))
        self.copy_btn.clicked.connect(self.copy)
        self.error = QLabel(wordWrap=True)
        self.error.setObjectName("problem")
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details_btn = QToolButton(text=tr("技术详情"), checkable=True)
        self.details = QPlainTextEdit(readOnly=True)
        self.details.setMaximumHeight(110)
        self.details_btn.toggled.connect(self.details.setVisible)
        self.pause_btn = QPushButton(tr("暂停"))
        self.pause_btn.clicked.connect(self.toggle_pause)
        self.abort_btn = QPushButton(tr("中止"))
        self.abort_btn.clicked.connect(self.abort)
        self.retry_btn = QPushButton(tr("重试"))
        self.retry_btn.clicked.connect(lambda: monitor.retry(self.run_id))
        self.ask_btn = QPushButton(tr("需要经办人操作"))
        self.ask_btn.clicked.connect(self.show_pending)
        self.evidence_btn = QPushButton(tr("证据"))
        self.evidence_btn.clicked.connect(lambda: EvidenceViewer(monitor.desk, self.run_id, self).open())

        grid = QGridLayout(self)
        grid.addWidget(title, 0, 0, 1, 3)
        grid.addWidget(self.badge, 0, 3, Qt.AlignmentFlag.AlignRight)
        grid.addWidget(self.progress, 1, 0, 1, 4)
        grid.addWidget(self.step, 2, 0, 1, 4)
        rec = QHBoxLayout()
        self.receipt_label = QLabel(tr("受理编号"))
        rec.addWidget(self.receipt_label)
        rec.addWidget(self.receipt, 1)
        rec.addWidget(self.copy_btn)
        grid.addLayout(rec, 3, 0, 1, 4)
        grid.addWidget(self.error, 4, 0, 1, 4)
        grid.addWidget(self.details_btn, 5, 0)
        grid.addWidget(self.details, 6, 0, 1, 4)
        actions = QHBoxLayout()
        for b in (self.ask_btn, self.pause_btn, self.abort_btn, self.retry_btn, self.evidence_btn):
            actions.addWidget(b)
        actions.addStretch(1)
        grid.addLayout(actions, 7, 0, 1, 4)
        # which signed recipe set (and version) fills this run, kept with the run when its case was opened
        self.recipe_set = QLabel(recipe_set_text(monitor.desk.runs.get(run_id).recipe_set), objectName="hint")
        grid.addWidget(self.recipe_set, 8, 0, 1, 4)
        self.details.hide()
        self.details_btn.hide()
        self.error.hide()
        self.ask_btn.hide()
        self.set_status(RunStatus.PLANNED)
        self.set_captures({})

    # --- state -----------------------------------------------------------------------------------
    @property
    def worker(self) -> TargetWorker | None:
        return self.monitor.workers.get(self.run_id)

    def set_status(self, status: str) -> None:
        status = str(status)  # a plain str for Qt (the card's `state` property styles it)
        self.status = status
        colour = STATUS_COLOURS.get(status, "#333")
        self.badge.setText(f"<b style='color:{colour}'>● {tr(STATUS_WORDS.get(status, status))}</b>")
        self.setProperty("state", status)
        self.style().unpolish(self)
        self.style().polish(self)
        active = self.worker is not None
        self.pause_btn.setEnabled(active)
        self.pause_btn.setText(tr("继续") if status == RunStatus.PAUSED else tr("暂停"))
        self.abort_btn.setEnabled(active)
        self.retry_btn.setEnabled(not active and status in RESUMABLE)
        self.retry_btn.setText(tr("继续办理 (F7)") if not active and status in UNFINISHED else tr("重试"))
        n = len(self.monitor.desk.runs.evidence(self.run_id))
        self.evidence_btn.setText(f"{tr('证据')} ({n})")
        self.evidence_btn.setEnabled(n > 0)

    def set_captures(self, captures: dict[str, Any]) -> None:
        """What the system answered: one value (受理编号, 个人账号, …) or several as ``name: value``."""
        self.captures = dict(captures)
        if len(self.captures) == 1:
            (key, value), = self.captures.items()
            self.receipt_label.setText(tr(CAPTURE_WORDS.get(key, key)))
            text = str(value)
        else:
            self.receipt_label.setText(tr("受理编号"))
            text = "  ".join(f"{tr(CAPTURE_WORDS.get(k, k))}: {v}" for k, v in self.captures.items())
        self.receipt.setText(text)
        for w in (self.receipt, self.copy_btn, self.receipt_label):
            w.setVisible(bool(text))

    def set_error(self, headline: str | None, details: str = "") -> None:
        self.error.setText(headline or "")
        self.error.setVisible(bool(headline))
        self.details.setPlainText(details)
        self.details_btn.setVisible(bool(details))
        if not details:
            self.details_btn.setChecked(False)

    # --- events from the worker ---------------------------------------------------------------------
    def on_event(self, e: ev.Event) -> None:
        if isinstance(e, ev.RunStarted):
            self.progress.setMaximum(e.total)
            self.progress.setValue(e.resumed_from)
            self.set_error(None)
            self.set_status(RunStatus.RUNNING)
        elif isinstance(e, ev.StepStarted):
            self.progress.setMaximum(e.total)
            self.progress.setValue(max(self.progress.value(), e.index - 1))
            what = step_words(e.kind, e.what, e.field, e.en)
            if language() == "en" and e.field in self.recipe.fields and self.recipe.fields[e.field].en:
                what = step_words(e.kind, e.what, "", named(self.recipe.fields[e.field]))
            self.step.setText(f"{tr('第 {n}/{m} 步', n=e.index, m=e.total)}{tr('：')}{what}")
        elif isinstance(e, ev.StepSucceeded):
            self.progress.setValue(max(self.progress.value(), e.index))
        elif isinstance(e, ev.StepFailed):
            if not e.will_retry:
                self.last_failed = e
        elif isinstance(e, ev.HumanNeeded) and e.kind == ev.Need.WAITING_ANSWER:
            self.step.setText(tr("已提交，正在等待系统答复…（中止 = 停止等待，提交结果将不确定）"))
        elif isinstance(e, ev.HumanNeeded) and e.kind == ev.Need.UNCERTAIN_SUBMIT:
            # never leave a success text that was not seen (“核对结果 受理成功”) on the card
            self.step.setText(tr("提交结果不确定：请在系统中查询后选择 已记录 / 未记录"))
        elif isinstance(e, ev.RunFinished):
            self.set_captures(e.captures)

    def on_state(self, state: str) -> None:
        self.set_status(state)

    def on_outcome(self, result: Any) -> None:
        if isinstance(result, Exception):
            self.set_error(message_of(result), "")
            self.set_status(RunStatus.FAILED if self.status != RunStatus.NEEDS_CLERK else self.status)
            return
        self.set_captures(result.receipts)
        self.set_status(result.status)
        if result.status == RunStatus.SUCCEEDED:
            self.progress.setValue(self.progress.maximum())
            self.step.setText(tr("已完成"))
            self.set_error(None)
            return
        f = self.last_failed
        err = result.error
        if f is not None:
            head = failure_headline(f.kind, f.index, f.what, result.status)
        elif err is not None:
            kind = err.kind.split(" ")[0] if err.kind else ""
            head = failure_headline(kind, err.step, err.kind, result.status)
        else:
            head = tr(STATUS_WORDS.get(result.status, result.status))
            if result.status == RunStatus.NEEDS_CLERK:
                head = failure_headline("", None, "", RunStatus.NEEDS_CLERK)
        if result.status in (RunStatus.FAILED, RunStatus.NEEDS_CLERK, RunStatus.ABORTED):
            head += "\n" + tr("可按“重试”(F7)从断点继续")
        self.set_error(head, result.message)

    def on_ask(self, ask: Ask) -> None:
        dlg = dialog_for(ask, self.window())
        self.pending = dlg
        self.monitor.dialogs[ask] = dlg
        self.ask_btn.setVisible(ask.kind == AskKind.HUMAN)
        dlg.show_now()

    def on_ask_closed(self, ask: Ask) -> None:
        dlg = self.monitor.dialogs.pop(ask, None)
        if dlg is not None:
            dlg.hide()
            dlg.deleteLater()
        if dlg is self.pending:
            self.pending = None
            self.ask_btn.hide()

    def on_hint(self, ask: Ask) -> None:
        dlg = self.monitor.dialogs.get(ask)
        if isinstance(dlg, HumanDialog):
            dlg.update_hint()

    def show_pending(self) -> None:
        if self.pending is not None:
            self.pending.show_now()

    # --- actions -------------------------------------------------------------------------------------
    def toggle_pause(self) -> None:
        w = self.worker
        if w is None:
            return
        if w.control.paused.is_set():
            w.control.paused.clear()
            self.set_status(RunStatus.RUNNING)
        else:
            w.control.paused.set()
            self.pause_btn.setText(tr("继续"))

    def abort(self) -> None:
        w = self.worker
        if w is None:
            return
        if QMessageBox.question(self, tr("中止"), tr("确定中止这个系统的办理吗？")) == QMessageBox.StandardButton.Yes:
            w.control.abort = True
            w.control.paused.clear()
            if self.pending is not None:
                self.pending.ask.reply("abort" if self.pending.ask.kind == AskKind.HUMAN else
                                       "no" if self.pending.ask.kind == AskKind.CONFIRM else ("abort", None))

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.receipt.text())
        self.monitor.status.emit(tr("已复制"))


class RunMonitor(QWidget):
    status = Signal(str)
    case_settled = Signal(str)

    def __init__(self, desk: Any, runtime: Runtime, parent: QWidget | None = None):
        super().__init__(parent)
        self.desk = desk
        self.runtime = runtime
        self.case_id: str | None = None
        self.cards: dict[str, TargetCard] = {}
        self.workers: dict[str, TargetWorker] = {}
        self.dialogs: dict[Ask, AskDialog] = {}
        self.header = QLabel(tr("当前没有办理中的案件"))
        self.header.setObjectName("title")
        self.header.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.host = QWidget()
        self.cards_layout = QVBoxLayout(self.host)
        self.cards_layout.addStretch(1)
        scroll = QScrollArea(widgetResizable=True)
        scroll.setWidget(self.host)
        self.pause_all_btn = QPushButton(tr("全部暂停/继续 (F6)"))
        self.pause_all_btn.clicked.connect(self.pause_all)
        self.retry_all_btn = QPushButton(tr("重试失败项 (F7)"))
        self.retry_all_btn.clicked.connect(self.retry_failed)
        self.copy_all_btn = QPushButton(tr("复制全部回执 (Ctrl+Shift+C)"))
        self.copy_all_btn.clicked.connect(self.copy_all)
        bar = QHBoxLayout()
        bar.addWidget(self.pause_all_btn)
        bar.addWidget(self.retry_all_btn)
        bar.addStretch(1)
        bar.addWidget(self.copy_all_btn)
        lay = QVBoxLayout(self)
        lay.addWidget(self.header)
        lay.addWidget(scroll, 1)
        lay.addLayout(bar)

    # --- building -----------------------------------------------------------------------------------
    def _reset(self, case_id: str, matter: str) -> None:
        for card in self.cards.values():
            card.deleteLater()
        self.cards.clear()
        self.case_id = case_id
        self.header.setText(f"{tr('案件')} {case_id} · {matter}")

    def _card(self, run_id: str, recipe_id: str) -> TargetCard:
        recipe = self.desk.catalog.get(recipe_id)
        system = self.desk.catalog.systems[recipe.system]
        card = TargetCard(self, run_id, recipe, system)
        self.cards_layout.insertWidget(self.cards_layout.count() - 1, card)
        self.cards[run_id] = card
        return card

    def show_case(self, case_id: str) -> None:
        """Show a stored case (reopened from the case list) with each run's last known state."""
        case = self.desk.cases.get(case_id)
        self._reset(case_id, case.matter)
        for row in self.desk.runs.for_case(case_id):
            card = self._card(row.id, row.recipe)
            card.progress.setValue(min(row.checkpoint, card.progress.maximum()))
            card.set_captures(row.data.get("captures", {}))
            card.set_status(row.status)
            if row.status not in (RunStatus.SUCCEEDED, RunStatus.PLANNED):
                msg = row.data.get("message", "")
                card.set_error(failure_headline("", None, "", row.status) if row.status == RunStatus.NEEDS_CLERK
                               else tr(STATUS_WORDS.get(row.status, row.status)) + "\n" + tr("可按“重试”(F7)从断点继续"),
                               msg)

    def start_case(self, result: Any, plan: Any, matter: str) -> None:
        """Run every target of a newly opened case: web targets side by side, desktop ones in turn."""
        self._reset(result.case_id, matter)
        case_id = result.case_id
        for t in plan.targets:
            rid = result.runs[t.recipe.id]
            self._card(rid, t.recipe.id)

            def job(clerk: Any, opts: Any, rid: str = rid, t: Any = t) -> Any:
                return self.desk.run_target(rid, t, plan.case, clerk, opts)

            self._start(rid, t.system.kind, job, lambda: self.desk.settle_case(case_id))

    def retry(self, run_id: str) -> None:
        """Retry a failed target / resume an interrupted one from its checkpoint (never submitting twice)."""
        if run_id in self.workers:
            return
        card = self.cards.get(run_id)
        if card is None:
            return
        card.last_failed = None
        card.set_error(None)
        self._start(run_id, card.system.kind, lambda clerk, opts: self.desk.resume(run_id, clerk, opts), None)

    def _start(self, rid: str, kind: str, job: Callable[[Any, Any], Any], after: Callable[[], None] | None) -> None:
        card = self.cards[rid]
        w = TargetWorker(rid, kind, job, self.runtime.opts, self.runtime.assist, self.runtime.hint, after,
                         screen_busy=self._web_running, lane=self._lane(card) if kind == "web" else None)
        w.event.connect(card.on_event)
        w.state.connect(lambda _r, s, card=card: card.on_state(s))
        w.asked.connect(card.on_ask)
        w.ask_closed.connect(card.on_ask_closed)
        w.hint_changed.connect(card.on_hint)
        w.outcome.connect(self._finished)
        self.workers[rid] = w
        card.set_status(RunStatus.RUNNING)
        w.start()

    def _lane(self, card: TargetCard) -> str | None:
        """The lane of a web card's system at the address this app fills it (``--system-url`` included)."""
        from clerkdesk.drivers.web.shared import lane_key

        try:
            return lane_key(self.desk.systems_for(self.runtime.opts)[card.system.id])
        except Exception:  # a test's options without the system: its own browser, as before
            return None

    def _web_running(self) -> bool:
        """True while a web target of this window runs (called from desktop workers' threads)."""
        return any(w.system_kind != "desktop" and not w.isFinished() for w in list(self.workers.values()))

    def _finished(self, rid: str, result: Any) -> None:
        w = self.workers.pop(rid, None)
        if w is not None:
            w.wait(2000)
            w.deleteLater()
        card = self.cards.get(rid)
        if card is not None:
            card.on_outcome(result)
        if not self.workers and self.case_id:
            self.case_settled.emit(self.case_id)
            self.status.emit(tr("就绪"))

    # --- whole-case actions -----------------------------------------------------------------------------
    def busy(self) -> bool:
        return bool(self.workers)

    def pause_all(self) -> None:
        if not self.workers:
            return
        pause = not all(w.control.paused.is_set() for w in self.workers.values())
        for rid, w in self.workers.items():
            if pause:
                w.control.paused.set()
            else:
                w.control.paused.clear()
                self.cards[rid].set_status(RunStatus.RUNNING)

    def retry_failed(self) -> None:
        for rid, card in list(self.cards.items()):
            if card.status in RESUMABLE and rid not in self.workers and card.status != RunStatus.SUCCEEDED:
                self.retry(rid)

    def copy_all(self) -> None:
        lines = [f"{named(c.system)} {named(c.recipe)}: {c.receipt.text()}" for c in self.cards.values()
                 if c.receipt.text()]
        QGuiApplication.clipboard().setText("\n".join(lines))
        self.status.emit(tr("已复制"))

    def stop_all(self, timeout: float = 8.0) -> None:
        """The app is closing: every run stops at its next step and stays resumable."""
        import time

        for w in self.workers.values():
            w.control.stopping = True
            w.control.paused.clear()
        deadline = time.monotonic() + timeout
        for w in list(self.workers.values()):
            w.wait(max(1, int((deadline - time.monotonic()) * 1000)))
        from clerkdesk.drivers.web.shared import LANES

        LANES.stop(max(1.0, deadline - time.monotonic()))  # the end of the clerk's session: browsers close

    def receipts(self) -> dict[str, str]:
        """Recipe id → receipt text of each card (for tests and the case list)."""
        return {c.recipe.id: c.receipt.text() for c in self.cards.values()}
