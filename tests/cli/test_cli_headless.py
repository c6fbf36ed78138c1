"""`clerkdesk fill` opens a browser window for a clerk at a desktop terminal, and none for scripts."""

from __future__ import annotations

import io
import sys

import pytest

from clerkdesk.cli.run import default_headless


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="the display variables are X11/Wayland's")
def test_headed_only_at_a_terminal_on_a_desktop(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.setattr(sys, "stdin", io.StringIO())
    assert default_headless() is True  # a script or CI: no one to log in
    monkeypatch.setattr(sys, "stdin", _Tty())
    assert default_headless() is False  # the clerk at a terminal on a desktop
    monkeypatch.delenv("DISPLAY")
    assert default_headless() is True  # an SSH session without a display
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-0")
    assert default_headless() is False
