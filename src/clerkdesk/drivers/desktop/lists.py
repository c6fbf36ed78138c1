"""Drop-down lists on a desktop client: open the list, find the item by OCR, scroll, click it.

``DesktopDriver`` owns one ``ListPicker``: a non-editable combo box cannot be typed or pasted into, so
the driver clicks it, finds the list that opened by comparing screenshots, finds its rows by their ink
(``ink_rows``; text detection only when the ink does not look like rows of text), recognises the likeliest rows
first (each row's reading kept for the process by a digest of its pixels) and scrolls with the mouse wheel less than
a page at a time, down to the end and up to the top.
"""

from __future__ import annotations

import hashlib
import itertools
import threading
import time
from collections.abc import Callable

import numpy as np

from clerkdesk.drivers.desktop.reader import ScreenReader
from clerkdesk.drivers.desktop.view import View, wait_change, wait_stable
from clerkdesk.recipe.driver import DriverError, Locator, Patience
from clerkdesk.vision import input as inp
from clerkdesk.vision import layout, screen
from clerkdesk.vision.layout import Match, box_rect
from clerkdesk.vision.normalize import label_score, norm
from clerkdesk.vision.ocr import TextBox, detect, read_line
from clerkdesk.vision.screen import Rect

# What list rows read as, by a digest of their cleaned pixels, for the whole process: a drop-down opened again (the
# next citizen's form, a new driver of a warm run) shows the same rows, pixel for pixel, and the same pixels read the
# same; one changed pixel means a fresh recognition. The rows are the list's items (a code table), never a box.
_ROWS: dict[bytes, tuple[str, float]] = {}
_ROWS_LOCK = threading.Lock()
_ROWS_MAX = 4096
GUARD = 0.45
LOOK = 0.03  # seconds between looks for the list that a click opens


