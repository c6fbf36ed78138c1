"""One browser, one login per system: the web drivers of a clerk's session, shared between its matters.

Two matters of the same system in one case (人社 就业登记 and 参保登记) used to open two browser windows and ask
for two logins and two captchas. Within a *shared scope* (``shared_browsers()``: one CLI ``fill``, one lane of
the app — see ``SystemLanes``) the web driver of a (clerk, system, origin) stays open after its run
(``PlaywrightDriver.keep_open``) and the next run of that system gets the same driver: the same browser
context, its cookies, its main page, i.e. the same login. A run against a training server (another origin) gets
its own browser and its own login.

Playwright's sync API belongs to the thread that started it, and a thread can run one Playwright at a time; so
a scope is per thread, holds that thread's one Playwright (each driver launches its own browser with it), and
the app runs all matters of one system in one thread (a *lane*), one after another. That is also what the
systems need: many keep one form state per session (the sandbox 人社 rotates a form token per submit), so two
forms of one login must not be filled at the same moment (see ``hall.queue._system_lock``).
"""

from __future__ import annotations

import contextlib
import queue
import secrets
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import AbstractContextManager
from typing import Any

from clerkdesk.recipe.systems import origin_of

_local = threading.local()


def share_key(clerk: str, system: Any, headless: bool) -> tuple[str, str, str, bool]:
    """Which runs may share a browser: the same clerk, system id, origin (production vs training) and mode."""
    return (clerk, system.id, origin_of(system.start_url) if system.start_url else "", headless)


class SharedBrowsers:
    """The open web drivers of one thread, by ``share_key``, and the thread's one Playwright."""

    def __init__(self) -> None:
        self.drivers: dict[tuple[str, str, str, bool], Any] = {}
        self._pw: Any = None
        self._slots = 0

    def playwright(self) -> Any:
        """This thread's Playwright, started on first use, with ClerkDesk's selector engines registered once."""
        if self._pw is None:
            from playwright.sync_api import sync_playwright

            from clerkdesk.drivers.web import js

            self._pw = sync_playwright().start()
            self._pw.selectors.register(js.LABEL_ENGINE, js.FILL_ENGINE, content_script=True)
        return self._pw

    def driver_for(self, key: tuple[str, str, str, bool], make: Callable[[], Any]) -> Any:
        """The driver kept for KEY (a new one from MAKE the first time, or when the clerk closed its window). A
        driver that cannot be kept open (not a web driver: a test's fake) is returned as it is, not kept."""
        d = self.drivers.get(key)
        if d is not None and not d.alive():
            with contextlib.suppress(Exception):
                d.shutdown()
            self.drivers.pop(key, None)
            d = None
        if d is None:
            d = make()
            if not hasattr(d, "keep_open"):
                return d
            d.keep_open = True
            d.slot = self._slots
            self._slots += 1
            self.drivers[key] = d
        return d

    def close(self) -> None:
        """Close every browser (their logins are saved) and stop the thread's Playwright."""
        for d in list(self.drivers.values()):
            with contextlib.suppress(Exception):
                d.shutdown()
        self.drivers.clear()
        if self._pw is not None:
            with contextlib.suppress(Exception):
                self._pw.stop()
            self._pw = None


def current() -> SharedBrowsers | None:
    """The shared scope of this thread, if one is open."""
    return getattr(_local, "pool", None)


@contextlib.contextmanager
def shared_browsers() -> Iterator[SharedBrowsers]:
    """Share web drivers between the runs made in this block, on this thread (nested blocks share the outer
    one); at its end every browser is closed."""
    outer = current()
    if outer is not None:
        yield outer
        return
    pool = _local.pool = SharedBrowsers()
    try:
        yield pool
    finally:
        _local.pool = None
        pool.close()


