"""Derive the per-field doubt lines of ``clerkdesk.capture.doubt.LINES`` from a held-out calibration set.

    .venv/bin/python bench/calibrate_doubt.py [--per-set 10] [--seed 7] [--kinds idcard-front,idcard-back]
                                              [--json rows.json] [--from-json rows.json]

The calibration set is every benchmark style (clean, degraded, held-out style, independent renderer, phone
photo, JPEG q25; ``bench/capture.py``'s generators) rendered from seed SEED × 1,000,000 — disjoint from the
benchmark's seed 1 (1,000,000 … 1,050,047), so the lines are not chosen on the images they are judged on.
Every field read is kept as (set, kind.field, confidence, correct, flagged by a problem).

**Method**, per field: a value is *silently wrong* under a line L when it is wrong, no problem flags it and its
confidence is ≥ L; a value is a *false alarm* when it is right and its confidence is < L (or a problem that is
not true of the card flags it). Silent errors fall and false alarms rise as L goes up. Every line above S, the
highest confidence of any silently wrong value, gives 0 silent errors; every line at or below R, the lowest
confidence of a right value, gives no false alarm of its own. The line is the highest that costs no false
alarm on the calibration set, less a MARGIN (0.02) for the right values a larger set would show below R, and
never above CAP (0.95: proven fields sit at 0.99, corrected ones at 0.9 and carry a warning anyway) nor below
FLOOR (0.70) — and always above S, so no wrong value of the calibration set passes: L = max(FLOOR, S + 0.01,
min(CAP, R − MARGIN)), on a 0.01 grid. The highest free line rather than the lowest: a wrong value read with
more confidence than any seen here (``和平大号`` for 和平大道9号 at 0.823 on a 320-px card) is caught as long as
right values of the field are read more surely. ``--from-json`` re-derives the lines from saved rows
without reading any image. Prints the curve (silent-wrong / false alarms per line, per field) and the lines
as the Python literal for ``capture/doubt.py``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from capture import print_curve, print_lines, run
from clerkdesk.capture.model import KINDS

FLOOR, MARGIN, CAP = 0.70, 0.02, 0.95
Row = tuple[str, str, float, bool, bool]


def sets(per_set: int, seed: int, kinds: list[str]) -> dict[str, list[tuple[str, int, str, bool]]]:
    base = seed * 1_000_000
    return {
        "clean": [(k, base + i, "main", False) for i in range(per_set) for k in kinds],
        "degraded": [(k, base + 10_000 + i, "main", True) for i in range(per_set) for k in kinds],
        "heldout": [(k, base + 20_000 + i, "heldout", i % 2 == 1) for i in range(per_set) for k in kinds],
        "independent renderer": [(k, base + 30_000 + i, "html", i % 2 == 1) for i in range(per_set) for k in kinds],
        "phone photo": [(k, base + 40_000 + i, "phone", False) for i in range(per_set) for k in kinds],
        "jpeg q25": [(k, base + 50_000 + i, "q25", False) for i in range(per_set) for k in kinds],
    }


def derive(rows: list[Row], floor: float = FLOOR, margin: float = MARGIN, cap: float = CAP) -> dict[str, float]:
    """Per field: L = max(FLOOR, S + 0.01, min(CAP, R - MARGIN)) on a 0.01 grid (see the module's *Method*)."""
    lines: dict[str, float] = {}
    for name in sorted({r[1] for r in rows}):
        mine = [r for r in rows if r[1] == name]
        silent = max((c for _, _, c, ok, prob in mine if not ok and not prob), default=0.0)
        right = min((c for _, _, c, ok, prob in mine if ok and not prob), default=1.0)
        free = math.floor(round((min(cap, right - margin)) * 100, 6)) / 100
        lines[name] = round(max(floor, math.floor(round(silent * 100, 6)) / 100 + 0.01, free), 2)
    return lines


def lines_literal(lines: dict[str, float]) -> str:
    body = "".join(f'    ("{k.split(".")[0]}", "{k.split(".")[1]}"): {v:.2f},\n' for k, v in sorted(lines.items()))
    return "LINES: dict[tuple[str, str], float] = {\n" + body + "}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--per-set", type=int, default=10, help="images per kind and style")
    ap.add_argument("--seed", type=int, default=7, help="calibration seed (the benchmark uses 1)")
    ap.add_argument("--kinds", default="idcard-front,idcard-back")
    ap.add_argument("--floor", type=float, default=FLOOR)
    ap.add_argument("--json", type=Path, help="save the calibration rows here")
    ap.add_argument("--from-json", type=Path, help="derive from rows saved earlier instead of reading images")
    ap.add_argument("--check", type=Path, nargs="*", default=[],
                    help="bench/capture.py --json reports: their silent errors and false alarms under the lines")
    args = ap.parse_args()
    if args.seed == 1:
        ap.error("seed 1 is the benchmark's: calibrate on other images")
    if args.from_json:
        rows: list[Row] = [tuple(r) for r in json.loads(args.from_json.read_text(encoding="utf-8"))]  # type: ignore[misc]
        print_curve(rows)
    else:
        kinds = [k for k in args.kinds.split(",") if k in KINDS]
        from clerkdesk.testing.html_cards import HtmlRenderer

        with HtmlRenderer() as html:
            rows = run(sets(args.per_set, args.seed, kinds), False, html)["calibration"]
        if args.json:
            args.json.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    print(f"\n== {len(rows)} fields, {len({(r[0], r[1]) for r in rows})} set × field cells; load {os.getloadavg()[0]:.1f}")
    lines = derive(rows, floor=args.floor)
    print(f"\n== lines: max({args.floor:.2f}, S + 0.01, min({CAP:.2f}, R - {MARGIN:.2f})) per field:")
    print(lines_literal(lines))
    for path in args.check:
        bench = [tuple(r) for r in json.loads(path.read_text(encoding="utf-8"))["calibration"]]
        print(f"\n== {path}: under these lines, then under 0.80 for every field")
        print_lines(bench, lines, [])  # type: ignore[arg-type]
        print_lines(bench, dict.fromkeys(lines, 0.8), [])  # type: ignore[arg-type]
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
