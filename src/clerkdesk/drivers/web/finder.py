"""The web field finder: a ``Locator`` resolved to one element of the page or frame the steps act in.

Strategies in order: the in-page label search (``js.FIND_BY_LABEL``: ``<label for>``, a wrapping label, or — in
legacy table layouts — a neighbouring cell), Playwright's ``get_by_label`` and placeholder, role + name, text,
CSS, XPath; ``row`` and ``within`` narrow them, ``nth`` picks among visible matches. The label search tags the
element it found, so that the scripts run on it afterwards (``evaluate``) cost one round trip instead of three.
``by_label`` lets Playwright's own ``fill`` / ``select_option`` resolve a label in the same call
(``js.LABEL_ENGINE``). Everything tried is kept in ``last_tried`` for the error a step raises.
"""

from __future__ import annotations

import base64
import json
import secrets
from collections.abc import Callable
from typing import Any, Protocol

from clerkdesk.drivers.web import js
from clerkdesk.drivers.web.kit_text import spaced_pattern
from clerkdesk.drivers.web.scope import POLL
from clerkdesk.recipe.driver import DriverError, Locator, Patience

ROWS = ("css=tr, li, [role=row], [role=listitem], [role=option], [role=treeitem], .el-table__row, .ant-table-row, "
        ".ant-list-item, .ivu-table-row")
_BUSY = ("context was destroyed", "detached", "navigat", "closed", "target page", "frame was")


def _script_bug(message: str) -> bool:
    """A JavaScript error thrown by our own page script (not a page that is navigating or closing)."""
    m = message.lower()
    return ("syntaxerror" in m or "referenceerror" in m or "typeerror" in m) and not any(b in m for b in _BUSY)


class Evaluate(Protocol):
    """A page script FN(element, ARG) run on an element (``ElementFinder.evaluate``)."""

    def __call__(self, el: Any, fn: str, arg: Any = None) -> Any: ...


