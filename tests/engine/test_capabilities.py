"""A recipe step that needs a driver capability (frames, popup windows, uploads) on a system whose driver lacks it:
the engine says which step needs what, before the driver starts — nothing is typed into the system."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from clerkdesk.desk import CaseRequest, Desk, FillOptions
from clerkdesk.recipe.catalog import Catalog
from clerkdesk.recipe.driver import (
    AwaitsSystem,
    Condition,
    Driver,
    DriverContext,
    DriverError,
    FramesCapable,
    Locator,
    ReadSpec,
    UploadsFiles,
    WindowsCapable,
    as_windows,
)
from tests.support.fake_system import FakeClerk, World

SYSTEM = """\
system: fake
title: 测试系统
kind: web
start_url: http://127.0.0.1:9/
origins: ["http://127.0.0.1:9"]
login: none
"""
RECIPE = """\
recipe: fake.r
title: 测试事项
system: fake
steps:
  - open: /form
  - fill: {label: 姓名, value: "{{ person.name }}"}
  - when:
      shown: {text: 单位信息}
      steps:
        - frame: {name: unit, steps: [{fill: {label: 单位, value: "x"}}]}
  - submit: {click: {role: button, name: 提交}}
  - expect: {text: 受理成功}
"""
PERSON = {"name": "测试", "id_number": "11010519491231002X", "sex": "2", "birth_date": "1949-12-31"}


class CoreOnlyDriver:
    """Does what every driver does (``Driver``) and nothing optional; records every call it gets."""

    kind = "web"

    def __init__(self) -> None:
        self.calls: list[str] = []

    def start(self, ctx: DriverContext) -> None: self.calls.append("start")
    def close(self) -> None: self.calls.append("close")
    def open(self, where: str, timeout: float) -> None: self.calls.append("open")
    def fill(self, loc: Locator, value: str, timeout: float) -> str:
        self.calls.append("fill")
        return value
    def choose(self, loc: Locator, value: str, timeout: float) -> str | None: return None
    def check(self, loc: Locator, on: bool, timeout: float) -> bool | None: return None
    def click(self, loc: Locator, timeout: float) -> None: self.calls.append("click")
    def press(self, keys: str, loc: Locator | None, timeout: float) -> None: ...
    def wait_for(self, cond: Condition, timeout: float) -> None: ...
    def probe(self, cond: Condition) -> bool: return True
    def read(self, spec: ReadSpec, timeout: float) -> str: return ""
    def screenshot(self) -> bytes: return b""
    def arm_dialog(self, accept: bool, text: str | None, prompt: str | None) -> None: ...
    def where(self) -> str: return "nowhere"


def test_the_core_driver_is_a_driver_and_nothing_more() -> None:
    d = CoreOnlyDriver()
    assert isinstance(d, Driver)
    for cap in (FramesCapable, WindowsCapable, UploadsFiles, AwaitsSystem):
        assert not isinstance(d, cap), cap


def test_a_step_reaching_a_missing_capability_names_it() -> None:
    d = CoreOnlyDriver()
    try:
        as_windows(d, "window")
    except DriverError as e:
        assert "'window'" in e.message and "the web driver cannot act in popup windows" in e.message
        assert e.nothing_sent and not e.retryable
    else:
        raise AssertionError("as_windows accepted a driver without windows")


def test_engine_refuses_a_recipe_whose_step_the_driver_cannot_do(tmp_path: Path) -> None:
    rec = tmp_path / "recipes"
    (rec / "systems").mkdir(parents=True)
    (rec / "fake").mkdir()
    (rec / "systems" / "fake.yaml").write_text(SYSTEM, encoding="utf-8")
    (rec / "fake" / "r.yaml").write_text(RECIPE, encoding="utf-8")
    desk = Desk(tmp_path / "home")
    desk.session.catalog = Catalog(rec)
    drivers: list[CoreOnlyDriver] = []

    def make(kind: str) -> Any:
        drivers.append(CoreOnlyDriver())
        return drivers[-1]

    res = desk.fill(CaseRequest("person", dict(PERSON), ("fake.r",), {}), FakeClerk(World([])),
                    FillOptions(driver_factory=make, timeout_factor=0.01, answer_wait=0))
    row = desk.store.runs.get(res.runs["fake.r"])
    assert row.status == "failed", row
    text = str(row.data.get("message"))
    assert "step 'frame' cannot run on system fake: the web driver cannot act inside frames" in text, text
    assert "step 3 frame" in text and "r.yaml:10:" in text, text  # the `when` holding it; the frame step's line
    assert drivers and drivers[0].calls == [], drivers[0].calls  # never started: nothing typed, nothing clicked
