"""A scripted ministry system and a driver for it: the submit guard's world, in milliseconds.

The fake speaks the engine's ``Driver`` protocol against a tiny model of a system: a form, a login, a ledger
of recorded submits, and faults scripted per process ("attempt"): a driver error or a raw exception at the
k-th driver call, HTTP 500 before or after recording, a session that expires, a slow answer, the system's own
rejection, a click that never went out, the clerk's input ending at a prompt, and the process being killed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clerkdesk.recipe.driver import Condition, DriverContext, DriverError, Locator, ReadSpec

OK_TEXT = "受理成功"
REJECT_TEXT = "校验失败"
EXPIRED_TEXT = "登录超时"
LOGGED_IN = "退出登录"

FAULT_KINDS = ("error", "raw", "nothing_sent", "500_before", "500_after", "expire", "slow", "rejected", "kill",
               "eof")


# the fake web system with a manual login and a session-expired marker (the exactly-once and worker tests)
SYSTEM = """\
system: fake
title: 测试系统
kind: web
start_url: http://127.0.0.1:9/
origins: ["http://127.0.0.1:9"]
login: manual
session_expired: {text: 登录超时}
"""


class Killed(BaseException):
    """The process died here (kill -9, power cut): nothing after this point runs, no handler sees it."""


@dataclass
class Fault:
    kind: str
    at: int = 0  # the driver call it hits (error, raw, expire, kill, eof: the clerk's k-th answer)
    ticks: int = 3  # slow: driver calls until the answer comes


# a one-page fill of the fake system: log in, two fields, the submit, its answer and receipt (the hall tests)
FILL_RECIPE = """\
recipe: fake.r
title: 测试事项
system: fake
steps:
  - open: /form
  - human: {message: 请登录, until: {text: 退出登录}}
  - fill: {label: 成员, value: "{{ person.id_number }}"}
  - fill: {label: 姓名, value: "{{ person.name }}"}
  - submit: {click: {role: button, name: 提交}}
  - expect: {text: 受理成功}
  - capture: {receipt: {after: "受理编号："}}
