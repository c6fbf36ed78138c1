"""Modern portals, the second round of kit widgets on the sandbox portal (Element UI and Ant Design markup, real
Chromium, the app rendering after load): multi-selects (tags), tree selects with lazy levels, date ranges, and
`expect`/`until` that do not judge a page a loading mask covers."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from clerkdesk.errors import Mark
from clerkdesk.recipe.driver import Condition, DriverContext, DriverError, Locator
from clerkdesk.recipe.systems import System
from clerkdesk.sandbox.web.portal import PortalServer
from tests.support.local_site import run_recipe, write_system

pytestmark = pytest.mark.browser


@pytest.fixture(params=["element", "antd"])
def drv(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    """The web driver on the portal's step 2 (shown by hand: these tests are about its widgets)."""
    from clerkdesk.drivers.web import PlaywrightDriver

    srv = PortalServer(request.param)
    system = System("portal", "门户", "web", Mark(tmp_path / "p.yaml", 1, 1), start_url=srv.url + "/",
                    origins=(srv.url,))
    d = PlaywrightDriver()
    d.start(DriverContext(system=system, home=tmp_path, clerk="t", headless=True))
    d.open(srv.url + "/portal", 10)
    d.wait_for(Condition(text="基本信息"), 10)
    d.page.evaluate("() => { document.getElementById('step1').style.display = 'none';"
                    " document.getElementById('step2').style.display = ''; }")
    d.kit = request.param
    yield d
    d.close()
    srv.stop()


# --- loading masks ------------------------------------------------------------------------------------------

# A status line that the app is about to replace, under a loading mask that goes MS later (never when MS < 0):
# Element's v-loading (an absolute .el-loading-mask over its container) or Ant's <Spin> (a spinning .ant-spin
# beside the blurred container, in .ant-spin-nested-loading). FULL: the mask covers the whole window.
MASKED_STATUS = r"""
([ms, full]) => {
  const EL = document.documentElement.dataset.kit === 'element';
  const box = document.createElement('div');
  box.id = 'status-box';
  box.style.cssText = full ? 'position:fixed;inset:0;z-index:4000;background:#fff' : 'position:relative;width:300px;height:80px';
  const status = '<p class="status">状态：审核中</p>';
  box.innerHTML = EL ? status + '<div class="el-loading-mask" style="position:absolute;inset:0;background:rgba(255,255,255,.9)">'
                       + '<div class="el-loading-spinner"><p class="el-loading-text">刷新中</p></div></div>'
                     : '<div class="ant-spin-nested-loading" style="position:absolute;inset:0"><div><div class="ant-spin ant-spin-spinning"'
                       + ' style="position:absolute;top:20px;left:100px;width:80px;height:20px"><span class="ant-spin-text">刷新中</span></div></div><div class="ant-spin-container ant-spin-blur">'
                       + status + '</div></div>';
  document.getElementById('app').prepend(box);
  if (ms >= 0) setTimeout(() => {
    box.querySelector('.status').textContent = '状态：已退回';
    (box.querySelector('.el-loading-mask') || box.querySelector('.ant-spin')).remove();
  }, ms);
}
"""


def test_expect_does_not_judge_the_text_under_a_loading_mask(drv: Any) -> None:
    drv.page.evaluate(MASKED_STATUS, [700, False])  # only the status box is covered
    with pytest.raises(DriverError, match="text '状态：审核中' not shown within 2s"):
        drv.wait_for(Condition(text="状态：审核中"), 2)  # true under the mask, false once the app has loaded
    drv.page.evaluate("() => document.getElementById('status-box').remove()")
    drv.page.evaluate(MASKED_STATUS, [1500, False])
    t0 = time.monotonic()
    drv.wait_for(Condition(text="参保险种"), 3)  # a mask elsewhere on the page does not hold up the rest of it
    assert time.monotonic() - t0 < 1.2
    drv.wait_for(Condition(text="状态：已退回"), 4)
    assert time.monotonic() - t0 >= 1.4


def test_until_waits_for_a_mask_over_the_page_and_a_mask_that_stays_is_named(drv: Any) -> None:
    drv.page.evaluate(MASKED_STATUS, [700, True])
    t0 = time.monotonic()
    assert drv.probe(Condition(text="状态：审核中")) is False  # human's until / when shown: judged after the mask
    assert time.monotonic() - t0 >= 0.6
    drv.page.evaluate("() => document.getElementById('status-box').remove()")
    drv.page.evaluate(MASKED_STATUS, [-1, True])  # a mask that never goes: the step says what it waited for
    with pytest.raises(DriverError) as e:
        drv.wait_for(Condition(text="参保险种"), 1)
    assert "still covered by a loading mask" in e.value.message and "刷新中" in e.value.message
    assert "审核中" not in e.value.message  # the mask's own words, never the content under it
    assert (".el-loading-mask" if drv.kit == "element" else ".ant-spin-spinning") in e.value.message
    # an element condition: the element under a local mask is not judged either
    drv.page.evaluate("() => document.getElementById('status-box').remove()")
    drv.page.evaluate(MASKED_STATUS, [-1, False])
    with pytest.raises(DriverError, match="still covered by a loading mask"):
        drv.wait_for(Condition(element=Locator(css="#status-box .status")), 1)


