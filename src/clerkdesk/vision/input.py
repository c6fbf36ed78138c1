"""Mouse, keys and the clipboard.

Text always goes in by **paste**, never as key events: Chinese cannot be typed as keys at all,
and an active Chinese IME (搜狗, 微软拼音, fcitx) swallows Latin keys too. ``paste_text`` saves
the clerk's clipboard, puts the value on it, selects the field's contents and pastes, waits
until the field shows a change, and puts the clerk's clipboard back.

pyautogui is imported lazily on first use: it opens its own X connection at import time, so it
must come after ``DISPLAY`` is set (Xvfb) and after any ``QApplication`` exists. Its fail-safe
stays on: a clerk who slams the mouse into a screen corner stops the run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from clerkdesk.recipe.driver import DriverError
from clerkdesk.vision.screen import display_key, input_scale

_pg: Any = None
_pg_display: tuple[str, int, int] | None = None

KEY_NAMES = {
    "control": "ctrl", "ctl": "ctrl", "strg": "ctrl", "cmd": "command", "super": "win", "meta": "win",
    "escape": "esc", "return": "enter", "del": "delete", "ins": "insert", "pgup": "pageup",
    "pgdn": "pagedown", "page_up": "pageup", "page_down": "pagedown", "spacebar": "space",
    "left_arrow": "left", "right_arrow": "right", "up_arrow": "up", "down_arrow": "down",
}


def pyautogui() -> Any:
    """The pyautogui module, imported on first use and tuned for us."""
    global _pg, _pg_display
    if _pg is not None and sys.platform.startswith("linux") and display_key() != _pg_display:
        # pyautogui binds its X connection at import time; follow a changed DISPLAY (tests start
        # one Xvfb after another). Keycodes are computed from the first display's keymap.
        from Xlib.display import Display

        from clerkdesk.vision.windows import xlib_quiet

        with xlib_quiet():
            _pg.platformModule._display = Display(os.environ.get("DISPLAY"))
        _pg_display = display_key()
    if _pg is None:
        from clerkdesk.vision.windows import xlib_quiet

        try:
            with xlib_quiet():  # pyautogui connects to X at import
                import pyautogui as pg
        except Exception as e:  # ImportError, or Xlib errors when the display is unreachable
            raise DriverError(f"keyboard/mouse control is unavailable: {e}", retryable=False) from e
        # pyautogui sleeps PAUSE after every call (default 0.1 s). The X server queues our events in order and
        # the client handles them in order, so no pause is needed between them (xdotool's own default is 12 ms
        # between keys, ``KEY_GAP`` below); waits for the client's reaction are made by looking at its pixels.
        pg.PAUSE = 0.0
        pg.FAILSAFE = True
        pg.MINIMUM_DURATION = 0
        _pg = pg
        _pg_display = display_key()
    return _pg


def _guard(fn: Callable[[], Any]) -> Any:
    pg = pyautogui()
    try:
        return fn()
    except pg.FailSafeException as e:
        raise DriverError(
            "stopped: the mouse was moved into a screen corner (pyautogui fail-safe)", retryable=False
        ) from e


def _to_input(x: float, y: float) -> tuple[int, int]:
    s = input_scale()
    return round(x / s), round(y / s)


KEY_GAP = 0.008  # seconds between the key events of a chord (xdotool's default is 12 ms)


def click(x: float, y: float, clicks: int = 1, button: str = "left") -> None:
    """Click at screen pixel (x, y); several CLICKS 50 ms apart (a double click)."""
    ix, iy = _to_input(x, y)
    # pyautogui sleeps INTERVAL after every click, the last one too: a single click needs none
    gap = 0.05 if clicks > 1 else 0.0
    _guard(lambda: pyautogui().click(ix, iy, clicks=clicks, interval=gap, button=button))


def move(x: float, y: float) -> None:
    ix, iy = _to_input(x, y)
    _guard(lambda: pyautogui().moveTo(ix, iy))


def scroll(clicks: int, x: float, y: float) -> None:
    """Mouse-wheel CLICKS notches at (x, y); negative scrolls down."""
    ix, iy = _to_input(x, y)
    _guard(lambda: pyautogui().scroll(clicks, x=ix, y=iy))


def parse_keys(keys: str) -> list[str]:
    """``"ctrl+s"`` → ``["ctrl", "s"]``; ``"F2"`` → ``["f2"]``; names normalised for pyautogui."""
    parts = [p.strip().lower() for p in keys.replace(" ", "").split("+")]
    if not keys.strip() or any(not p for p in parts):
        raise DriverError(f"bad key chord {keys!r}", retryable=False)
    out = [KEY_NAMES.get(p, p) for p in parts]
    valid = set(pyautogui().KEYBOARD_KEYS)
    bad = [p for p in out if p not in valid]
    if bad:
        raise DriverError(f"unknown key {bad[0]!r} in {keys!r}", retryable=False)
    return out


def hotkey(keys: str) -> None:
    """Press a key or chord such as ``F2``, ``ctrl+s``, ``alt+f``."""
    parts = parse_keys(keys)
    if len(parts) == 1:
        _guard(lambda: pyautogui().press(parts[0]))
    else:
        _guard(lambda: pyautogui().hotkey(*parts, interval=KEY_GAP))


# --- clipboard ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClipboardContent:
    """What was on the clipboard: one data type (text preferred) and its bytes; ``None`` data = empty."""

    target: str | None
    data: bytes | None


_TEXT_TARGETS = ("UTF8_STRING", "text/plain;charset=utf-8", "STRING", "TEXT", "text/plain")
_IMAGE_TARGETS = ("image/png", "image/bmp", "image/jpeg")


def _xclip() -> str:
    exe = shutil.which("xclip")
    if exe is None:
        raise DriverError("the clipboard tool 'xclip' is missing (Debian/UOS/Kylin package 'xclip')", retryable=False)
    return exe


def save_clipboard() -> ClipboardContent:
    """Read the clipboard: text if it offers text, else a PNG/BMP/JPEG image, else nothing.

    Other formats (rich text alongside plain text, file lists) come back as their plain-text form.
    """
    if sys.platform == "win32":
        from clerkdesk.vision import _win32

        t = _win32.get_clipboard_text()
        return ClipboardContent("text", t.encode("utf-8") if t is not None else None)
    exe = _xclip()
    try:
        r = subprocess.run([exe, "-selection", "clipboard", "-o", "-t", "TARGETS"],
                           capture_output=True, timeout=3)
    except subprocess.TimeoutExpired:
        return ClipboardContent(None, None)
    if r.returncode != 0:
        return ClipboardContent(None, None)
    targets = r.stdout.decode("utf-8", "replace").split()
    for t in (*_TEXT_TARGETS, *_IMAGE_TARGETS):
        if t in targets:
            try:
                d = subprocess.run([exe, "-selection", "clipboard", "-o", "-t", t], capture_output=True, timeout=3)
            except subprocess.TimeoutExpired:
                continue
            if d.returncode == 0:
                return ClipboardContent(t, d.stdout)
    return ClipboardContent(None, None)


def set_clipboard(content: ClipboardContent) -> None:
    """Put CONTENT on the clipboard (``data=None`` empties it)."""
    if sys.platform == "win32":
        from clerkdesk.vision import _win32

        _win32.set_clipboard_text(content.data.decode("utf-8") if content.data is not None else None)
        return
    if content.data is None:
        _clear_x_clipboard()
        return
    target = content.target or "UTF8_STRING"
    # xclip forks a child that owns the selection until someone else takes it; its stdout/stderr
    # must not be our pipes, or run() would wait for that child forever.
    subprocess.run([_xclip(), "-selection", "clipboard", "-t", target, "-i"], input=content.data,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=5, check=True)


def set_clipboard_text(text: str) -> None:
    set_clipboard(ClipboardContent("UTF8_STRING", text.encode("utf-8")))


def get_clipboard_text() -> str | None:
    c = save_clipboard()
    if c.data is None or c.target not in (*_TEXT_TARGETS, "text"):
        return None
    return c.data.decode("utf-8", "replace")


def _clear_x_clipboard() -> None:
    from Xlib import X
    from Xlib.protocol import request

    from clerkdesk.vision.windows import x_display

    d = x_display()
    request.SetSelectionOwner(display=d.display, window=X.NONE, selection=d.get_atom("CLIPBOARD"),
                              time=X.CurrentTime)
    d.sync()


def paste_text(text: str, *, select: str = "ctrl+a", landed: Callable[[], bool] | None = None,
               timeout: float = 2.0) -> bool:
    """Replace the focused field's contents with TEXT by pasting; restore the clerk's clipboard.

    SELECT is the chord that selects the old contents (``ctrl+a``; ``home,shift+end`` for edit
    controls that ignore Ctrl+A), or puts the caret where the text goes (``home`` in a box the caller
    has emptied and checked; ``""``: nothing). LANDED, if given, is polled after Ctrl+V until it says the field
    changed, so the clipboard is not restored before the client has fetched the value. Returns
    False if LANDED never said so (the client ignored the keys, or the value was already there).
    """
    saved = save_clipboard()
    ok = True
    try:
        set_clipboard_text(text)
        for chord in filter(None, select.split(",")):
            hotkey(chord)
        hotkey("ctrl+v")
        deadline = time.monotonic() + timeout
        if landed is not None:
            ok = landed()
            while not ok and time.monotonic() < deadline:
                time.sleep(0.03)
                ok = landed()
        else:
            time.sleep(0.15)
    finally:
        try:
            set_clipboard(saved)
        except Exception as e:  # never lose the original error; but say the clipboard was not restored
            if os.environ.get("CLERKDESK_DEBUG"):
                print(f"clerkdesk: could not restore the clipboard: {e}", file=sys.stderr)
    return ok
