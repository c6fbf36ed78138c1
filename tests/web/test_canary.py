"""`clerkdesk recipe canary`: every recipe of a set dry-run against its system; a form whose label was renamed is
flagged `changed` with the broken locator, its recipe line, a screenshot and the last date it was fine."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from clerkdesk.drivers import make_driver
from clerkdesk.workbench.canary import health, read_state, run_canary
from tests.support.local_site import QuietHandler, serve, write_system

pytestmark = pytest.mark.browser

RECIPE = """recipe: local.contact
title: 联系方式登记
system: local
steps:
  - open: /form
  - fill: {label: 姓名, value: "{{ person.name }}"}
  - fill: {label: 联系电话, value: "{{ person.phone }}", timeout: 2}
  - confirm: 请核对
  - submit: {click: {role: button, name: 提交}}
  - expect: {text: 已保存}
"""


@pytest.fixture
def site() -> Any:
    page = {"label": "联系电话"}
    posts: list[bytes] = []

    class H(QuietHandler):
        def do_GET(self) -> None:
            self.send_html(f"<!doctype html><meta charset=utf-8><form method=post action=/save><table>"
                           f"<tr><td>姓名：</td><td><input name=a></td></tr><tr><td>{page['label']}：</td>"
                           "<td><input name=b></td></tr></table><button type=submit>提交</button></form>")

        def do_POST(self) -> None:
            posts.append(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
            self.send_html("<p>已保存</p>")

    httpd, url = serve(H)
    yield url, page, posts
    httpd.shutdown()


class _NoPerson:
    def human(self, *a: Any) -> None:
        raise AssertionError("no login here")


def test_canary_flags_a_renamed_label_with_locator_screenshot_and_last_good_date(desk: Any, site: Any,
                                                                                  tmp_path: Path) -> None:
    url, page, posts = site
    folder = write_system(tmp_path / "recipes", "local", url)
    (folder / "local").mkdir()
    (folder / "local" / "contact.yaml").write_text(RECIPE, encoding="utf-8")
    samples = tmp_path / "samples"
    samples.mkdir()
    (samples / "person.json").write_text(json.dumps({"person": {"name": "测试员", "id_number": "11010519491231002X",
                                                                "phone": "13800000000"}}), encoding="utf-8")
    state = tmp_path / "state.json"
    day1 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    first = run_canary(folder, samples, tmp_path / "out", state, _NoPerson(), make_driver, home=desk.home,
                       clerk_name="t", system_urls={}, today=day1)
    assert [(v.recipe, v.status) for v in first] == [("local.contact", "ok")]
    page["label"] = "手机号码"  # the vendor renamed the field
    second = run_canary(folder, samples, tmp_path / "out", state, _NoPerson(), make_driver, home=desk.home,
                        clerk_name="t", system_urls={}, today=datetime(2026, 12, 2, 8, 0, tzinfo=UTC))
    v = second[0]
    assert v.status == "changed" and v.locator == "label 联系电话"
    assert v.step.startswith("fill 联系电话 (") and v.step.endswith("contact.yaml:7:5)")
    assert v.last_good == day1.isoformat(timespec="seconds")
    assert Path(v.screenshot).read_bytes().startswith(b"\x89PNG") and Path(v.report).is_file()
    kept = json.loads(state.read_text(encoding="utf-8"))["local.contact"]
    assert kept["status"] == "changed" and kept["last_good"].startswith("2026-12-01")
    assert kept["since"].startswith("2026-12-02")  # the app shows "changed since" this day (ui/qt_recipe_health)
    h = health(read_state(state), ["local.contact"])
    assert (h.status, h.locator, h.since, h.last_good) == ("changed", "label 联系电话", kept["since"], kept["last_good"])
    assert posts == []  # the canary never submits

    desk.close()
    r = subprocess.run([sys.executable, "-m", "clerkdesk", "--home", str(desk.home), "recipe", "canary", str(folder),
                        "--samples", str(samples), "--out", str(tmp_path / "cli"),
                        "--state", str(tmp_path / "share" / "canary.json")], capture_output=True, text=True,
                       timeout=180, stdin=subprocess.DEVNULL, env=dict(os.environ))
    assert r.returncode == 1, r.stdout + r.stderr
    assert "local.contact" in r.stdout and "changed: fill 联系电话" in r.stdout and "nothing was submitted" in r.stdout
    shared = read_state(tmp_path / "share" / "canary.json")  # what workstations read (CLERKDESK_CANARY_STATE)
    assert shared["local.contact"]["status"] == "changed"
    assert posts == []
