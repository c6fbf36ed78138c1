"""Benchmark document capture on synthetic SPECIMEN images: field exact-match accuracy and latency.

    .venv/bin/python bench/capture.py [--clean 20] [--degraded 20] [--heldout 10] [--html 10] [--phone 0]
                                      [--q25 0] [--raw] [--seed 1] [--quick] [--json out.json]

``--phone N``: N phone photos per kind — the independent renderer's page (real card proportions) laid on a
cluttered desk beside receipts and notes with printed text touching the card, a cast shadow, a perspective
of up to 12 % and JPEG 60-80 (``clerkdesk.testing.photos.phone_photo``; not ``degrade.py``'s photograph). ``--q25 N``: N independent-renderer pages
per kind saved as JPEG quality 25. ``--raw``: also time raw RapidOCR (``engine.read``, one full pass) on
every image in the same run, for the s/card ratio.

Every field is counted as exact, flagged-right (a false alarm: right but doubtful), flagged-wrong or
**silent-wrong** (wrong and not doubtful — the only kind a clerk cannot catch). Doubtful is what the app
shows: confidence below the doubt line or a problem (error or warning) naming the field or the document.
The confidence of every field is kept with its outcome, and the doubt-line curve (silent errors and false
alarms per threshold, per field) is printed at the end: the data for choosing the threshold.

Counts are per document kind (idcard-front, idcard-back, license), so the
defaults make 60 clean + 60 degraded + 30 held-out-style images (the held-out
half clean, half degraded) + 30 "independent renderer" images (HTML/CSS pages
rendered by headless Chromium with other fonts and layouts, ``clerkdesk.testing.html_cards``;
half photographed). ``--quick``: 5 + 5 + 4 + 4 per kind (about a minute). A field is correct when its value equals the
truth after NFKC and whitespace removal (valid_to: None with the long_term
flag for 长期). Latency is wall time of ``read_document`` per image, models
warmed up first; CPU seconds (all threads) per image and the load average are printed too, since
wall time on a shared machine says more about the neighbours than about the code. Prints the machine (nproc, CPU model) with the figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import time
import unicodedata
from collections import defaultdict
from pathlib import Path
from typing import Any

from _machine import cpu_model

from clerkdesk.capture.documents import read_document
from clerkdesk.capture.doubt import DEFAULT, doubt_below
from clerkdesk.capture.model import FIELDS, KINDS, CaptureResult
from clerkdesk.testing.synth import make_sample
from clerkdesk.vision.ocr import get_engine

THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.93, 0.95, 0.97)

Item = tuple[str, int, str, bool]  # kind, seed, style ("main" / "heldout" / "html"), degraded


def canon(v: Any) -> Any:
    if v is None:
        return None
    return "".join(ch for ch in unicodedata.normalize("NFKC", str(v)) if not ch.isspace())


def field_ok(res: CaptureResult, name: str, truth: dict[str, Any]) -> bool:
    f = res.fields.get(name)
    got = f.value if f else None
    if name == "valid_to" and truth[name] is None:
        return got is None and f is not None and "long_term" in f.flags
    return canon(got) == canon(truth[name])




def flagged_by_problem(res: CaptureResult, name: str, truth: dict[str, Any] | None = None) -> bool:
    """A problem (not a note, not the doubt line's own low_confidence) names the field or the document.
    TRUTH given: only problems that are not true of the card (``true_problem``) count."""
    return any(p.field in (name, "document") and p.severity != "info" and p.code != "low_confidence"
               and not (truth is not None and true_problem(p.code, name, truth))
               for p in res.problems)


def true_problem(code: str, name: str, truth: dict[str, Any]) -> bool:
    """A warning that is true of the card itself, not of the reading: the generator knows the card's real
    validity, and a card whose valid_to is really past *should* be flagged ``expired`` (a right flag)."""
    if code == "expired" and name == "valid_to" and truth.get("valid_to"):
        return dt.date.fromisoformat(str(truth["valid_to"])) < dt.date.today()
    return False


def doubtful(res: CaptureResult, name: str, line: float | None = None, truth: dict[str, Any] | None = None) -> bool:
    """As the app sees it (``desk.documents.build``): below the field's doubt line, or a problem that is not
    a note. LINE: this line instead of the product's (``capture.doubt``). TRUTH: warnings true of the card
    (``true_problem``) do not count."""
    f = res.fields.get(name)
    if f is None:
        return True
    line = doubt_below(res.kind, name) if line is None else line
    if f.confidence < line and not (f.value is None and "long_term" in f.flags):
        return True
    return flagged_by_problem(res, name, truth)


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(q * (len(xs) - 1)))] if xs else float("nan")


def sample(item: Item, html: Any) -> tuple[Any, dict[str, Any]]:
    kind, seed, style, degraded = item
    if style in ("html", "phone", "q25"):
        import random

        from clerkdesk.testing.html_cards import decode
        from clerkdesk.testing.photos import jpeg, phone_photo

        data, meta = html.sample(kind, seed, degrade=degraded)
        img = decode(data)
        if style == "phone":
            img = phone_photo(img, random.Random(seed))
            meta["degrade"] = {"phone_photo": True}
        elif style == "q25":
            img = jpeg(img, 25)
            meta["degrade"] = {"jpeg": 25}
        return img, meta
    return make_sample(kind, seed, style=style, degrade=degraded)  # type: ignore[arg-type]


def run(sets: dict[str, list[Item]], verbose: bool, html: Any = None, raw: bool = False) -> dict[str, Any]:
    report: dict[str, Any] = {}
    calibration: list[tuple[str, str, float, bool, bool]] = []  # set, kind.field, confidence, correct, problem
    for set_name, items in sets.items():
        # exact, flagged-right (false alarm), flagged-wrong, silent-wrong, true flag (a right value flagged only by
        # a warning that is true of the card: expired)
        outcome: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
        outlines = 0
        raw_lat: list[float] = []
        per_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        per_field: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        images_ok = 0
        lat: dict[str, list[float]] = defaultdict(list)
        cpu: dict[str, list[float]] = defaultdict(list)
        load0 = os.getloadavg()[0]
        misses: list[str] = []
        for item in items:
            kind, seed = item[0], item[1]
            arr, meta = sample(item, html)
            t, c = time.perf_counter(), time.process_time()
            res = read_document(arr, kind)  # type: ignore[arg-type]
            lat[kind].append(time.perf_counter() - t)
            cpu[kind].append(time.process_time() - c)
            if raw:
                t = time.perf_counter()
                get_engine().read(arr)
                raw_lat.append(time.perf_counter() - t)
            outlines += res.rectified
            all_ok = True
            for name in FIELDS[kind]:
                ok = field_ok(res, name, meta["truth"])
                flagged = doubtful(res, name)
                falsely = doubtful(res, name, truth=meta["truth"])
                cell = (0 if not flagged else 1 if falsely else 4) if ok else (2 if flagged else 3)
                outcome[f"{kind}.{name}"][cell] += 1
                f = res.fields.get(name)
                # a field that is None because it is 长期 carries no confidence to doubt
                conf = 1.0 if f is not None and f.value is None and "long_term" in f.flags else (f.confidence if f else 0.0)
                # a right value's true warning (expired) is not an alarm; a wrong value is caught by any problem
                prob = flagged_by_problem(res, name, meta["truth"] if ok else None)
                calibration.append((set_name, f"{kind}.{name}", conf, ok, prob))
                per_kind[kind][0] += ok
                per_kind[kind][1] += 1
                per_field[f"{kind}.{name}"][0] += ok
                per_field[f"{kind}.{name}"][1] += 1
                if not ok:
                    all_ok = False
                    got = res.fields[name].value if name in res.fields else None
                    misses.append(f"{kind} seed={seed} {name}: got {got!r} want {meta['truth'][name]!r} "
                                  f"({'flagged' if flagged else 'SILENT'}; deg={meta['degrade']})")
            images_ok += all_ok
        total_ok = sum(v[0] for v in per_kind.values())
        total = sum(v[1] for v in per_kind.values())
        all_lat = [x for v in lat.values() for x in v]
        report[set_name] = {
            "images": len(items),
            "images_all_fields_correct": images_ok,
            "field_accuracy": total_ok / total if total else float("nan"),
            "per_kind": {k: v[0] / v[1] for k, v in per_kind.items()},
            "per_field": {k: v[0] / v[1] for k, v in sorted(per_field.items())},
            "latency_p50": pct(all_lat, 0.5),
            "latency_p95": pct(all_lat, 0.95),
            "latency_per_kind": {k: {"p50": pct(v, 0.5), "p95": pct(v, 0.95), "mean": statistics.mean(v)} for k, v in lat.items()},
            "cpu_seconds_per_kind": {k: {"p50": pct(v, 0.5), "p95": pct(v, 0.95)} for k, v in cpu.items()},
            "loadavg_1min": [load0, os.getloadavg()[0]],
            "misses": misses,
            "outcome_per_field": {k: dict(zip(("exact", "flagged_right", "flagged_wrong", "silent_wrong", "true_flag"),
                                              v, strict=True)) for k, v in sorted(outcome.items())},
            "outline_found": outlines,
            "raw_rapidocr_p50": pct(raw_lat, 0.5) if raw_lat else None,
        }
        r = report[set_name]
        print(f"\n== {set_name}: {len(items)} images, field exact-match {r['field_accuracy']:.2%}, "
              f"images fully correct {images_ok}/{len(items)}, latency p50 {r['latency_p50']:.2f}s p95 {r['latency_p95']:.2f}s "
              f"(1-min load average {load0:.1f} → {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
        for k, acc in r["per_kind"].items():
            lk, ck = r["latency_per_kind"][k], r["cpu_seconds_per_kind"][k]
            print(f"   {k:13s} {acc:7.2%}   wall p50 {lk['p50']:.2f}s p95 {lk['p95']:.2f}s   "
                  f"CPU p50 {ck['p50']:.2f}s p95 {ck['p95']:.2f}s")
        bad = {k: v for k, v in r["per_field"].items() if v < 1}
        print("   fields below 100%: " + (", ".join(f"{k} {v:.0%}" for k, v in bad.items()) or "none"))
        silent = sum(v[3] for v in outcome.values())
        alarms = sum(v[1] for v in outcome.values())
        print(f"   per field: exact / flagged-right (false alarm) / flagged-wrong / SILENT-wrong / true flag "
              f"(right, flagged only by a warning true of the card: expired); total silent {silent}, "
              f"false alarms {alarms}")
        for k, (ex, fr, fw, sw, tf) in sorted(outcome.items()):
            print(f"     {k:30s} {ex:4d} {fr:4d} {fw:4d} {sw:4d} {tf:4d}")
        print(f"   card outline found (flattened before reading): {outlines}/{len(items)} images")
        if raw_lat:
            mine = statistics.median(all_lat)
            print(f"   s/card: capture p50 {mine:.2f}s, raw RapidOCR p50 {statistics.median(raw_lat):.2f}s "
                  f"(ratio {mine / statistics.median(raw_lat):.2f})")
        if verbose:
            for m in misses:
                print("     miss:", m)
    report["calibration"] = calibration
    print_curve(calibration)
    return report


def calibrate(calibration: list[tuple[str, str, float, bool, bool]], on: list[str],
              floor: float = 0.7) -> dict[str, float]:
    """Per field: the lowest doubt line in [FLOOR, 0.99] (steps of 0.01) under which no wrong value of the
    calibration sets ON passes unflagged. The floor keeps a small sample from talking the line down."""
    lines: dict[str, float] = {}
    for name in sorted({c[1] for c in calibration}):
        rows = [c for c in calibration if c[1] == name and c[0] in on]
        line = floor
        for conf in sorted(conf for _, _, conf, ok, prob in rows if not ok and not prob):
            if conf >= line:
                line = min(0.99, round(conf + 0.01, 2))
        lines[name] = line
    return lines


def print_lines(calibration: list[tuple[str, str, float, bool, bool]], lines: dict[str, float], on: list[str]) -> None:
    """Silent errors and false alarms of every set under the chosen lines."""
    print(f"\n== calibrated doubt lines (chosen on: {', '.join(on)}; floor 0.70):")
    for name, line in lines.items():
        print(f"   {name:30s} {line:.2f}" + ("" if line == DEFAULT else f"   (default {DEFAULT:.2f})"))
    print("   per set under these lines: wrong-silent / false alarms / fields")
    for set_name in dict.fromkeys(c[0] for c in calibration):
        rows = [c for c in calibration if c[0] == set_name]
        silent = sum(1 for _, n, conf, ok, prob in rows if not ok and not prob and conf >= lines[n])
        alarms = sum(1 for _, n, conf, ok, prob in rows if ok and (prob or conf < lines[n]))
        print(f"     {set_name:24s} {silent:4d} {alarms:5d} {len(rows):6d}" + ("   (calibration set)" if set_name in on else ""))


def print_curve(calibration: list[tuple[str, str, float, bool, bool]]) -> None:
    """For each doubt line: fields silently wrong and fields falsely flagged (problems counted as doubt)."""
    print("\n== doubt line (confidence below it = doubtful; a problem always is): silent-wrong / false alarms")
    fields = sorted({c[1] for c in calibration})
    print("   " + " " * 30 + "".join(f"{t:>10.2f}" for t in THRESHOLDS))
    for name in [*fields, "ALL"]:
        rows = [c for c in calibration if name in (c[1], "ALL")]
        cells = []
        for t in THRESHOLDS:
            silent = sum(1 for _, _, conf, ok, prob in rows if not ok and conf >= t and not prob)
            alarm = sum(1 for _, _, conf, ok, prob in rows if ok and (conf < t or prob))
            cells.append(f"{silent:>4d}/{alarm:<5d}")
        print(f"   {name:30s}" + "".join(cells))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--clean", type=int, default=20, help="clean images per kind")
    ap.add_argument("--degraded", type=int, default=20, help="degraded images per kind")
    ap.add_argument("--heldout", type=int, default=10, help="held-out-style images per kind (half degraded)")
    ap.add_argument("--html", type=int, default=10,
                    help="independent-renderer images per kind (Chromium, half photographed; 0: skip)")
    ap.add_argument("--phone", type=int, default=0, help="phone photos per kind (cluttered desk, shadow, perspective)")
    ap.add_argument("--q25", type=int, default=0, help="independent-renderer pages per kind saved as JPEG q25")
    ap.add_argument("--raw", action="store_true", help="also time raw RapidOCR on every image (s/card ratio)")
    ap.add_argument("--quick", action="store_true", help="5 clean, 5 degraded, 4 held-out, 4 independent per kind")
    ap.add_argument("--kinds", default=",".join(KINDS),
                    help="comma-separated document kinds (default all; idcard-front,idcard-back for the cards)")
    ap.add_argument("--calibrate", default="heldout,degraded",
                    help="sets whose confidence vs correctness chooses the per-field doubt lines (printed with "
                         "every set's silent errors and false alarms under them)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", type=Path)
    ap.add_argument("-v", "--verbose", action="store_true", help="list every wrong field (synthetic values only)")
    args = ap.parse_args()
    if args.quick:
        args.clean, args.degraded, args.heldout, args.html = 5, 5, 4, 4
    base = args.seed * 1_000_000
    kinds = [k for k in args.kinds.split(",") if k]
    if unknown := set(kinds) - set(KINDS):
        ap.error(f"unknown kinds {sorted(unknown)}; choose from {', '.join(KINDS)}")
    sets = {
        "clean": [(k, base + i, "main", False) for i in range(args.clean) for k in kinds],
        "degraded": [(k, base + 10_000 + i, "main", True) for i in range(args.degraded) for k in kinds],
        "heldout": [(k, base + 20_000 + i, "heldout", i % 2 == 1) for i in range(args.heldout) for k in kinds],
        "independent renderer": [(k, base + 30_000 + i, "html", i % 2 == 1) for i in range(args.html) for k in kinds],
        "phone photo": [(k, base + 40_000 + i, "phone", False) for i in range(args.phone) for k in kinds],
        "jpeg q25": [(k, base + 50_000 + i, "q25", False) for i in range(args.q25) for k in kinds],
    }
    sets = {k: v for k, v in sets.items() if v}
    print(f"machine: nproc={os.cpu_count()} cpu={cpu_model()!r} python={platform.python_version()}")
    t = time.perf_counter()
    get_engine().read(make_sample("idcard-back", 0)[0])  # warm up
    print(f"OCR engine warm-up {time.perf_counter() - t:.2f}s")
    if {"independent renderer", "phone photo", "jpeg q25"} & set(sets):
        from clerkdesk.testing.html_cards import HtmlRenderer

        with HtmlRenderer() as html:
            report = run(sets, args.verbose, html, args.raw)
    else:
        report = run(sets, args.verbose, raw=args.raw)
    on = [x for x in args.calibrate.split(",") if x in sets]
    if on:
        report["doubt_lines"] = calibrate(report["calibration"], on)
        print_lines(report["calibration"], report["doubt_lines"], on)
    report["machine"] = {"nproc": os.cpu_count(), "cpu": cpu_model(), "python": platform.python_version()}
    if args.json:
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
