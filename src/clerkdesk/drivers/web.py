"""Web driver (Playwright, Chromium family): implements ``clerkdesk.engine.driver.Driver`` for web systems.

- Launches a system Chrome/Edge/Chromium (``browser.find_browser``) with an app-owned, throw-away profile;
  the login (cookies, local storage) is kept per clerk and system as *encrypted* session state.
- Every request, navigation and WebSocket is checked against the system's origins; anything else is aborted
  and reported (a recipe can never send a citizen's data elsewhere). Below that, the browser's only way out is
  a loopback SOCKS5 proxy that connects to the system's own hosts only (``_egress``: workers' WebSockets,
  WebRTC), and service workers are blocked.
- Waits poll often (50 ms); nothing sleeps a fixed time.

The origin guard lives in ``_web_guard`` and the scoping to frames, popups and dialogs in ``_web_scope`` (mixins);
the page scripts in ``_web_js``; the egress proxy in ``_egress``.
"""

from __future__ import annotations

import base64
import functools
import json
import re
import secrets
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from clerkdesk.drivers import _web_js as js
from clerkdesk.drivers._egress import EgressProxy
from clerkdesk.drivers._web_guard import GuardMixin, foreign_pattern
from clerkdesk.drivers._web_kits import KitMixin
from clerkdesk.drivers._web_mask import PROBE_MASK_WAIT, MaskMixin
from clerkdesk.drivers._web_multi import MultiMixin
from clerkdesk.drivers._web_range import RangeMixin
from clerkdesk.drivers._web_scope import POLL, ScopeMixin
from clerkdesk.drivers._web_tree import TreeMixin
from clerkdesk.drivers.browser import find_browser, launch_args, no_browser_message
from clerkdesk.engine.driver import (
    Condition,
    DriverContext,
    DriverError,
    Locator,
    ReadSpec,
    SystemUnavailable,
)
from clerkdesk.recipe.systems import origin_of

# read a field back and leave it in one call (blur fires the page's own change/validation); a kit's date picker
# answers {picker: true} instead, untouched: its typed value is committed with Enter first (``settle_picker``)
READ_BACK_LEAVE = "e => { const v = ('value' in e) ? e.value : e.innerText; e.blur(); return v; }"
READ_BACK = ("e => { if (e.closest('.el-date-editor,.ant-picker,.ivu-date-picker')) return {picker: true};"
             " const v = ('value' in e) ? e.value : e.innerText; e.blur(); return v; }")
KEYS = {"ctrl": "Control", "control": "Control", "alt": "Alt", "shift": "Shift", "enter": "Enter", "esc": "Escape",
        "escape": "Escape", "tab": "Tab", "del": "Delete", "delete": "Delete", "backspace": "Backspace",
        "meta": "Meta", "cmd": "Meta"}


def _chord(keys: str) -> str:
    parts = [p.strip() for p in keys.replace(" ", "").split("+")]
    return "+".join(KEYS.get(p.lower(), p.upper() if re.fullmatch(r"f\d{1,2}", p.lower()) else p) for p in parts)


ROWS = ("css=tr, li, [role=row], [role=listitem], [role=option], [role=treeitem], .el-table__row, .ant-table-row, "
        ".ant-list-item, .ivu-table-row")
SETTLE_MAX = 3.0  # seconds `open` waits at most for a single-page app to settle (then the steps' own waits go on)
QUIET = 0.15  # seconds without a request in flight or a loading mask shown that count as "settled"
_BUSY = ("context was destroyed", "detached", "navigat", "closed", "target page", "frame was")


def _script_bug(message: str) -> bool:
    """A JavaScript error thrown by our own page script (not a page that is navigating or closing)."""
    m = message.lower()
    return ("syntaxerror" in m or "referenceerror" in m or "typeerror" in m) and not any(b in m for b in _BUSY)


