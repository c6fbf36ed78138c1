"""The runner: executes one recipe on one target system through a Driver, and guards its submit.

- Every step emits events and is logged with its duration; the checkpoint (next top-level step) is persisted
  after each top-level step.
- Safe steps are retried (``retry``, default 1); a ``submit`` never is.
- **The submit guard is a state of the run** (``records.runstate.SubmitState``), whatever depth the ``submit``
  step sits at (top level, ``frame``, ``window``, ``when``, ``each``): ``none → armed`` is stored *before* the
  click, ``armed → clicked`` only when the click went out (a driver that knows nothing was sent says so and the
  submit goes back to ``none``), ``clicked → confirmed`` only when an ``expect``/``capture`` after it succeeds.
  Anything else after a click — an error page, a detached frame, a closed window, an exception, Ctrl+C, the
  clerk giving up on a slow answer, the end of the recipe with no answer checked — is ``uncertain``: the run
  stops for the clerk, and only the clerk's "recorded" (with the receipt) or "not recorded" moves it on.
  The system's own rejection (the submit's ``rejected`` sign on the form page) is "not recorded".
- A run belongs to one process at a time (the store's lease); a process that dies leaves the run shown as
  interrupted, with its submit state, and whoever resumes it takes the lease over.
- Resuming restarts at the latest ``open`` at or before the checkpoint, never before a recorded submit, and
  re-executing nested steps skips every submit already recorded (by its path in the recipe) and its answer.
- A failed step on a page that shows the system's "session expired" sign hands a login to the clerk, then
  resumes from the latest ``open`` — never while a submit is in flight.
"""

from __future__ import annotations

import contextlib
import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from clerkdesk.engine import events as ev
from clerkdesk.engine.notices import DISCREPANCY, UNCERTAIN, UNCERTAIN_AT_QUERY, notice
from clerkdesk.engine.plan import Target
from clerkdesk.errors import ClerkDeskError, HumanAborted, HumanNeeded, StepError
from clerkdesk.recipe import values
from clerkdesk.recipe.driver import (
    AwaitsSystem,
    Condition,
    Driver,
    DriverContext,
    DriverError,
    Locator,
    ReadSpec,
    lacks,
)
from clerkdesk.recipe.steps import CREDENTIAL_NAME, EN_SETTING, STEPS, Step
from clerkdesk.recipe.words import step_field
from clerkdesk.records.runstate import RunStatus, SubmitState

ANSWER_WAIT_S = 120.0  # without a shell's say, how long to keep waiting for a slow system's answer
_SLICE_S = 2.0  # while waiting for an answer, look for the system's rejection this often
DRY_RUN_STOP = "试运行在提交前停止，未提交任何内容 (dry run: stopped before the submit; nothing was submitted)"


class RunLog(Protocol):
    """Persistence the runner needs (``clerkdesk.store.runs.Runs`` provides it)."""

    def get(self, rid: str) -> Any: ...
    def update(self, rid: str, *, status: str | None = None, checkpoint: int | None = None,
               submit_state: str | None = None, data: dict[str, Any] | None = None,
               seconds: float | None = None) -> None: ...
    def event(self, rid: str, step: int, kind: str, status: str, message: str = "",
              checkpoint: int | None = None, ms: int | None = None) -> None:
        """Record an event; with CHECKPOINT, also move the run's checkpoint (one transaction)."""
    def add_evidence(self, rid: str, step: int, name: str, png: bytes) -> int: ...
    def acquire(self, rid: str) -> None:
        """Take the run's lease for this process; ``RunBusy`` when another live process holds it."""
    def release(self, rid: str) -> None: ...


@dataclass(frozen=True)
class RunInfo:
    run_id: str
    recipe: str
    title: str
    system: str
    system_title: str
    en: str = ""  # the recipe's English title (its ``en:``; "" = none): the English UI shows it
    system_en: str = ""  # the system's English title


class Clerk(Protocol):
    """The person at the counter, as the shell presents them (dialog, console prompt, or a test)."""

    def confirm(self, info: RunInfo, message: str, values: list[tuple[str, str]]) -> bool: ...
    def human(self, info: RunInfo, message: str, driver: Driver, check: Callable[[], bool] | None) -> None: ...
    def uncertain(self, info: RunInfo, message: str) -> tuple[str, str | None]:
        """'recorded' (with the receipt the clerk read, if any), 'not_recorded', or 'abort'."""
        ...

    # Optional: ``discrepancies(info, diffs) -> {field: Decision}`` — the system already holds other values than
    # the profile (a ``read`` step, engine/discrepancy.py); a clerk without it keeps the profile's values (the
    # fill updates the system), as before ``read`` existed. The desk wraps every shell's clerk with one that
    # asks the shell, audits the decisions and updates the profile (desk/discrepancy.py).
    # Optional: ``settled_discrepancies(info, diffs) -> {field: Decision}`` — the differences the clerk already
    # decided for this case and system, with the same system value and profile value then (another matter of the
    # case, a later run): those are reused and not asked again (desk/discrepancy.py keeps them per case).


@dataclass
class Outcome:
    """How a run ended. RECEIPTS are the values read back after the submit (the recipe's ``capture`` steps:
    受理编号, account numbers …), named for what they are, not for the step that reads them."""

    status: str
    receipts: dict[str, Any] = field(default_factory=dict)
    message: str = ""
    error: StepError | None = None
    submit: str = SubmitState.NONE
    seconds: float = 0.0


