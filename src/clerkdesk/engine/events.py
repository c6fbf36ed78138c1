"""Run events, past tense. Shells subscribe; messages hold no citizen values."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


@dataclass(frozen=True)
class Event:
    run_id: str
    recipe: str
    system: str


@dataclass(frozen=True)
class RunStarted(Event):
    total: int
    resumed_from: int = 0


@dataclass(frozen=True)
class StepStarted(Event):
    index: int  # top-level step number, 1-based for people
    total: int
    kind: str
    what: str
    # for a shell in another language than the recipe's: the field the step enters (person.name; "" = none),
    # named in the shell's language, and the recipe's own English for a message step (its ``en:``; "" = none)
    field: str = ""
    en: str = ""


@dataclass(frozen=True)
class StepSucceeded(Event):
    index: int
    kind: str
    what: str
    seconds: float


@dataclass(frozen=True)
class StepFailed(Event):
    index: int
    kind: str
    what: str
    message: str
    will_retry: bool = False


class Need(StrEnum):
    """Why a run waits for the clerk (``HumanNeeded.kind``); the shells show each differently."""

    HUMAN = "human"  # a `human` step: act in the system's window (a login, a captcha)
    CONFIRM = "confirm"  # a `confirm` step: check the values before the submit
    UNCERTAIN_SUBMIT = "uncertain_submit"  # a submit's outcome is unknown: look it up in the system
    SESSION_EXPIRED = "session_expired"  # the system asks for a login again
    WAITING_ANSWER = "waiting_answer"  # a slow system has not answered the submit yet (the clerk may stop waiting)
    DISCREPANCY = "discrepancy"  # the system holds other values than the profile: the clerk decides each


@dataclass(frozen=True)
class HumanNeeded(Event):
    message: str
    kind: Need = Need.HUMAN


@dataclass(frozen=True)
class Blocked(Event):
    """A request or navigation to an origin the system does not own was stopped."""

    origin: str


@dataclass(frozen=True)
class RunFinished(Event):
    status: str  # a RunStatus value: succeeded | failed | needs_clerk | aborted | dry_run
    message: str = ""
    captures: dict[str, Any] = field(default_factory=dict)
