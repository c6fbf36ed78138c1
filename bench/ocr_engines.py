"""Benchmark the two OCR engines side by side: rapidocr (ONNX Runtime) and paddle (Paddle Inference), both running
the same PP-OCR models (the rapidocr wheel's ONNX files; the paddle ones converted from them by
``scripts/paddle_models.py``), with the same pre- and post-processing.

    python bench/ocr_engines.py [--repeat 5] [--threads 1,2] [--pipeline]

Needs the ``paddle`` extra and the converted models in the same environment as rapidocr (docs/desktop.md,
"PaddleOCR backend"). The screen is the sandbox desktop client (个人开户) under a private Xvfb, 1280×800, grabbed
once; then every job runs for each engine and CPU-thread setting *interleaved* — round by round, the order of
the engines alternating — so a change of load on a shared machine hits both engines alike. Jobs:

* full screen: detection + recognition of the whole 1280×800 screenshot (``read_screen``), the cold path of a
  desktop step;
* field crop: recognition only of one input box's crop (``read_line``), the read-back after every paste;
* label crop: recognition only of a label's crop, the layout-cache check;
* batch of crops: recognition only of every text line the detector found on the screen, in one batch
  (``recognize``), the incremental path of re-reading the changed regions.

Prints the median of REPEAT timed runs after one warm-up per engine, and paddle ÷ rapidocr for each job and
thread count (< 1 means paddle is faster). ``--pipeline`` also times PaddleOCR's own pipeline
(``paddleocr.PaddleOCR.predict``) on the full screen.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from bench._machine import cpu_model  # noqa: E402
from clerkdesk.testing.xvfb import xvfb  # noqa: E402

WINDOW = "住房公积金业务管理系统 V3.2"


def load_text() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.1f} / {five:.1f} / {fifteen:.1f}"


def grab_screen() -> tuple[np.ndarray, tuple[int, int]]:
    """A screenshot of the sandbox client under a private 1280×800 Xvfb, and the window's top-left."""
    from clerkdesk.vision import screen, windows

    with xvfb(1280, 800), tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, QT_QPA_PLATFORM="xcb")
        p = subprocess.Popen([sys.executable, "-m", "clerkdesk.sandbox.desktop", "--log", str(Path(tmp) / "log"),
                              "--operator", "0001", "--open", "open"], env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            win = windows.find_window(WINDOW, 60)
            time.sleep(2.0)
            win = windows.refresh(win) or win
            img = screen.grab().image
        finally:
            p.terminate()
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                p.kill()
    return img, (win.rect.x0, win.rect.y0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--threads", default="1,2", help="CPU thread counts to try, comma-separated (0: the runtime's default)")
    ap.add_argument("--pipeline", action="store_true", help="also time PaddleOCR's own pipeline (full screen)")
    ap.add_argument("--jobs", default="screen,field,label,batch", help="which jobs, comma-separated")
    args = ap.parse_args()

    from clerkdesk.vision.ocr import detect, read_line, read_screen
    from clerkdesk.vision.ocr_paddle import PaddleOcrEngine, PaddleOcrPipelineEngine
    from clerkdesk.vision.rapidocr_engine import RapidOcrEngine

    print(f"machine: {os.cpu_count()} CPUs (nproc), {cpu_model()}; load average at start {load_text()}")
    img, (ox, oy) = grab_screen()
    field = np.ascontiguousarray(img[oy + 166:oy + 188, ox + 167:ox + 401])
    label = np.ascontiguousarray(img[oy + 163:oy + 191, ox + 90:ox + 164])

    threads = [int(t) for t in args.threads.split(",") if t.strip()]
    engines: dict[str, RapidOcrEngine] = {}
    load_s: dict[str, float] = {}
    for t in threads:
        for name, cls in (("rapidocr", RapidOcrEngine), ("paddle", PaddleOcrEngine)):
            key = f"{name} t={t or 'default'}"
            eng = cls(threads=t if t > 0 else -1)
            t0 = time.perf_counter()
            eng.warm_up()
            load_s[key] = time.perf_counter() - t0
            engines[key] = eng
    first = next(iter(engines.values()))
    boxes = detect(first, img)
    quads = [((x0, y0), (x1, y0), (x1, y1), (x0, y1)) for x0, y0, x1, y1 in boxes]
    n_texts = len(read_screen(first, img))
    jobs: dict[str, Callable[[RapidOcrEngine], object]] = {
        f"full screen 1280×800 ({n_texts} texts)": lambda e: read_screen(e, img),
        "field crop 234×22 (rec only)": lambda e: read_line(e, field),
        "label crop 74×28 (rec only)": lambda e: read_line(e, label),
        f"batch of {len(quads)} crops (rec only)": lambda e: e.recognize(img, quads),
    }
    wanted = {w.strip() for w in args.jobs.split(",")}
    short = dict(zip(jobs, ("screen", "field", "label", "batch"), strict=True))
    jobs = {job: fn for job, fn in jobs.items() if short[job] in wanted}
    pipeline = None
    if args.pipeline:
        pipeline = PaddleOcrPipelineEngine()
        t0 = time.perf_counter()
        pipeline.warm_up()
        load_s["paddleocr pipeline"] = time.perf_counter() - t0

    # the engines must agree before their times mean anything
    for key, eng in engines.items():
        got = [b.text for b in read_screen(eng, img)]
        want = [b.text for b in read_screen(first, img)]
        if got != want:
            raise SystemExit(f"{key} reads differently from {next(iter(engines))}: {got} vs {want}")

    times: dict[tuple[str, str], list[float]] = {}
    cpu: dict[tuple[str, str], list[float]] = {}  # process CPU time: the work done, less sensitive to load
    keys = list(engines)
    for fn in jobs.values():  # one warm-up per engine and job (shapes)
        for key in keys:
            fn(engines[key])
    for r in range(args.repeat):
        order = keys if r % 2 == 0 else keys[::-1]
        for job, fn in jobs.items():
            for key in order:
                c0, t0 = time.process_time(), time.perf_counter()
                fn(engines[key])
                times.setdefault((job, key), []).append(time.perf_counter() - t0)
                cpu.setdefault((job, key), []).append(time.process_time() - c0)
            if pipeline is not None and job.startswith("full screen"):
                t0 = time.perf_counter()
                pipeline.read(img)
                times.setdefault((job, "paddleocr pipeline"), []).append(time.perf_counter() - t0)
        print(f"round {r + 1}/{args.repeat} done; load average {load_text()}")

    print(f"\nload average at end {load_text()}; median of {args.repeat} interleaved runs\n")
    print("| job | threads | rapidocr | paddle | paddle ÷ rapidocr | CPU time: rapidocr | paddle | ratio |")
    print("|---|---|---|---|---|---|---|---|")
    for job in jobs:
        for t in threads:
            tl = t or "default"
            a, b = (statistics.median(times[(job, f"{n} t={tl}")]) for n in ("rapidocr", "paddle"))
            ca, cb = (statistics.median(cpu[(job, f"{n} t={tl}")]) for n in ("rapidocr", "paddle"))
            print(f"| {job} | {tl} | {a * 1000:.0f} ms | {b * 1000:.0f} ms | {b / a:.2f} "
                  f"| {ca * 1000:.0f} ms | {cb * 1000:.0f} ms | {cb / ca:.2f} |")
        if (job, "paddleocr pipeline") in times:
            c = statistics.median(times[(job, "paddleocr pipeline")])
            print(f"| {job} | default | PaddleOCR pipeline: {c * 1000:.0f} ms | | |")
    print("\nmodel load + warm-up: " + ", ".join(f"{k} {v:.1f} s" for k, v in load_s.items()))


if __name__ == "__main__":
    main()