class _Stop(Exception):
    def __init__(self, status: str, message: str):
        self.status = status
        self.message = message


class _Relogin(Exception):
    pass


class _Uncertain(Exception):
    """The submit went (or may have gone) out and its answer cannot be read: stop for the clerk."""

    def __init__(self, message: str, error: StepError | None = None):
        self.message = message
        self.error = error


class _Rejected(Exception):
    """The system showed its own refusal of the submit: nothing was recorded."""

    def __init__(self, message: str, error: StepError):
        self.message = message
        self.error = error


RECEIPT_MISSING = ("系统已记录这次提交（已看到受理结果），但回执号没有读到：请在系统中查到回执号后补录，不要重新办理。 "
                   "(the system recorded the submit — its answer was seen — but the receipt was not read: look it "
                   "up in the system and enter it: clerkdesk resume {rid} --recorded RECEIPT; do not file again)")


class Runner:
    def __init__(self, log: RunLog, clerk: Clerk, make_driver: Callable[[Target], Driver], *, home: Path,
                 clerk_name: str, headless: bool = True, on_event: Callable[[ev.Event], None] | None = None,
                 timeout_factor: float = 1.0, driver_options: dict[str, Any] | None = None,
                 dry_run: bool = False, answer_wait: float | None = None):
        self.log = log
        self.clerk = clerk
        self.make_driver = make_driver
        self.home = home
        self.clerk_name = clerk_name
        self.headless = headless
        self.on_event = on_event or (lambda e: None)
        self.timeout_factor = timeout_factor
        self.driver_options = driver_options or {}
        self.dry_run = dry_run  # a supervisor's test: everything up to the submit, never the click
        self.answer_wait = ANSWER_WAIT_S if answer_wait is None else answer_wait
        self.paused = False
        self.abort_requested = False

    def run(self, run_id: str, target: Target, context: dict[str, Any], *, resume: bool = False) -> Outcome:
        self.log.acquire(run_id)
        try:
            return _Execution(self, run_id, target, context).go(resume)
        finally:
            self.log.release(run_id)


def _walk(steps: tuple[Step, ...], prefix: str = "") -> list[tuple[str, Step, bool]]:
    """Pre-order (path, step, inside_each) of STEPS; paths as the engine writes them (``3/steps0``)."""
    out: list[tuple[str, Step, bool]] = []

    def go(items: tuple[Step, ...], pre: str, loop: bool, top: bool) -> None:
        for j, st in enumerate(items):
            here = f"{j}" if top else f"{pre}{j}"
            out.append((here, st, loop))
            for key, kids in st.children.items():
                go(kids, f"{here}/{key}", loop or st.type.repeats, False)

    go(steps, prefix, False, True)
    return out


