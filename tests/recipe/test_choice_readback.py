"""The read-back rules of `choose` and `check`, the cascader path of `region('path')`, and the wording of a
Playwright error as a step error (fast: no browser; the real-browser side is tests/web/test_portal_kits.py)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clerkdesk.drivers.web import playwright_error
from clerkdesk.drivers.web.kits import path_parts
from clerkdesk.recipe.driver import DriverError, Locator
from clerkdesk.recipe.steps import STEPS, Step, shows_choice
from clerkdesk.recipe.values import f_region

NAME = st.text(alphabet="山东省青岛市南区广州天河北京朝阳高新技术产业开发区", min_size=1, max_size=8)


@given(st.lists(NAME, min_size=2, max_size=4), st.sampled_from([" / ", "/", " > ", "-", "，", "／"]))
def test_a_path_matches_the_field_whatever_separator_it_shows(parts: list[str], sep: str) -> None:
    assert shows_choice(sep.join(parts), "/".join(parts))
    assert shows_choice(parts[-1], "/".join(parts))  # a cascader that shows the last level only
    assert path_parts(" / ".join(parts)) == parts


@given(st.lists(NAME, min_size=2, max_size=4), st.integers(0, 3), NAME)
def test_a_path_with_another_level_does_not_match(parts: list[str], i: int, other: str) -> None:
    changed = list(parts)
    changed[i % len(parts)] = other
    if changed != parts:
        assert not shows_choice(" / ".join(changed), "/".join(parts))


def test_single_values_compare_whole_text_without_spaces() -> None:
    assert shows_choice("男", "男") and shows_choice(" 100% ", "100%") and shows_choice("ＡＢ", "AB")
    assert not shows_choice("临时居民身份证", "居民身份证") and not shows_choice("", "男")


@given(st.dates(), st.sampled_from(["{y}-{m}-{d}", "{y}-{m:02d}-{d:02d}", "{y}/{m}/{d}", "{y}年{m}月{d}日", "{y}.{m:02d}.{d:02d}"]),
       st.sampled_from(["{y}-{m}-{d}", "{y}-{m:02d}-{d:02d}", "{y}年{m:02d}月{d:02d}日"]))
def test_a_date_shows_the_chosen_date_whatever_its_separators_and_padding(day: object, shown: str, chosen: str) -> None:
    import datetime as dt

    assert isinstance(day, dt.date)
    if day.year < 1000:
        return
    y, m, d = day.year, day.month, day.day
    assert shows_choice(shown.format(y=y, m=m, d=d), chosen.format(y=y, m=m, d=d))
    other = day + dt.timedelta(days=1)
    assert not shows_choice(shown.format(y=other.year, m=other.month, d=other.day), chosen.format(y=y, m=m, d=d))


def test_a_date_among_other_words_is_not_a_date() -> None:
    assert not shows_choice("2025-09-05 上午", "2025-9-5") and not shows_choice("No 2025-9-5", "2025-09-05")


def test_region_path_names_the_three_levels() -> None:
    assert f_region("370202", "path") == "山东省/青岛市/市南区"
    assert f_region("110101", "path") == "北京市/北京市/东城区"  # municipalities repeat the name, like city_name


class _Exec:
    """Just enough of the engine for one `choose` or `check` step with a driver that reports a read-back."""

    def __init__(self, shown: Any) -> None:
        outer = self

        class D:
            def choose(self, loc: Locator, value: str, timeout: float) -> Any:
                return outer.shown

            def check(self, loc: Locator, on: bool, timeout: float) -> Any:
                return outer.shown

        self.shown, self.driver = shown, D()

    def value(self, s: Step, key: str) -> str:
        return str(s.args[key])

    def truthy(self, s: Step, key: str) -> bool:
        return bool(s.args[key])

    def locator(self, s: Step, key: str | None = None) -> Locator:
        return s.locator(key)

    def timeout(self, s: Step) -> float:
        return 1.0

    def filled(self, s: Step, label: str, value: str) -> None:
        pass


def _run(kind: str, args: dict[str, Any], shown: Any) -> None:
    from clerkdesk.errors import Mark

    STEPS[kind].perform(_Exec(shown), Step(kind, args, Mark(None, 1, 1)))  # type: ignore[arg-type]


def test_choose_and_check_fail_when_the_page_shows_something_else() -> None:
    _run("choose", {"label": "性别", "value": "男"}, "男")
    _run("choose", {"label": "性别", "value": "男"}, None)  # a native control: nothing to compare
    with pytest.raises(DriverError, match="read-back differs from what was chosen in label 性别"):
        _run("choose", {"label": "性别", "value": "男"}, "女")
    _run("check", {"label": "同意", "value": True}, True)
    with pytest.raises(DriverError, match="label 同意 is still unticked after the click"):
        _run("check", {"label": "同意", "value": True}, False)


COVERED = """Locator.click: Timeout 1500ms exceeded.
Call log:
  - waiting for get_by_role("button", name="下一步")
    - locator resolved to <button type="button" class="el-button">…</button>
  - attempting click action
    2 × waiting for element to be visible, enabled and stable
      - element is visible, enabled and stable
      - scrolling into view if needed
      - done scrolling
      - <div class="el-picker-panel__body">…</div> from <div class="el-picker-panel">…</div> subtree intercepts pointer events
    - retrying click action
"""


def test_a_playwright_error_becomes_a_step_error_naming_what_covered_the_click() -> None:
    e = playwright_error("click", "role='button', name='下一步'", "http://x/portal", Exception(COVERED), ["role button"])
    assert e.message == ("click role='button', name='下一步' did not happen within 1.5s on http://x/portal: another "
                         'element covers it: <div class="el-picker-panel__body">…</div> from <div '
                         'class="el-picker-panel">…</div> subtree')
    assert e.tried[0] == "role button" and e.tried[-1] == "browser: retrying click action"
    assert e.nothing_sent  # "performing click action" was never logged: the browser sent nothing


def test_a_click_that_may_have_been_dispatched_is_never_reported_as_not_sent() -> None:
    sent = COVERED + "  - performing click action\n  - <div> from <div> subtree intercepts pointer events\n"
    assert not playwright_error("click", "x", "y", Exception(sent), []).nothing_sent
    closed = "Locator.click: Target page, context or browser has been closed"
    e = playwright_error("click", "x", "y", Exception(closed), [])
    assert not e.nothing_sent and "has been closed" in e.message
