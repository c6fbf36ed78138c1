"""Find top-level windows by title, read their geometry, focus and raise them.

Backends:

* X11 (tested under Xvfb, with and without a window manager) through python-xlib and EWMH:
  ``_NET_CLIENT_LIST`` when a window manager publishes it, else a walk of the window tree;
  activation by ``_NET_ACTIVE_WINDOW`` when the WM supports it, else raise + ``SetInputFocus``.
* Windows (``_win32.py``, ctypes/user32) — UNTESTED: written against the documented Win32 API
  but never run; no Windows machine in CI.
* Wayland: refused with a clear error. Wayland compositors do not let one client read another's
  pixels or inject input, so desktop-client automation needs an X11 session (on UOS/Kylin/
  Ubuntu choose "Xorg"/"X11" at the login screen).
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from clerkdesk.recipe.driver import DriverError
from clerkdesk.vision.screen import Rect, display_key

_local = threading.local()


class UnsupportedSession(DriverError):
    """This desktop session cannot be automated (Wayland, or no display at all)."""

    def __init__(self, message: str):
        super().__init__(message, retryable=False)


def session_kind() -> str:
    """``"x11"``, ``"wayland"``, ``"windows"`` or ``"none"``."""
    if sys.platform == "win32":
        return "windows"
    if os.environ.get("XDG_SESSION_TYPE", "").lower() == "wayland" or (
        os.environ.get("WAYLAND_DISPLAY") and os.environ.get("CLERKDESK_ALLOW_XWAYLAND") != "1"
    ):
        return "wayland"
    if os.environ.get("DISPLAY"):
        return "x11"
    return "none"


def require_desktop() -> str:
    """Raise ``UnsupportedSession`` unless we can see and drive other programs' windows."""
    kind = session_kind()
    if kind == "wayland":
        raise UnsupportedSession(
            "this is a Wayland session: desktop-client automation needs X11 (Wayland does not let one "
            "program read another's screen or send it keys). Log out and choose an Xorg/X11 session."
        )
    if kind == "none":
        raise UnsupportedSession("no display: DISPLAY is not set (start an X session, or Xvfb for tests)")
    return kind


@dataclass(frozen=True)
class Window:
    """A top-level window. ``rect`` is its client area in virtual-screen pixels."""

    handle: int
    title: str
    rect: Rect
    pid: int | None = None


# --- X11 ----------------------------------------------------------------------------------------------------


@contextlib.contextmanager
def xlib_quiet() -> Iterator[None]:
    """python-xlib ``print``s "Xlib.xauth: warning, no xauthority details available" to *stdout* whenever the
    auth file has no entry (usual under Xvfb and kiosk sessions), which would corrupt ``--json`` output. Keep
    that line out; anything else it prints goes to stderr."""
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        yield
    rest = [ln for ln in buf.getvalue().splitlines() if ln and not ln.startswith("Xlib.xauth: warning, no xauth")]
    if rest:
        print("\n".join(rest), file=sys.stderr)


def x_display() -> Any:
    """This thread's python-xlib connection to $DISPLAY."""
    display = os.environ.get("DISPLAY")
    key = display_key()
    d = getattr(_local, "d", None)
    if d is None or getattr(_local, "name", None) != key:
        from pathlib import Path

        Path.home().joinpath(".Xauthority").touch(exist_ok=True)  # python-xlib insists on the file
        import Xlib.display

        try:
            with xlib_quiet():
                d = Xlib.display.Display(display)
        except Exception as e:
            raise UnsupportedSession(f"cannot open X display {display!r}: {e}") from e
        _local.d, _local.name = d, key
    return d


def _atom(name: str) -> int:
    return int(x_display().get_atom(name))


def _title(w: Any) -> str:
    from Xlib import X

    try:
        p = w.get_full_property(_atom("_NET_WM_NAME"), _atom("UTF8_STRING"))
        if p is not None and p.value:
            v = p.value
            return v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v)
        p = w.get_full_property(_atom("WM_NAME"), X.AnyPropertyType)
        if p is not None and p.value:
            v = p.value
            return v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v)
    except Exception:
        pass
    return ""


