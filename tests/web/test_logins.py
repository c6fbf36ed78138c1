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


# --- logins by stored credential ---------------------------------------------------------------------------
SECRET = "Pw-4-unattended"


def _store(desk: Any, web: Any, password: str = SECRET) -> None:
    from clerkdesk.recipe.systems import origin_of

    desk.runs.credentials.set("hrss", origin_of(web.hrss_url), "clerk01", password)


def test_an_unattended_fill_logs_in_by_stored_credential(desk: Any, web: Any, opts: Any) -> None:
    """A back-office worker's clerk (nobody at the screen) on a system without captcha: the recipe's login
    step types the stored credential; the password reaches no confirm, no run log, no file in plain text."""
    from clerkdesk.hall.queue import BackOfficeClerk

    web.set_fault("hrss", "no_captcha", password=SECRET)
    _store(desk, web)
    clerk = BackOfficeClerk()
    before = len(web.submissions("hrss"))
    res = desk.fill(CaseRequest("person", dict(PERSON), [INS], dict(INSURANCE)), clerk, opts)
    out = res.outcomes[INS]
    assert out.status == "succeeded", out.message
    assert clerk.handed_back == [] and len(web.submissions("hrss")) == before + 1
    events = desk.store.runs.events(res.runs[INS])
    assert SECRET not in repr(events) and any("stored credential" in repr(e) for e in events)
    for f in (desk.home / "credentials").iterdir():
        assert SECRET.encode() not in f.read_bytes(), f  # sealed with the store's key


def test_a_captcha_still_stops_for_a_person(desk: Any, web: Any, opts: Any) -> None:
    """With a credential stored, a login page that shows a captcha is left to a person: the worker hands the
    run back; at the counter the clerk logs in."""
    from clerkdesk.hall.queue import BackOfficeClerk

    _store(desk, web)
    worker = BackOfficeClerk()
    res = desk.fill(CaseRequest("person", dict(PERSON), [INS], dict(INSURANCE)), worker, opts)
    assert res.outcomes[INS].status == "needs_clerk"
    assert worker.handed_back == ["请在人社系统登录页输入用户名、密码和验证码并登录"]
    assert any("captcha shown" in repr(e) for e in desk.store.runs.events(res.runs[INS]))
    clerk = SandboxClerk()
    assert desk.resume(res.runs[INS], clerk, opts).status == "succeeded"
    assert clerk.humans == ["请在人社系统登录页输入用户名、密码和验证码并登录"]


def test_a_refused_credential_hands_the_login_to_a_person(desk: Any, web: Any, opts: Any) -> None:
    web.set_fault("hrss", "no_captcha", password=SECRET)
    _store(desk, web, "an-old-password")
    clerk = SandboxClerk()

    def person_logs_in(info: Any, message: str, driver: Any, check: Any) -> None:
        clerk.humans.append(message)
        page = driver.page
        page.fill("input[name=username]", "clerk01")
        page.fill("input[name=password]", SECRET)
        with page.expect_navigation():
            page.click("button[type=submit]")

    clerk.human = person_logs_in  # type: ignore[method-assign]
    res = desk.fill(CaseRequest("person", dict(PERSON), [INS], dict(INSURANCE)), clerk, opts)
    assert res.outcomes[INS].status == "succeeded", res.outcomes[INS].message
    assert len(clerk.humans) == 1
    assert all("an-old-password" not in v for _, vals in clerk.confirms for _, v in vals)


def test_cli_login_set_then_a_batch_fill_runs_unattended(desk: Any, web: Any, tmp_path: Path) -> None:
    """`clerkdesk login set` (password on stdin, never on the command line), then a batch `fill --yes`
    without a terminal logs in by itself; `login forget` brings the person back."""
    import json
    import os
    import subprocess
    import sys

    def cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "clerkdesk", "--home", str(desk.home), *args], input=stdin,
                              capture_output=True, text=True, timeout=180, env=dict(os.environ))

    web.set_fault("hrss", "no_captcha", password=SECRET)
    desk.close()
    r = cli("login", "set", "hrss", "--origin", web.hrss_url, "--user", "clerk01", "--password-stdin",
            stdin=SECRET + "\n")
    assert r.returncode == 0, r.stderr
    assert SECRET not in r.stdout + r.stderr
    r = cli("--json", "login", "list")
    assert json.loads(r.stdout)[0]["system"] == "hrss" and SECRET not in r.stdout
    record = tmp_path / "record.json"
    record.write_text(json.dumps({"person": PERSON, "case": INSURANCE}, ensure_ascii=False), encoding="utf-8")
    fill = ["fill", "--record", str(record), "--target", INS, "--yes", "--system-url", f"hrss={web.hrss_url}"]
    r = cli(*fill)
    assert r.returncode == 0, r.stdout + r.stderr
    assert SECRET not in r.stdout + r.stderr
    assert cli("login", "forget", "hrss", "--origin", web.hrss_url).returncode == 0
    for p in (desk.home / "sessions").rglob("*.bin"):
        p.unlink()  # the kept login gone too: now a person must act
    r = cli(*fill)
    assert r.returncode == 1 and "a person must act" in r.stdout


