"""Synthetic SPECIMEN documents with ground truth, for tests and the benchmark.

    python -m clerkdesk.testing.synth --out DIR --n N --seed S [--degrade] [--style main|heldout]

writes, per sample i, ``i-idcard-front.png``, ``i-idcard-back.png``,
``i-license.png`` (``.jpg`` when degraded) and a ``.json`` beside each with
the true fields (``truth``), the style and what degradations were applied.
Every person and company is fake: names from lists, valid checksums, real
GB/T 2260 region codes (records/' table) matching the address.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path
from typing import Any

import numpy as np

from clerkdesk.capture.model import FIELDS, KINDS, Kind
from clerkdesk.capture.preprocess import rotate90
from clerkdesk.testing import degrade as dg
from clerkdesk.testing.fake import fake_company, fake_person
from clerkdesk.testing.render import STYLES, render_idcard_back, render_idcard_front, render_license


def truth_for(kind: Kind, record: dict[str, Any]) -> dict[str, Any]:
    return {k: record[k] for k in FIELDS[kind]}


def make_sample(
    kind: Kind, seed: int, *, style: str = "main", degrade: bool = False,
    rotation: int | None = None, photo: bool | None = None,
) -> tuple[np.ndarray, dict[str, Any]]:
    """One image (RGB uint8) and its ground truth. The same SEED gives the same person for both card sides."""
    rng = random.Random(seed)
    st = STYLES[style]
    if kind == "license":
        company = fake_company(rng)
        record = company.as_dict()
        img = render_license(company, st, rng)
    else:
        person = fake_person(rng)
        record = person.as_dict()
        img = (render_idcard_front if kind == "idcard-front" else render_idcard_back)(person, st, rng)
    arr = np.asarray(img.convert("RGB"))
    meta: dict[str, Any] = {"kind": kind, "seed": seed, "style": style, "specimen": True, "degrade": None}
    if degrade or rotation:
        drng = random.Random(seed * 7919 + 17)
        if degrade:
            arr, info = dg.degrade(arr, drng, rotation=rotation, photo=photo)
        else:
            arr, info = rotate90(arr, rotation or 0), {"rotation": rotation}
        meta["degrade"] = info
    meta["truth"] = truth_for(kind, record)
    if kind == "idcard-back":
        meta["truth_flags"] = {"valid_to": ["long_term"]} if record["valid_to"] is None else {}
    return arr, meta


def write_sample(out: Path, stem: str, arr: np.ndarray, meta: dict[str, Any], jpeg: bool) -> Path:
    from PIL import Image

    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{stem}.{'jpg' if jpeg else 'png'}"
    img = Image.fromarray(arr)
    if jpeg:
        img.save(path, quality=92)
    else:
        img.save(path)
    meta = {**meta, "image": path.name}
    path.with_suffix(".json").write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def generate(out: Path, n: int, seed: int, *, degrade: bool = False, style: str = "main",
             kinds: tuple[Kind, ...] = KINDS) -> list[Path]:
    paths = []
    for i in range(n):
        s = seed * 100_003 + i
        for kind in kinds:
            arr, meta = make_sample(kind, s, style=style, degrade=degrade)
            paths.append(write_sample(out, f"{i:04d}-{kind}", arr, meta, jpeg=degrade))
    return paths


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m clerkdesk.testing.synth", description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--n", type=int, default=10, help="samples per document kind")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--degrade", action="store_true", help="photograph-like: desk, perspective, turn, light, blur, noise, JPEG")
    ap.add_argument("--style", choices=sorted(STYLES), default="main")
    ap.add_argument("--kind", action="append", choices=KINDS, help="only these kinds (repeatable)")
    args = ap.parse_args(argv)
    kinds = tuple(args.kind) if args.kind else KINDS
    paths = generate(args.out, args.n, args.seed, degrade=args.degrade, style=args.style, kinds=kinds)
    print(f"wrote {len(paths)} images (+ .json ground truth) to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