class _Lane:
    """One thread that runs the jobs of one system, in turn, inside a shared scope kept open between them."""

    def __init__(self, name: str) -> None:
        self.jobs: queue.Queue[tuple[Callable[[], Any], Future[Any]] | None] = queue.Queue()
        self.running = 0  # jobs submitted and not finished (the one running included)
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._loop, name=f"clerkdesk-web-{name}", daemon=True)
        self.thread.start()

    def _loop(self) -> None:
        with self._scope():
            self._serve()

    def _scope(self) -> AbstractContextManager[Any]:
        """What the lane's thread holds while it serves (here: the thread's shared browsers)."""
        return shared_browsers()

    def _serve(self) -> None:
        while True:
            item = self.jobs.get()
            if item is None:
                return
            fn, fut = item
            try:
                if fut.set_running_or_notify_cancel():
                    try:
                        fut.set_result(fn())
                    except BaseException as e:  # handed to the waiting job, never lost in this thread
                        fut.set_exception(e)
            finally:
                with self.lock:
                    self.running -= 1

    def submit(self, fn: Callable[[], Any]) -> tuple[Future[Any], bool]:
        """Queue FN; returns its future and whether another job of this system was there first (it waits)."""
        fut: Future[Any] = Future()
        with self.lock:
            waits = self.running > 0
            self.running += 1
        self.jobs.put((fn, fut))
        return fut, waits

    def stop(self, timeout: float) -> None:
        self.jobs.put(None)
        self.thread.join(timeout)


class SystemLanes:
    """The app's lanes: matters of one system (and origin) run one after another in one thread, sharing its
    browser and its login; different systems run side by side."""

    def __init__(self) -> None:
        self._lanes: dict[str, _Lane] = {}
        self._lock = threading.Lock()

    def submit(self, lane: str, fn: Callable[[], Any]) -> tuple[Future[Any], bool]:
        with self._lock:
            ln = self._lanes.get(lane)
            if ln is None:
                ln = self._lanes[lane] = _Lane(str(len(self._lanes) + 1))
        return ln.submit(fn)

    def stop(self, timeout: float = 10.0) -> None:
        """Close every lane's browsers (at the end of the clerk's session, when the app quits)."""
        with self._lock:
            lanes, self._lanes = list(self._lanes.values()), {}
        for ln in lanes:
            ln.stop(timeout)


LANES = SystemLanes()  # the app's, one per process


def lane_key(system: Any) -> str:
    """The lane of SYSTEM's runs: its id and origin (a training server is another lane, another login)."""
    return f"{system.id}@{origin_of(system.start_url) if system.start_url else ''}"


