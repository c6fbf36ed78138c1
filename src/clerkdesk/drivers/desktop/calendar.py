"""``choose`` of a date on a desktop client's month calendar: navigated by its visible header, the day clicked, the
selection verified (``choose: {label: 出生日期, value: "{{ person.birth_date }}"}`` where a calendar is shown).

A calendar day clicked in the wrong month is a wrong date that nothing notices (issue 13: 2026-12-20 was
submitted for 2026-11-20), and a recipe that guards every month with ``when`` steps is unreadable. So the
driver reads the calendar the way a clerk does:

1. **The header**: an OCR line on which a year and a month can be read (``2026年11月``, ``2026-11``,
   ``十一月 2026``, ``November 2026``; the month and the year may be separate texts, as in GTK's
   ``‹ November › ‹ 2026 ›``), nearest to the step's label (if it has one). Its **arrows** are the short texts
   of arrow glyphs on the same row (``<``, ``<<``, ``‹``, ``«``, ``◀``…); an arrow left of the header text it
   is nearest to goes back, right of it forward.
2. **Navigation**: an arrow is clicked and the header re-read from a crop of its row only (no full OCR); how
   many months an arrow moves (1, or 12 for a year arrow) is *learnt* from the header, never assumed, and the
   largest step that does not overshoot is used. A header that does not move after a click fails the step.
3. **The day**: the calendar's grid (the area under the header) is read once; the day's number must be a whole
   OCR text (``"20"`` is never the 20 of ``2026``). Days of the neighbouring months (drawn grey, in the first
   or last rows) are never chosen: of several candidates the one drawn in the darkest ink, then the one in the
   month's place in the grid (late days at the bottom, early days at the top) wins.
4. **Verification**: after the click the header must still show the wanted month (a grey day switches the
   month in GTK), the day's cell must look selected (its background differs from the grid's, or it changed
   with the click), and a box beside the step's label, if there is one, must read back as the same date
   (compared as year, month and day numbers, whatever the separators or zero padding). Any difference fails
   the step with the calendar's crop as evidence.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from clerkdesk.drivers.desktop.finder import FieldFinder
from clerkdesk.drivers.desktop.readback import read_box, read_crop
from clerkdesk.drivers.desktop.reader import ScreenReader
from clerkdesk.drivers.desktop.view import View, shift_box, wait_change, wait_stable
from clerkdesk.recipe.driver import DriverError, Locator, Patience
from clerkdesk.vision import layout, screen, windows
from clerkdesk.vision.layout import NotFound, box_rect
from clerkdesk.vision.normalize import norm
from clerkdesk.vision.ocr import TextBox, read_screen
from clerkdesk.vision.screen import Rect

ARROWS_BACK = set("<‹«《〈◀◁←＜く")
ARROWS_FORWARD = set(">›»》〉▶▷→＞")
_ZH_MONTHS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"]
_EN_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
MAX_CLICKS = 150  # a birth date 100 years back: 100 year clicks and up to 11 month clicks


def parse_date(value: str) -> dt.date | None:
    """A date written as digits with any separators (2026-11-20, 2026/11/20, 2026年11月20日, 20261120)."""
    nums = re.findall(r"\d+", value)
    if len(nums) == 1 and len(nums[0]) == 8:
        nums = [nums[0][:4], nums[0][4:6], nums[0][6:]]
    if len(nums) != 3 or len(nums[0]) != 4:
        return None
    try:
        return dt.date(int(nums[0]), int(nums[1]), int(nums[2]))
    except ValueError:
        return None


def _month_of(text: str) -> int | None:
    t = norm(text).strip(".")
    m = re.fullmatch(r"(\d{1,2})月?", t)
    if m and 1 <= int(m.group(1)) <= 12:
        return int(m.group(1))
    m = re.fullmatch(r"(十[一二]|[一二三四五六七八九十])月", t)
    if m:
        return _ZH_MONTHS.index(m.group(1)) + 1
    for i, name in enumerate(_EN_MONTHS):
        if len(t) >= 3 and t.isalpha() and t.startswith(name):
            return i + 1
    return None


def year_month(text: str) -> tuple[int | None, int | None]:
    """The year and month one header text shows (either may be None): ``2026年11月`` → (2026, 11),
    ``2026`` → (2026, None), ``十一月`` / ``November`` → (None, 11)."""
    t = norm(text)
    if parse_date(t) is not None or len(re.findall(r"\d+", t)) > 2:
        return None, None  # a whole date (a box's contents) or a number of a form, not a header
    m = re.search(r"((?:19|20)\d\d)\s*(?:年|[-/.])\s*(\d{1,2})\s*月?", t)
    if m and 1 <= int(m.group(2)) <= 12:
        return int(m.group(1)), int(m.group(2))
    y = re.search(r"(?<!\d)((?:19|20)\d\d)(?!\d)", t)
    rest = t.replace(y.group(1), "").strip(" 年,") if y else t
    month = _month_of(rest) if rest else None
    if y is None and month is None:
        return None, None
    if y is not None and rest and month is None:
        return None, None  # a year among other words (a date in a label, a title): not a header
    return (int(y.group(1)) if y else None), month


def _arrow(text: str) -> int:
    """-1 for a back arrow, +1 forward, 0 if TEXT is not made of arrow glyphs."""
    t = text.strip().replace(" ", "")
    if t and len(t) <= 3 and all(c in ARROWS_BACK for c in t):
        return -1
    if t and len(t) <= 3 and all(c in ARROWS_FORWARD for c in t):
        return 1
    return 0


@dataclass
class Header:
    """A calendar's header in image pixels: the year and month it shows, their text boxes, its arrows
    (rect, direction) and the row it occupies (the arrows included)."""

    year: int
    month: int
    texts: list[Rect]
    arrows: list[tuple[Rect, int]]
    row: Rect
    year_text: Rect | None = None  # the text showing only the year, when month and year are apart (GTK)

    def expected_span(self, arrow: Rect) -> int | None:
        """The months an arrow probably moves, before it is learnt: 12 beside a year shown on its own, 1 beside
        a month shown on its own; None when one text shows both."""
        if self.year_text is None or len(self.texts) < 2:
            return None
        near = min(self.texts, key=lambda t: abs(t.center[0] - arrow.center[0]))
        return 12 if near == self.year_text else 1

    @property
    def index(self) -> int:
        return self.year * 12 + self.month - 1


_GLYPHS = ARROWS_BACK | ARROWS_FORWARD


def split_arrows(b: TextBox) -> tuple[str, Rect, list[Rect]]:
    """A text with arrow glyphs at its ends (GTK's year reads ``<2026 >`` as one text) split into its core text,
    the core's rect and the arrows' rects (each glyph's share of the box, by character count)."""
    text = b.text
    r = box_rect(b)
    lead = len(text) - len(text.lstrip("".join(_GLYPHS) + " "))
    trail = len(text) - len(text.rstrip("".join(_GLYPHS) + " "))
    core = text[lead : len(text) - trail] if lead + trail < len(text) else ""
    if not core or not (lead or trail):
        return text, r, []
    cw = r.width / max(1, len(text))
    arrows: list[Rect] = []
    n_lead = len(text[:lead].rstrip())
    if n_lead:
        arrows.append(Rect(r.x0, r.y0, round(r.x0 + n_lead * cw), r.y1))
    n_trail = len(text[len(text) - trail :].lstrip())
    if n_trail:
        arrows.append(Rect(round(r.x1 - n_trail * cw), r.y0, r.x1, r.y1))
    inner = Rect(round(r.x0 + lead * cw), r.y0, round(r.x1 - trail * cw), r.y1)
    return core, inner, arrows


def ink_arrows(image: np.ndarray, text: Rect, taken: list[Rect]) -> list[Rect]:
    """Arrow glyphs OCR did not read beside a header TEXT (GTK's thin chevrons around ``December``): a narrow,
    short blob of ink at either end of the text's ink, set off by a gap, on the text's rows. TAKEN: arrows
    already known (a side with one is not searched)."""
    h = text.height
    band = Rect(text.x0 - 2 * h, text.y0, text.x1 + 2 * h, text.y1).clip(Rect(0, 0, image.shape[1], image.shape[0]))
    if band.empty or band.width < 4:
        return []
    g = image[band.y0 : band.y1, band.x0 : band.x1].astype(int).mean(axis=2)
    bg = float(np.median(g))
    ink = np.abs(g - bg) > 60
    cols = ink.any(axis=0)
    tall = ink.sum(axis=0) >= 0.9 * ink.shape[0]  # a frame's vertical line, not a glyph
    cols &= ~tall
    segs: list[list[int]] = []
    gap = max(3, h // 5)
    for x in np.flatnonzero(cols):
        if segs and x - segs[-1][1] <= gap:
            segs[-1][1] = int(x)
        else:
            segs.append([int(x), int(x)])
    cx = text.center[0] - band.x0
    # the segment holding the text's middle is the word; an arrow is the first segment beyond it on either side
    word = next((i for i, (a, b) in enumerate(segs) if a <= cx <= b), None)
    if word is None:
        return []
    out: list[Rect] = []
    for i in (word - 1, word + 1):
        if not 0 <= i < len(segs):
            continue
        a, b = segs[i]
        rows = np.flatnonzero(ink[:, a : b + 1].any(axis=1))
        if b - a + 1 > 0.6 * h or len(rows) == 0 or rows[-1] - rows[0] + 1 > 0.8 * h:
            continue
        r = Rect(band.x0 + a, band.y0 + int(rows[0]), band.x0 + b + 1, band.y0 + int(rows[-1]) + 1)
        r = r.grow(2)
        if any(_overlap(t, r) for t in taken):
            continue
        out.append(r)
    return out


def _overlap(a: Rect, b: Rect) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


def ink_of(image: np.ndarray, r: Rect) -> Rect:
    """An arrow's rect narrowed to its glyph's ink (OCR's box of a ``‹`` can take in the frame line beside it, and a
    click there misses the arrow); R itself when no ink but lines is found."""
    c = r.clip(Rect(0, 0, image.shape[1], image.shape[0]))
    if c.empty:
        return r
    g = image[c.y0 : c.y1, c.x0 : c.x1].astype(int).mean(axis=2)
    pad = image[max(0, c.y0 - 4) : c.y1 + 4, max(0, c.x0 - 4) : c.x1 + 4].astype(int).mean(axis=2)
    ink = np.abs(g - float(np.median(pad))) > 60
    ink[:, ink.sum(axis=0) >= 0.9 * ink.shape[0]] = False  # a frame's vertical line
    ys, xs = np.nonzero(ink)
    if len(xs) == 0:
        return r
    return Rect(c.x0 + int(xs.min()), c.y0 + int(ys.min()), c.x0 + int(xs.max()) + 1, c.y0 + int(ys.max()) + 1).grow(2)


def find_headers(boxes: list[TextBox], image: np.ndarray | None = None) -> list[Header]:
    """Every calendar header among BOXES: a year and a month read on one row (one text or two), with arrows
    (arrow texts on the row, arrow glyphs at the ends of a header text, and, given the IMAGE, unread glyphs
    of ink beside a header text)."""
    split = [split_arrows(b) for b in boxes]
    parts = [(r, *year_month(t)) for t, r, _ in split]
    out: list[Header] = []
    used: set[int] = set()
    for i, (r, y, m) in enumerate(parts):
        if i in used or (y is None and m is None):
            continue
        texts, own = [r], [i]
        year, month = y, m
        year_text = r if m is None else None
        if year is None or month is None:
            # the other half on the same row (GTK: ‹ November › ‹ 2026 ›)
            for j, (cr, y2, m2) in enumerate(parts):
                if j == i or j in used or abs(cr.center[1] - r.center[1]) > max(6, r.height // 2):
                    continue
                if (year is None and y2 is not None and m2 is None) or (month is None and m2 is not None and y2 is None):
                    year, month = year or y2, month or m2
                    texts.append(cr)
                    year_text = cr if m2 is None else year_text
                    own.append(j)
                    used.add(j)
                    break
        if year is None or month is None:
            continue
        used.add(i)
        cy, h = r.center[1], r.height
        rects = [box_rect(c) for c in boxes if _arrow(c.text)]
        rects = [c for c in rects if abs(c.center[1] - cy) <= max(6, h * 0.6)]
        rects += [a for k in own for a in split[k][2]]
        if image is not None:
            rects = [ink_of(image, c) for c in rects]
            for t in texts:
                rects += ink_arrows(image, t, rects)
        kept: list[Rect] = []
        for c in rects:  # one glyph read twice (as a text and beside a text) is one arrow
            if not any(_overlap(c, k) for k in kept):
                kept.append(c)
        rects = kept
        arrows = []
        for cr in rects:
            near = min(texts, key=lambda t, cr=cr: abs(t.center[0] - cr.center[0]))
            arrows.append((cr, -1 if cr.center[0] < near.center[0] else 1))
        arrows.sort(key=lambda a: a[0].x0)
        rs = texts + [a for a, _ in arrows]
        row = Rect(min(x.x0 for x in rs), min(x.y0 for x in rs), max(x.x1 for x in rs), max(x.y1 for x in rs))
        out.append(Header(year, month, texts, arrows, row, year_text))
    return out


def picker_button(image: np.ndarray, box: Rect) -> Rect | None:
    """The button right beside the input box BOX (image pixels) that opens a date picker: a framed square about as
    high as the box, starting within half a box height of its right edge (its frame: a full-height line at each end).
    None when there is none (a label or the next column's text is no button: it has no frame)."""
    h = box.height
    if h < 8:
        return None
    y0, y1 = max(0, box.y0), min(image.shape[0], box.y1)
    x0, x_end = box.x1, min(image.shape[1], box.x1 + 4 * h)
    if x_end - x0 < h // 2 or y1 - y0 < 8:
        return None
    g = image[y0:y1, x0:x_end, :3].astype(np.int16).mean(axis=2)
    ink = np.abs(g - float(np.median(g))) > 30
    frac = ink.mean(axis=0)
    cols = np.flatnonzero(frac >= 0.15)
    if len(cols) == 0 or cols[0] > h // 2:
        return None
    groups = np.split(cols, np.flatnonzero(np.diff(cols) > max(3, h // 2)) + 1)
    first = groups[0]
    width = int(first[-1] - first[0] + 1)
    if not 0.5 * h <= width <= 1.8 * h:
        return None
    framed = frac >= 0.7
    left, right = int(first[0]), int(first[-1])
    if not framed[left:left + 3].any() or not framed[max(left, right - 2):right + 1].any():
        return None
    return Rect(x0 + left, y0, x0 + right + 1, y1)


class CalendarPicker:
    """A date chosen on a month calendar. READER reads the screen (and its OCR engine the crops), FINDER the step's label
    and the box beside it, VIEW takes a fresh screenshot, CLICK_AT clicks at image pixels of a view."""

    def __init__(self, reader: ScreenReader, finder: FieldFinder, view: Callable[[], View],
                 click_at: Callable[[View, int, int], None]) -> None:
        self.reader = reader
        self.finder = finder
        self.view = view
        self.click_at = click_at

    def visible(self, loc: Locator) -> bool:
        """Is a calendar (a header with arrows) shown near LOC's label, or anywhere if LOC has none? One look."""
        try:
            self._header(loc, 0.0, [])
        except DriverError:
            return False
        return True

    def pick(self, loc: Locator, value: str, timeout: float, box: Rect | None = None) -> str:
        """Choose VALUE (a date); returns the date read back after the click: the box beside the label as OCR read
        it, else the calendar's header and selected day (``2026-11-20``).

        BOX (screen pixels): the date box whose button opened the calendar in a window of its own (a picker). Then
        the calendar is the one on the screen (the label is on the form, not beside it), and after the day's click
        the box must show the date — the only read-back left when the picker closes itself, as most do."""
        want = parse_date(value)
        if want is None:
            raise DriverError(f"choose {loc.describe()}: the value is not a date (year, month and day as digits, "
                              "e.g. 2026-11-20)", retryable=False, nothing_sent=True)
        tried: list[str] = []
        if box is not None:
            return self._pick_in_picker(loc, want, box, timeout, tried)
        view, header, label = self._header(loc, timeout, tried)
        header, day, before, clicks = self._click_day(view, header, want, tried)
        after = self.view()
        shown = self._verify(after, header, day, before, want, label, loc, tried)
        self.reader.trace.append(f"choose {loc.describe()}: {clicks} arrow click(s), day at {day.as_list()}")
        return shown

    def _pick_in_picker(self, loc: Locator, want: dt.date, box: Rect, timeout: float, tried: list[str]) -> str:
        """``pick`` on a calendar that a button beside BOX opened (see ``pick``)."""
        view, header, _ = self._header(Locator(within=loc.within), timeout, tried)
        # the picker's window: a dialog, or a pop-up drawn outside the window (Qt's QDateEdit calendar)
        shown_on = {d.handle for d in [*view.dialogs, *windows.popups()]
                    if d.rect.contains(*view.to_screen(*header.row.center))}
        # the picker closes itself (most do, some a moment after the click) or stays: wait for its window to go, or
        # for its grid to stop changing and then some
        header, day, before, clicks = self._click_day(view, header, want, tried)
        settle = time.monotonic() + 0.6
        while True:
            after = self.view()
            closed = bool(shown_on) and not any(d.handle in shown_on for d in [*after.dialogs, *windows.popups()])
            if closed or time.monotonic() >= settle:
                break
            time.sleep(0.05)
        if not closed:
            self._verify(after, header, day, before, want, None, loc, tried)
        wait_stable(lambda: screen.grab(box).image, 1.0, interval=0.05)
        self.reader.stats["line_ocr"] += 1
        text = read_box(self.reader.engine, screen.grab(box).image, Rect(0, 0, box.width, box.height))
        if parse_date(text) != want:
            raise DriverError(f"choose {loc.describe()}: the date box does not show the picked date after the click "
                              f"({len(norm(text))} characters read; the calendar "
                              f"{'closed' if closed else 'stayed open'})", tried,
                              evidence=screen.grab(box.grow(20)).png())
        self.reader.trace.append(f"choose {loc.describe()}: picker opened by its button, {clicks} arrow click(s), "
                                 f"day at {day.as_list()}, {'closed' if closed else 'still open'} after the click")
        return text.strip()

    def _click_day(self, view: View, header: Header, want: dt.date, tried: list[str]
                   ) -> tuple[Header, Rect, np.ndarray, int]:
        """Navigate to WANT's month by the header's arrows, click its day and wait until the grid stops changing:
        the header as re-read after the navigation, the day, its pixels before the click and how many arrow
        clicks it took."""
        clicks = self._navigate(view, header, want, tried)
        # the days are redrawn after the header: read them only once the whole calendar has stopped changing
        area = self._grid_area(view, header)
        wait_stable(lambda: screen.grab(view.screen_rect(area)).image, 1.5, interval=0.06)
        view = self.view()
        header = self._reread(view, header)
        grid = self._grid_area(view, header)
        day = self._day(view, grid, want, tried)
        before = screen.grab(view.screen_rect(day.grow(3))).image
        self.click_at(view, *day.center)
        wait_stable(lambda: screen.grab(view.screen_rect(grid)).image, 1.5, interval=0.06)
        return header, day, before, clicks

    # -- finding ------------------------------------------------------------------------------------------
    def _header(self, loc: Locator, timeout: float, tried: list[str]) -> tuple[View, Header, Rect | None]:
        for _ in Patience(timeout).looks(0.15):
            view = self.view()
            label: Rect | None = None
            try:
                if loc.label is not None or loc.text is not None:
                    m = self.finder.resolve(loc, view, tried, want_input=False)
                    label = m.anchor
                boxes: list[TextBox] = view.shot.meta.get("boxes") or self.reader.full_ocr(view)  # type: ignore[assignment]
                headers = find_headers(boxes, view.image)
                within = layout.parse_within(loc.within, view.image.shape[1], view.image.shape[0])
                if within is not None:
                    headers = [h for h in headers if within.contains(*h.row.center)]
                if not headers:
                    raise NotFound("no calendar on the screen (no header showing a year and a month)",
                                   ["OCR texts: " + ", ".join(repr(b.text) for b in boxes[:30])])
                # a header has arrows on both sides; a year and month in a title or a box's text has not
                headers = [h for h in headers if {d for _, d in h.arrows} == {-1, 1}] or headers
                if label is not None:
                    near = [h for h in headers if h.row.y1 >= label.y0 - label.height]
                    headers = sorted(near or headers, key=lambda h: _dist(h.row, label))[:1]
                if len(headers) > 1:
                    raise NotFound(f"{len(headers)} calendars on the screen: name one with `label` or `within`",
                                   [f"header {h.year}-{h.month:02d} at {h.row.as_list()}" for h in headers])
                h = headers[0]
                tried.append(f"calendar header {h.year}年{h.month}月 at {h.row.as_list()} with "
                             f"{len(h.arrows)} arrow(s)")
                if not any(d < 0 for _, d in h.arrows) or not any(d > 0 for _, d in h.arrows):
                    row = [repr(b.text) for b in boxes if abs(box_rect(b).center[1] - h.row.center[1]) <= h.row.height]
                    raise NotFound("the calendar header has no arrows on both sides (‹ ›, < >); texts on its row: "
                                   + ", ".join(row), list(tried))
                return view, h, label
            except NotFound as e:
                err = e
        boxes = view.shot.meta.get("boxes") or []  # type: ignore[assignment]
        raise DriverError(f"choose {loc.describe()}: {err}", tried + [t for t in err.tried if t not in tried],
                          evidence=layout.annotate(view.image, boxes, note=f"choose (calendar): {loc.describe()}"),
                          nothing_sent=True)

    def _reread(self, view: View, old: Header) -> Header:
        """The header read again from a strip of its row only (~0.1 s instead of a full OCR)."""
        pad = old.row.height
        strip = Rect(old.row.x0 - pad, old.row.y0 - pad // 2, old.row.x1 + pad, old.row.y1 + pad // 2).clip(
            Rect(0, 0, view.image.shape[1], view.image.shape[0]))
        self.reader.stats["line_ocr"] += 1
        boxes = [shift_box(b, strip.x0, strip.y0) for b in read_screen(self.reader.engine, view.shot.crop(strip))]
        found = find_headers(boxes, view.image)
        if not found:
            raise DriverError("choose (calendar): the calendar's header can no longer be read",
                              [f"header strip {strip.as_list()}: " + ", ".join(repr(b.text) for b in boxes)],
                              evidence=screen.to_png(view.shot.crop(strip.grow(20).clip(
                                  Rect(0, 0, view.image.shape[1], view.image.shape[0])))))
        h = min(found, key=lambda f: _dist(f.row, old.row))
        if len(h.arrows) < len(old.arrows):
            h.arrows = old.arrows  # an arrow drawn pressed for a moment: its place has not moved
        return h

    def _navigate(self, view: View, header: Header, want: dt.date, tried: list[str]) -> int:
        """Click arrows until the header shows WANT's month; the months each arrow moves are learnt."""
        goal = want.year * 12 + want.month - 1
        moves: dict[int, int] = {}  # arrow (the x of its centre, as first seen) → months it moved
        clicks = 0

        def key(r: Rect) -> int:  # an arrow re-read a few pixels off (its month's name changed width) is the same
            x = r.center[0]
            return min((k for k in moves if abs(k - x) <= max(6, r.width)), key=lambda k: abs(k - x), default=x)

        while header.index != goal:
            if clicks >= MAX_CLICKS:
                raise DriverError(f"choose (calendar): the calendar still shows {header.year}年{header.month}月 after "
                                  f"{clicks} arrow clicks", tried, evidence=view.shot.png())
            rest = goal - header.index
            sign = 1 if rest > 0 else -1
            arrows = [(key(r), r) for r, d in header.arrows if d == sign]
            known = [(moves[i], i, r) for i, r in arrows if i in moves and 0 < abs(moves[i]) <= abs(rest)]
            unknown = [(i, r) for i, r in arrows if i not in moves]
            if known:
                _, i, r = max(known, key=lambda k: abs(k[0]))
            elif unknown and all(header.expected_span(r) for _, r in unknown):
                # month and year apart (GTK's ‹ December › ‹ 2026 ›): an arrow is the one of the text beside it
                spans = [(header.expected_span(r) or 1, i, r) for i, r in unknown]
                fits = [x for x in spans if x[0] <= abs(rest)]
                _, i, r = max(fits, key=lambda x: x[0]) if fits else min(spans, key=lambda x: x[0])
            elif unknown:
                # the outer arrow of a side is usually the year's: try it first when a year or more is left
                outer = sorted(unknown, key=lambda a: a[1].x0 * sign, reverse=True)
                i, r = outer[0] if abs(rest) >= 12 else outer[-1]
            else:
                raise DriverError(f"choose (calendar): no arrow moves the calendar by {abs(rest)} month(s) or less",
                                  [*tried, f"arrow moves learnt: {moves}"], evidence=view.shot.png())
            strip = view.screen_rect(header.row.grow(header.row.height // 2))
            shown = screen.grab(strip).image
            self.click_at(view, *r.center)
            clicks += 1
            if not wait_change(lambda s=strip: screen.grab(s).image, shown, 2.0):
                raise DriverError(f"choose (calendar): clicking the arrow at {r.as_list()} did not change the calendar's header",
                                  tried, evidence=screen.grab(strip.grow(20)).png())
            wait_stable(lambda s=strip: screen.grab(s).image, 1.0, interval=0.04)
            view = self.view()
            new = self._reread(view, header)
            moves[i] = new.index - header.index
            tried.append(f"arrow {r.as_list()}: {header.year}年{header.month}月 → {new.year}年{new.month}月")
            if moves[i] == 0 or (moves[i] > 0) != (sign > 0):
                raise DriverError(f"choose (calendar): the arrow at {r.as_list()} moved the calendar the wrong way "
                                  f"({header.year}年{header.month}月 → {new.year}年{new.month}月)", tried,
                                  evidence=view.shot.png())
            header = new
        return clicks

    def _grid_area(self, view: View, header: Header) -> Rect:
        """Where the days are: under the header, as wide as it (plus a column), about eight rows deep."""
        h = header.row.height
        col = max(h, header.row.width // 7)
        return Rect(header.row.x0 - col, header.row.y1, header.row.x1 + col, header.row.y1 + 9 * h).clip(
            Rect(0, 0, view.image.shape[1], view.image.shape[0]))

    def _day(self, view: View, grid: Rect, want: dt.date, tried: list[str]) -> Rect:
        crop = view.shot.crop(grid)
        boxes = [shift_box(b, grid.x0, grid.y0) for b in self.reader.ocr(crop)]
        cands = [box_rect(b) for b in boxes if norm(b.text) == str(want.day)]
        tried.append(f"calendar grid {grid.as_list()}: {len(boxes)} texts, day {want.day} "
                     f"{len(cands)} time(s)")
        if not cands:
            raise DriverError(f"choose (calendar): day {want.day} is not in the calendar's grid", tried,
                              evidence=layout.annotate(view.image, boxes, [grid], note="choose (calendar): the days"))
        if len(cands) > 1:
            contrast = {c: _contrast(view.shot.crop(c)) for c in cands}
            best = max(contrast.values())
            dark = [c for c in cands if contrast[c] >= 0.7 * best]  # grey days of the neighbouring months drop out
            # in the grid, a late day of another month sits in the first row, an early one in the last rows
            cands = sorted(dark or cands, key=lambda c: c.y0, reverse=want.day >= 15)
        return cands[0]

    # -- verifying ----------------------------------------------------------------------------------------
    def _verify(self, view: View, header: Header, day: Rect, before: np.ndarray, want: dt.date, label: Rect | None,
                loc: Locator, tried: list[str]) -> str:
        now = self._reread(view, header)
        evidence = view.shot.crop(self._grid_area(view, now).grow(header.row.height).clip(
            Rect(0, 0, view.image.shape[1], view.image.shape[0])))
        if (now.year, now.month) != (want.year, want.month):
            raise DriverError(f"choose {loc.describe()}: after clicking day {want.day} the calendar shows "
                              f"{now.year}年{now.month}月, not {want.year}年{want.month}月 (a day of another month "
                              "was clicked)", tried, evidence=screen.to_png(evidence))
        cell = view.shot.crop(day.grow(3))
        grid = view.shot.crop(self._grid_area(view, now))
        bg = np.median(grid.reshape(-1, grid.shape[-1]), axis=0)
        edge = np.concatenate([cell[0], cell[-1], cell[:, 0], cell[:, -1]])
        marked = float(np.abs(np.median(edge, axis=0) - bg).max()) > 40
        changed = before.shape == cell.shape and bool((np.abs(before.astype(int) - cell.astype(int)) > 40).any())
        reads = norm(read_crop(self.reader.engine, cell, scale=2.0))
        self.reader.stats["line_ocr"] += 1
        if not (marked or changed) or reads != str(want.day):
            raise DriverError(f"choose {loc.describe()}: day {want.day} does not look selected after the click "
                              f"(cell reads {reads!r}, {'marked' if marked else 'not marked'})", tried,
                              evidence=screen.to_png(evidence))
        shown = f"{now.year}-{now.month:02d}-{int(reads):02d}"  # the header and the cell, as read
        if label is None:
            return shown
        try:
            m = self.finder.resolve(Locator(label=loc.label, nth=loc.nth, within=loc.within, exact=loc.exact),
                                    view, tried, want_input=True)
        except NotFound:
            return shown  # a calendar without a box of its own: the header and the cell are the read-back
        if m.target.y0 > now.row.y0 - 2 and m.target.contains(*now.row.center):
            return shown  # the "box" beside the label is the calendar's own frame
        self.reader.stats["line_ocr"] += 1
        text = read_box(self.reader.engine, view.image, m.target)
        if parse_date(text) != want:
            raise DriverError(f"choose {loc.describe()}: the box beside the label does not show the picked date "
                              f"after the click ({len(norm(text))} characters read)", tried,
                              evidence=screen.to_png(view.shot.crop(m.target.grow(20).clip(
                                  Rect(0, 0, view.image.shape[1], view.image.shape[0])))))
        return text.strip()


def _dist(a: Rect, b: Rect) -> float:
    return float(np.hypot(a.center[0] - b.center[0], a.center[1] - b.center[1]))


def _contrast(crop: np.ndarray) -> float:
    """How far the darkest (or, on a dark cell, the lightest) ink is from the cell's background: grey days of
    another month have little."""
    g = crop.mean(axis=2)
    bg = float(np.median(g))
    return float(max(bg - g.min(), g.max() - bg))


