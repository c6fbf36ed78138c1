"""Remember where a known screen's texts are, so later runs need no full-screen OCR.

A full OCR of a window costs 0.3–1.5 s on a service-hall PC; reading one label's crop costs
about 30 ms. The first run of a screen OCRs it fully and keeps every text box (window-relative
pixels) as a *page*. Later lookups search the pages and *verify* the hit by recognising only the
label's crop on the current screenshot. A hit that no longer reads as its label (the client was
updated, the form shifted, another tab is showing) drops that page and the caller falls back to
a full OCR, which records a fresh page. Nothing has to be cleared by hand.

Entries are JSON files under ``DriverContext.home / "layout-cache"``, one per (window title
pattern, window size); they hold screen texts (labels, buttons) and, incidentally, any value
that was on screen during the full OCR — so the folder lives in the clerk's private data folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from clerkdesk.vision.ocr import TextBox

MAX_PAGES = 8
VERSION = 1


@dataclass
class Page:
    """One full OCR of the screen: its text boxes in window pixels."""

    boxes: list[TextBox]
    created: float = field(default_factory=time.time)

    def to_json(self) -> dict[str, object]:
        return {"created": self.created,
                "boxes": [{"text": b.text, "score": round(b.score, 3), "quad": [list(p) for p in b.quad]}
                          for b in self.boxes]}

    @classmethod
    def from_json(cls, d: dict[str, object]) -> Page:
        boxes = [TextBox(text=str(b["text"]), score=float(b["score"]),
                         quad=tuple(tuple(p) for p in b["quad"]))  # type: ignore[arg-type]
                 for b in d["boxes"]]  # type: ignore[attr-defined]
        return cls(boxes, float(d.get("created", 0.0)))  # type: ignore[arg-type]


@dataclass
class ScreenLayout:
    """What we know about one window (title pattern + size)."""

    title: str
    size: tuple[int, int]
    pages: list[Page] = field(default_factory=list)

    def add_page(self, boxes: list[TextBox]) -> Page:
        page = Page(list(boxes))
        self.pages.insert(0, page)
        del self.pages[MAX_PAGES:]
        return page

    def drop(self, page: Page) -> None:
        self.pages = [p for p in self.pages if p is not page]


class LayoutCache:
    """The folder of ``ScreenLayout`` entries."""

    def __init__(self, folder: Path, enabled: bool = True):
        self.folder = folder
        self.enabled = enabled

    def _path(self, title: str, size: tuple[int, int]) -> Path:
        key = hashlib.sha1(f"{title}\x00{size[0]}x{size[1]}".encode()).hexdigest()[:20]
        return self.folder / f"{key}.json"

    def load(self, title: str, size: tuple[int, int]) -> ScreenLayout:
        """The entry for TITLE at SIZE (empty if none, unreadable or caching is off)."""
        entry = ScreenLayout(title, size)
        if not self.enabled:
            return entry
        p = self._path(title, size)
        try:
            d = json.loads(p.read_text(encoding="utf-8"))
            if d.get("version") == VERSION and d.get("title") == title:
                entry.pages = [Page.from_json(x) for x in d.get("pages", [])]
        except (OSError, ValueError, KeyError, TypeError):
            pass
        return entry

    def save(self, entry: ScreenLayout) -> None:
        if not self.enabled:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        p = self._path(entry.title, entry.size)
        if not entry.pages:
            p.unlink(missing_ok=True)
            return
        tmp = p.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"version": VERSION, "title": entry.title, "size": list(entry.size),
                                   "pages": [pg.to_json() for pg in entry.pages]}, ensure_ascii=False),
                       encoding="utf-8")
        os.replace(tmp, p)

    def clear(self) -> None:
        for p in self.folder.glob("*.json"):
            p.unlink(missing_ok=True)