_INTERCEPT = re.compile(r"(<[^\n]*?>[^\n]*?) intercepts pointer events")
_REASONS = (("element is not visible", "it stayed hidden"), ("element is not enabled", "it stayed disabled"),
            ("element is not editable", "it is read-only"), ("element is not stable", "it kept moving (an animation)"),
            ("element is outside of the viewport", "it stayed outside the window"),
            ("not a checkbox or radio", "it is not a checkbox or radio button"))


def playwright_error(verb: str, what: str, where: str, e: BaseException, tried: list[str]) -> DriverError:
    """A Playwright error in a step, in the clerk's terms: what was being done to what, why it did not happen
    (the element that covered it, named by Playwright's call log), the strategies tried and the call log's last
    lines. ``nothing_sent`` only when the log proves no input was dispatched ("performing … action" never
    logged): a click that may have reached the page is never reported as not sent."""
    text = str(e) or type(e).__name__
    lines = text.splitlines()
    first = re.sub(r"^\w+\.\w+: ", "", lines[0]).strip() if lines else type(e).__name__
    log = [ln.strip().lstrip("- ").strip() for ln in lines[1:] if ln.startswith("  ")]
    covered = _INTERCEPT.findall(text)
    if covered:
        reason = f"another element covers it: {covered[-1][:200]}"
    else:
        reason = next((why for key, why in reversed(_REASONS) if key in text.lower()), "")
        reason = reason or first[:200]
    timeout = re.search(r"Timeout (\d+)ms exceeded", first)
    when = f" within {int(timeout.group(1)) / 1000:g}s" if timeout else ""
    sent = any(ln.startswith("performing ") for ln in log)
    return DriverError(f"{verb} {what} did not happen{when} on {where}: {reason}",
                       [*tried, *(f"browser: {ln}" for ln in log[-6:])], retryable=bool(timeout),
                       nothing_sent=bool(timeout) and not sent)


F = TypeVar("F", bound=Callable[..., Any])


def _step_errors(verb: str) -> Callable[[F], F]:
    """Every Playwright error escaping a driver call becomes a DriverError (``playwright_error``): a step never
    ends in a raw traceback, and the engine adds file:line:col and a screenshot as for any step failure."""
    def deco(fn: F) -> F:
        @functools.wraps(fn)
        def wrapper(self: PlaywrightDriver, *a: Any, **kw: Any) -> Any:
            try:
                return fn(self, *a, **kw)
            except DriverError:
                raise
            except Exception as e:
                loc = a[0] if a and isinstance(a[0], Locator) else None
                what = loc.describe() if loc is not None else ""
                raise playwright_error(verb, what, self.where(), e, self._last_tried) from None
        return wrapper  # type: ignore[return-value]
    return deco


