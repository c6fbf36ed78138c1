"""Rendered Chinese text for the vision tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")


def render(lines: list[tuple[int, int, str]], size: tuple[int, int] = (640, 200), px: int = 14,
           rects: list[tuple[int, int, int, int]] | None = None) -> np.ndarray:
    """An RGB image with LINES of text drawn at (x, y) and RECTS drawn as 1-px grey input boxes."""
    from PIL import Image, ImageDraw, ImageFont

    if not FONT.exists():
        pytest.skip(f"CJK font {FONT} is missing (Debian package fonts-wqy-microhei)")
    img = Image.new("RGB", size, (240, 240, 240))
    d = ImageDraw.Draw(img)
    font = ImageFont.truetype(str(FONT), px)
    for r in rects or []:
        d.rectangle(r, fill=(255, 255, 255), outline=(122, 122, 122))
    for x, y, text in lines:
        d.text((x, y), text, font=font, fill=(0, 0, 0))
    return np.asarray(img)
