"""`clerkdesk recipe test`: a dry run against the real sandbox 人社 form in Chromium that fills everything, stops
before the submit (the sandbox records nothing), and reports what every step resolved to."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from clerkdesk.config import recipes_dir
from clerkdesk.drivers import make_driver
from clerkdesk.workbench.recipe_test import dry_run, load_for_test, report_html, sample_context
from tests.support.clerks import SandboxClerk
from tests.support.data import INSURANCE, PERSON

pytestmark = pytest.mark.browser


def cli(home: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "clerkdesk", "--home", str(home), *args], capture_output=True,
                          text=True, timeout=240, stdin=subprocess.DEVNULL, env=dict(os.environ), cwd=cwd)


def _sample(tmp_path: Path) -> Path:
    sample = tmp_path / "sample.json"
    sample.write_text(json.dumps({"person": PERSON, "case": INSURANCE}, ensure_ascii=False), encoding="utf-8")
    return sample


def test_a_dry_run_fills_everything_and_submits_nothing(desk: Any, web: Any, tmp_path: Path) -> None:
    recipe, system = load_for_test("hrss.insurance-enrollment", recipes_dir(), {"hrss": web.hrss_url})
    _, context = sample_context(json.loads(_sample(tmp_path).read_text(encoding="utf-8")))
    before = len(web.submissions("hrss"))
    res = dry_run(recipe, system, context, SandboxClerk(), make_driver, home=desk.home, clerk_name=desk.store.clerk,
                  driver_options=desk.sealing())
    assert len(web.submissions("hrss")) == before, "a dry run must never submit"
    assert res.ok and res.outcome.status == "dry_run", res.outcome.message
    assert "nothing was submitted" in res.outcome.message
    by_what = {r.what: r for r in res.rows}
    name = by_what["fill 姓名"]
    assert name.status == "ok" and name.where.endswith(":25:5")
    call = name.calls[0]
    assert call.sent == PERSON["name"] and call.read_back == PERSON["name"]
    assert call.resolved.startswith("<input") and f"in frame {web.hrss_url}" in call.resolved
    assert by_what["choose 性别"].calls[0].resolved.startswith("<input[type=radio]")  # a radio group
    # the submit was found (proof that it is there) and not clicked; the steps after it did not run
    assert res.submit is not None and res.submit.error == "" and "<button" in res.submit.resolved
    assert by_what["submit 提交"].status == "stopped"
    assert by_what["expect 受理成功"].status == "not run" and by_what["expect 受理成功"].message == "after the submit"
    assert [s for s in res.shots if "before the submit" in s.title and s.png.startswith(b"\x89PNG")]
    page = report_html(res)
    assert "nothing was submitted" in page and "data:image/png;base64," in page and "fill 姓名" in page


def test_cli_recipe_test_exits_0_with_a_report_and_1_naming_a_broken_locator(desk: Any, web: Any,
                                                                              tmp_path: Path) -> None:
    # log in once through the app layer (the kept session is the supervisor's, as for fill)
    recipe, system = load_for_test("hrss.insurance-enrollment", recipes_dir(), {"hrss": web.hrss_url})
    _, context = sample_context(json.loads(_sample(tmp_path).read_text(encoding="utf-8")))
    assert dry_run(recipe, system, context, SandboxClerk(), make_driver, home=desk.home, clerk_name=desk.store.clerk,
                   driver_options=desk.sealing()).ok
    desk.close()
    before = len(web.submissions("hrss"))
    report = tmp_path / "out" / "report.html"
    r = cli(desk.home, "recipe", "test", "hrss.insurance-enrollment", "--record", str(_sample(tmp_path)),
            "--system-url", f"hrss={web.hrss_url}", "--headless", "--report", str(report))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "nothing was submitted" in r.stdout and f"Report: {report}" in r.stdout
    assert report.exists() and json.loads(report.with_suffix(".json").read_text(encoding="utf-8"))["ok"] is True
    # the system changed: a label was renamed. The copy of the recipe fails at that step, naming it
    folder = tmp_path / "recipes"
    (folder / "hrss").mkdir(parents=True)
    (folder / "systems").mkdir()
    (folder / "systems" / "hrss.yaml").write_text((recipes_dir() / "systems" / "hrss.yaml").read_text("utf-8"),
                                                 encoding="utf-8")
    text = (recipes_dir() / "hrss" / "insurance-enrollment.yaml").read_text("utf-8")
    broken = folder / "hrss" / "insurance.yaml"
    broken.write_text(text.replace("{label: 联系电话,", "{label: 联系手机, timeout: 2,"), encoding="utf-8")
    r = cli(desk.home, "--json", "recipe", "test", str(broken), "--record", str(_sample(tmp_path)),
            "--system-url", f"hrss={web.hrss_url}", "--headless", "--report", str(tmp_path / "broken.html"))
    assert r.returncode == 1, r.stdout + r.stderr
    out = json.loads(r.stdout)
    failed = [s for s in out["steps"] if s["status"] == "failed"]
    assert [s["step"] for s in failed] == ["fill 联系手机"] and failed[0]["where"].endswith("insurance.yaml:39:5")
    assert "label 联系手机 not found" in failed[0]["message"]
    assert len(web.submissions("hrss")) == before


def test_a_recipe_without_submit_is_not_dry_run(home: Path, tmp_path: Path) -> None:
    folder = tmp_path / "recipes"
    (folder / "hrss").mkdir(parents=True)
    (folder / "systems").mkdir()
    (folder / "systems" / "hrss.yaml").write_text((recipes_dir() / "systems" / "hrss.yaml").read_text("utf-8"),
                                                 encoding="utf-8")
    (folder / "hrss" / "look.yaml").write_text("recipe: hrss.look\ntitle: 看看\nsystem: hrss\nsteps:\n"
                                               "  - open: /x\n  - click: {text: 保存}\n", encoding="utf-8")
    r = cli(home, "recipe", "test", str(folder / "hrss" / "look.yaml"), "--record", str(_sample(tmp_path)),
            "--headless")
    assert r.returncode == 2 and "has no submit step" in r.stderr and "Traceback" not in r.stderr
