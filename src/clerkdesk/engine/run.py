"""The runner: executes one recipe on one target system through a Driver.

- Every step emits events and is logged; the checkpoint (next top-level step) is persisted after each step.
- Safe steps are retried (``retry``, default 1); a ``submit`` never is.
- The submit guard records ``pending`` *before* the click and ``done`` only after the system answered as
  expected; anything else leaves the submit ``uncertain``: the run stops and the clerk says whether the
  system recorded it. Nothing is ever submitted twice by the engine.
- Resuming restarts at the latest ``open`` at or before the checkpoint, and never before a done submit.
- A failed step on a page that shows the system's "session expired" sign hands a login to the clerk, then
  resumes from the latest ``open``.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from clerkdesk.engine import events as ev
from clerkdesk.engine.driver import Condition, Driver, DriverContext, DriverError, Locator
from clerkdesk.engine.plan import Target
from clerkdesk.errors import ClerkDeskError, HumanAborted, HumanNeeded, StepError
from clerkdesk.recipe import values
from clerkdesk.recipe.steps import STEPS, Step

VERIFY_KINDS = ("expect", "capture", "screenshot", "wait", "dialog")
DRY_RUN_STOP = "试运行在提交前停止，未提交任何内容 (dry run: stopped before the submit; nothing was submitted)"


class RunLog(Protocol):
    """Persistence the runner needs (``clerkdesk.store.runs.Runs`` provides it)."""

    def get(self, rid: str) -> Any: ...
    def update(self, rid: str, *, status: str | None = None, checkpoint: int | None = None,
               submit_state: str | None = None, data: dict[str, Any] | None = None) -> None: ...
    def event(self, rid: str, step: int, kind: str, status: str, message: str = "",
              checkpoint: int | None = None) -> None:
        """Record an event; with CHECKPOINT, also move the run's checkpoint (one transaction)."""
    def add_evidence(self, rid: str, step: int, name: str, png: bytes) -> int: ...


@dataclass(frozen=True)
class RunInfo:
    run_id: str
    recipe: str
    title: str
    system: str
    system_title: str


class Clerk(Protocol):
    """The person at the counter, as the shell presents them (dialog, console prompt, or a test)."""

    def confirm(self, info: RunInfo, message: str, values: list[tuple[str, str]]) -> bool: ...
    def human(self, info: RunInfo, message: str, driver: Driver, check: Callable[[], bool] | None) -> None: ...
    def uncertain(self, info: RunInfo, message: str) -> tuple[str, str | None]:
        """'recorded' (with the receipt the clerk read, if any), 'not_recorded', or 'abort'."""
        ...


@dataclass
class Outcome:
    status: str
    captures: dict[str, Any] = field(default_factory=dict)
    message: str = ""
    error: StepError | None = None


class _Stop(Exception):
    def __init__(self, status: str, message: str):
        self.status = status
        self.message = message


class _Relogin(Exception):
    pass


