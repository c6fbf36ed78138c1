"""Faults a test or a trainer injects into a running sandbox system."""

from __future__ import annotations

import threading
from typing import Any

FAULTS = {
    "slow": "every response is delayed by ms milliseconds (default 1500)",
    "submit500": "a submit answers HTTP 500 and records nothing",
    "submit500_recorded": "a valid submit is recorded, then answered with HTTP 500",
    "expire": "every session open at that moment is expired; the next page shows the login timeout",
    "layout": "a changed layout: the name label is renamed and the fields are shuffled",
    "slow_submit": "a submit is held ms milliseconds (default 5000) before it is recorded and answered",
    "hang_submit": "a valid submit is recorded and then never answered: the request is held open for ms milliseconds "
                   "(default 600000) or until the faults are cleared",
    "reject_submit": "a submit is answered with the form's own validation errors and not recorded",
    "no_captcha": "the login page asks no captcha (a system that logs in by password alone); with password=P only "
                  "that password is accepted",
}


class FaultError(ValueError):
    """An unknown fault name or a bad parameter."""


class Faults:
    """The active faults of one system: name → parameters. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._active: dict[str, dict[str, Any]] = {}
        self._cleared = threading.Event()  # set by clear(): releases the requests a hang_submit holds

    def set(self, fault: str, **params: Any) -> None:
        if fault not in FAULTS:
            raise FaultError(f"unknown fault {fault!r}; known: {', '.join(FAULTS)}")
        if "times" in params and (not isinstance(params["times"], int) or params["times"] < 1):
            raise FaultError("times must be a positive integer")
        if fault in ("slow", "slow_submit", "hang_submit"):
            ms = params.setdefault("ms", {"slow": 1500, "slow_submit": 5000}.get(fault, 600_000))
            if not isinstance(ms, int | float) or ms < 0:
                raise FaultError("slow: ms must be a non-negative number")
        with self._lock:
            self._active[fault] = dict(params)

    def clear(self) -> None:
        with self._lock:
            self._active.clear()
            self._cleared.set()
            self._cleared = threading.Event()

    def hold(self, seconds: float) -> None:
        """Block the calling request for SECONDS, or until the faults are cleared (a system that never answers)."""
        with self._lock:
            cleared = self._cleared
        cleared.wait(seconds)

    def get(self, fault: str) -> dict[str, Any] | None:
        with self._lock:
            params = self._active.get(fault)
            return None if params is None else dict(params)

    def take(self, fault: str) -> dict[str, Any] | None:
        """Like get, but counts one use of a fault set with times=N (cleared after the Nth)."""
        with self._lock:
            params = self._active.get(fault)
            if params is None:
                return None
            if "times" in params:
                params["times"] -= 1
                if params["times"] <= 0:
                    del self._active[fault]
            return dict(params)

    def active(self) -> dict[str, dict[str, Any]]:
        with self._lock:
            return {k: dict(v) for k, v in self._active.items()}
