"""A driver that plays any web form without a browser: every field takes what is typed, a login waits for the
clerk, a ``read`` finds what ``shown`` holds for its selector, the answer page says 受理成功 with a receipt —
unless ``no_answer``: then the answer never comes and the submit is uncertain. For tests that need the shipped
recipes' own messages and values (what the clerk's dialogs show), not a system's behaviour."""

from __future__ import annotations

from dataclasses import dataclass, field

from clerkdesk.recipe.driver import Condition, DriverContext, DriverError, Locator, ReadSpec

LOGGED_IN = "退出登录"
ANSWER = "受理成功"


@dataclass
class FormWorld:
    shown: dict[str, str] = field(default_factory=dict)  # css selector of a query page's cell → its text
    no_answer: bool = False
    logged_in: bool = False
    submits: int = 0

    def driver(self, kind: str) -> FormDriver:
        return FormDriver(self)


class FormDriver:
    kind = "web"

    def __init__(self, world: FormWorld):
        self.w = world

    def start(self, ctx: DriverContext) -> None:
        pass

    def close(self) -> None:
        pass

    def open(self, where: str, timeout: float) -> None:
        pass

    def fill(self, loc: Locator, value: str, timeout: float) -> str:
        return value

    def choose(self, loc: Locator, value: str, timeout: float) -> None:
        pass

    def check(self, loc: Locator, on: bool, timeout: float) -> None:
        pass

    def click(self, loc: Locator, timeout: float) -> None:
        if loc.name == "提交":
            self.w.submits += 1

    def press(self, keys: str, loc: Locator | None, timeout: float) -> None:
        pass

    def probe(self, cond: Condition) -> bool:
        if cond.text == LOGGED_IN:
            return self.w.logged_in != cond.gone
        if cond.text == ANSWER:
            return not self.w.no_answer
        if cond.text or (cond.element is not None and cond.element.css == "div.errors"):
            return False  # no session expiry, no rejection
        return not cond.gone  # a page's parts are there (a query result)

    def wait_for(self, cond: Condition, timeout: float) -> None:
        if not self.probe(cond):
            raise DriverError(f"{cond.describe()} not shown", retryable=False)

    def read(self, spec: ReadSpec, timeout: float) -> str:
        if spec.after:
            return "RS0000123"
        css = spec.element.css if spec.element is not None else None
        return self.w.shown.get(str(css), "")

    def screenshot(self) -> bytes:
        return b"\x89PNG fake"

    def arm_dialog(self, accept: bool, text: str | None, prompt: str | None) -> None:
        pass

    def where(self) -> str:
        return "a form"
