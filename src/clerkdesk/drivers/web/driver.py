"""Web driver (Playwright, Chromium family): implements ``clerkdesk.recipe.driver.Driver`` for web systems.

- Launches a system Chrome/Edge/Chromium (``browser.find_browser``) with an app-owned, throw-away profile;
  the login (cookies, local storage) is kept per clerk and system as *encrypted* session state.
- Every request, navigation and WebSocket is checked against the system's origins; anything else is aborted
  and reported (a recipe can never send a citizen's data elsewhere). Below that, the browser's only way out is
  a loopback SOCKS5 proxy that connects to the system's own hosts only (``egress``: workers' WebSockets,
  WebRTC), and service workers are blocked.
- Waits poll often (50 ms); nothing sleeps a fixed time.

``PlaywrightDriver`` implements the steps by composing small collaborators, each with its own state and the
dependencies its constructor names: ``OriginGuard`` (``guard``: routes, WebSockets, the egress proxy of
``egress``), ``SessionStore`` (``session``), ``PageScope`` (``scope``: main page, popups, `window` and `frame`
scopes), ``DialogAnswerer`` (``dialogs``), ``ElementFinder`` (``finder``: a locator to an element) and ``Kits``
(``kits``: Element / Ant Design / iView widgets); the page scripts are in ``js``. It owns the Playwright objects
(browser, context), the network bookkeeping for `open` and the submit guard (``awaiting_system``), the read-back
and the translation of Playwright's errors into the clerk's terms.
"""

from __future__ import annotations