class Runner:
    def __init__(self, log: RunLog, clerk: Clerk, make_driver: Callable[[Target], Driver], *, home: Path,
                 clerk_name: str, headless: bool = True, on_event: Callable[[ev.Event], None] | None = None,
                 timeout_factor: float = 1.0, driver_options: dict[str, Any] | None = None,
                 dry_run: bool = False):
        self.dry_run = dry_run  # `recipe test`: every step up to the submit, never the submit itself
        self.log = log
        self.clerk = clerk
        self.make_driver = make_driver
        self.home = home
        self.clerk_name = clerk_name
        self.headless = headless
        self.on_event = on_event or (lambda e: None)
        self.timeout_factor = timeout_factor
        self.driver_options = driver_options or {}
        self.paused = False
        self.abort_requested = False

    def run(self, run_id: str, target: Target, context: dict[str, Any], *, resume: bool = False) -> Outcome:
        return _Execution(self, run_id, target, context).go(resume)


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
        self.info = RunInfo(run_id, self.recipe.id, self.recipe.title, self.system.id, self.system.title)
        self.captures: dict[str, Any] = {}
        self.filled_values: list[tuple[str, str]] = []
        self.submit_open = False  # a submit was clicked and the system's answer is not yet seen
        self.top = 0
        self.driver: Driver = None  # type: ignore[assignment]

    # --- events -------------------------------------------------------------------------
    def emit(self, e: ev.Event) -> None:
        self.r.on_event(e)

    def base_event(self) -> dict[str, str]:
        return {"run_id": self.rid, "recipe": self.recipe.id, "system": self.system.id}

    # --- the run ------------------------------------------------------------------------
    def go(self, resume: bool) -> Outcome:
        row = self.r.log.get(self.rid)
        self.captures = dict(row.data.get("captures", {}))
        steps = self.recipe.steps
        start = 0
        if row.submit_state in ("pending", "uncertain"):
            try:
                start = self.settle_uncertain(row)
            except (HumanNeeded, HumanAborted) as e:
                return self.finish("needs_clerk", str(e))
            if start < 0:
                return self.finish("needs_clerk", "提交结果不确定，等待经办人核对 (submit outcome unknown; "
                                                  "waiting for the clerk to check the system)")
        elif resume:
            start = self.resume_point(row.checkpoint, row.submit_state == "done", row.data.get("submit_step"))
        if start >= len(steps):
            return self.finish("succeeded", "")
        self.r.log.update(self.rid, status="running")
        self.emit(ev.RunStarted(**self.base_event(), total=len(steps), resumed_from=start))
        self.r.log.event(self.rid, start, "run", "started", f"resumed from step {start + 1}" if start else "")
        try:
            self.driver = self.r.make_driver(self.target)
            self.driver.start(DriverContext(system=self.system, home=self.r.home, clerk=self.r.clerk_name,
                                            headless=self.r.headless, on_violation=self.blocked,
                                            options=self.r.driver_options))
        except DriverError as e:
            return self.fail_with(StepError(e.message, recipe=self.recipe.id, kind="start", tried=e.tried,
                                            retryable=True))
        relogins = 0
        i = start
        try:
            while i < len(steps):
                if self.r.abort_requested:
                    raise HumanAborted("经办人中止了办理 (the clerk aborted the run)")
                self.top = i
                try:
                    self.execute(steps[i], top=True)
                except _Relogin:
                    relogins += 1
                    if relogins > 2:
                        raise
                    i = self.resume_point(i, False, None, back_only=True)
                    continue
                i += 1  # execute() stored the checkpoint with the step's "ok" (captures are stored when captured)
            if self.submit_open:
                self.submit_done()
            return self.finish("succeeded", "")
        except StepError as e:
            return self.fail_with(e)
        except _Stop as s:
            return self.finish(s.status, s.message)
        except HumanAborted as e:
            return self.finish("aborted", str(e))
        except HumanNeeded as e:
            return self.finish("needs_clerk", str(e))
        finally:
            with suppress(Exception):
                self.driver.close()

    def resume_point(self, checkpoint: int, submit_done: bool, submit_step: int | None, back_only: bool = False
                     ) -> int:
        steps = self.recipe.steps
        floor = 0
        if submit_done and submit_step is not None:
            floor = submit_step + 1
            while floor < len(steps) and steps[floor].kind in VERIFY_KINDS:
                floor += 1  # the answer page of a done submit is gone; don't look for it again
        else:
            for j in range(min(checkpoint, len(steps) - 1), -1, -1):
                if steps[j].kind == "submit" and j < checkpoint and not back_only:
                    floor = j + 1
                    break
        point = floor
        for j in range(min(checkpoint, len(steps) - 1), floor - 1, -1):
            if steps[j].kind == "open":
                point = j
                break
        return point

    def settle_uncertain(self, row: Any) -> int:
        """A submit whose outcome is unknown (crash, timeout, error page). The clerk decides; -1 = wait."""
        sstep = row.data.get("submit_step", row.checkpoint)
        msg = (f"“{self.system.title}”的提交结果不确定：系统可能已经记录。请在系统中核对后回答。"
               f" (the submit to {self.system.title} may have been recorded; check the system)")
        self.emit(ev.HumanNeeded(**self.base_event(), message=msg, kind="uncertain_submit"))
        decision, receipt = self.r.clerk.uncertain(self.info, msg)
        self.r.log.event(self.rid, sstep, "submit", f"clerk: {decision}")
        if decision == "recorded":
            if receipt:
                self.captures["receipt"] = receipt
            self.r.log.update(self.rid, submit_state="done", data={"captures": self.captures})
            return self.resume_point(sstep + 1, True, sstep)
        if decision == "not_recorded":
            self.r.log.update(self.rid, submit_state="none")
            return self.resume_point(sstep, False, None, back_only=True)
        return -1

    def finish(self, status: str, message: str) -> Outcome:
        self.r.log.update(self.rid, status=status, data={"captures": self.captures, "message": message})
        self.r.log.event(self.rid, self.top, "run", status, message[:500])
        self.emit(ev.RunFinished(**self.base_event(), status=status, message=message, captures=dict(self.captures)))
        return Outcome(status, dict(self.captures), message)

    def fail_with(self, e: StepError) -> Outcome:
        if self.submit_open:
            self.r.log.update(self.rid, submit_state="uncertain")
            e = StepError(e.message + "\n  提交后没有看到预期结果：系统可能已经记录了这次提交，ClerkDesk 不会再次提交。"
                          "请在系统中核对，然后用“已记录/未记录”继续。 (after the submit the expected answer did not "
                          "come: it may have been recorded; ClerkDesk will not submit again by itself)",
                          recipe=e.recipe, step=e.step, kind=e.kind, mark=e.mark, tried=e.tried,
                          evidence=e.evidence, retryable=False)
            out = self.finish("needs_clerk", str(e))
        else:
            out = self.finish("failed", str(e))
        out.error = e
        return out

    # --- one step -------------------------------------------------------------------------
    def execute(self, s: Step, top: bool = False) -> None:
        st = STEPS[s.kind]
        n = self.top + 1
        what = s.describe()
        self.emit(ev.StepStarted(**self.base_event(), index=n, total=len(self.recipe.steps), kind=s.kind, what=what))
        # "started" goes to the shell only; the store records outcomes (ok/retry/failed) and the checkpoint
        if st.irreversible and self.r.dry_run:
            raise _Stop("dry_run", DRY_RUN_STOP)
        retries = int(s.args.get("retry", 1 if st.safe_to_retry else 0))
        if st.irreversible:
            retries = 0
        t0 = time.monotonic()
        attempt = 0
        while True:
            try:
                st.perform(self, s)
                break
            except DriverError as e:
                will_retry = attempt < retries and e.retryable and not self.submit_open
                self.emit(ev.StepFailed(**self.base_event(), index=n, kind=s.kind, what=what, message=e.message,
                                        will_retry=will_retry))
                self.r.log.event(self.rid, n, s.kind, "retry" if will_retry else "failed", e.message[:500])
                if will_retry:
                    attempt += 1
                    continue
                if not self.submit_open and not st.irreversible and self.session_expired():
                    self.relogin(s)
                    raise _Relogin() from None
                evidence = self.save_failure_evidence(n, s, e)
                raise StepError(e.message, recipe=self.recipe.id, step=n, kind=what, mark=s.mark, tried=e.tried,
                                evidence=evidence, retryable=e.retryable) from None
            except values.TemplateValueError as e:
                raise StepError(str(e), recipe=self.recipe.id, step=n, kind=what, mark=s.mark,
                                retryable=False) from None
        if self.submit_open and s.kind in ("expect", "capture"):
            self.submit_done()
        self.emit(ev.StepSucceeded(**self.base_event(), index=n, kind=s.kind, what=what,
                                   seconds=time.monotonic() - t0))
        self.r.log.event(self.rid, n, s.kind, "ok", what, checkpoint=self.top + 1 if top else None)

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
        self.emit(ev.HumanNeeded(**self.base_event(), message=msg, kind="session_expired"))
        self.r.log.event(self.rid, self.top + 1, "human", "session_expired")
        self.r.clerk.human(self.info, msg, self.driver, lambda: not self.session_expired())

    def blocked(self, origin: str) -> None:
        self.emit(ev.Blocked(**self.base_event(), origin=origin))
        self.r.log.event(self.rid, self.top + 1, "blocked", "blocked", f"request to foreign origin {origin} stopped")

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

    def timeout(self, step: Step) -> float:
        return float(step.args.get("timeout", STEPS[step.kind].default_timeout)) * self.r.timeout_factor

    def confirm(self, step: Step, message: str) -> None:
        self.emit(ev.HumanNeeded(**self.base_event(), message=message, kind="confirm"))
        if not self.r.clerk.confirm(self.info, message, list(self.filled_values)):
            raise HumanAborted("经办人未确认提交 (the clerk did not confirm)")
        self.r.log.event(self.rid, self.top + 1, "confirm", "confirmed")

    def human(self, step: Step, message: str, until: Condition | None) -> None:
        if until is not None and self.driver.probe(until):
            self.r.log.event(self.rid, self.top + 1, "human", "skipped", "already done")
            return
        self.emit(ev.HumanNeeded(**self.base_event(), message=message, kind="human"))
        check = (lambda: self.driver.probe(until)) if until is not None else None
        self.r.clerk.human(self.info, message, self.driver, check)
        if until is not None:
            self.driver.wait_for(until, 5.0)

    @contextmanager
    def submitting(self, step: Step) -> Iterator[None]:
        self.r.log.update(self.rid, submit_state="pending", checkpoint=self.top,
                          data={"submit_step": self.top, "captures": self.captures})
        self.r.log.event(self.rid, self.top + 1, "submit", "pending")
        self.submit_open = True
        yield
        try:
            png = self.driver.screenshot()
            self.r.log.add_evidence(self.rid, self.top + 1, f"submit-step-{self.top + 1}", png)
        except Exception:
            pass
        nxt = self.recipe.steps[self.top + 1].kind if self.top + 1 < len(self.recipe.steps) else None
        if nxt not in ("expect", "capture", "dialog", "wait"):
            self.submit_done()

    def submit_done(self) -> None:
        self.submit_open = False
        self.r.log.update(self.rid, submit_state="done")
        self.r.log.event(self.rid, self.top + 1, "submit", "done")

    def captured(self, step: Step, name: str, value: str) -> None:
        self.captures[name] = value
        self.r.log.update(self.rid, data={"captures": self.captures})

    def evidence(self, step: Step, name: str) -> None:
        self.r.log.add_evidence(self.rid, self.top + 1, name, self.driver.screenshot())

    def run_children(self, step: Step, key: str = "steps", bind: dict[str, Any] | None = None) -> None:
        if bind:
            self.scopes.append(bind)
        try:
            for child in step.children.get(key, ()):
                self.execute(child)
        finally:
            if bind:
                self.scopes.pop()

    def filled(self, step: Step, label: str, value: str) -> None:
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
                            recipe=self.recipe.id, step=self.top + 1, kind="open", mark=step.mark, retryable=False)
        return full


__all__ = ["Clerk", "ClerkDeskError", "Outcome", "RunInfo", "RunLog", "Runner"]
