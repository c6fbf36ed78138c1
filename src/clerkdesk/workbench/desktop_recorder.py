"""``clerkdesk recipe record`` for a desktop system: the supervisor clicks boxes in the client's window, OCR proposes
each box's label, and ClerkDesk writes the step and binds the value to the sample record.

The supervisor first fills the client's form by hand with the sample record (distinct values, as for the web
recorder), leaves it **unsaved**, and starts the recorder. The window is read once as ``recipe probe --window``
reads it (``drivers.desktop.probe``: every label with the input box the driver would fill, each label's locator
checked by the driver's own label search). Then each click of the supervisor becomes a step, in click order:

- a click in an input box → ``fill`` (``choose`` when the box is a drop-down) with the box's label as the
  locator; the box's text, read by OCR, is bound to the record field it equals (``workbench.recorder.bind``:
  the system's code, a date format, the plain value, a Chinese label). OCR may misread a character or the box
  may show only the start of a long value: a value that equals no field exactly is matched to the one field it
  nearly equals or starts, and the step says so in a comment;
- a click on a check box's text or square → ``check`` with ``value: true``;
- a click on any other text with a locator (a tab, a tool button) → ``click: {text: …, exact: true}``; the
  window is read again, since the click may show another page (a tab's fields).

A click outside the window ends the recording. The form's save button must **not** be clicked (a desktop client
cannot be kept from saving, unlike a web page whose posts are blocked): name it with ``--submit 保存`` and the
recipe gets a ``confirm`` and a ``submit`` clicking it; ``--expect TEXT`` adds the ``expect`` of the text the
client shows once it saved (without one a run cannot tell whether the save was taken and asks the clerk). Clicks are watched by polling the primary mouse button
(X11 ``QueryPointer``; on Windows ``GetAsyncKeyState``), so nothing is hooked into the client.
"""

from __future__ import annotations

import difflib
import json
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from clerkdesk.errors import ClerkDeskError
from clerkdesk.recipe.steps import kinds
from clerkdesk.workbench.recorder import Binding, bind, candidates, case_fields

POINT = tuple[int, int]
WINDOW_READ = "window read"  # what ON_STEP hears each time the window has been read (a click may follow)


@dataclass
class Box:
    """What a click landed on, as the recorder uses it (window pixels)."""

    kind: str  # fill | choose | check | click
    locator: dict[str, Any]
    label: str
    value: str = ""  # the box's text as OCR read it (fill/choose)

    @property
    def where(self) -> str:
        return self.label or json.dumps(self.locator, ensure_ascii=False)


@dataclass
class Recorded:
    box: Box
    binding: Binding | None = None  # fill/choose: the value's binding
    note: str = ""

    def yaml(self) -> str:
        from clerkdesk.drivers.desktop.probe import _yaml_flow

        loc = _yaml_flow(self.box.locator)[1:-1]
        if self.box.kind == "click":
            return f"  - click: {{{loc}}}"
        if self.box.kind == "check":
            return f"  - check: {{{loc}, value: true}}"
        b = self.binding
        if b is not None and b.template is not None:
            value, note = json.dumps(b.template, ensure_ascii=False), self.note
        else:
            value = json.dumps(self.box.value.replace("{", "{{ '{' }}"), ensure_ascii=False)
            note = f"literal: {b.note if b is not None else 'no value'}"
        return f"  - {self.box.kind}: {{{loc}, value: {value}}}" + (f"   # {note}" if note else "")


# --- what is where in a probed window ------------------------------------------------------------------------

def _inside(box: list[int], x: float, y: float, pad: int = 0) -> bool:
    return box[0] - pad <= x < box[2] + pad and box[1] - pad <= y < box[3] + pad


