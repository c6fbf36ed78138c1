"""The Windows backend seam for windows, clipboard and DPI, over ctypes/user32.

UNTESTED. Written against the documented Win32 API but never run: ClerkDesk's CI has no Windows
machine. Expect to debug this on the first real Windows PC; the X11 backend is the tested one.
Call ``make_dpi_aware()`` before the first screenshot so that screen, window and mouse
coordinates are all physical pixels (then ``input_scale`` is 1.0).
"""

from __future__ import annotations

import contextlib
import ctypes
import time
from typing import Any

from clerkdesk.recipe.driver import DriverError
from clerkdesk.vision.screen import Rect

CF_UNICODETEXT = 13
GMEM_MOVEABLE = 0x0002


def _user32() -> Any:
    return ctypes.windll.user32  # type: ignore[attr-defined]


def make_dpi_aware() -> None:
    try:
        ctypes.windll.shcore.SetProcessDpiAwareness(2)  # type: ignore[attr-defined]  # per-monitor aware
    except Exception:
        with contextlib.suppress(Exception):
            _user32().SetProcessDPIAware()


def system_dpi() -> float:
    make_dpi_aware()
    try:
        return float(_user32().GetDpiForSystem())
    except Exception:
        return 96.0


def _rect(hwnd: int) -> Rect:
    from ctypes import wintypes

    r = wintypes.RECT()
    _user32().GetClientRect(hwnd, ctypes.byref(r))
    pt = wintypes.POINT(0, 0)
    _user32().ClientToScreen(hwnd, ctypes.byref(pt))
    return Rect(pt.x, pt.y, pt.x + r.right, pt.y + r.bottom)


def _title(hwnd: int) -> str:
    n = _user32().GetWindowTextLengthW(hwnd)
    buf = ctypes.create_unicode_buffer(n + 1)
    _user32().GetWindowTextW(hwnd, buf, n + 1)
    return buf.value


def list_windows() -> list[Any]:
    from clerkdesk.vision.windows import Window

    make_dpi_aware()
    out: list[Window] = []
    proc = ctypes.WINFUNCTYPE(ctypes.c_bool, ctypes.c_void_p, ctypes.c_void_p)  # type: ignore[attr-defined]

    def cb(hwnd: int, _lp: int) -> bool:
        if _user32().IsWindowVisible(hwnd):
            t = _title(hwnd)
            if t:
                pid = ctypes.c_ulong()
                _user32().GetWindowThreadProcessId(hwnd, ctypes.byref(pid))
                out.append(Window(int(hwnd), t, _rect(hwnd), int(pid.value)))
        return True

    _user32().EnumWindows(proc(cb), 0)
    return out


def refresh(win: Any) -> Any:
    from clerkdesk.vision.windows import Window

    if not _user32().IsWindow(win.handle) or not _user32().IsWindowVisible(win.handle):
        return None
    return Window(win.handle, _title(win.handle), _rect(win.handle), win.pid)


def active_window() -> int | None:
    h = _user32().GetForegroundWindow()
    return int(h) if h else None


def activate(win: Any, timeout: float) -> None:
    u = _user32()
    if u.IsIconic(win.handle):
        u.ShowWindow(win.handle, 9)  # SW_RESTORE
    u.SetForegroundWindow(win.handle)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if u.GetForegroundWindow() == win.handle:
            return
        time.sleep(0.05)
    raise DriverError(f"could not focus the window {win.title!r}", [f"SetForegroundWindow({win.handle:#x})"])


def get_clipboard_text() -> str | None:
    u = _user32()
    k = ctypes.windll.kernel32  # type: ignore[attr-defined]
    k.GlobalLock.restype = ctypes.c_void_p
    if not u.OpenClipboard(None):
        return None
    try:
        h = u.GetClipboardData(CF_UNICODETEXT)
        if not h:
            return None
        p = k.GlobalLock(h)
        try:
            return ctypes.wstring_at(p)
        finally:
            k.GlobalUnlock(h)
    finally:
        u.CloseClipboard()


def set_clipboard_text(text: str | None) -> None:
    u = _user32()
    k = ctypes.windll.kernel32  # type: ignore[attr-defined]
    k.GlobalAlloc.restype = ctypes.c_void_p
    k.GlobalLock.restype = ctypes.c_void_p
    if not u.OpenClipboard(None):
        raise DriverError("the clipboard is busy (another program holds it open)")
    try:
        u.EmptyClipboard()
        if text is None:
            return
        data = ctypes.create_unicode_buffer(text)
        size = ctypes.sizeof(data)
        h = k.GlobalAlloc(GMEM_MOVEABLE, size)
        p = k.GlobalLock(h)
        ctypes.memmove(p, data, size)
        k.GlobalUnlock(h)
        u.SetClipboardData(CF_UNICODETEXT, h)
    finally:
        u.CloseClipboard()
