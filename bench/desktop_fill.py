"""Benchmark desktop-client filling: OCR latency, and the sandbox's 个人开户 form filled first-run and
cached, each against a Keystroke-Level-Model estimate of a clerk doing the same by hand.

    .venv/bin/python bench/desktop_fill.py [--repeat 5] [--fills 2] [--skip-fill]

1. OCR latency (real PP-OCR models through ``clerkdesk.vision``): a full 1280×800 and 1920×1080
   screen showing the sandbox client, a 400×300 region (detection + recognition), one field
   crop (recognition only, the read-back path) and one label crop (the layout-cache check).
   Median of REPEAT runs after one warm-up.
2. Fill: the sandbox client ``python -m clerkdesk.sandbox.desktop`` under a private Xvfb
   (1280×800), 个人开户 with 15 fields on two tabs (10 text, 5 drop-downs incl. 民族 at item 15 of
   56), saved, the account number read from the 保存成功 box and the box closed. "First run" starts
   with an empty layout cache, "cached" reuses it (a new client process and a new driver each time).
   Timed from ``open`` to the box being closed; the client's start is not counted. The cached run prints the time
   and OCR work of each step.

3. Dialog (``--dialog``, issue 13 item 6): the 6-control practice dialog ``tests/drivers_desktop/formapp.py``
   (4 pasted fields, the drop-down 民族 at item 15, the check box 本人承诺…, then 保存), filled warm (OCR models
   loaded, the layout cache from a first run) by the driver — every step verified — with the time of each step
   and its OCR work; against, **in the same run**, a hand-written xdotool script of the same dialog that
   verifies nothing (window-relative coordinates read once off the probe's picture, values pasted with xclip,
   the item picked with Down × 14 and Return) and against KLM. Both must leave the same values in the client.
   ``CLERKDESK_OCR_INCREMENTAL=0`` turns incremental OCR off, for comparison.

The KLM estimate (Card, Moran & Newell 1980; operators below) is what a practised clerk needs for the
same form reading the values off a paper form; "speed-up" = KLM time / measured time.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from clerkdesk.testing.xvfb import xvfb  # noqa: E402

# --- Keystroke-Level Model ----------------------------------------------------------------------------------
K = 0.28  # one keystroke, average skilled typist (≈ 40 wpm)
P = 1.10  # point with the mouse to a target
B = 0.10  # press or release a mouse button (a click is BB)
H = 0.40  # move a hand between keyboard and mouse
M = 1.35  # mental preparation (find the value on the paper, decide)
# Chinese by pinyin IME: ~3.5 letters per character + ~0.5 keystroke to pick the candidate.
K_PER_HANZI = 4.0


def klm_text(value: str) -> float:
    """Click into a box and type VALUE: M + H + P + BB + H + keystrokes."""
    keys = sum(K_PER_HANZI if "\u4e00" <= ch <= "\u9fff" else 1.0 for ch in value)
    return M + H + P + 2 * B + H + keys * K


def klm_choose(position: int, visible: int = 8) -> float:
    """Open a drop-down and click an item; one scroll-bar drag per page below the first."""
    pages = max(0, (position - 1) // visible)
    return M + H + P + 2 * B + M + P + 2 * B + pages * (P + 2 * B + M)


def klm_click() -> float:
    return M + H + P + 2 * B


BASIC = {"姓名": "欧阳娜娜", "证件号码": "11010519491231002X", "出生日期": "1949-12-31",
         "家庭住址": "北京市朝阳区建国路88号SOHO现代城2号楼1单元1203室", "手机号码": "13800138000",
         "固定电话": "010-65123456"}
BASIC_CHOICES = {"证件类型": ("护照", 2), "性别": ("女", 2), "民族": ("土家族", 15), "婚姻状况": ("已婚", 2)}
UNIT = {"单位名称": "北京市朝阳区人力资源和社会保障局", "单位账号": "100200300400", "月缴存基数": "8500.50",
        "开户日期": "2026-11-01"}
UNIT_CHOICES = {"个人缴存比例": ("8%", 4)}


def klm_form() -> float:
    t = sum(klm_text(v) for v in {**BASIC, **UNIT}.values())
    t += sum(klm_choose(pos) for _, pos in {**BASIC_CHOICES, **UNIT_CHOICES}.values())
    t += klm_click()  # tab 单位信息
    t += klm_click()  # 保存
    t += M + 14 * K * 1.0 + klm_click()  # copy the account number down (14 characters), close the box
    return t


# --- measurements -------------------------------------------------------------------------------------------


def machine() -> str:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    return f"{os.cpu_count()} CPUs (nproc), {cpu}; load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}"


def start_client(log: Path, *extra: str) -> subprocess.Popen[bytes]:
    env = dict(os.environ, QT_QPA_PLATFORM="xcb")
    return subprocess.Popen([sys.executable, "-m", "clerkdesk.sandbox.desktop", "--log", str(log), "--operator",
                             "0001", "--open", "open", *extra], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def stop(p: subprocess.Popen[bytes]) -> None:
    p.terminate()
    try:
        p.wait(5)
    except subprocess.TimeoutExpired:
        p.kill()


def median_time(fn: object, repeat: int) -> float:
    fn()  # type: ignore[operator]  # warm-up (shapes, caches)
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def bench_ocr(repeat: int) -> dict[str, float]:
    from clerkdesk.vision import screen, windows
    from clerkdesk.vision.ocr import get_engine, read_line, read_screen

    eng = get_engine()
    t = time.perf_counter()
    eng.warm_up()  # type: ignore[attr-defined]
    out = {"model load + warm-up": time.perf_counter() - t}
    for w, h in ((1280, 800), (1920, 1080)):
        with xvfb(w, h), tempfile.TemporaryDirectory() as tmp:
            p = start_client(Path(tmp) / "log.jsonl")
            try:
                win = windows.find_window("住房公积金业务管理系统 V3.2", 30)
                time.sleep(2.0)
                img = screen.grab().image
                win = windows.refresh(win) or win
            finally:
                stop(p)
        n = len(read_screen(eng, img))
        out[f"full screen {w}×{h} ({n} texts)"] = median_time(lambda img=img: read_screen(eng, img), repeat)
        if w == 1280:
            ox, oy = win.rect.x0, win.rect.y0
            region = img[oy + 141:oy + 441, ox + 16:ox + 416]
            out["region 400×300 (det + rec)"] = median_time(lambda region=region: read_screen(eng, region), repeat)
            field = np.ascontiguousarray(img[oy + 163 + 3:oy + 191 - 3, ox + 164 + 3:ox + 404 - 3])
            out["field crop 234×22 (rec only)"] = median_time(lambda field=field: read_line(eng, field), repeat)
            label = np.ascontiguousarray(img[oy + 163:oy + 191, ox + 90:ox + 164])
            out["label crop 74×28 (rec only)"] = median_time(lambda label=label: read_line(eng, label), repeat)
    return out


STAT_KEYS = ("full_ocr", "region_ocr", "line_ocr", "cache_hits", "verify_reused", "rows_reused", "list_detect")


FAILED_SHOTS = Path(tempfile.gettempdir()) / "clerkdesk-bench-failures"


def _timer(d: object, steps: list[tuple[str, float, str]]) -> object:
    """TIMED(name, fn): run FN, append (NAME, seconds, the OCR work it did) to STEPS. A step that fails leaves
    the screen as it was then in FAILED_SHOTS (the path printed), so a failure seen once under load can be read
    afterwards instead of guessed at."""

    def timed(name: str, fn: object) -> None:
        stats = d.stats  # type: ignore[attr-defined]
        before = dict(stats)
        t = time.perf_counter()
        try:
            fn()  # type: ignore[operator]
        except Exception:
            failed_after = time.perf_counter() - t
            from clerkdesk.vision.screen import grab, to_png

            FAILED_SHOTS.mkdir(exist_ok=True)
            shot = FAILED_SHOTS / f"{time.strftime('%Y%m%d-%H%M%S')}-{name.replace('/', '_')}.png"
            shot.write_bytes(to_png(grab().image))
            print(f"  step {name!r} failed after {failed_after:.2f} s; the screen then: {shot}")
            raise
        work = ", ".join(f"{k} {stats.get(k, 0) - before.get(k, 0)}" for k in STAT_KEYS
                         if stats.get(k, 0) - before.get(k, 0))
        steps.append((name, time.perf_counter() - t, work))

    return timed


def fill_once(home: Path, log: Path) -> tuple[float, dict[str, int], dict[str, object], list[tuple[str, float, str]]]:
    from clerkdesk.drivers.desktop import DesktopDriver
    from clerkdesk.recipe.driver import Condition, DriverContext, Locator, ReadSpec

    p = start_client(log)
    try:
        d = DesktopDriver()
        d.start(DriverContext(system=None, home=home, clerk="bench"))
        from clerkdesk.vision import windows

        windows.find_window("住房公积金业务管理系统 V3.2", 30)
        time.sleep(1.0)
        steps: list[tuple[str, float, str]] = []
        timed = _timer(d, steps)
        t = time.perf_counter()
        timed("open", lambda: d.open("住房公积金业务管理系统 V3.2", 20))
        timed("wait 基本信息", lambda: d.wait_for(Condition(text="基本信息"), 15))
        for label, value in BASIC.items():
            timed(f"fill {label}", lambda label=label, value=value: d.fill(Locator(label=label), value, 5))
        for label, (value, _) in BASIC_CHOICES.items():
            timed(f"choose {label}", lambda label=label, value=value: d.choose(Locator(label=label), value, 5))
        timed("click 单位信息", lambda: d.click(Locator(text="单位信息"), 5))
        for label, value in UNIT.items():
            timed(f"fill {label}", lambda label=label, value=value: d.fill(Locator(label=label), value, 5))
        for label, (value, _) in UNIT_CHOICES.items():
            timed(f"choose {label}", lambda label=label, value=value: d.choose(Locator(label=label), value, 5))
        timed("click 保存", lambda: d.click(Locator(text="保存", exact=True), 5))
        timed("read 个人账号", lambda: d.read(ReadSpec(after="个人账号：", pattern=r"(GJ\d{12})"), 10))
        timed("click 确定", lambda: d.click(Locator(text="确定", exact=True), 5))
        elapsed = time.perf_counter() - t
        time.sleep(0.3)
        rec = json.loads(log.read_text(encoding="utf-8").splitlines()[-1])
        return elapsed, dict(d.stats), rec, steps
    finally:
        stop(p)


def bench_fill(fills: int) -> dict[str, list[float]]:
    from clerkdesk.vision.ocr import get_engine

    get_engine().warm_up()  # type: ignore[attr-defined]
    out: dict[str, list[float]] = {"first run": [], "cached": []}
    expected = {**BASIC, **{k: v for k, (v, _) in {**BASIC_CHOICES, **UNIT_CHOICES}.items()}, **UNIT}
    with xvfb(1280, 800):
        for i in range(fills):
            with tempfile.TemporaryDirectory() as tmp:
                home = Path(tmp) / "home"
                for kind in ("first run", "cached"):
                    secs, stats, rec, steps = fill_once(home, Path(tmp) / f"{kind}-{i}.jsonl")
                    wrong = [k for k, v in expected.items() if rec["fields"].get(k) != v]
                    print(f"  {kind:9s} {secs:6.1f} s  {stats}  {'OK' if not wrong else 'WRONG: ' + ', '.join(wrong)}")
                    if kind == "cached":
                        for name, t, work in steps:
                            print(f"      {name:22s} {t:5.2f} s  {work}")
                    out[kind].append(secs)
    return out


# --- the 6-control dialog: the driver (warm) vs. a hand-written xdotool script vs. KLM ---------------------------

FORMAPP = ROOT / "tests" / "drivers_desktop" / "formapp.py"
DIALOG_TITLE = "测试录入窗口"
DIALOG_TEXT = {"姓名": ("name", "欧阳娜娜"), "身份证号": ("id_number", "11010519491231002X"),
               "户籍地址": ("address", "北京市朝阳区建国路88号SOHO现代城2号楼1单元1203室"),
               "联系电话": ("phone", "13800138000")}
DIALOG_CHOICE = ("民族", "ethnic", "土家族", 15)
DIALOG_CHECK = "本人承诺所填信息真实"

# What a script writer reads once off `clerkdesk recipe probe --window 测试录入窗口` (window pixels), and hard-codes.
XDOTOOL_SCRIPT = r"""
set -e
WID=$(xdotool search --name '测试录入窗口' | head -1)
eval $(xdotool getwindowgeometry --shell "$WID")
at() { xdotool mousemove $((X + $1)) $((Y + $2)) click 1; }
paste() { printf '%s' "$1" | xclip -selection clipboard; xdotool key ctrl+a ctrl+v; }
at 200 31;  paste '欧阳娜娜'
at 200 67;  paste '11010519491231002X'
at 200 103; paste '北京市朝阳区建国路88号SOHO现代城2号楼1单元1203室'
at 200 139; paste '13800138000'
at 200 247; sleep 0.3; xdotool key --delay 12 Down Down Down Down Down Down Down Down Down Down Down Down Down Down Return
sleep 0.2
at 150 317
at 61 440
"""


def klm_dialog() -> float:
    t = sum(klm_text(v) for _, v in DIALOG_TEXT.values())
    t += klm_choose(DIALOG_CHOICE[3]) + klm_click() + klm_click()  # 民族, the check box, 保存
    return t


def _start_dialog(out: Path) -> subprocess.Popen[bytes]:
    env = dict(os.environ, QT_QPA_PLATFORM="xcb")
    p = subprocess.Popen([sys.executable, str(FORMAPP), str(out)], env=env, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    from clerkdesk.vision import windows

    windows.find_window(DIALOG_TITLE, 30)
    time.sleep(1.0)
    return p


def _dialog_ok(out: Path) -> list[str]:
    """The fields the client did not receive right (empty: all right)."""
    deadline = time.monotonic() + 5
    while not out.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    got = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
    want = {k: v for k, v in DIALOG_TEXT.values()} | {DIALOG_CHOICE[1]: DIALOG_CHOICE[2], "agree": True}
    return [k for k, v in want.items() if got.get(k) != v]


def dialog_driver(home: Path, out: Path) -> tuple[float, list[tuple[str, float, str]], dict[str, int]]:
    """One fill of the dialog by the driver; the time and, per step, its seconds and OCR work."""
    from clerkdesk.drivers.desktop import DesktopDriver
    from clerkdesk.recipe.driver import DriverContext, Locator

    p = _start_dialog(out)
    try:
        d = DesktopDriver()
        d.start(DriverContext(system=None, home=home, clerk="bench"))
        steps: list[tuple[str, float, str]] = []
        timed = _timer(d, steps)

        t0 = time.perf_counter()
        timed("open", lambda: d.open(DIALOG_TITLE, 20))
        for label, (_, value) in DIALOG_TEXT.items():
            timed(f"fill {label}", lambda label=label, value=value: d.fill(Locator(label=label), value, 5))
        label, _, value, _ = DIALOG_CHOICE
        timed(f"choose {label}", lambda: d.choose(Locator(label=label), value, 5))
        timed("check 本人承诺…", lambda: d.check(Locator(label=DIALOG_CHECK), True, 5))
        timed("click 保存", lambda: d.click(Locator(text="保存", exact=True), 5))
        total = time.perf_counter() - t0
        wrong = _dialog_ok(out)
        if wrong:
            raise SystemExit(f"the driver left wrong values in {wrong}")
        return total, steps, dict(d.stats)
    finally:
        stop(p)


def dialog_script(out: Path) -> float:
    p = _start_dialog(out)
    try:
        t0 = time.perf_counter()
        subprocess.run(["bash", "-c", XDOTOOL_SCRIPT], check=True)
        total = time.perf_counter() - t0
        wrong = _dialog_ok(out)
        if wrong:
            raise SystemExit(f"the xdotool script left wrong values in {wrong}")
        return total
    finally:
        stop(p)


def bench_dialog(runs: int) -> None:
    import shutil

    from clerkdesk.vision.ocr import get_engine

    if not shutil.which("xdotool") or not shutil.which("xclip"):
        raise SystemExit("the dialog benchmark needs xdotool and xclip")
    get_engine().warm_up()  # type: ignore[attr-defined]
    klm = klm_dialog()
    drv: list[float] = []
    scr: list[float] = []
    with xvfb(1280, 800), tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        first, _, _ = dialog_driver(home, Path(tmp) / "first.json")  # fills the layout cache
        print(f"  first run (empty layout cache) {first:5.2f} s")
        for i in range(runs):
            secs, steps, stats = dialog_driver(home, Path(tmp) / f"d{i}.json")
            drv.append(secs)
            scr.append(dialog_script(Path(tmp) / f"s{i}.json"))
            print(f"  run {i + 1}: driver {secs:5.2f} s, xdotool script {scr[-1]:5.2f} s  {stats}")
            for name, t, work in steps:
                print(f"      {name:22s} {t:5.2f} s  {work}")
    d, s_ = statistics.median(drv), statistics.median(scr)
    print(f"  warm driver median {d:.2f} s; xdotool script median {s_:.2f} s; KLM {klm:.1f} s")
    print(f"  ratio driver / script {d / s_:.2f}×   driver / KLM {d / klm:.3f}×   (targets ≤ 1.0× and ≤ 0.05×)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--fills", type=int, default=2)
    ap.add_argument("--skip-fill", action="store_true")
    ap.add_argument("--skip-ocr", action="store_true")
    ap.add_argument("--dialog", type=int, default=0, metavar="RUNS",
                    help="the 6-control dialog: driver (warm) vs. an xdotool script vs. KLM, RUNS times")
    args = ap.parse_args()
    print(f"machine: {machine()}")
    if args.dialog:
        print("6-control dialog (formapp.py), warm:")
        bench_dialog(args.dialog)
    if not args.skip_ocr:
        print("OCR latency (median):")
        for k, v in bench_ocr(args.repeat).items():
            print(f"  {k:36s} {v * 1000:8.0f} ms")
    klm = klm_form()
    per_field = klm_text(BASIC["姓名"])
    print(f"KLM: one Chinese name field by hand {per_field:.1f} s; the whole 个人开户 form {klm:.1f} s")
    if not args.skip_fill:
        print("fill 个人开户 (15 fields, 2 tabs, save, read account, close box):")
        res = bench_fill(args.fills)
        for kind, secs in res.items():
            best, med = min(secs), statistics.median(secs)
            print(f"  {kind:9s} median {med:6.1f} s (best {best:.1f} s) → KLM/measured {klm / med:4.1f}× "
                  f"(best {klm / best:.1f}×)")
    print(f"machine after: {machine()}")


if __name__ == "__main__":
    main()