def box_at(probe: Any, x: int, y: int) -> Box | None:
    """What the window point (X, Y) is, from a ``ProbeResult``: an input box with its label, a check box, or a
    text with a locator; None for anything else (a frame, an empty area, a text no locator can name)."""
    texts = probe.texts
    for t in texts:
        if t.kind == "label" and t.input and t.locator and (_inside(t.input["box"], x, y) or _inside(t.box, x, y)):
            inner = sorted((c for c in texts if c.kind == "content"
                            and _inside(t.input["box"], (c.box[0] + c.box[2]) / 2, (c.box[1] + c.box[3]) / 2)),
                           key=lambda c: (c.box[1] // 8, c.box[0]))
            value = "".join(c.text.strip() for c in inner)
            word = "choose" if t.input["dropdown"] else "fill"
            return Box(word, dict(t.locator), str(t.locator.get("label", t.text)), value)
    for t in texts:
        h = t.box[3] - t.box[1]
        # a check box: its text, or the square left of it (about one text height wide)
        if t.kind == "check" and t.locator and (_inside(t.box, x, y) or
                                                 _inside([t.box[0] - 2 * h, t.box[1], t.box[0], t.box[3]], x, y, 2)):
            return Box("check", dict(t.locator), str(t.locator.get("label", t.text)))
    for t in texts:
        if t.kind in ("button", "text", "label") and t.locator and "text" in t.locator and _inside(t.box, x, y, 3):
            return Box("click", dict(t.locator), t.text)
    for t in texts:  # a button's caption inside its frame: the click may land beside the text
        if t.kind in ("button", "text") and t.locator and "text" in t.locator and _inside(t.box, x, y, 12):
            return Box("click", dict(t.locator), t.text)
    return None


def snap(value: str, offers: list[tuple[str, str]]) -> tuple[str, str]:
    """VALUE as read by OCR → (the value to bind, a note). A value equal to an offer is kept. Otherwise the one
    field whose value VALUE nearly equals (one misread character in ten), or starts (a long value in a narrow
    box), is taken, with a note naming what OCR read; several such fields, or none: VALUE unchanged."""
    from clerkdesk.vision.normalize import norm

    v = value.strip()
    if not v or any(got == v for _, got in offers):
        return v, ""
    by_norm = {got for _, got in offers if got and norm(got) == norm(v)}
    if len(by_norm) == 1:
        return by_norm.pop(), ""
    near = {got for _, got in offers if got and difflib.SequenceMatcher(None, norm(got), norm(v)).ratio() >= 0.9}
    if not near and len(v) >= 6:
        near = {got for _, got in offers if got and norm(got).startswith(norm(v))}
    if len(near) == 1:
        got = near.pop()
        return got, f"OCR read {v!r}: bound to the field whose value is {got!r}; check it"
    return v, ""


# --- clicks -----------------------------------------------------------------------------------------------------

class ClickWatcher:
    """Presses of the primary mouse button anywhere on the screen, as screen points, in order.

    A thread polls the button every few milliseconds (a person's click holds it down for 50 ms or more) and
    queues the pointer's position at each press. Polling rather than a hook: nothing is installed into the
    client or the system, and it needs no rights a clerk's account lacks."""

    def __init__(self, every: float = 0.005):
        self.every = every
        self.queue: deque[POINT] = deque()
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._error: Exception | None = None
        self._thread = threading.Thread(target=self._run, name="click-watcher", daemon=True)

    def start(self) -> ClickWatcher:
        self._thread.start()
        self._ready.wait(5)
        if self._error is not None:
            raise self._error
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(2)

    def next(self, timeout: float) -> POINT | None:
        """The next click's screen point, waiting up to TIMEOUT seconds; None when there was none."""
        deadline = time.monotonic() + timeout
        while not self.queue:
            if self._error is not None:
                raise self._error
            if time.monotonic() >= deadline:
                return None
            time.sleep(0.02)
        return self.queue.popleft()

    def _run(self) -> None:
        try:
            poll, close = _button_poller()
        except Exception as e:  # no display, no Xlib: said once, by start()
            self._error = ClerkDeskError(f"cannot watch the mouse: {e}")
            self._ready.set()
            return
        self._ready.set()
        was = True  # a button already held when recording starts is not a click
        try:
            while not self._stop.is_set():
                try:
                    down, x, y = poll()
                except Exception as e:
                    self._error = ClerkDeskError(f"watching the mouse stopped: {e}")
                    return
                if down and not was:
                    self.queue.append((x, y))
                was = down
                time.sleep(self.every)
        finally:
            close()


def _button_poller() -> tuple[Callable[[], tuple[bool, int, int]], Callable[[], None]]:
    """(a function giving (primary button down, x, y) in screen pixels, one releasing what it holds) for this
    platform."""
    if sys.platform == "win32":
        import ctypes
        from ctypes import wintypes

        user32 = ctypes.windll.user32  # type: ignore[attr-defined]
        swapped = bool(user32.GetSystemMetrics(23))  # SM_SWAPBUTTON: the primary button is the right one

        def poll_win() -> tuple[bool, int, int]:
            pt = wintypes.POINT()
            user32.GetCursorPos(ctypes.byref(pt))
            return bool(user32.GetAsyncKeyState(0x02 if swapped else 0x01) & 0x8000), int(pt.x), int(pt.y)

        return poll_win, lambda: None
    if sys.platform.startswith("linux"):
        import os

        from Xlib import X
        from Xlib.display import Display

        disp = Display(os.environ.get("DISPLAY"))
        root = disp.screen().root

        def poll_x() -> tuple[bool, int, int]:
            p = root.query_pointer()
            return bool(p.mask & X.Button1Mask), int(p.root_x), int(p.root_y)

        return poll_x, disp.close
    raise ClerkDeskError(f"recording desktop clicks is not supported on {sys.platform}")


# --- the recorder ---------------------------------------------------------------------------------------------

def record_window(title: str, context: dict[str, Any], codes: dict[str, Any], system_id: str,
                  next_click: Callable[[float], POINT | None], *, submit: str | None = None,
                  expect: str | None = None,
                  on_step: Callable[[str], None] = lambda _s: None, idle: float = 600.0, timeout: float = 10.0,
                  backend: str | None = None, threshold: float | None = None) -> str:
    """Record the window TITLE: each click from NEXT_CLICK (screen points) becomes a step, until a click outside
    the window or IDLE seconds without one; returns the recipe text. ON_STEP hears each step as it is made."""
    from clerkdesk.drivers.desktop.probe import probe_window

    def read() -> Any:
        got = probe_window(title, timeout=timeout, backend=backend, threshold=threshold)[0]
        n = sum(1 for t in got.texts if t.kind == "label")
        on_step(f"{WINDOW_READ}: {n} labels with an input box — click the next box (outside the window: done)")
        return got

    probe = read()
    offers = candidates(context, codes, system_id)
    steps: list[Recorded] = []
    while True:
        p = next_click(idle)
        if p is None:
            break
        ax, ay = probe.window["at"]
        w, h = probe.window["size"]
        x, y = p[0] - ax, p[1] - ay
        if not (0 <= x < w and 0 <= y < h):
            on_step("click outside the window: recording ends")
            break
        box = box_at(probe, x, y)
        if box is None:
            on_step(f"({x}, {y}): no input box, check box or named text there — not recorded")
            continue
        rec = Recorded(box)
        if box.kind in kinds(fills="value"):  # a box whose value is bound to a record field
            value, rec.note = snap(box.value, offers)
            rec.binding = bind(box, value, value, offers)
        steps.append(rec)
        on_step(rec.yaml().strip())
        if box.kind == "click":  # a tab or a button: the window may show another page now
            time.sleep(0.3)
            probe = read()
    return recipe_text(title, system_id, steps, submit, expect)


def recipe_text(window: str, system_id: str, steps: list[Recorded], submit: str | None,
                expect: str | None = None) -> str:
    """The recorded recipe: open the window, the steps in click order, a confirm, the named submit and the text
    that shows the system took it (EXPECT; without one a run cannot tell and ends as needing the clerk)."""
    from clerkdesk.drivers.desktop.probe import _yaml_flow

    lines = [f"# recorded by `clerkdesk recipe record` from the window {window!r}: check it, add what follows the",
             "# submit (capture, dismissing the answer), then try it: clerkdesk recipe test THIS_FILE --record SAMPLE.json",
             f"recipe: {system_id}.recorded", "title: 录制的事项（请修改）", f"system: {system_id}",
             *case_fields([(s.binding.template, s.box.label) for s in steps if s.binding is not None]), "steps:",
             f"  - open: {json.dumps(window, ensure_ascii=False)}"]
    lines += [s.yaml() for s in steps]
    lines.append("  - confirm: 请核对后保存")
    if submit:
        lines.append(f"  - submit: {{click: {_yaml_flow({'text': submit, 'exact': True})}}}")
    else:
        lines.append("  # the save button is never clicked while recording: write the submit step "
                     "(or record again with --submit 保存)")
    if expect:
        lines.append(f"  - expect: {_yaml_flow({'text': expect})}")
    else:
        lines.append("  # add an expect (or capture) of the system's answer after the submit, e.g. "
                     "expect: {text: 保存成功} (record again with --expect TEXT)")
    return "\n".join(lines) + "\n"
