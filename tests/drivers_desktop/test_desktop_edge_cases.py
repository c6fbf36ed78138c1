"""DesktopDriver: the layout cache keeps no citizen data, a field that alters its value fails clearly after
two tries, and `open` polls for a slow window (and names one that never comes)."""

from __future__ import annotations

import io
import json
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from desktop_form_helpers import TITLE, FormApp, make_ctx
from PIL import Image

from clerkdesk.drivers.desktop import DesktopDriver
from clerkdesk.recipe.driver import Condition, DriverError, Locator, ReadSpec
from clerkdesk.sandbox.desktop import launch
from clerkdesk.sandbox.desktop.layout import MAIN_TITLE

pytestmark = [pytest.mark.desktop, pytest.mark.ocr]

VALUES = {
    "姓名": "欧阳娜娜",
    "身份证号": "11010519491231002X",
    "户籍地址": "广西壮族自治区南宁市青秀区民族大道100号",
    "联系电话": "13977112345",
    "工作单位": "南宁市青秀区人力资源和社会保障局",
}
ACCOUNT = "6222021001123456"  # what the form shows after 提交 (read by the driver)


def _driver(home: Path) -> DesktopDriver:
    d = DesktopDriver()
    d.start(make_ctx(home))
    return d


def _secrets() -> list[str]:
    """Every value, and every 3-character piece of the Chinese ones (a name or an address cut short)."""
    out = [*VALUES.values(), ACCOUNT]
    for v in VALUES.values():
        out += [v[i:i + 3] for i in range(len(v) - 2) if not v[i:i + 3].isascii()]
    return out


def _assert_no_values_under(folder: Path) -> None:
    files = [p for p in folder.rglob("*") if p.is_file()]
    assert files, "the layout cache wrote nothing"
    for p in files:
        raw = p.read_bytes()
        texts = [raw.decode("utf-8", "replace"), json.dumps(json.loads(raw), ensure_ascii=False)]
        for s in _secrets():
            escaped = json.dumps(s)[1:-1].encode()  # the \\uXXXX form of a JSON string
            assert s.encode() not in raw and escaped not in raw, (p.name, s)
            assert all(s not in t for t in texts), (p.name, s)


def test_layout_cache_keeps_no_values_and_still_serves_the_second_run(
        formapp: Callable[..., FormApp], home: Path) -> None:
    app = formapp()
    d = _driver(home)
    d.open(TITLE, 15)
    for label, value in VALUES.items():
        assert d.fill(Locator(label=label), value, 5) == value
    d.click(Locator(text="保存"), 5)
    # After 提交 the form shows 个人账号：… beside the filled boxes: a full OCR now sees every value on screen.
    d.arm_dialog(True, "确认提交吗", None)
    d.click(Locator(text="提交"), 5)
    d.wait_for(Condition(text="个人账号"), 5)
    assert d.read(ReadSpec(after="个人账号："), 5) == ACCOUNT
    assert d.stats["full_ocr"] >= 2
    assert app.values()["submitted"] is True
    app.stop()
    _assert_no_values_under(home / "layout-cache")

    app = formapp()
    again = _driver(home)
    again.open(TITLE, 15)
    for label, value in VALUES.items():
        assert again.fill(Locator(label=label), value, 5) == value
    again.click(Locator(text="保存"), 5)
    assert (again.stats["full_ocr"], again.stats["cache_misses"]) == (0, 0), again.trace
    assert again.stats["cache_hits"] == len(VALUES) + 1
    got = app.values()
    assert [got[k] for k in ("name", "id_number", "address", "phone", "employer")] == list(VALUES.values())
    _assert_no_values_under(home / "layout-cache")


def test_a_field_that_alters_the_value_fails_after_two_tries_with_the_crop(
        formapp: Callable[..., FormApp], home: Path) -> None:
    formapp("--maxlen", "name=3")  # the 姓名 box drops the 4th character of 欧阳娜娜
    d = _driver(home)
    d.open(TITLE, 15)
    with pytest.raises(DriverError) as e:
        d.fill(Locator(label="姓名"), "欧阳娜娜", 5)
    err = e.value
    assert err.message.startswith("fill label 姓名: ") and "after 2 tries (pasted twice" in err.message
    assert "OCR read 3 characters, expected 4" in err.message
    assert not any(s in err.message + " ".join(err.tried) for s in ("欧阳娜娜", "欧阳娜", "阳娜"))
    assert d.stats["retries"] == 1
    assert err.evidence is not None and err.evidence.startswith(b"\x89PNG\r\n\x1a\n")
    crop = Image.open(io.BytesIO(err.evidence))
    assert 240 + 60 <= crop.width < 560 and 20 + 60 <= crop.height <= 100  # the box and 30 px around it
    px = np.asarray(crop.convert("RGB"))
    assert ((px[:, :, 0] > 200) & (px[:, :, 1] < 40) & (px[:, :, 2] < 40)).sum() > 100  # the box marked in red
    # the next field still works
    assert d.fill(Locator(label="身份证号"), VALUES["身份证号"], 5) == VALUES["身份证号"]


def test_open_polls_for_a_slow_window(formapp: Callable[..., FormApp], home: Path) -> None:
    formapp("--delay", "2.5")
    d = _driver(home)
    t0 = time.monotonic()
    d.open(TITLE, 15)
    took = time.monotonic() - t0
    assert 2.0 <= took < 12, took  # waited for the window, not for the whole timeout
    assert d.fill(Locator(label="姓名"), "张三", 5) == "张三"


def test_a_window_that_never_comes_fails_within_the_timeout_naming_it(display: str, home: Path) -> None:
    d = _driver(home)
    t0 = time.monotonic()
    with pytest.raises(DriverError) as e:
        d.open("不动产登记系统 V5", 2)
    took = time.monotonic() - t0
    assert 2 <= took < 3.5, took
    assert "no window titled '不动产登记系统 V5' within 2 s" in e.value.message
    assert any(t.startswith("open windows:") for t in e.value.tried)


@pytest.mark.slow
def test_open_waits_for_the_sandbox_clients_slow_main_window(display: str, home: Path, tmp_path: Path) -> None:
    """The sandbox client's own `--fault slow_open`: its main window appears ~3 s after login."""
    proc = launch(tmp_path / "gjj.jsonl", "--operator", "0001", "--open", "open", "--fault", "slow_open")
    try:
        d = _driver(home)
        t0 = time.monotonic()
        d.open(MAIN_TITLE, 30)
        took = time.monotonic() - t0
        assert 2.5 <= took < 25, took
        d.wait_for(Condition(text="基本信息"), 15)
        assert d.fill(Locator(label="姓名"), "诸葛亮", 5) == "诸葛亮"
    finally:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
