"""Remember where a known screen's labels are, so later runs need no full-screen OCR.

A full OCR of a window costs 0.3–1.5 s on a service-hall PC; reading one label's crop costs
about 30 ms. The first run of a screen OCRs it fully and keeps the text boxes (window-relative
pixels) as a *page*. Later lookups search the pages and *verify* the hit by recognising only the
label's crop on the current screenshot. A hit that no longer reads as its label (the client was
updated, the form shifted, another tab is showing) drops that page and the caller falls back to
a full OCR, which records a fresh page. Nothing has to be cleared by hand.

**Minimum data (PIPL).** A full OCR also reads whatever a citizen's record put on the screen
(names, ID numbers, addresses typed into boxes, an account number in a success box). Those texts
stay in memory for the run only. What goes to disk is only what locating needs:

* the boxes of texts a recipe *asked for* (``Page.remember``: labels, buttons, tabs, texts to
  wait for) and the asked-for strings themselves;
* a box whose text is the label *plus more* (``姓名：张三``, the field's text merged into the
  label's box) is written as ``姓名：…``; a label inside a longer line (a menu bar) as the label's
  part of the line only;
* never a box inside an input box the driver found on that page (``Page.note_input``), and never a
  box containing a value that was filled or read in this process (``LayoutCache.forbid``);
* geometry: those boxes, the input boxes' rectangles and the window size. The window title is
  stored as a hash only.

Entries are JSON files under ``DriverContext.home / "layout-cache"``, one per (window title
pattern, window size). Files of an older format (which kept every OCR box) are deleted on sight.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from clerkdesk.vision.normalize import DEFAULT_THRESHOLD, label_score, norm, norm_value
from clerkdesk.vision.ocr import TextBox
from clerkdesk.vision.screen import Rect

MAX_PAGES = 8
MAX_INPUTS = 200
VERSION = 3  # 3: exact wants, part-of-a-line boxes marked, label → box links with their evidence
MIN_SECRET = 2  # values shorter than this (男, 1) are not filtered: they would hit every label

Quad = tuple[tuple[float, float], tuple[float, float], tuple[float, float], tuple[float, float]]


def keepable(b: TextBox, want: str, threshold: float = DEFAULT_THRESHOLD, exact: bool = False) -> TextBox | None:
    """The form in which box B may be written to disk as a hit for WANT (a label or text a recipe
    asked for), or None if B does not show WANT. The result never holds more than the label.
    EXACT (``exact: true`` locators) keeps only a box that *is* WANT: never a part of a longer line."""
    w, g = norm(want), norm(b.text)
    if not w or not g:
        return None
    if g == w:
        return b
    if exact:
        return None
    if g.startswith(w + ":"):  # 姓名：张三 — keep the label, drop the rest (scores 0.97 as before)
        return TextBox(want.rstrip(":：∶﹕ ") + "：…", b.score, b.quad)
    if label_score(want, b.text) >= threshold:
        # a misread label: as read if it is no longer than the label, else as asked for
        return b if len(g) <= len(w) else TextBox(want, b.score, b.quad)
    if w in g:  # the label inside a longer line (menu bar): the label's part only
        x0, y0, x1, y1 = b.bbox
        cw = (x1 + 1 - x0) / max(1, len(g))
        i = g.index(w)
        sx0, sx1 = x0 + i * cw, x0 + (i + len(w)) * cw - 1
        return TextBox(want, b.score, ((sx0, y0), (sx1, y0), (sx1, y1), (sx0, y1)))
    return None


@dataclass
class Page:
    """One full OCR of the screen, in window pixels.

    ``boxes``: in the run that read it, every OCR box (memory only); loaded from disk, the kept
    ones. ``kept``: index in ``boxes`` → the box as it may be written. ``wants``: what was asked.
    ``inputs``: input boxes found beside labels of this page; no text inside them is written.
    ``content``: indices of boxes inside an input box (a field's contents): never kept.
    ``partial``: indices of kept boxes that are a part of a longer OCR line (a menu entry): never an
    exact match. ``links``: label key → the input box found for it and how (``right``/``below``/…),
    with the label box, as evidence that the association was made on a full OCR of the screen.
    """

    boxes: list[TextBox]
    created: float = field(default_factory=lambda: float(int(time.time())))
    kept: dict[int, TextBox] = field(default_factory=dict)
    wants: set[str] = field(default_factory=set)
    inputs: list[Rect] = field(default_factory=list)
    content: set[int] = field(default_factory=set)
    partial: set[int] = field(default_factory=set)
    exact: set[str] = field(default_factory=set)
    links: dict[str, dict[str, object]] = field(default_factory=dict)
    complete: bool = False  # read by a full OCR in this process: every text of the screen is in ``boxes``

    def remember(self, want: str, threshold: float = DEFAULT_THRESHOLD, exact: bool = False,
                 found: TextBox | None = None) -> bool:
        """Keep every box showing WANT (all candidates, so ``nth`` and ambiguity work as on a fresh
        OCR), and FOUND (the box a locate returned, e.g. a label joined over two lines). Returns True
        if anything new is to be written. Boxes inside input boxes are never kept."""
        new = want not in self.wants or (exact and want not in self.exact)
        self.wants.add(want)
        if exact:
            self.exact.add(want)
        for i, b in enumerate(self.boxes):
            if i not in self.kept and i not in self.content:
                k = keepable(b, want, threshold, exact=exact)
                if k is not None:
                    self.kept[i] = k
                    if norm(k.text) != norm(b.text) and not norm(b.text).startswith(norm(want) + ":"):
                        self.partial.add(i)
                    new = True
        k = keepable(found, want, threshold, exact=exact) if found is not None else None
        if found is not None and k is not None and not any(
                all(abs(p - q) <= 3.0 for p, q in zip(found.bbox, o.bbox, strict=True)) for o in self.kept.values()):
            fr = _rect(found)
            cx, cy = fr.center
            if not any(_rect(self.boxes[i]).contains(cx, cy) for i in self.content):
                self.boxes.append(k)  # in the form it may be written (a label, never a value merged into it)
                self.kept[len(self.boxes) - 1] = k
                new = True
        return new

    def usable(self, exact: bool) -> list[TextBox]:
        """The boxes a locate may search (window pixels): for an exact locator, no part of a longer line."""
        return [b for i, b in enumerate(self.boxes) if not (exact and i in self.partial) and i not in self.content]

    def link(self, key: str, label: Rect, box: Rect, side: str) -> bool:
        """Record that label KEY at LABEL (window pixels) has its input box BOX on SIDE. True if new/changed."""
        new = {"label": label.as_list(), "box": box.as_list(), "side": side}
        if self.links.get(key) == new:
            return False
        self.links[key] = new
        return True

    def linked(self, key: str) -> tuple[Rect, Rect, str] | None:
        d = self.links.get(key)
        if not d:
            return None
        return (Rect(*map(int, d["label"])), Rect(*map(int, d["box"])),  # type: ignore[call-overload]
                str(d["side"]))

    def note_input(self, r: Rect) -> bool:
        """Remember an input box of this page (window pixels). Returns True if it is new."""
        for k in self.inputs:
            if abs(k.x0 - r.x0) <= 3 and abs(k.y0 - r.y0) <= 3 and abs(k.x1 - r.x1) <= 3 and abs(k.y1 - r.y1) <= 3:
                return False
        self.inputs.insert(0, r)
        del self.inputs[MAX_INPUTS:]
        return True

    def to_json(self, secrets: set[str]) -> dict[str, object] | None:
        items = [(i, b) for i, b in sorted(self.kept.items())
                 if i not in self.content and _safe(b, self.inputs, secrets)]
        if not items:
            return None
        wants = {w for w in self.wants if _safe_text(w, secrets)}
        return {"created": self.created, "wants": sorted(wants), "exact": sorted(self.exact & wants),
                "inputs": [r.as_list() for r in self.inputs],
                "links": {k: v for k, v in sorted(self.links.items()) if _safe_text(k, secrets)},
                "boxes": [{"text": b.text, "score": round(b.score, 3), "part": i in self.partial,
                           "quad": [[round(x, 1), round(y, 1)] for x, y in b.quad]} for i, b in items]}

    @classmethod
    def from_json(cls, d: dict[str, object]) -> Page:
        boxes = [TextBox(text=str(b["text"]), score=float(b["score"]),
                         quad=tuple(tuple(p) for p in b["quad"]))  # type: ignore[arg-type]
                 for b in d["boxes"]]  # type: ignore[attr-defined]
        partial = {i for i, b in enumerate(d["boxes"]) if b.get("part")}  # type: ignore[arg-type, attr-defined]
        return cls(boxes, float(d.get("created", 0.0)), dict(enumerate(boxes)),  # type: ignore[arg-type]
                   {str(w) for w in d.get("wants", [])},  # type: ignore[attr-defined]
                   [Rect(*map(int, r)) for r in d.get("inputs", [])],  # type: ignore[attr-defined]
                   set(), partial, {str(w) for w in d.get("exact", [])},  # type: ignore[attr-defined]
                   dict(d.get("links", {})))  # type: ignore[call-overload]


def _safe_text(text: str, secrets: set[str]) -> bool:
    t = norm_value(text)
    return not any(s in t for s in secrets)


def _safe(b: TextBox, inputs: list[Rect], secrets: set[str]) -> bool:
    cx, cy = b.center
    return _safe_text(b.text, secrets) and not any(r.contains(cx, cy) for r in inputs)


def _rect(b: TextBox) -> Rect:
    x0, y0, x1, y1 = b.bbox
    return Rect(x0, y0, x1 + 1, y1 + 1)


def _near(a: TextBox, b: TextBox, tol: float = 4.0) -> bool:
    return a.text == b.text and all(abs(p - q) <= tol for p, q in zip(a.bbox, b.bbox, strict=True))


@dataclass
class ScreenLayout:
    """What we know about one window (title pattern + size)."""

    title: str
    size: tuple[int, int]
    pages: list[Page] = field(default_factory=list)

    def add_page(self, boxes: list[TextBox], threshold: float = DEFAULT_THRESHOLD,
                 content: set[int] | None = None) -> Page:
        """A fresh full OCR (CONTENT: indices of boxes inside input boxes). Older pages whose kept
        boxes all reappear on it are merged into it (their links are made again on the new page)."""
        page = Page(list(boxes), content=set(content or ()), complete=True)
        for old in list(self.pages):
            for w in old.wants:
                page.remember(w, threshold, exact=w in old.exact)
            mine = list(page.kept.values())
            if old.kept and all(any(_near(k, m) for m in mine) for k in old.kept.values()):
                self.pages.remove(old)
                for r in reversed(old.inputs):
                    page.note_input(r)
                for k, v in old.links.items():
                    page.links.setdefault(k, v)
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
        self.secrets: set[str] = set()  # values filled or read in this process (memory only)

    def forbid(self, value: str) -> None:
        """VALUE (a citizen's data) must never be written, even as part of a screen text."""
        v = norm_value(value)
        if len(v) >= MIN_SECRET:
            self.secrets.add(v)

    @staticmethod
    def _key(title: str) -> str:
        return hashlib.sha256(f"clerkdesk-layout\x00{title}".encode()).hexdigest()[:32]

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
            if d.get("version") != VERSION:
                p.unlink(missing_ok=True)  # an older format kept every OCR text, values included
            elif d.get("title_key") == self._key(title):
                entry.pages = [Page.from_json(x) for x in d.get("pages", [])]
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            pass
        return entry

    def save(self, entry: ScreenLayout) -> None:
        if not self.enabled:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        p = self._path(entry.title, entry.size)
        pages = [j for j in (pg.to_json(self.secrets) for pg in entry.pages) if j is not None]
        if not pages:
            p.unlink(missing_ok=True)
            return
        tmp = p.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"version": VERSION, "title_key": self._key(entry.title), "size": list(entry.size),
                                   "pages": pages}, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, p)

    def clear(self) -> None:
        for p in self.folder.glob("*.json"):
            p.unlink(missing_ok=True)
