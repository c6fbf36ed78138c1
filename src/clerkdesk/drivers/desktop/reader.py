"""What the desktop driver reads on the screen: OCR of a view, remembered, and the layout cache in front of it.

A full OCR of a window costs a second or more; a known screen is cheaper. ``ScreenReader`` keeps the last few
OCR results (an unchanged screen is never read twice) and, per window title and size, a ``ScreenLayout`` of
pages of texts (``vision.layout_cache``): ``anchor`` looks for a text on the cached pages first and verifies it
by OCR of its crop only, and reads the whole screen only when no cached page has it. Citizen data never goes
into the cache (``forbid``). Counters and decisions go to the shared STATS and TRACE, for tests and diagnostics.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from clerkdesk.drivers.desktop.view import View, shift_box, wait_stable
from clerkdesk.vision import incremental, layout, screen
from clerkdesk.vision.layout import NotFound, box_rect
from clerkdesk.vision.layout_cache import LayoutCache, Page, ScreenLayout
from clerkdesk.vision.normalize import label_score, norm
from clerkdesk.vision.ocr import OcrEngine, TextBox, get_engine, read_line, read_screen
from clerkdesk.vision.screen import Rect

# Label crops already verified, for the whole process (a new driver per run shares them): (the crop's pixel
# digest, the engine, the wanted text, exact). The same pixels read the same, so an unchanged label — every step
# of a warm run checks its cached label — is not recognised again. Only successes are kept; a label whose
# pixels changed by one bit is read again.
_VERIFIED: dict[tuple[bytes, str, str, bool], None] = {}
_VERIFIED_LOCK = threading.Lock()
_VERIFIED_MAX = 1024


def nothing_drawn(image: np.ndarray) -> bool:
    """True if IMAGE is one flat colour (every 4th pixel within a few levels): a window mapped, not painted."""
    sample = image[::4, ::4]
    return bool(sample.size) and int(sample.max()) - int(sample.min()) < 12


class ScreenReader:
    """OCR of the target window's views, with memory and the layout cache. WHERE names the current window in
    the strategies it reports; ENGINE is made on first use (``backend``, from the run's options) unless given."""

    def __init__(self, engine: OcrEngine | None, threshold: float, stats: dict[str, int], trace: list[str],
                 where: Callable[[], str]) -> None:
        self._engine = engine
        self.backend: str | None = None
        self.threshold = threshold
        self.stats = stats
        self.trace = trace
        self.where = where
        self.cache: LayoutCache | None = None
        self.entry: ScreenLayout | None = None
        self.title = ""  # the window title the layout cache files the current screen under
        self._memo: dict[bytes, list[TextBox]] = {}
        # per image size, the last screenshot read and its boxes: the next read OCRs only what changed since
        self._last: dict[tuple[int, ...], tuple[np.ndarray, list[TextBox]]] = {}
        self.incremental = os.environ.get("CLERKDESK_OCR_INCREMENTAL", "1") != "0"
        self.page: Page | None = None  # the layout-cache page the last anchor came from
        self.from_cache = False  # the last anchor was served by a cached page (not a full OCR)
        self.fresh = False  # the next anchor must come from a full OCR (a cached association was doubted)
        self.boxes: list[TextBox] = []  # the boxes the last anchor was found among (image pixels)

    @property
    def engine(self) -> OcrEngine:
        if self._engine is None:
            self._engine = get_engine(self.backend)
        return self._engine

    @property
    def engine_given(self) -> bool:
        """An engine was given or has been made (no warm-up needed)."""
        return self._engine is not None

    def open_cache(self, folder: Path, enabled: bool) -> None:
        self.cache = LayoutCache(folder, enabled=enabled)

    def show(self, title: str, size: tuple[int, int]) -> None:
        """The window titled TITLE, of SIZE, is the one read from now on: its cached layout is loaded."""
        self.title = title
        self.entry = self.cache.load(title, size) if self.cache else None

    def forget(self) -> None:
        self.entry = None
        self._last.clear()

    def layout(self, view: View) -> ScreenLayout:
        size = (view.win.rect.width, view.win.rect.height)
        if self.entry is None or self.entry.size != size:
            self.entry = (self.cache.load(self.title, size) if self.cache
                          else ScreenLayout(self.title, size))
        return self.entry

    def full_ocr(self, view: View) -> list[TextBox]:
        """OCR the whole view; records the texts as a fresh page of the layout cache."""
        # never record a half-drawn screen (a tab still switching, a form still opening)
        region = view.shot.rect
        if not np.array_equal(screen.grab(region).image, view.image):
            view.shot.image = wait_stable(lambda: screen.grab(region).image, 2.0, interval=0.1)
        if view.dialogs:
            # a modal box is up: only it can be used, and it is much smaller than the whole view
            r = view.dialogs[-1].rect.shift(-view.shot.left, -view.shot.top).clip(
                Rect(0, 0, view.image.shape[1], view.image.shape[0]))
            boxes = [shift_box(b, r.x0, r.y0) for b in self.ocr(view.shot.crop(r))]
            view.shot.meta["boxes"] = boxes
            return boxes
        boxes = self.ocr(view.image)
        entry = self.layout(view)
        # Only the main window's texts are layout; dialogs come and go.
        area = view.window_area
        own_img = [b for b in boxes if area.contains(*b.center)]
        content = layout.contents_of_inputs(view.image, own_img)  # field contents: never cached
        own = [shift_box(b, view.dx, view.dy) for b in own_img]
        # every text stays in memory; only what a recipe asks for is ever written (see layout_cache)
        view.shot.meta["page"] = entry.add_page(own, self.threshold, content)
        self.save(entry)
        view.shot.meta["boxes"] = boxes
        return boxes

    def save(self, entry: ScreenLayout) -> None:
        if self.cache:
            self.cache.save(entry)

    def forbid(self, value: str) -> None:
        """VALUE is citizen data: the layout cache never writes a text containing it."""
        if self.cache:
            self.cache.forbid(value)

    def ocr(self, image: np.ndarray) -> list[TextBox]:
        """Full OCR of IMAGE, remembering the last few results: an unchanged screen is not read twice."""
        key = hashlib.blake2b(np.ascontiguousarray(image).data, digest_size=16).digest() + bytes(
            str(image.shape), "ascii")
        hit = self._memo.get(key)
        if hit is not None:
            return list(hit)
        last = self._last.get(image.shape) if self.incremental else None
        up = incremental.update(self.engine, last[0], last[1], image) if last is not None else None
        if up is not None:
            # only the regions whose pixels changed since the last read were read (one batch); the rest reused
            boxes = layout.split_at_inputs(image, up.boxes, self.engine)
            self.stats["region_ocr"] = self.stats.get("region_ocr", 0) + (1 if up.regions else 0)
            self.trace.append(f"incremental OCR of {image.shape[1]}×{image.shape[0]} px: {len(up.regions)} changed "
                              f"region(s), {up.changed_share:.0%} of it; {up.reused} text(s) reused")
        else:
            # a label drawn 1–3 px from its box is read together with the box's contents: split at the border
            boxes = layout.split_at_inputs(image, read_screen(self.engine, image), self.engine)
            self.stats["full_ocr"] += 1
            self.trace.append(f"full OCR of {image.shape[1]}×{image.shape[0]} px: {len(boxes)} texts")
        self._memo[key] = boxes
        self._last[image.shape] = (image.copy(), list(boxes))
        while len(self._memo) > 4:
            self._memo.pop(next(iter(self._memo)))
        while len(self._last) > 3:
            self._last.pop(next(iter(self._last)))
        return boxes

    def verify(self, view: View, b: TextBox, want: str, exact: bool = False) -> bool:
        """Cheap check that box B (image pixels) still shows WANT: OCR of its crop only. EXACT: the crop
        must read as WANT itself (the same rule as a fresh read), never as a longer text containing it."""
        r = box_rect(b).grow(3)
        crop = view.shot.crop(r)
        if crop.shape[0] < 6:
            return False
        key = (hashlib.blake2b(np.ascontiguousarray(crop).data, digest_size=16).digest()
               + bytes(str(crop.shape), "ascii"), getattr(self.engine, "name", ""), norm(want), exact)
        with _VERIFIED_LOCK:
            known = key in _VERIFIED
        if known:
            self.stats["verify_reused"] = self.stats.get("verify_reused", 0) + 1
            return True
        ok = self._verify_crop(crop, want, exact)
        if ok:
            with _VERIFIED_LOCK:
                _VERIFIED[key] = None
                while len(_VERIFIED) > _VERIFIED_MAX:
                    _VERIFIED.pop(next(iter(_VERIFIED)))
        return ok

    def _verify_crop(self, crop: np.ndarray, want: str, exact: bool) -> bool:
        crop = layout.erase_rules(layout.light_background(crop))
        text, _ = read_line(self.engine, crop)
        self.stats["line_ocr"] += 1
        if not self._reads_as(text, want, exact) and crop.shape[0] >= 36:
            # a label wrapped over two lines: recognition reads one line at a time
            half = crop.shape[0] // 2
            text = "".join(read_line(self.engine, part)[0] for part in (crop[:half + 2], crop[half - 2:]))
            self.stats["line_ocr"] += 2
        return self._reads_as(text, want, exact)

    def _reads_as(self, text: str, want: str, exact: bool) -> bool:
        if exact:
            return norm(text) == norm(want)
        return label_score(want, text) >= self.threshold or (bool(norm(want)) and norm(want) in norm(text))

    def anchor(self, view: View, want: str, finder: Any, tried: list[str], exact: bool = False,
                keep_found: bool = False) -> TextBox:
        """Find the OCR box for WANT with FINDER: cached pages first (verified), then a full OCR.
        KEEP_FOUND: the box FINDER returns is kept as such (a label joined over two lines).
        A window with nothing drawn in it yet is not read at all (NotFound: the caller polls again): a client
        starved of CPU maps its window before it paints it, and a cached page judged against that black would be
        dropped, or an empty page cached."""
        if nothing_drawn(view.image):
            raise NotFound("the window shows nothing yet (not painted)", [f"{want!r}: the window is blank"])
        entry = self.layout(view)
        self.page = None
        self.from_cache = False
        fresh, self.fresh = self.fresh, False
        if not view.dialogs and not fresh:
            for page in list(entry.pages):
                boxes = [shift_box(b, -view.dx, -view.dy) for b in page.usable(exact)]
                try:
                    b = finder(boxes)
                except NotFound:
                    continue
                if self.verify(view, b, want, exact):
                    self.stats["cache_hits"] += 1
                    self.page = page
                    self.from_cache = True
                    self.boxes = boxes
                    if page.remember(want, self.threshold, exact,
                                     found=shift_box(b, view.dx, view.dy) if keep_found else None):
                        self.save(entry)
                    tried.append(f"layout cache: {want!r} at {list(b.bbox)} (verified by OCR of its crop)")
                    return b  # type: ignore[no-any-return]
                self.stats["cache_misses"] += 1
                tried.append(f"layout cache: {want!r} no longer at {list(b.bbox)} → cache page dropped")
                self.trace.append(tried[-1])
                self.drop_page(entry, page)
        if entry.pages and not view.dialogs and "boxes" not in view.shot.meta:
            self.trace.append(f"layout cache: {want!r} is on none of the {len(entry.pages)} cached pages")
        boxes = view.shot.meta.get("boxes") or self.full_ocr(view)
        tried.append(f"full OCR of {self.where()} ({len(boxes)} text boxes)")  # type: ignore[arg-type]
        self.boxes = list(boxes)  # type: ignore[arg-type]
        found = finder(boxes)
        page = view.shot.meta.get("page")
        self.page = page if isinstance(page, Page) and page in entry.pages else None
        if self.page is not None and self.page.remember(
                want, self.threshold, exact, found=shift_box(found, view.dx, view.dy) if keep_found else None):
            self.save(entry)
        return found  # type: ignore[no-any-return]

    def drop_page(self, entry: ScreenLayout, page: Page) -> None:
        entry.drop(page)
        self.save(entry)
