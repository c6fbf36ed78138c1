"""What the desktop driver looks at: the target window plus its dialogs, as one screenshot.

Window pixels ("window space", origin = the main window's client area) are what the layout
cache stores; image pixels are those of the current screenshot, which may start left of or
above the window when a dialog sticks out. ``View`` converts between the two.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from clerkdesk.recipe.driver import DriverError, Patience
from clerkdesk.vision import screen, windows
from clerkdesk.vision.ocr import TextBox
from clerkdesk.vision.screen import Rect, Shot
from clerkdesk.vision.windows import Window


@dataclass
class View:
    shot: Shot
    win: Window
    dialogs: list[Window]

    @property
    def dx(self) -> int:
        return self.shot.left - self.win.rect.x0

    @property
    def dy(self) -> int:
        return self.shot.top - self.win.rect.y0

    @property
    def image(self) -> np.ndarray:
        return self.shot.image

    def to_win(self, r: Rect) -> Rect:
        return r.shift(self.dx, self.dy)

    def from_win(self, r: Rect) -> Rect:
        return r.shift(-self.dx, -self.dy)

    def to_screen(self, x: float, y: float) -> tuple[int, int]:
        return self.shot.to_screen(x, y)

    def screen_rect(self, r: Rect) -> Rect:
        return r.shift(self.shot.left, self.shot.top)

    @property
    def window_area(self) -> Rect:
        """The main window's client area in image pixels."""
        return self.from_win(Rect(0, 0, self.win.rect.width, self.win.rect.height))

    @property
    def top_dialog(self) -> Window | None:
        return self.dialogs[-1] if self.dialogs else None


def shift_box(b: TextBox, dx: float, dy: float) -> TextBox:
    q = tuple((x + dx, y + dy) for x, y in b.quad)
    return TextBox(b.text, b.score, q)  # type: ignore[arg-type]


class WindowTracker:
    """The target window and the dialogs that belong to it."""

    def __init__(self, main: Window, known: set[int]):
        self.main = main
        self.known = known  # windows that existed when we opened the target (not its dialogs)

    def refresh(self) -> tuple[Window, list[Window]]:
        win = windows.refresh(self.main)
        if win is None:
            raise DriverError(f"the window {self.main.title!r} has closed", [f"window 0x{self.main.handle:x}"])
        self.main = win
        return win, self.dialogs()

    def dialogs(self) -> list[Window]:
        """Visible windows of the same program (``windows.same_program``), or new since we opened it; topmost last."""
        out = []
        for w in windows.list_windows():
            if w.handle == self.main.handle or w.rect.empty:
                continue
            # the same program (its pid, or on X11 the X client that made it: Tk sets no pid), or new since `open`
            if windows.same_program(w, self.main) or w.handle not in self.known:
                out.append(w)
        return out

    def view(self) -> View:
        """The window, its dialogs and its open pop-ups (a list, a date edit's calendar drawn outside the
        window), grabbed as one image."""
        win, dialogs = self.refresh()
        area = win.rect
        shown = [*dialogs, *(p for p in windows.popups() if windows.same_program(p, win))]
        for d in shown:
            area = Rect(min(area.x0, d.rect.x0), min(area.y0, d.rect.y0), max(area.x1, d.rect.x1),
                        max(area.y1, d.rect.y1))
        return View(screen.grab(area), win, dialogs)

    def focus(self) -> bool:
        """Give the keyboard to the topmost dialog if one is up, else to the main window.
        Returns True if the focus had to be moved."""
        win, dialogs = self.refresh()
        target = dialogs[-1] if dialogs else win
        active = windows.active_window()
        if active in (target.handle,):
            return False
        windows.activate(target)
        return True


def wait_stable(grab_fn: Callable[[], np.ndarray], timeout: float, interval: float = 0.12,
                settle: int = 2) -> np.ndarray:
    """Grab until SETTLE consecutive frames are identical (the client has finished drawing), else the last frame,
    grabbed at or after TIMEOUT (the polling rule, ``Patience``: a slow grab does not end the wait early)."""
    prev: np.ndarray | None = None
    same = 0
    for _ in Patience(timeout).looks(interval):
        cur = grab_fn()
        if prev is not None and cur.shape == prev.shape and np.array_equal(cur, prev):
            same += 1
            if same >= settle - 1:
                return cur
        else:
            same = 0
        prev = cur
    assert prev is not None  # Patience always gives one look
    return prev


def wait_change(grab_fn: Callable[[], np.ndarray], before: np.ndarray, timeout: float, interval: float = 0.04) -> bool:
    """Poll until GRAB_FN's image differs from BEFORE (the client reacted); False only once a grab begun at or after
    TIMEOUT still showed BEFORE."""
    return any(not np.array_equal(grab_fn(), before) for _ in Patience(timeout).looks(interval))
