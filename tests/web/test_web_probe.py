"""`clerkdesk recipe probe --url`: a page built like the ones supervisors met (a table layout, a frame, split date
selects, a label used twice, a radio group, a hidden tab), probed in real Chromium. The proposed locators are
checked the strongest way: the draft recipe lints clean and a dry run of it fills every control of the page."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from probe_pages import BARE, EXTRA, FORM, PICK, NoLogin, probe_system

from clerkdesk.drivers import make_driver
from clerkdesk.recipe.lint import lint_paths
from clerkdesk.workbench.recipe_test import dry_run, load_for_test
from clerkdesk.workbench.web_probe import draft_recipe, listing, probe_url
from tests.support.local_site import QuietHandler, serve

pytestmark = pytest.mark.browser

@pytest.fixture
def site() -> Any:
    posts: list[bytes] = []

    class H(QuietHandler):
        def do_GET(self) -> None:
            self.send_html({"/extra": EXTRA, "/bare": BARE, "/pick": PICK}.get(self.path, FORM))

        def do_POST(self) -> None:
            posts.append(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
            self.send_html("<p>已保存</p>")

    httpd, url = serve(H)
    yield url, posts
    httpd.shutdown()


def test_probe_proposes_verified_locators_and_a_draft_that_fills_the_page(desk: Any, site: Any,
                                                                         tmp_path: Path) -> None:
    url, posts = site
    folder = tmp_path / "recipes"
    system = probe_system(folder, url)
    res = probe_url(f"{url}/form", system, home=desk.home, clerk="t")
    by = {(c.frame, c.name): c for c in res.controls}
    assert by[("", "txt_01")].locator == {"label": "姓名"} and by[("", "txt_01")].kind == "fill"
    sex = by[("", "xb")]
    assert sex.kind == "radio" and sex.locator == {"label": "性别"}
    assert [o["text"] for o in sex.options] == ["男", "女"]
    assert by[("", "y")].locator == {"label": "出生日期"}
    assert by[("", "m")].locator == {"css": 'select[name="m"]'} and by[("", "m")].label is None  # no label reaches it
    assert by[("", "txt_04")].kind == "choose" and {"value": "1", "text": "农业户口"} in by[("", "txt_04")].options
    assert by[("", "tel1")].locator == {"label": "电话"} and by[("", "tel2")].locator == {"label": "电话", "nth": 1}
    assert by[("", "start")].kind == "date" and by[("", "start")].locator == {"label": "开始日期"}
    assert by[("", "agree")].kind == "check" and by[("", "agree")].locator == {"label": "同意授权"}
    assert by[("", "memo")].visible is False
    assert by[("name=extra", "org")].locator == {"label": "单位名称"}
    assert "提 交" in res.buttons and "name=extra" in res.frames
    assert res.png.startswith(b"\x89PNG")
    # the draft: lints clean against the system, and a dry run of it fills every visible control
    text = draft_recipe(res, "newsys", "/form", dict(system.codes))
    assert "choose: {label: 户口性质, value: \"{{ person.hukou_type | code('hukou_type') }}\"}" in text
    assert "submit: {click: {role: button, name: \"提 交\"}}" in text
    text = text.replace("  - fill: {label: 备注", "  # - fill: {label: 备注")  # on a tab the draft cannot open
    draft = folder / "newsys" / "new-matter.yaml"  # where its id (newsys.new-matter) says: lint is silent
    draft.parent.mkdir()
    draft.write_text(text, encoding="utf-8")
    found = [str(e) for e in lint_paths([draft], folder)]
    # the one thing a draft cannot know: what the system answers after its submit; lint says to add it
    assert [e for e in found if "nothing after this submit checks the system's answer" not in e] == [], text
    assert len(found) == ("submit:" in text), found
    recipe, sys_ = load_for_test(str(draft), folder, {})
    assert "choose: {label: 出生日期, value: \"{{ person.birth_date | date('%Y') }}\"}" in text
    case = {f"field{c.number}": v for c, v in [(by[("", "tel1")], "13800000000"), (by[("", "tel2")], "13900000000"),
                                               (by[("", "start")], "2026-12-01"), (by[("", "memo")], "无"),
                                               (by[("name=extra", "org")], "某单位")]}
    context = {"person": {"name": "王小明", "sex": "1", "hukou_type": "rural", "birth_date": "1990-02-28"},
               "case": case}
    out = dry_run(recipe, sys_, context, NoLogin(), make_driver, home=desk.home, clerk_name="t")
    assert out.ok, [(r.what, r.message) for r in out.rows if r.status == "failed"]
    sent = {c.locator: (c.sent, c.read_back) for r in out.rows for c in r.calls if c.action in ("fill", "choose")}
    assert sent["label 电话, nth=1"] == ("13900000000", "13900000000")
    assert sent["css='select[name=\"d\"]'"][0] == "28" and sent["label 出生日期"][0] == "1990"
    assert posts == []  # nothing was submitted


def test_cli_probe_url_prints_controls_and_yaml(desk: Any, site: Any, tmp_path: Path) -> None:
    url, _ = site
    desk.close()
    env = dict(os.environ)
    r = subprocess.run([sys.executable, "-m", "clerkdesk", "--home", str(desk.home), "recipe", "probe", "--url",
                        f"{url}/form", "--headless", "--out", str(tmp_path / "p.png"), "--json"],
                       capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL, env=env)
    assert r.returncode == 0, r.stderr
    got = json.loads(r.stdout)
    assert {"label": "姓名"} in [c["locator"] for c in got["controls"]]
    assert (tmp_path / "p.png").read_bytes().startswith(b"\x89PNG")
    r = subprocess.run([sys.executable, "-m", "clerkdesk", "--home", str(desk.home), "recipe", "probe", "--url",
                        f"{url}/form", "--headless", "--out", str(tmp_path / "p.png"), "--yaml"],
                       capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL, env=env)
    assert r.returncode == 0 and r.stdout.startswith("# draft") and "  - open: /form" in r.stdout
    r = subprocess.run([sys.executable, "-m", "clerkdesk", "--home", str(desk.home), "recipe", "probe"],
                       capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL, env=env)
    assert r.returncode == 2 and "--window TITLE" in r.stderr
    # a page that opens a popup: the popup's controls and buttons, under a window heading
    r = subprocess.run([sys.executable, "-m", "clerkdesk", "--home", str(desk.home), "recipe", "probe", "--url",
                        f"{url}/bare", "--headless", "--out", str(tmp_path / "p.png")],
                       capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL, env=env)
    assert r.returncode == 0 and "popup windows: title=地址选择" in r.stdout, r.stdout + r.stderr
    lines = r.stdout.splitlines()
    assert "详细地址" in lines[lines.index("window: {title: 地址选择}") + 1]
    r = subprocess.run([sys.executable, "-m", "clerkdesk", "--home", str(desk.home), "recipe", "probe", "--url",
                        f"{url}/bare", "--headless", "--out", str(tmp_path / "p.png"), "--json"],
                       capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL, env=env)
    got = json.loads(r.stdout)
    assert got["windows"] == [{"window": "title=地址选择", "buttons": ["确定"]}]
    assert [c["locator"] for c in got["controls"] if c["window"]] == [{"label": "详细地址"}]


def test_probe_finds_bare_text_labels_and_lists_popup_windows(desk: Any, site: Any, tmp_path: Path) -> None:
    url, posts = site
    folder = tmp_path / "recipes"
    system = probe_system(folder, url)
    res = probe_url(f"{url}/bare", system, home=desk.home, clerk="t")
    by = {c.name: c for c in res.controls}
    # bare text inside a fieldset or form, no <label>: ClerkDesk's own label search reaches the control after it
    assert by["zip"].locator == {"label": "邮编"} and by["addr"].locator == {"label": "地址"}
    assert by["worktel"].locator == {"label": "单位电话"}
    # the popup the page opened: its controls under a window heading, reached by a `window` step in the draft
    assert res.windows == ["title=地址选择"] and by["detail"].window == "title=地址选择"
    assert by["detail"].locator == {"label": "详细地址"} and by["zip"].window == ""
    lines = listing(res)
    head = lines.index("window: {title: 地址选择}")
    assert "详细地址" in lines[head + 1] and "window: {title: 地址选择} buttons: 确定" in lines
    text = draft_recipe(res, "newsys", "/bare", dict(system.codes))
    assert '  - window:\n      title: "地址选择"\n      steps:\n        - fill: {label: 详细地址,' in text, text
    assert "  - submit: {click: {role: button, name: \"保 存\"}}" in text
    draft = folder / "newsys" / "new-matter.yaml"
    draft.parent.mkdir()
    draft.write_text(text, encoding="utf-8")
    found = [str(e) for e in lint_paths([draft], folder)]
    assert [e for e in found if "nothing after this submit checks the system's answer" not in e] == [], text
    # and the draft fills the page and the popup (a dry run: nothing is submitted)
    recipe, sys_ = load_for_test(str(draft), folder, {})
    case = {f"field{c.number}": v for c, v in zip(res.controls, ("266000", "青岛市", "0532", "某路1号"), strict=True)}
    out = dry_run(recipe, sys_, {"person": {}, "case": case}, NoLogin(), make_driver, home=desk.home, clerk_name="t")
    assert out.ok, [(r.what, r.message) for r in out.rows if r.status == "failed"]
    sent = {c.locator: c.read_back for r in out.rows for c in r.calls if c.action == "fill"}
    assert sent["label 邮编"] == "266000" and sent["label 详细地址"] == "某路1号"
    assert posts == []
