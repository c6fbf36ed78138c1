from __future__ import annotations

from pathlib import Path

from clerkdesk.vision.layout_cache import MAX_PAGES, LayoutCache
from clerkdesk.vision.ocr import TextBox


def _box(text: str, x: float) -> TextBox:
    return TextBox(text, 0.99, ((x, 10.0), (x + 40, 10.0), (x + 40, 24.0), (x, 24.0)))


def test_round_trip_and_drop(tmp_path: Path) -> None:
    cache = LayoutCache(tmp_path / "layout-cache")
    e = cache.load("个人开户", (920, 640))
    assert e.pages == []
    page = e.add_page([_box("姓名：", 10), _box("民族：", 300)])
    cache.save(e)
    again = cache.load("个人开户", (920, 640))
    assert [b.text for b in again.pages[0].boxes] == ["姓名：", "民族："]
    assert again.pages[0].boxes[1].quad[0] == (300.0, 10.0)
    assert cache.load("个人开户", (1024, 640)).pages == []  # another window size is another screen
    e.drop(page)
    cache.save(e)
    assert cache.load("个人开户", (920, 640)).pages == []


def test_pages_are_bounded_and_corrupt_files_ignored(tmp_path: Path) -> None:
    cache = LayoutCache(tmp_path)
    e = cache.load("w", (10, 10))
    for i in range(MAX_PAGES + 3):
        e.add_page([_box(str(i), i)])
    cache.save(e)
    assert len(cache.load("w", (10, 10)).pages) == MAX_PAGES
    for p in tmp_path.glob("*.json"):
        p.write_text("{not json", encoding="utf-8")
    assert cache.load("w", (10, 10)).pages == []


def test_disabled_cache_stores_nothing(tmp_path: Path) -> None:
    cache = LayoutCache(tmp_path, enabled=False)
    e = cache.load("w", (10, 10))
    e.add_page([_box("a", 0)])
    cache.save(e)
    assert list(tmp_path.iterdir()) == []