class PlaywrightDriver(GuardMixin, ScopeMixin, KitMixin, MaskMixin, MultiMixin, TreeMixin, RangeMixin):
    kind = "web"

    def __init__(self) -> None:
        self._pw: Any = None
        self._egress: EgressProxy | None = None
        self.browser: Any = None
        self.context: Any = None
        self.page: Any = None
        self.popups: list[Any] = []
        self.frame_stack: list[Locator] = []
        self.windows: list[tuple[Any, list[Locator]]] = []  # `window` scopes: (popup page, outer frame stack)
        self.ctx: DriverContext | None = None
        self._dialog: tuple[bool, str | None, str | None] | None = None
        self._dialog_problem: str | None = None
        self._last_dialog: str | None = None
        self.blocked: list[str] = []
        self._routed: list[tuple[tuple[str, int], float]] = []  # (host, port), when: blocked by a route guard
        # the element the label search tagged last: (its Playwright locator, scope, token, what the search saw)
        self._tagged: tuple[Any, Any, str, dict[str, Any]] | None = None
        self._server_error: str | None = None  # set by an error answer since the last action
        self._navigating: set[Any] = set()  # navigation requests sent and not answered (a posted submit)
        self._last_tried: list[str] = []  # the strategies the last resolve tried (for error messages)
        self._inflight = 0  # requests of the pages in flight (for `open` on single-page apps)

    # --- lifecycle ----------------------------------------------------------------------
    def start(self, ctx: DriverContext) -> None:
        try:
            from playwright.sync_api import sync_playwright
        except ImportError as e:
            raise DriverError("Playwright is not installed: pip install 'clerkdesk[web]'", retryable=False) from e
        self.ctx = ctx
        exe = find_browser(ctx.options.get("browser"))
        self._egress = EgressProxy(ctx.system.origins)
        self._pw = sync_playwright().start()
        try:
            self.browser = self._pw.chromium.launch(headless=ctx.headless, executable_path=exe,
                                                    args=launch_args(self._egress.server))
        except Exception as e:
            self._pw.stop()
            self._egress.close()
            msg = no_browser_message() if exe is None else f"the browser {exe} did not start: {str(e).splitlines()[0]}"
            raise DriverError(msg, retryable=False) from None
        # before the context: the label engine that lets Playwright's `fill` find a field by its label itself
        self._pw.selectors.register(js.LABEL_ENGINE, js.FILL_ENGINE, content_script=True)
        state = self._load_state()
        self.context = self.browser.new_context(storage_state=state, locale="zh-CN", service_workers="block",
                                                viewport={"width": 1280, "height": 860})
        self.context.route(foreign_pattern(ctx.system.origins), self._guard)
        self.context.route_web_socket(lambda url: True, self._ws_guard)
        self.page = self.context.new_page()
        self.page.on("dialog", self._on_dialog)
        self.page.on("response", self._on_response)
        self.context.on("page", self._on_page)  # popups (after the main page, which has its handler)
        self.context.on("request", self._on_request)
        self.context.on("requestfinished", self._on_request_done)
        self.context.on("requestfailed", self._on_request_done)

    def close(self) -> None:
        try:
            if self.context is not None:
                self._save_state()
                self.context.close()
            if self.browser is not None:
                self.browser.close()
        finally:
            if self._pw is not None:
                self._pw.stop()
            self._pw = self.browser = self.context = self.page = None
            if self._egress is not None:
                self._report_egress(final=True)
                self._egress.close()
                self._egress = None

    # --- session state, encrypted ---------------------------------------------------------
    def _state_path(self) -> Path:
        assert self.ctx is not None
        from clerkdesk.config import under

        safe = re.sub(r"[^\w.-]", "_", self.ctx.clerk)
        return under(self.ctx.home, "sessions", safe, f"{self.ctx.system.id}.bin")  # verified inside home

    def _load_state(self) -> dict[str, Any] | None:
        assert self.ctx is not None
        unseal = self.ctx.options.get("unseal")
        p = self._state_path()
        if unseal is None or not p.exists():
            return None
        try:
            return json.loads(unseal(p.read_bytes(), f"session:{self.ctx.clerk}:{self.ctx.system.id}"))
        except Exception:
            return None  # an unreadable session only costs a login

    def _save_state(self) -> None:
        assert self.ctx is not None
        seal = self.ctx.options.get("seal")
        if seal is None:
            return
        state = self.context.storage_state()
        p = self._state_path()
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(seal(json.dumps(state).encode(), f"session:{self.ctx.clerk}:{self.ctx.system.id}"))

    def _on_request(self, req: Any) -> None:
        self._inflight += 1
        try:
            if req.is_navigation_request():
                self._navigating.add(req)
        except Exception:
            pass

    def _on_request_done(self, req: Any) -> None:
        self._inflight = max(0, self._inflight - 1)
        self._navigating.discard(req)

    def awaiting_system(self) -> bool:
        """Whether a page load (e.g. a posted form) is still waiting for the system's answer: the engine keeps
        waiting for a slow system after a submit instead of calling its answer missing."""
        return bool(self._navigating)

    def _settle(self, limit: float) -> None:
        """A single-page app renders after its document has loaded: fetches its data, shows a loading mask, then
        the page. Wait until no request has been in flight and no loading mask shown for QUIET seconds, at
        most LIMIT (an app that polls the server never goes quiet: then the steps' own waits take over), so
        that what `human … until` and the first steps see is the rendered app, not its shell. A page that is
        quiet at the first look (server-rendered) costs one round trip."""
        root = self._root()
        deadline = time.monotonic() + limit
        quiet_since: float | None = None
        first = True
        while time.monotonic() < deadline:
            try:
                loading = bool(root.evaluate(js.LOADING))  # first: the call also delivers pending request events
                busy = loading or self._inflight > 0
            except Exception:  # navigating again (a redirect by script): not settled
                busy = True
            now = time.monotonic()
            if busy:
                quiet_since = None
            elif first:
                return  # quiet at once (a server-rendered page): no wait at all
            elif quiet_since is None:
                quiet_since = now
            elif now - quiet_since >= QUIET:
                return
            first = False
            root.wait_for_timeout(POLL * 1000)  # a Playwright wait: request events arrive only inside a call

    def _on_response(self, resp: Any) -> None:
        """Remember an error answer to a navigation of the main page or a frame (e.g. HTTP 500 after a submit)."""
        try:
            if resp.status >= 500 and resp.request.is_navigation_request():
                self._server_error = f"HTTP {resp.status}"
        except Exception:
            pass

    # --- locating -----------------------------------------------------------------------------
    def _try(self, loc: Locator, want: str | None = None) -> tuple[Any, list[str], str | None]:
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
            tried.append(f"role {loc.role} name {loc.name!r}")
            cands.append(("role", sc.get_by_role(loc.role, name=loc.name, exact=loc.exact) if loc.name
                          else sc.get_by_role(loc.role)))
        if loc.placeholder:
            tried.append(f"placeholder {loc.placeholder!r}")
            cands.append(("placeholder", sc.get_by_placeholder(loc.placeholder, exact=loc.exact)))
        if loc.text:
            tried.append(f"text {loc.text!r} (exact, then contained)")
            cands.append(("text", sc.get_by_text(loc.text, exact=True)))
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

    def _describe_el(self, el: Any) -> dict[str, Any]:
        """Tag, type and read-only state of the element just resolved (known already when found by label)."""
        if self._tagged is not None and self._tagged[0] is el:
            return self._tagged[3]
        return dict(el.evaluate("e => ({tag: e.tagName, type: (e.type || '').toLowerCase(),"
                                " readonly: !!(e.readOnly || e.disabled), disabled: !!e.disabled})"))

    def _eval(self, el: Any, fn: str, arg: Any = None) -> Any:
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
        deadline = time.monotonic() + timeout
        while True:
            self._check_dialog()
            try:
                found, tried, note = self._try(loc, want)
            except DriverError:
                raise
            except Exception as e:  # page navigating / frame detached: try again
                first = str(e).splitlines()[0][:160] if str(e) else type(e).__name__
                if _script_bug(first):  # our own page script failed: waiting cannot help, say it now
                    raise DriverError(f"ClerkDesk's page script failed while looking for {loc.describe()} on "
                                      f"{self.where()}: {first}", [first], retryable=False) from None
                found, tried, note = None, [f"page was busy: {first}"], None
            self._last_tried = tried
            if found is not None:
                return found
            if time.monotonic() >= deadline:
                what = f"label {loc.label}" if loc.label else loc.describe()
                # waited the whole timeout already: trying again would only double the clerk's wait
                raise DriverError(note or f"{what} not found on page {self.where()}", tried, retryable=False)
            time.sleep(POLL)

    # --- actions ---------------------------------------------------------------------------------
    def open(self, where: str, timeout: float) -> None:
        self._server_error = None
        self._check_dialog()
        try:
            resp = self._root().goto(where, wait_until="domcontentloaded", timeout=timeout * 1000)
        except Exception as e:
            first = str(e).splitlines()[0]
            if "ERR_BLOCKED_BY_CLIENT" in first:
                raise DriverError(f"navigation to {origin_of(where)} was stopped: not an origin of this system",
                                  retryable=False) from None
            raise SystemUnavailable(f"{origin_of(where)} does not answer ({first[:160]})") from None
        if resp is not None and resp.status >= 500:
            raise SystemUnavailable(f"the system answered HTTP {resp.status} for {where}")
        self._settle(min(timeout, SETTLE_MAX))

    def _by_label(self, loc: Locator, act: str, value: str, timeout: float) -> Any:
        """The common case in one round trip: Playwright's own ``fill`` / ``select_option`` (ACT) resolves the
        label itself (``js.LABEL_ENGINE``). The tagged locator, or None when the label does not (yet) name a
        plain field (see ``_web_js``): the general path then handles it as before, messages included."""
        self._tagged = None
        self._check_dialog()
        sc = self.scope()
        token = secrets.token_hex(4)
        args = {"label": loc.label, "token": token, "nth": loc.nth or 0, "within": loc.within,
                "option": value if act == "select_option" else None}
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

    def _fill_by_label(self, loc: Locator, value: str, timeout: float) -> str | None:
        """Fill by label in two round trips: ``_by_label``, then one call reads the value back and leaves it."""
        found = self._by_label(loc, "fill", value, timeout)
        return None if found is None else self._read_back(found, loc, timeout)

    def _read_back(self, el: Any, loc: Locator, timeout: float) -> str:
        """What the field holds after typing, leaving it (one round trip); a kit date picker is committed and its
        panel closed first, so that it covers nothing and the value read is the one the page took."""
        got = self._eval(el, READ_BACK)
        if isinstance(got, dict):
            self.settle_picker(el, loc, timeout)
            got = self._eval(el, READ_BACK_LEAVE)
        return str(got)

    @_step_errors("fill")
    def fill(self, loc: Locator, value: str, timeout: float) -> str:
        if loc.label:
            got = self._fill_by_label(loc, value, timeout)
            if got is not None:
                return got
        el = self.resolve(loc, timeout)
        if self.is_range(el):  # a kit date range: start and end typed and committed, panel closed (_web_range)
            return self.fill_range(el, loc, value, timeout)
        info = self._describe_el(el)
        tag, readonly = info["tag"], info["readonly"]
        if tag == "SELECT":
            raise DriverError(f"{loc.describe()} is a select: use choose", retryable=False)
        if readonly:  # what no person could type is not typed: the page would not expect it (issue 15)
            if not info.get("disabled") and self._eval(el, js.IS_PICKER):
                return self.pick_date(el, loc, value, timeout)  # a kit calendar: clicked, as a person does
            if info.get("disabled"):
                raise DriverError(f"{loc.describe()} is disabled on the page: ClerkDesk does not type into a field "
                                  "the page has switched off", retryable=False)
            raise DriverError(f"{loc.describe()} is read-only on the page: ClerkDesk types only where a person can; "
                              "a list or picker that opens when clicked is set with choose", retryable=False)
        el.fill(value, timeout=timeout * 1000)
        # read back and leave the field in one round trip (blur fires the page's own change/validation)
        return self._read_back(el, loc, timeout)

    @_step_errors("choose")
    def choose(self, loc: Locator, value: str, timeout: float) -> str | None:
        """Pick VALUE; returns what a kit field shows afterwards (the step compares it), None for native
        controls (the browser itself holds their state, and Playwright checks it)."""
        if loc.label and self._by_label(loc, "select_option", value, timeout) is not None:
            return None  # a select whose wanted option is there: Playwright found and chose it in one round trip
        el = self.resolve(loc, timeout, want=value)
        info = self._describe_el(el)
        tag, typ = info["tag"], info["type"]
        deadline = time.monotonic() + timeout
        if tag == "SELECT":
            st = info.get("option")  # the label search looked already
            while True:  # cascading selects fill their options late: wait for the wanted option itself
                if st is None:
                    st = self._eval(el, js.OPTION_STATE, value)
                if "value" in st and not st.get("disabled"):
                    if st.get("ambiguous"):  # another option's text is this value: pick this very option
                        el.select_option(index=st["index"], timeout=timeout * 1000)
                    else:
                        el.select_option(value=st["value"], timeout=timeout * 1000)
                    return None
                if time.monotonic() >= deadline:
                    raise DriverError(f"option {value!r} did not appear in {loc.describe()} "
                                      f"(it has {st.get('count', 0)} options)", retryable=False)
                st = None
                time.sleep(POLL)
        if typ in ("radio", "checkbox"):
            token = secrets.token_hex(4)
            while True:
                res = self._eval(el, js.RADIO_PICK, {"want": value, "token": token})
                if res.get("ok"):
                    target = self.scope().locator(f"[data-clerkdesk-radio='{token}']")
                    if res.get("plain"):
                        target.check(timeout=timeout * 1000)
                        return None
                    # a kit's styled radio: click what is shown, then read the real input's state back
                    if not res.get("checked"):
                        target.click(timeout=timeout * 1000)
                    real = self.scope().locator(f"[data-clerkdesk-radio-in='{token}']")
                    while not real.evaluate("e => e.checked"):
                        if time.monotonic() >= deadline:
                            raise DriverError(f"clicked {value!r} in {loc.describe()} but it did not become "
                                              "selected", retryable=True)
                        time.sleep(POLL)
                    return None
                if time.monotonic() >= deadline:
                    raise DriverError(f"no choice {value!r} in {loc.describe()} "
                                      f"(choices: {', '.join(res.get('options', []))})")
                time.sleep(POLL)
        kit, token = self._kit_info(el)
        if kit["kit"] and kit["multiple"]:  # tags in the field: exactly the wanted items (_web_multi)
            return self.choose_multi(el, loc, value, timeout)
        if kit["kit"] and self.maybe_tree(el, kit, value):  # a tree in the popper, walked by path (_web_tree)
            return self.choose_tree(el, loc, value, kit, token, timeout)
        if kit["kit"]:  # a component kit's select or cascader: its list is a popper somewhere in <body>
            return self.choose_kit(el, loc, value, kit, token, timeout)
        # a combobox (ARIA role=combobox, aria-autocomplete …): type the value, then wait for its option in the
        # list the page shows — server-side suggest lists arrive late — and pick it; a plain input: typing is all
        el.fill(value, timeout=timeout * 1000)
        if not self._eval(el, js.IS_COMBOBOX):
            return None
        opt = self.scope().get_by_role("option", name=value, exact=True).filter(visible=True)
        while True:
            self._check_dialog()
            if opt.count():
                opt.first.click(timeout=timeout * 1000)
                return None
            if time.monotonic() >= deadline:
                raise DriverError(f"option {value!r} did not appear in the list of {loc.describe()}",
                                  retryable=False)
            time.sleep(POLL)

    @_step_errors("check")
    def check(self, loc: Locator, on: bool, timeout: float) -> bool | None:
        """Tick or untick; returns the state read back from a kit's hidden input or ARIA state (the step
        compares it), None for a plain checkbox (Playwright's set_checked verifies it itself)."""
        el = self.resolve(loc, timeout)
        token = secrets.token_hex(4)
        st = self._eval(el, js.TOGGLE_STATE, token)
        if st.get("plain") or not st.get("known"):
            el.set_checked(on, timeout=timeout * 1000)
            return None
        return self.check_styled(el, loc, on, st, token, timeout)

    @_step_errors("click")
    def click(self, loc: Locator, timeout: float) -> None:
        self._server_error = None
        try:
            el = self.resolve(loc, timeout)
        except DriverError as e:  # never found: nothing was clicked
            e.nothing_sent = True
            raise
        page = el.page
        try:
            el.click(timeout=timeout * 1000)
        except Exception:
            # a 确定 / 关闭 that closes its own window (a picker, a receipt popup): Playwright may report the
            # closed page although the click happened; the closed window is the click's effect
            if not page.is_closed():
                raise

    @_step_errors("upload")
    def upload(self, loc: Locator, path: Path, timeout: float) -> None:
        if not path.is_file():
            raise DriverError(f"file to upload not found: {path.name}", retryable=False)
        self.resolve(loc, timeout).set_input_files(str(path), timeout=timeout * 1000)

    @_step_errors("key")
    def press(self, keys: str, loc: Locator | None, timeout: float) -> None:
        if loc is not None:
            self.resolve(loc, timeout).press(_chord(keys))
        else:
            self._root().keyboard.press(_chord(keys))

    # --- conditions and reading -----------------------------------------------------------------
    def _pages(self) -> list[Any]:
        return [p for p in [*reversed(self.popups), self.page] if p is not None and not p.is_closed()]

    def _holds(self, cond: Condition) -> bool:
        if cond.text is not None:
            hit = False
            for p in self._pages():
                for fr in p.frames:
                    try:
                        if cond.text in (fr.evaluate("() => document.body ? document.body.innerText : ''") or ""):
                            hit = True
                            break
                    except Exception:
                        continue
                if hit:
                    break
            return hit
        if cond.element is not None:
            found, _, _ = self._try(cond.element)
            return found is not None
        if cond.url is not None:
            return any(cond.url in p.url or re.search(cond.url, p.url) for p in self._pages())
        if cond.window is not None:
            return any(cond.window in (p.title() or "") for p in self._pages())
        return False

    def probe(self, cond: Condition) -> bool:
        self._report_egress()
        self.wait_unmasked(cond, PROBE_MASK_WAIT)  # a page the app is still loading is not judged (_web_mask)
        return self._probe_now(cond)

    def _probe_now(self, cond: Condition) -> bool:
        try:
            return self._holds(cond) != cond.gone
        except DriverError:
            return cond.gone

    @_step_errors("wait for")
    def wait_for(self, cond: Condition, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            self._check_dialog()
            self._report_egress()
            mask = self.mask_over(cond)  # under a loading mask the page is not judged: wait on (_web_mask)
            if mask is None and self._probe_now(cond):
                return
            if self._server_error and not cond.gone:
                raise DriverError(f"the system answered {self._server_error} instead of showing {cond.describe()} "
                                  f"({self.where()})", retryable=False)
            if time.monotonic() >= deadline:
                if mask is not None:
                    raise DriverError(f"{cond.describe()}: the page was still covered by a loading mask ({mask}) "
                                      f"after {timeout:g}s on {self.where()}; what is under a mask is not judged",
                                      retryable=False)
                extra = f"; the last dialog said {self._last_dialog!r}" if self._last_dialog else ""
                raise DriverError(f"{cond.describe()} not shown within {timeout:g}s on {self.where()}{extra}",
                                  retryable=False)
            time.sleep(POLL)

    @_step_errors("read")
    def read(self, spec: ReadSpec, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        while True:
            self._report_egress()
            if spec.element is not None:
                found, _, _ = self._try(spec.element)
                if found is not None:
                    tag = self._eval(found, "e => e.tagName")
                    return found.input_value() if tag in ("INPUT", "TEXTAREA", "SELECT") else found.inner_text()
            elif spec.after is not None:
                for p in self._pages():
                    for fr in p.frames:
                        try:
                            got = fr.evaluate(js.TEXT_AFTER, spec.after)
                        except Exception:
                            got = None
                        if got and (not spec.pattern or re.search(spec.pattern, got)):
                            return str(got)
            if time.monotonic() >= deadline:
                what = f"text after {spec.after!r}" if spec.after else spec.element.describe() if spec.element else "?"
                raise DriverError(f"{what} not found on {self.where()} or its popups")
            time.sleep(POLL)

    def screenshot(self) -> bytes:
        pages = self._pages()
        return pages[0].screenshot(full_page=True) if pages else b""
