"""The desktop driver's pixel polls follow the polling rule (``recipe.driver.Patience``): a grab that began in time
but took long (a starved client, a CPU shared with other work) does not end the wait; the answer comes from a grab
begun at or after the deadline. Real time, a slow grab: no X screen needed."""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from clerkdesk.drivers.desktop.view import wait_change, wait_stable

A = np.zeros((4, 4, 3), np.uint8)
B = np.full((4, 4, 3), 9, np.uint8)


def _grabs(*frames: np.ndarray, slow: float = 0.0) -> tuple[list[float], Callable[[], np.ndarray]]:
    """A grab function showing FRAMES in turn (the last one from then on); the first grab takes SLOW seconds."""
    began: list[float] = []

    def grab() -> np.ndarray:
        began.append(time.monotonic())
        if len(began) == 1:
            time.sleep(slow)
        return frames[min(len(began), len(frames)) - 1]

    return began, grab


def test_a_change_after_a_slow_grab_is_still_seen() -> None:
    # the first grab takes longer than the whole wait; the client changed meanwhile: seen by the grab after it
    began, grab = _grabs(A, B, slow=0.3)
    start = time.monotonic()
    assert wait_change(grab, A, 0.1)
    assert len(began) == 2 and began[1] >= start + 0.1


def test_no_change_is_said_only_after_a_grab_begun_at_the_deadline() -> None:
    began, grab = _grabs(A)
    start = time.monotonic()
    assert not wait_change(grab, A, 0.2)
    assert began[-1] >= start + 0.2 and began[-2] < start + 0.2
    assert time.monotonic() - start < 0.2 + 0.15  # no pause past the deadline beyond one grab


def test_a_frame_still_drawing_when_the_wait_ran_out_is_grabbed_again() -> None:
    # the first frame (half drawn) took the whole wait: the frame returned is one grabbed after the deadline
    began, grab = _grabs(A, B, B, slow=0.3)
    start = time.monotonic()
    got = wait_stable(grab, 0.1, interval=0.02)
    assert np.array_equal(got, B) and began[-1] >= start + 0.1


def test_a_settled_frame_is_returned_at_once() -> None:
    began, grab = _grabs(A, B, B, B)
    assert np.array_equal(wait_stable(grab, 5.0, interval=0.01), B)
    assert len(began) == 3