class ListPicker:
    """``choose`` in a drop-down list: READER recognises its rows (its OCR engine and stats), CLICK_AT opens it
    (a click at image pixels of a view, the window focused first)."""

    def __init__(self, reader: ScreenReader, click_at: Callable[[View, int, int], None]) -> None:
        self.reader = reader
        self._click_at = click_at

    def pick(self, loc: Locator, view: View, m: Match, value: str, timeout: float) -> None:
        """Open the list of the box M (clicking it), find VALUE in it by OCR, scrolling, and click it."""
        everything = screen.virtual_screen()
        before = screen.grab(everything).image
        self._click_at(view, *m.point)
        opened = time.monotonic()
        popup: Rect | None = None
        parts: tuple[Rect, Rect] | None = None
        sight = before
        near = view.screen_rect(m.target).shift(-everything.x0, -everything.y0).grow(2)
        for _ in Patience(max(2.0, min(timeout, 5.0))).looks(LOOK):
            # a look that sees nothing changed costs a few ms (the changed pixels are none): look often, so that the
            # list is seen soon after it is drawn (a Qt list is there ~20-40 ms after the click)
            sight = screen.grab(everything).image
            parts = _diff_parts(before, sight, near)
            if parts is not None:
                popup = parts[0]
                break
        if popup is None:
            # nothing opened, so nothing is closed either: no Escape (it would close a dialog)
            raise DriverError(f"choose {loc.describe()}: clicking the box opened no list — it is not a drop-down "
                              "(an entry with a picker button, e.g. a date, takes `fill`)",
                              [m.how, f"clicked at {m.point}", "list items seen: none (no list opened)"])
        # the list may still be opening (an animation, a slow client): measure it again once it is still
        settled = wait_stable(lambda: screen.grab(everything).image, 1.0, interval=0.05)
        if np.array_equal(settled, sight):
            # the list was still when first seen: the same pixels measure the same (no second measure, ~20-40 ms)
            self.reader.stats["list_still"] = self.reader.stats.get("list_still", 0) + 1
        else:  # first seen while still drawing (a loaded machine): measured again on the settled pixels
            self.reader.stats["list_moved"] = self.reader.stats.get("list_moved", 0) + 1
            parts = _diff_parts(before, settled, near)
        # the list itself (the largest change), relative to POPUP: its rows are found by their ink there
        core: Rect | None = None
        if parts is not None:
            popup, big = parts
            core = big.shift(-popup.x0, -popup.y0)
        # the box itself when the list opened right below or above it (its frame or focus look changed with the
        # click): not a row of the list. A list drawn over its box (GTK) keeps it: a row is there.
        box = view.screen_rect(m.target).shift(-everything.x0, -everything.y0)
        skip = box.shift(-popup.x0, -popup.y0).grow(2) if box.y0 <= popup.y0 + 4 or box.y1 >= popup.y1 - 4 else None
        popup = Rect(popup.x0 + everything.x0, popup.y0 + everything.y0, popup.x1 + everything.x0,
                     popup.y1 + everything.y0)
        seen: list[str] = []
        last: np.ndarray | None = None
        # look at what is shown, then wheel down to the end, then up to the top (the list opens at the current item,
        # so the wanted one may be below or above; a new form's box shows the first item, so down comes first: a
        # wheel towards an end the list is already at only shows after a wait that nothing changed)
        step = 1
        for direction in (0, -1, 1):
            for _page in range(60):
                shot = screen.grab(popup)
                last = shot.image
                hit, rows = self._find_item(shot.image, value, seen, core, skip)
                # a wheel notch moves 3 rows: move less than a page so that no item is skipped
                step = max(step, (rows - 2) // 3)
                if hit is not None:
                    cx, cy = box_rect(hit).center
                    self._point_at(popup, shot.image, box_rect(hit), (shot.left + cx, shot.top + cy),
                                   view.to_screen(*m.point), opened)
                    inp.click(shot.left + cx, shot.top + cy)
                    # the list closes and the box shows the item: wait until the list's place stops changing
                    wait_stable(lambda: screen.grab(popup).image, 1.0, interval=0.03, settle=3)
                    return
                if not direction:
                    break
                # wheel over the list's right edge (its scroll bar): hovering the rows would move the
                # highlighted current item along
                inp.scroll(direction * step, popup.x1 - 6, popup.center[1])
                if not wait_change(lambda: screen.grab(popup).image, last, 1.0):
                    break  # this end of the list
                wait_stable(lambda: screen.grab(popup).image, 0.6, interval=0.04)
        # Escape closes the list we opened — only if it is still open (else it would reach the dialog)
        still_open = _diff_area(before, screen.grab(everything).image, near) is not None
        if still_open:
            inp.hotkey("esc")
        items = ", ".join(seen[:60]) or "none could be read"
        raise DriverError(f"choose {loc.describe()}: no such item in the drop-down list (items seen: {items})",
                          [m.how, f"list items seen: {items}",
                           "closed the list with Escape" if still_open else "the list had closed by itself"],
                          evidence=None if last is None else screen.to_png(last))

    def _point_at(self, popup: Rect, shown: np.ndarray, row: Rect, at: tuple[int, int], origin: tuple[int, int],
                  opened: float) -> None:
        """Put the pointer on the item's ROW (pixels of SHOWN, the list as grabbed at POPUP) at AT, and return once the
        list shows it there, so that the click that follows counts.

        A list opened by a click ignores a click within the double-click interval of that one (Qt's QComboBox:
        ``QApplication::doubleClickInterval``, 400 ms by default) unless the pointer has moved more than 9 px from
        where it opened the list. Qt, GTK and Tk lists draw the row under the pointer highlighted: once the row's
        pixels change, the client has taken the move in, and the click is not ignored — no need to sit out the
        interval. When the row does not change (it was highlighted already: the box's current item; a list that does
        not follow the pointer), or the row is within a few pixels of ORIGIN (the opening click), the interval is
        waited out from OPENED, as before."""
        inp.move(*at)
        until = opened + GUARD
        far = abs(at[0] - origin[0]) + abs(at[1] - origin[1]) > 12 * max(1.0, screen.ui_scale())
        band = Rect(0, max(0, row.y0), shown.shape[1], min(shown.shape[0], row.y1))
        if far and not band.empty:
            before = shown[band.y0:band.y1]
            while True:
                now = screen.grab(popup).image
                if now.shape != shown.shape:
                    break  # the list moved or closed: not ours to judge here; the read-back afterwards is the check
                if not np.array_equal(now[band.y0:band.y1], before):
                    self.reader.stats["list_hover"] = self.reader.stats.get("list_hover", 0) + 1
                    return
                if time.monotonic() >= until:
                    return
                time.sleep(0.015)
        time.sleep(max(0.0, until - time.monotonic()))

    def _find_item(self, image: np.ndarray, value: str, seen: list[str], core: Rect | None = None,
                   skip: Rect | None = None) -> tuple[TextBox | None, int]:
        """The list item showing VALUE, and how many rows are visible: find all lines (by their ink inside CORE, the
        list proper, else by text detection), recognise the likeliest (by width) first."""
        # items are left-aligned: detection (its cost grows with the area) looks at the part of the list where the
        # value's text can be, not at a wide list's empty right side
        h0 = max(16.0, 24 * screen.ui_scale())  # a list row's height at this scale
        reach = int(len(norm(value)) * h0 * 1.5 + 10 * h0)
        left = np.ascontiguousarray(image[:, :min(image.shape[1], reach)])
        # a list's rows are lines of text on a plain background, one under the other: their ink, row by row, finds
        # them in milliseconds; text detection (a third of a second or more) only when the ink does not look so
        lines = None
        if core is not None:
            # the list proper: the changed area may take in a box above it whose focus ring went
            c = core.clip(Rect(0, 0, left.shape[1], left.shape[0]))
            if c.width >= 8 and c.height >= 8:
                got = ink_rows(np.ascontiguousarray(left[c.y0:c.y1, c.x0:c.x1]), h0,
                               None if skip is None else skip.shift(-c.x0, -c.y0))
                lines = None if got is None else [(x0 + c.x0, y0 + c.y0, x1 + c.x0, y1 + c.y0)
                                                  for x0, y0, x1, y1 in got]
        if lines is None:
            lines = ink_rows(left, h0, skip)
        if lines is None:
            lines = detect(self.reader.engine, left)
            self.reader.stats["list_detect"] = self.reader.stats.get("list_detect", 0) + 1
        if not lines:
            return None, 0
        h = float(np.median([r[3] - r[1] for r in lines]))
        centres = sorted((r[1] + r[3]) / 2 for r in lines)
        gaps = [b - a for a, b in itertools.pairwise(centres) if b - a > 4]
        # detection boxes are taller than a list row; crop one row pitch, or neighbours' glyphs leak in
        half = (float(np.median(gaps)) if gaps else h) / 2
        expect = len(norm(value)) * h * 0.8  # CJK glyphs are about as wide as the line is high
        full = Rect(0, 0, image.shape[1], image.shape[0])
        # the row's text and a character more on each side (detection sometimes clips a first character); narrow
        # crops keep the batch small
        rows = [(Rect(int(x0 - h), int((y0 + y1) / 2 - half), x1 + int(h), int(np.ceil((y0 + y1) / 2 + half))).clip(full),
                 (x0, y0, x1, y1)) for x0, y0, x1, y1 in sorted(lines, key=lambda r: abs((r[2] - r[0]) - expect))]
        # the rows about as wide as the value first, a few per batch; the others only if it is not among them
        likely = [r for r in rows if 0.5 * expect <= r[1][2] - r[1][0] <= 1.6 * expect + h]
        rest = [r for r in rows if r not in likely]
        parts = [likely[i:i + 6] for i in range(0, len(likely), 6)] + [rest]
        boxes: list[TextBox] = []
        for part in parts:
            texts = self._recognise_rows(image, [r for r, _ in part])
            for (_, (x0, y0, x1, y1)), (text, score) in zip(part, texts, strict=True):
                b = TextBox(text, score, ((x0, y0), (x1, y0), (x1, y1), (x0, y1)))
                if text and text not in seen:
                    seen.append(text)
                boxes.append(b)
            hit = next((b for b in boxes if norm(b.text) == norm(value)), None)
            if hit is not None:
                return hit, len(lines)
        return _best_item(boxes, value), len(lines)

    def _recognise_rows(self, image: np.ndarray, rows: list[Rect]) -> list[tuple[str, float]]:
        """The text of each row of a list, recognised in one batch when the engine can (one call for the page
        instead of one per row), else row by row. Each row is cleaned first (a selected row's white on navy
        inverted, the list's frame lines erased)."""
        clean = image[..., :3].copy()
        keys: list[bytes] = []
        engine = getattr(self.reader.engine, "name", "").encode()
        for r in rows:
            clean[r.y0:r.y1, r.x0:r.x1] = layout.erase_rules(layout.light_background(image[r.y0:r.y1, r.x0:r.x1, :3]))
            crop = np.ascontiguousarray(clean[r.y0:r.y1, r.x0:r.x1])
            keys.append(hashlib.blake2b(crop.data, digest_size=16).digest() + bytes(str(crop.shape), "ascii") + engine)
        if not rows:
            return []
        with _ROWS_LOCK:
            known = {k: _ROWS[k] for k in keys if k in _ROWS}
        todo = [(r, k) for r, k in zip(rows, keys, strict=True) if k not in known]
        if known:
            self.reader.stats["rows_reused"] = self.reader.stats.get("rows_reused", 0) + len(rows) - len(todo)
        read: dict[bytes, tuple[str, float]] = {}
        batch = getattr(self.reader.engine, "recognize", None)
        if todo and callable(batch):
            quads = [((r.x0, r.y0), (r.x1, r.y0), (r.x1, r.y1), (r.x0, r.y1)) for r, _ in todo]
            self.reader.stats["line_ocr"] += 1
            got = {tuple(b.quad): (b.text, b.score) for b in batch(clean, quads, min_score=0.0)}
            for (_, k), q in zip(todo, quads, strict=True):
                read[k] = got.get(tuple((float(x), float(y)) for x, y in q), ("", 0.0))
        else:
            for r, k in todo:
                self.reader.stats["line_ocr"] += 1
                read[k] = read_line(self.reader.engine, clean[r.y0:r.y1, r.x0:r.x1])
        with _ROWS_LOCK:
            _ROWS.update(read)
            while len(_ROWS) > _ROWS_MAX:
                _ROWS.pop(next(iter(_ROWS)))
        return [known.get(k) or read[k] for k in keys]



def ink_rows(image: np.ndarray, row_h: float, skip: Rect | None = None) -> list[tuple[int, int, int, int]] | None:
    """The text lines of a list IMAGE as boxes (x0, y0, x1, y1), found from its ink alone; None when the ink does not
    look like rows of text one under the other (then the caller runs text detection). ROW_H: a list row's height at
    this scale, roughly. SKIP: pixels that are not the list (its box, when the list opened right below or above it).

    Each pixel row's own background is its median, so a highlighted row (white on navy) finds its text as a plain
    row does; vertical lines longer than a row (the list's frame, a scroll bar's edge) are not text."""
    if image.ndim != 3 or image.shape[0] < 8 or image.shape[1] < 8:
        return None
    g = image[..., :3].astype(np.int16).mean(axis=2)
    ink = np.abs(g - np.median(g, axis=1, keepdims=True)) > 60
    if skip is not None:
        ink[max(0, skip.y0):max(0, skip.y1), max(0, skip.x0):max(0, skip.x1)] = False
    # a vertical line longer than a row or two (the list's frame, a scroll bar's edge) is not text
    import cv2

    tall = cv2.morphologyEx(ink.astype(np.uint8), cv2.MORPH_OPEN, np.ones((int(row_h * 1.5) + 1, 1), np.uint8)) > 0
    cols = np.flatnonzero(tall.any(axis=0))
    if len(cols):
        runs_x = np.split(cols, np.flatnonzero(np.diff(cols) > 1) + 1)
        # a wide tall block in the left half is a picture among the rows: not a plain list (the caller detects text)
        if any(len(c) > 4 and c[0] < ink.shape[1] // 2 for c in runs_x):
            return None
        # a tall line or block in the right half is a scroll bar (its groove's edge, its handle) or the list's right
        # frame: nothing from there rightwards is the items' text (a scroll bar's arrows are not a row)
        right = [c[0] for c in runs_x if c[0] >= ink.shape[1] // 2]
        if right:
            ink[:, right[0]:] = False
    ink &= ~tall
    # the list's frame beside a highlighted row (its band runs up to the frame) is not text either
    ink[:, :3] = False
    ink[:, -3:] = False
    on = ink.sum(axis=1) >= 3
    runs: list[list[int]] = []
    y = 0
    n = len(on)
    while y < n:
        if on[y]:
            y0 = y
            while y < n and on[y]:
                y += 1
            runs.append([y0, y])
        y += 1
    if not runs:
        return None
    # a glyph with a blank line inside (二, 三) splits into two runs: join runs a pixel or two apart that stay
    # within a text line's height together (rows of a list are further apart than that)
    merged: list[list[int]] = [runs[0]]
    for a, b in runs[1:]:
        if a - merged[-1][1] <= 2 and b - merged[-1][0] <= row_h * 0.8:
            merged[-1][1] = b
        else:
            merged.append([a, b])
    # a run cut by the list's top or bottom edge is a partial row: not read (the wheel brings it in whole)
    rows = [(a, b) for a, b in merged if a > 0 and b < n]
    if not rows:
        return None
    hs = [b - a for a, b in rows]
    med = float(np.median(hs))
    # text rows: about one text line high each (not a picture, not lines run together, not specks)
    if med < max(6.0, row_h * 0.3) or max(hs) > min(row_h * 1.2, med * 1.6) or min(hs) < med * 0.35:
        return None
    out = []
    for a, b in rows:
        cols = np.flatnonzero(ink[a:b].any(axis=0))
        if len(cols) == 0:
            return None
        # the row's text: its ink columns from the first group wider than a line (a highlighted row's band ends in
        # the frame's pixels) to the last one within a few characters' gap (words of one item), not further
        groups = np.split(cols, np.flatnonzero(np.diff(cols) > 2 * (b - a)) + 1)
        text = [gr for gr in groups if gr[-1] - gr[0] >= 2] or groups
        out.append((int(text[0][0]), a, int(text[0][-1]) + 1, b))
    return out


def _diff_area(a: np.ndarray, b: np.ndarray, near: Rect) -> Rect | None:
    """Where a drop-down list appeared between A and B: the union of the changed regions that
    overlap NEAR's columns (a list opens above and/or below its box, aligned with it)."""
    found = _diff_parts(a, b, near)
    return None if found is None else found[0]


def _diff_parts(a: np.ndarray, b: np.ndarray, near: Rect) -> tuple[Rect, Rect] | None:
    """``_diff_area``'s union, and the largest changed region in it (the list itself, without a focus ring that
    moved off a box above it)."""
    import cv2

    if a.shape != b.shape:
        return None
    # only the pixels' bounding box of change is measured (a list is a small part of the screen; the whole screen
    # in int16 cost ~60 ms a call idle, several times that under load); 3 px of margin keep the dilation below
    # exactly what it is on the whole screen (unchanged pixels measure 0 either way). Each pixel's change is its
    # largest channel's |a - b| (cv2.absdiff on uint8, as exact as int16), the channels' maximum taken channel by
    # channel: numpy's reductions over the colour axis (any/max over axis 2) cost ~40 ms on a list of 430×640
    d = cv2.absdiff(np.ascontiguousarray(a), np.ascontiguousarray(b))
    if not d.any():
        return None
    if d.ndim == 3:
        change = d[:, :, 0].copy()
        for c in range(1, d.shape[2]):
            np.maximum(change, d[:, :, c], out=change)
    else:
        change = d
    rows = np.flatnonzero(change.any(axis=1))
    y0, y1 = max(0, int(rows[0]) - 3), min(a.shape[0], int(rows[-1]) + 4)
    band = change[y0:y1]
    cols = np.flatnonzero(band.any(axis=0))
    x0, x1 = max(0, int(cols[0]) - 3), min(a.shape[1], int(cols[-1]) + 4)
    mask = (band[:, x0:x1] > 25).astype(np.uint8)
    if mask.sum() < 50:
        return None
    mask = cv2.dilate(mask, np.ones((5, 5), np.uint8))
    n, _, st, _ = cv2.connectedComponentsWithStats(mask)
    rects = [Rect(x + x0, y + y0, x + x0 + w, y + y0 + h) for x, y, w, h in (
        (int(v) for v in st[i, :4]) for i in range(1, n))]
    return _list_parts(rects, near)


def _list_parts(rects: list[Rect], near: Rect) -> tuple[Rect, Rect] | None:
    """Of the changed regions RECTS (screen pixels), the union of those in NEAR's columns (not within NEAR: the box's
    own focus look), and the list proper; None when that is no list.

    The list proper is the largest region and every region in its columns that joins it (within NEAR too: the
    current item on the box), a row's gap at most apart:
    a list drawn over its box with the current item on it (Qt and GTK open a set box so) reaches above and below
    the box, and where the list's background is the form's, only its rows' text changed — row by row, a few pixels
    apart. A focus ring that left the box above a list opening below is a box's height away: not the list."""
    columns = [r for r in rects if r.x1 > near.x0 and r.x0 < near.x1]
    rects = [r for r in columns if not (near.contains(r.x0, r.y0) and near.contains(r.x1 - 1, r.y1 - 1))]
    if not rects:
        return None
    u = Rect(min(r.x0 for r in rects), min(r.y0 for r in rects), max(r.x1 for r in rects), max(r.y1 for r in rects))
    if u.width < 20 or u.height < 12:
        return None
    # a list opens below or above its box, by at least a row: a change that stays within a few pixels of
    # the box (a focus ring, a caret, a selection) is not a list
    reach = max(8, int(near.height * 0.6))
    if u.y1 < near.y1 + reach and u.y0 > near.y0 - reach:
        return None
    big = max(rects, key=lambda r: r.width * r.height)
    # the current item drawn on the box is a change within it: it joins the rows above and below
    aligned = [r for r in columns if r.x0 >= big.x0 - 4 and r.x1 <= big.x1 + 4]
    gap = max(8, near.height * 3 // 4)
    core = big
    grew = True
    while grew:
        grew = False
        for r in aligned:
            if r.y0 <= core.y1 + gap and r.y1 >= core.y0 - gap and not (core.y0 <= r.y0 and r.y1 <= core.y1
                                                                       and core.x0 <= r.x0 and r.x1 <= core.x1):
                core = Rect(min(core.x0, r.x0), min(core.y0, r.y0), max(core.x1, r.x1), max(core.y1, r.y1))
                grew = True
    return u, core


def _best_item(boxes: list[TextBox], value: str) -> TextBox | None:
    want = norm(value)
    exact = [b for b in boxes if norm(b.text) == want]
    if exact:
        return exact[0]
    if len(want) <= 2:
        return None  # 男/女, 汉族/回族: one wrong character is another item
    scored = sorted(((label_score(value, b.text), b) for b in boxes), key=lambda sb: -sb[0])
    if scored and scored[0][0] >= 0.8 and (len(scored) == 1 or scored[1][0] < scored[0][0]):
        return scored[0][1]
    return None
