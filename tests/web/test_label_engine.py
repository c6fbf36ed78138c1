"""The fast paths of the web driver behave exactly like the general path they short-cut.

- ``fill``/``choose`` by label go through Playwright's own action with the driver's label selector engine when
  the label names a plain field (one round trip instead of two); everything else falls back to the general
  path at once: read-only and disabled fields (refused there), selects given to ``fill``, hidden tabs, fields found only by
  ``aria-label``, fields and options that appear late, ambiguous option texts.
- The route guard sees every URL that is not plainly on the system's origins (Playwright matches that regex
  in its own process): Python and the browser's JavaScript agree on it, tricky look-alikes included.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from clerkdesk.drivers.web import foreign_pattern
from clerkdesk.errors import Mark
from clerkdesk.recipe.driver import DriverContext, DriverError, Locator
from clerkdesk.recipe.systems import System

pytestmark = pytest.mark.browser

PAGE = """<!doctype html><html><head><meta charset=utf-8></head><body>
<form id=f1>
  <label for=name>姓名：</label><input id=name>
  <label for=birth>* 出生日期</label><input id=birth readonly>
  <label for=sel>民族</label><select id=sel><option value="">请选择</option><option value="01">汉族</option>
    <option value="02">蒙古族</option></select>
  <label for=swap>选项</label><select id=swap><option value="1">2</option><option value="2">1</option></select>
  <label for=late>区县</label><select id=late disabled><option value="">请选择</option></select>
  <input id=aria aria-label="英文名">
  <label for=note>备注</label><textarea id=note></textarea>
  <label for=ro>编号</label><input id=ro value="X-1" disabled>
  <label for=zip>邮编</label><input id=zip maxlength=6>
  <label for=memo>附言</label><textarea id=memo maxlength=3></textarea>
</form>
<table><tr><td>电话</td><td><input name=t1></td></tr><tr><td>电话</td><td><input name=t2></td></tr></table>
<div id=tab2 style="display:none"><label for=hid>单位名称</label><input id=hid></div>
<div id=box2><label for=in2>姓名</label><input id=in2></div>
<script>
  setTimeout(() => { const s = document.getElementById('late'); s.add(new Option('天河区', '440106'));
                     s.disabled = false; }, 400);
  setTimeout(() => { const p = document.createElement('p');
                     p.innerHTML = '<label for=lz>迟到字段</label><input id=lz>'; document.body.append(p); }, 400);
