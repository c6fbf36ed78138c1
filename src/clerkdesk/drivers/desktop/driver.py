"""``DesktopDriver``: fill legacy desktop clients by screen OCR, mouse and pasted text.

How a step runs (details in ``docs/desktop.md``):

* ``open`` finds the window by title (exact, contained, or ``re:REGEX``), waits for it (and, if
  the system or ``ctx.options["command"]`` says how, starts the program), focuses it and waits
  until it has finished drawing.
* A ``Locator`` resolves on a screenshot of the window and its dialogs (``vision.layout``):
  labels and texts by OCR (from the layout cache when the screen is known), the input box beside
  a label by image analysis, pictures by template matching. Unresolved → ``DriverError`` with a
  ``tried`` list and a PNG of the screen with every OCR box drawn.
* ``fill`` clicks the box, pastes the value (never types it: IMEs and Chinese), and reads it back
  by OCR of the box; one retry, then a ``DriverError`` with the crop as evidence.
* The driver never presses Tab or Return to move between fields: it clicks each field. Return
  submits half-filled dialogs in many legacy clients.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shlex
import subprocess
import time
from pathlib import Path
from typing import Any

import numpy as np

from clerkdesk.drivers.desktop.dialogs import DialogsMixin
from clerkdesk.drivers.desktop.lists import ListsMixin
from clerkdesk.drivers.desktop.readback import (
    is_masked_value,
    overflow_parts,
    read_box,
    read_crop,
    strip_caret,
    value_matches,
)
from clerkdesk.drivers.desktop.view import View, WindowTracker, shift_box, wait_stable
from clerkdesk.recipe.driver import Condition, DriverContext, DriverError, Locator, ReadSpec
from clerkdesk.vision import input as inp
from clerkdesk.vision import layout, screen, windows
from clerkdesk.vision.layout import Match, NotFound, box_rect
from clerkdesk.vision.layout_cache import LayoutCache, Page, ScreenLayout
from clerkdesk.vision.normalize import DEFAULT_THRESHOLD, label_score, norm
from clerkdesk.vision.ocr import (
    OcrEngine,
    TextBox,
    get_engine,
    read_line,
    read_screen,
    warm_up_in_background,
)
from clerkdesk.vision.screen import Rect

POLL = 0.15
_MASK_CHARS = "一_|丨!lI"  # an empty mask's place holders as OCR reads them (____-__-__ as 一一), and the caret


def client_env() -> dict[str, str]:
    """The environment for a system's client program: ours, less what would keep it off the clerk's screen
    (``QT_QPA_PLATFORM=offscreen``, set when ClerkDesk itself runs without a window, e.g. under tests)."""
    env = dict(os.environ)
    if env.get("QT_QPA_PLATFORM", "").lower() == "offscreen":
        del env["QT_QPA_PLATFORM"]
    return env


class DesktopDriver(ListsMixin, DialogsMixin):
    """The ``Driver`` for desktop clients (kind ``"desktop"``). X11 tested; Windows untested."""

    kind = "desktop"

    def __init__(self, engine: OcrEngine | None = None, *, threshold: float = DEFAULT_THRESHOLD,
                 use_cache: bool = True) -> None:
        self._engine = engine
        self.threshold = threshold
        self.use_cache = use_cache
        self.ctx: DriverContext | None = None
        self.cache: LayoutCache | None = None
        self.tracker: WindowTracker | None = None
        self.entry: ScreenLayout | None = None
        self._where = ""
        self._armed: tuple[bool, str | None, str | None] | None = None
        self.dialog_log: list[dict[str, str]] = []
        self._standing: list[str] = []  # texts of notices to accept whenever they pop up
        self._left_alone: set[int] = set()
        self._memo: dict[bytes, list[TextBox]] = {}
        self.trace: list[str] = []  # cache decisions, for diagnostics
        self.stats = {"full_ocr": 0, "cache_hits": 0, "cache_misses": 0, "line_ocr": 0, "retries": 0}
        self._launched: subprocess.Popen[bytes] | None = None
        self._page: Page | None = None  # the layout-cache page the last anchor came from
        self._from_cache = False  # the last anchor was served by a cached page (not a full OCR)
        self._fresh = False  # the next anchor must come from a full OCR (a cached association was doubted)
        self._boxes: list[TextBox] = []  # the boxes the last anchor was found among (image pixels)
        self._filled: dict[str, str] = {}  # label key → value filled in this run (memory only)

    # -- lifecycle ---------------------------------------------------------------------------------------
    @property
    def engine(self) -> OcrEngine:
        if self._engine is None:
            backend = self.ctx.options.get("ocr_backend") if self.ctx else None
            self._engine = get_engine(backend)
        return self._engine

    def start(self, ctx: DriverContext) -> None:
        windows.require_desktop()
        self.ctx = ctx
        enabled = self.use_cache and bool(ctx.options.get("layout_cache", True))
        self.cache = LayoutCache(Path(ctx.home) / "layout-cache", enabled=enabled)
        standing = ctx.options.get("dismiss_dialogs") or getattr(ctx.system, "dismiss_dialogs", None) or []
        self._standing = [str(t) for t in standing]
        if self._engine is None:
            warm_up_in_background(ctx.options.get("ocr_backend"))

    def close(self) -> None:
        # The client stays open: it belongs to the clerk. We only forget our state.
        self.tracker = None
        self.entry = None

    def where(self) -> str:
        if self.tracker is None:
            return "(no window)"
        try:
            win, dialogs = self.tracker.refresh()
        except DriverError:
            return f"window {self.tracker.main.title!r} (closed)"
        extra = f" + dialog {dialogs[-1].title!r}" if dialogs else ""
        return f"window {win.title!r}{extra}"

    # -- open --------------------------------------------------------------------------------------------
    def open(self, where: str, timeout: float) -> None:
        windows.require_desktop()
        deadline = time.monotonic() + timeout
        tried = [f"window title = / contains {where!r}"]
        win = None
        while True:
            found = windows.find_windows(where)
            if found:
                win = found[0]
                break
            command = self._command()
            if command and self._launched is None:
                tried.append(f"started {command!r}")
                try:
                    self._launched = subprocess.Popen(shlex.split(command), env=client_env(),
                                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                except OSError as e:
                    raise DriverError(f"the system's client command could not start: {e}", tried,
                                      retryable=False) from None
            if self._launched is not None and self._launched.poll() not in (None, 0):
                raise DriverError(f"the system's client command {command!r} exited with code "
                                  f"{self._launched.returncode} before its window {where!r} appeared", tried,
                                  retryable=False)
            if time.monotonic() >= deadline:
                seen = sorted({w.title for w in windows.list_windows() if w.title})
                tried.append(f"open windows: {', '.join(map(repr, seen)) or 'none'}")
                raise DriverError(f"no window titled {where!r} within {timeout:g} s", tried)
            time.sleep(POLL)
        known = {w.handle for w in windows.list_windows()}
        self.tracker = WindowTracker(win, known)
        self._where = where
        self.tracker.focus()
        tracker = self.tracker
        wait_stable(lambda: tracker.view().image, max(0.3, deadline - time.monotonic()))
        self.entry = self.cache.load(where, (win.rect.width, win.rect.height)) if self.cache else None
        self._check_dialog(0.0)

    def _command(self) -> str | None:
        if self.ctx is None:
            return None
        cmd = self.ctx.options.get("command") or getattr(self.ctx.system, "command", None)
        return str(cmd) if cmd else None

    # -- views and OCR -----------------------------------------------------------------------------------
    def _tracker(self) -> WindowTracker:
        if self.tracker is None:
            raise DriverError("no window is open: a desktop recipe starts with `open: <window title>`",
                              retryable=False)
        return self.tracker

    def view(self) -> View:
        return self._tracker().view()

    def _entry(self, view: View) -> ScreenLayout:
        size = (view.win.rect.width, view.win.rect.height)
        if self.entry is None or self.entry.size != size:
            self.entry = (self.cache.load(self._where, size) if self.cache
                          else ScreenLayout(self._where, size))
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
            boxes = [shift_box(b, r.x0, r.y0) for b in self._ocr(view.shot.crop(r))]
            view.shot.meta["boxes"] = boxes
            return boxes
        boxes = self._ocr(view.image)
        entry = self._entry(view)
        # Only the main window's texts are layout; dialogs come and go.
        area = view.window_area
        own_img = [b for b in boxes if area.contains(*b.center)]
        content = layout.contents_of_inputs(view.image, own_img)  # field contents: never cached
        own = [shift_box(b, view.dx, view.dy) for b in own_img]
        # every text stays in memory; only what a recipe asks for is ever written (see layout_cache)
        view.shot.meta["page"] = entry.add_page(own, self.threshold, content)
        self._save(entry)
        view.shot.meta["boxes"] = boxes
        return boxes

    def _save(self, entry: ScreenLayout) -> None:
        if self.cache:
            self.cache.save(entry)

    def _forbid(self, value: str) -> None:
        """VALUE is citizen data: the layout cache never writes a text containing it."""
        if self.cache:
            self.cache.forbid(value)

    def _ocr(self, image: np.ndarray) -> list[TextBox]:
        """Full OCR of IMAGE, remembering the last few results: an unchanged screen is not read twice."""
        key = hashlib.blake2b(np.ascontiguousarray(image).data, digest_size=16).digest() + bytes(
            str(image.shape), "ascii")
        hit = self._memo.get(key)
        if hit is not None:
            return list(hit)
        # a label drawn 1–3 px from its box is read together with the box's contents: split at the border
        boxes = layout.split_at_inputs(image, read_screen(self.engine, image), self.engine)
        self.stats["full_ocr"] += 1
        self.trace.append(f"full OCR of {image.shape[1]}×{image.shape[0]} px: {len(boxes)} texts")
        self._memo[key] = boxes
        while len(self._memo) > 4:
            self._memo.pop(next(iter(self._memo)))
        return boxes

    def _verify(self, view: View, b: TextBox, want: str, exact: bool = False) -> bool:
        """Cheap check that box B (image pixels) still shows WANT: OCR of its crop only. EXACT: the crop
        must read as WANT itself (the same rule as a fresh read), never as a longer text containing it."""
        r = box_rect(b).grow(3)
        crop = view.shot.crop(r)
        if crop.shape[0] < 6:
            return False
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

    def _anchor(self, view: View, want: str, finder: Any, tried: list[str], exact: bool = False,
                keep_found: bool = False) -> TextBox:
        """Find the OCR box for WANT with FINDER: cached pages first (verified), then a full OCR.
        KEEP_FOUND: the box FINDER returns is kept as such (a label joined over two lines)."""
        entry = self._entry(view)
        self._page = None
        self._from_cache = False
        fresh, self._fresh = self._fresh, False
        if not view.dialogs and not fresh:
            for page in list(entry.pages):
                boxes = [shift_box(b, -view.dx, -view.dy) for b in page.usable(exact)]
                try:
                    b = finder(boxes)
                except NotFound:
                    continue
                if self._verify(view, b, want, exact):
                    self.stats["cache_hits"] += 1
                    self._page = page
                    self._from_cache = True
                    self._boxes = boxes
                    if page.remember(want, self.threshold, exact,
                                     found=shift_box(b, view.dx, view.dy) if keep_found else None):
                        self._save(entry)
                    tried.append(f"layout cache: {want!r} at {list(b.bbox)} (verified by OCR of its crop)")
                    return b  # type: ignore[no-any-return]
                self.stats["cache_misses"] += 1
                tried.append(f"layout cache: {want!r} no longer at {list(b.bbox)} → cache page dropped")
                self.trace.append(tried[-1])
                self._drop_page(entry, page)
        if entry.pages and not view.dialogs and "boxes" not in view.shot.meta:
            self.trace.append(f"layout cache: {want!r} is on none of the {len(entry.pages)} cached pages")
        boxes = view.shot.meta.get("boxes") or self.full_ocr(view)
        tried.append(f"full OCR of {self.where()} ({len(boxes)} text boxes)")  # type: ignore[arg-type]
        self._boxes = list(boxes)  # type: ignore[arg-type]
        found = finder(boxes)
        page = view.shot.meta.get("page")
        self._page = page if isinstance(page, Page) and page in entry.pages else None
        if self._page is not None and self._page.remember(
                want, self.threshold, exact, found=shift_box(found, view.dx, view.dy) if keep_found else None):
            self._save(entry)
        return found  # type: ignore[no-any-return]

    def _image_base(self) -> Path:
        """Relative ``image`` paths: under ``ctx.options["recipe_dir"]``, else the recipes folder
        (``CLERKDESK_RECIPES``), where the recipe that names them lives."""
        given = self.ctx.options.get("recipe_dir") if self.ctx else None
        if given:
            return Path(str(given))
        from clerkdesk.config import recipes_dir

        return recipes_dir()

    def _drop_page(self, entry: ScreenLayout, page: Page) -> None:
        entry.drop(page)
        self._save(entry)

    # -- locating ----------------------------------------------------------------------------------------
    def _resolve(self, loc: Locator, view: View, tried: list[str], want_input: bool) -> Match:
        h, w = view.image.shape[:2]
        area = view.window_area if not view.dialogs else Rect(0, 0, w, h)
        within = layout.parse_within(loc.within, area.width, area.height)
        if within is not None:
            within = within.shift(area.x0, area.y0)
        if loc.row is not None:
            raise NotFound(f"the desktop driver cannot use row ({loc.describe()}): use within", [])
        if loc.image:
            path = Path(loc.image) if Path(loc.image).is_absolute() else self._image_base() / loc.image
            return layout.find_image(view.image, path, scale=screen.ui_scale(), within=within, nth=loc.nth)
        if loc.text is not None and loc.label is None:
            def find_t(bs: list[TextBox]) -> TextBox:
                m = layout.find_text(bs, loc.text or "", exact=loc.exact, within=within, nth=loc.nth)
                return _box_of(m)
            b = self._anchor(view, loc.text, find_t, tried, loc.exact)
            r = box_rect(b)
            return Match(anchor=r, target=r, point=r.center, how=f"text {b.text!r}", text=b.text, kind="text")
        if loc.label is None:
            raise NotFound(f"the desktop driver cannot use {loc.describe()}: use label, text, image or offset",
                           [f"unsupported locator keys in {loc.describe()}"])
        label = loc.label

        def find_l(bs: list[TextBox]) -> TextBox:
            b, _ = layout.find_label(bs, label, threshold=self.threshold, exact=loc.exact, within=within,
                                     nth=loc.nth)
            return b
        b = self._anchor(view, label, find_l, tried, loc.exact, keep_found=True)
        anchor = box_rect(b)
        if loc.offset is not None:
            s = screen.ui_scale()
            cx, cy = anchor.center
            px, py = int(cx + loc.offset[0] * s), int(cy + loc.offset[1] * s)
            box = layout.box_at(view.image, px, py, max(8, anchor.height))
            target = box or Rect(px - 4, py - anchor.height, px + 300, py + anchor.height)
            tried.append(f"offset {loc.offset} from label box {anchor.as_list()} → ({px}, {py})")
            return Match(anchor, target, (px, py), "offset", b.text, kind="input" if box else "offset")
        if not want_input:
            return Match(anchor, anchor, anchor.center, f"label {b.text!r}", b.text, kind="text")
        others = [box_rect(x) for x in self._boxes if x is not b]
        page, cached = self._page, self._from_cache
        try:
            box, side = layout.find_input(view.image, anchor, others=others, text=b.text,
                                          text_h=_line_height(self._boxes, anchor))
        except NotFound as e:
            if cached and page is not None:
                return self._doubt(view, page, loc, tried, want_input,
                                   f"the cached label {label!r} has no single input box beside it now")
            tried.extend(t for t in e.tried if t not in tried)
            if isinstance(e, layout.AmbiguousInput):
                raise
            raise NotFound(f"label {label!r} found, but no input box beside it (add offset: [dx, dy])",
                           tried) from None
        key = _link_key(loc)
        if page is not None and not view.dialogs:
            if cached and not page.complete:
                # a page from disk holds only the texts recipes asked for: the association made on it is
                # trusted only if it is the one made on a full read of the screen (the evidence stored)
                known = page.linked(key)
                if known is None or not _close(known[1], view.to_win(box)) or known[2] != side:
                    why = ("was never checked on a full read of the screen" if known is None else
                           f"was {known[2]} {known[1].as_list()}, now {side} {view.to_win(box).as_list()}")
                    return self._doubt(view, page, loc, tried, want_input,
                                       f"the cached label {label!r}: its input box {why}")
            elif page.link(key, view.to_win(anchor), view.to_win(box), side):
                self._save(self._entry(view))
        tried.append(f"input box {side} of the label: {box.as_list()}")
        if not view.dialogs and page is not None and page.note_input(view.to_win(box)):
            self._save(self._entry(view))  # the page the label came from: no text inside this box is written
        # click a little right of the box's left edge: on the text, never on a combo box's arrow
        point = (min(box.x0 + max(12, box.height), box.center[0]), box.center[1])
        return Match(anchor, box, point, f"input {side} of label {b.text!r}", b.text, kind="input")

    def _doubt(self, view: View, page: Page, loc: Locator, tried: list[str], want_input: bool, why: str) -> Match:
        """A cached association that cannot be confirmed: drop its page and resolve again from a full OCR
        (which records the association afresh with its evidence). Never reused unconfirmed."""
        tried.append(f"layout cache: {why} → cache page dropped, read the screen afresh")
        self.trace.append(tried[-1])
        self.stats["cache_misses"] += 1
        self._drop_page(self._entry(view), page)
        self._fresh = True
        return self._resolve(loc, view, tried, want_input)

    def locate(self, loc: Locator, timeout: float, *, want_input: bool = True, what: str = "") -> tuple[Match, View]:
        """Resolve LOC, polling until TIMEOUT (the screen may still be loading)."""
        self._check_dialog(0.0)
        deadline = time.monotonic() + timeout
        while True:
            view = self.view()
            tried: list[str] = []
            try:
                return self._resolve(loc, view, tried, want_input), view
            except NotFound as e:
                err = e
                tried = tried + [t for t in e.tried if t not in tried]
            if time.monotonic() >= deadline:
                break
            time.sleep(POLL)
        boxes: list[TextBox] = view.shot.meta.get("boxes") or self.full_ocr(view)  # type: ignore[assignment]
        if view.dialogs:
            tried.append(f"a dialog is open: {view.dialogs[-1].title!r} (it may cover the form)")
        # an ambiguous label → box association: both candidate boxes drawn in red
        evidence = layout.annotate(view.image, boxes, list(getattr(err, "candidates", [])),
                                   note=f"{what or 'locate'}: {loc.describe()}")
        raise DriverError(f"{what or 'locate'} {loc.describe()}: {err}", tried, evidence=evidence)

    # -- actions -----------------------------------------------------------------------------------------
    def _click_at(self, view: View, x: int, y: int) -> None:
        self._tracker().focus()
        sx, sy = view.to_screen(x, y)
        inp.click(sx, sy)

    def fill(self, loc: Locator, value: str, timeout: float) -> str:
        self._forbid(value)
        m, view = self.locate(loc, timeout, what="fill")
        field = view.screen_rect(m.target)
        page, cached = self._page, self._from_cache
        combo = m.kind == "input" and _is_combo(field)
        seen = ""
        landed = True
        for attempt in range(2):
            if not attempt:
                self._click_at(view, *m.point)
            else:
                self.stats["retries"] += 1
                self.trace.append(f"fill {loc.describe()}: read back {len(norm(seen))} of {len(norm(value))} "
                                  f"characters{'' if landed else ' (the paste did not change the box)'} → again")
                answered = len(self.dialog_log)
                self._check_dialog(0.0)  # a notice that popped up meanwhile took the keys
                moved = self._tracker().focus()
                if moved or len(self.dialog_log) != answered:
                    view = self.view()
                    self._click_at(view, *m.point)
                    if not landed:
                        time.sleep(1.3)  # some clients ignore keys for a moment after a click
                else:
                    # the field still has the focus: a client that ignored the keys (busy after the
                    # click, like an overloaded PC) has had the paste's wait to settle; don't click again
                    time.sleep(0.2)
            # never paste into a box that is not empty: empty it and check, whatever the toolkit's keys
            self._empty_field(loc, m, field, combo, first=not attempt, cached=cached, page=page)
            before = screen.grab(field).image
            text = value
            if attempt and is_masked_value(value):
                text = "".join(ch for ch in value if ch.isdigit())  # some masks reject pasted separators
            # the box is empty: Home puts the caret at its start (a masked box's caret may sit mid-mask)
            landed = inp.paste_text(text, select="home",
                                    landed=lambda b=before: _changed(screen.grab(field).image, b))
            seen = self._read_back(field, combo, value)
            if value_matches(value, seen):
                self._filled[_link_key(loc)] = value
                self._check_dialog(0.3)
                return strip_caret(value, seen)
            if overflow_parts(value, seen) and self._verify_head(field, value):
                self._filled[_link_key(loc)] = value
                self._check_dialog(0.3)
                return value
        if cached and page is not None:
            # the value did not land where the cache said the box is: never trust that entry again
            self._drop_page(self._entry(view), page)
            self.trace.append(f"fill {loc.describe()}: read-back failed on a cached association → page dropped")
        crop = screen.grab(field.grow(30))
        raise DriverError(
            f"fill {loc.describe()}: the field does not show the intended value after 2 tries "
            f"(pasted twice; OCR read {len(norm(seen))} characters, expected {len(norm(value))}; "
            "the box may limit its length or filter characters — see the crop)",
            [f"{m.how} at {m.target.as_list()}", "pasted with ctrl+a, ctrl+v", "read back by OCR of the box"],
            evidence=layout.annotate(crop.image, [], [Rect(30, 30, 30 + field.width, 30 + field.height)]),
        )

    def _field_text(self, field: Rect, combo: bool) -> str | None:
        """None if the box at FIELD (screen pixels) is empty — no ink but a caret, or only a mask's
        separators/underscores — else what OCR reads in it."""
        img = screen.grab(field).image
        inner = layout.field_interior(Rect(0, 0, field.width, field.height), combo)
        crop = layout.erase_caret(layout.erase_rules(layout.light_background(img[inner.y0:inner.y1,
                                                                                 inner.x0:inner.x1])))
        ext = layout.text_extent(crop, pad=0)
        if ext is None or ext.width <= 3:
            return None  # blank, or only the blinking caret
        self.stats["line_ocr"] += 1
        text = read_crop(self.engine, crop)
        # an empty masked box shows its separators and place holders (____-__-__, read as 一一 or --)
        return text if any(ch.isalnum() and ch not in _MASK_CHARS for ch in text) else None

    def _empty_field(self, loc: Locator, m: Match, field: Rect, combo: bool, *, first: bool, cached: bool,
                     page: Page | None) -> None:
        """Make the clicked box empty before pasting, and check that it is.

        Ctrl+A does not select all everywhere (Tk and Emacs-style bindings move to the line start; some
        legacy clients bind it to 'add record'), so the chords are tried from the most portable: Home,
        Shift+End (one line), Ctrl+Home, Ctrl+Shift+End (a multi-line box), Ctrl+A — each followed by
        Delete and a look at the box. A box that shows the value this run filled into *another* label
        is that label's box: the association is wrong (the cache entry is dropped), nothing is pasted.
        """
        text = self._field_text(field, combo)
        if text is None:
            return
        if first:
            mine = _link_key(loc)
            other = next((k for k, v in self._filled.items() if k != mine and value_matches(v, text)), None)
            if other is not None:
                if cached and page is not None:
                    self._drop_page(self._entry(self.view()), page)
                raise DriverError(
                    f"fill {loc.describe()}: the box found for this label shows the value filled for "
                    f"{other.split('|')[0]!r}: the label → box association is wrong, nothing was pasted "
                    "(add offset: [dx, dy], or run `clerkdesk recipe probe`)",
                    [m.how, f"box {m.target.as_list()}"], evidence=screen.grab(field.grow(30)).png(),
                    retryable=False)
        for chords in (("home", "shift+end", "delete"), ("ctrl+home", "ctrl+shift+end", "delete"),
                       ("ctrl+a", "delete")):
            for c in chords:
                inp.hotkey(c)
            wait_stable(lambda: screen.grab(field).image, 0.5, interval=0.04)
            if self._field_text(field, combo) is None:
                self.trace.append(f"emptied {loc.describe()} with {', '.join(chords)}")
                return
        raise DriverError(
            f"fill {loc.describe()}: the box could not be emptied (Home/Shift+End, Ctrl+Home/Ctrl+Shift+End "
            "and Ctrl+A, each with Delete, left text in it); nothing was pasted",
            [m.how, f"box {m.target.as_list()}"], evidence=screen.grab(field.grow(30)).png())

    def _read_back(self, field: Rect, combo: bool, value: str | None = None) -> str:
        time.sleep(0.05)
        img = screen.grab(field).image
        self.stats["line_ocr"] += 1
        seen = read_box(self.engine, img, Rect(0, 0, field.width, field.height), combo=combo)
        if value is not None and not value_matches(value, seen):
            # a second opinion on the same pixels, enlarged: short values (a lone "20" in a spin box) are
            # misread on small crops; this reads, it does not paste again
            self.stats["line_ocr"] += 1
            again = read_box(self.engine, img, Rect(0, 0, field.width, field.height), combo=combo, scale=2.0)
            if value_matches(value, again):
                return again
        return seen

    def _verify_head(self, field: Rect, value: str) -> bool:
        """A value wider than its box shows only its tail; press Home and check the head too."""
        inp.hotkey("home")
        time.sleep(0.1)
        head = self._read_back(field, False)
        inp.hotkey("end")
        return len(norm(head)) >= 3 and norm(value).startswith(norm(head).rstrip("|丨!lI"))

    def choose(self, loc: Locator, value: str, timeout: float) -> None:
        m, view = self.locate(loc, timeout, what="choose")
        field = view.screen_rect(m.target)
        combo = _is_combo(field)
        if combo or m.kind == "input":
            if value_matches(value, self._read_back(field, combo)):
                return
            self._pick_from_popup(loc, view, m, value, timeout)
            seen = self._read_back(field, combo)
            if not value_matches(value, seen):
                raise DriverError(f"choose {loc.describe()}: the box does not show the chosen item afterwards",
                                  [m.how, "picked the item from the drop-down list by OCR"],
                                  evidence=screen.grab(field.grow(30)).png())
            self._check_dialog(0.3)
            return
        raise DriverError(f"choose {loc.describe()}: no drop-down box beside the label", [m.how])

    def check(self, loc: Locator, on: bool, timeout: float) -> None:
        m, view = self.locate(loc, timeout, want_input=False, what="check")
        ind = layout.check_indicator(view.image, m.anchor or m.target)
        if ind is None:
            raise DriverError(f"check {loc.describe()}: no check box left of the text", [m.how])
        r = view.screen_rect(ind)
        state = _checked(screen.grab(r).image)
        if state == on:
            return
        self._click_at(view, *ind.center)
        deadline = time.monotonic() + max(1.0, timeout)
        while time.monotonic() < deadline:
            time.sleep(0.05)
            if _checked(screen.grab(r).image) == on:
                self._check_dialog(0.3)
                return
        raise DriverError(f"check {loc.describe()}: the box did not change", [m.how, f"clicked {ind.as_list()}"],
                          evidence=screen.grab(r.grow(20)).png())

    def click(self, loc: Locator, timeout: float) -> None:
        # until the mouse button goes down nothing reached the client: a submit that fails here was
        # certainly not sent (``nothing_sent``); after the click, a failure leaves it uncertain
        with _nothing_sent(self.dialog_log):
            m, view = self.locate(loc, timeout, want_input=loc.label is not None and loc.text is None,
                                  what="click")
            sx, sy = self._aim(view, *m.point)
        inp.click(sx, sy)
        self._settle()

    def _aim(self, view: View, x: int, y: int) -> tuple[int, int]:
        """Focus the window and map image pixel (x, y) to the screen; sends nothing to the client."""
        self._tracker().focus()
        return view.to_screen(x, y)

    def _settle(self) -> None:
        self._check_dialog(0.6 if self._armed else 0.0)
        tracker = self._tracker()
        # the window may close in reaction to the click; the next step will say so
        with contextlib.suppress(DriverError):
            wait_stable(lambda: tracker.view().image, 1.5, interval=0.1)

    def press(self, keys: str, loc: Locator | None, timeout: float) -> None:
        with _nothing_sent(self.dialog_log):
            inp.parse_keys(keys)  # a bad chord fails before anything is sent
            if loc is not None:
                m, view = self.locate(loc, timeout, what="press")
                sx, sy = self._aim(view, *m.point)
            else:
                self._tracker().focus()
        if loc is not None:
            inp.click(sx, sy)
        inp.hotkey(keys)
        self._settle()

    # -- conditions --------------------------------------------------------------------------------------
    def probe(self, cond: Condition) -> bool:
        if cond.url is not None:
            raise DriverError("a desktop client has no URL; wait for a window or a text instead", retryable=False)
        if cond.window is not None:
            present = bool(windows.find_windows(cond.window))
            return present != cond.gone
        if cond.text is not None:
            view = self.view()
            text = cond.text

            def find(bs: list[TextBox]) -> TextBox:
                return _box_of(layout.find_text(bs, text, threshold=self.threshold))
            try:
                self._anchor(view, text, find, [])  # a known screen: verified from the layout cache
                present = True
            except NotFound:
                present = False
            return present != cond.gone
        if cond.element is not None:
            try:
                self._resolve(cond.element, self.view(), [], want_input=False)
                present = True
            except NotFound:
                present = False
            return present != cond.gone
        return True

    def wait_for(self, cond: Condition, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            self._check_dialog(0.0)
            if self.probe(cond):
                return
            if time.monotonic() >= deadline:
                break
            time.sleep(POLL)
        evidence = None
        tried = [f"polled for {timeout:g} s"]
        if self.tracker is not None:
            try:
                view = self.view()
                evidence = layout.annotate(view.image, self.full_ocr(view), note=f"waiting for {cond.describe()}")
            except DriverError as e:
                tried.append(str(e))
        raise DriverError(f"timed out waiting for {cond.describe()} in {self.where()}", tried, evidence=evidence)

    # -- reading -----------------------------------------------------------------------------------------
    def read(self, spec: ReadSpec, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        while True:
            text, tried, view = self._read_once(spec)
            if text is not None:
                self._forbid(text)  # an account or receipt number: never into the layout cache
                if spec.pattern:
                    mt = re.search(spec.pattern, text)
                    if mt:
                        got = mt.group(1) if mt.groups() else mt.group(0)
                        self._forbid(got)
                        return got
                    tried.append(f"pattern {spec.pattern!r} did not match the text read")
                else:
                    return text
            if time.monotonic() >= deadline:
                break
            time.sleep(POLL)
        boxes: list[TextBox] = view.shot.meta.get("boxes") or self.full_ocr(view)  # type: ignore[assignment]
        raise DriverError(f"read {spec.after or (spec.element.describe() if spec.element else '')}: nothing found",
                          tried, evidence=layout.annotate(view.image, boxes, note="read"))

    def _read_once(self, spec: ReadSpec) -> tuple[str | None, list[str], View]:
        view = self.view()
        tried: list[str] = []
        if spec.element is not None:
            try:
                m = self._resolve(spec.element, view, tried, want_input=True)
            except NotFound as e:
                return None, tried + e.tried, view
            return read_box(self.engine, view.image, m.target, combo=_is_combo(view.screen_rect(m.target))), tried, view
        if not spec.after:
            raise DriverError("read needs `after` (a label) or an element", retryable=False)
        boxes = self.full_ocr(view)  # values change: always look afresh
        try:
            b, _ = layout.find_label(boxes, spec.after, threshold=self.threshold)
        except NotFound as e:
            # the label in the middle of a longer line (办理成功，受理号：2026…): the text after it
            for x in boxes:
                rest = _after_label(x.text, spec.after)
                if rest:
                    return rest, tried, view
            return None, tried + e.tried, view
        rest = _after_label(b.text, spec.after)
        if rest:
            return rest, tried, view
        r = box_rect(b)
        same_line = [x for x in boxes if x is not b and box_rect(x).x0 >= r.x1 - 2
                     and abs(x.center[1] - b.center[1]) <= max(6, r.height * 0.6)]
        if same_line:
            nxt = min(same_line, key=lambda x: x.bbox[0])
            return nxt.text, tried, view
        # the value may sit in a (read-only) box beside the label
        found = layout.input_beside(view.image, r)
        if found is not None:
            text = read_crop(self.engine, view.shot.crop(layout.field_interior(found[0])))
            if text:
                return text, tried, view
        tried.append(f"no text right of the label {b.text!r} at {list(b.bbox)}")
        return None, tried, view

    def screenshot(self) -> bytes:
        if self.tracker is None:
            return screen.grab().png()
        return self.view().shot.png()

    # -- dialogs ---------------------------------------------------------------------------------------------
    def arm_dialog(self, accept: bool, text: str | None, prompt: str | None) -> None:
        """Answer the next modal box: click its accept (确定/是/OK…) or dismiss (取消/否…) button, or
        the button named TEXT if the box has one. If TEXT is not a button, it must appear in the box's
        message, or the box is left alone. PROMPT is pasted into the box's input first, if it has one."""
        self._armed = (accept, text, prompt)
        self._left_alone.clear()

