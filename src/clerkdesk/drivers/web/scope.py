"""Where the web driver's steps act: the main page, a popup (``window``) or a frame in it (``frame``), and the
popups those pages open. ``PlaywrightDriver`` owns one ``PageScope``; the field finder and the kits ask it for
the current scope."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from typing import Any

from clerkdesk.recipe.driver import DriverError, Locator
from clerkdesk.recipe.systems import origin_of

POLL = 0.05  # how often the web driver looks again (conditions, late options, popups); never a fixed sleep


class PageScope:
    """The pages of one browser context and where in them the steps act: the main page, the popups it opened,
    the stack of `window` scopes (popup page, the frame stack outside it) and of `frame` scopes.

    CHECK_DIALOG raises a dialog problem or a blocked request while a wait polls; ON_DIALOG answers the dialogs
    of every popup, as of the main page."""

    def __init__(self, check_dialog: Callable[[], None], on_dialog: Callable[[Any], None]) -> None:
        self.page: Any = None  # the system's main page, set when the driver starts
        self.popups: list[Any] = []
        self.frame_stack: list[Locator] = []
        self.windows: list[tuple[Any, list[Locator]]] = []  # `window` scopes: (popup page, outer frame stack)
        self._check_dialog = check_dialog
        self._on_dialog = on_dialog

    def on_page(self, page: Any) -> None:
        if page is not self.page:
            self.popups.append(page)
            page.on("dialog", self._on_dialog)

    def pages(self) -> list[Any]:
        """The open pages, newest popup first, the main page last."""
        return [p for p in [*reversed(self.popups), self.page] if p is not None and not p.is_closed()]

    # --- scope --------------------------------------------------------------------------
    def root(self) -> Any:
        """The page steps act in: the popup of the innermost `window` step, else the system's main page."""
        return self.windows[-1][0] if self.windows else self.page

    def scope(self) -> Any:
        s = self.root()
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
                for p in self.pages():
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
            root = self.root()
            return root.url if root else "(no page)"
        except Exception:
            return "(closed page)"