# --- a browser lent to one job after another (the back office) -------------------------------------------------
class Lender:
    """One Chromium, kept open in one thread, lent to the driver of each job run in that thread.

    A back-office worker (``hall/browsers.py``) runs the jobs of one system lane one after another; launching a
    browser per job cost it a second or more of every fill. With a lender set on the thread (``lending``), the web
    driver borrows this browser and opens a fresh *context* on it per job (``PlaywrightDriver._open_context``):
    nothing of one citizen's job (pages, form state, dialogs) is left for the next, while the clerk's login is
    carried the usual way (the sealed session state, loaded into each new context). The browser's egress proxy
    belongs to the lender too, for the browser's life (a lane is one system and origin: the same origins).

    ``pid`` is the browser's main process, found by a marker switch on its command line through ``/proc``
    (Linux only; elsewhere None, and only Playwright's connection tells a dead browser). ``unhealthy`` is set by
    a watchdog (another thread, ``hall/browsers.py``): the next ``lend`` then replaces the browser.
    """

    def __init__(self, name: str = "lane") -> None:
        self.name = name
        self.marker = f"--clerkdesk-lender={secrets.token_hex(8)}"
        self.pid: int | None = None
        self.launches = 0
        self.replaced: list[str] = []  # why each earlier browser was replaced
        self.unhealthy = ""  # set by a watchdog: the next lend replaces the browser
        self._pw: Any = None
        self._browser: Any = None
        self._egress: Any = None

    def playwright(self) -> Any:
        """This thread's Playwright, with ClerkDesk's selector engines registered once."""
        if self._pw is None:
            from playwright.sync_api import sync_playwright

            from clerkdesk.drivers.web import js

            self._pw = sync_playwright().start()
            self._pw.selectors.register(js.LABEL_ENGINE, js.FILL_ENGINE, content_script=True)
        return self._pw

    def problem(self) -> str:
        """Why the browser cannot be lent again ('' when it can)."""
        if self.unhealthy:
            return self.unhealthy
        state = process_state(self.pid)
        if state in ("gone", "Z", "X"):
            return "the browser process is gone"
        if state == "T":
            return "the browser process is stopped"
        try:
            if not self._browser.is_connected():
                return "the browser disconnected"
        except Exception:
            return "the browser does not answer"
        return ""

    def lost(self) -> str:
        """Why the browser lent last is no longer usable (killed, crashed, stopped, disconnected); '' when it is
        well or none was lent."""
        return self.problem() if self._browser is not None else ""

    def lend(self, system: Any, launch: Callable[[str, str], Any]) -> tuple[Any, Any]:
        """The browser (launched now by LAUNCH(proxy, marker) when there is none or the last one is unwell) and
        its egress proxy, which the driver's origin guard adopts for the job."""
        if self._browser is not None:
            why = self.problem()
            if why:
                self.discard(why)
        if self._browser is None:
            from clerkdesk.config import upstream_proxy
            from clerkdesk.drivers.web.egress import EgressProxy

            self._egress = EgressProxy(system.origins, upstream=upstream_proxy())
            try:
                self._browser = launch(self._egress.server, self.marker)
            except BaseException:
                self._egress.close()
                self._egress = None
                raise
            self.launches += 1
            self.unhealthy = ""
            self.pid = find_pid(self.marker)
        return self._browser, self._egress

    def kill(self) -> None:
        """SIGKILL the browser's process (a hung or stopped browser answers nothing, not even ``close``).
        Linux: through ``/proc``; elsewhere nothing can be done here (the caller's ``close`` must do)."""
        if self.pid is not None and process_state(self.pid) not in ("gone", "Z", "X"):
            import os
            import signal

            with contextlib.suppress(OSError):
                os.kill(self.pid, signal.SIGKILL)

    def discard(self, why: str) -> None:
        """End this browser (killed first when it is stopped or hung); the next ``lend`` launches another."""
        self.replaced.append(why)
        if process_state(self.pid) == "T" or "stopped" in why or "hung" in why:
            self.kill()
        browser, self._browser = self._browser, None
        if browser is not None:
            with contextlib.suppress(Exception):
                browser.close()
        self.kill()  # whatever is left of it
        if self._egress is not None:
            self._egress.close()
            self._egress = None
        self.pid = None

    def close(self) -> None:
        if self._browser is not None:
            self.discard("closed")
            self.replaced.pop()
        if self._pw is not None:
            with contextlib.suppress(Exception):
                self._pw.stop()
            self._pw = None


def lender() -> Lender | None:
    """The lender of this thread, if one is set (``lending``)."""
    return getattr(_local, "lender", None)


@contextlib.contextmanager
def lending(lend: Lender) -> Iterator[Lender]:
    """Web drivers started on this thread in this block borrow LEND's browser; it stays open after the block."""
    _local.lender = lend
    try:
        yield lend
    finally:
        _local.lender = None


def process_state(pid: int | None) -> str:
    """The state letter of process PID from ``/proc/PID/stat`` (R, S, D, T stopped, Z zombie …), "gone" when it
    does not exist, "" when it cannot be known (no PID; not Linux)."""
    if pid is None:
        return ""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            stat = f.read()
    except FileNotFoundError:
        return "gone"
    except OSError:
        return ""
    return stat[stat.rfind(b")") + 2:][:1].decode() or ""


def find_pid(marker: str) -> int | None:
    """The main process of the browser launched with MARKER on its command line (its helpers carry
    ``--type=``); None when there is no ``/proc`` (not Linux) or it is not found."""
    import os

    if not os.path.isdir("/proc"):
        return None
    want = marker.encode()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                args = f.read().split(b"\0")
        except OSError:
            continue
        if want in args and not any(a.startswith(b"--type=") for a in args):
            return int(entry)
    return None
