"""Benchmark: the recipe engine filling the sandbox portal (a component-kit wizard) vs a hand-written Playwright
script of the same wizard, on Element UI markup and on Ant Design markup.

Both run in the same Chromium build against the same portal (``clerkdesk.sandbox.web.portal``), from opening the
wizard to the receipt read from the toast; the cascader's levels arrive 300 ms after each click. The engine runs
the worked example of docs/recipes.md section 9 (plain words only); the script is what a careful engineer writes
for this one page: kit class names, the visible popper, exact item texts, Enter in the date field, waits for
each popper to close. Prints medians over N runs each and the ratio engine/hand.

    .venv/bin/python bench/portal_fill.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the repository root: tests.support (helpers shared with the tests)
sys.path.insert(0, str(ROOT / "bench"))

PERSON = {"name": "王小明", "sex": "1", "ethnicity": "05", "birth_date": "1990-02-28", "hukou_region": "370202"}
FIELDS = 10  # 姓名 证件类型 性别 民族 出生日期 户籍所在地 缴费档次 参保日期 是否退役军人 承诺
START = date.today() + timedelta(days=40)  # 参保日期: its calendar opens at today's month


def hand_written(page: Any, url: str, kit: str) -> str:
    """What an engineer would write for this one wizard, by the kit's class names, with the waits it needs."""
    el = kit == "element"
    item_css, label_css = (".el-form-item", ".el-form-item__label") if el else (".ant-form-item", ".ant-form-item-label")
    pop_css = ".el-select-dropdown:visible, .el-cascader__dropdown:visible" if el else ".ant-select-dropdown:visible"

    def field(label: str) -> Any:
        return page.locator(item_css).filter(has=page.locator(label_css, has_text=re.compile(f"^{label}$")))

    def pick(label: str, text: str, typed: bool = False) -> None:
        field(label).locator(".el-select, .el-cascader" if el else ".ant-select-selector").click()
        pop = page.locator(pop_css)
        if typed:
            field(label).locator("input").fill(text)
        for part in text.split("/"):
            if el:
                pop.locator(".el-select-dropdown__item span, .el-cascader-node__label",
                            has_text=re.compile(f"^{part}$")).click()
            else:
                pop.locator(f".ant-select-item-option[title='{part}'], .ant-cascader-menu-item[title='{part}']").click()
        pop.wait_for(state="hidden")

    page.goto(url + "/portal", wait_until="domcontentloaded")
    page.get_by_text("1 基本信息").wait_for()
    field("姓名").locator("input").fill("王小明")
    pick("证件类型", "居民身份证")
    pick("性别", "男")
    pick("民族", "维吾尔族", typed=True)
    birth = field("出生日期").locator("input")
    birth.fill("1990-02-28")
    birth.press("Enter")
    page.locator(".el-picker-panel:visible" if el else ".ant-picker-dropdown:visible").wait_for(state="hidden")
    pick("户籍所在地", "山东省/青岛市/市南区")
    page.get_by_role("button", name="下一步").click()
    field("缴费档次").get_by_text("100%", exact=True).click()
    field("参保日期").locator("input").click()
    cal = page.locator(".el-picker-panel:visible" if el else ".ant-picker-dropdown:visible")
    for _ in range((START.year * 12 + START.month) - (date.today().year * 12 + date.today().month)):
        cal.locator("[aria-label=下个月]" if el else ".ant-picker-header-next-btn").click()
    cal.locator(f"td[data-date='{START.isoformat()}']" if el else f"td[title='{START.isoformat()}']").click()
    cal.wait_for(state="hidden")
    field("是否退役军人").locator("[role=switch]").click()
    page.get_by_text("本人承诺所填信息真实有效", exact=True).click()
    page.get_by_role("button", name="提交申请").click()
    toast = page.get_by_text(re.compile("受理编号"))
    return re.search(r"WT\d+", toast.inner_text()).group(0)  # type: ignore[union-attr]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    os.environ.setdefault("CLERKDESK_CONFIG", tempfile.mkdtemp(prefix="cd-bench-cfg-"))
    os.environ["CLERKDESK_KEYRING"] = "0"
    from _machine import cpu_model
    from playwright.sync_api import sync_playwright

    from clerkdesk.desk import Desk
    from clerkdesk.drivers.web import PlaywrightDriver
    from clerkdesk.drivers.web.browser import find_browser, launch_args
    from clerkdesk.engine import events as ev
    from clerkdesk.engine.plan import Target
    from clerkdesk.engine.run import Runner
    from clerkdesk.recipe.loader import load_recipe
    from clerkdesk.recipe.systems import load_system
    from clerkdesk.sandbox.web.portal import PortalServer
    from tests.support.clerks import SandboxClerk
    from tests.support.local_site import docs_recipe, write_system

    tmp = Path(tempfile.mkdtemp(prefix="cd-bench-"))
    desk = Desk(tmp / "home")
    exe = find_browser()
    results: dict[str, tuple[list[float], list[float]]] = {}
    for kit in ("element", "antd"):
        srv = PortalServer(kit)
        folder = write_system(tmp / kit, "portal", srv.url)
        system = load_system(folder / "systems" / "portal.yaml")
        (folder / "portal").mkdir()
        (folder / "portal" / "r.yaml").write_text(docs_recipe(), encoding="utf-8")
        recipe = load_recipe(folder / "portal" / "r.yaml", {"portal": system})
        engine_s: list[float] = []

        def engine_once(recipe: Any = recipe, system: Any = system, engine_s: list[float] = engine_s) -> None:
            cid = desk.store.cases.create(matter="bench", applicant_kind="person", applicant_key="k", record={},
                                          targets=[], fields={}, profile_id=None)
            rid = desk.store.runs.create(cid, recipe.id, "portal")
            marks: dict[str, float] = {}

            def on(e: ev.Event) -> None:
                if isinstance(e, ev.StepStarted) and "t0" not in marks:
                    marks["t0"] = time.perf_counter()
                elif isinstance(e, ev.StepSucceeded):
                    marks["t1"] = time.perf_counter()

            runner = Runner(desk.store.runs, SandboxClerk(), lambda t: PlaywrightDriver(), home=desk.home,
                            clerk_name="bench", on_event=on)
            out = runner.run(rid, Target(recipe, system), {"person": PERSON, "case": {"start_date": START.isoformat()}})
            assert out.status == "succeeded", out.message
            engine_s.append(marks["t1"] - marks["t0"])

        engine_once()  # warm-up, not counted
        engine_s.clear()
        for _ in range(args.runs):
            engine_once()
        hand_s: list[float] = []
        with sync_playwright() as pw:
            browser = pw.chromium.launch(headless=True, executable_path=exe, args=launch_args())
            page = browser.new_page(locale="zh-CN", viewport={"width": 1280, "height": 860})
            hand_written(page, srv.url, kit)  # warm-up
            for _ in range(args.runs):
                t0 = time.perf_counter()
                assert hand_written(page, srv.url, kit).startswith("WT")
                hand_s.append(time.perf_counter() - t0)
            browser.close()
        srv.stop()
        results[kit] = (engine_s, hand_s)

    print(f"machine: {os.cpu_count()} cores, {cpu_model()}, Python {platform.python_version()}, Chromium {exe}; "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"wizard: sandbox portal, {FIELDS} fields, cascader levels after 300 ms; {args.runs} runs each")
    for kit, (e_s, h_s) in results.items():
        e, h = statistics.median(e_s), statistics.median(h_s)
        print(f"{kit:8} engine (recipe) median {e * 1000:6.0f} ms   hand-written script median {h * 1000:6.0f} ms   "
              f"ratio engine/hand {e / h:.2f}")


if __name__ == "__main__":
    main()
