"""Logins (issues 14 item 2, 12 item 5, 17 item 3): one login per system per clerk session, kept per system and
origin, and an unattended login by stored credential where the system asks no captcha. Real Chromium against
the sandbox systems; the clerk's stand-in logs in as a person would (reading the training captcha)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from clerkdesk.desk import CaseRequest, FillOptions
from tests.support.clerks import SandboxClerk
from tests.support.data import EMPLOYMENT, INSURANCE, PERSON

pytestmark = pytest.mark.browser

EMP, INS = "hrss.employment-registration", "hrss.insurance-enrollment"


def test_two_matters_of_one_system_share_one_browser_and_one_login(desk: Any, web: Any, opts: Any) -> None:
    from dataclasses import replace

    from clerkdesk.drivers import make_driver

    made: list[Any] = []

    def factory(kind: str) -> Any:
        made.append(make_driver(kind))
        return made[-1]

    before = len(web.submissions("hrss"))
    clerk = SandboxClerk()
    res = desk.fill(CaseRequest("person", dict(PERSON), [EMP, INS], {**EMPLOYMENT, **INSURANCE}), clerk,
                    replace(opts, driver_factory=factory))
    assert res.ok, {k: o.message for k, o in res.outcomes.items()}
    assert len(clerk.humans) == 1  # one login (one captcha) for both 人社 matters
    assert len(made) == 1 and made[0].browser is None  # one browser (one context) for both, closed at the end
    assert [s["matter"] for s in web.submissions("hrss")[before:]] == ["employment", "insurance"]


def test_production_and_training_logins_are_kept_apart(desk: Any, web: Any, opts: Any, tmp_path: Path) -> None:
    from clerkdesk.sandbox.web import start_web_sandbox

    training = start_web_sandbox(tmp_path / "training-log", debug=True)
    try:
        train = FillOptions(headless=True, system_urls={"hrss": training.hrss_url})
        again = {"id_number": PERSON["id_number"]}
        first = SandboxClerk()
        assert desk.fill(CaseRequest("person", dict(PERSON), [INS], dict(INSURANCE)), first, opts).ok
        assert len(first.humans) == 1  # production: one login
        at_training = SandboxClerk()
        assert desk.fill(CaseRequest("person", dict(again), [INS], dict(INSURANCE)), at_training, train).ok
        assert len(at_training.humans) == 1  # the training server has its own login
        back = SandboxClerk()
        assert desk.fill(CaseRequest("person", dict(again), [INS], dict(INSURANCE)), back, opts).ok
        assert back.humans == []  # the production login was not replaced by the training one
        assert len(training.submissions("hrss")) == 1
        kept = sorted(p.name for p in (desk.home / "sessions").rglob("hrss@*.bin"))
        assert len(kept) == 2, kept
    finally:
        training.stop()