class ElementFinder:
    """Finds elements in SCOPE (the page or frame the steps act in now), answering dialogs while it polls
    (CHECK_DIALOG) and naming WHERE it looked in its messages."""

    def __init__(self, scope: Callable[[], Any], check_dialog: Callable[[], None], where: Callable[[], str]) -> None:
        self.scope = scope
        self._check_dialog = check_dialog
        self.where = where
        # the element the label search tagged last: (its Playwright locator, scope, token, what the search saw)
        self._tagged: tuple[Any, Any, str, dict[str, Any]] | None = None
        self.last_tried: list[str] = []  # the strategies the last resolve tried (for error messages)

    @property
    def tagged(self) -> Any:
        """The Playwright locator of the element the label search tagged last, if any."""
        return self._tagged[0] if self._tagged is not None else None

    def find(self, loc: Locator, want: str | None = None) -> tuple[Any, list[str], str | None]:
        """One attempt at every strategy: (locator or None, strategies tried, why not found). WANT: the option a
        `choose` looks for, so a select found by its label also reports that option's state."""
        sc = self.scope()
        tried: list[str] = []
        note = None
        cands: list[tuple[str, Any]] = []
        if loc.label:
            token = secrets.token_hex(4)
            tried.append(f"label {loc.label!r}: <label for>, wrapping label, or a neighbouring cell/text")
            res = sc.evaluate(js.FIND_BY_LABEL, {"label": loc.label, "token": token, "nth": loc.nth or 0,
                                                 "within": loc.within, "option": want})
            if res.get("badWithin"):
                raise DriverError(f"within {loc.within!r} is not a valid CSS selector", retryable=False)
            if res.get("tagged"):
                if res.get("hidden"):
                    note = f"the field labelled {loc.label} is on a hidden part of the page (a tab not opened?)"
                else:
                    found = sc.locator(f"[data-clerkdesk='{token}']")
                    self._tagged = (found, sc, token, res)
                    return found, tried, None
            tried.append(f"get_by_label({loc.label!r})")
            cands.append(("label", sc.get_by_label(loc.label, exact=loc.exact)))
            tried.append(f"placeholder {loc.label!r}")
            cands.append(("placeholder", sc.get_by_placeholder(loc.label, exact=True)))
        if loc.role:
            if loc.name:  # the whole name first, then as a kit spaces it (提 交), then (not exact) contained
                spaced = spaced_pattern(loc.name)
                tried.append(f"role {loc.role} name {loc.name!r} (whole name"
                             f"{', with or without spaces between Han characters' if spaced else ''}"
                             f"{', then contained' if not loc.exact else ''})")
                cands.append(("role", sc.get_by_role(loc.role, name=loc.name, exact=True)))
                if spaced is not None:
                    cands.append(("role", sc.get_by_role(loc.role, name=spaced)))
                if not loc.exact:
                    cands.append(("role", sc.get_by_role(loc.role, name=loc.name)))
            else:
                tried.append(f"role {loc.role}")
                cands.append(("role", sc.get_by_role(loc.role)))
        if loc.placeholder:
            tried.append(f"placeholder {loc.placeholder!r}")
            cands.append(("placeholder", sc.get_by_placeholder(loc.placeholder, exact=loc.exact)))
        if loc.text:
            spaced = spaced_pattern(loc.text)
            tried.append(f"text {loc.text!r} (exact{', with or without spaces between Han characters' if spaced else ''}"
                         f"{', then contained' if not loc.exact else ''})")
            cands.append(("text", sc.get_by_text(loc.text, exact=True)))
            if spaced is not None:  # a kit's two-character button: 提 交
                cands.append(("text", sc.get_by_text(spaced)))
            if not loc.exact:
                cands.append(("text", sc.get_by_text(loc.text)))
        if loc.css:
            tried.append(f"css {loc.css}")
            cands.append(("css", sc.locator(f"css={loc.css}")))
        if loc.xpath:
            tried.append(f"xpath {loc.xpath}")
            cands.append(("xpath", sc.locator(f"xpath={loc.xpath}")))
        if loc.row:
            # the innermost table rows / list items that have an element of exactly this text
            mark = sc.get_by_text(loc.row, exact=True)
            spaced = spaced_pattern(loc.row)
            if spaced is not None:
                mark = mark.or_(sc.get_by_text(spaced))
            rows = sc.locator(ROWS).filter(has=mark).filter(has_not=sc.locator(ROWS).filter(has=mark))
            tried.append(f"row {loc.row!r}: the table row or list item with an element of exactly this text")
            cands = [(k, rows.locator(c)) for k, c in cands] if cands else [("row", rows)]
        for _, c in cands:
            if loc.within:
                c = sc.locator(f"css={loc.within}").locator(c)
            idx = loc.nth or 0
            visible = c.filter(visible=True)
            if visible.count() > idx:  # one round trip in the common case
                return visible.nth(idx), tried, None
            if c.count() > idx:
                note = f"{loc.describe()} exists but is not visible (a tab not opened?)"
        return None, tried, note

    def describe(self, el: Any) -> dict[str, Any]:
        """Tag, type and read-only state of the element just resolved (known already when found by label)."""
        if self._tagged is not None and self._tagged[0] is el:
            return self._tagged[3]
        return dict(el.evaluate("e => ({tag: e.tagName, type: (e.type || '').toLowerCase(),"
                                " readonly: !!(e.readOnly || e.disabled), disabled: !!e.disabled,"
                                " maxlength: typeof e.maxLength === 'number' ? e.maxLength : -1})"))

    def evaluate(self, el: Any, fn: str, arg: Any = None) -> Any:
        """The JS function FN(element, ARG) on EL. One round trip when the label search tagged EL (a Playwright
        ``Locator.evaluate`` costs three: find the element, evaluate, release the handle)."""
        if self._tagged is None or self._tagged[0] is not el:
            return el.evaluate(fn, arg)
        _, sc, token, _ = self._tagged
        res = sc.evaluate("(a) => { const e = document.querySelector(`[data-clerkdesk='${a.token}']`);"
                          f" return e ? {{ok: true, v: ({fn})(e, a.arg)}} : {{ok: false}}; }}",
                          {"token": token, "arg": arg})
        if not res.get("ok"):
            raise DriverError("the field went away while ClerkDesk was using it (the page changed)")
        return res.get("v")

    def resolve(self, loc: Locator, timeout: float, want: str | None = None) -> Any:
        self._tagged = None
        for _ in Patience(timeout).looks(POLL):
            self._check_dialog()
            try:
                found, tried, note = self.find(loc, want)
            except DriverError:
                raise
            except Exception as e:  # page navigating / frame detached: try again
                first = str(e).splitlines()[0][:160] if str(e) else type(e).__name__
                if _script_bug(first):  # our own page script failed: waiting cannot help, say it now
                    raise DriverError(f"ClerkDesk's page script failed while looking for {loc.describe()} on "
                                      f"{self.where()}: {first}", [first], retryable=False) from None
                found, tried, note = None, [f"page was busy: {first}"], None
            self.last_tried = tried
            if found is not None:
                return found
        what = f"label {loc.label}" if loc.label else loc.describe()
        # waited the whole timeout already: trying again would only double the clerk's wait
        raise DriverError(note or f"{what} not found on page {self.where()}", tried, retryable=False)

    def by_label(self, loc: Locator, act: str, value: str, timeout: float) -> Any:
        """The common case in one round trip: Playwright's own ``fill`` / ``select_option`` (ACT) resolves the
        label itself (``js.LABEL_ENGINE``). The tagged locator, or None when the label does not (yet) name a
        plain field (see ``js``): the general path then handles it as before, messages included."""
        self._tagged = None
        self._check_dialog()
        sc = self.scope()
        token = secrets.token_hex(4)
        args = {"label": loc.label, "token": token, "nth": loc.nth or 0, "within": loc.within,
                "option": value if act == "select_option" else None,
                "units": utf16_units(value) if act == "fill" else None}
        body = base64.b64encode(json.dumps(args, ensure_ascii=False).encode()).decode()
        found = sc.locator(f"{js.LABEL_ENGINE}={body}")
        try:
            getattr(found, act)(value, timeout=timeout * 1000)
        except Exception as e:
            if js.NOT_DIRECT in str(e):
                return None
            raise
        self._tagged = (found, sc, token, {})
        return found


def utf16_units(text: str) -> int:
    """TEXT's length as a page's ``maxlength`` counts it (UTF-16 code units: a rare character outside the BMP
    counts two)."""
    return len(text.encode("utf-16-le")) // 2
