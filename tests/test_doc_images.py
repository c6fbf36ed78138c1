"""The docs' screenshots: every image README.md and docs/*.md show exists, every file in docs/img is shown
somewhere, and each is a small palette PNG (``clerkdesk.testing.shots``) under the size budget, so retaking
them (``scripts/screenshots.py``) never bloats the repository."""

from __future__ import annotations

import re
from pathlib import Path

from PIL import Image

from clerkdesk.testing.shots import BUDGET, palette_png

ROOT = Path(__file__).resolve().parents[1]
IMG = ROOT / "docs" / "img"
_LINK = re.compile(r"!\[[^\]]*\]\(([^)\s]+\.(?:png|jpg|jpeg|gif|svg))\)")


def _shown() -> dict[Path, list[str]]:
    """Image path → the documents that show it."""
    out: dict[Path, list[str]] = {}
    for doc in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for link in _LINK.findall(doc.read_text(encoding="utf-8")):
            out.setdefault((doc.parent / link).resolve(), []).append(doc.name)
    return out


def test_every_image_the_docs_show_exists_and_every_image_is_shown() -> None:
    shown = _shown()
    assert shown, "no image links found: the pattern no longer matches the docs"
    missing = {str(p.relative_to(ROOT)): docs for p, docs in shown.items() if not p.exists()}
    assert missing == {}
    unused = [p.name for p in sorted(IMG.iterdir()) if p.resolve() not in shown]
    assert unused == []


def test_doc_images_are_small_palette_pngs() -> None:
    too_big = {p.name: p.stat().st_size for p in sorted(IMG.glob("*.png")) if p.stat().st_size > BUDGET}
    assert too_big == {}, f"over the {BUDGET}-byte budget: retake with scripts/screenshots.py"
    not_palette = {}
    for p in sorted(IMG.glob("*.png")):
        with Image.open(p) as im:
            if im.mode != "P":
                not_palette[p.name] = im.mode
    assert not_palette == {}


def test_palette_png_keeps_the_picture_and_shrinks_it(tmp_path: Path) -> None:
    """A window-like picture (flat colours, a gradient of anti-aliasing) comes out as a palette PNG of the
    same size in pixels, smaller, with the flat colours exact."""
    im = Image.new("RGB", (400, 200), (245, 246, 248))
    for x in range(400):
        for y in range(60, 80):
            im.putpixel((x, y), (x % 256, 80, 255 - x % 256))
    im.paste((25, 118, 210), (20, 20, 120, 50))
    p = tmp_path / "w.png"
    im.save(p, optimize=False, compress_level=0)
    before = p.stat().st_size
    after = palette_png(p)
    with Image.open(p) as small:
        assert small.mode == "P" and small.size == (400, 200)
        rgb = small.convert("RGB")
        assert rgb.getpixel((50, 30)) == (25, 118, 210) and rgb.getpixel((300, 150)) == (245, 246, 248)
    assert after < before
