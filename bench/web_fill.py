"""Benchmark: the recipe engine filling the 33-field HRSS 就业登记 form vs hand-written Playwright scripts.

All run in the same Chromium build against the same sandbox, logged in already, from opening the form to the
receipt read back; the cascading region selects answer after a fixed 300 ms (the sandbox's default is a random
200-800 ms). Two baselines, measured in the same run and interleaved with the engine round by round:

- **bare**: what an engineer would write for this one form, by element ids, reading nothing back;
- **same work**: the same script doing what the engine guarantees — every field read back and compared, the
  submit's evidence screenshot kept, the receipt read — so the ratio shows what the engine itself costs.

Prints medians, the ratios engine/same-work (target <= 1.15) and engine/bare (target <= 1.3), and where the
engine's time goes per step kind next to the same-work script's time per action. ``--load N`` runs N busy
loops meanwhile (a clerk's PC also runs the browser and the hall's other software).

    .venv/bin/python bench/web_fill.py [--runs 7] [--load 2]
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
sys.path.insert(0, str(ROOT))  # the repository root: tests.support (helpers shared with the tests)

FIELDS = 33
OPTION_THERE = "sel => !!document.querySelector(sel)"


class Verified:
    """The page, with every fill/select/check read back and timed per action (the same-work baseline)."""

    def __init__(self, page: Any, times: dict[str, list[float]]):
        self.page = page
        self.times = times

    def _t(self, kind: str, t0: float) -> None:
        self.times.setdefault(kind, []).append(time.perf_counter() - t0)

    def fill(self, sel: str, value: str) -> None:
        t0 = time.perf_counter()
        self.page.fill(sel, value)
        assert self.page.input_value(sel) == value, sel
        self._t("fill", t0)

    def select_option(self, sel: str, value: str) -> None:
        t0 = time.perf_counter()
        self.page.select_option(sel, value)
        assert self.page.input_value(sel) == value, sel
        self._t("choose", t0)

    def check(self, sel: str) -> None:
        t0 = time.perf_counter()
        self.page.check(sel)
        assert self.page.is_checked(sel), sel
        self._t("check", t0)

    def click(self, sel: str) -> None:
        t0 = time.perf_counter()
        self.page.click(sel)
        self._t("click", t0)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.page, name)


def hand_written(page: Any, url: str, p: dict[str, str], evidence: list[bytes] | None = None) -> str:
    """What an engineer would write for this one form, by element ids, with the same waits for late options.
    EVIDENCE (the same-work baseline, with PAGE a ``Verified``): keep the screenshot after the submit."""
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
    if evidence is not None:
        evidence.append(page.screenshot())
    return page.inner_text("#receipt-no")


def busy_loops(n: int) -> list[Any]:
    """N processes that each keep a core busy (a loaded clerk's PC)."""
    import multiprocessing as mp

    procs = [mp.Process(target=_spin, daemon=True) for _ in range(n)]
    for pr in procs:
        pr.start()
    return procs


def _spin() -> None:
    x = 0
    while True:
        x += 1


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--load", type=int, default=0, help="busy loops running meanwhile")
    args = ap.parse_args()
    os.environ.setdefault("CLERKDESK_CONFIG", tempfile.mkdtemp(prefix="cd-bench-cfg-"))
    os.environ["CLERKDESK_KEYRING"] = "0"
    from playwright.sync_api import sync_playwright

    from clerkdesk.desk import Desk
    from clerkdesk.drivers.web import PlaywrightDriver
    from clerkdesk.drivers.web.browser import find_browser, launch_args
    from clerkdesk.engine import events as ev
    from clerkdesk.engine.plan import Target
    from clerkdesk.engine.run import Runner
    from clerkdesk.recipe.loader import load_recipe
    from clerkdesk.records.model import make_person
    from clerkdesk.sandbox.web import start_web_sandbox
    from tests.support.clerks import SandboxClerk, login
    from tests.support.data import PERSON

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
                        driver_options=desk.sealing())
        out = runner.run(rid, Target(recipe, systems["hrss"]), context)
        assert out.status == "succeeded", out.message
        engine_s.append(marks["t1"] - marks["t0"])

    engine_once()  # warm-up: logs in once and keeps the (encrypted) session; not counted
    engine_s.clear()
    per_step.clear()

    from concurrent.futures import ThreadPoolExecutor

    engine_thread = ThreadPoolExecutor(max_workers=1)
    hand_s: list[float] = []
    same_s: list[float] = []
    same_times: dict[str, list[float]] = {}
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
        hand_written(Verified(page, {}), sb.hrss_url, context["person"], [])
        load = busy_loops(args.load)
        try:
            for i in range(args.runs):  # interleaved, the order turning, so the machine's noise hits all three
                order = ["engine", "bare", "same"]
                for what in order[i % 3:] + order[:i % 3]:
                    if what == "engine":  # in its own thread: one sync Playwright per thread
                        engine_thread.submit(engine_once).result()
                        continue
                    t0 = time.perf_counter()
                    if what == "bare":
                        receipt = hand_written(page, sb.hrss_url, context["person"])
                        hand_s.append(time.perf_counter() - t0)
                    else:
                        shots: list[bytes] = []
                        receipt = hand_written(Verified(page, same_times), sb.hrss_url, context["person"], shots)
                        same_s.append(time.perf_counter() - t0)
                    assert receipt.startswith("RS")
        finally:
            for pr in load:
                pr.terminate()
        browser.close()
    sb.stop()

    e, h, w = statistics.median(engine_s), statistics.median(hand_s), statistics.median(same_s)
    info = Path("/proc/cpuinfo")
    lines = info.read_text().splitlines() if info.exists() else []
    cpu = next((ln.split(":", 1)[1].strip() for ln in lines if ln.startswith("model name")), platform.processor())
    print(f"machine: {os.cpu_count()} cores, {cpu}, Python {platform.python_version()}, Chromium {exe}")
    print(f"form: HRSS 就业登记, {FIELDS} fields, cascading selects answer after 300 ms; {args.runs} runs each, "
          f"interleaved; busy loops: {args.load}; load average now {os.getloadavg()[0]:.1f}")
    print(f"engine (recipe)      median {e * 1000:7.0f} ms   min {min(engine_s) * 1000:7.0f} ms   "
          f"{e * 1000 / FIELDS:5.1f} ms/field")
    print(f"hand-written script  median {h * 1000:7.0f} ms   min {min(hand_s) * 1000:7.0f} ms   "
          f"{h * 1000 / FIELDS:5.1f} ms/field")
    print(f"same-work script     median {w * 1000:7.0f} ms   min {min(same_s) * 1000:7.0f} ms   "
          f"{w * 1000 / FIELDS:5.1f} ms/field  (every field read back, evidence screenshot)")
    print(f"ratio engine/same-work {e / w:.2f}  (target <= 1.15)")
    print(f"ratio engine/bare      {e / h:.2f}  (target <= 1.3)")
    print("where the time goes, per step kind: engine median vs the same-work script's median per action")
    for kind, xs in sorted(per_step.items()):
        base = same_times.get(kind)
        extra = f"  script {statistics.median(base) * 1000:6.1f} ms" if base else ""
        print(f"  step {kind:<10} engine {statistics.median(xs) * 1000:6.1f} ms  (n={len(xs)}){extra}")


if __name__ == "__main__":
    main()
