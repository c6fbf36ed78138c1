"""Benchmark the clerk's window: cold start to a usable window, and "fill" to all receipts for the demo case.

    .venv/bin/python bench/app_start.py [--starts 5] [--fills 2] [--platform offscreen|xvfb]

1. Cold start: a fresh Python process builds and shows the main window over an existing data folder and
   processes its first events; measured from process spawn until the child reports the window exposed
   and its case list loaded (target ≤ 2 s). The first start (new data folder: key + schema) is reported too.
2. Fill: the demo case (every single matter of the sample person: 人社 就业登记 + 参保登记, 市场监管 个体工商户
   开业登记) against the web sandbox with headless Chromium, confirms answered at once and logins done by
   the demo's auto-login; measured from F5 to the last receipt on screen.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _machine import cpu_model  # bench/ is on sys.path when run as a script

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import os, time
spawned = float(os.environ["BENCH_SPAWNED_AT"])
from clerkdesk.ui.app import build_window, make_qapp

app = make_qapp()
win = build_window(None, wait=False)
win.show()
while not win.windowHandle() or not win.windowHandle().isExposed():
    app.processEvents()
app.processEvents()
print("shown", time.time() - spawned, flush=True)
deadline = time.monotonic() + 30
while time.monotonic() < deadline and (win.desk is None or win.cases.summary.text() == ""):
    app.processEvents()
    time.sleep(0.002)
print("ready", time.time() - spawned, flush=True)
"""




CPU: list[float] = []  # CPU seconds (user + system) each start used, a load-independent figure


def one_start(env: dict[str, str]) -> tuple[float, float]:
    """Seconds from spawning the process to (window shown, ready: matters listed and case list loaded)."""
    import resource

    env = {**env, "BENCH_SPAWNED_AT": repr(time.time())}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    p = subprocess.run([sys.executable, "-c", CHILD], env=env, capture_output=True, text=True, timeout=60)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    got = dict(ln.split() for ln in p.stdout.splitlines() if ln.startswith(("shown", "ready")))
    if "ready" not in got:
        raise SystemExit(f"child failed:\n{p.stdout}\n{p.stderr}")
    return float(got["shown"]), float(got["ready"])


def interpreter_start(env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], env=env, check=True)
    return time.perf_counter() - t0


def bench_start(n: int, env: dict[str, str]) -> dict[str, float]:
    home = Path(tempfile.mkdtemp(prefix="clerkdesk-bench-home-"))
    env = {**env, "CLERKDESK_HOME": str(home)}
    first = one_start(env)[1]
    py = statistics.median(interpreter_start(env) for _ in range(3))
    CPU.clear()
    runs = [one_start(env) for _ in range(n)]
    shown, ready = [r[0] for r in runs], [r[1] for r in runs]
    return {"first_start_s": first, "interpreter_s": py, "shown_median_s": statistics.median(shown),
            "median_s": statistics.median(ready), "max_s": max(ready), "cpu_s": statistics.median(CPU)}


def bench_fill(n: int, desktop: bool = False) -> list[dict[str, float]]:
    from PySide6.QtWidgets import QApplication

    from clerkdesk.ui.app import build_window, make_qapp
    from clerkdesk.ui.demo import sandbox_login, start_demo
    from clerkdesk.ui.dialogs import ConfirmDialog

    app = make_qapp()
    demo = start_demo(desktop=desktop, auto_login=True)
    time.sleep(2 if desktop else 0)  # the desktop client's window comes up
    out = []
    try:
        for _ in range(n):
            home = Path(tempfile.mkdtemp(prefix="clerkdesk-bench-fill-"))
            win = build_window(home, demo=demo, headless=True, assist=sandbox_login)
            win.show()
            app.processEvents()
            t0 = time.perf_counter()
            win.start()
            per: dict[str, float] = {}
            while True:
                app.processEvents()
                for ask, dlg in list(win.monitor.dialogs.items()):
                    if isinstance(dlg, ConfirmDialog) and not ask.answered:
                        dlg.ok_btn.click()
                for c in win.monitor.cards.values():
                    if c.status == "succeeded" and c.recipe.id not in per:
                        per[c.recipe.id] = time.perf_counter() - t0
                if win.monitor.cards and not win.monitor.busy():
                    break
                if time.perf_counter() - t0 > 180:
                    raise SystemExit("fill did not finish in 180 s")
                time.sleep(0.01)
            total = time.perf_counter() - t0
            bad = {c.recipe.id: c.status for c in win.monitor.cards.values() if c.status != "succeeded"}
            if bad:
                raise SystemExit(f"targets did not succeed: {bad}")
            out.append({"all_receipts_s": total, **per})
            win.close()
            win.shutdown()
            QApplication.processEvents()
    finally:
        demo.stop()
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--starts", type=int, default=5)
    ap.add_argument("--fills", type=int, default=2)
    ap.add_argument("--platform", choices=["offscreen", "xvfb"], default="xvfb")
    ap.add_argument("--desktop", action="store_true", help="also fill the 公积金 desktop client (xvfb only)")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="clerkdesk-bench-"))
    os.environ.update({"CLERKDESK_CONFIG": str(tmp / "config"), "CLERKDESK_KEYRING": "0", "CLERKDESK_LANG": "zh"})
    print(f"machine: {os.cpu_count()} CPUs (nproc), {cpu_model()}, Python {platform.python_version()}, "
          f"{platform.system()} {platform.release()}")

    def run() -> None:
        env = dict(os.environ)
        s = bench_start(max(args.starts, 1), env)
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        print(f"cold start ({os.environ['QT_QPA_PLATFORM']}, n={args.starts}, load average {load:.1f}): window shown "
              f"median {s['shown_median_s']:.2f} s; usable (matters listed, case list loaded) median "
              f"{s['median_s']:.2f} s, max {s['max_s']:.2f} s; bare Python start {s['interpreter_s']:.2f} s; "
              f"first start with a new data folder {s['first_start_s']:.2f} s; target ≤ 2 s; CPU time per start "
              f"(whole process, to exit) median {s['cpu_s']:.2f} s")
        if args.fills:
            fills = bench_fill(args.fills, args.desktop)
            for i, f in enumerate(fills, 1):
                per = ", ".join(f"{k} {v:.1f} s" for k, v in f.items() if k != "all_receipts_s")
                print(f"fill #{i}: F5 → all {len(f) - 1} receipts {f['all_receipts_s']:.1f} s ({per})")
            print(f"fill median: {statistics.median(f['all_receipts_s'] for f in fills):.1f} s")

    if args.platform == "xvfb":
        from clerkdesk.testing.xvfb import xvfb

        os.environ["QT_QPA_PLATFORM"] = "xcb"
        with xvfb(1366, 800):
            run()
    else:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