# --- multi-selects ------------------------------------------------------------------------------------------

def _tags(drv: Any) -> list[str]:
    return drv.page.eval_on_selector_all(".el-select__tags-text, .ant-select-selection-item-content",
                                         "ts => ts.map(t => t.textContent)")


def test_a_multi_select_ends_with_exactly_the_wanted_tags(drv: Any) -> None:
    assert _tags(drv) == ["失业保险"]  # the portal's preset
    got = drv.choose(Locator(label="参保险种"), "企业职工基本养老保险、职工基本医疗保险", 8)
    assert got == "企业职工基本养老保险、职工基本医疗保险"  # the preset tag removed by its own icon
    assert _tags(drv) == ["企业职工基本养老保险", "职工基本医疗保险"]
    # the list was closed so that it covers nothing below it: the next field takes a click
    assert drv.choose(Locator(label="经常居住地"), "浙江省/宁波市/鄞州区", 8) == "鄞州区"
    # again, with one wanted item kept and one swapped: nothing is unchosen by a second click
    got = drv.choose(Locator(label="参保险种"), "职工基本医疗保险, 工伤保险", 8)
    assert _tags(drv) == ["职工基本医疗保险", "工伤保险"] and got == "职工基本医疗保险、工伤保险"
    # a field full of tags (they wrap onto more lines): opened beside its arrow, never on a tag's ×
    many = ["企业职工基本养老保险", "城乡居民基本养老保险", "职工基本医疗保险", "失业保险", "生育保险"]
    drv.choose(Locator(label="参保险种"), "、".join(many[:4]), 8)
    got = drv.choose(Locator(label="参保险种"), "、".join(many), 8)
    assert sorted(got.split("、")) == sorted(many) == sorted(_tags(drv))  # the tags in the order they were chosen
    with pytest.raises(DriverError) as e:
        drv.choose(Locator(label="参保险种"), "工伤保险、大病保险", 1.5)
    assert e.value.message.startswith("option '大病保险' did not appear in the list of label 参保险种")
    # a field that shows only some of its tags ("+ 2": collapse-tags / maxTagCount) cannot be read back
    drv.page.evaluate("() => { const EL = document.documentElement.dataset.kit === 'element';"
                      " const t = document.createElement(EL ? 'span' : 'div');"
                      " t.className = EL ? 'el-tag el-tag--info' : 'ant-select-selection-overflow-item ant-select-selection-overflow-item-rest';"
                      " t.innerHTML = EL ? '<span class=\"el-select__tags-text\">+ 2</span>' : '<span class=\"ant-select-selection-item\">+ 2 ...</span>';"
                      " (document.querySelector('.el-select__tags .tags') || document.querySelector('.ant-select-selection-overflow')).append(t); }")
    with pytest.raises(DriverError, match="label 参保险种 shows only some of its chosen items"):
        drv.choose(Locator(label="参保险种"), "工伤保险", 2)


# --- tree selects -------------------------------------------------------------------------------------------

def test_a_tree_select_is_walked_by_path_waiting_for_each_lazy_level(drv: Any) -> None:
    t0 = time.monotonic()
    assert drv.choose(Locator(label="经常居住地"), "江苏省/南京市/鼓楼区", 8) == "鼓楼区"
    assert time.monotonic() - t0 >= 0.9  # three levels fetched one after another (0.3 s each): waited for, not raced
    # the same name under another parent: the walk takes the node under the path, with 南京市 still expanded
    assert drv.choose(Locator(label="经常居住地"), "福建省/福州市/鼓楼区", 8) == "鼓楼区"
    picked = drv.page.evaluate("() => document.querySelector('.el-tree-node.is-current, .ant-select-tree-treenode-selected')"
                               ".dataset.code")
    assert picked == "350102"
    with pytest.raises(DriverError) as e:
        drv.choose(Locator(label="经常居住地"), "浙江省/宁波市/北仑区", 3)
    assert e.value.message == "'北仑区' did not appear in the tree of label 经常居住地 (level 3 of 3)"
    assert "鄞州区" in e.value.tried[0] and "海曙区" in e.value.tried[0]


def test_a_cascader_walks_the_same_path_shape_and_shows_the_whole_path(drv: Any) -> None:
    drv.page.evaluate("() => { document.getElementById('step1').style.display = '';"
                      " document.getElementById('step2').style.display = 'none'; }")
    shown = drv.choose(Locator(label="户籍所在地"), "江苏省/南京市/鼓楼区", 8)
    assert shown.replace(" ", "") == "江苏省/南京市/鼓楼区"
    # from one 鼓楼区 to the other: every level is clicked again and its next level waited for by the wanted item
    shown = drv.choose(Locator(label="户籍所在地"), "福建省/福州市/鼓楼区", 8)
    assert shown.replace(" ", "") == "福建省/福州市/鼓楼区"
    assert drv.choose(Locator(label="户籍所在地"), "浙江省/宁波市/鄞州区", 8).replace(" ", "") == "浙江省/宁波市/鄞州区"


