"""Templates in conditions (`wait`, `expect`, `when: shown`, `human: until`), in `capture: after`, `frame` and
`dialog` texts: rendered by the engine when the step runs, against a real page in Chromium.

A calendar that shows one month at a time is the case that needed it: the recipe clicks 下一月 until the month
of the record's date is shown (`when: shown: {text: "{{ … }}月"}`), instead of twelve literal guards.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.support.local_site import QuietHandler, run_recipe, serve, write_system

pytestmark = pytest.mark.browser

PAGE = """<!doctype html><html><head><meta charset=utf-8><title>预约</title></head><body>
<p id=who>当前用户：测试员</p>
<div><button type=button id=prev onclick="show(-1)">上一月</button><span id=month>1月</span>
<button type=button id=next onclick="show(1)">下一月</button></div>
<table><tr><td>预约日：</td><td><input name=day></td></tr>
<tr><td>申请人：</td><td><input name=who></td></tr></table>
<iframe name="part-2" srcdoc="<p>第二部分</p><label>备注<input name=note></label>"></iframe>
<button type=button onclick="if (confirm('确认预约' + document.getElementById('month').textContent + '？'))
  document.getElementById('done').textContent = '已预约：' + document.getElementById('month').textContent">预约</button>
<p id=done></p>
<script>let m = 1; function show(d) { m = Math.min(12, Math.max(1, m + d));
  document.getElementById('month').textContent = m + '月'; }</script>
</body></html>"""

RECIPE = """recipe: local.calendar
title: 预约
system: local
fields:
  case.month: {zh: 预约月份}
  case.part: {zh: 第几部分}
  case.user: {zh: 经办人}
steps:
  - open: /form
  - human: {message: 请登录, until: {text: "当前用户：{{ case.user }}"}}
  - each:
      items: "{{ [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] }}"
      as: n
      steps:
        - when:
            shown: {text: "{{ case.month }}月"}
            else:
              - click: {text: 下一月}
            steps: []
  - wait: {text: "{{ case.month }}月"}
  - expect: {element: {label: "预约{{ '日' }}"}}
  - fill: {label: 预约日, value: "{{ case.month }}-15"}
  - frame:
      name: "part-{{ case.part }}"
      steps:
        - fill: {label: 备注, value: 无}
  - dialog: {action: accept, text: "确认预约{{ case.month }}月"}
  - click: {text: 预约}
  - capture: {booked: {after: "已预约："}}
  - expect: {text: "已预约：{{ case.month }}月"}
"""


@pytest.fixture
def site() -> Any:
    class H(QuietHandler):
        def do_GET(self) -> None:
            self.send_html(PAGE)

    httpd, url = serve(H)
    yield url
    httpd.shutdown()


def test_templates_in_conditions_are_rendered_when_the_step_runs(desk: Any, site: str, tmp_path: Path) -> None:
    folder = write_system(tmp_path / "recipes", "local", site)
    case = {"case": {"month": "7", "part": "2", "user": "测试员"}}
    events: list[Any] = []
    out, rid = run_recipe(desk, folder, "local", "calendar", RECIPE, case, on_event=events.append)
    assert out.status == "succeeded", out.message
    assert out.receipts["booked"] == "7月"  # the calendar stopped at the record's month, the dialog matched it
    log = desk.store.runs.events(rid)
    human = [e for e in log if e["kind"] == "human"]
    assert human and human[0]["status"] == "skipped"  # `until` rendered: the kept login was recognised
    assert "测试员" not in json.dumps(log, default=str, ensure_ascii=False)


def test_a_failing_templated_condition_names_the_template_not_the_value(desk: Any, site: str,
                                                                         tmp_path: Path) -> None:
    folder = write_system(tmp_path / "recipes", "local", site)
    recipe = """recipe: local.who
title: 核对
system: local
steps:
  - open: /form
  - expect: {text: "申请人{{ person.name }}", timeout: 0.5}
"""
    out, rid = run_recipe(desk, folder, "local", "who", recipe, {"person": {"name": "王小明"}, "case": {}})
    assert out.status == "failed"
    assert "申请人{{ person.name }}" in out.message
    assert "王小明" not in out.message
    log = desk.store.runs.events(rid)
    assert log and "王小明" not in json.dumps(log, ensure_ascii=False)