def test_a_recipe_test_runs_unattended_by_stored_credential(desk: Any, web: Any, tmp_path: Path) -> None:
    """What a canary does (`recipe test` of every recipe, nobody at the screen): the login by stored credential
    lets it reach the form; nothing is submitted."""
    from clerkdesk.config import recipes_dir
    from clerkdesk.drivers import make_driver
    from clerkdesk.errors import HumanNeeded
    from clerkdesk.workbench.recipe_test import dry_run, load_for_test, sample_context

    class Nobody(SandboxClerk):
        def human(self, info: Any, message: str, driver: Any, check: Any) -> None:
            raise HumanNeeded(f"a person must act: {message}")

    web.set_fault("hrss", "no_captcha", password=SECRET)
    _store(desk, web)
    recipe, system = load_for_test(INS, recipes_dir(), {"hrss": web.hrss_url})
    _, context = sample_context({"person": PERSON, "case": INSURANCE})
    before = len(web.submissions("hrss"))
    res = dry_run(recipe, system, context, Nobody(), make_driver, home=desk.home, clerk_name=desk.store.clerk,
                  driver_options=desk.sealing())
    assert res.ok and res.outcome.status == "dry_run", res.outcome.message
    assert len(web.submissions("hrss")) == before
    from clerkdesk.workbench.recipe_test import report_html

    assert SECRET not in report_html(res)  # the report shows what each step sent: never the credential


def test_browser_windows_open_at_once_are_cascaded(desk: Any, web: Any, display: str, monkeypatch: Any) -> None:
    """Two systems' browsers open side by side (headed, on Xvfb): the second window is placed down and right of
    the first, so neither hides the other's title bar or login form."""
    from clerkdesk.drivers import make_driver
    from clerkdesk.drivers.web.shared import share_key, shared_browsers
    from clerkdesk.recipe.driver import DriverContext

    monkeypatch.setenv("DISPLAY", display)
    systems = desk.systems_for(FillOptions(system_urls={"hrss": web.hrss_url, "amr": web.amr_url}))
    places = []
    with shared_browsers() as pool:
        for sid in ("hrss", "amr"):
            d = pool.driver_for(share_key("clerk", systems[sid], False), lambda: make_driver("web"))
            d.start(DriverContext(system=systems[sid], home=desk.home, clerk="clerk", headless=False))
            places.append(d.page.evaluate("() => [window.screenX, window.screenY]"))
        assert [d.slot for d in pool.drivers.values()] == [0, 1]
    (x0, y0), (x1, y1) = places
    assert x1 - x0 >= 48 and y1 - y0 >= 32, places


@pytest.mark.parametrize(("recipe_id", "kind", "case"), [("amr.enterprise-change", "enterprise", "change"),
                                                         ("amr.individual-business-opening", "person", "opening")])
def test_the_amr_recipes_log_in_by_stored_credential(desk: Any, web: Any, recipe_id: str, kind: str,
                                                     case: str) -> None:
    """The 市场监管 system asks no captcha: its recipes' login step types a stored credential (its button reads
    登 录, found as 登录) and a dry run reaches the form with nobody at the screen."""
    from clerkdesk.config import recipes_dir
    from clerkdesk.drivers import make_driver
    from clerkdesk.errors import HumanNeeded
    from clerkdesk.recipe.systems import origin_of
    from clerkdesk.workbench.recipe_test import dry_run, load_for_test, sample_context
    from tests.support.data import CHANGE, ENTERPRISE, OPENING

    class Nobody(SandboxClerk):
        def human(self, info: Any, message: str, driver: Any, check: Any) -> None:
            raise HumanNeeded(f"a person must act: {message}")

    desk.runs.credentials.set("amr", origin_of(web.amr_url), "clerk01", SECRET)
    recipe, system = load_for_test(recipe_id, recipes_dir(), {"amr": web.amr_url})
    record = {"enterprise": ENTERPRISE, "case": CHANGE} if kind == "enterprise" else {"person": PERSON, "case": OPENING}
    _, context = sample_context(record)
    before = len(web.submissions("amr"))
    res = dry_run(recipe, system, context, Nobody(), make_driver, home=desk.home, clerk_name=desk.store.clerk,
                  driver_options=desk.sealing())
    assert res.ok and res.outcome.status == "dry_run", res.outcome.message
    assert len(web.submissions("amr")) == before
    assert any(c.action == "click" and c.locator == "role='button', name='登录'" for r in res.rows for c in r.calls)
