"""Run events, past tense. Shells subscribe; messages hold no citizen values."""

from __future__ import annotations

from dataclasses import dataclass, field
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


@dataclass(frozen=True)
class HumanNeeded(Event):
    message: str
    kind: str = "human"  # human | confirm | uncertain_submit | session_expired


@dataclass(frozen=True)
class Blocked(Event):
    """A request or navigation to an origin the system does not own was stopped."""

    origin: str


@dataclass(frozen=True)
class RunFinished(Event):
    status: str  # succeeded | failed | needs_clerk | aborted
    message: str = ""
    captures: dict[str, Any] = field(default_factory=dict)