def _pid(w: Any) -> int | None:
    try:
        p = w.get_full_property(_atom("_NET_WM_PID"), 6)  # XA_CARDINAL
        return int(p.value[0]) if p is not None and len(p.value) else None
    except Exception:
        return None


def _client_windows() -> list[Any]:
    from Xlib import X

    d = x_display()
    root = d.screen().root
    p = root.get_full_property(_atom("_NET_CLIENT_LIST"), X.AnyPropertyType)
    if p is not None and len(p.value):
        return [d.create_resource_object("window", int(h)) for h in p.value]
    # No window manager: top-level windows are the root's mapped children (or their children when a
    # non-EWMH reparenting WM wraps them in frames).
    out = []
    for child in root.query_tree().children:
        try:
            if child.get_attributes().map_state != X.IsViewable:
                continue
            if child.get_attributes().override_redirect:
                continue
        except Exception:
            continue
        if _title(child):
            out.append(child)
            continue
        try:
            out.extend(c for c in child.query_tree().children if _title(c))
        except Exception:
            continue
    return out


def _x_rect(w: Any) -> Rect:
    d = x_display()
    g = w.get_geometry()
    t = w.translate_coords(d.screen().root, 0, 0)
    x, y = -t.x, -t.y
    return Rect(x, y, x + g.width, y + g.height)


def _x_viewable(w: Any) -> bool:
    from Xlib import X

    try:
        return bool(w.get_attributes().map_state == X.IsViewable)
    except Exception:
        return False


def list_windows() -> list[Window]:
    """Visible top-level windows, topmost last where the platform says."""
    if require_desktop() == "windows":
        from clerkdesk.vision import _win32

        return _win32.list_windows()
    out = []
    for w in _client_windows():
        if not _x_viewable(w):
            continue
        try:
            out.append(Window(int(w.id), _title(w), _x_rect(w), _pid(w)))
        except Exception:  # the window went away while we looked
            continue
    return out


X_IS_VIEWABLE = 2  # Xlib.X.IsViewable


def popups() -> list[Window]:
    """Mapped override-redirect windows (X11): the pop-ups a toolkit draws outside its window without the window
    manager — drop-down lists, a date edit's calendar. Not dialogs: they take no focus and block nothing; a view
    takes them in so that what they show can be read. (Windows: none listed; its pop-ups are top-level windows.)"""
    if require_desktop() == "windows":
        return []
    d = x_display()
    out = []
    for child in d.screen().root.query_tree().children:
        try:
            attrs = child.get_attributes()
            if attrs.map_state != X_IS_VIEWABLE or not attrs.override_redirect:
                continue
            r = _x_rect(child)
            if r.width > 4 and r.height > 4:
                out.append(Window(int(child.id), "", r, _pid(child)))
        except Exception:  # the pop-up closed while we looked
            continue
    return out


def same_program(a: Window, b: Window) -> bool:
    """Do windows A and B belong to the same program? By their pids when both are known; on X11 otherwise by
    the X client that created them (the high bits of a window id are its connection's resource-id base), which
    tells a client's message box from another program's window even when the toolkit sets no ``_NET_WM_PID``
    (Tk does not)."""
    if a.pid is not None and b.pid is not None:
        return a.pid == b.pid
    if require_desktop() == "windows":
        return False
    try:
        mask = int(x_display().display.info.resource_id_mask)
    except Exception:
        mask = 0x1FFFFF
    return (a.handle & ~mask) == (b.handle & ~mask)


def match_title(pattern: str, title: str) -> int:
    """0 = no match, 3 = exact, 2 = the title contains PATTERN, 1 = regex ``re:...`` match."""
    if pattern.startswith("re:"):
        return 1 if re.search(pattern[3:], title) else 0
    if title == pattern:
        return 3
    if pattern and pattern in title:
        return 2
    return 0


