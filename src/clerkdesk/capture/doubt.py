"""Where doubt starts, per field: the confidence below which a read value is shown as "check this".

One line for every field (0.8) let a wrong value through when its recogniser was sure of the wrong
characters (``和平大号`` for 和平大道9号 at 0.823) and flagged right values whose field is always scored
low (a short 男 read on a crop). The lines below were derived by ``bench/calibrate_doubt.py --per-set 10 --seed 7`` (reproduce them
without reading an image from its saved rows with ``--from-json``) on a held-out calibration set: 120
images (60 fronts, 60 backs; clean, degraded, held-out style, independent renderer, phone photo, JPEG q25)
from seed 7, disjoint from the benchmark's seed 1. Per field the line is the highest that costs no false
alarm there, less a 0.02 margin, capped at 0.95, floored at 0.70, and always above every silently wrong
value's confidence: max(0.70, S + 0.01, min(0.95, R − 0.02)), S the highest confidence of a wrong value
no problem flagged (none on that set: every wrong value was flagged by a rule), R the lowest confidence of a
right one. The curve (silent errors and false alarms per line, per field) is in docs/capture.md
("Calibrated doubt"). A field whose value is proven by a check character (ID number, credit code) or
derived from a proven number keeps confidence 0.99, above any line.

Licence (营业执照) fields, the same method and command with ``--kinds license`` (60 licences, 10 of each style,
seed 7; 2026-12-06). There the recogniser *is* sure of wrong values — 经营范围 read at 0.918-0.975 with a
character or a comma wrong (``挫准`` for 批准 in the fixed closing sentence, ``百貨``, ``:`` for ``；``) and a
legal representative ``蔣菊德`` for 蒋菊德 at 0.929 — so rules catch them first (``capture.fields``: a
traditional-only form, ``traditional_character``; the closing sentence restored from its fixed text,
``scope_corrected``; a colon outside 许可项目/一般项目, ``scope_colon``). Calibrated without those rules the two
fields needed business_scope 0.98 and legal_rep 0.93 (a third of the right scopes flagged); re-derived with them
(every wrong value of the set flagged by a rule) the free lines hold: business_scope 0.72 (one right scope read
at 0.75) and legal_rep 0.90. The other licence fields had no silently wrong value and keep their free lines.

Pure Python (no numpy): the application asks it for every field it shows.
"""

from __future__ import annotations

DEFAULT = 0.8

# (document kind, field) → doubt line. Fields not listed use DEFAULT.
LINES: dict[tuple[str, str], float] = {
    ("idcard-back", "issuing_authority"): 0.94,
    ("idcard-back", "valid_from"): 0.95,
    ("idcard-back", "valid_to"): 0.95,
    ("idcard-front", "address"): 0.95,
    ("idcard-front", "birth_date"): 0.95,
    ("idcard-front", "ethnicity"): 0.81,
    ("idcard-front", "id_number"): 0.95,
    ("idcard-front", "name"): 0.89,
    ("idcard-front", "sex"): 0.95,
    ("license", "address"): 0.92,
    ("license", "business_scope"): 0.72,
    ("license", "entity_type"): 0.84,
    ("license", "established"): 0.95,
    ("license", "legal_rep"): 0.90,
    ("license", "name"): 0.94,
    ("license", "registered_capital"): 0.94,
    ("license", "uscc"): 0.95,
}


def doubt_below(kind: str, name: str) -> float:
    """The confidence below which KIND's field NAME is doubtful ("idcard": a card reader, both sides)."""
    if kind == "idcard":
        return max(LINES.get(("idcard-front", name), DEFAULT), LINES.get(("idcard-back", name), DEFAULT))
    return LINES.get((kind, name), DEFAULT)
