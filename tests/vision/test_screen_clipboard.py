"""Screenshots, windows and the clipboard on a real (virtual) X screen."""

from __future__ import annotations

import pytest

from clerkdesk.recipe.driver import DriverError
from clerkdesk.vision import input as inp
from clerkdesk.vision import screen, windows
from clerkdesk.vision.screen import Rect

pytestmark = pytest.mark.desktop


def test_grab_screen_and_region(display: str) -> None:
    full = screen.grab()
    assert full.image.shape == (800, 1280, 3) and (full.left, full.top) == (0, 0)
    part = screen.grab(Rect(100, 50, 300, 150))
    assert part.image.shape == (100, 200, 3) and part.to_screen(10, 10) == (110, 60)
    clipped = screen.grab(Rect(1200, 700, 1400, 900))
    assert clipped.image.shape == (100, 80, 3)
    assert screen.monitors() == [Rect(0, 0, 1280, 800)]
    with pytest.raises(DriverError, match="off the screen"):
        screen.grab(Rect(2000, 2000, 2100, 2100))


def test_clipboard_save_and_restore(display: str) -> None:
    inp.set_clipboard_text("剪贴板里原来的内容")
    saved = inp.save_clipboard()
    inp.set_clipboard_text("临时")
    assert inp.get_clipboard_text() == "临时"
    inp.set_clipboard(saved)
    assert inp.get_clipboard_text() == "剪贴板里原来的内容"
    inp.set_clipboard(inp.ClipboardContent(None, None))  # empty again
    assert inp.save_clipboard().data is None


def test_wayland_is_refused_with_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_SESSION_TYPE", "wayland")
    with pytest.raises(windows.UnsupportedSession, match="needs X11"):
        windows.require_desktop()
    monkeypatch.setenv("XDG_SESSION_TYPE", "x11")
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.delenv("DISPLAY", raising=False)
    with pytest.raises(windows.UnsupportedSession, match="DISPLAY is not set"):
        windows.require_desktop()


def test_missing_window_lists_open_ones(display: str) -> None:
    with pytest.raises(DriverError, match="no window titled") as e:
        windows.find_window("不存在的窗口", timeout=0.2)
    assert "open windows" in e.value.tried[0]


def test_key_chords(display: str) -> None:
    assert inp.parse_keys("Ctrl+S") == ["ctrl", "s"]
    assert inp.parse_keys("F2") == ["f2"]
    assert inp.parse_keys("control+shift+End") == ["ctrl", "shift", "end"]
    with pytest.raises(DriverError, match="unknown key"):
        inp.parse_keys("ctrl+nokey")