# --- helpers ------------------------------------------------------------------------------------------------


@contextlib.contextmanager
def _nothing_sent(log: list[dict[str, str]]) -> Any:
    """A ``DriverError`` raised inside happened before any input reached the client: say so
    (``nothing_sent=True``), so that a failed submit is reported as not submitted. If a dialog was
    answered meanwhile (``_check_dialog`` clicked a button of the client's box), input did reach the
    client, and the promise is not made."""
    answered = len(log)
    try:
        yield
    except DriverError as e:
        e.nothing_sent = len(log) == answered
        raise


def _after_label(text: str, label: str) -> str | None:
    """The part of the OCR line TEXT after LABEL (compared normalised, returned as OCR read it — case and
    width kept), or None if LABEL is not in TEXT or nothing follows it."""
    want = norm(label)
    if not want:
        return None
    for i in range(len(text)):
        for k in range(i + 1, len(text) + 1):
            if norm(text[i:k]) == want:
                rest = text[k:].lstrip(":：∶﹕ \t")
                return rest or None
    return None


def _line_height(boxes: list[TextBox], anchor: Rect) -> int:
    """The height of one text line: the anchor's, unless it spans two lines (a wrapped label)."""
    hs = [box_rect(b).height for b in boxes]
    med = int(np.median(hs)) if hs else anchor.height
    return med if anchor.height > 1.6 * med else anchor.height


