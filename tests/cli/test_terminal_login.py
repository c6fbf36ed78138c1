"""At a terminal, a login goes on by itself once the system shows it done (no Enter needed), Enter still
works, and an ended input stops the run (issue 12 item 5). Real pipes and select, no browser needed."""

from __future__ import annotations

import os
import sys
import threading
import time
from typing import Any

import pytest

from clerkdesk.cli.run import _enter_or_done

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="select on a pipe: POSIX")


def _stdin(monkeypatch: Any) -> int:
    r, w = os.pipe()
    monkeypatch.setattr(sys, "stdin", os.fdopen(r, "r"))
    return w


def test_the_login_seen_done_needs_no_enter(monkeypatch: Any) -> None:
    _stdin(monkeypatch)
    t0 = time.monotonic()
    _enter_or_done("press Enter", lambda: time.monotonic() - t0 > 0.6)
    assert 0.6 <= time.monotonic() - t0 < 5


def test_enter_still_goes_on(monkeypatch: Any) -> None:
    w = _stdin(monkeypatch)
    threading.Timer(0.3, lambda: os.write(w, b"\n")).start()
    t0 = time.monotonic()
    _enter_or_done("press Enter", lambda: False)
    assert time.monotonic() - t0 < 5


def test_an_ended_input_stops(monkeypatch: Any) -> None:
    w = _stdin(monkeypatch)
    os.close(w)
    with pytest.raises(EOFError):
        _enter_or_done("press Enter", lambda: False)