</script>
</body></html>"""


@pytest.fixture
def site() -> Iterator[str]:
    class H(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(PAGE.encode())

        def log_message(self, *a: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), H)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture
def drv(site: str, tmp_path: Path) -> Iterator[Any]:
    from clerkdesk.drivers.web import PlaywrightDriver

    system = System("t", "测试", "web", Mark(tmp_path / "t.yaml", 1, 1), start_url=site + "/", origins=(site,))
    d = PlaywrightDriver()
    d.start(DriverContext(system=system, home=tmp_path, clerk="t", headless=True))
    d.open(site + "/", 10)
    yield d
    d.close()


def _value(d: Any, css: str) -> str:
    return str(d.page.eval_on_selector(css, "e => e.value"))


def _direct(d: Any) -> bool:
    """Did the last fill/choose go through the label engine? (its tagged locator uses the engine's selector)"""
    return d.finder.tagged is not None and "clerkdesk_label=" in str(d.finder.tagged)


def test_plain_fields_are_filled_through_the_label_engine_and_read_back(drv: Any) -> None:
    assert drv.fill(Locator(label="姓名"), "张三", 5) == "张三"
    assert _direct(drv) and _value(drv, "#name") == "张三" and _value(drv, "#in2") == ""
    assert drv.fill(Locator(label="备注"), "材料齐全", 5) == "材料齐全" and _direct(drv)
    # nth and within pick the same field as the general path does
    assert drv.fill(Locator(label="电话", nth=1), "13900001111", 5) == "13900001111"
    assert _value(drv, "[name=t2]") == "13900001111" and _value(drv, "[name=t1]") == ""
    assert drv.fill(Locator(label="姓名", within="#box2"), "李四", 5) == "李四"
    assert _value(drv, "#in2") == "李四" and _value(drv, "#name") == "张三"
    # the page is focused nowhere: the read-back left (blurred) the field
    assert drv.page.evaluate("() => document.activeElement === document.body")


def test_everything_else_falls_back_at_once_with_the_same_results_and_messages(drv: Any) -> None:
    t0 = time.monotonic()
    # read-only and disabled fields are refused (nothing a person could not type is typed), naming the field
    with pytest.raises(DriverError, match=r"^label 出生日期 is read-only on the page: .*choose"):
        drv.fill(Locator(label="出生日期"), "1990-02-28", 5)
    assert _value(drv, "#birth") == ""
    with pytest.raises(DriverError, match=r"^label 编号 is disabled on the page"):
        drv.fill(Locator(label="编号"), "X-2", 5)
    assert _value(drv, "#ro") == "X-1"
    assert drv.fill(Locator(label="英文名"), "Zhang", 5) == "Zhang"  # only Playwright's get_by_label finds it
    with pytest.raises(DriverError, match=r"label 民族 is a select: use choose"):
        drv.fill(Locator(label="民族"), "汉族", 5)
    assert time.monotonic() - t0 < 3  # none of them waited for a time-out
    with pytest.raises(DriverError) as e:
        drv.fill(Locator(label="单位名称"), "x", 1)
    assert e.value.message == "label 单位名称 exists but is not visible (a tab not opened?)"
    with pytest.raises(DriverError) as e:
        drv.fill(Locator(label="不存在的字段"), "x", 1)
    assert e.value.message.startswith("label 不存在的字段 not found on page http://127.0.0.1:")
    assert e.value.tried[0].startswith("label '不存在的字段': <label for>")
    with pytest.raises(DriverError, match="within '##' is not a valid CSS selector"):
        drv.fill(Locator(label="姓名", within="##"), "x", 1)


def test_a_value_longer_than_the_fields_maxlength_is_refused_before_anything_is_typed(drv: Any) -> None:
    """The browser would silently cut it: the step fails naming the field and both lengths (issue 15)."""
    assert drv.fill(Locator(label="邮编"), "100000", 5) == "100000" and _direct(drv)  # exactly the limit
    drv.page.fill("#zip", "")
    with pytest.raises(DriverError) as e:
        drv.fill(Locator(label="邮编"), "1000001", 5)
    assert e.value.message.startswith("the value has 7 characters but label 邮编 on the page takes at most 6")
    assert e.value.nothing_sent and not e.value.retryable
    assert _value(drv, "#zip") == ""  # nothing typed, not even the first six
    assert drv.fill(Locator(label="附言"), "材料齐", 5) == "材料齐"
    with pytest.raises(DriverError, match="has 4 characters but label 附言 on the page takes at most 3"):
        drv.fill(Locator(label="附言"), "材料𠀀", 5)  # a character outside the BMP counts two, as the page counts
    assert _value(drv, "#memo") == "材料齐"
    with pytest.raises(DriverError, match="takes at most 6"):  # the general path (by CSS) checks the same
        drv.fill(Locator(css="#zip"), "1000001", 5)


def test_a_field_that_appears_late_is_waited_for(drv: Any) -> None:
    assert drv.fill(Locator(label="迟到字段"), "到了", 5) == "到了"
    assert _value(drv, "#lz") == "到了"


def test_choose_picks_the_same_option_as_the_general_path(drv: Any) -> None:
    drv.choose(Locator(label="民族"), "汉族", 5)  # by its text
    assert _direct(drv) and _value(drv, "#sel") == "01"
    drv.choose(Locator(label="民族"), "02", 5)  # by its value
    assert _direct(drv) and _value(drv, "#sel") == "02"
    # "2" is one option's value and the other's text: the value wins, as OPTION_STATE says (Playwright's
    # select_option(value=) matches values *and* labels, so both the engine and the general path avoid it)
    drv.choose(Locator(label="选项"), "2", 5)
    assert not _direct(drv) and _value(drv, "#swap") == "2"
    drv.choose(Locator(label="区县"), "天河区", 5)  # disabled and empty until the options arrive
    assert _value(drv, "#late") == "440106"
    with pytest.raises(DriverError, match=r"option '满族' did not appear in label 民族 \(it has 3 options\)"):
        drv.choose(Locator(label="民族"), "满族", 0.5)


def test_the_guard_pattern_leaves_out_only_the_systems_own_urls(drv: Any) -> None:
    own = ("http://127.0.0.1:8000", "https://rs.example.gov.cn")
    pat = foreign_pattern(own)
    urls = {
        "http://127.0.0.1:8000/": False, "http://127.0.0.1:8000": False, "http://127.0.0.1:8000/a?b#c": False,
        "http://127.0.0.1:8000?x": False, "https://rs.example.gov.cn/api/x": False,
        "http://127.0.0.1:80001/": True, "http://127.0.0.1:800/": True, "http://127.0.0.1:8000@evil.cn/": True,
        "http://127.0.0.1:8000.evil.cn/": True, "https://rs.example.gov.cn.evil.cn/": True,
        "http://rs.example.gov.cn/": True, "https://rsxexample.gov.cn/": True, "http://127.0.0.1/": True,
        "ws://127.0.0.1:8000/": True, "data:text/html,x": True, "https://evil.cn/?u=http://127.0.0.1:8000/": True,
    }
    assert {u: bool(pat.search(u)) for u in urls} == urls
    # Playwright matches it in its own process with JavaScript's RegExp: the same answers there
    in_js = drv.page.evaluate("([src, urls]) => urls.map(u => new RegExp(src).test(u))", [pat.pattern, list(urls)])
    assert in_js == list(urls.values())
    assert foreign_pattern(()).search("http://127.0.0.1:8000/")  # no origins: the guard sees everything
    assert isinstance(pat, re.Pattern)


def test_a_page_that_breaks_our_script_fails_at_once_naming_the_cause(drv: Any) -> None:
    """A legacy page that patches built-ins (prototype.js era) breaks the label search: say so now, rather than
    calling it 'page was busy' and retrying for the whole step timeout."""
    drv.page.evaluate("() => { String.prototype.trim = null; String.prototype.replace = null; }")
    assert drv.fill(Locator(label="姓名"), "张三", 5) == "张三"  # the fast path runs in Playwright's own world
    t0 = time.monotonic()
    with pytest.raises(DriverError, match="ClerkDesk's page script failed while looking for label") as e:
        drv.fill(Locator(label="出生日期"), "1990-01-01", 8)  # a read-only date picker: the general path
    assert time.monotonic() - t0 < 3  # not the 8 s timeout
    assert "TypeError" in str(e.value)
    assert e.value.retryable is False
