"""Real OCR on documents the project's own renderer did not make (tests/capture/data/).

The 12 JPEGs were rendered once by headless Chromium from HTML/CSS pages (``clerkdesk.testing.html_cards
--out tests/capture/data --n 4 --seed 7``): other fonts (AR PL UMing/UKai, Noto Serif/Sans CJK, mono
faces for numbers), other positions, sizes, line spacing, letter-spaced and justified labels,
CSS backgrounds, a single-column licence layout, and, for the odd-numbered ones, a CSS-3D
"photograph" with Pillow blur/noise/JPEG (not ``clerkdesk.testing.degrade``). They are committed so this
test needs no browser. The ground truth is the ``.json`` beside each image.

Threshold: the issue's targets are ≥ 99 % exact fields on clean and ≥ 95 % on degraded images;
half of this set is photographed (and 90/180/270-turned), so the whole set must reach the
degraded target, ≥ 95 % (at most 3 of the 68 fields wrong). Before the layout code learned
justified labels (a label's last character glued to its value, the detector stacking first
characters of several labels into one tall box), this set scored 82 %. The checksum-carrying
fields (ID number, credit code) must all be exact: a wrong one would be a silent error.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from clerkdesk.capture.documents import read_document
from clerkdesk.capture.model import FIELDS, CaptureResult

pytestmark = pytest.mark.ocr

DATA = Path(__file__).parent / "data"
THRESHOLD = 0.95


def canon(v: Any) -> Any:
    return None if v is None else "".join(c for c in unicodedata.normalize("NFKC", str(v)) if not c.isspace())


def field_ok(result: CaptureResult, name: str, truth: dict[str, Any]) -> bool:
    f = result.fields.get(name)
    if name == "valid_to" and truth[name] is None:
        return f is not None and f.value is None and "long_term" in f.flags
    return f is not None and canon(f.value) == canon(truth[name])


@pytest.fixture(scope="module")
def read_all() -> list[tuple[dict[str, Any], CaptureResult]]:
    metas = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(DATA.glob("html-*.json"))]
    assert len(metas) == 12, "tests/capture/data should hold 12 HTML-rendered samples"
    return [(m, read_document(DATA / m["image"], m["kind"])) for m in metas]


def test_fixed_set_is_what_it_claims() -> None:
    metas = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(DATA.glob("html-*.json"))]
    assert {m["source"] for m in metas} == {"html-chromium"}
    assert all(m["specimen"] for m in metas)
    assert sum(m["degrade"] is not None for m in metas) == 6
    assert {m["degrade"]["rotation"] for m in metas if m["degrade"]} - {0} != set()  # some are turned


def test_independent_renderer_field_accuracy(read_all: list[tuple[dict[str, Any], CaptureResult]]) -> None:
    wrong = []
    total = 0
    for meta, result in read_all:
        for name in FIELDS[meta["kind"]]:
            total += 1
            if not field_ok(result, name, meta["truth"]):
                wrong.append(f"{meta['image']}:{name}")  # synthetic values, but names only in the message
    accuracy = 1 - len(wrong) / total
    assert total == 68
    assert accuracy >= THRESHOLD, f"{accuracy:.1%} exact; wrong: {wrong}"


def test_checksum_fields_exact(read_all: list[tuple[dict[str, Any], CaptureResult]]) -> None:
    for meta, result in read_all:
        for name in ("id_number", "uscc"):
            if name in meta["truth"]:
                assert result.value(name) == meta["truth"][name], meta["image"]
                assert result.fields[name].confidence >= 0.9


def test_a_turned_photo_whose_upside_down_reading_lost_a_label_is_detected_afresh() -> None:
    """Bench independent renderer front 1030021 (photographed, turned 90°, saved here as JPEG 92): read turned
    by 90°, the page was upside down; the detector had drawn no box for 姓名 in that reading, so re-reading its
    boxes turned by 180° could not find the label and the name was missing. A page still missing a label after
    that re-read is now detected afresh."""
    meta = json.loads((DATA / "turned-idcard-front-1030021.json").read_text(encoding="utf-8"))
    result = read_document(DATA / "turned-idcard-front-1030021.jpg", "idcard-front")
    assert result.rotation in (90, 270)
    for name in FIELDS["idcard-front"]:
        assert field_ok(result, name, meta["truth"]), name
