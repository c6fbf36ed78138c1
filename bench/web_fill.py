"""Benchmark: the recipe engine filling the 33-field HRSS 就业登记 form vs a hand-written Playwright script.

Both run in the same Chromium build against the same sandbox, logged in already, from opening the form to the
receipt read back; the cascading region selects answer after a fixed 300 ms (the sandbox's default is a random
200-800 ms). Prints medians over N runs each (engine batch, then script batch), the ratio engine/hand (target <= 1.15) and ms per field.

    .venv/bin/python bench/web_fill.py [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "web"))

FIELDS = 33
OPTION_THERE = "sel => !!document.querySelector(sel)"


def hand_written(page: Any, url: str, p: dict[str, str]) -> str:
    """What an engineer would write for this one form, by element ids, with the same waits for late options."""
    page.goto(url + "/employment/new", wait_until="domcontentloaded")
    page.fill("#aac003", p["name"])
    page.check("#aac004_1")
    page.fill("#aac002", p["id_number"])
    page.fill("#aac006", "1990-02-28")
    page.select_option("#aac005", "5")
    page.select_option("#aac009", "1")
    page.select_option("#aac011", "21")
    page.select_option("#aac017", "2")
    page.select_option("#aac024", "13")
    page.select_option("#aac033", "1")
    page.select_option("#aac010_prov", "650000")
    # wait for the late options as the engine does (every 50 ms): wait_for_selector backs off to polling every
    # 500 ms after ~0.3 s, which cost this script ~1 s per run and made the engine look better than it is
    page.wait_for_function(OPTION_THERE, arg="#aac010_city option[value='650100']", polling=50)
    page.select_option("#aac010_city", "650100")
    page.wait_for_function(OPTION_THERE, arg="#aac010 option[value='650102']", polling=50)
    page.select_option("#aac010", "650102")
    page.fill("#aac010_addr", "解放南路12号")
    page.click("#tab-2")
    page.fill("#aab004", "成都蓉城科技有限公司")
    page.fill("#aab998", "91110000600037341L")
    page.select_option("#aab022", "C")
    page.fill("#aae030", "2026-11-01")
    page.select_option("#acc012", "03")
    page.fill("#aca112", "会计")
    page.select_option("#acc010", "1")
    page.select_option("#acc011", "2")
    page.fill("#aac040", "6500.50")
    page.check("#acc013")
    page.fill("#acc014", "2026-11-01")
    page.fill("#acc015", "2029-10-31")
    page.click("#tab-3")
    page.fill("#aae006", p["current_address"])
    page.fill("#aae007", "610041")
    page.fill("#aae005", p["phone"])
    page.fill("#aae015", "clerk@example.com")
    page.fill("#aae004", "王小红")
    page.fill("#aae004_tel", "13900001111")
    page.fill("#aae013", "窗口受理，材料齐全。")
    page.click("#btn-submit")
    page.wait_for_selector("text=受理成功")
    return page.inner_text("#receipt-no")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    os.environ.setdefault("CLERKDESK_CONFIG", tempfile.mkdtemp(prefix="cd-bench-cfg-"))
    os.environ["CLERKDESK_KEYRING"] = "0"
    from clerks import SandboxClerk, login
    from data import PERSON
    from playwright.sync_api import sync_playwright

    from clerkdesk.desk import Desk
    from clerkdesk.drivers.browser import find_browser, launch_args
    from clerkdesk.drivers.web import PlaywrightDriver
    from clerkdesk.engine import events as ev
    from clerkdesk.engine.plan import Target
    from clerkdesk.engine.run import Runner
    from clerkdesk.recipe.loader import load_recipe
    from clerkdesk.records.model import make_person
    from clerkdesk.sandbox.web import start_web_sandbox

    tmp = Path(tempfile.mkdtemp(prefix="cd-bench-"))
    sb = start_web_sandbox(tmp / "log", debug=True)
    sb.app("hrss").region_delay = (0.3, 0.3)  # type: ignore[attr-defined]
    desk = Desk(tmp / "home")
    systems = {k: (v.at(sb.hrss_url) if k == "hrss" else v) for k, v in desk.catalog.systems.items()}
    recipe = load_recipe(ROOT / "bench" / "recipes" / "hrss-employment-all-fields.yaml", systems)
    person, _ = make_person(dict(PERSON))
    context = {"person": person.to_dict(), "case": {"employer": "成都蓉城科技有限公司",
                                                     "employer_uscc": "91110000600037341L"}}
    exe = find_browser()

    engine_s: list[float] = []
    per_step: dict[str, list[float]] = {}

    def engine_once() -> None:
        cid = desk.store.cases.create(matter="bench", applicant_kind="person", applicant_key=person.id_number,
                                      record=context["person"], targets=[recipe.id], fields={}, profile_id=None)
        rid = desk.store.runs.create(cid, recipe.id, "hrss")
        marks: dict[str, float] = {}

        def on(e: ev.Event) -> None:
            if isinstance(e, ev.StepStarted) and "t0" not in marks:
                marks["t0"] = time.perf_counter()
            elif isinstance(e, ev.StepSucceeded):
                marks["t1"] = time.perf_counter()
                per_step.setdefault(e.kind, []).append(e.seconds)

        runner = Runner(desk.store.runs, SandboxClerk(), lambda t: PlaywrightDriver(), home=desk.home,
                        clerk_name="bench", on_event=on,
                        driver_options={"seal": desk._seal, "unseal": desk._unseal})
        out = runner.run(rid, Target(recipe, systems["hrss"]), context)
        assert out.status == "succeeded", out.message
        engine_s.append(marks["t1"] - marks["t0"])

    engine_once()  # warm-up: logs in once and keeps the (encrypted) session; not counted
    engine_s.clear()
    per_step.clear()
    for _ in range(args.runs):
        engine_once()

    hand_s: list[float] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(headless=True, executable_path=exe, args=launch_args())
        page = browser.new_page(locale="zh-CN")

        class _D:  # log the hand-written script's page in, like the clerk does once a day
            pass

        d = _D()
        d.page = page  # type: ignore[attr-defined]
        d.ctx = type("C", (), {"system": systems["hrss"]})()  # type: ignore[attr-defined]
        page.goto(sb.hrss_url + "/login")
        login(d)
        hand_written(page, sb.hrss_url, context["person"])  # warm-up
        for _ in range(args.runs):
            t0 = time.perf_counter()
            receipt = hand_written(page, sb.hrss_url, context["person"])
            hand_s.append(time.perf_counter() - t0)
            assert receipt.startswith("RS")
        browser.close()
    sb.stop()

    e, h = statistics.median(engine_s), statistics.median(hand_s)
    info = Path("/proc/cpuinfo")
    lines = info.read_text().splitlines() if info.exists() else []
    cpu = next((ln.split(":", 1)[1].strip() for ln in lines if ln.startswith("model name")), platform.processor())
    print(f"machine: {os.cpu_count()} cores, {cpu}, Python {platform.python_version()}, Chromium {exe}")
    print(f"form: HRSS 就业登记, {FIELDS} fields, cascading selects answer after 300 ms; {args.runs} runs each")
    print(f"engine (recipe)      median {e * 1000:7.0f} ms   min {min(engine_s) * 1000:7.0f} ms   "
          f"{e * 1000 / FIELDS:5.1f} ms/field")
    print(f"hand-written script  median {h * 1000:7.0f} ms   min {min(hand_s) * 1000:7.0f} ms   "
          f"{h * 1000 / FIELDS:5.1f} ms/field")
    print(f"ratio engine/hand    {e / h:.2f}  (target <= 1.15)")
    for kind, xs in sorted(per_step.items()):
        print(f"  step {kind:<10} median {statistics.median(xs) * 1000:6.1f} ms  (n={len(xs)})")


if __name__ == "__main__":
    main()
