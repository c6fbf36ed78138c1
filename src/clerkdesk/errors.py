"""Errors that carry where they happened, for both shells to format.

Every error a clerk or supervisor can see names its place: a recipe position
(file:line:col), a field name, or a target system. Messages never contain a
citizen's values: they name the field or show the template source instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Mark:
    """A 1-based position in a recipe or system file."""

    path: Path
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"


class ClerkDeskError(Exception):
    """Base of every error the shells turn into a message and an exit code."""

    exit_code = 1


class ConfigError(ClerkDeskError):
    """A setting, a key file or an installation is wrong or missing."""

    exit_code = 2


class NotAllowed(ClerkDeskError):
    """The clerk may not do this here (a supervisor's action, as the IT admin configured it)."""

    exit_code = 1


class StoreKeyError(ConfigError):
    """The encryption key is missing or does not open this database."""


class StoreDamaged(ConfigError):
    """The database is damaged, or lost rows it had committed: nothing is written to it until it is repaired.

    The message says what is wrong and the way out (``clerkdesk store check``, ``store restore``,
    ``audit accept-loss``)."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input: a stable code and a message in Chinese and English.

    FIELD is the canonical path (``person.phone``, ``case.employer``) or empty when the problem is not one
    field's; SYSTEM and PLACE say where it matters when a plan finds it (the target system's title; the recipe
    and, for a template, its step and file position); PARAMS are the code's values (a label, a table) as
    ``(name, value)`` pairs, never a citizen's value. A shell renders a problem from these parts (the Qt form
    marks FIELD red) and never has to parse the message text.
    """

    field: str
    code: str
    zh: str
    en: str
    severity: str = "error"  # or "warning": shown to the clerk, does not block
    system: str = ""
    place: str = ""
    params: tuple[tuple[str, str], ...] = ()

    def __str__(self) -> str:
        tag = "" if self.severity == "error" else "warning "
        return f"{self.field}: {tag}[{self.code}] {self.zh} ({self.en})"

    @property
    def line(self) -> str:
        """The English line the CLI prints under ``cannot start the run:`` (``PLACE: message``)."""
        return f"{self.place}: {self.en}" if self.place else self.en

    def param(self, name: str) -> str | None:
        return dict(self.params).get(name)

    def to_dict(self) -> dict[str, str]:
        out = {"field": self.field, "code": self.code, "zh": self.zh, "en": self.en, "severity": self.severity}
        out.update({k: v for k, v in (("system", self.system), ("place", self.place)) if v})
        return out


class ValidationError(ClerkDeskError):
    """A record has invalid fields; every problem is listed, nothing was stored."""

    exit_code = 2

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems))


class RecipeError(ClerkDeskError):
    """A recipe or system file is wrong at load or lint time."""

    exit_code = 2

    def __init__(self, message: str, mark: Mark | None = None, hint: str | None = None):
        self.message = message
        self.mark = mark
        self.hint = hint
        text = f"{mark}: {message}" if mark else message
        if hint:
            text += f" {hint}"
        super().__init__(text)


class PlanError(ClerkDeskError):
    """A run plan cannot start: every missing or invalid input is listed, each a :class:`Problem`."""

    exit_code = 2

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("cannot start the run:\n  " + "\n  ".join(self.lines))

    @property
    def lines(self) -> list[str]:
        return [p.line for p in self.problems]


class StepError(ClerkDeskError):
    """A step failed at run time; names the recipe, step, position and what was tried."""

    exit_code = 1

    def __init__(
        self,
        message: str,
        *,
        recipe: str = "",
        step: int | None = None,
        kind: str = "",
        mark: Mark | None = None,
        tried: list[str] | None = None,
        evidence: str | None = None,
        retryable: bool = True,
    ):
        self.message = message
        self.recipe = recipe
        self.step = step
        self.kind = kind
        self.mark = mark
        self.tried = list(tried or [])
        self.evidence = evidence
        self.retryable = retryable
        where = " ".join(x for x in (recipe, f"step {step}" if step is not None else "", kind) if x)
        text = message
        if where or mark:
            text = f"{where} ({mark}): {message}" if mark else f"{where}: {message}"
        if self.tried:
            text += "\n  Tried:\n    " + "\n    ".join(self.tried)
        super().__init__(text)


class HumanNeeded(ClerkDeskError):
    """A step needs the clerk (login, captcha, a check) and nobody is attached.

    NEED says what for, as the engine's ``events.Need`` names it (``human``, ``discrepancy`` …): the run keeps
    it, so a list of waiting runs can say why each waits without reading the message."""

    exit_code = 1

    def __init__(self, message: str = "", need: str = "human"):
        super().__init__(message)
        self.need = need


class HumanAborted(ClerkDeskError):
    """The clerk chose to stop."""

    exit_code = 1


class ForeignOriginError(StepError):
    """A recipe tried to reach an origin its system does not own."""


class RunBusy(ClerkDeskError):
    """The run is held by another live process (another window, shell or workstation): never run it twice."""

    exit_code = 2


class CaseOpen(ClerkDeskError):
    """A case for the same applicant and matter is still open: a second one could file the citizen twice.

    ``case_id`` is the open case the shells show instead of starting a new one.
    """

    exit_code = 2

    def __init__(self, message: str, case_id: str, run_ids: list[str]):
        self.case_id = case_id
        self.run_ids = run_ids
        super().__init__(message)


class ResumeRefused(ClerkDeskError):
    """A resume that could file twice or report a success nobody saw; the message says what to do instead."""

    exit_code = 2
