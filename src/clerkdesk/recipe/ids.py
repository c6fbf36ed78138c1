"""Identifiers are identifiers: the one rule for system ids, recipe ids and every name that becomes a path.

A system id (``hrss``) names a file in the data folder (the browser session of a clerk for that system,
``sessions/<clerk>/<system>@<origin>.bin``), and recipe ids (``hrss.employment-registration``) name runs, tests and
published files. A name such as ``/tmp/x/PWNED`` or ``../../etc`` would make ClerkDesk write outside its
data folder, so both are checked here, at load (``load_system``/``load_recipe``) and by ``recipe lint``,
with the file:line:col of the offending value. ``clerkdesk.config.under`` verifies every such path again
after resolution (defence in depth: a symlink can still point elsewhere).
"""

from __future__ import annotations

import re

MAX_LEN = 64
NAME = r"[a-z][a-z0-9_-]*"
SYSTEM_ID = re.compile(NAME)
RECIPE_ID = re.compile(rf"{NAME}(?:\.{NAME})*")  # <system>.<matter>, parts joined by dots


def system_id_problem(value: object) -> str | None:
    """Why VALUE is not a valid system id, or None when it is."""
    return _problem(value, SYSTEM_ID, "a system id", "hrss")


def recipe_id_problem(value: object) -> str | None:
    """Why VALUE is not a valid recipe id, or None when it is."""
    return _problem(value, RECIPE_ID, "a recipe id", "hrss.employment-registration")


def _problem(value: object, pattern: re.Pattern[str], what: str, example: str) -> str | None:
    text = "" if value is None else str(value)
    if not isinstance(value, str):
        return f"{what} is text such as {example}, not {type(value).__name__} {text[:40]!r}"
    if len(text) > MAX_LEN:
        return f"{what} has at most {MAX_LEN} characters (this one has {len(text)})"
    if not pattern.fullmatch(text):
        rule = "[a-z][a-z0-9_-]*" + (" parts joined by dots" if pattern is RECIPE_ID else "")
        return (f"{text[:40]!r} is not {what}: use lower-case ASCII letters, digits, '-' and '_', starting "
                f"with a letter ({rule}), e.g. {example}. ids become file names, so no '/', '..' or spaces")
    return None
