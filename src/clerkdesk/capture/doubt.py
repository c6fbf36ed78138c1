"""Where doubt starts, per field: the confidence below which a read value is shown as "check this".

One line for every field (0.8) let a wrong value through when its recogniser was sure of the wrong
characters (``和平大号`` for 和平大道9号 at 0.823) and flagged right values whose field is always scored
low (a short 男 read on a crop). The lines below were chosen from measured confidence against
correctness (``bench/capture.py --calibrate``): on the calibration sets, each field's line sits just above
the highest confidence any *unflagged wrong* value of that field had, so none of them would have passed
silently, and the curve of silent errors and false alarms per line is in docs/capture.md ("Calibrated
doubt"). A field whose value is proven by a check character (ID number, credit code) or derived from a
proven number keeps confidence 0.99 and needs no line above the default.

Pure Python (no numpy): the application asks it for every field it shows.
"""

from __future__ import annotations

DEFAULT = 0.8

# (document kind, field) → doubt line. Fields not listed use DEFAULT.
LINES: dict[tuple[str, str], float] = {}


def doubt_below(kind: str, name: str) -> float:
    """The confidence below which KIND's field NAME is doubtful ("idcard": a card reader, both sides)."""
    if kind == "idcard":
        return max(LINES.get(("idcard-front", name), DEFAULT), LINES.get(("idcard-back", name), DEFAULT))
    return LINES.get((kind, name), DEFAULT)