class _Execution:
    """One run of one recipe; implements the ``Exec`` protocol the step types call."""

    def __init__(self, runner: Runner, run_id: str, target: Target, context: dict[str, Any]):
        self.r = runner
        self.rid = run_id
        self.recipe = target.recipe
        self.system = target.system
        self.target = target
        self.base = dict(context)
        self.scopes: list[dict[str, Any]] = []
        self.env = values.make_env(self.system.id, self.system.codes)
        self.info = RunInfo(run_id, self.recipe.id, self.recipe.title, self.system.id, self.system.title,
                            self.recipe.en, self.system.en)
        self.captures: dict[str, Any] = {}
        self.decided: dict[str, dict[str, Any]] = {}  # read step path → its decisions and the values they carry
        self.filled_values: list[tuple[str, str]] = []
        self.submit_state = SubmitState.NONE
        self.submit_path: str | None = None  # the path of the submit the state is about
        self.submit_step: Step | None = None
        self.click_error: str = ""  # what the driver said when the click itself errored (the click may be out)
        self.done_submits: set[str] = set()  # paths of submits the system recorded (seen or the clerk's word)
        self.skip_answer = False  # a recorded submit was skipped on resume: its answer page is not there
        self.path: list[str] = []
        self.top = 0
        self.t0 = time.monotonic()
        self.driver: Driver = None  # type: ignore[assignment]

    # --- events -------------------------------------------------------------------------
    def emit(self, e: ev.Event) -> None:
        self.r.on_event(e)

    def base_event(self) -> dict[str, str]:
        return {"run_id": self.rid, "recipe": self.recipe.id, "system": self.system.id}

    # --- the submit state machine ---------------------------------------------------------
    def set_submit(self, state: SubmitState, note: str = "") -> None:
        """Move the submit guard and store it (durably, before anything else happens)."""
        self.submit_state = state
        data: dict[str, Any] = {"submit_step": self.submit_path, "submits_done": sorted(self.done_submits),
                                "captures": self.captures}
        self.r.log.update(self.rid, submit_state=state.value, data=data)
        self.r.log.event(self.rid, self.top + 1, "submit", state.value, note[:500])

    def in_flight(self) -> bool:
        return self.submit_state in (SubmitState.ARMED, SubmitState.CLICKED)

    # --- the run ------------------------------------------------------------------------
    def go(self, resume: bool) -> Outcome:
        row = self.r.log.get(self.rid)
        self.captures = dict(row.data.get("captures", {}))
        self.decided = dict(row.data.get("discrepancies", {}))
        for got in self.decided.values():  # a resumed run fills with the values the clerk decided before
            self.carry(got.get("overrides", {}))
        self.submit_state = SubmitState.of(row.submit_state)
        self.submit_path = _legacy_path(row.data.get("submit_step"))
        self.done_submits = {p for p in (_legacy_path(x) for x in row.data.get("submits_done", [])) if p}
        if self.submit_state == SubmitState.CONFIRMED and self.submit_path:
            self.done_submits.add(self.submit_path)  # schema-4 runs: "done" named only its step
        steps = self.recipe.steps
        start = 0
        if self.submit_state.unsettled:
            self.show_query_page()
            try:
                start = self.settle_uncertain(row)
            except (HumanNeeded, HumanAborted) as e:
                self.close_driver()
                self.submit_state = SubmitState.UNCERTAIN
                return self.finish(RunStatus.NEEDS_CLERK, str(e), ev.Need.UNCERTAIN_SUBMIT)
            if start < 0:
                self.close_driver()
                return self.finish(RunStatus.NEEDS_CLERK, notice(UNCERTAIN, system=self.system.title),
                                   ev.Need.UNCERTAIN_SUBMIT)
        elif resume:
            start = self.resume_point(row.checkpoint)
        if start >= len(steps) or (start > 0 and not self.work_after(start)):
            self.close_driver()
            if self.receipt_missing():  # only the answer page of a recorded submit was left, and it is gone
                return self.finish(RunStatus.NEEDS_CLERK, RECEIPT_MISSING.format(rid=self.rid))
            return self.finish(RunStatus.SUCCEEDED, "")
        self.r.log.update(self.rid, status=RunStatus.RUNNING.value)
        self.emit(ev.RunStarted(**self.base_event(), total=len(steps), resumed_from=start))
        self.r.log.event(self.rid, start, "run", "started", f"resumed from step {start + 1}" if start else "")
        try:
            if self.driver is None:  # (the query page's window, when one was shown, goes on)
                self.driver = self.r.make_driver(self.target)
                missing = self.lacking(self.driver)
                if missing is not None:
                    return self.fail_with(missing)
                self.start_driver()
        except DriverError as e:
            return self.fail_with(StepError(e.message, recipe=self.recipe.id, kind="start", tried=e.tried,
                                            retryable=True))
        except Exception as e:  # a browser that cannot start is a failure to report, never a traceback
            return self.fail_with(StepError(f"the driver did not start: {type(e).__name__}: {e}",
                                            recipe=self.recipe.id, kind="start", retryable=True))
        relogins = 0
        i = start
        try:
            while i < len(steps):
                if self.r.abort_requested:
                    raise HumanAborted("经办人中止了办理 (the clerk aborted the run)")
                self.top = i
                self.path = [str(i)]
                try:
                    self.execute(steps[i], top=True)
                except _Relogin:
                    relogins += 1
                    if relogins > 2:
                        raise
                    i = self.resume_point(i, back_only=True)
                    continue
                i += 1  # execute() stored the checkpoint with the step's "ok" (captures are stored when captured)
            if self.submit_state == SubmitState.CLICKED:
                raise _Uncertain("提交后没有检查系统的答复（配方在提交后没有 expect/capture） (the recipe checks no "
                                 "answer after its submit: add an expect or capture after it)")
            if self.receipt_missing():
                return self.finish(RunStatus.NEEDS_CLERK, RECEIPT_MISSING.format(rid=self.rid))
            return self.finish(RunStatus.SUCCEEDED, "")
        except _Stop as s:
            return self.finish(s.status, s.message)
        except _Uncertain as u:
            return self.uncertain(u.message, u.error)
        except _Rejected as r:
            self.submit_state = SubmitState.NONE
            out = self.finish(RunStatus.FAILED, str(r.error))
            out.error = r.error
            return out
        except StepError as e:
            return self.fail_with(e)
        except _Relogin:
            return self.fail_with(StepError("the system asked for a login three times in a row",
                                            recipe=self.recipe.id, step=self.top + 1, kind="login"))
        except HumanAborted as e:
            if self.in_flight():
                return self.uncertain(str(e))
            return self.finish(RunStatus.ABORTED, str(e))
        except HumanNeeded as e:
            if self.in_flight():
                return self.uncertain(str(e))
            return self.finish(RunStatus.NEEDS_CLERK, str(e), getattr(e, "need", ev.Need.HUMAN))
        except KeyboardInterrupt:
            if self.in_flight():
                return self.uncertain("经办人停止了等待 (stopped by Ctrl+C)")
            return self.finish(RunStatus.ABORTED, "经办人中止了办理 (stopped by Ctrl+C)")
        finally:
            with contextlib.suppress(Exception):
                self.driver.close()

    def start_driver(self) -> None:
        self.driver.start(DriverContext(system=self.system, home=self.r.home, clerk=self.r.clerk_name,
                                        headless=self.r.headless, on_violation=self.blocked,
                                        options=self.r.driver_options))

    def close_driver(self) -> None:
        if self.driver is not None:
            with contextlib.suppress(Exception):
                self.driver.close()
            self.driver = None  # type: ignore[assignment]

    def show_query_page(self) -> None:
        """Reopen the system's window at the recipe's ``query`` page while the clerk settles an uncertain submit,
        so there is something to check in (the window of the run that clicked is gone). Best effort: a page that
        cannot be shown leaves the clerk to look it up by hand, as without a ``query``; a login it asks for is
        the clerk's, in that window. Nothing is typed there and nothing is sent but the page's address."""
        self.query_shown = False
        if not self.recipe.query or not getattr(self.r.clerk, "shows_query_page", True):
            return  # (a shell that has the clerk's answer already, e.g. `resume --recorded`, needs no window)
        self.top = int(str(self.submit_path or "0").split("/")[0])
        try:
            where = self.recipe.query
            if self.system.kind == "web":
                from urllib.parse import urljoin

                where = urljoin(self.system.start_url, where)
                if not self.system.owns(where):
                    raise DriverError(f"{where} is not on an origin of system {self.system.id}", retryable=False)
            self.driver = self.r.make_driver(self.target)
            self.start_driver()
            self.driver.open(where, 30 * self.r.timeout_factor)
        except Exception as e:
            msg = e.message if isinstance(e, DriverError) else f"{type(e).__name__}: {e}"
            self.r.log.event(self.rid, self.top + 1, "query", "failed", msg[:500])
            self.close_driver()
            return
        self.query_shown = True
        self.r.log.event(self.rid, self.top + 1, "query", "shown", "the system's query page, for the clerk")
        self.evidence_quiet("查询页 (query page)")

    query_shown = False

    def receipt_missing(self) -> bool:
        """A recorded submit whose receipt the recipe reads, but which was not read (its answer page was gone)."""
        wants = any(st.type.reads and "receipt" in st.args for _, st, _ in _walk(self.recipe.steps))
        return wants and bool(self.done_submits) and not self.captures.get("receipt")

    def work_after(self, start: int) -> bool:
        """Whether anything but reading a recorded submit's answer is left from top-level step START on."""
        for path, st, loop in _walk(self.recipe.steps):
            if int(path.split("/")[0]) < start:
                continue
            if st.type.submits and path in self.done_submits and not loop:
                continue
            if not (st.type.answers or st.type.container):
                return True
        return False

    def resume_point(self, checkpoint: int, back_only: bool = False) -> int:
        """Where to start again: the latest ``open`` at or before CHECKPOINT, never before a top-level step that
        finished with a recorded submit in it (its form is gone). BACK_ONLY: a re-login inside this attempt."""
        steps = self.recipe.steps
        checkpoint = min(checkpoint, len(steps))
        floor = 0
        if not back_only:
            for j in range(checkpoint - 1, -1, -1):
                if any(p.split("/")[0] == str(j) for p in self.done_submits):
                    floor = j + 1
                    break
        for j in range(min(checkpoint, len(steps) - 1), floor - 1, -1):
            if steps[j].type.navigates:
                return j
        return floor

    def settle_uncertain(self, row: Any) -> int:
        """A submit whose outcome is unknown (crash, timeout, error page): the clerk decides. -1 = wait."""
        top = int(str(self.submit_path or row.checkpoint).split("/")[0])
        self.top = top
        msg = notice(UNCERTAIN_AT_QUERY if self.query_shown else UNCERTAIN, system=self.system.title)
        self.emit(ev.HumanNeeded(**self.base_event(), message=msg, kind=ev.Need.UNCERTAIN_SUBMIT))
        decision, receipt = self.ask("uncertain", lambda: self.r.clerk.uncertain(self.info, msg))
        self.r.log.event(self.rid, top + 1, "submit", f"clerk: {decision}")
        if decision == "recorded":
            if receipt:
                self.captures["receipt"] = receipt
            if self.submit_path:
                self.done_submits.add(self.submit_path)
            self.set_submit(SubmitState.CONFIRMED, "the clerk says the system recorded it")
            if self.submit_path == str(top):  # a top-level submit: go on after it, not reading its answer page
                self.skip_answer = True
                return top + 1
            return self.resume_point(top)
        if decision == "not_recorded":
            self.set_submit(SubmitState.NONE, "the clerk says the system did not record it")
            return self.resume_point(top, back_only=True)
        return -1

    def finish(self, status: str, message: str, need: str = "") -> Outcome:
        """End the run with STATUS; NEED (``ev.Need``) says why a NEEDS_CLERK run waits ("" otherwise): kept with
        the run (``data["need"]``), so the lists of waiting runs say why without parsing the message."""
        seconds = time.monotonic() - self.t0
        self.r.log.update(self.rid, status=str(status), seconds=seconds,
                          data={"captures": self.captures, "message": message, "need": str(need)})
        self.r.log.event(self.rid, self.top, "run", str(status), message[:500])
        self.emit(ev.RunFinished(**self.base_event(), status=str(status), message=message,
                                 captures=dict(self.captures)))
        return Outcome(str(status), dict(self.captures), message, submit=self.submit_state.value, seconds=seconds)

    def uncertain(self, cause: str, error: StepError | None = None) -> Outcome:
        self.set_submit(SubmitState.UNCERTAIN, cause)
        self.emit(ev.HumanNeeded(**self.base_event(), message=notice(UNCERTAIN, system=self.system.title),
                                 kind=ev.Need.UNCERTAIN_SUBMIT))
        text = (str(error) if error is not None else cause) + "\n  " + notice(UNCERTAIN, system=self.system.title)
        out = self.finish(RunStatus.NEEDS_CLERK, text, ev.Need.UNCERTAIN_SUBMIT)
        out.error = error
        return out

    def fail_with(self, e: StepError) -> Outcome:
        if self.in_flight():
            return self.uncertain(str(e), e)
        text = str(e)
        if self.done_submits:  # never let "failed" read as "nothing was filed"
            text += ("\n  注意：这次办理中已有提交被系统记录，续办不会重复提交，只会完成其余部分；不要重新办理。 (note: a submit of "
                     "this run was already recorded; resuming never repeats it; do not file again)")
        out = self.finish(RunStatus.FAILED, text)
        out.error = e
        return out

    def ask(self, kind: str, fn: Callable[[], Any]) -> Any:
        """Ask the clerk through the shell; an ended input (EOF at a prompt) or a broken shell is the clerk
        stopping, never a traceback that leaves the run ``running``."""
        try:
            return fn()
        except (ClerkDeskError, KeyboardInterrupt):
            raise
        except Exception as e:
            raise HumanAborted(f"经办人的输入已结束 (the clerk's input ended during {kind}: "
                               f"{type(e).__name__} {e})".strip()) from None

    # --- one step -------------------------------------------------------------------------
    def execute(self, s: Step, top: bool = False) -> None:
        st = STEPS[s.kind]
        n = self.top + 1
        what = s.describe()
        if self.skip_answer:
            if st.answers:  # the answer page of a submit recorded earlier is gone: don't look for it again
                self.r.log.event(self.rid, n, s.kind, "skipped", "answer of a recorded submit")
                if top:
                    self.r.log.event(self.rid, n, s.kind, "ok", what, checkpoint=self.top + 1)
                return
            if not st.container:
                self.skip_answer = False
        self.emit(ev.StepStarted(**self.base_event(), index=n, total=len(self.recipe.steps), kind=s.kind, what=what,
                                 field=step_field(s, self.env) or "", en=str(s.args.get(EN_SETTING, ""))))
        awaiting = self.submit_state == SubmitState.CLICKED and st.verifies
        retries = int(s.args.get("retry", 1 if st.safe_to_retry else 0))
        if st.irreversible or awaiting:
            retries = 0
        t0 = time.monotonic()
        attempt = 0
        while True:
            try:
                if awaiting:
                    self.await_answer(s)
                else:
                    st.perform(self, s)
                break
            except (_Stop, _Relogin, _Uncertain, _Rejected, ClerkDeskError, KeyboardInterrupt):
                raise
            except (DriverError, Exception) as raw:
                if isinstance(raw, values.TemplateValueError):
                    raise StepError(str(raw), recipe=self.recipe.id, step=n, kind=what, mark=s.mark,
                                    retryable=False) from None
                e = raw if isinstance(raw, DriverError) else DriverError(
                    f"{type(raw).__name__}: {raw}".strip(), retryable=True)
                will_retry = attempt < retries and e.retryable and not (self.in_flight() and not st.answers)
                self.emit(ev.StepFailed(**self.base_event(), index=n, kind=s.kind, what=what, message=e.message,
                                        will_retry=will_retry))
                self.r.log.event(self.rid, n, s.kind, "retry" if will_retry else "failed", e.message[:500])
                if will_retry:
                    attempt += 1
                    continue
                if not self.in_flight() and not st.irreversible and self.session_expired():
                    self.relogin(s)
                    raise _Relogin() from None
                evidence = self.save_failure_evidence(n, s, e)
                err = StepError(e.message, recipe=self.recipe.id, step=n, kind=what, mark=s.mark, tried=e.tried,
                                evidence=evidence, retryable=e.retryable)
                if self.submit_state == SubmitState.CLICKED:
                    self.check_rejected(err)
                    raise _Uncertain(str(err), err) from None
                raise err from None
        if self.submit_state == SubmitState.CLICKED and st.confirms:
            if self.submit_path:
                self.done_submits.add(self.submit_path)
            self.set_submit(SubmitState.CONFIRMED, f"answer seen: {what}")
        self.emit(ev.StepSucceeded(**self.base_event(), index=n, kind=s.kind, what=what,
                                   seconds=time.monotonic() - t0))
        self.r.log.event(self.rid, n, s.kind, "ok", what, checkpoint=self.top + 1 if top else None,
                         ms=round((time.monotonic() - t0) * 1000))

    def await_answer(self, s: Step) -> None:
        """The first look at the system's answer after a click: as long as the system takes (the shell may stop
        waiting), watching for the system's own rejection meanwhile. An error page or any other definite
        non-answer ends the wait at once (the caller makes the submit uncertain); it never becomes "failed"."""
        limit = self.timeout(s)
        sign = self.rejected_sign()
        started = time.monotonic()
        told = 0.0
        while True:
            budget = min(_SLICE_S, limit) if sign else limit
            self._slice = budget
            t = time.monotonic()
            try:
                STEPS[s.kind].perform(self, s)
                return
            except DriverError as e:
                last = e
            finally:
                self._slice = None
            if sign:
                self.check_rejected(None)
            took, waited = time.monotonic() - t, time.monotonic() - started
            awaiting = self.system_busy()
            if took < budget * 0.8 and not awaiting:
                raise last  # the driver read a definite non-answer (an error page): no use waiting
            if waited < limit:
                continue
            if not awaiting or self.r.abort_requested:
                raise last
            if not told or waited - told >= 10:
                told = waited
                self.emit(ev.HumanNeeded(**self.base_event(), kind=ev.Need.WAITING_ANSWER,
                                         message=f"正在等待“{self.system.title}”答复提交（已等待 {waited:.0f} 秒）… "
                                                 f"(waiting for the answer to the submit, {waited:.0f} s)"))
            keep = getattr(self.r.clerk, "keep_waiting", None)
            go_on = bool(self.ask("waiting", lambda k=keep, w=waited: k(self.info, w))) if keep is not None \
                else waited < self.r.answer_wait
            if not go_on:
                raise DriverError(f"没有等到系统的答复（{waited:.0f} 秒），停止了等待；系统可能稍后才记录 (no answer after "
                                  f"{waited:.0f} s: stopped waiting; the system may still record it later) — "
                                  f"{last.message}", last.tried, retryable=False, evidence=last.evidence)

    def system_busy(self) -> bool:
        """Whether the driver still waits for the system (a page load or a posted form without an answer); a driver
        that cannot tell (no ``AwaitsSystem``) never makes the engine wait longer."""
        if not isinstance(self.driver, AwaitsSystem):
            return False
        try:
            return bool(self.driver.awaiting_system())
        except Exception:
            return False

    def lacking(self, driver: Driver) -> StepError | None:
        """The first step that needs a capability (``StepType.needs``: frames, popup windows, uploads) the system's
        driver lacks, as the run's error — found before the driver starts, so that nothing is typed into a system
        whose recipe could not be finished. A ``when`` branch counts too: the screen decides it only later."""
        for path, st, _ in _walk(self.recipe.steps):
            need = STEPS[st.kind].needs
            if need is not None and not isinstance(driver, need):
                return StepError(f"step {st.kind!r} cannot run on system {self.system.id}: {lacks(driver, need)}",
                                 recipe=self.recipe.id, step=int(path.split("/")[0]) + 1, kind=st.kind,
                                 mark=st.mark, retryable=False)
        return None

    def rejected_sign(self) -> dict[str, Any] | None:
        sub = self.submit_step
        return sub.args.get("rejected") if sub is not None else None

    def check_rejected(self, err: StepError | None) -> None:
        """The system refused the submit on its own form page (its validation message): not recorded."""
        sign = self.rejected_sign()
        if not sign or self.submit_step is None:
            return
        cond = self.submit_step.condition(sign)
        try:
            shown = self.driver.probe(cond)
        except Exception:
            return
        if not shown:
            return
        said = cond.text or ""
        if cond.element is not None:
            with contextlib.suppress(Exception):
                said = self.driver.read(ReadSpec(element=cond.element), 2.0).strip() or said
        self.set_submit(SubmitState.NONE, f"rejected by the system: {said}")
        msg = (f"“{self.system.title}”拒绝了这次提交，没有记录：{said}  请改正后重新办理。 (the system refused the submit "
               f"and recorded nothing: {said})")
        raise _Rejected(msg, StepError(msg, recipe=self.recipe.id, step=self.top + 1, kind=self.submit_step.kind,
                                       mark=self.submit_step.mark, evidence=err.evidence if err else None,
                                       retryable=False))

    def save_failure_evidence(self, n: int, s: Step, e: DriverError) -> str | None:
        png = e.evidence
        if png is None:
            try:
                png = self.driver.screenshot()
            except Exception:
                png = None
        if png:
            eid = self.r.log.add_evidence(self.rid, n, f"failure-step-{n}-{s.kind}", png)
            return f"evidence #{eid}"
        return None

    def session_expired(self) -> bool:
        sign = self.system.session_expired
        if not sign:
            return False
        try:
            return self.driver.probe(Condition(text=sign.get("text"), url=sign.get("url")))
        except Exception:
            return False

    def relogin(self, s: Step) -> None:
        msg = f"“{self.system.title}”登录已过期，请在系统窗口中重新登录，然后继续。 (the session expired: log in again)"
        self.emit(ev.HumanNeeded(**self.base_event(), message=msg, kind=ev.Need.SESSION_EXPIRED))
        self.r.log.event(self.rid, self.top + 1, "human", "session_expired")
        self.ask("login", lambda: self.r.clerk.human(self.info, msg, self.driver, lambda: not self.session_expired()))

    def blocked(self, origin: str) -> None:
        self.emit(ev.Blocked(**self.base_event(), origin=origin))
        self.r.log.event(self.rid, self.top + 1, "blocked", "blocked", f"request to foreign origin {origin} stopped")

    # --- the submit ---------------------------------------------------------------------------
    def submit(self, step: Step, send: Callable[[], None]) -> None:
        path = "/".join(self.path)
        if path in self.done_submits:  # re-executing after a resume: this one is recorded already
            self.skip_answer = True
            self.r.log.event(self.rid, self.top + 1, "submit", "skipped", "recorded earlier")
            return
        if self.r.dry_run:
            self.evidence_quiet("提交前 (before submit)")
            raise _Stop(RunStatus.DRY_RUN, DRY_RUN_STOP)
        if self.submit_state == SubmitState.CLICKED:
            raise _Uncertain("上一次提交的答复没有被检查就到了下一次提交 (a second submit came before the first one's "
                             "answer was checked: add an expect or capture after each submit)")
        self.submit_path = path
        self.submit_step = step
        self.click_error = ""
        self.r.log.update(self.rid, checkpoint=self.top)
        self.set_submit(SubmitState.ARMED, "before the click")
        try:
            send()
        except DriverError as e:
            if e.nothing_sent:
                self.set_submit(SubmitState.NONE, "not sent: " + e.message)
                raise DriverError(e.message + "\n  提交没有发出：系统没有收到任何内容，可以放心重试。 (the submit was not sent: "
                                  "nothing reached the system; it is safe to try again)", e.tried, retryable=False,
                                  evidence=e.evidence, nothing_sent=True) from None
            self.click_error = e.message
        except (ClerkDeskError, KeyboardInterrupt):
            raise
        except Exception as e:  # a raw driver error during the click: it may have gone out
            self.click_error = f"{type(e).__name__}: {e}"
        self.set_submit(SubmitState.CLICKED, self.click_error and f"the click reported: {self.click_error}")
        self.evidence_quiet("提交后 (after submit)")

    def evidence_quiet(self, name: str) -> None:
        with contextlib.suppress(Exception):
            self.r.log.add_evidence(self.rid, self.top + 1, name, self.driver.screenshot())

    # --- Exec protocol -----------------------------------------------------------------------
    def data(self) -> dict[str, Any]:
        d = dict(self.base)
        for sc in self.scopes:
            d.update(sc)
        return d

    def value(self, step: Step, key: str) -> str:
        raw = step.args.get(key, "")
        return values.render(self.env, str(raw), self.data()) if values.is_template(str(raw)) else str(raw)

    def locator(self, step: Step, key: str | None = None) -> Locator:
        loc = step.locator(key)
        rendered = {f: values.render(self.env, v, self.data()) for f in ("label", "name", "text", "placeholder",
                                                                          "css", "xpath", "within")
                    if isinstance(v := getattr(loc, f), str) and values.is_template(v)}
        return dataclasses.replace(loc, **rendered) if rendered else loc

    def truthy(self, step: Step, key: str) -> bool:
        raw = step.args.get(key)
        if isinstance(raw, bool):
            return raw
        text = self.value(step, key).strip().lower()
        return text not in ("", "false", "0", "no", "none", "否")

    def items(self, step: Step, key: str) -> list[Any]:
        raw = str(step.args.get(key, "")).strip()
        expr = raw[2:-2].strip() if raw.startswith("{{") and raw.endswith("}}") else raw
        try:
            got = self.env.compile_expression(expr, undefined_to_none=False)(**self.data())
        except Exception as e:
            raise values.TemplateValueError(f"each: cannot read a list from {raw!r}: {e}") from None
        if not isinstance(got, list | tuple):
            raise values.TemplateValueError(f"each: {raw!r} is not a list")
        return list(got)

    _slice: float | None = None

    def timeout(self, step: Step) -> float:
        t = float(step.args.get("timeout", STEPS[step.kind].default_timeout)) * self.r.timeout_factor
        return min(t, self._slice) if self._slice else t

    def confirm(self, step: Step, message: str) -> None:
        self.emit(ev.HumanNeeded(**self.base_event(), message=message, kind=ev.Need.CONFIRM))
        if not self.ask("confirm", lambda: self.r.clerk.confirm(self.info, message, list(self.filled_values))):
            raise HumanAborted("经办人未确认提交 (the clerk did not confirm)")
        self.r.log.event(self.rid, self.top + 1, "confirm", "confirmed")

    def human(self, step: Step, message: str, until: Condition | None) -> None:
        if until is not None and self.driver.probe(until):
            self.r.log.event(self.rid, self.top + 1, "human", "skipped", "already done")
            return
        self.emit(ev.HumanNeeded(**self.base_event(), message=message, kind=ev.Need.HUMAN))
        check = (lambda: self.driver.probe(until)) if until is not None else None
        self.ask("human", lambda: self.r.clerk.human(self.info, message, self.driver, check))
        if until is not None:
            self.driver.wait_for(until, 5.0)

    _secret = False  # inside a login by stored credential: what is typed is never confirmed nor logged

    def login(self, step: Step, message: str, until: Condition, captcha: Condition | None) -> None:
        """The recipe's ``login`` step: nothing when ``until`` holds (a kept login); by the stored credential of
        this system and origin when there is one, the step has its ``steps`` and no captcha shows; else, or when
        the credential did not log in (refused, the page changed), a person logs in as for ``human``.

        The credential is bound as ``login`` for the nested steps only; its values never reach the confirm list,
        the run log or an error message (a failure there is reported by the step's words, then a person logs
        in). A captcha always stops for a person: ClerkDesk does not read captchas."""
        if self.driver.probe(until):
            self.r.log.event(self.rid, self.top + 1, "login", "skipped", "already logged in")
            return
        note = ""
        get = self.r.driver_options.get("credential")
        cred = None
        if step.children.get("steps") and get is not None:
            from clerkdesk.recipe.systems import origin_of

            cred = get(self.system.id, origin_of(self.system.start_url) if self.system.start_url else "")
        if cred is not None and captcha is not None and self.driver.probe(captcha):
            cred, note = None, "captcha shown: a person logs in"
        if cred is not None:
            self.r.log.event(self.rid, self.top + 1, "login", "credential", "stored credential")
            self._secret = True
            with contextlib.suppress(Exception):  # a driver (or a recording wrapper) that keeps values keeps none
                self.driver.typing_secret = True  # type: ignore[attr-defined]
            try:
                self.run_children(step, "steps", {CREDENTIAL_NAME: {"username": cred.username,
                                                                     "password": cred.password}})
                self.driver.wait_for(until, min(self.timeout(step), 15.0))
                self.r.log.event(self.rid, self.top + 1, "login", "ok", "logged in by stored credential")
                return
            except (_Stop, _Relogin, _Uncertain, _Rejected, HumanAborted, KeyboardInterrupt):
                raise
            except Exception as e:  # StepError / DriverError: its words are the step's, never the values
                note = "the stored credential did not log in" + (f" ({e.kind})" if isinstance(e, StepError) else "")
            finally:
                self._secret = False
                with contextlib.suppress(Exception):
                    self.driver.typing_secret = False  # type: ignore[attr-defined]
        if note:
            self.r.log.event(self.rid, self.top + 1, "login", "person", note[:200])
        self.human(step, message, until)

    def captured(self, step: Step, name: str, value: str) -> None:
        self.captures[name] = value
        self.r.log.update(self.rid, data={"captures": self.captures})

    def observed(self, step: Step, shown: dict[str, str]) -> None:
        """A ``read`` step's values: compared with the profile; each difference is the clerk's to decide
        (``Clerk.discrepancies``), and the decisions are logged (field and decision, never values), stored with
        the run (a resume carries them again without asking twice) and carried into the fill."""
        from clerkdesk.engine.discrepancy import Decision, compare, overrides

        path = "/".join(self.path)
        if path in self.decided:
            self.r.log.event(self.rid, self.top + 1, step.kind, "skipped", "decided earlier")
            return
        diffs = compare(shown, self.data(), self.system.codes)
        decisions: dict[str, Decision] = {}
        settled = getattr(self.r.clerk, "settled_discrepancies", None)
        known = self.ask("discrepancies", lambda: settled(self.info, diffs)) if settled and diffs else {}
        for d in diffs:  # decided earlier in this case, the values unchanged since: not asked again
            if d.field in known and Decision(known[d.field]) in d.choices:
                decisions[d.field] = Decision(known[d.field])
                self.r.log.event(self.rid, self.top + 1, step.kind, "discrepancy",
                                 f"{d.field}: {decisions[d.field]} (decided earlier in this case)")
        open_ = [d for d in diffs if d.field not in decisions]
        if open_:
            self.emit(ev.HumanNeeded(**self.base_event(), kind=ev.Need.DISCREPANCY,
                                     message=notice(DISCREPANCY, system=self.system.title, n=len(open_))))
            ask = getattr(self.r.clerk, "discrepancies", None)
            said = self.ask("discrepancies", lambda: ask(self.info, open_)) if ask is not None else {}
            for d in open_:
                dec = Decision(said.get(d.field, Decision.SYSTEM))
                decisions[d.field] = dec if dec in d.choices else Decision.SYSTEM
                self.r.log.event(self.rid, self.top + 1, step.kind, "discrepancy", f"{d.field}: {decisions[d.field]}")
        carried = overrides(diffs, decisions)
        self.decided[path] = {"decisions": {k: str(v) for k, v in decisions.items()}, "overrides": carried}
        self.r.log.update(self.rid, data={"discrepancies": self.decided})
        self.carry(carried)

    def carry(self, values_: dict[str, str]) -> None:
        """Fill from VALUES (profile field → value) instead of the profile's own, from now on in this run."""
        for name, value in values_.items():
            kind, _, short = name.partition(".")
            self.base[kind] = {**self.base.get(kind, {}), short: value}

    def evidence(self, step: Step, name: str) -> None:
        self.r.log.add_evidence(self.rid, self.top + 1, name, self.driver.screenshot())

    def run_children(self, step: Step, key: str = "steps", bind: dict[str, Any] | None = None) -> None:
        if bind:
            self.scopes.append(bind)
        loop = bind is not None and "loop_index" in bind
        if loop:
            self.path.append(f"#{bind['loop_index']}")  # type: ignore[index]
        try:
            for j, child in enumerate(step.children.get(key, ())):
                self.path.append(f"{key}{j}")
                try:
                    self.execute(child)
                finally:
                    self.path.pop()
        finally:
            if loop:
                self.path.pop()
            if bind:
                self.scopes.pop()

    def filled(self, step: Step, label: str, value: str) -> None:
        if not self._secret:  # a credential typed by `login` is nothing the clerk confirms
            self.filled_values.append((label, value))

    def check_url(self, step: Step, url: str) -> str:
        if self.system.kind != "web":
            return url
        from urllib.parse import urljoin

        full = urljoin(self.system.start_url, url)
        if not self.system.owns(full):
            from clerkdesk.recipe.systems import origin_of

            self.blocked(origin_of(full))
            raise StepError(f"{origin_of(full)} is not an origin of system {self.system.id}: the navigation was "
                            "stopped (a recipe may only send data to its system's own origins)",
                            recipe=self.recipe.id, step=self.top + 1, kind=step.kind, mark=step.mark, retryable=False)
        return full


def _legacy_path(x: Any) -> str | None:
    """A submit's path; schema-4 runs stored the top-level index as an int."""
    if x is None or x == "":
        return None
    return str(x)


__all__ = ["Clerk", "ClerkDeskError", "Outcome", "RunInfo", "RunLog", "Runner"]
