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

``DesktopDriver`` composes small collaborators, each with the dependencies its constructor names:
``ClientLauncher`` (``launch``: the window, the client's program), ``WindowTracker`` and ``View`` (``view``: the
window and its dialogs as one screenshot), ``ScreenReader`` (``reader``: OCR, remembered, and the layout cache),
``FieldFinder`` (``finder``: label → box), ``FieldFiller`` (``filler``: empty, paste, read back),
``ListPicker`` (``lists``: drop-down lists) and ``DialogHandler`` (``dialogs``: modal boxes). It has no
frames, popup windows or uploads (the optional capabilities of ``recipe.driver``): a recipe that needs them is
refused before it starts.
"""

from __future__ import annotations

import contextlib
import re
import time
from pathlib import Path
from typing import Any

import numpy as np

from clerkdesk.drivers.desktop.calendar import CalendarPicker, parse_date, picker_button
from clerkdesk.drivers.desktop.dialogs import DialogHandler
from clerkdesk.drivers.desktop.filler import FieldFiller, is_combo
from clerkdesk.drivers.desktop.finder import FieldFinder, box_of
from clerkdesk.drivers.desktop.launch import ClientLauncher, client_env
from clerkdesk.drivers.desktop.lists import ListPicker
from clerkdesk.drivers.desktop.readback import read_box, read_crop, strip_caret, value_matches
from clerkdesk.drivers.desktop.reader import ScreenReader
from clerkdesk.drivers.desktop.view import View, WindowTracker, wait_stable
from clerkdesk.recipe.driver import Condition, DriverContext, DriverError, Locator, Patience, ReadSpec
from clerkdesk.vision import input as inp
from clerkdesk.vision import layout, screen, windows
from clerkdesk.vision.layout import Match, NotFound, box_rect
from clerkdesk.vision.normalize import DEFAULT_THRESHOLD, norm
from clerkdesk.vision.ocr import OcrEngine, TextBox, warm_up_in_background
from clerkdesk.vision.screen import Rect

POLL = 0.15
BLOCKED_AFTER = 3.0  # seconds a modal box of the client may stay up before a wait gives up and reports it

__all__ = ["DesktopDriver", "client_env"]


class DesktopDriver:
    """The ``Driver`` for desktop clients (kind ``"desktop"``). X11 tested; Windows untested."""

    kind = "desktop"

    def __init__(self, engine: OcrEngine | None = None, *, threshold: float = DEFAULT_THRESHOLD,
                 use_cache: bool = True) -> None:
        self.use_cache = use_cache
        self.ctx: DriverContext | None = None
        self.tracker: WindowTracker | None = None
        self.trace: list[str] = []  # cache decisions, for diagnostics
        self.stats = {"full_ocr": 0, "cache_hits": 0, "cache_misses": 0, "line_ocr": 0, "retries": 0,
                      "verify_reused": 0}
        self.launch = ClientLauncher()
        self.reader = ScreenReader(engine, threshold, self.stats, self.trace, self.where)
        self.dialogs = DialogHandler(lambda: self.tracker, self.reader.ocr)
        self.finder = FieldFinder(self.reader, self.view, self.dialogs.check)
        self.filler = FieldFiller(self.reader, self.finder, self.dialogs, lambda: self._tracker().focus(), self.view,
                                  self._click_at)
        self.lists = ListPicker(self.reader, self._click_at)
        self.calendar = CalendarPicker(self.reader, self.finder, self.view, self._click_at)
        self.finder.blocking = self._blocking_words

    # -- lifecycle ---------------------------------------------------------------------------------------
    @property
    def engine(self) -> OcrEngine:
        return self.reader.engine

    @property
    def dialog_log(self) -> list[dict[str, str]]:
        """Every modal box answered in this run: its title, message and the button clicked."""
        return self.dialogs.log

    def start(self, ctx: DriverContext) -> None:
        windows.require_desktop()
        self.ctx = ctx
        enabled = self.use_cache and bool(ctx.options.get("layout_cache", True))
        self.reader.open_cache(Path(ctx.home) / "layout-cache", enabled)
        self.reader.backend = ctx.options.get("ocr_backend")
        standing = ctx.options.get("dismiss_dialogs") or getattr(ctx.system, "dismiss_dialogs", None) or []
        self.dialogs.stand([str(t) for t in standing])
        cmd = ctx.options.get("command") or getattr(ctx.system, "command", None)
        self.launch.command = str(cmd) if cmd else None
        self.finder.recipe_dir = ctx.options.get("recipe_dir")
        if not self.reader.engine_given:
            warm_up_in_background(ctx.options.get("ocr_backend"))

    def close(self) -> None:
        # The client stays open: it belongs to the clerk. We only forget our state.
        self.tracker = None
        self.reader.forget()

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
        win = self.launch.find(where, timeout, deadline)
        known = {w.handle for w in windows.list_windows()}
        self.tracker = WindowTracker(win, known)
        self.tracker.focus()
        tracker = self.tracker
        wait_stable(lambda: tracker.view().image, max(0.3, deadline - time.monotonic()))
        self.reader.show(where, (win.rect.width, win.rect.height))
        self.dialogs.check(0.0)

    # -- views and OCR -----------------------------------------------------------------------------------
    def _tracker(self) -> WindowTracker:
        if self.tracker is None:
            raise DriverError("no window is open: a desktop recipe starts with `open: <window title>`",
                              retryable=False)
        return self.tracker

    def view(self) -> View:
        return self._tracker().view()

    # -- actions -----------------------------------------------------------------------------------------
    def _click_at(self, view: View, x: int, y: int) -> None:
        self._tracker().focus()
        sx, sy = view.to_screen(x, y)
        inp.click(sx, sy)

    def fill(self, loc: Locator, value: str, timeout: float) -> str:
        return self.filler.fill(loc, value, timeout)

    def choose(self, loc: Locator, value: str, timeout: float) -> str:
        """Returns what the screen shows afterwards (the step compares it with VALUE, as for ``fill``): the box's
        text read back, the text of the radio button read ticked, or the calendar's date read back."""
        self.dialogs.check(0.0)  # a standing notice that popped up meanwhile
        if parse_date(value) is not None:
            if self.calendar.visible(loc):
                return self.pick_date(loc, value, timeout)  # `choose` on a month calendar: navigated, clicked, verified
            box = self._open_picker(loc, timeout) if loc.label and loc.offset is None else None
            if box is not None:
                # a calendar that the button beside the date box opened: navigated, clicked, and the box read back
                self.dialogs.check(0.0)
                got = self.calendar.pick(loc, value, timeout, box=box)
                self.dialogs.check(0.3)
                return got
        found = self._choose_option(loc, value, min(timeout, 3.0)) if loc.label and loc.offset is None else False
        if isinstance(found, str):
            return found
        m, view = found if isinstance(found, tuple) else self.finder.locate(loc, timeout, what="choose")
        field = view.screen_rect(m.target)
        combo = is_combo(field)
        if combo or m.kind == "input":
            if not combo:
                # an entry (no arrow): it may hold the value already, and then no list is opened for it
                seen = self.filler.read_back(field, combo)
                if value_matches(value, seen):
                    return strip_caret(value, seen)
            # a drop-down is not read first: its list is opened and the item clicked either way (clicking the item
            # it already shows changes nothing), and the read-back afterwards is the check — one recognition, not two
            self.lists.pick(loc, view, m, value, timeout)
            seen = self.filler.read_back(field, combo, value, settled=True)
            if not value_matches(value, seen):
                raise DriverError(f"choose {loc.describe()}: the box does not show the chosen item afterwards",
                                  [m.how, "picked the item from the drop-down list by OCR"],
                                  evidence=screen.grab(field.grow(30)).png())
            self.dialogs.check(0.3)
            return strip_caret(value, seen)
        raise DriverError(f"choose {loc.describe()}: no drop-down box beside the label", [m.how])

    def _open_picker(self, loc: Locator, timeout: float) -> Rect | None:
        """A date box with a button (at its right end, or right beside it): click the button; the box (screen pixels)
        if a calendar showed up, None if there is no such button or it opened no calendar (a drop-down's list: the
        button is clicked once more, closing what this click opened — never Escape, which could reach the dialog)."""
        view = self.view()
        try:
            m = self.finder.resolve(loc, view, [], want_input=True)
        except NotFound:
            return None
        box = m.target
        field = view.screen_rect(box)
        if layout.button_shape(view.image, box) is not None:
            button = Rect(box.x1 - box.height, box.y0, box.x1, box.y1)  # a picker's ▼ drawn at the box's end
            field = view.screen_rect(Rect(box.x0, box.y0, button.x0, box.y1))  # the date's part of the box
        else:
            found = picker_button(view.image, box)
            if found is None:
                return None
            button = found
            field = view.screen_rect(Rect(box.x0, box.y0, found.x0, box.y1)) if found.x0 < box.x1 else field
        near = view.screen_rect(box.grow(box.height * 12))
        shown = screen.grab(near).image
        self._click_at(view, *button.center)
        anywhere = Locator(within=loc.within)
        for _ in Patience(max(1.5, min(timeout, 3.0))).looks(POLL):
            if self.calendar.visible(anywhere):
                self.trace.append(f"choose {loc.describe()}: the button at {button.as_list()} opened a calendar")
                return field
        if not np.array_equal(screen.grab(near).image, shown):
            self._click_at(self.view(), *button.center)  # close what the click opened (a list), as a clerk would
            wait_stable(lambda: screen.grab(near).image, 1.0, interval=0.05)
        self.trace.append(f"choose {loc.describe()}: the button at {button.as_list()} opened no calendar")
        return None

    def _blocking_words(self) -> str | None:
        box = self.dialogs.blocking()
        return box[0] if box else None

    def pick_date(self, loc: Locator, value: str, timeout: float) -> str:
        """``choose`` of a date on a month calendar: navigate it by its header, click the day, verify
        (``calendar.CalendarPicker``); the date read back afterwards (the box beside the label, else the
        calendar's header and selected day)."""
        self.dialogs.check(0.0)
        got = self.calendar.pick(loc, value, timeout)
        self.dialogs.check(0.3)
        return got

    def check(self, loc: Locator, on: bool, timeout: float) -> bool:
        """Returns the state read back from the box's pixels after the click (the step compares it with ON)."""
        m, view = self.finder.locate(loc, timeout, want_input=False, what="check")
        found = layout.option_indicator(view.image, m.anchor or m.target)
        if found is None:
            # no square: a radio button's circle (or a mark too faint for edges), found by its ink
            mark = layout.option_mark(view.image, m.anchor or m.target)
            if mark is None:
                raise DriverError(f"check {loc.describe()}: no check box left of the text", [m.how])
            found = (mark, "round")
        ind, shape = found
        return self._set_indicator(f"check {loc.describe()}", view, ind, shape, on, timeout, [m.how])

    def _set_indicator(self, what: str, view: View, ind: Rect, shape: str, on: bool, timeout: float,
                       tried: list[str]) -> bool:
        """Click the check box / radio button IND unless it already shows ON, then read its state back until it
        does; the state read (ON)."""
        r = view.screen_rect(ind)
        state = layout.mark_on if shape == "round" else layout.indicator_on
        if (now := state(screen.grab(r).image)) == on:
            return now
        self._click_at(view, *ind.center)
        for _ in Patience(max(1.0, timeout)).looks(0.05):
            if (now := state(screen.grab(r).image)) == on:
                self.dialogs.check(0.3)
                return now
        kind = "radio button" if shape == "round" else "check box"
        raise DriverError(f"{what}: the {kind} does not show {'ticked' if on else 'unticked'} after the click "
                          "(read back from its pixels)", [*tried, f"clicked {ind.as_list()}"],
                          evidence=screen.grab(r.grow(20)).png())

    def _choose_option(self, loc: Locator, value: str, timeout: float) -> bool | str | tuple[Match, View]:
        """``choose`` on a radio group: the label has no box beside it but the option VALUE sits on its row with a
        mark left of it. Selects it and reads the mark back (the option's text as OCR read it, a mark read as
        a character before it dropped). A box beside the label is returned as found
        (a drop-down or an entry, for the caller); False (nothing clicked) if neither is there yet.
        The options are read afresh (never from the layout cache: the chosen value is the citizen's)."""
        view = self.view()
        tried: list[str] = []
        try:
            return self.finder.resolve(loc, view, tried, want_input=True), view
        except NotFound:
            pass
        try:
            lab = self.finder.resolve(loc, view, tried, want_input=False).anchor
        except NotFound:
            return False
        for n in Patience(timeout).looks(POLL):
            if n:
                view = self.view()
            boxes: list[TextBox] = view.shot.meta.get("boxes") or self.reader.full_ocr(view)  # type: ignore[assignment]
            want = norm(value)
            opts = []
            for b in boxes:
                r = box_rect(b)
                t = norm(b.text)
                on_row = abs(r.center[1] - lab.center[1]) <= max(6, lab.height * 0.6) and r.x0 >= lab.x1 - 2
                if on_row and (t == want or (len(t) == len(want) + 1 and t[1:] == want and t[0] in "6oo0◎⊙●○◉@")):
                    mark = layout.option_mark(view.image, r)
                    if mark is not None:
                        text = b.text.strip()
                        opts.append((r.x0, mark, text[1:].strip() if len(t) > len(want) else text))
            if opts:
                _, mark, text = min(opts, key=lambda o: o[0])
                self._set_indicator(f"choose {loc.describe()}", view, mark, "round", True, timeout,
                                    [*tried, f"radio button {value!r} right of the label at {mark.as_list()}"])
                return text
        return False

    def click(self, loc: Locator, timeout: float) -> None:
        # until the mouse button goes down nothing reached the client: a submit that fails here was
        # certainly not sent (``nothing_sent``); after the click, a failure leaves it uncertain
        with _nothing_sent(self.dialog_log):
            m, view = self.finder.locate(loc, timeout, want_input=loc.label is not None and loc.text is None,
                                  what="click")
            sx, sy = self._aim(view, *m.point)
        inp.click(sx, sy)
        self._settle()

    def _aim(self, view: View, x: int, y: int) -> tuple[int, int]:
        """Focus the window and map image pixel (x, y) to the screen; sends nothing to the client."""
        self._tracker().focus()
        return view.to_screen(x, y)

    def _settle(self) -> None:
        self.dialogs.check(0.6 if self.dialogs.armed else 0.0)
        tracker = self._tracker()
        # the window may close in reaction to the click; the next step will say so
        with contextlib.suppress(DriverError):
            wait_stable(lambda: tracker.view().image, 1.5, interval=0.1)

    def press(self, keys: str, loc: Locator | None, timeout: float) -> None:
        with _nothing_sent(self.dialog_log):
            inp.parse_keys(keys)  # a bad chord fails before anything is sent
            if loc is not None:
                m, view = self.finder.locate(loc, timeout, what="press")
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
                return box_of(layout.find_text(bs, text, threshold=self.reader.threshold))
            try:
                self.reader.anchor(view, text, find, [])  # a known screen: verified from the layout cache
                present = True
            except NotFound:
                present = False
            return present != cond.gone
        if cond.element is not None:
            try:
                self.finder.resolve(cond.element, self.view(), [], want_input=False)
                present = True
            except NotFound:
                present = False
            return present != cond.gone
        return True

    def wait_for(self, cond: Condition, timeout: float) -> None:
        boxed_since: float | None = None
        appears = not cond.gone and (cond.text is not None or cond.element is not None)
        for _ in Patience(timeout).looks(POLL):
            self.dialogs.check(0.0)
            if self.probe(cond):
                return
            now = time.monotonic()
            # a message box of the client that stays up waiting for its 确定 hides what we wait for (a save
            # refused with 出生日期无效): after BLOCKED_AFTER s the wait ends with the box's words, not at the timeout.
            # A box without an accept button (正在保存…, a progress box) is waited out.
            boxed = appears and self.tracker is not None and bool(self._tracker().dialogs())
            boxed_since = (boxed_since or now) if boxed else None
            if boxed_since is not None and now - boxed_since >= BLOCKED_AFTER:
                box = self.dialogs.blocking()
                if box is not None and box[1]:
                    break
                boxed_since = now  # look again in a while
        evidence = None
        tried = [f"polled for {timeout:g} s"]
        blocking = self.dialogs.blocking()
        if self.tracker is not None:
            try:
                view = self.view()
                evidence = layout.annotate(view.image, self.reader.full_ocr(view), note=f"waiting for {cond.describe()}")
            except DriverError as e:
                tried.append(str(e))
        if blocking is not None:
            # the client answered with its own message box (出生日期无效): its words are the reason, not the wait
            raise DriverError(f"waiting for {cond.describe()}: the client shows a message box instead — "
                              f"{blocking[0]}", tried, evidence=evidence)
        raise DriverError(f"timed out waiting for {cond.describe()} in {self.where()}", tried, evidence=evidence)

    # -- reading -----------------------------------------------------------------------------------------
    def read(self, spec: ReadSpec, timeout: float) -> str:
        for _ in Patience(timeout).looks(POLL):
            text, tried, view = self._read_once(spec)
            if text is not None:
                self.reader.forbid(text)  # an account or receipt number: never into the layout cache
                if spec.pattern:
                    mt = re.search(spec.pattern, text)
                    if mt:
                        got = mt.group(1) if mt.groups() else mt.group(0)
                        self.reader.forbid(got)
                        return got
                    tried.append(f"pattern {spec.pattern!r} did not match the text read")
                else:
                    return text
        boxes: list[TextBox] = view.shot.meta.get("boxes") or self.reader.full_ocr(view)  # type: ignore[assignment]
        raise DriverError(f"read {spec.after or (spec.element.describe() if spec.element else '')}: nothing found",
                          tried, evidence=layout.annotate(view.image, boxes, note="read"))

    def _read_once(self, spec: ReadSpec) -> tuple[str | None, list[str], View]:
        view = self.view()
        tried: list[str] = []
        if spec.element is not None:
            try:
                m = self.finder.resolve(spec.element, view, tried, want_input=True)
            except NotFound as e:
                return None, tried + e.tried, view
            return read_box(self.engine, view.image, m.target, combo=is_combo(view.screen_rect(m.target))), tried, view
        if not spec.after:
            raise DriverError("read needs `after` (a label) or an element", retryable=False)
        boxes = self.reader.full_ocr(view)  # values change: always look afresh
        try:
            b, _ = layout.find_label(boxes, spec.after, threshold=self.reader.threshold)
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
        """Answer the next modal box (see ``DialogHandler.arm``)."""
        self.dialogs.arm(accept, text, prompt)

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


