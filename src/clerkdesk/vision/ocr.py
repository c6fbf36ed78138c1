"""The OCR engine interface: detect + recognise text, with geometry and confidence.

Backends live beside this file (``rapidocr_engine.py`` default,
``paddle_engine.py`` optional). ``get_engine()`` returns a shared, lazily
loaded engine; models never download at run time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np


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
