"""`row`: the table row or list item that has an element of exactly this text — the 办理 button of 张三's row,
not of 张三丰's; the list item 市南区, not 市南区（旧）. Real Chromium, through the engine."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest

from clerkdesk.errors import RecipeError
from clerkdesk.recipe.loader import load_recipe
from clerkdesk.recipe.systems import load_system
from tests.support.local_site import QuietHandler, run_recipe, serve, write_system

pytestmark = pytest.mark.browser

PAGE = """<!doctype html><html><head><meta charset=utf-8><title>待办</title></head><body>
<table><tr><th>申请人</th><th>操作</th></tr>
 <tr><td>张三丰</td><td><button type=button onclick="pick('张三丰')">办理</button></td></tr>
 <tr><td>张三</td><td><button type=button onclick="pick('张三')">办理</button></td></tr></table>
<ul><li><span>市南区（旧）</span></li><li><span>市南区</span></li></ul>
<form method=post action=/save><input type=hidden name=who id=who><input type=hidden name=area id=area>
<button type=submit>保存</button></form>
<script>
 function pick(w) { document.getElementById('who').value = w; }
 document.querySelectorAll('li').forEach(li => li.addEventListener('click', () => {
   document.getElementById('area').value = li.textContent; }));
</script></body></html>"""

RECIPE = """recipe: rows.pick
title: 待办
system: rows
steps:
  - open: /
  - click: {role: button, name: 办理, row: 张三}
  - click: {row: 市南区}
  - submit: {click: {text: 保存}}
  - expect: {text: 已保存}
"""


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[list[dict[str, list[str]]], Path]]:
    posts: list[dict[str, list[str]]] = []

    class H(QuietHandler):
        def do_GET(self) -> None:
            self.send_html(PAGE)

        def do_POST(self) -> None:
            posts.append(parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode()))
            self.send_html("<p>已保存</p>")

    httpd, url = serve(H)
    yield posts, write_system(tmp_path / "recipes", "rows", url)
    httpd.shutdown()


def test_row_picks_the_row_with_exactly_that_text(site: Any, desk: Any) -> None:
    posts, folder = site
    out, _ = run_recipe(desk, folder, "rows", "pick", RECIPE, {})
    assert out.status == "succeeded", out.message
    assert posts == [{"who": ["张三"], "area": ["市南区"]}]


def test_row_with_a_label_is_refused_by_the_loader(site: Any) -> None:
    _, folder = site
    path = folder / "rows" / "bad.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(RECIPE.replace("{row: 市南区}", "{label: 区, row: 市南区}"), encoding="utf-8")
    with pytest.raises(RecipeError, match="row works with role, text"):
        load_recipe(path, {"rows": load_system(folder / "systems" / "rows.yaml")})
