"""The states of a run and of its submit: one definition for the engine, the store, the shells and the docs.

A run is one recipe filled into one target system. Its *submit* is the one irreversible action in it; the
guard that makes "never filed twice" true is a state machine over the submit, owned by the engine and stored
with the run, whatever depth the ``submit`` step sits at in the recipe::

    none ──arm──▶ armed ──click sent──▶ clicked ──answer seen (expect/capture)──▶ confirmed
      ▲             │                      │
      │             │ nothing sent         │ answer not readable (error page, detached frame, closed
      └─────────────┘ (driver's promise)   │ window, crash, kill, the clerk stopped waiting)
      ▲                                    ▼
      └──── clerk: "not recorded" ──── uncertain ──── clerk: "recorded" (receipt) ──▶ confirmed
      ▲                                    │
      └──── the system's own rejection ────┘ (its validation message on the form page: rejected)

``armed`` is written *before* the click: a process that dies between the write and the click leaves
``armed``, which is treated exactly like ``uncertain`` (nobody can know whether the click went out).
"""

from __future__ import annotations

from enum import StrEnum


class SubmitState(StrEnum):
    NONE = "none"  # no submit yet (or the clerk said the last one was not recorded)
    ARMED = "armed"  # recorded before the click; the click may or may not have been sent
    CLICKED = "clicked"  # the click was sent; the system's answer is not seen yet
    CONFIRMED = "confirmed"  # the answer was seen (an expect or capture after the click) or the clerk said so
    UNCERTAIN = "uncertain"  # the click was (or may have been) sent and nobody saw the answer: the clerk decides

    @property
    def unsettled(self) -> bool:
        """A submit that may have reached the system with no answer seen: only the clerk can settle it."""
        return self in (SubmitState.ARMED, SubmitState.CLICKED, SubmitState.UNCERTAIN)

    @classmethod
    def of(cls, value: str) -> SubmitState:
        """Read a stored state; the names of schema 4 and before map onto the new ones."""
        return cls(_LEGACY.get(value, value))


_LEGACY = {"pending": "armed", "done": "confirmed"}


class RunStatus(StrEnum):
    PLANNED = "planned"  # stored with its case; nothing ran yet
    RUNNING = "running"  # a process holds the run's lease and is running it
    PAUSED = "paused"
    NEEDS_CLERK = "needs_clerk"  # stopped for the clerk: an uncertain submit, a login, a confirmation
    FAILED = "failed"  # stopped on an error; the submit was not sent (resume fills again)
    SUCCEEDED = "succeeded"  # the submit's answer was seen (or the clerk said it was recorded)
    ABORTED = "aborted"  # the clerk stopped it
    DRY_RUN = "dry_run"  # a supervisor's test run: everything up to the submit, which was not clicked
    SUPERSEDED = "superseded"  # a newer case took its matter over (it died with nothing submitted): never resumed
    INTERRUPTED = "interrupted"  # shown only: RUNNING in the store but its process is gone (kill, crash, power)
    QUEUED = "queued"  # shown only: a desktop run waiting for the one screen and keyboard

    @property
    def final(self) -> bool:
        return self in (RunStatus.SUCCEEDED, RunStatus.DRY_RUN, RunStatus.SUPERSEDED)


class CaseStatus(StrEnum):
    """A case's status, settled from its runs' (``RunStatus``) after each of them."""

    OPEN = "open"  # captured; no run has finished yet
    RUNNING = "running"  # some run is planned, running or paused
    DONE = "done"  # every run succeeded
    NEEDS_CLERK = "needs_clerk"  # a run waits for the clerk (an uncertain submit, a login)
    FAILED = "failed"  # a run failed or was aborted (and none waits for the clerk)
    CLOSED = "closed"  # every run was superseded by a newer case: nothing left to do here


# What the clerk reads, in the shells and in `clerkdesk runs` (one source).
SUBMIT_WORDS = {
    SubmitState.NONE: ("未提交", "not submitted"),
    SubmitState.ARMED: ("提交结果不确定", "submit outcome unknown"),
    SubmitState.CLICKED: ("已提交，等待系统答复", "submitted, waiting for the answer"),
    SubmitState.CONFIRMED: ("已记录", "recorded"),
    SubmitState.UNCERTAIN: ("提交结果不确定", "submit outcome unknown"),
}

__all__ = ["SUBMIT_WORDS", "CaseStatus", "RunStatus", "SubmitState"]
