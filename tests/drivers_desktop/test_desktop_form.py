"""DesktopDriver fills a real PySide6 window under Xvfb: values land exactly, errors are clear."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from desktop_form_helpers import TITLE, FormApp, make_ctx
from PIL import Image

from clerkdesk.drivers.desktop import DesktopDriver
from clerkdesk.recipe.driver import Condition, Driver, DriverError, Locator, ReadSpec
from clerkdesk.vision import input as inp

pytestmark = [pytest.mark.desktop, pytest.mark.ocr]

PERSON = {
    "姓名": ("name", "欧阳娜娜"),
    "身份证号": ("id_number", "11010519491231002X"),
    "户籍地址": ("address", "北京市朝阳区建国路88号SOHO现代城2号楼1单元1203室"),
    "联系电话": ("phone", "13800138000"),
    "出生日期": ("birth_date", "1949-12-31"),  # inputMask 0000-00-00
    "工作单位": ("employer", "广西壮族自治区南宁市青秀区人力资源和社会保障局"),
}


def _driver(home: Path) -> DesktopDriver:
    d = DesktopDriver()
    d.start(make_ctx(home))
    return d


def test_fills_chinese_values_exactly_and_restores_the_clipboard(
        formapp: Callable[..., FormApp], home: Path) -> None:
    app = formapp()
    d = _driver(home)
    assert isinstance(d, Driver) and d.kind == "desktop"
    inp.set_clipboard_text("办事员自己复制的内容")
    d.open(TITLE, 15)
    assert TITLE in d.where()
    for label, (_, value) in PERSON.items():
        assert d.fill(Locator(label=label), value, 5) == value
    # choose and check return what the screen shows afterwards: the step compares it, as fill's read-back
    assert d.choose(Locator(label="民族"), "壮族", 5) == "壮族"
    assert d.choose(Locator(label="性别"), "女", 5) == "女"
    assert d.check(Locator(label="本人承诺所填信息真实"), True, 5) is True
    assert d.check(Locator(label="本人承诺所填信息真实"), True, 5) is True  # already on: stays on
    d.click(Locator(text="保存"), 5)
    got = app.values()
    assert {k: got[k] for k, _ in PERSON.values()} == {k: v for k, v in PERSON.values()}
    assert (got["ethnic"], got["sex"], got["agree"]) == ("壮族", "女", True)
    assert inp.get_clipboard_text() == "办事员自己复制的内容"
    assert d.stats["retries"] == 0


def test_missing_label_raises_with_annotated_evidence(formapp: Callable[..., FormApp], home: Path) -> None:
    formapp()
    d = _driver(home)
    d.open(TITLE, 15)
    with pytest.raises(DriverError) as e:
        d.fill(Locator(label="护照号码"), "E12345678", 0.5)
    err = e.value
    assert "护照号码" in err.message and "E12345678" not in err.message
    assert any("OCR label '护照号码'" in t for t in err.tried)
    assert any("nearest OCR texts" in t for t in err.tried)
    assert err.evidence is not None and err.evidence[:8] == b"\x89PNG\r\n\x1a\n"
    img = np.asarray(Image.open(io.BytesIO(err.evidence)).convert("RGB"))
    blue = (img[:, :, 2] > 200) & (img[:, :, 0] < 60) & (img[:, :, 1] < 130)
    assert blue.sum() > 200  # the OCR boxes are drawn


def test_layout_cache_serves_the_second_run_and_notices_a_shifted_form(
        formapp: Callable[..., FormApp], home: Path) -> None:
    labels = ["姓名", "身份证号", "户籍地址"]
    app = formapp()
    first = _driver(home)
    first.open(TITLE, 15)
    for lab in labels:
        first.fill(Locator(label=lab), PERSON[lab][1], 5)
    assert first.stats["full_ocr"] == 1
    app.stop()

    app = formapp()
    second = _driver(home)
    second.open(TITLE, 15)
    for lab in labels:
        second.fill(Locator(label=lab), PERSON[lab][1], 5)
    assert second.stats["full_ocr"] == 0 and second.stats["cache_hits"] == len(labels)
    app.stop()

    app = formapp("--shift", "40")  # same window title, every widget moved
    third = _driver(home)
    third.open(TITLE, 15)
    for lab in labels:
        third.fill(Locator(label=lab), PERSON[lab][1], 5)
    assert third.stats["cache_misses"] >= 1 and third.stats["full_ocr"] >= 1
    third.click(Locator(text="保存"), 5)
    got = app.values()
    assert [got["name"], got["id_number"], got["address"]] == [PERSON[lab][1] for lab in labels]


def test_a_window_not_painted_yet_is_waited_for_and_keeps_the_layout_cache(
        formapp: Callable[..., FormApp], home: Path) -> None:
    """A client starved of CPU maps its window before it paints it: X shows it black, and two equal frames say
    nothing about whether it is drawn. A cached page must not be judged (and dropped) against nothing: the
    driver waits for something drawn (seen under load in CI: every cached page dropped, the run fell back to
    full OCR)."""
    labels = ["姓名", "身份证号"]
    app = formapp()
    first = _driver(home)
    first.open(TITLE, 15)
    for lab in labels:
        first.fill(Locator(label=lab), PERSON[lab][1], 5)
    app.stop()

    app = formapp("--paint-late", "1.5")
    second = _driver(home)
    second.open(TITLE, 15)
    for lab in labels:
        second.fill(Locator(label=lab), PERSON[lab][1], 8)
    assert (second.stats["cache_misses"], second.stats["full_ocr"]) == (0, 0), second.trace
    assert second.stats["cache_hits"] == len(labels)
    second.click(Locator(text="保存"), 5)
    got = app.values()
    assert [got["name"], got["id_number"]] == [PERSON[lab][1] for lab in labels]


def test_dialog_read_wait_and_keys(formapp: Callable[..., FormApp], home: Path) -> None:
    app = formapp()
    d = _driver(home)
    d.open(TITLE, 15)
    d.fill(Locator(label="姓名"), "张三", 5)
    assert not d.probe(Condition(text="个人账号"))
    d.arm_dialog(True, "确认提交吗", None)
    d.click(Locator(text="提交"), 5)
    assert d.dialog_log and d.dialog_log[-1]["answered"] == "确定"
    d.wait_for(Condition(text="个人账号"), 5)
    assert d.read(ReadSpec(after="个人账号："), 5) == "6222021001123456"
    assert d.read(ReadSpec(after="个人账号", pattern=r"(\d{4})$"), 5) == "3456"
    assert app.values()["submitted"] is True
    d.press("ctrl+a", Locator(label="姓名"), 5)  # a chord into a field: no error, no Return
    with pytest.raises(DriverError, match="timed out waiting for text '不会出现的文字'"):
        d.wait_for(Condition(text="不会出现的文字"), 0.5)
    assert d.probe(Condition(window=TITLE)) and d.probe(Condition(window="另一个窗口", gone=True))
    png = d.screenshot()
    assert Image.open(io.BytesIO(png)).size[0] > 300


def test_unknown_item_in_a_combo_box_lists_the_items(formapp: Callable[..., FormApp], home: Path) -> None:
    formapp()
    d = _driver(home)
    d.open(TITLE, 15)
    with pytest.raises(DriverError, match="no such item") as e:
        d.choose(Locator(label="性别"), "第三性", 3)
    assert any("男" in t and "女" in t for t in e.value.tried)
    d.choose(Locator(label="性别"), "女", 3)  # the list was closed again: the next step works


def test_open_waits_for_a_missing_window_then_names_it(display: str, home: Path) -> None:
    d = _driver(home)
    with pytest.raises(DriverError, match="no window titled '不存在的系统'"):
        d.open("不存在的系统", 0.3)
    with pytest.raises(DriverError, match="no window is open"):
        d.fill(Locator(label="姓名"), "x", 0.1)
