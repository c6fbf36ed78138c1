"""`window`: steps inside a popup the system opens (a legacy address picker), then back in the page that opened it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
from clerks import SandboxClerk
from local_site import QuietHandler, serve

from clerkdesk.engine.plan import Target
from clerkdesk.engine.run import Runner
from clerkdesk.recipe.loader import load_recipe
from clerkdesk.recipe.systems import load_system

pytestmark = pytest.mark.browser

FORM = """<!doctype html><html><head><meta charset=utf-8><title>开业登记</title></head><body>
<form method=post action=/save><table>
<tr><td>经营者姓名</td><td><input name=name></td></tr>
<tr><td>经营场所</td><td><input name=addr id=addr readonly>
  <button type=button onclick="window.open('/picker', 'picker', 'width=480,height=300')">选择地址</button></td></tr>
</table><button type=submit>提交</button></form></body></html>"""

PICKER = """<!doctype html><html><head><meta charset=utf-8><title>地址选择</title></head><body>
<script>setTimeout(() => document.body.insertAdjacentHTML('beforeend',
  '<label for=d>详细地址</label><input id=d><button onclick="opener.document.getElementById(\\'addr\\').value ='
  + ' document.getElementById(\\'d\\').value; window.close()">确定</button>'), 400);</script></body></html>"""


class Server:
    def __init__(self) -> None:
        self.posts: list[dict[str, list[str]]] = []
        outer = self

        class H(QuietHandler):
            def do_GET(self) -> None:
                self.send_html(PICKER if self.path.startswith("/picker") else FORM)

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"])).decode()
                outer.posts.append(parse_qs(body))
                self.send_html("<p>受理成功</p>")

        self.httpd, self.url = serve(H)


RECIPE = """recipe: popup.open
title: 开业登记
system: popup
needs: [person.name, person.current_address]
steps:
  - open: /form
  - fill: {{label: 经营者姓名, value: "{{{{ person.name }}}}"}}
  - click: {{text: 选择地址}}
  - window:
      {where}
      timeout: 5
      steps:
        - fill: {{label: 详细地址, value: "{{{{ person.current_address }}}}"}}
        - click: {{text: 确定}}
  - submit: {{click: {{text: 提交}}}}
  - expect: {{text: 受理成功}}
"""


@pytest.fixture
def popup(tmp_path: Path) -> Iterator[tuple[Server, Path]]:
    srv = Server()
    folder = tmp_path / "recipes"
    (folder / "systems").mkdir(parents=True)
    (folder / "systems" / "popup.yaml").write_text(
        f"system: popup\ntitle: 弹窗测试系统\nkind: web\nstart_url: {srv.url}/\n", encoding="utf-8")
    (folder / "popup").mkdir()
    yield srv, folder
    srv.httpd.shutdown()


def _run(desk: Any, folder: Path, where: str) -> Any:
    from clerkdesk.drivers.web import PlaywrightDriver

    system = load_system(folder / "systems" / "popup.yaml")
    path = folder / "popup" / "open.yaml"
    path.write_text(RECIPE.format(where=where), encoding="utf-8")
    recipe = load_recipe(path, {"popup": system})
    context = {"person": {"name": "买买提", "current_address": "四川省成都市武侯区科华北路65号"}}
    cid = desk.store.cases.create(matter="t", applicant_kind="person", applicant_key="k", record={}, targets=[],
                                  fields={}, profile_id=None)
    rid = desk.store.runs.create(cid, recipe.id, "popup")
    runner = Runner(desk.store.runs, SandboxClerk(), lambda t: PlaywrightDriver(), home=desk.home, clerk_name="t")
    return runner.run(rid, Target(recipe, system), context)


def test_steps_in_a_popup_picker_then_back_in_the_form(popup: Any, desk: Any) -> None:
    srv, folder = popup
    out = _run(desk, folder, "title: 地址选择")
    assert out.status == "succeeded", out.message
    (post,) = srv.posts
    assert post == {"name": ["买买提"], "addr": ["四川省成都市武侯区科华北路65号"]}


def test_a_popup_that_never_opens_is_named(popup: Any, desk: Any) -> None:
    srv, folder = popup
    out = _run(desk, folder, "url: /no-such-window")
    assert out.status == "failed"
    assert "no window with '/no-such-window' in its URL opened within 5s" in out.message
    assert "地址选择" in out.message  # what was open instead
    assert srv.posts == []  # nothing submitted