"""


@dataclass
class World:
    """The system, its ledger, and the faults of each attempt (process)."""

    faults: list[list[Fault]]  # per attempt
    ledger: list[str] = field(default_factory=list)  # keys of recorded submits
    clicks: list[str] = field(default_factory=list)  # submits that reached the system
    attempt: int = 0
    logged_in: bool = True
    calls: int = 0
    pending: tuple[int, str | None, str] | None = None  # slow: (due call, record key or None, page then)
    receipts: dict[str, str] = field(default_factory=dict)
    rejections: int = 0

    def fault(self, kind: str) -> Fault | None:
        mine = self.faults[self.attempt] if self.attempt < len(self.faults) else []
        return next((f for f in mine if f.kind == kind), None)

    def driver(self, kind: str) -> FakeDriver:
        return FakeDriver(self)

    def record(self, key: str) -> None:
        self.ledger.append(key)
        self.receipts[key] = f"RC{len(self.ledger):04d}"


class FakeDriver:
    kind = "web"

    def __init__(self, world: World):
        self.w = world
        self.page = "blank"
        self.fields: dict[str, str] = {}
        self.key = "k0"

    # --- the fault clock: every call is a tick --------------------------------------------------
    def tick(self) -> None:
        w = self.w
        w.calls += 1
        if w.pending and w.calls >= w.pending[0]:
            _, key, page = w.pending
            w.pending = None
            if key is not None:
                w.record(key)
            self.page = page
        for f in (w.faults[w.attempt] if w.attempt < len(w.faults) else []):
            if f.at != w.calls:
                continue
            if f.kind == "kill":
                raise Killed()
            if f.kind == "error":
                raise DriverError("element not found (scripted)", retryable=False)
            if f.kind == "raw":
                raise RuntimeError("Locator.fill: Frame was detached")
            if f.kind == "expire":
                w.logged_in = False
                self.page = "login"

    # --- Driver protocol -----------------------------------------------------------------------
    def start(self, ctx: DriverContext) -> None:
        self.page = "blank"

    def close(self) -> None:
        pass

    def open(self, where: str, timeout: float) -> None:
        self.tick()
        self.page = "form" if self.w.logged_in else "login"
        self.fields = {}

    def fill(self, loc: Locator, value: str, timeout: float) -> str:
        self.tick()
        if self.page != "form":
            raise DriverError(f"label {loc.label} not found on page {self.page}", retryable=True)
        self.fields[str(loc.label)] = value
        if loc.label == "成员":
            self.key = value
        return value

    def choose(self, loc: Locator, value: str, timeout: float) -> None:
        self.fill(loc, value, timeout)

    def check(self, loc: Locator, on: bool, timeout: float) -> None:
        self.tick()

    def click(self, loc: Locator, timeout: float) -> None:
        self.tick()
        if loc.name != "提交":
            return
        w = self.w
        if self.page != "form":
            raise DriverError("button 提交 not found", retryable=False, nothing_sent=True)
        if w.fault("nothing_sent") and not getattr(self, "_ns_done", False):
            self._ns_done = True
            raise DriverError("button 提交 not found (scripted)", retryable=False, nothing_sent=True)
        key = self.key
        w.clicks.append(key)
        if (f := w.fault("slow")) is not None:
            w.pending = (w.calls + f.ticks, key, "ok")
            self.page = "loading"
            return
        if w.fault("500_before"):
            self.page = "500"
            return
        if w.fault("rejected"):
            w.rejections += 1
            self.page = "rejected"
            return
        w.record(key)
        self.page = "500" if w.fault("500_after") else "ok"
        self.answered = key

    def upload(self, loc: Locator, path: Path, timeout: float) -> None:
        self.tick()

    def press(self, keys: str, loc: Locator | None, timeout: float) -> None:
        self.tick()

    def _text(self) -> str:
        return {"ok": OK_TEXT + " 受理编号：" + self.w.receipts.get(self.key, ""), "rejected": REJECT_TEXT + "：月工资必须为数字",
                "login": EXPIRED_TEXT, "500": "HTTP 500 Internal Server Error",
                "form": LOGGED_IN}.get(self.page, "")

    def probe(self, cond: Condition) -> bool:
        self.tick()
        hit = cond.text is not None and cond.text in self._text()
        return hit != cond.gone

    def wait_for(self, cond: Condition, timeout: float) -> None:
        if self.probe(cond):
            return
        if self.page == "500":
            raise DriverError("the system answered HTTP 500", retryable=False)
        raise DriverError(f"{cond.describe()} not shown (page {self.page})", retryable=False)

    def awaiting_system(self) -> bool:
        return self.w.pending is not None

    def read(self, spec: ReadSpec, timeout: float) -> str:
        self.tick()
        text = self._text()
        if spec.after and spec.after in text:
            return text.split(spec.after, 1)[1].split()[0]
        if spec.element is not None and self.page == "rejected":
            return text
        raise DriverError(f"nothing after {spec.after!r}", retryable=False)

    def screenshot(self) -> bytes:
        return b"\x89PNG fake"

    def enter_frame(self, frame: Locator) -> None:
        self.tick()

    def leave_frame(self) -> None:
        pass

    def enter_window(self, title: str | None, url: str | None, timeout: float) -> None:
        self.tick()

    def leave_window(self) -> None:
        pass

    def arm_dialog(self, accept: bool, text: str | None, prompt: str | None) -> None:
        pass

    def where(self) -> str:
        return f"fake page {self.page}"


class FakeClerk:
    """Confirms, logs in, and answers an uncertain submit truthfully from the ledger (or as told)."""

    def __init__(self, world: World, eof_at: int | None = None, patience: int = 3):
        self.w = world
        self.asked = 0
        self.eof_at = eof_at
        self.patience = patience
        self.decision: tuple[str, str | None] | None = None

    def _maybe_eof(self) -> None:
        self.asked += 1
        if self.eof_at is not None and self.asked == self.eof_at:
            raise EOFError("end of input at the prompt")  # click's Abort is an Exception just like this

    def confirm(self, info: Any, message: str, values: list[tuple[str, str]]) -> bool:
        self._maybe_eof()
        return True

    def human(self, info: Any, message: str, driver: Any, check: Any) -> None:
        self._maybe_eof()
        self.w.logged_in = True
        if isinstance(driver, FakeDriver) and driver.page == "login":
            driver.page = "form"

    def uncertain(self, info: Any, message: str) -> tuple[str, str | None]:
        if self.decision is None:  # as the CLI: no answer given up front → the run waits for the clerk
            from clerkdesk.errors import HumanNeeded

            raise HumanNeeded(message)
        return self.decision

    def keep_waiting(self, info: Any, seconds: float) -> bool:
        self.patience -= 1
        return self.patience >= 0
