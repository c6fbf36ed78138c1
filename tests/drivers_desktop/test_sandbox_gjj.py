"""DesktopDriver fills the 住房公积金 sandbox client's 个人开户 form (15 fields on two tabs) and
the client's own log shows exactly what was meant; then again from the layout cache, then with
a shifted layout and with a pop-up notice."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from desktop_form_helpers import make_ctx

from clerkdesk.drivers.desktop import DesktopDriver
from clerkdesk.recipe.driver import Condition, DriverError, Locator, ReadSpec
from clerkdesk.sandbox.desktop import launch
from clerkdesk.vision import windows

pytestmark = [pytest.mark.desktop, pytest.mark.ocr, pytest.mark.slow]

MAIN = "住房公积金业务管理系统 V3.2"
BASIC = {  # tab 基本信息
    "姓名": "欧阳娜娜",
    "证件号码": "11010519491231002X",
    "出生日期": "1949-12-31",
    "家庭住址": "北京市朝阳区建国路88号SOHO现代城2号楼1单元1203室",
    "手机号码": "13800138000",
    "固定电话": "010-65123456",
}
BASIC_CHOICES = {"证件类型": "居民身份证", "性别": "女", "民族": "土家族", "婚姻状况": "已婚"}
UNIT = {  # tab 单位信息
    "单位名称": "北京市朝阳区人力资源和社会保障局",
    "单位账号": "100200300400",
    "月缴存基数": "8500.50",
    "开户日期": "2026-11-01",
}
UNIT_CHOICES = {"个人缴存比例": "8%"}


@pytest.fixture(scope="module")
def cache_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("gjj-home")


class Gjj:
    def __init__(self, log: Path, *faults: str):
        self.log = log
        args = [a for f in faults for a in ("--fault", f)]
        self.proc = launch(log, "--operator", "0001", "--open", "open", "--seed", "7", *args)

    def records(self) -> list[dict[str, object]]:
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            if self.log.exists() and self.log.read_text(encoding="utf-8").strip():
                break
            time.sleep(0.05)
        return [json.loads(line) for line in self.log.read_text(encoding="utf-8").splitlines() if line.strip()]

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()


@pytest.fixture
def gjj(display: str, tmp_path: Path) -> Iterator[type[Gjj]]:
    started: list[Gjj] = []

    class Started(Gjj):
        def __init__(self, *faults: str):
            super().__init__(tmp_path / f"gjj{len(started)}.jsonl", *faults)
            started.append(self)

    yield Started
    for g in started:
        g.stop()


def _open(d: DesktopDriver) -> None:
    d.open(MAIN, 20)
    d.wait_for(Condition(text="基本信息"), 15)


def _save_and_read_account(d: DesktopDriver) -> str:
    d.click(Locator(text="保存", exact=True), 5)
    account = d.read(ReadSpec(after="个人账号：", pattern=r"(GJ\d{12})"), 10)
    d.click(Locator(text="确定", exact=True), 5)
    return account


def _fill_everything(d: DesktopDriver) -> str:
    for label, value in BASIC.items():
        assert d.fill(Locator(label=label), value, 5) == value
    for label, value in BASIC_CHOICES.items():
        d.choose(Locator(label=label), value, 5)
    d.click(Locator(text="单位信息"), 5)
    for label, value in UNIT.items():
        assert d.fill(Locator(label=label), value, 5) == value
    for label, value in UNIT_CHOICES.items():
        d.choose(Locator(label=label), value, 5)
    return _save_and_read_account(d)


def _expected() -> dict[str, str]:
    return {**BASIC, **BASIC_CHOICES, **UNIT, **UNIT_CHOICES, "单位缴存比例": "12%"}


def test_open_account_first_run_then_from_the_layout_cache(gjj: type[Gjj], cache_home: Path) -> None:
    client = gjj()
    d = DesktopDriver()
    d.start(make_ctx(cache_home))
    _open(d)
    account = _fill_everything(d)
    (rec,) = client.records()
    assert rec["matter"] == "个人开户" and rec["account"] == account
    assert rec["fields"] == _expected()
    assert d.stats["full_ocr"] >= 2  # both tabs were read in full once
    client.stop()

    client = gjj()
    again = DesktopDriver()
    again.start(make_ctx(cache_home))
    _open(again)
    for label, value in BASIC.items():
        again.fill(Locator(label=label), value, 5)
    for label, value in BASIC_CHOICES.items():
        again.choose(Locator(label=label), value, 5)
    again.click(Locator(text="单位信息"), 5)
    for label, value in UNIT.items():
        again.fill(Locator(label=label), value, 5)
    for label, value in UNIT_CHOICES.items():
        again.choose(Locator(label=label), value, 5)
    ocr_before_save = again.stats["full_ocr"]
    _save_and_read_account(again)
    assert (ocr_before_save, again.stats["cache_misses"]) == (0, 0), (again.stats, again.trace)
    assert again.stats["cache_hits"] >= len(_expected()) - 1
    (rec,) = client.records()
    assert rec["fields"] == _expected()


def test_shifted_layout_invalidates_the_cache(gjj: type[Gjj], cache_home: Path) -> None:
    # run after the test above (same module-scoped cache folder)
    client = gjj("shifted")
    d = DesktopDriver()
    d.start(make_ctx(cache_home))
    _open(d)
    for label in ("姓名", "证件号码", "家庭住址", "手机号码"):
        d.fill(Locator(label=label), BASIC[label], 5)
    d.choose(Locator(label="婚姻状况"), "已婚", 5)
    assert d.stats["cache_misses"] >= 1
    _save_and_read_account(d)
    (rec,) = client.records()
    fields = rec["fields"]
    assert isinstance(fields, dict)
    assert {k: fields[k] for k in ("姓名", "证件号码", "家庭住址", "手机号码", "婚姻状况")} == {
        **{k: BASIC[k] for k in ("姓名", "证件号码", "家庭住址", "手机号码")}, "婚姻状况": "已婚"}


def test_notice_busy_client_and_no_return(gjj: type[Gjj], tmp_path: Path) -> None:
    """A notice box pops up after the form opens (dismissed by the standing rule), every field ignores
    keys for up to 1.2 s after it is clicked (the paste is retried), and nothing is ever saved by a
    stray Return."""
    client = gjj("notice", "busy")
    d = DesktopDriver()
    d.start(make_ctx(tmp_path / "home", dismiss_dialogs=["系统公告"]))
    d.open(MAIN, 20)
    deadline = time.monotonic() + 8
    while not windows.find_windows("系统公告") and time.monotonic() < deadline:
        time.sleep(0.1)  # the client shows its notice 1-3 s after the form opens
    d.fill(Locator(label="姓名"), "张三丰", 8)
    assert [e["title"] for e in d.dialog_log] == ["系统公告"]
    d.fill(Locator(label="证件号码"), "11010119900307777X", 5)
    assert client.log.exists() is False  # nothing saved behind our back (no Return)
    assert d.stats["retries"] >= 1  # the busy client swallowed a paste; the retry got it in
    _save_and_read_account(d)
    (rec,) = client.records()
    fields = rec["fields"]
    assert isinstance(fields, dict) and (fields["姓名"], fields["证件号码"]) == ("张三丰", "11010119900307777X")
    with pytest.raises(DriverError) as e:  # a label this client does not have: the near misses are named
        d.fill(Locator(label="护照号码"), "E1234", 0.2)
    assert e.value.evidence and e.value.evidence.startswith(b"\x89PNG")
    assert any("证件号码" in t for t in e.value.tried)
