"""Stand-ins for the clerk at the counter, acting in the real browser as a person would."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from clerkdesk.engine.run import RunInfo


class SandboxClerk:
    """Confirms everything and logs in to the sandbox systems when asked (reading the training captcha)."""

    def __init__(self, decision: tuple[str, str | None] = ("abort", None)):
        self.confirms: list[tuple[str, list[tuple[str, str]]]] = []
        self.humans: list[str] = []
        self.uncertains: list[str] = []
        self.decision = decision

    def confirm(self, info: RunInfo, message: str, values: list[tuple[str, str]]) -> bool:
        self.confirms.append((message, values))
        return True

    def human(self, info: RunInfo, message: str, driver: Any, check: Callable[[], bool] | None) -> None:
        self.humans.append(message)
        if getattr(driver, "kind", "web") == "desktop":
            # the sandbox client logs itself in (--operator): the clerk just waits for its main window
            import time

            deadline = time.monotonic() + 30
            while check is not None and not check() and time.monotonic() < deadline:
                time.sleep(0.2)
            return
        login(driver)

    def uncertain(self, info: RunInfo, message: str) -> tuple[str, str | None]:
        self.uncertains.append(message)
        return self.decision


def login(driver: Any) -> None:
    from clerkdesk.sandbox.web.training import login as sandbox_login

    sandbox_login(driver.page, driver.ctx.system.start_url, driver.ctx.system.id)
