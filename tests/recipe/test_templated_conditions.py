"""Templates in conditions and texts: what the step hands the driver, what the plan checks, what a log may say.

The steps run here through a fast fake ``Exec`` and driver (the real engine and Chromium run the same recipe
words in tests/web/test_conditions_in_chromium.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clerkdesk.errors import PlanError
from clerkdesk.recipe import values
from clerkdesk.recipe.driver import Condition, DriverError, Locator
from clerkdesk.recipe.loader import load_recipe
from clerkdesk.recipe.steps import STEPS, Step, masked
from clerkdesk.recipe.systems import System

SYSTEM = System("local", "本地", "web", mark=None, start_url="http://127.0.0.1:9/",  # type: ignore[arg-type]
                origins=("http://127.0.0.1:9",))


class FakeDriver:
    kind = "web"

    def __init__(self, shown: str = "") -> None:
        self.shown = shown
        self.seen: list[Any] = []

    def wait_for(self, cond: Condition, timeout: float) -> None:
        self.seen.append(cond)
        if cond.text is not None and cond.text not in self.shown:
            raise DriverError(f"text {cond.text!r} not shown on page http://127.0.0.1:9/", [f"text {cond.text!r}"])

    def probe(self, cond: Condition) -> bool:
        self.seen.append(cond)
        return cond.text is not None and cond.text in self.shown

    def arm_dialog(self, accept: bool, text: str | None, prompt: str | None) -> None:
        self.seen.append(("dialog", accept, text))

    def enter_window(self, title: str | None, url: str | None, timeout: float) -> None:
        self.seen.append(("window", title, url))

    def leave_window(self) -> None:
        pass


class FakeExec:
    """Renders like the engine's Exec (one environment, the record as data), runs children in order."""

    def __init__(self, driver: FakeDriver, data: dict[str, Any]) -> None:
        self.driver = driver
        self.env = values.make_env()
        self.data = data
        self.ran: list[str] = []
        self.humans: list[Condition | None] = []

    def value(self, step: Step, key: str) -> str:
        return values.render(self.env, str(step.args.get(key, "")), self.data)

    def timeout(self, step: Step) -> float:
        return 1.0

    def human(self, step: Step, message: str, until: Condition | None) -> None:
        self.humans.append(until)
        if until is not None:
            self.driver.wait_for(until, 1.0)

    def run_children(self, step: Step, key: str = "steps", bind: dict[str, Any] | None = None) -> None:
        self.ran.append(key)


def _recipe(tmp_path: Path, steps: str) -> Any:
    p = tmp_path / "local" / "r.yaml"
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text("recipe: local.r\ntitle: r\nsystem: local\nfields:\n  case.month: {zh: 月份}\nsteps:\n" + steps,
                 encoding="utf-8")
    return load_recipe(p, {"local": SYSTEM})


def _run(step: Step, x: FakeExec) -> None:
    STEPS[step.kind].perform(x, step)  # type: ignore[arg-type]


@settings(max_examples=40, deadline=None)
@given(month=st.integers(1, 12))
def test_wait_expect_when_and_human_get_the_rendered_text(tmp_path_factory: Any, month: int) -> None:
    tmp = tmp_path_factory.mktemp("r")
    r = _recipe(tmp, """  - wait: {text: "{{ case.month }}月"}
  - expect: {element: {label: "{{ case.month }}月份"}}
  - when: {shown: {text: "第{{ case.month }}页"}, steps: [{click: {text: x}}], else: [{click: {text: y}}]}
  - human: {message: 请登录, until: {url: "/m{{ case.month }}"}}
  - dialog: {action: accept, text: "确认{{ case.month }}月？"}
  - window: {title: "{{ case.month }}月日历", steps: [{click: {text: 确定}}]}
""")
    d = FakeDriver(shown=f"{month}月 第{month}页")
    x = FakeExec(d, {"case": {"month": month}})
    for s in r.steps:
        _run(s, x)
    wait, expect, when, until = d.seen[:4]
    assert wait.text == f"{month}月"
    assert expect.element == Locator(label=f"{month}月份")
    assert when.text == f"第{month}页" and x.ran[0] == "steps"
    assert x.humans[0] == until and until.url == f"/m{month}"
    assert d.seen[4] == ("dialog", True, f"确认{month}月？")
    assert d.seen[5] == ("window", f"{month}月日历", None)


def test_a_plan_stops_on_a_condition_template_before_anything_runs(tmp_path: Path) -> None:
    from clerkdesk.engine.plan import plan_case

    r = _recipe(tmp_path, '  - open: /x\n  - wait: {text: "{{ case.month | date(\'%m\') }}月"}\n')
    with pytest.raises(PlanError) as e:
        plan_case([r], {"local": SYSTEM}, {"person": {}, "case": {"month": "not a date"}})
    assert "step wait" in str(e.value) and "r.yaml:8:18" in str(e.value)


NAMES = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=2, max_size=6)


@settings(max_examples=60, deadline=None)
@given(name=NAMES, extra=NAMES)
def test_a_driver_error_about_a_rendered_text_names_the_template_only(name: str, extra: str) -> None:
    source = "申请人{{ person.name }}"
    rendered = f"申请人{name}"
    err = DriverError(f"text {rendered!r} not shown; also {name} and {extra}", [f"text {rendered!r}"],
                      retryable=False, nothing_sent=True)
    with pytest.raises(DriverError) as got, masked([(rendered, source), (name, "{{ person.name }}")]):
        raise err
    assert name not in got.value.message and all(name not in t for t in got.value.tried)
    assert source in got.value.message and got.value.nothing_sent and not got.value.retryable


def test_a_one_character_value_is_not_masked_so_the_message_stays_readable() -> None:
    err = DriverError("text '7' not shown within 1s on http://127.0.0.1:8601/x")
    with pytest.raises(DriverError) as got, masked([("7", "{{ case.month }}")]):
        raise err
    assert got.value.message == err.message
