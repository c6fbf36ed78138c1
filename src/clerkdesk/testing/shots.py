"""Screenshots for the docs as small files: a palette PNG (at most 256 colours, no dithering), which keeps a
window's flat colours and anti-aliased text legible at a fraction of a full-colour PNG's size.

Used by ``scripts/screenshots.py`` and ``scripts/shot_discrepancy.py``; ``tests/test_doc_images.py`` holds
``docs/img`` to ``BUDGET`` bytes per image.
"""

from __future__ import annotations

from pathlib import Path

BUDGET = 150_000  # bytes per image in docs/img (a 1366×800 window as a palette PNG is ~40–120 KB)


def palette_png(path: Path, colours: int = 256) -> int:
    """Rewrite the PNG at PATH as a palette PNG of at most COLOURS colours; its new size in bytes."""
    from PIL import Image

    with Image.open(path) as im:
        rgb = im.convert("RGB")
    small = rgb.quantize(colors=colours, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    small.save(path, format="PNG", optimize=True)
    return path.stat().st_size
