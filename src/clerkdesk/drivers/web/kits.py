"""Component-kit widgets (Element UI / Element Plus, Ant Design, iView) for the web driver's plain words.

On single-page portals almost nothing is a native control: a select is a read-only input whose list (the
"popper") is appended to <body> and left there hidden after closing; a cascader fetches each level after its
parent is clicked; a date picker's panel stays open over the next field; radios and checkboxes hide their
real inputs under styled boxes. ``choose``, ``fill`` and ``check`` handle them as a person does — open the
list, type to filter where the field allows it, click the exact item, wait for the popper to close, and read
back what the field shows — with the page scripts of ``js``. ``PlaywrightDriver`` owns one ``Kits`` and turns
to it when the element it resolved belongs to a kit.
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Callable
from typing import Any

from clerkdesk.drivers.web import js
from clerkdesk.drivers.web.finder import Evaluate
from clerkdesk.drivers.web.scope import POLL
from clerkdesk.recipe.driver import DriverError, Locator

CLOSE_WAIT = 3.0  # seconds a popper may take to close after the pick (kits animate 0.2–0.3 s)
OPEN_GRACE = 0.25  # seconds a date picker's calendar may take to appear after the typing focused it


def path_parts(value: str) -> list[str]:
    """A cascader value ``山东省/青岛市/市南区`` (or with ``／`` / spaces around the slashes) as its levels."""
    return [p.strip() for p in re.split(r"[/／]", value) if p.strip()]


class Kits:
    """A kit widget handled as a person handles it. Its collaborators, given by the driver: SCOPE (the page or
    frame the steps act in now), EVALUATE (a page script on an element, ``ElementFinder.eval``), CHECK_DIALOG
    (raises a dialog problem while a wait polls) and WHERE (the current place, for messages)."""

    def __init__(self, scope: Callable[[], Any], evaluate: Evaluate,
                 check_dialog: Callable[[], None], where: Callable[[], str]) -> None:
        self.scope = scope
        self._eval = evaluate
        self._check_dialog = check_dialog
        self.where = where

    def kit_info(self, el: Any) -> tuple[dict[str, Any], str]:
        """Which kit widget EL is (``kit`` empty for none) and the token its trigger and popper are tagged with."""
        token = secrets.token_hex(4)
        return dict(self._eval(el, js.KIT_INFO, token)), token

    def wait_open(self, el: Any, loc: Locator, token: str, info: dict[str, Any], deadline: float) -> None:
        """Open the field's popper by clicking it as a person does, and wait for it (kits animate it in)."""
        if info["open"] == "closed":
            self.scope().locator(f"[data-clerkdesk-trigger='{token}']").click(
                timeout=max(0.5, deadline - time.monotonic()) * 1000)
        while True:
            began = time.monotonic()  # the polling rule: "did not open" only after a look begun at the deadline
            if self._eval(el, js.POPPER_OPEN, token) == "open":
                return
            self._check_dialog()
            if began >= deadline:
                raise DriverError(f"the list of {loc.describe()} did not open when clicked (on {self.where()})",
                                  ["clicked the field; looked for its list by aria-controls/aria-owns, then for a "
                                   "shown popper next to it"], retryable=True)
            time.sleep(POLL)

    def choose_kit(self, el: Any, loc: Locator, value: str, info: dict[str, Any], token: str,
                   timeout: float) -> str:
        """Pick VALUE in a kit select or cascader (VALUE: ``省/市/区`` for a cascader); returns what the field
        shows afterwards, for the step's read-back."""
        deadline = time.monotonic() + timeout
        parts = path_parts(value) if info["cascader"] else [value]
        self.wait_open(el, loc, token, info, deadline)
        typed = False
        for level, part in enumerate(parts):
            rewound = False  # a list opened scrolled to its selected row: look above it once, from the top
            while True:
                began = time.monotonic()
                self._check_dialog()
                res = self._eval(el, js.POPPER_ITEM, {"token": token, "want": part,
                                                      "level": level if info["cascader"] else None})
                if res.get("closed"):
                    raise DriverError(f"the list of {loc.describe()} closed before {part!r} was picked",
                                      retryable=True)
                if res.get("found"):
                    if res.get("disabled"):
                        raise DriverError(f"option {part!r} is disabled in the list of {loc.describe()}",
                                          retryable=False)
                    item = self.scope().locator(f"[data-clerkdesk-item='{token}']")
                    try:  # a list re-rendered between finding and clicking: look again
                        item.click(timeout=min(2.0, max(0.2, deadline - time.monotonic())) * 1000)
                        break
                    except Exception:
                        if began >= deadline:
                            raise
                        continue
                if level == 0 and not typed and not info["cascader"] and self._eval(el, js.KIT_INFO, token)["editable"]:
                    el.fill(part, timeout=max(0.5, deadline - time.monotonic()) * 1000)  # a filterable select
                    typed = True
                    continue
                if res.get("canScroll") and self._eval(el, js.SCROLL, {"token": token}):
                    continue  # a virtual list renders the rows in view only: scroll on
                if not rewound and not res.get("waiting"):
                    rewound = True
                    if self._eval(el, js.SCROLL, {"token": token, "top": True}):
                        continue
                if began >= deadline:
                    where = f" (level {level + 1} of {len(parts)})" if len(parts) > 1 else ""
                    seen = ", ".join(res.get("items") or []) or "nothing"
                    raise DriverError(f"option {part!r} did not appear in the list of {loc.describe()}{where}",
                                      [f"the list shows: {seen}"], retryable=False)
                time.sleep(POLL)
        if not info["multiple"]:
            self.wait_closed(el, loc, token, deadline + CLOSE_WAIT)
        return str(self._eval(el, js.SHOWN))

    def wait_closed(self, el: Any, loc: Locator, token: str, deadline: float) -> None:
        """Wait until the field's popper has closed (kits animate it out), at most until DEADLINE."""
        while True:
            began = time.monotonic()
            if self._eval(el, js.POPPER_OPEN, token) == "closed":
                return
            if began >= deadline:
                raise DriverError(f"the list of {loc.describe()} stayed open after the pick", retryable=True)
            time.sleep(POLL)

    def settle_picker(self, el: Any, loc: Locator, timeout: float) -> None:
        """After typing into a kit date picker: commit the value the kit's way (Enter) and wait for its panel to
        close, so it does not cover the next field; Tab if Enter did not close it."""
        token = secrets.token_hex(4)
        deadline = time.monotonic() + min(timeout, CLOSE_WAIT)
        appear = time.monotonic() + OPEN_GRACE
        while True:  # the calendar opens on focus, animating in; a kit may render it a few frames late
            began = time.monotonic()
            state = self._eval(el, js.POPPER_OPEN, token)
            if state == "open" or began >= deadline or (state == "closed" and began >= appear):
                break
            time.sleep(POLL)
        if state == "closed":
            return
        for key in ("Enter", "Tab"):
            el.press(key, timeout=timeout * 1000)
            deadline = time.monotonic() + min(timeout, CLOSE_WAIT)
            while True:
                began = time.monotonic()
                if self._eval(el, js.POPPER_OPEN, token) == "closed":
                    return
                if began >= deadline:
                    break
                time.sleep(POLL)
        raise DriverError(f"the calendar of {loc.describe()} stayed open after Enter and Tab (is the date in the "
                          "format the field shows?)", retryable=False)

    def pick_date(self, el: Any, loc: Locator, value: str, timeout: float) -> str:
        """A kit date picker that takes no typing: open its calendar, click the year and month arrows of its
        header until it shows the wanted month, click the day, wait for it to close; returns the field's value."""
        m = re.fullmatch(r"\s*(\d{4})\D(\d{1,2})\D(\d{1,2})\D?\s*", value)
        if not m:
            raise DriverError(f"{loc.describe()} is a calendar that takes clicks only: give the date as YYYY-MM-DD",
                              retryable=False)
        y, mo, d = (int(g) for g in m.groups())
        deadline = time.monotonic() + timeout
        info, token = self.kit_info(el)
        self.wait_open(el, loc, token, info, deadline)
        for _ in range(240):  # 20 years of year arrows and months: never an endless walk
            while self._eval(el, js.POPPER_OPEN, token) == "moving" and time.monotonic() < deadline:
                time.sleep(POLL)
            res = self._eval(el, js.CALENDAR, {"token": token, "y": y, "m": mo, "d": d})
            if res.get("closed") or res.get("error"):
                raise DriverError(f"the calendar of {loc.describe()} "
                                  f"{'closed' if res.get('closed') else res['error']}", retryable=True)
            self.scope().locator(f"[data-clerkdesk-cal='{token}']").click(
                timeout=max(0.5, deadline - time.monotonic()) * 1000)
            if res["click"] == "day":
                self.wait_closed(el, loc, token, deadline + CLOSE_WAIT)
                return str(self._eval(el, js.SHOWN))
        raise DriverError(f"the calendar of {loc.describe()} did not reach {y}-{mo:02d}", retryable=False)

    def check_styled(self, el: Any, loc: Locator, on: bool, st: dict[str, Any], token: str,
                     timeout: float) -> bool:
        """A checkbox or switch whose real input is hidden: click what is shown, then read the real state."""
        deadline = time.monotonic() + timeout
        if st.get("checked") != on:
            self.scope().locator(f"[data-clerkdesk-toggle='{token}']").click(timeout=timeout * 1000)
        while True:
            began = time.monotonic()
            st = self._eval(el, js.TOGGLE_STATE, token)
            if st.get("checked") == on or began >= deadline:
                return bool(st.get("checked"))
            time.sleep(POLL)


class KitWidget:
    """What a kit widget of more than one value (``web/multi.py``, ``tree.py``, ``range.py``) is driven through:
    the current page scope, the element evaluator, the kits' open/close waits, and the dialog check."""

    def __init__(self, scope: Callable[[], Any], evaluate: Callable[..., Any], kits: Kits,
                 check_dialog: Callable[[], None]) -> None:
        self._scope = scope
        self._evaluate = evaluate
        self._kits = kits
        self._check_dialog = check_dialog
