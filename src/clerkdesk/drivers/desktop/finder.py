"""The desktop field finder: a ``Locator`` resolved on a screenshot of the window (label → input box).

A label or text is found by OCR (``ScreenReader.anchor``: the layout cache first, verified, else a full read);
the input box that belongs to a label by image analysis beside it (``vision.layout.find_input``), or at an
explicit ``offset``; a picture by template matching. An association of a label with its box is trusted from the
cache only when a full read of the screen made the same one (``Page.link``); one that cannot be confirmed drops
its cache page and is made afresh (``_doubt``). ``locate`` polls until the timeout, then raises a
``DriverError`` with every strategy tried and the screen annotated with every OCR box.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from clerkdesk.drivers.desktop.reader import ScreenReader
from clerkdesk.drivers.desktop.view import View
from clerkdesk.recipe.driver import DriverError, Locator, Patience
from clerkdesk.vision import layout, screen
from clerkdesk.vision.layout import Match, NotFound, box_rect
from clerkdesk.vision.layout_cache import Page
from clerkdesk.vision.ocr import TextBox
from clerkdesk.vision.screen import Rect

POLL = 0.15


class FieldFinder:
    """Finds fields, texts and pictures in the VIEW of the target window with READER, answering a modal box
    that pops up meanwhile (CHECK_DIALOG, with a grace in seconds). Relative ``image`` paths are under
    ``recipe_dir`` (set from the run's options), else the recipes folder."""

    def __init__(self, reader: ScreenReader, view: Callable[[], View], check_dialog: Callable[[float], None]) -> None:
        self.reader = reader
        self.view = view
        self.check_dialog = check_dialog
        self.recipe_dir: str | None = None
        self.blocking: Callable[[], str | None] | None = None  # the open message box's words, for errors

    def _image_base(self) -> Path:
        """Relative ``image`` paths: under ``ctx.options["recipe_dir"]``, else the recipes folder
        (``CLERKDESK_RECIPES``), where the recipe that names them lives."""
        if self.recipe_dir:
            return Path(str(self.recipe_dir))
        from clerkdesk.config import recipes_dir

        return recipes_dir()

    def resolve(self, loc: Locator, view: View, tried: list[str], want_input: bool) -> Match:
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
                return box_of(m)
            b = self.reader.anchor(view, loc.text, find_t, tried, loc.exact)
            r = box_rect(b)
            return Match(anchor=r, target=r, point=r.center, how=f"text {b.text!r}", text=b.text, kind="text")
        if loc.label is None:
            raise NotFound(f"the desktop driver cannot use {loc.describe()}: use label, text, image or offset",
                           [f"unsupported locator keys in {loc.describe()}"])
        label = loc.label

        def find_l(bs: list[TextBox]) -> TextBox:
            b, _ = layout.find_label(bs, label, threshold=self.reader.threshold, exact=loc.exact, within=within,
                                     nth=loc.nth)
            return b
        b = self.reader.anchor(view, label, find_l, tried, loc.exact, keep_found=True)
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
        others = [box_rect(x) for x in self.reader.boxes if x is not b]
        page, cached = self.reader.page, self.reader.from_cache
        try:
            box, side = layout.find_input(view.image, anchor, others=others, text=b.text,
                                          text_h=_line_height(self.reader.boxes, anchor))
        except NotFound as e:
            if cached and page is not None:
                return self._doubt(view, page, loc, tried, want_input,
                                   f"the cached label {label!r} has no single input box beside it now")
            tried.extend(t for t in e.tried if t not in tried)
            if isinstance(e, layout.AmbiguousInput):
                raise
            raise NotFound(f"label {label!r} found, but no input box beside it (add offset: [dx, dy])",
                           tried) from None
        key = link_key(loc)
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
                self.reader.save(self.reader.layout(view))
        tried.append(f"input box {side} of the label: {box.as_list()}")
        if not view.dialogs and page is not None and page.note_input(view.to_win(box)):
            self.reader.save(self.reader.layout(view))  # the page the label came from: no text inside this box is written
        # click a little right of the box's left edge: on the text, never on a combo box's arrow
        point = (min(box.x0 + max(12, box.height), box.center[0]), box.center[1])
        return Match(anchor, box, point, f"input {side} of label {b.text!r}", b.text, kind="input")

    def _doubt(self, view: View, page: Page, loc: Locator, tried: list[str], want_input: bool, why: str) -> Match:
        """A cached association that cannot be confirmed: drop its page and resolve again from a full OCR
        (which records the association afresh with its evidence). Never reused unconfirmed."""
        tried.append(f"layout cache: {why} → cache page dropped, read the screen afresh")
        self.reader.trace.append(tried[-1])
        self.reader.stats["cache_misses"] += 1
        self.reader.drop_page(self.reader.layout(view), page)
        self.reader.fresh = True
        return self.resolve(loc, view, tried, want_input)

    def locate(self, loc: Locator, timeout: float, *, want_input: bool = True, what: str = "") -> tuple[Match, View]:
        """Resolve LOC, polling until TIMEOUT (the screen may still be loading)."""
        self.check_dialog(0.0)
        for _ in Patience(timeout).looks(POLL):
            view = self.view()
            tried: list[str] = []
            try:
                return self.resolve(loc, view, tried, want_input), view
            except NotFound as e:
                err = e
                tried = tried + [t for t in e.tried if t not in tried]
        boxes: list[TextBox] = view.shot.meta.get("boxes") or self.reader.full_ocr(view)  # type: ignore[assignment]
        box = None
        if view.dialogs:
            box = self.blocking() if self.blocking is not None else None
            tried.append(f"a dialog is open: {box or repr(view.dialogs[-1].title)} (it may cover the form)")
        # an ambiguous label → box association: both candidate boxes drawn in red
        evidence = layout.annotate(view.image, boxes, list(getattr(err, "candidates", [])),
                                   note=f"{what or 'locate'}: {loc.describe()}")
        shown = f" — the client shows a message box: {box}" if box else ""
        raise DriverError(f"{what or 'locate'} {loc.describe()}: {err}{shown}", tried, evidence=evidence)


def _line_height(boxes: list[TextBox], anchor: Rect) -> int:
    """The height of one text line: the anchor's, unless it spans two lines (a wrapped label)."""
    hs = [box_rect(b).height for b in boxes]
    med = int(np.median(hs)) if hs else anchor.height
    return med if anchor.height > 1.6 * med else anchor.height


def link_key(loc: Locator) -> str:
    return f"{loc.label}|nth={loc.nth}|within={loc.within}|exact={loc.exact}"


def _close(a: Rect, b: Rect, tol: int = 3) -> bool:
    return abs(a.x0 - b.x0) <= tol and abs(a.y0 - b.y0) <= tol and abs(a.x1 - b.x1) <= tol and abs(a.y1 - b.y1) <= tol


def box_of(m: Match) -> TextBox:
    r = m.target
    return TextBox(m.text, 1.0, ((r.x0, r.y0), (r.x1 - 1, r.y0), (r.x1 - 1, r.y1 - 1), (r.x0, r.y1 - 1)))