def find_windows(title: str) -> list[Window]:
    """Windows whose title is TITLE, or contains it, or matches ``re:REGEX``; best matches first."""
    scored = [(match_title(title, w.title), w) for w in list_windows()]
    scored = [(s, w) for s, w in scored if s > 0]
    scored.sort(key=lambda sw: -sw[0])
    return [w for _, w in scored]


def find_window(title: str, timeout: float = 0.0) -> Window:
    """The best window for TITLE, waiting up to TIMEOUT seconds for it to appear."""
    deadline = time.monotonic() + timeout
    while True:
        ws = find_windows(title)
        if ws:
            return ws[0]
        if time.monotonic() >= deadline:
            seen = sorted({w.title for w in list_windows() if w.title})
            raise DriverError(
                f"no window titled {title!r}",
                [f"window title = / contains {title!r} (open windows: {', '.join(map(repr, seen)) or 'none'})"],
            )
        time.sleep(0.1)


def refresh(win: Window) -> Window | None:
    """WIN with its current title and geometry, or None if it has gone."""
    if require_desktop() == "windows":
        from clerkdesk.vision import _win32

        return _win32.refresh(win)
    try:
        w = x_display().create_resource_object("window", win.handle)
        if not _x_viewable(w):
            return None
        return Window(win.handle, _title(w), _x_rect(w), win.pid)
    except Exception:
        return None


def active_window() -> int | None:
    """The handle of the window with the keyboard focus (its top-level client), if any."""
    if require_desktop() == "windows":
        from clerkdesk.vision import _win32

        return _win32.active_window()
    from Xlib import X

    d = x_display()
    p = d.screen().root.get_full_property(_atom("_NET_ACTIVE_WINDOW"), X.AnyPropertyType)
    if p is not None and len(p.value) and int(p.value[0]):
        return int(p.value[0])
    focus = d.get_input_focus().focus
    return int(focus.id) if hasattr(focus, "id") else None


def activate(win: Window, timeout: float = 2.0) -> None:
    """Raise WIN and give it the keyboard focus; wait until the platform confirms."""
    if require_desktop() == "windows":
        from clerkdesk.vision import _win32

        _win32.activate(win, timeout)
        return
    from Xlib import X, protocol

    d = x_display()
    root = d.screen().root
    w = d.create_resource_object("window", win.handle)
    supported = root.get_full_property(_atom("_NET_SUPPORTED"), X.AnyPropertyType)
    if supported is not None and _atom("_NET_ACTIVE_WINDOW") in list(supported.value):
        ev = protocol.event.ClientMessage(
            window=w, client_type=_atom("_NET_ACTIVE_WINDOW"), data=(32, [2, X.CurrentTime, 0, 0, 0])
        )
        root.send_event(ev, event_mask=X.SubstructureRedirectMask | X.SubstructureNotifyMask)
    else:
        w.configure(stack_mode=X.Above)
        w.set_input_focus(X.RevertToParent, X.CurrentTime)
    d.sync()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _has_focus(win.handle):
            return
        time.sleep(0.03)
        w.set_input_focus(X.RevertToParent, X.CurrentTime)
        d.sync()
    if not _has_focus(win.handle):
        raise DriverError(f"could not focus the window {win.title!r}", [f"activate window 0x{win.handle:x}"])


def _has_focus(handle: int) -> bool:
    from Xlib import X

    d = x_display()
    root = d.screen().root
    p = root.get_full_property(_atom("_NET_ACTIVE_WINDOW"), X.AnyPropertyType)
    if p is not None and len(p.value) and int(p.value[0]) == handle:
        return True
    focus = d.get_input_focus().focus
    # the focus may sit on a child of the top-level window (Qt focuses its own child windows)
    while hasattr(focus, "id") and focus.id not in (0, root.id):
        if focus.id == handle:
            return True
        try:
            focus = focus.query_tree().parent
        except Exception:
            return False
    return False
