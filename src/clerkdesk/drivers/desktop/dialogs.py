"""Modal boxes on a desktop client: armed answers and standing notices.

``DesktopDriver`` owns one ``DialogHandler``: ``arm`` answers the next box; texts in
``ctx.options["dismiss_dialogs"]`` (or the system's ``dismiss_dialogs``) are accepted whenever such
a box shows up. Boxes are found as new windows of the client (same pid, or new since ``open``) and
read by OCR; the button is clicked by its text.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from clerkdesk.drivers.desktop.view import WindowTracker, wait_stable
from clerkdesk.recipe.driver import DriverError, Patience
from clerkdesk.vision import input as inp
from clerkdesk.vision import layout, screen, windows
from clerkdesk.vision.layout import box_rect
from clerkdesk.vision.normalize import norm
from clerkdesk.vision.ocr import TextBox
from clerkdesk.vision.screen import Rect

ACCEPT_WORDS = ("确定", "确认", "是", "是(Y)", "确定(O)", "OK", "Yes", "继续", "保存")
DISMISS_WORDS = ("取消", "否", "否(N)", "关闭", "Cancel", "No", "取消(C)")


class DialogHandler:
    """The client's modal boxes, seen through TRACKER (the target window's, None before ``open``) and read with
    OCR (the reader's remembered OCR of an image). ``log`` lists every box answered (title, message, button)."""

    def __init__(self, tracker: Callable[[], WindowTracker | None], ocr: Callable[[np.ndarray], list[TextBox]]) -> None:
        self.tracker = tracker
        self._ocr = ocr
        self._armed: tuple[bool, str | None, str | None] | None = None
        self._standing: list[str] = []  # texts of notices to accept whenever they pop up
        self._left_alone: set[int] = set()
        self.log: list[dict[str, str]] = []

    def stand(self, texts: list[str]) -> None:
        """Accept any box showing one of TEXTS whenever it pops up (``ctx.options["dismiss_dialogs"]``)."""
        self._standing = [str(t) for t in texts]

    @property
    def armed(self) -> bool:
        return self._armed is not None

    def arm(self, accept: bool, text: str | None, prompt: str | None) -> None:
        """Answer the next modal box: click its accept (确定/是/OK…) or dismiss (取消/否…) button, or
        the button named TEXT if the box has one. If TEXT is not a button, it must appear in the box's
        message, or the box is left alone. PROMPT is pasted into the box's input first, if it has one."""
        self._armed = (accept, text, prompt)
        self._left_alone.clear()

    def check(self, grace: float) -> None:
        """Answer an armed dialog if a modal box is (or within GRACE s becomes) visible; accept any
        box showing one of the standing notices (``ctx.options["dismiss_dialogs"]``)."""
        tracker = self.tracker()
        if tracker is None or (self._armed is None and not self._standing):
            return
        deadline = time.monotonic() + (grace if self._armed is not None else 0.0)
        while True:
            dialogs = [d for d in tracker.dialogs() if d.handle not in self._left_alone]
            if dialogs:
                dlg = dialogs[-1]
                if self._armed is not None:
                    accept, text, prompt = self._armed
                    if self._answer(dlg, accept, [text] if text else [], prompt):
                        self._armed = None
                        return
                if self._standing and self._answer(dlg, True, self._standing, None):
                    return
                self._left_alone.add(dlg.handle)
                return
            if time.monotonic() >= deadline:
                return
            time.sleep(0.08)

    def blocking(self) -> tuple[str, bool] | None:
        """The client's modal box that is open now, as ``'title': message`` (its OCR'd text) and whether it waits
        for a click (it has an accept button: 确定, OK…; a progress box has none), or None. A save the client
        refused with its own message box (出生日期无效) is reported with the box's words, not as a timeout."""
        tracker = self.tracker()
        if tracker is None:
            return None
        try:
            dialogs = tracker.dialogs()
        except DriverError:
            return None
        if not dialogs:
            return None
        dlg = dialogs[-1]
        shot = screen.grab(dlg.rect)
        words = [b.text for b in self._ocr(shot.image)]
        accept = {norm(w) for w in ACCEPT_WORDS}
        buttons = accept | {norm(w) for w in DISMISS_WORDS}
        message = " ".join(w for w in words if norm(w) not in buttons) or "(no text could be read)"
        return f"{dlg.title!r}: {message}", any(norm(w) in accept for w in words)

    def _answer(self, dlg: windows.Window, accept: bool, texts: list[str], prompt: str | None) -> bool:
        """Click DLG's accept/dismiss button (or a button named by one of TEXTS). Returns False,
        touching nothing, if TEXTS are given and none is a button or part of the box's message."""
        wait_stable(lambda: screen.grab(dlg.rect).image, 1.0, interval=0.06)
        shot = screen.grab(dlg.rect)
        boxes = self._ocr(shot.image)
        message = "".join(b.text for b in boxes)
        button = None
        if texts:
            button = next((b for b in boxes for t in texts if norm(b.text) == norm(t)), None)
            if button is None and not any(norm(t) in norm(message) for t in texts):
                return False
        words = ACCEPT_WORDS if accept else DISMISS_WORDS
        if button is None:
            # buttons sit in the lower part of the box; prefer those
            lower = [b for b in boxes if b.center[1] > shot.image.shape[0] * 0.45]
            button = next((b for w in words for b in lower + boxes if norm(b.text) == norm(w)), None)
        if button is None:
            return False
        if prompt is not None:
            found = layout.input_beside(shot.image, Rect(0, 0, 2, shot.image.shape[0] // 2))
            if found is not None:
                cx, cy = found[0].center
                windows.activate(dlg)
                inp.click(shot.left + cx, shot.top + cy)
                inp.paste_text(prompt)
        windows.activate(dlg)
        cx, cy = box_rect(button).center
        inp.click(shot.left + cx, shot.top + cy)
        self.log.append({"title": dlg.title, "message": message, "answered": button.text})
        for _ in Patience(3.0).looks(0.05):  # until it has closed; the caller's next look tells
            if windows.refresh(dlg) is None:
                break
        return True
