"""Modal boxes on a desktop client: armed answers and standing notices.

Part of ``DesktopDriver`` (a mixin). ``arm_dialog`` answers the next box; texts in
``ctx.options["dismiss_dialogs"]`` (or the system's ``dismiss_dialogs``) are accepted whenever such
a box shows up. Boxes are found as new windows of the client (same pid, or new since ``open``) and
read by OCR; the button is clicked by its text.
"""

from __future__ import annotations

import time
from typing import Any

from clerkdesk.drivers.desktop.view import wait_stable
from clerkdesk.vision import input as inp
from clerkdesk.vision import layout, screen, windows
from clerkdesk.vision.layout import box_rect
from clerkdesk.vision.normalize import norm
from clerkdesk.vision.screen import Rect

ACCEPT_WORDS = ("确定", "确认", "是", "是(Y)", "确定(O)", "OK", "Yes", "继续", "保存")
DISMISS_WORDS = ("取消", "否", "否(N)", "关闭", "Cancel", "No", "取消(C)")


class DialogsMixin:
    """Dialog handling for ``DesktopDriver``."""

    tracker: Any
    stats: dict[str, int]
    dialog_log: list[dict[str, str]]
    _armed: tuple[bool, str | None, str | None] | None
    _standing: list[str]
    _left_alone: set[int]

    def _check_dialog(self, grace: float) -> None:
        """Answer an armed dialog if a modal box is (or within GRACE s becomes) visible; accept any
        box showing one of the standing notices (``ctx.options["dismiss_dialogs"]``)."""
        if self.tracker is None or (self._armed is None and not self._standing):
            return
        deadline = time.monotonic() + (grace if self._armed is not None else 0.0)
        while True:
            dialogs = [d for d in self.tracker.dialogs() if d.handle not in self._left_alone]
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
        self.dialog_log.append({"title": dlg.title, "message": message, "answered": button.text})
        deadline = time.monotonic() + 3.0
        while time.monotonic() < deadline and windows.refresh(dlg) is not None:
            time.sleep(0.05)
        return True
