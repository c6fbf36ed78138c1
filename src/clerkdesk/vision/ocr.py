"""The OCR engine interface: detect + recognise text, with geometry and confidence.

Backends live beside this file (``rapidocr_engine.py`` default, ``ocr_paddle.py`` optional: Paddle
Inference over the rapidocr models converted at setup). ``get_engine()`` returns a shared, lazily
loaded engine; models never download at run time.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np

from clerkdesk.errors import ConfigError


@dataclass(frozen=True)
class TextBox:
    """One line of text found in an image. ``quad`` is 4 (x, y) points clockwise from top-left, in image pixels."""

    text: str
    score: float
    quad: tuple[tuple[float, float], tuple[float, float], tuple[float, float], tuple[float, float]]

    @property
    def bbox(self) -> tuple[int, int, int, int]:
        xs = [p[0] for p in self.quad]
        ys = [p[1] for p in self.quad]
        return int(min(xs)), int(min(ys)), int(max(xs)), int(max(ys))

    @property
    def center(self) -> tuple[float, float]:
        x0, y0, x1, y1 = self.bbox
        return (x0 + x1) / 2, (y0 + y1) / 2


@runtime_checkable
class OcrEngine(Protocol):
    name: str

    def read(self, image: np.ndarray) -> list[TextBox]:
        """OCR an RGB uint8 image (H, W, 3). Returns boxes in reading order (top-to-bottom, left-to-right)."""
        ...


# --- shared engine ----------------------------------------------------------------------------------------

BACKENDS = ("rapidocr", "paddle")
_engines: dict[str, OcrEngine] = {}
_engines_lock = threading.Lock()


def _make_engine(backend: str) -> OcrEngine:
    if backend == "rapidocr":
        from clerkdesk.vision.rapidocr_engine import RapidOcrEngine

        return RapidOcrEngine()
    if backend == "paddle":
        from clerkdesk.vision.ocr_paddle import PaddleOcrEngine

        return PaddleOcrEngine()
    raise ConfigError(
        f"unknown OCR backend {backend!r} (from the argument or $CLERKDESK_OCR); choose one of {', '.join(BACKENDS)}"
    )


def get_engine(backend: str | None = None) -> OcrEngine:
    """The shared OCR engine for BACKEND (argument, else ``$CLERKDESK_OCR``, else ``"rapidocr"``).

    Created once per backend and shared by every caller (thread-safe). Model
    sessions load lazily on first ``read`` (or in ``warm_up_in_background``).
    """
    name = (backend or os.environ.get("CLERKDESK_OCR") or "rapidocr").strip().lower()
    eng = _engines.get(name)
    if eng is not None:
        return eng
    with _engines_lock:
        eng = _engines.get(name)
        if eng is None:
            eng = _make_engine(name)
            _engines[name] = eng
    return eng


def warm_up_in_background(backend: str | None = None) -> threading.Thread:
    """Load the models and run one tiny inference on a daemon thread, so the first real read is fast.

    Errors are kept on the thread object (``thread.error``) rather than raised: the first real
    ``read`` reports them again, in the caller's thread.
    """

    def run() -> None:
        try:
            eng = get_engine(backend)
            warm = getattr(eng, "warm_up", None)
            if callable(warm):
                warm()
            else:
                eng.read(np.full((48, 160, 3), 255, np.uint8))
        except Exception as e:  # reported again by the first real read
            thread.error = e  # type: ignore[attr-defined]

    thread = threading.Thread(target=run, name="clerkdesk-ocr-warm-up", daemon=True)
    thread.error = None  # type: ignore[attr-defined]
    thread.start()
    return thread


def read_line(engine: OcrEngine, image: np.ndarray) -> tuple[str, float]:
    """Read IMAGE as one line of text (e.g. a field's crop); returns (text, mean score).

    Uses the engine's recognition-only path when it has one (``read_line`` method), which is
    several times faster than detection + recognition; otherwise joins ``read`` boxes left to right.
    """
    fast = getattr(engine, "read_line", None)
    if callable(fast):
        return fast(image)
    boxes = sorted(engine.read(image), key=lambda b: b.bbox[0])
    if not boxes:
        return "", 0.0
    return "".join(b.text for b in boxes), sum(b.score for b in boxes) / len(boxes)


def read_screen(engine: OcrEngine, image: np.ndarray) -> list[TextBox]:
    """OCR a screenshot: like ``engine.read`` but skips text-direction classification when the
    engine can (screen text is never upside down)."""
    fast = getattr(engine, "read_screen", None)
    return fast(image) if callable(fast) else engine.read(image)  # type: ignore[no-any-return]


def detect(engine: OcrEngine, image: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Text-line boxes (x0, y0, x1, y1) without recognition, when the engine can; else via ``read``."""
    fast = getattr(engine, "detect", None)
    if callable(fast):
        return fast(image)  # type: ignore[no-any-return]
    return [b.bbox for b in engine.read(image)]


def sort_reading_order(boxes: list[TextBox], line_tolerance: float = 0.5) -> list[TextBox]:
    """Sort boxes top-to-bottom, then left-to-right within a line (boxes whose centres are within
    LINE_TOLERANCE × box height vertically count as one line)."""
    rest = sorted(boxes, key=lambda b: (b.center[1], b.bbox[0]))
    out: list[TextBox] = []
    while rest:
        first = rest[0]
        h = max(1, first.bbox[3] - first.bbox[1])
        line = [b for b in rest if abs(b.center[1] - first.center[1]) <= h * line_tolerance]
        line.sort(key=lambda b: b.bbox[0])
        out.extend(line)
        rest = [b for b in rest if b not in line]
    return out