import contextlib
import functools
import re
import secrets
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from clerkdesk.drivers.web import js
from clerkdesk.drivers.web.browser import find_browser, launch_args, no_browser_message
from clerkdesk.drivers.web.dialogs import DialogAnswerer
from clerkdesk.drivers.web.finder import ElementFinder, utf16_units
from clerkdesk.drivers.web.guard import OriginGuard, foreign_pattern
from clerkdesk.drivers.web.kits import Kits
from clerkdesk.drivers.web.mask import PROBE_MASK_WAIT, MaskWatcher
from clerkdesk.drivers.web.multi import MultiSelect
from clerkdesk.drivers.web.range import DateRange
from clerkdesk.drivers.web.scope import POLL, PageScope
from clerkdesk.drivers.web.session import SessionStore
from clerkdesk.drivers.web.tree import TreeSelect
from clerkdesk.recipe.driver import (
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


SETTLE_MAX = 3.0  # seconds `open` waits at most for a single-page app to settle (then the steps' own waits go on)
QUIET = 0.15  # seconds without a request in flight or a loading mask shown that count as "settled"
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
                loc = next((x for x in a if isinstance(x, Locator)), None)  # press(keys, loc, …): not first
                what = loc.describe() if loc is not None else ""
                raise playwright_error(verb, what, self.where(), e, self.finder.last_tried) from None
        return wrapper  # type: ignore[return-value]
    return deco


class PlaywrightDriver:
    """The ``Driver`` for web systems (kind ``"web"``), with frames, popup windows, uploads and the system's
    pending answer (``FramesCapable``, ``WindowsCapable``, ``UploadsFiles``, ``AwaitsSystem``)."""

    kind = "web"
    # Set by a shared browser (``drivers/web/shared.py``): ``close`` keeps the browser, its context and the
    # login open for the next run of the same system and origin; ``shutdown`` ends them.
    keep_open = False
    slot = 0  # its place among the browser windows open at once (cascaded, so no window hides another)

    def __init__(self) -> None:
        self._pw: Any = None
        self._own_pw = True  # False: the Playwright of a shared scope (``shared``), stopped by that scope
        self._lent = False  # True: ``browser`` is a lender's (``shared.Lender``), only the context is this run's
        self.browser: Any = None
        self.context: Any = None
        self.ctx: DriverContext | None = None
        self.guard = OriginGuard()
        self.session: SessionStore | None = None
        self.dialogs = DialogAnswerer()
        self.scope = PageScope(self._check_dialog, self.dialogs.on_dialog)
        self.finder = ElementFinder(self.scope.scope, self._check_dialog, self.scope.where)
        self.kits = Kits(self.scope.scope, self.finder.evaluate, self._check_dialog, self.scope.where)
        # the kits' widgets of more than one value, and the loading masks that hide a page still loading
        self.multi = MultiSelect(self.scope.scope, self.finder.evaluate, self.kits, self._check_dialog)
        self.trees = TreeSelect(self.scope.scope, self.finder.evaluate, self.kits, self._check_dialog)
        self.ranges = DateRange(self.scope.scope, self.finder.evaluate, self.kits, self._check_dialog)
        self.masks = MaskWatcher(self.scope.pages, self.finder.find)
        self._server_error: str | None = None  # set by an error answer since the last action
        self._navigating: set[Any] = set()  # navigation requests sent and not answered (a posted submit)
        self._inflight = 0  # requests of the pages in flight (for `open` on single-page apps)

    @property
    def page(self) -> Any:
        """The system's main page (Playwright ``Page``), None before ``start`` and after ``close``."""
        return self.scope.page

    @property
    def blocked(self) -> list[str]:
        """The foreign origins (and ``host:port`` of refused connections) blocked in this run."""
        return self.guard.blocked

    # --- lifecycle ----------------------------------------------------------------------
    def start(self, ctx: DriverContext) -> None:
        try:
            from playwright.sync_api import sync_playwright
        except ImportError as e:
            raise DriverError("Playwright is not installed: pip install 'clerkdesk[web]'", retryable=False) from e
        if self.context is not None and self.alive():
            self._rebind(ctx)  # a shared browser, still open and logged in: the next matter of its system
            return
        if self._pw is not None:  # a shared browser the clerk closed: end what is left of it first
            with contextlib.suppress(Exception):
                self.shutdown()
        self.ctx = ctx
        self.session = SessionStore(ctx)
        exe = find_browser(ctx.options.get("browser"))
        from clerkdesk.drivers.web.shared import current, lender

        lend = lender()
        if lend is not None:  # a back-office lane's browser: a fresh context on it for this job
            self._pw, self._own_pw, self._lent = lend.playwright(), False, True
            self.browser, egress = lend.lend(
                ctx.system, lambda proxy, marker: self._launch(exe, [*launch_args(proxy), marker], ctx.headless))
            self.guard.adopt(ctx.system, ctx.on_violation, egress)
            try:
                self._open_context(ctx)
            except Exception as e:  # the lent browser died under us: the lender replaces it for the next job
                lend.unhealthy = f"opening a context failed: {str(e).splitlines()[0] if str(e) else e}"
                self.guard.close()
                self._pw = self.browser = self.context = None
                raise DriverError(f"the browser did not open a window: {str(e).splitlines()[0] if str(e) else e}",
                                  retryable=True) from None
            return
        proxy = self.guard.open(ctx.system, ctx.on_violation)
        pool = current()  # a thread runs one Playwright: a shared scope's, else this driver's own
        self._own_pw = pool is None
        self._pw = sync_playwright().start() if pool is None else pool.playwright()
        args = launch_args(proxy)
        if not ctx.headless:  # cascade the windows open at once: each one's title bar and login form stay visible
            args.append(f"--window-position={40 + 64 * (self.slot % 8)},{24 + 48 * (self.slot % 8)}")
        try:
            self.browser = self._launch(exe, args, ctx.headless)
        except DriverError:
            if self._own_pw:
                self._pw.stop()
            self._pw = None
            self.guard.close()
            raise
        # before the context: the label engine that lets Playwright's `fill` find a field by its label itself
        if self._own_pw:
            self._pw.selectors.register(js.LABEL_ENGINE, js.FILL_ENGINE, content_script=True)
        self._open_context(ctx)

    def _launch(self, exe: str | None, args: list[str], headless: bool) -> Any:
        """Launch the browser with this thread's Playwright; a browser that does not start is a DriverError."""
        try:
            return self._pw.chromium.launch(headless=headless, executable_path=exe, args=args)
        except Exception as e:
            msg = no_browser_message() if exe is None else f"the browser {exe} did not start: {str(e).splitlines()[0]}"
            raise DriverError(msg, retryable=False) from None

    def _open_context(self, ctx: DriverContext) -> None:
        """A new browser context on ``browser`` (this driver's own, or one lent to it) with the clerk's kept
        login, the origin guard's routes, the main page and its handlers."""
        assert self.browser is not None and self.session is not None
        state = self.session.load()
        self.context = self.browser.new_context(storage_state=state, locale="zh-CN", service_workers="block",
                                                viewport={"width": 1280, "height": 860})
        self.context.route(foreign_pattern(ctx.system.origins), self.guard.route)
        self.context.route_web_socket(lambda url: True, self.guard.web_socket)
        page = self.scope.page = self.context.new_page()
        page.on("dialog", self.dialogs.on_dialog)
        page.on("response", self._on_response)
        self.context.on("page", self.scope.on_page)  # popups (after the main page, which has its handler)
        self.context.on("request", self._on_request)
        self.context.on("requestfinished", self._on_request_done)
        self.context.on("requestfailed", self._on_request_done)

    def alive(self) -> bool:
        """Whether the browser and the system's main page are still open (the clerk may have closed them)."""
        try:
            return bool(self.browser is not None and self.browser.is_connected() and self.page is not None
                        and not self.page.is_closed())
        except Exception:
            return False

    def _rebind(self, ctx: DriverContext) -> None:
        """Hand the open browser to the next run of the same system and origin: its login and main page stay,
        what belonged to the last run (popups, frame and window scopes, armed dialogs, reports) is cleared."""
        self.ctx = ctx
        self.session = SessionStore(ctx)
        self.guard.on_violation = ctx.on_violation
        self.guard.blocked = []
        for p in self.scope.popups:
            with contextlib.suppress(Exception):
                if not p.is_closed():
                    p.close()
        self.scope.popups, self.scope.frame_stack, self.scope.windows = [], [], []
        self.dialogs.arm_none()
        self._server_error = None
        self._navigating.clear()

    def window(self) -> dict[str, Any]:
        """The browser window a person should act in, as the clerk sees it: its place among the windows open at
        once (1 = the first, top left; they are cascaded) and its title; the shells put it in words."""
        try:
            title = self.page.title() if self.page is not None else ""
        except Exception:
            title = ""
        return {"order": self.slot % 8 + 1, "title": title}

    def close(self) -> None:
        """End the run's use of the browser: a shared browser (``keep_open``) only saves its login and stays
        open for the next matter of the system; otherwise everything is closed (``shutdown``)."""
        if self.keep_open and self.alive():
            with contextlib.suppress(Exception):  # a login that cannot be saved only costs a login next time
                if self.session is not None:
                    self.session.save(self.context)
            return
        self.shutdown()

    def shutdown(self) -> None:
        """Save the login and close the browser, whatever ``keep_open`` says (the end of a shared browser). A lent
        browser (``shared.Lender``) stays open: only this job's context is closed."""
        if self._lent:
            try:
                if self.context is not None:
                    with contextlib.suppress(Exception):  # a login not saved only costs a login next time
                        if self.session is not None:
                            self.session.save(self.context)
                    with contextlib.suppress(Exception):  # a dead browser's context is gone with it
                        self.context.close()
            finally:
                self._pw = self.browser = self.context = self.scope.page = None
                self._lent = False
                self.guard.close()
            return
        try:
            if self.context is not None:
                if self.session is not None:
                    self.session.save(self.context)
                self.context.close()
            if self.browser is not None:
                self.browser.close()
        finally:
            if self._pw is not None and self._own_pw:
                self._pw.stop()
            self._pw = self.browser = self.context = self.scope.page = None
            self.guard.close()

    def _check_dialog(self) -> None:
        """Between polls: report what the egress proxy refused, raise what went wrong with a dialog."""
        self.guard.report_egress()
        self.dialogs.raise_problem()

    def where(self) -> str:
        return self.scope.where()

    def resolve(self, loc: Locator, timeout: float, want: str | None = None) -> Any:
        """The element LOC finds, with the strategies and the waiting of a step: for tools that report what a
        locator found (the recipe test's report). WANT: the option a `choose` looks for."""
        return self.finder.resolve(loc, timeout, want)

    # --- scopes and dialogs: the page scope's and the dialog answerer's -------------------------
    def enter_frame(self, frame: Locator) -> None:
        self.scope.enter_frame(frame)

    def leave_frame(self) -> None:
        self.scope.leave_frame()

    def enter_window(self, title: str | None, url: str | None, timeout: float) -> None:
        self.scope.enter_window(title, url, timeout)

    def leave_window(self) -> None:
        self.scope.leave_window()

    def arm_dialog(self, accept: bool, text: str | None, prompt: str | None) -> None:
        self.dialogs.arm(accept, text, prompt)

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
        waiting for a slow system after a submit instead of calling its answer missing. A browser that is gone
        (killed, crashed) waits for nothing: its page load will never end, and the answer, if any, went to a dead
        process — the engine must stop waiting at once and make the submit uncertain, not wait out the clerk's
        patience (a back-office worker's five minutes) for a page that cannot come."""
        if not self._navigating:
            return False
        try:
            return bool(self.browser is not None and self.browser.is_connected())
        except Exception:
            return False

    def _settle(self, limit: float) -> None:
        """A single-page app renders after its document has loaded: fetches its data, shows a loading mask, then
        the page. Wait until no request has been in flight and no loading mask shown for QUIET seconds, at
        most LIMIT (an app that polls the server never goes quiet: then the steps' own waits take over), so
        that what `human … until` and the first steps see is the rendered app, not its shell. A page that is
        quiet at the first look (server-rendered) costs one round trip."""
        root = self.scope.root()
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

    # --- actions ---------------------------------------------------------------------------------
    def open(self, where: str, timeout: float) -> None:
        self._server_error = None
        self._check_dialog()
        try:
            resp = self.scope.root().goto(where, wait_until="domcontentloaded", timeout=timeout * 1000)
        except Exception as e:
            first = str(e).splitlines()[0]
            if "ERR_BLOCKED_BY_CLIENT" in first:
                raise DriverError(f"navigation to {origin_of(where)} was stopped: not an origin of this system",
                                  retryable=False) from None
            raise SystemUnavailable(f"{origin_of(where)} does not answer ({first[:160]})") from None
        if resp is not None and resp.status >= 500:
            raise SystemUnavailable(f"the system answered HTTP {resp.status} for {where}")
        self._settle(min(timeout, SETTLE_MAX))

    def _fill_by_label(self, loc: Locator, value: str, timeout: float) -> str | None:
        """Fill by label in two round trips: ``_by_label``, then one call reads the value back and leaves it."""
        found = self.finder.by_label(loc, "fill", value, timeout)
        return None if found is None else self._read_back(found, loc, timeout)

    def _read_back(self, el: Any, loc: Locator, timeout: float) -> str:
        """What the field holds after typing, leaving it (one round trip); a kit date picker is committed and its
        panel closed first, so that it covers nothing and the value read is the one the page took."""
        got = self.finder.evaluate(el, READ_BACK)
        if isinstance(got, dict):
            self.kits.settle_picker(el, loc, timeout)
            got = self.finder.evaluate(el, READ_BACK_LEAVE)
        return str(got)

    @_step_errors("fill")
    def fill(self, loc: Locator, value: str, timeout: float) -> str:
        if loc.label:
            got = self._fill_by_label(loc, value, timeout)
            if got is not None:
                return got
        el = self.finder.resolve(loc, timeout)
        if self.ranges.is_range(el):  # a kit date range: start and end typed and committed, panel closed
            return self.ranges.fill_range(el, loc, value, timeout)
        info = self.finder.describe(el)
        tag, readonly = info["tag"], info["readonly"]
        if tag == "SELECT":
            raise DriverError(f"{loc.describe()} is a select: use choose", retryable=False)
        if readonly:  # what no person could type is not typed: the page would not expect it (issue 15)
            if not info.get("disabled") and self.finder.evaluate(el, js.IS_PICKER):
                return self.kits.pick_date(el, loc, value, timeout)  # a kit calendar: clicked, as a person does
            if info.get("disabled"):
                raise DriverError(f"{loc.describe()} is disabled on the page: ClerkDesk does not type into a field "
                                  "the page has switched off", retryable=False)
            raise DriverError(f"{loc.describe()} is read-only on the page: ClerkDesk types only where a person can; "
                              "a list or picker that opens when clicked is set with choose", retryable=False)
        limit = int(info.get("maxlength", -1))
        if 0 <= limit < utf16_units(value):  # the browser would cut it silently: nothing is typed (issue 15)
            raise DriverError(f"the value has {utf16_units(value)} characters but {loc.describe()} on the page takes at "
                              f"most {limit} (its maxlength): the page would cut it, so nothing was typed. Shorten it in "
                              "the record (a case field's `maxlength:` in the recipe makes the plan say so before "
                              "any system is touched)", retryable=False, nothing_sent=True)
        el.fill(value, timeout=timeout * 1000)
        # read back and leave the field in one round trip (blur fires the page's own change/validation)
        return self._read_back(el, loc, timeout)

    @_step_errors("choose")
    def choose(self, loc: Locator, value: str, timeout: float) -> str | None:
        """Pick VALUE; returns what a kit field shows afterwards (the step compares it), None for native
        controls (the browser itself holds their state, and Playwright checks it)."""
        if loc.label and self.finder.by_label(loc, "select_option", value, timeout) is not None:
            return None  # a select whose wanted option is there: Playwright found and chose it in one round trip
        el = self.finder.resolve(loc, timeout, want=value)
        info = self.finder.describe(el)
        tag, typ = info["tag"], info["type"]
        deadline = time.monotonic() + timeout
        if tag == "SELECT":
            st = info.get("option")  # the label search looked already
            while True:  # cascading selects fill their options late: wait for the wanted option itself
                began = time.monotonic()
                if st is None:
                    st = self.finder.evaluate(el, js.OPTION_STATE, value)
                if "value" in st and not st.get("disabled"):
                    if st.get("ambiguous"):  # another option's text is this value: pick this very option
                        el.select_option(index=st["index"], timeout=timeout * 1000)
                    else:
                        el.select_option(value=st["value"], timeout=timeout * 1000)
                    return None
                if began >= deadline:
                    raise DriverError(f"option {value!r} did not appear in {loc.describe()} "
                                      f"(it has {st.get('count', 0)} options)", retryable=False)
                st = None
                time.sleep(POLL)
        if typ in ("radio", "checkbox"):
            token = secrets.token_hex(4)
            while True:
                began = time.monotonic()
                res = self.finder.evaluate(el, js.RADIO_PICK, {"want": value, "token": token})
                if res.get("ok"):
                    target = self.scope.scope().locator(f"[data-clerkdesk-radio='{token}']")
                    if res.get("plain"):
                        target.check(timeout=timeout * 1000)
                        return None
                    # a kit's styled radio: click what is shown, then read the real input's state back
                    if not res.get("checked"):
                        target.click(timeout=timeout * 1000)
                    real = self.scope.scope().locator(f"[data-clerkdesk-radio-in='{token}']")
                    while True:
                        looked = time.monotonic()
                        if real.evaluate("e => e.checked"):
                            return None
                        if looked >= deadline:
                            raise DriverError(f"clicked {value!r} in {loc.describe()} but it did not become "
                                              "selected", retryable=True)
                        time.sleep(POLL)
                if began >= deadline:
                    raise DriverError(f"no choice {value!r} in {loc.describe()} "
                                      f"(choices: {', '.join(res.get('options', []))})")
                time.sleep(POLL)
        kit, token = self.kits.kit_info(el)
        if kit["kit"] and kit["multiple"]:  # tags in the field: exactly the wanted items (web/multi.py)
            return self.multi.choose_multi(el, loc, value, timeout)
        if kit["kit"] and self.trees.maybe_tree(el, kit, value):  # a tree in the popper, walked by path
            return self.trees.choose_tree(el, loc, value, kit, token, timeout)
        if kit["kit"]:  # a component kit's select or cascader: its list is a popper somewhere in <body>
            return self.kits.choose_kit(el, loc, value, kit, token, timeout)
        # a combobox (ARIA role=combobox, aria-autocomplete …): type the value, then wait for its option in the
        # list the page shows — server-side suggest lists arrive late — and pick it; a plain input: typing is all
        el.fill(value, timeout=timeout * 1000)
        if not self.finder.evaluate(el, js.IS_COMBOBOX):
            return None
        opt = self.scope.scope().get_by_role("option", name=value, exact=True).filter(visible=True)
        while True:
            began = time.monotonic()
            self._check_dialog()
            if opt.count():
                opt.first.click(timeout=timeout * 1000)
                return None
            if began >= deadline:
                raise DriverError(f"option {value!r} did not appear in the list of {loc.describe()}",
                                  retryable=False)
            time.sleep(POLL)

    @_step_errors("check")
    def check(self, loc: Locator, on: bool, timeout: float) -> bool | None:
        """Tick or untick; returns the state read back from a kit's hidden input or ARIA state (the step
        compares it), None for a plain checkbox (Playwright's set_checked verifies it itself)."""
        el = self.finder.resolve(loc, timeout)
        token = secrets.token_hex(4)
        st = self.finder.evaluate(el, js.TOGGLE_STATE, token)
        if st.get("plain") or not st.get("known"):
            el.set_checked(on, timeout=timeout * 1000)
            return None
        return self.kits.check_styled(el, loc, on, st, token, timeout)

    @_step_errors("click")
    def click(self, loc: Locator, timeout: float) -> None:
        self._server_error = None
        try:
            el = self.finder.resolve(loc, timeout)
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
        self.finder.resolve(loc, timeout).set_input_files(str(path), timeout=timeout * 1000)

    @_step_errors("key")
    def press(self, keys: str, loc: Locator | None, timeout: float) -> None:
        if loc is not None:
            self.finder.resolve(loc, timeout).press(_chord(keys))
        else:
            self.scope.root().keyboard.press(_chord(keys))

    # --- conditions and reading -----------------------------------------------------------------
    def _holds(self, cond: Condition) -> bool:
        if cond.text is not None:
            hit = False
            for p in self.scope.pages():
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
            found, _, _ = self.finder.find(cond.element)
            return found is not None
        if cond.url is not None:
            return any(cond.url in p.url or re.search(cond.url, p.url) for p in self.scope.pages())
        if cond.window is not None:
            return any(cond.window in (p.title() or "") for p in self.scope.pages())
        return False

    def probe(self, cond: Condition) -> bool:
        self.guard.report_egress()
        self.masks.wait_unmasked(cond, PROBE_MASK_WAIT)  # a page the app is still loading is not judged
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
            began = time.monotonic()  # the polling rule: "not shown" only after a look begun at the deadline
            self._check_dialog()
            self.guard.report_egress()
            mask = self.masks.mask_over(cond)  # under a loading mask the page is not judged: wait on (web/mask.py)
            if mask is None and self._probe_now(cond):
                return
            if self._server_error and not cond.gone:
                raise DriverError(f"the system answered {self._server_error} instead of showing {cond.describe()} "
                                  f"({self.where()})", retryable=False)
            if began >= deadline:
                if mask is not None:
                    raise DriverError(f"{cond.describe()}: the page was still covered by a loading mask ({mask}) "
                                      f"after {timeout:g}s on {self.where()}; what is under a mask is not judged",
                                      retryable=False)
                extra = f"; the last dialog said {self.dialogs.last!r}" if self.dialogs.last else ""
                raise DriverError(f"{cond.describe()} not shown within {timeout:g}s on {self.where()}{extra}",
                                  retryable=False)
            time.sleep(POLL)

    @_step_errors("read")
    def read(self, spec: ReadSpec, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        while True:
            began = time.monotonic()
            self.guard.report_egress()
            if spec.element is not None:
                found, _, _ = self.finder.find(spec.element)
                if found is not None:
                    tag = self.finder.evaluate(found, "e => e.tagName")
                    return found.input_value() if tag in ("INPUT", "TEXTAREA", "SELECT") else found.inner_text()
            elif spec.after is not None:
                for p in self.scope.pages():
                    for fr in p.frames:
                        try:
                            got = fr.evaluate(js.TEXT_AFTER, spec.after)
                        except Exception:
                            got = None
                        if got and (not spec.pattern or re.search(spec.pattern, got)):
                            return str(got)
            if began >= deadline:
                what = f"text after {spec.after!r}" if spec.after else spec.element.describe() if spec.element else "?"
                raise DriverError(f"{what} not found on {self.where()} or its popups")
            time.sleep(POLL)

    def screenshot(self) -> bytes:
        pages = self.scope.pages()
        return pages[0].screenshot(full_page=True) if pages else b""