def _link_key(loc: Locator) -> str:
    return f"{loc.label}|nth={loc.nth}|within={loc.within}|exact={loc.exact}"


def _close(a: Rect, b: Rect, tol: int = 3) -> bool:
    return abs(a.x0 - b.x0) <= tol and abs(a.y0 - b.y0) <= tol and abs(a.x1 - b.x1) <= tol and abs(a.y1 - b.y1) <= tol


def _box_of(m: Match) -> TextBox:
    r = m.target
    return TextBox(m.text, 1.0, ((r.x0, r.y0), (r.x1 - 1, r.y0), (r.x1 - 1, r.y1 - 1), (r.x0, r.y1 - 1)))


def _changed(a: np.ndarray, b: np.ndarray) -> bool:
    """Did a field's pixels change by more than a blinking caret?"""
    if a.shape != b.shape:
        return True
    diff = np.abs(a.astype(np.int16) - b.astype(np.int16)).max(axis=2) > 40
    cols = np.where(diff.any(axis=0))[0]
    return len(cols) > 3


def _is_combo(field: Rect) -> bool:
    img = screen.grab(field).image
    return layout.looks_like_combo(img, Rect(0, 0, field.width, field.height))


def _checked(crop: np.ndarray) -> bool:
    """Is the check box indicator in CROP ticked? (ink inside its border)"""
    h, w = crop.shape[:2]
    inner = crop[max(2, h // 5):h - max(2, h // 5), max(2, w // 5):w - max(2, w // 5)]
    if inner.size == 0:
        return False
    g = inner.mean(axis=2)
    return bool((np.abs(g - float(np.percentile(crop.mean(axis=2), 90))) > 70).mean() > 0.08)
