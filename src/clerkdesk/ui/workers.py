"""Work off the UI thread: short desk operations (``run_op``) and one thread per target run (``TargetWorker``).

Engine events arrive in the worker thread and are re-emitted as Qt signals (queued to the UI thread).
The clerk's answers travel back through ``Ask`` objects the worker waits on; while it waits for a human
step it polls the step's ``check()`` itself, because Playwright objects belong to the worker's thread.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QRunnable, QThread, QThreadPool, Signal

from clerkdesk.engine import events as ev
from clerkdesk.errors import HumanAborted, HumanNeeded
from clerkdesk.recipe.said import Said
from clerkdesk.recipe.steps import kinds
from clerkdesk.records.runstate import RunStatus
from clerkdesk.ui.i18n import tr

if TYPE_CHECKING:
    from clerkdesk.engine.run import RunInfo

# Steps that read the system's answer: never pause or abort in front of them (a submit may be open). From the
# step registry, the one source of what each step means.
ANSWER_KINDS = kinds(answers=True)
DESKTOP_LOCK = threading.Semaphore(1)  # one mouse and keyboard: desktop targets run one at a time


# --- short operations ------------------------------------------------------------------------------
class _OpSignals(QObject):
    done = Signal(object)
    failed = Signal(object)


class _Op(QRunnable):
    def __init__(self, fn: Callable[[], Any], sig: _OpSignals):
        super().__init__()
        self.fn = fn
        self.sig = sig

    def run(self) -> None:
        try:
            result = self.fn()
        except Exception as e:  # handed to the UI thread, shown by ui.errors
            self.sig.failed.emit(e)
        else:
            self.sig.done.emit(result)


_live: set[_OpSignals] = set()
busy_changed: list[Callable[[int], None]] = []  # the main window shows a busy indicator while ops run


def _notify() -> None:
    for cb in busy_changed:
        cb(len(_live))


def run_op(fn: Callable[[], Any], on_done: Callable[[Any], None],
           on_fail: Callable[[Exception], None] | None = None) -> None:
    """Run FN in the thread pool; ON_DONE / ON_FAIL are called on the UI thread. No Qt calls inside FN."""
    sig = _OpSignals()
    _live.add(sig)

    def finish(cb: Callable[[Any], None] | None, value: Any) -> None:
        _live.discard(sig)
        _notify()
        if cb is not None:
            cb(value)
        elif isinstance(value, Exception):
            from clerkdesk.ui.errors import show_error

            show_error(None, value)

    sig.done.connect(lambda r: finish(on_done, r))
    sig.failed.connect(lambda e: finish(on_fail, e))
    _notify()
    QThreadPool.globalInstance().start(_Op(fn, sig))


def wait_ops(timeout: float = 5.0) -> bool:
    """Wait for pending ``run_op`` calls; False if some still run after TIMEOUT seconds."""
    return bool(QThreadPool.globalInstance().waitForDone(int(timeout * 1000)))


# --- the clerk, as seen from a run thread ---------------------------------------------------------------
class AskKind(StrEnum):
    """What the engine asks the clerk (the three questions of ``engine.run.Clerk``); each has its dialog."""

    CONFIRM = "confirm"  # check the values, then let the submit go
    HUMAN = "human"  # act in the system's window (a login), then continue
    UNCERTAIN = "uncertain"  # a submit's outcome is unknown: recorded, not recorded, or stop
    DISCREPANCY = "discrepancy"  # the system holds other values than the profile: decide each (qt_discrepancy)


@dataclass(eq=False)
class Ask:
    """One question to the clerk; the worker waits until ``reply`` is called (from the UI thread)."""

    kind: AskKind
    info: RunInfo
    message: str
    values: list[tuple[str, str]] = field(default_factory=list)
    rows: list[Any] = field(default_factory=list)  # a discrepancy table's rows (desk.discrepancy.Row)
    hint: str | None = None
    answer: Any = None
    auto: bool = False  # answered by the step's own check, not by the clerk
    window: dict[str, Any] | None = None  # a web login: the browser window to act in (order on screen, title)
    _done: threading.Event = field(default_factory=threading.Event)

    def reply(self, answer: Any, auto: bool = False) -> None:
        if not self._done.is_set():
            self.answer, self.auto = answer, auto
            self._done.set()

    @property
    def answered(self) -> bool:
        return self._done.is_set()

    def wait(self, seconds: float) -> bool:
        return self._done.wait(seconds)


class RunControl:
    """Pause / abort / stop flags of one target run, set from the UI thread, read by the worker."""

    def __init__(self) -> None:
        self.paused = threading.Event()
        self.abort = False
        self.stopping = False  # the app is closing: leave the run resumable

    def check(self) -> None:
        if self.stopping:
            raise HumanNeeded(tr("应用关闭，办理已暂停") + " (the app was closed; resume from the case list)")
        if self.abort:
            raise HumanAborted(tr("经办人中止了办理") + " (the clerk aborted the run)")


# the discrepancy dialog's question, translated when the dialog is shown (``i18n.said``)
DISCREPANCY_ASK = Said("系统中已有的信息与档案不一致，请逐项选择处理方式", key="系统中已有的信息与档案不一致，请逐项选择处理方式")


class QtClerk:
    """Implements ``clerkdesk.engine.run.Clerk`` for a worker thread by asking the UI and waiting."""

    def __init__(self, worker: TargetWorker, control: RunControl,
                 assist: Callable[[Any], None] | None = None, hint: Callable[[Any], str | None] | None = None):
        self.worker = worker
        self.control = control
        self.assist = assist  # tests/demo: act in the target window as a clerk would (runs in this thread)
        self.hint = hint  # demo: text to help a newcomer with a login (e.g. the training captcha)

    def _wait(self, ask: Ask, driver: Any = None, check: Callable[[], bool] | None = None) -> Any:
        if driver is not None and self.hint is not None:
            ask.hint = self._hint(driver)
        self.worker.asked.emit(ask)
        assisted = False
        last_hint = time.monotonic()
        try:
            while not ask.wait(0.25):
                self.control.check()
                if driver is not None and self.assist is not None and not assisted:
                    assisted = True
                    with contextlib.suppress(Exception):  # the helper failed: the clerk acts instead
                        self.assist(driver)
                if check is not None:
                    try:
                        if check():
                            ask.reply("done", auto=True)
                            break
                    except Exception:
                        pass
                if driver is not None and self.hint is not None and time.monotonic() - last_hint > 1.5:
                    last_hint = time.monotonic()
                    new = self._hint(driver)
                    if new != ask.hint:
                        ask.hint = new
                        self.worker.hint_changed.emit(ask)
        finally:
            ask.reply(None)  # no-op when answered; unblocks nothing else but marks the ask closed
            self.worker.ask_closed.emit(ask)
        return ask.answer

    def _hint(self, driver: Any) -> str | None:
        try:
            return self.hint(driver) if self.hint else None
        except Exception:
            return None

    def confirm(self, info: RunInfo, message: str, values: list[tuple[str, str]]) -> bool:
        return self._wait(Ask(AskKind.CONFIRM, info, message, list(values))) == "yes"

    def human(self, info: RunInfo, message: str, driver: Any, check: Callable[[], bool] | None) -> None:
        ask = Ask(AskKind.HUMAN, info, message)
        with contextlib.suppress(Exception):  # the dialog then names the system only
            ask.window = driver.window() if hasattr(driver, "window") else None
        if self._wait(ask, driver, check) == "abort":
            raise HumanAborted(tr("经办人中止了办理") + " (the clerk aborted the run)")

    def keep_waiting(self, info: RunInfo, seconds: float) -> bool:
        """A slow system is still answering the submit: the card says so; 中止 (or closing the app) stops waiting,
        and the submit is then uncertain — never "not recorded". Ten minutes at most."""
        return not (self.control.abort or self.control.stopping) and seconds < 600

    def decide_discrepancies(self, info: RunInfo, rows: list[Any]) -> dict[str, Any]:
        """The discrepancy table (ui/qt_discrepancy.py); closing it stops the run before anything was written."""
        ans = self._wait(Ask(AskKind.DISCREPANCY, info, DISCREPANCY_ASK, rows=list(rows)))
        if not isinstance(ans, dict):
            raise HumanAborted(tr("经办人中止了办理") + " (the clerk aborted the run)")
        return ans

    def uncertain(self, info: RunInfo, message: str) -> tuple[str, str | None]:
        ans = self._wait(Ask(AskKind.UNCERTAIN, info, message))
        if isinstance(ans, tuple):
            return ans
        return ("abort", None)


# --- one target run -------------------------------------------------------------------------------------
class TargetWorker(QThread):
    """Runs JOB(clerk, opts) for one run id in its own thread (web targets side by side)."""

    event = Signal(object)  # engine events
    asked = Signal(object)  # Ask
    ask_closed = Signal(object)
    hint_changed = Signal(object)
    state = Signal(str, str)  # run id, ui state (queued | paused | running)
    outcome = Signal(str, object)  # run id, Outcome or Exception

    def __init__(self, run_id: str, system_kind: str, job: Callable[[QtClerk, Any], Any], opts: Any,
                 assist: Callable[[Any], None] | None = None, hint: Callable[[Any], str | None] | None = None,
                 after: Callable[[], None] | None = None, screen_busy: Callable[[], bool] | None = None,
                 lane: str | None = None):
        super().__init__()
        self.lane = lane  # web: the system's lane (``drivers.web.shared``): its matters share one browser and login
        self.screen_busy = screen_busy  # desktop targets wait while this is true (web runs may pop dialogs)
        self.run_id = run_id
        self.system_kind = system_kind
        self.job = job
        self.control = RunControl()
        self.clerk = QtClerk(self, self.control, assist, hint)
        self.after = after
        from dataclasses import replace

        self.opts = replace(opts, on_event=self._on_event)

    def _on_event(self, e: ev.Event) -> None:
        self.event.emit(e)
        if isinstance(e, ev.StepStarted) and e.kind not in ANSWER_KINDS:
            self.control.check()
            if self.control.paused.is_set():
                self.state.emit(self.run_id, RunStatus.PAUSED)
                while self.control.paused.is_set():
                    time.sleep(0.1)
                    self.control.check()
                self.state.emit(self.run_id, RunStatus.RUNNING)

    def start(self, *a: Any) -> None:
        """A web run takes its place in its system's lane here, on the UI thread, so that the matters of one
        system run in the order the case lists them (not in the order their threads happen to start)."""
        if self.lane:
            from clerkdesk.drivers.web.shared import LANES

            self._queued = LANES.submit(str(self.lane), lambda: self.job(self.clerk, self.opts))
        super().start(*a)

    def _in_lane(self) -> Any:
        """Run the job in its system's lane, after the matters of that system started before it: they share the
        lane's browser, so the clerk logs in once (a later matter finds the login done). While it waits its card
        says queued, and 中止 or closing the app takes it out of the queue."""
        from concurrent.futures import TimeoutError as Waiting

        fut, waits = self._queued
        if waits:
            self.state.emit(self.run_id, RunStatus.QUEUED)
        while True:
            try:
                return fut.result(timeout=0.2)
            except Waiting:
                if not fut.running():
                    try:
                        self.control.check()
                    except Exception:
                        if fut.cancel():
                            raise
                elif waits:
                    waits = False
                    self.state.emit(self.run_id, RunStatus.RUNNING)

    def run(self) -> None:
        locked = False
        try:
            if self.system_kind == "desktop":
                # The desktop driver reads the screen and moves the one mouse: wait until no web run can pop a
                # dialog over the client, then take the screen for this run alone.
                self.state.emit(self.run_id, RunStatus.QUEUED)
                while self.screen_busy is not None and self.screen_busy():
                    self.control.check()
                    time.sleep(0.2)
                while not DESKTOP_LOCK.acquire(timeout=0.2):
                    self.control.check()
                locked = True
                self.state.emit(self.run_id, RunStatus.RUNNING)
            result: Any = self._in_lane() if self.lane else self.job(self.clerk, self.opts)
        except Exception as e:  # shown on the target's card; the store keeps the run resumable
            result = e
        finally:
            if locked:
                DESKTOP_LOCK.release()
        try:
            if self.after is not None:
                self.after()
        except Exception:
            pass
        self.outcome.emit(self.run_id, result)
