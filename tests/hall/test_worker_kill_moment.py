"""The worker's browser dies at any moment of a job: generated kill moments against the fake system.

The real worker (``hall.queue.fill``: its lane, its one retry, its clerk that never decides an uncertain submit),
the real engine and store (SQLite); only the system and the browser are fakes (``tests/support/fake_system.py``):
at the K-th driver call the browser "dies" — the lane's browser is reported gone, as the /proc probe reports a
SIGKILLed Chromium, and the call fails as Playwright's does. For every K:

- dead before the submit was armed: the job runs again at once and files the record exactly once;
- dead from the arming on (the guard cannot know whether the click went out): the run goes to a person
  (``needs_clerk``) and the job delivered again sends nothing;
- dead after the system's answer was seen (``confirmed``): recorded once, and nothing is sent again;
- never more than one record and one click in the system.

The real Chromium version of both sides is ``test_worker_browser_loss.py``.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clerkdesk.recipe.driver import DriverError
from tests.support.fake_system import FakeDriver, World
from tests.support.hall import back_office_desk, close_back_office, queue_fake_case

_n = itertools.count(1)


class _Gone:
    """The dead browser the lane holds (what ``Lender.lost`` looks at)."""

    def close(self) -> None:
        pass


class DyingBrowserDriver(FakeDriver):
    """The fake system through a browser that dies at the world's ``kill_at``-th driver call (once)."""

    def tick(self) -> None:
        from clerkdesk.drivers.web.shared import lender

        w = self.w
        if not getattr(w, "killed", None) and w.calls + 1 == getattr(w, "kill_at", 0):
            w.calls += 1
            lend = lender()
            assert lend is not None, "the job does not run in a worker lane"
            lend._browser, lend.unhealthy = _Gone(), "the browser process is gone"
            w.killed = w.state_at_kill()  # type: ignore[attr-defined]
            raise DriverError("Target page, context or browser has been closed", retryable=False)
        super().tick()


@pytest.fixture(scope="module")
def hall(tmp_path_factory: pytest.TempPathFactory) -> Any:
    desk = back_office_desk(tmp_path_factory.mktemp("kill-moment"))
    yield desk
    close_back_office(desk)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kill_at=st.integers(1, 12))
def test_a_browser_dying_at_any_call_is_retried_before_the_submit_and_never_submitted_twice(
        hall: Any, kill_at: int, monkeypatch: pytest.MonkeyPatch) -> None:
    from clerkdesk.hall import queue as q

    desk = hall
    world = World([])
    world.kill_at = kill_at  # type: ignore[attr-defined]
    world.killed = None  # type: ignore[attr-defined]
    rid, _cid, idn = queue_fake_case(desk, lambda: DyingBrowserDriver(world), monkeypatch, next(_n))
    world.state_at_kill = lambda: desk.store.runs.get(rid).submit_state  # type: ignore[attr-defined]

    out = q.fill(rid)
    killed = world.killed  # type: ignore[attr-defined]
    assert len(world.ledger) <= 1 and len(world.clicks) <= 1, world
    if killed in (None, "none"):  # never died, or died before the submit: filed once, by this one job
        assert out["status"] == "succeeded", (kill_at, killed, out)
        assert world.ledger == [idn] and world.clicks == [idn], world
    elif killed == "confirmed":  # died after the system's answer was seen: recorded once, nothing sent again
        assert out["status"] != "succeeded" or out["receipt"], out
        again = q.fill(rid)
        assert world.ledger == [idn] and world.clicks == [idn], (world, again)
    else:  # died with the submit armed or out: a person checks the system; nothing is sent again
        assert out["status"] == "needs_clerk", (kill_at, killed, out)
        again = q.fill(rid)
        assert again["status"] == "needs_clerk", again
        assert len(world.clicks) <= 1 and len(world.ledger) <= 1, world
    from clerkdesk.hall.browsers import BROWSERS

    lend = BROWSERS.lender("fake@")
    if lend is not None:  # what the next lend does with a dead browser: it is not lent again
        lend.unhealthy, lend._browser = "", None
