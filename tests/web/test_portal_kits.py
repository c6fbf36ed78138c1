"""Modern portals: one recipe in the plain words (fill, choose, check, click {role}) fills the sandbox portal
exactly, every picked field read back, on Element UI markup and on Ant Design markup alike — real Chromium,
the engine, the portal's own server (``clerkdesk.sandbox.web.portal``)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from clerkdesk.errors import Mark
from clerkdesk.recipe.driver import DriverContext, DriverError, Locator
from clerkdesk.recipe.systems import System
from clerkdesk.sandbox.web.portal import PortalServer
from tests.support.local_site import docs_recipe, run_recipe, write_system

pytestmark = pytest.mark.browser

PERSON = {"name": "王小明", "sex": "1", "ethnicity": "05", "birth_date": "1990-02-28", "hukou_region": "370202"}


@pytest.fixture(params=["element", "antd"])
def portal(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[PortalServer, Path]]:
    # the 民族 list takes typing in the recipe test; elsewhere it must be scrolled (virtual in Ant Design)
    srv = PortalServer(request.param, filterable="one_plain_recipe" in request.node.name)
    yield srv, write_system(tmp_path / "recipes", "portal", srv.url)
    srv.stop()


def test_one_plain_recipe_fills_the_portal_on_both_kits(portal: Any, desk: Any) -> None:
    srv, folder = portal
    start = (date.today() + timedelta(days=40)).isoformat()  # the calendar opens at this month: 1–2 arrows
    out, _ = run_recipe(desk, folder, "portal", "flexible-insurance", docs_recipe(),
                        {"person": PERSON, "case": {"start_date": start}})
    assert out.status == "succeeded", out.message
    (sub,) = srv.submissions
    assert sub["name"] == "王小明"
    assert sub["id_type"] == "居民身份证"  # not 临时居民身份证, not the stale hidden list's item
    assert sub["sex"] == "男" and sub["ethnicity"] == "维吾尔族"
    assert sub["birth"] == "1990-02-28"
    assert sub["region"] == ["山东省", "青岛市", "市南区"]
    assert sub["level"] == "100" and sub["start"] == start and sub["veteran"] is True and sub["agree"] is True
    assert out.receipts == {"receipt": "WT000001"}


# --- the driver's answers on the portal, one control at a time ----------------------------------------------

@pytest.fixture
def drv(portal: Any, tmp_path: Path) -> Iterator[Any]:
    from clerkdesk.drivers.web import PlaywrightDriver

    srv, _ = portal
    system = System("portal", "门户", "web", Mark(tmp_path / "p.yaml", 1, 1), start_url=srv.url + "/",
                    origins=(srv.url,))
    d = PlaywrightDriver()
    d.start(DriverContext(system=system, home=tmp_path, clerk="t", headless=True))
    d.open(srv.url + "/portal", 10)
    d.wait_for(_text("基本信息"), 10)
    yield d
    d.close()


def _text(t: str) -> Any:
    from clerkdesk.recipe.driver import Condition

    return Condition(text=t)


def test_kit_selects_are_read_back_and_wrong_items_are_named(drv: Any) -> None:
    assert drv.choose(Locator(label="性别"), "女", 5) == "女"
    assert drv.choose(Locator(label="性别"), "男", 5) == "男"  # again: the old popper is reused, not confused
    # the 56-item list, not filterable here: scrolled (Ant renders only the rows in view) to the exact item
    assert drv.choose(Locator(label="民族"), "高山族", 5) == "高山族"
    assert drv.choose(Locator(label="民族"), "汉族", 5) == "汉族"  # back up the list
    with pytest.raises(DriverError) as e:
        drv.choose(Locator(label="证件类型"), "护照", 1.5)
    assert e.value.message.startswith("option '护照' did not appear in the list of label 证件类型")
    assert "居民身份证" in e.value.tried[0]
    # fill refuses a read-only kit select and says what to use
    with pytest.raises(DriverError, match=r"label 性别 is read-only on the page.*choose"):
        drv.fill(Locator(label="性别"), "男", 2)


def test_the_date_panel_is_committed_and_closed_and_the_cascader_below_it_works(drv: Any) -> None:
    assert drv.fill(Locator(label="出生日期"), "1988-12-01", 5) == "1988-12-01"
    # the panel no longer covers the cascader: its levels arrive one by one (300 ms each) and are walked
    shown = drv.choose(Locator(label="户籍所在地"), "广东省/广州市/天河区", 8)
    assert shown.replace(" ", "") == "广东省/广州市/天河区"
    with pytest.raises(DriverError) as e:
        drv.choose(Locator(label="户籍所在地"), "山东省/青岛市/崂山区", 3)
    assert "(level 3 of 3)" in e.value.message and "市南区" in e.value.tried[0]


def test_a_click_on_a_covered_button_names_what_covers_it_and_that_nothing_was_sent(drv: Any) -> None:
    drv.page.evaluate("() => { const m = document.createElement('div'); m.className = 'cover-all';"
                      " m.style.cssText = 'position:fixed;inset:0;z-index:9999'; document.body.append(m); }")
    with pytest.raises(DriverError) as e:
        drv.click(Locator(role="button", name="下一步"), 1.5)
    assert "another element covers it: <div class=\"cover-all\"" in e.value.message
    assert e.value.nothing_sent and "Traceback" not in e.value.message
    with pytest.raises(DriverError) as e:
        drv.click(Locator(role="button", name="不存在的按钮"), 0.5)
    assert e.value.nothing_sent


def test_open_waits_for_the_single_page_app_to_render(drv: Any, portal: Any) -> None:
    srv, _ = portal
    drv.open(srv.url + "/portal", 10)  # the app shows 加载中 for 0.4 s, then renders the wizard
    assert drv.probe(_text("基本信息")) and not drv.probe(_text("加载中"))


def test_a_calendar_that_takes_clicks_only_is_walked_by_its_header(drv: Any) -> None:
    drv.page.evaluate("() => { document.getElementById('step2').style.display = ''; }")
    back = date.today().replace(day=7) - timedelta(days=365 * 2 + 60)  # years and months back
    assert drv.fill(Locator(label="参保日期"), back.isoformat(), 10) == back.isoformat()
    with pytest.raises(DriverError, match="takes clicks only: give the date as YYYY-MM-DD"):
        drv.fill(Locator(label="参保日期"), "明年三月", 2)


def test_a_two_character_button_is_found_as_the_kit_renders_it(drv: Any, portal: Any) -> None:
    srv, _ = portal
    drv.page.evaluate("() => { document.getElementById('step2').style.display = '';"
                      " document.querySelectorAll('.bar').forEach(b => { b.style.display = ''; }); }")
    spaced = drv.page.evaluate("() => Array.from(document.querySelectorAll('button')).map(b => b.innerText)")
    # Ant Design spaces a two-character Chinese button (暂 存), Element UI does not; 暂存记录 comes first in the page
    assert ("暂 存" in spaced) == (srv.kit == "antd") and spaced.index("暂存记录") < len(spaced) - 1
    for n, loc in enumerate((Locator(role="button", name="暂存"), Locator(text="暂存"), Locator(text="暂 存"),
                             Locator(role="button", name="暂 存", exact=True), Locator(text="暂存", exact=True)), 1):
        drv.click(loc, 3)
        # the wizard's 暂存 was clicked (never the header's 暂存记录, whose name merely contains it)
        drv.wait_for(_text(f"已暂存（第 {n} 份）"), 3)
    with pytest.raises(DriverError) as e:
        drv.click(Locator(role="button", name="暂", exact=True), 0.5)
    assert e.value.nothing_sent


def test_a_dry_run_keeps_the_read_backs_of_kit_picks(portal: Any, desk: Any) -> None:
    from clerkdesk.drivers import make_driver
    from clerkdesk.workbench.recipe_test import dry_run, load_for_test
    from tests.support.clerks import SandboxClerk

    srv, folder = portal
    path = folder / "portal" / "flexible-insurance.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(docs_recipe(), encoding="utf-8")
    recipe, system = load_for_test(str(path), folder, {})
    start = (date.today() + timedelta(days=40)).isoformat()
    res = dry_run(recipe, system, {"person": PERSON, "case": {"start_date": start}}, SandboxClerk(), make_driver,
                  home=desk.home, clerk_name=desk.store.clerk)
    assert res.ok and not srv.submissions, res.outcome.message
    back = {r.what: r.calls[-1].read_back for r in res.rows if r.kind in ("choose", "check")}
    # what each kit field shows after the pick reaches the step (which compares it) and the report, as in a fill
    assert back["choose 性别"] == "男" and back["choose 民族"] == "维吾尔族" and back["choose 证件类型"] == "居民身份证"
    assert back["choose 户籍所在地"].replace(" ", "") == "山东省/青岛市/市南区"
    assert back["check 本人承诺所填信息真实有效"] == "true" and back["check 是否退役军人"] == "true"


# a kit select whose field shows another item than the one clicked (a system that maps values wrongly)
_WRONG_SELECT = """<!doctype html><meta charset=utf-8><form class="el-form"><div class="el-form-item">
<label class="el-form-item__label">性别</label><div class="el-form-item__content"><div class="el-select">
<div class="el-input"><input readonly class="el-input__inner" placeholder="请选择"></div></div>
<div class="el-select-dropdown el-popper" style="display:none"><ul class="el-select-dropdown__list">
<li class="el-select-dropdown__item"><span>男</span></li><li class="el-select-dropdown__item"><span>女</span></li>
</ul></div></div></div><button type="button" class="el-button"><span>提交</span></button></form><script>
const pop = document.querySelector('.el-select-dropdown'), input = document.querySelector('input');
document.querySelector('.el-select').addEventListener('click', () => { pop.style.display = ''; });
pop.querySelectorAll('li').forEach(li => li.addEventListener('click', e => {
  e.stopPropagation(); input.value = li.innerText === '男' ? '女' : '男'; pop.style.display = 'none'; }));
