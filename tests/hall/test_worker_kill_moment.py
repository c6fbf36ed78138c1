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
from clerkdesk.records.standards import id_check_digit
from tests.support.fake_system import FILL_RECIPE as RECIPE
from tests.support.fake_system import SYSTEM, FakeDriver, World

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
    from clerkdesk.desk import Desk
    from clerkdesk.hall import queue as q
    from clerkdesk.recipe.catalog import Catalog

    root = tmp_path_factory.mktemp("kill-moment")
    rec = root / "recipes"
    (rec / "systems").mkdir(parents=True)
    (rec / "fake").mkdir()
    (rec / "systems" / "fake.yaml").write_text(SYSTEM, encoding="utf-8")
    (rec / "fake" / "r.yaml").write_text(RECIPE, encoding="utf-8")
    desk = Desk(root / "home", "backoffice-1")
    desk.session.catalog = Catalog(rec)
    q.configure(q.WorkerSettings(home=root / "home"))
    yield desk
    q.configure(q.WorkerSettings())
    desk.close()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kill_at=st.integers(1, 12))
def test_a_browser_dying_at_any_call_is_retried_before_the_submit_and_never_submitted_twice(
        hall: Any, kill_at: int, monkeypatch: pytest.MonkeyPatch) -> None:
    import clerkdesk.hall._app as app
    from clerkdesk.desk import CaseRequest, FillOptions
    from clerkdesk.hall import queue as q

    desk = hall
    world = World([])
    world.kill_at = kill_at  # type: ignore[attr-defined]
    world.killed = None  # type: ignore[attr-defined]
    opts = FillOptions(driver_factory=lambda kind: DyingBrowserDriver(world), timeout_factor=0.002, answer_wait=0)
    monkeypatch.setattr(app, "fill_options", lambda **kw: opts)
    monkeypatch.setattr(q, "_the_desk", lambda: desk)
    n = next(_n)
    body = f"110105198003{n % 28 + 1:02d}{n // 28:03d}"
    idn = body + id_check_digit(body)
    res, _plan = desk.open_case(CaseRequest("person", {"name": "测试", "id_number": idn}, ["fake.r"], {}), opts)
    rid = res.runs["fake.r"]
    desk.store.runs.release(rid)  # queued for the back office
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