# --- date ranges --------------------------------------------------------------------------------------------

def test_a_date_range_is_typed_committed_closed_and_read_back(drv: Any) -> None:
    assert drv.fill(Locator(label="参保期间"), "2024-03-01 至 2025-02-28", 5) == "2024-03-01 至 2025-02-28"
    panel = ".el-date-range-picker, .ant-picker-dropdown-range"
    assert drv.page.eval_on_selector(panel, "p => !(p.offsetWidth || p.offsetHeight)")  # closed: it covers nothing
    assert drv.check(Locator(label="本人承诺所填信息真实有效"), True, 3) is True  # the box right under it
    # again, over the old dates, in another shape: the inputs end with exactly the new ones
    assert drv.fill(Locator(label="参保期间"), "2024-07-01~2024-12-31", 5) == "2024-07-01~2024-12-31"
    # a date the field does not take is dropped by the kit: the read-back shows it (the step then fails)
    assert drv.fill(Locator(label="参保期间"), "2025-02-30 至 2025-12-31", 5) == "2024-07-01 至 2025-12-31"
    with pytest.raises(DriverError, match=r"label 参保期间 is a date range: give two dates"):
        drv.fill(Locator(label="参保期间"), "2024-07-01", 2)


# --- the docs' recipe with the three widgets, through the engine -------------------------------------------

DOCS = Path(__file__).resolve().parents[2] / "docs" / "recipes.md"


def docs_recipe_with_widgets() -> str:
    """docs/recipes.md section 9: the portal recipe, with the lines for the multi-select, the tree select and the
    date range added where the docs say (their fields under `fields:`, their steps before the 本人承诺 check)."""
    section = DOCS.read_text(encoding="utf-8").split("## 9. Modern portals", 1)[1]
    blocks = re.findall(r"```yaml\n(.*?)```", section, re.S)
    main = next(b for b in blocks if b.startswith("recipe: portal."))
    extra = next(b for b in blocks if b.startswith("fields:\n") and "参保险种" in b)
    fields, steps = extra.removeprefix("fields:\n").split("steps:\n")
    check = "  - check: {label: 本人承诺所填信息真实有效}\n"
    assert "fields:\n" in main and check in main
    return main.replace("fields:\n", "fields:\n" + fields, 1).replace(check, steps + check, 1)


@pytest.fixture(params=["element", "antd"])
def portal(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[PortalServer, Path]]:
    srv = PortalServer(request.param)
    yield srv, write_system(tmp_path / "recipes", "portal", srv.url)
    srv.stop()


def test_the_docs_recipe_fills_multi_select_tree_select_and_date_range(portal: Any, desk: Any) -> None:
    srv, folder = portal
    start = (date.today() + timedelta(days=40)).isoformat()
    case = {"start_date": start, "insurances": ["企业职工基本养老保险", "工伤保险"], "residence_region": "330212",
            "period_from": "2024-01-01", "period_to": "2024-12-31"}
    person = {"name": "王小明", "sex": "1", "ethnicity": "05", "birth_date": "1990-02-28", "hukou_region": "370202"}
    out, _ = run_recipe(desk, folder, "portal", "flexible-insurance", docs_recipe_with_widgets(),
                        {"person": person, "case": case})
    assert out.status == "succeeded", out.message
    (sub,) = srv.submissions
    assert sub["insurances"] == ["企业职工基本养老保险", "工伤保险"]  # the preset 失业保险 removed
    assert sub["residence"] == ["浙江省", "宁波市", "鄞州区"]
    assert sub["period"] == ["2024-01-01", "2024-12-31"]
    assert sub["region"] == ["山东省", "青岛市", "市南区"] and sub["agree"] is True  # the rest as before


@pytest.mark.parametrize("kit", ["element", "antd"])
def test_a_kept_login_is_judged_after_a_slow_app_has_rendered(kit: str, tmp_path: Path, desk: Any) -> None:
    """The app shows its 加载中 mask for 4.5 s, longer than `open` settles (3 s): `human`'s `until` waits for the
    mask instead of asking the clerk to log in to an app that has not rendered yet."""
    srv = PortalServer(kit, render_delay_ms=4500)
    try:
        folder = write_system(tmp_path / "recipes", "portal", srv.url)
        events: list[Any] = []
        recipe = ("recipe: portal.slow\ntitle: 慢\nsystem: portal\nsteps:\n  - open: /portal\n"
                  "  - human: {message: 请登录, until: {text: 基本信息}}\n  - expect: {text: 基本信息}\n")
        out, _ = run_recipe(desk, folder, "portal", "slow", recipe, {}, on_event=events.append)
        assert out.status == "succeeded", out.message
        assert not [e for e in events if type(e).__name__ == "HumanNeeded"]  # the clerk was never asked
    finally:
        srv.stop()
