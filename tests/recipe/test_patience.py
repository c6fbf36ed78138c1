"""Patience: every poll of a system's screen says "not there" only after a look that began at the deadline or
later — whatever each look costs (an OCR starved of CPU can take longer than the whole timeout)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from clerkdesk.recipe.driver import Patience


class Clock:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[tuple[float, float]] = []  # (when, how long)

    def __call__(self) -> float:
        return self.now

    def sleep(self, s: float) -> None:
        assert s >= 0
        self.slept.append((self.now, s))
        self.now += s


def poll(timeout: float, interval: float, costs: list[float], shows_at: float | None) -> tuple[bool, list[float], Clock, Patience]:
    """Look until the thing is seen; a look sees it if it is shown when the look begins (the screenshot), then
    costs the next of COSTS (cycled). Returns (seen, the looks' start times, the clock, the patience)."""
    clock = Clock()
    p = Patience(timeout, clock=clock, sleep=clock.sleep)
    began: list[float] = []
    for n in p.looks(interval):
        began.append(clock.now)
        seen = shows_at is not None and clock.now >= shows_at
        clock.now += costs[n % len(costs)]
        if seen:
            return True, began, clock, p
        assert n < 10_000, "the poll never ends"
    return False, began, clock, p


times = st.floats(min_value=0.0, max_value=30.0, allow_nan=False)


@settings(max_examples=400, deadline=None)
@given(timeout=times, interval=st.floats(min_value=0.01, max_value=2.0), costs=st.lists(times, min_size=1, max_size=6),
       shows=st.one_of(st.none(), st.floats(min_value=0.0, max_value=60.0)))
def test_not_there_only_after_a_look_that_began_at_the_deadline(timeout: float, interval: float,
                                                                 costs: list[float], shows: float | None) -> None:
    shows_at = None if shows is None else 100.0 + shows
    seen, began, clock, p = poll(timeout, interval, costs, shows_at)
    if not seen:
        assert began[-1] >= p.end  # the last look began at the deadline or later
        assert all(b < p.end for b in began[:-1])  # and it is the only one: no look wasted past the deadline
        assert shows_at is None or shows_at > began[-1]  # it was not on the screen at any look
    if shows_at is not None and shows_at <= p.end:
        assert seen  # shown within the timeout: always seen, however slow each look was
    for when, s in clock.slept:
        assert when + s <= p.end + 1e-9  # a pause never reaches past the deadline
    cheap = all(c == 0 for c in costs)
    if cheap:
        assert len(began) <= timeout / interval + 2


def test_a_first_look_longer_than_the_timeout_is_followed_by_one_more() -> None:
    # a first OCR of the window that takes longer than the step's 10 s (the models loading on a busy machine),
    # on a screen still being drawn: the toolbar is there by the time it ends, and the next look sees it
    seen, began, _, _ = poll(10.0, 0.15, [12.0, 0.5], shows_at=101.0)
    assert seen and began == [100.0, 112.0]


def test_nothing_shown_ends_right_after_the_deadline() -> None:
    seen, began, clock, p = poll(1.0, 0.15, [0.0], shows_at=None)
    assert not seen and began[-1] == p.end and clock.now == p.end
