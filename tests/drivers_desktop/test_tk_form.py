"""DesktopDriver on a second toolkit (Tk, tkform.py) whose form breaks the first client's habits (issue 13):
labels above their boxes, a label wrapped over two lines, a date as three spin boxes with 年/月/日 after
them, a multi-line address box, a box drawn 2 px from its label with another box right below, Ctrl+A that
does not select all (the form opens with old values in every box), a calendar-like "< 2026 >" beside a "20"
button, and Escape closing the window. Every value must land in its own box, exactly once."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from desktop_form_helpers import TK_TITLE, FormApp, make_ctx

from clerkdesk.drivers.desktop import DesktopDriver
from clerkdesk.recipe.driver import Condition, DriverError, Locator
from clerkdesk.vision import windows

pytestmark = [pytest.mark.desktop, pytest.mark.ocr]

VALUES = {  # label in the recipe → (key in the form's JSON, value)
    "姓名": ("name", "欧阳娜娜"),
    "公民身份证件号码": ("id_number", "11010519491231002X"),  # wrapped: 公民身份 / 证件号码
    "性别": ("sex", "女"),
    "联系电话": ("phone", "13800138000"),
    "出生日期": ("year", "1990"),  # the first spin box under the label
    "月": ("month", "11"),
    "日": ("day", "20"),
    "户籍地址": ("address", "北京市朝阳区建国路88号"),  # multi-line box, three rows below 出生日期
    "户口性质": ("hukou", "非农业"),  # its box 2 px right of the label, 备注's box right below
    "备注": ("remark", "测试备注"),
}


def _driver(home: Path) -> DesktopDriver:
    d = DesktopDriver()
    d.start(make_ctx(home))
    return d


def _fill_all(d: DesktopDriver, labels: list[str] | None = None) -> None:
    for label in labels or list(VALUES):
        _, value = VALUES[label]
        assert d.fill(Locator(label=label), value, 5) == value, label


def test_tk_form_with_old_values_every_value_lands_in_its_own_box_once(
        tkform: Callable[..., FormApp], home: Path) -> None:
    app = tkform("--prefill")
    d = _driver(home)
    d.open(TK_TITLE, 15)
    _fill_all(d)
    d.click(Locator(text="保存", exact=True), 5)
    got = app.values()
    assert {k: got[k] for k, _ in VALUES.values()} == {k: v for k, v in VALUES.values()}
    assert got["picked"] == []
    # Ctrl+A does not select all in Tk: the old values were removed by Home/Shift+End (Ctrl+Home/Ctrl+Shift+End
    # in the multi-line box) and checked gone before pasting; never pasted twice
    assert any("emptied label 户籍地址 with ctrl+home" in t for t in d.trace)
    # (a retry — a busy client that read the paste late — empties the box again first: the values above are
    # each exactly once in their box, never doubled)
    assert d.stats["full_ocr"] <= 1 + d.stats["retries"]  # one read of the screen; every later label from it


def test_exact_text_never_matches_inside_a_longer_line_nor_from_the_cache(
        tkform: Callable[..., FormApp], home: Path) -> None:
    app = tkform("--prefill")
    for run in range(2):  # a fresh read, then the layout cache
        d = _driver(home)
        d.open(TK_TITLE, 15)
        d.click(Locator(text="20", exact=True), 5)
        if run:
            assert d.stats["full_ocr"] == 0 and d.stats["cache_hits"] == 1  # the day button, from the cache
        # a fuzzy text that only occurs inside a box's contents (the old ID number) is found on screen (a full
        # read: the cache never has it) …
        assert d.probe(Condition(text="1234"))
    d.click(Locator(text="保存", exact=True), 5)
    assert app.values()["picked"] == ["20", "20"]
    # … but nothing inside an input box is ever written to the cache
    # (the asked-for string "1234" itself is kept as asked, like every `wants` entry; no *box* showing it)
    raw = [json.loads(p.read_text(encoding="utf-8")) for p in (home / "layout-cache").glob("*.json")]
    kept = [b["text"] for c in raw for pg in c["pages"] for b in pg["boxes"]]
    assert kept and "20" in kept
    for old in ("1234", "旧姓名", "旧地址", "01012345678", "农业", "2026"):
        assert all(old not in t for t in kept), (old, kept)


def test_a_stale_cache_after_a_layout_change_is_dropped_and_values_still_land(
        tkform: Callable[..., FormApp], home: Path) -> None:
    labels = ["姓名", "性别", "联系电话", "户口性质"]
    app = tkform()
    d = _driver(home)
    d.open(TK_TITLE, 15)
    _fill_all(d, labels)
    app.stop()
    # variant b: same title and size, the columns swapped and 姓名's box right of its label
    app = tkform("--variant", "b")
    d = _driver(home)
    d.open(TK_TITLE, 15)
    _fill_all(d, labels)
    d.click(Locator(text="保存", exact=True), 5)
    got = app.values()
    assert {VALUES[k][0]: got[VALUES[k][0]] for k in labels} == {VALUES[k][0]: VALUES[k][1] for k in labels}
    assert d.stats["cache_misses"] >= 1 and d.stats["full_ocr"] >= 1
    assert any("layout cache" in t and "dropped" in t for t in d.trace)
    cache = [json.loads(p.read_text(encoding="utf-8")) for p in (home / "layout-cache").glob("*.json")]
    links = [pg["links"] for c in cache for pg in c["pages"]]
    assert any("姓名|nth=None|within=None|exact=False" in lk and lk["姓名|nth=None|within=None|exact=False"]["side"]
               == "right" for lk in links)  # the new association, with its evidence


def test_choose_on_an_entry_opens_no_list_and_sends_no_escape(tkform: Callable[..., FormApp], home: Path) -> None:
    tkform()
    d = _driver(home)
    d.open(TK_TITLE, 15)
    with pytest.raises(DriverError, match="opened no list") as e:
        d.choose(Locator(label="姓名"), "张三", 3)
    assert any("list items seen" in t for t in e.value.tried)
    assert windows.find_windows(TK_TITLE), "Escape reached the window (it closes on Escape)"
    assert d.fill(Locator(label="姓名"), "张三", 5) == "张三"


def test_a_submit_that_never_clicked_says_nothing_was_sent(tkform: Callable[..., FormApp], home: Path) -> None:
    app = tkform()
    d = _driver(home)
    d.open(TK_TITLE, 15)
    with pytest.raises(DriverError) as e:
        d.click(Locator(text="提交", exact=True), 0.3)  # there is no such button
    assert e.value.nothing_sent
    with pytest.raises(DriverError) as e:
        d.press("ctrl+nosuchkey", None, 1)
    assert e.value.nothing_sent
    with pytest.raises(DriverError) as e:
        d.press("ctrl+s", Locator(label="不存在的标签"), 0.3)
    assert e.value.nothing_sent
    d.click(Locator(text="保存", exact=True), 5)
    assert app.values()["picked"] == []
