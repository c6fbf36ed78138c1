"""Where the web driver's steps act: the main page, a popup (``window``) or a frame in it (``frame``); and the
JS dialogs and popups those pages raise. Mixed into ``PlaywrightDriver``."""

from __future__ import annotations

import contextlib
import time
from typing import Any

from clerkdesk.recipe.driver import DriverError, Locator
from clerkdesk.recipe.systems import origin_of

POLL = 0.05  # how often the web driver looks again (conditions, late options, popups); never a fixed sleep


class ScopeMixin:
    """Needs ``page``, ``popups``, ``frame_stack``, ``windows`` and the dialog fields of ``PlaywrightDriver``,
    and its ``_pages`` and (from ``GuardMixin``) ``_report_egress``."""

    page: Any
    popups: list[Any]
    frame_stack: list[Locator]
    windows: list[tuple[Any, list[Locator]]]
    _dialog: tuple[bool, str | None, str | None] | None
    _dialog_problem: str | None
    _last_dialog: str | None

    def _on_page(self, page: Any) -> None:
        if page is not self.page:
            self.popups.append(page)
            page.on("dialog", self._on_dialog)

    def _on_dialog(self, dialog: Any) -> None:
        self._last_dialog = dialog.message
        armed, self._dialog = self._dialog, None
        if armed is None:
            self._dialog_problem = f"unexpected dialog from the system: {dialog.message!r} (dismissed)"
            dialog.dismiss()
            return
        accept, text, prompt = armed
        if text and text not in dialog.message:
            self._dialog_problem = f"the dialog said {dialog.message!r}, expected {text!r} (dismissed)"
            dialog.dismiss()
        elif accept:
            dialog.accept(prompt) if prompt is not None else dialog.accept()
        else:
            dialog.dismiss()

    def _check_dialog(self) -> None:
        self._report_egress()
        if self._dialog_problem:
            msg, self._dialog_problem = self._dialog_problem, None
            raise DriverError(msg, retryable=False)

    def arm_dialog(self, accept: bool, text: str | None, prompt: str | None) -> None:
        self._dialog = (accept, text, prompt)

    # --- scope --------------------------------------------------------------------------
    def _root(self) -> Any:
        """The page steps act in: the popup of the innermost `window` step, else the system's main page."""
        return self.windows[-1][0] if self.windows else self.page

    def scope(self) -> Any:
        s = self._root()
        for f in self.frame_stack:
            target = None
            if f.name:
                target = next((fr for fr in (s.child_frames if hasattr(s, "child_frames") else s.frames)
                               if fr.name == f.name), None)
            if target is None and f.text:  # by part of its URL: never the page itself
                frames = s.child_frames if hasattr(s, "child_frames") else [fr for fr in s.frames
                                                                            if fr is not s.main_frame]
                target = next((fr for fr in frames if f.text in fr.url), None)
            if target is None and f.css:
                handle = s.query_selector(f.css)
                target = handle.content_frame() if handle else None
            if target is None:
                raise DriverError(f"frame {f.describe()} not found on {self.where()}")
            s = target
        return s

    def enter_frame(self, frame: Locator) -> None:
        self.frame_stack.append(frame)

    def leave_frame(self) -> None:
        self.frame_stack.pop()

    def enter_window(self, title: str | None, url: str | None, timeout: float) -> None:
        """Wait (polling) for a popup whose title or URL contains TITLE / URL, newest first, and act in it."""
        what = f"titled {title!r}" if title else f"with {url!r} in its URL"
        deadline = time.monotonic() + timeout
        while True:
            self._check_dialog()
            for p in reversed(self.popups):
                try:
                    if p.is_closed():
                        continue
                    if (url and url in p.url) or (title and title in (p.title() or "")):
                        p.wait_for_load_state("domcontentloaded", timeout=max(0.1, deadline - time.monotonic()) * 1000)
                        self.windows.append((p, self.frame_stack))
                        self.frame_stack = []
                        return
                except Exception:  # a popup still loading or closing: look again
                    continue
            if time.monotonic() >= deadline:
                seen = []
                for p in self._pages():
                    with contextlib.suppress(Exception):
                        seen.append(f"{p.title() or '(untitled)'} <{origin_of(p.url)}>")
                raise DriverError(f"no window {what} opened within {timeout:g}s",
                                  [f"popups and pages now: {', '.join(seen) or 'none'}"], retryable=False)
            # a Playwright wait, not time.sleep: the sync API delivers the new page's event only inside a call
            self.page.wait_for_timeout(POLL * 1000)

    def leave_window(self) -> None:
        if self.windows:
            _page, self.frame_stack = self.windows.pop()

    def where(self) -> str:
        try:
            root = self._root()
            return root.url if root else "(no page)"
        except Exception:
            return "(closed page)"