</script>"""


def test_a_dry_run_fails_a_pick_the_field_does_not_show(desk: Any, tmp_path: Path) -> None:
    from clerkdesk.drivers import make_driver
    from clerkdesk.workbench.recipe_test import dry_run, load_for_test
    from tests.support.clerks import SandboxClerk
    from tests.support.local_site import QuietHandler, serve

    class H(QuietHandler):
        def do_GET(self) -> None:
            self.send_html(_WRONG_SELECT)

    httpd, url = serve(H)
    try:
        folder = write_system(tmp_path / "recipes", "local", url)
        path = folder / "local" / "wrong.yaml"
        path.parent.mkdir()
        path.write_text("recipe: local.wrong\ntitle: 选错\nsystem: local\nsteps:\n  - open: /\n"
                        "  - choose: {label: 性别, value: 男, timeout: 3}\n  - submit: {click: {text: 提交}}\n",
                        encoding="utf-8")
        recipe, system = load_for_test(str(path), folder, {})
        res = dry_run(recipe, system, {"person": {}, "case": {}}, SandboxClerk(), make_driver, home=desk.home,
                      clerk_name=desk.store.clerk)
    finally:
        httpd.shutdown()
    (row,) = [r for r in res.rows if r.kind == "choose"]
    assert not res.ok and row.status == "failed", res.outcome.message
    assert "read-back differs" in row.message and row.calls[-1].read_back == "女"


@pytest.mark.parametrize(("good", "bad", "says"), [
    ("choose: {label: 证件类型, value: 居民身份证}", "choose: {label: 证件类型, value: 护照, timeout: 2}",
     "option '护照' did not appear in the list of label 证件类型"),
    ("choose: {label: 性别, value:", "fill: {label: 性别, timeout: 2, value:", "label 性别 is read-only on the page"),
    # Playwright's own error in a kit field (a key it does not know), in the clerk's words
    ("choose: {label: 性别, value:", "key: {keys: ctrl+nosuchkey, label: 性别}\n  - choose: {label: 性别, value:",
     "key label 性别 did not happen on"),
])
def test_cli_a_failing_kit_step_prints_no_traceback(portal: Any, home: Path, tmp_path: Path, good: str, bad: str,
                                                    says: str) -> None:
    import json
    import os
    import subprocess
    import sys

    from tests.support.data import id_number

    srv, folder = portal
    path = folder / "portal" / "broken.yaml"
    path.parent.mkdir(exist_ok=True)
    text = docs_recipe()
    assert good in text
    path.write_text(text.replace(good, bad), encoding="utf-8")
    first = bad.splitlines()[0]  # the failing step
    line = next(i for i, ln in enumerate(path.read_text("utf-8").splitlines(), 1) if first in ln)
    sample = tmp_path / "sample.json"
    start = (date.today() + timedelta(days=40)).isoformat()
    person = {"name": "王小明", "id_number": id_number("37020219900228101"), "ethnicity": "05", "hukou_region": "370202"}
    sample.write_text(json.dumps({"person": person, "case": {"start_date": start}}, ensure_ascii=False), "utf-8")
    r = subprocess.run([sys.executable, "-m", "clerkdesk", "--home", str(home), "recipe", "test", str(path),
                        "--record", str(sample), "--headless", "--report", str(tmp_path / "r.html")],
                       capture_output=True, text=True, timeout=240, stdin=subprocess.DEVNULL, env=dict(os.environ))
    out = r.stdout + r.stderr
    assert r.returncode == 1, out
    assert "Traceback" not in out and 'File "' not in out and "playwright._impl" not in out, out
    assert says in out and f"broken.yaml:{line}:" in out, out
    assert not srv.submissions
