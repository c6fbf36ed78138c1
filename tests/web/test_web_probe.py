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

from clerkdesk.drivers import make_driver
from clerkdesk.recipe.lint import lint_paths
from clerkdesk.recipe.systems import System, load_system
from clerkdesk.workbench.recipe_test import dry_run, load_for_test
from clerkdesk.workbench.web_probe import draft_recipe, probe_url
from tests.support.local_site import QuietHandler, serve

pytestmark = pytest.mark.browser

FORM = """<!doctype html><html><head><meta charset=utf-8><title>登记</title></head><body>
<form method=post action=/save>
<table>
 <tr><td><font color=red>*</font>姓名：</td><td><input name=txt_01></td>
     <td>性别：</td><td><label><input type=radio name=xb value=1>男</label><label><input type=radio name=xb value=2>女</label></td></tr>
 <tr><td>出生日期：</td><td><select name=y><option value="">年</option><option>1989</option><option>1990</option></select>
     <select name=m><option value="">月</option><option>1</option><option>2</option></select>
     <select name=d><option value="">日</option><option>27</option><option>28</option></select></td>
     <td>户口性质：</td><td><select name=txt_04><option value="">请选择</option><option value="1">农业户口</option>
     <option value="2">非农业户口</option></select></td></tr>
</table>
<fieldset><legend>本人</legend><p>电话：<input name=tel1></p></fieldset>
<fieldset><legend>紧急联系人</legend><p>电话：<input name=tel2></p></fieldset>
<p><label for=start>开始日期</label><input type=date id=start name=start></p>
<p><label><input type=checkbox name=agree value=1> 同意授权</label></p>
<div id=tab2 style="display:none">备注：<input name=memo></div>
<iframe name=extra src="/extra"></iframe>
<button type=submit>提 交</button>
</form></body></html>"""

EXTRA = """<!doctype html><html><head><meta charset=utf-8></head><body>
<label>单位名称<input name=org></label></body></html>"""


@pytest.fixture
def site() -> Any:
    posts: list[bytes] = []

    class H(QuietHandler):
        def do_GET(self) -> None:
            self.send_html(EXTRA if self.path == "/extra" else FORM)

        def do_POST(self) -> None:
            posts.append(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
            self.send_html("<p>已保存</p>")

    httpd, url = serve(H)
    yield url, posts
    httpd.shutdown()


def _system(folder: Path, url: str) -> System:
    (folder / "systems").mkdir(parents=True, exist_ok=True)
    (folder / "systems" / "newsys.yaml").write_text(
        f"system: newsys\ntitle: 新系统\nkind: web\nstart_url: {url}/\norigins: [\"{url}\"]\n"
        "codes:\n  hukou_type: {rural: \"1\", urban: \"2\", resident: \"2\"}\n", encoding="utf-8")
    return load_system(folder / "systems" / "newsys.yaml")


def test_probe_proposes_verified_locators_and_a_draft_that_fills_the_page(desk: Any, site: Any,
                                                                         tmp_path: Path) -> None:
    url, posts = site
    folder = tmp_path / "recipes"
    system = _system(folder, url)
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
    draft = folder / "newsys" / "draft.yaml"
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
    out = dry_run(recipe, sys_, context, _NoPerson(), make_driver, home=desk.home, clerk_name="t")
    assert out.ok, [(r.what, r.message) for r in out.rows if r.status == "failed"]
    sent = {c.locator: (c.sent, c.read_back) for r in out.rows for c in r.calls if c.action in ("fill", "choose")}
    assert sent["label 电话, nth=1"] == ("13900000000", "13900000000")
    assert sent["css='select[name=\"d\"]'"][0] == "28" and sent["label 出生日期"][0] == "1990"
    assert posts == []  # nothing was submitted


class _NoPerson:
    def human(self, *a: Any) -> None:
        raise AssertionError("no login on this page")


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
