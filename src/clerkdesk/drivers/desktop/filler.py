"""Typing on a desktop client: click the box, empty it, paste the value, read it back by OCR.

The value is pasted, never typed (IMEs, Chinese), into a box that was first emptied and checked empty with the
most portable chords (``_empty_field``); the box is then read back (``read_back``, a second, enlarged opinion
for short values) and compared with the intended value (``readback.value_matches``). A value wider than its box
is checked at its head too. One retry, then a ``DriverError`` with the crop as evidence. A box that shows the
value filled for *another* label is that label's box: the association is wrong and nothing is pasted.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from clerkdesk.drivers.desktop.dialogs import DialogHandler
from clerkdesk.drivers.desktop.finder import FieldFinder, link_key
from clerkdesk.drivers.desktop.readback import (
    is_masked_value,
    overflow_parts,
    read_box,
    read_crop,
    strip_caret,
    value_matches,
)
from clerkdesk.drivers.desktop.reader import ScreenReader
from clerkdesk.drivers.desktop.view import View, wait_stable
from clerkdesk.recipe.driver import DriverError, Locator
from clerkdesk.vision import input as inp
from clerkdesk.vision import layout, screen
from clerkdesk.vision.layout import Match
from clerkdesk.vision.layout_cache import Page
from clerkdesk.vision.normalize import norm
from clerkdesk.vision.screen import Rect

_MASK_CHARS = "一_|丨!lI"  # an empty mask's place holders as OCR reads them (____-__-__ as 一一), and the caret


class FieldFiller:
    """Fills one field at a time. Its collaborators: READER (OCR, stats, the layout cache), FINDER (the box of a
    label), DIALOGS (a notice that popped up and took the keys), FOCUS (gives the window the keyboard; True if
    it had to be moved), VIEW (a fresh screenshot of the window) and CLICK_AT (a click at image pixels)."""

    def __init__(self, reader: ScreenReader, finder: FieldFinder, dialogs: DialogHandler, focus: Callable[[], bool],
                 view: Callable[[], View], click_at: Callable[[View, int, int], None]) -> None:
        self.reader = reader
        self.finder = finder
        self.dialogs = dialogs
        self.focus = focus
        self.view = view
        self.click_at = click_at
        self.filled: dict[str, str] = {}  # label key → value filled in this run (memory only)

    def fill(self, loc: Locator, value: str, timeout: float) -> str:
        self.reader.forbid(value)
        m, view = self.finder.locate(loc, timeout, what="fill")
        field = view.screen_rect(m.target)
        page, cached = self.reader.page, self.reader.from_cache
        combo = m.kind == "input" and is_combo(field)
        seen = ""
        landed = True
        for attempt in range(2):
            if not attempt:
                self.click_at(view, *m.point)
                # the click's own effect (a focus frame, the caret) drawn before the box is looked at: else the paste's
                # check below takes that change for the value landing (a client that drops keys after a click)
                wait_stable(lambda: screen.grab(field).image, 0.5, interval=0.03)
            else:
                self.reader.stats["retries"] += 1
                self.reader.trace.append(f"fill {loc.describe()}: read back {len(norm(seen))} of {len(norm(value))} "
                                  f"characters{'' if landed else ' (the paste did not change the box)'} → again")
                answered = len(self.dialogs.log)
                self.dialogs.check(0.0)  # a notice that popped up meanwhile took the keys
                moved = self.focus()
                if moved or len(self.dialogs.log) != answered:
                    view = self.view()
                    self.click_at(view, *m.point)
                    if not landed:
                        time.sleep(1.3)  # some clients ignore keys for a moment after a click
                else:
                    # the field still has the focus: a client that ignored the keys (busy after the
                    # click, like an overloaded PC) has had the paste's wait to settle; don't click again.
                    # A box still (nearly) empty dropped the keys: give it the time a busy client takes
                    time.sleep(1.3 if len(norm(seen)) <= 1 else 0.2)
            # never paste into a box that is not empty: empty it and check, whatever the toolkit's keys
            self._empty_field(loc, m, field, combo, first=not attempt, cached=cached, page=page)
            before = screen.grab(field).image
            text = value
            if attempt and is_masked_value(value):
                text = "".join(ch for ch in value if ch.isdigit())  # some masks reject pasted separators
            # the box is empty: Home puts the caret at its start (a masked box's caret may sit mid-mask)
            landed = inp.paste_text(text, select="home",
                                    landed=lambda b=before: changed(screen.grab(field).image, b))
            # the box changed: read it once it has finished drawing (a busy client paints a long value in steps)
            wait_stable(lambda: screen.grab(field).image, 0.5, interval=0.03)
            seen = self.read_back(field, combo, value, settled=True)
            if value_matches(value, seen):
                self.filled[link_key(loc)] = value
                self.dialogs.check(0.3)
                return strip_caret(value, seen)
            if overflow_parts(value, seen) and self._verify_head(field, value):
                self.filled[link_key(loc)] = value
                self.dialogs.check(0.3)
                return value
        if cached and page is not None:
            # the value did not land where the cache said the box is: never trust that entry again
            self.reader.drop_page(self.reader.layout(view), page)
            self.reader.trace.append(f"fill {loc.describe()}: read-back failed on a cached association → page dropped")
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
        self.reader.stats["line_ocr"] += 1
        text = read_crop(self.reader.engine, crop)
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
            mine = link_key(loc)
            other = next((k for k, v in self.filled.items() if k != mine and value_matches(v, text)), None)
            if other is not None:
                if cached and page is not None:
                    self.reader.drop_page(self.reader.layout(self.view()), page)
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
                self.reader.trace.append(f"emptied {loc.describe()} with {', '.join(chords)}")
                return
        raise DriverError(
            f"fill {loc.describe()}: the box could not be emptied (Home/Shift+End, Ctrl+Home/Ctrl+Shift+End "
            "and Ctrl+A, each with Delete, left text in it); nothing was pasted",
            [m.how, f"box {m.target.as_list()}"], evidence=screen.grab(field.grow(30)).png())

    def read_back(self, field: Rect, combo: bool, value: str | None = None, *, settled: bool = False) -> str:
        """What the box at FIELD shows, by OCR; a second, enlarged reading when it does not match VALUE. SETTLED: the
        caller has waited for the screen to stop changing (no extra pause)."""
        if not settled:
            time.sleep(0.05)
        img = screen.grab(field).image
        self.reader.stats["line_ocr"] += 1
        seen = read_box(self.reader.engine, img, Rect(0, 0, field.width, field.height), combo=combo)
        if value is not None and not value_matches(value, seen):
            # a second opinion on the same pixels, enlarged: short values (a lone "20" in a spin box) are
            # misread on small crops; this reads, it does not paste again
            self.reader.stats["line_ocr"] += 1
            again = read_box(self.reader.engine, img, Rect(0, 0, field.width, field.height), combo=combo, scale=2.0)
            if value_matches(value, again):
                return again
        return seen

    def _verify_head(self, field: Rect, value: str) -> bool:
        """A value wider than its box shows only its tail; press Home and check the head too."""
        inp.hotkey("home")
        time.sleep(0.1)
        head = self.read_back(field, False)
        inp.hotkey("end")
        return len(norm(head)) >= 3 and norm(value).startswith(norm(head).rstrip("|丨!lI"))


def changed(a: np.ndarray, b: np.ndarray) -> bool:
    """Did a field's pixels change by more than a blinking caret?"""
    if a.shape != b.shape:
        return True
    diff = np.abs(a.astype(np.int16) - b.astype(np.int16)).max(axis=2) > 40
    cols = np.where(diff.any(axis=0))[0]
    return len(cols) > 3


def is_combo(field: Rect) -> bool:
    img = screen.grab(field).image
    return layout.looks_like_combo(img, Rect(0, 0, field.width, field.height))

