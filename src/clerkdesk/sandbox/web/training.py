"""Logging in to the sandbox systems as a trained clerk would, for demos, tests and benchmarks.

Reads the training captcha from the sandbox's debug endpoint (only served when the sandbox runs with
``debug=True``); a real ministry system has no such thing, so this is never used against one.
"""

from __future__ import annotations

from typing import Any

SANDBOX_USER, SANDBOX_PASSWORD = "clerk01", "sandbox"


def login(page: Any, start_url: str, system_id: str) -> str | None:
    """Log PAGE (a Playwright page) in to the sandbox system at START_URL; returns the captcha used, if any."""
    if "/login" not in page.url:
        page.goto(start_url + ("login.jsp" if system_id == "amr" else "login"))
    page.fill("input[name=username]", SANDBOX_USER)
    page.fill("input[name=password]", SANDBOX_PASSWORD)
    code = None
    if page.locator("input[name=captcha]").count():
        code = page.request.get(start_url + "__sandbox/captcha").text().strip()
        page.fill("input[name=captcha]", code)
    with page.expect_navigation():
        page.locator("button[type=submit], input[type=submit]").first.click()
    return code
