"""The Driver protocol: the small surface every target-system adapter implements, and the optional capabilities.

Step meanings live in the core (``clerkdesk.recipe.steps``) and call only this
protocol, so one recipe vocabulary works for web pages (Playwright) and legacy
desktop clients (screen OCR + keyboard/mouse). A driver raises ``DriverError``
with what it tried; the engine adds the recipe, step and file:line:col.

``Driver`` is what *every* driver does. What only some systems have — frames, popup windows, file uploads, a
page load still waiting for the system — is an optional capability protocol (``FramesCapable``,
``WindowsCapable``, ``UploadsFiles``, ``AwaitsSystem``): a driver implements it or not, and nobody writes stubs
that raise "not supported". A step type names the capability it needs (``StepType.needs``); the engine checks
the system's driver with ``isinstance`` before the first step and says which step needs what the driver lacks.
This is the one import path for all of it (the engine, the drivers and the steps import it from here).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Protocol, runtime_checkable


@dataclass(frozen=True)
class Locator:
    """How to find one element (web) or one field/button (desktop screen).

    Exactly one of the primary keys is normally given: ``label`` (the input that
    belongs to a visible label, incl. table layouts where the label is a
    neighbouring cell; on desktop, the box beside an OCR'd label), ``role`` +
    ``name``, ``placeholder``, ``text`` (visible text), ``css``, ``xpath``,
    ``image`` (desktop: a template picture). ``nth`` picks among several
    matches (0-based); ``within`` scopes to an area (web: a CSS selector of a
    container; desktop: ``"x0,y0,x1,y1"`` as fractions of the window);
    ``offset`` (desktop) is an explicit ``(dx, dy)`` from the label box instead
    of looking for the input beside it. ``row`` (web) scopes to the table row or
    list item that has an element whose whole text is this (``{role: button,
    name: 办理, row: 张三}``); alone, it is that row or item itself.
    """

    label: str | None = None
    role: str | None = None
    name: str | None = None
    placeholder: str | None = None
    text: str | None = None
    css: str | None = None
    xpath: str | None = None
    image: str | None = None
    nth: int | None = None
    exact: bool = False
    within: str | None = None
    offset: tuple[int, int] | None = None
    row: str | None = None

    def describe(self) -> str:
        parts = []
        for f in fields(self):
            v = getattr(self, f.name)
            if v not in (None, False):
                parts.append(f"{f.name}={v!r}" if f.name not in ("label", "text") else f"{f.name} {v}")
        return ", ".join(parts) or "(empty locator)"


@dataclass(frozen=True)
class Condition:
    """Something to wait for or test: text shown, an element present, a URL, a window."""

    text: str | None = None
    element: Locator | None = None
    url: str | None = None
    window: str | None = None
    gone: bool = False  # wait for it to disappear instead

    def describe(self) -> str:
        what = (
            f"text {self.text!r}" if self.text is not None
            else f"element {self.element.describe()}" if self.element is not None
            else f"URL {self.url!r}" if self.url is not None
            else f"window {self.window!r}" if self.window is not None
            else "nothing"
        )
        return f"{what} to disappear" if self.gone else what


@dataclass(frozen=True)
class ReadSpec:
    """What ``capture`` reads: the text after a label (``after``), an element, optionally a regex."""

    after: str | None = None
    element: Locator | None = None
    pattern: str | None = None


@dataclass
class DriverContext:
    """What a driver is told when a run starts on one system."""

    system: Any  # clerkdesk.recipe.systems.System
    home: Path  # the app's data folder (browser profiles, layout caches)
    clerk: str
    headless: bool = True
    on_violation: Any = None  # callable(str) for reports of blocked foreign requests
    options: dict[str, Any] = field(default_factory=dict)


class DriverError(Exception):
    """A driver could not do what a step asked. ``tried`` lists the strategies attempted.

    ``nothing_sent`` is the driver's promise that no input reached the system for this call (the button was
    never found, the window never focused): the submit guard then knows a failed submit was *not* clicked. A
    driver that cannot be sure leaves it False, and a failed submit is then "uncertain" (the clerk checks).
    """

    def __init__(self, message: str, tried: list[str] | None = None, *, retryable: bool = True,
                 evidence: bytes | None = None, nothing_sent: bool = False):
        self.message = message
        self.tried = list(tried or [])
        self.retryable = retryable
        self.evidence = evidence  # a PNG (e.g. screenshot with OCR boxes drawn), if the driver made one
        self.nothing_sent = nothing_sent
        super().__init__(message)


class Patience:
    """How long a driver looks at a system's screen for something, and the one rule of every such poll: "not
    there" is said only after a look that *began* at or after the deadline. A look that began in time but took
    long (an OCR of the window on a CPU shared with other work, the OCR models still loading, a client starved
    of CPU painting late) does not use up the wait: one more look follows, so a timeout always means "the screen
    did not show it for TIMEOUT seconds", never "we were still reading an older picture".

    ``for _ in Patience(timeout).looks(interval): ...`` — each turn is one look; the loop ends (without a
    ``break``) once a look that began at or after the deadline is done. CLOCK and SLEEP are for tests."""

    def __init__(self, timeout: float, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.clock, self.sleep = clock, sleep
        self.end = clock() + timeout

    def looks(self, interval: float) -> Iterator[int]:
        """Look numbers 0, 1, …; between looks a pause of INTERVAL, never reaching past the deadline."""
        n = 0
        while True:
            began = self.clock()
            yield n
            if began >= self.end:
                return
            pause = min(interval, self.end - self.clock())
            if pause > 0:
                self.sleep(pause)
            n += 1

    def left(self) -> float:
        return max(0.0, self.end - self.clock())


class SystemUnavailable(DriverError):
    """The target system does not answer (down, refused, HTTP 5xx on open)."""


@runtime_checkable
class Driver(Protocol):
    """One target system's adapter: what every driver does. Timeouts are seconds. Every call may raise DriverError."""

    kind: str  # "web" or "desktop"

    def start(self, ctx: DriverContext) -> None: ...
    def close(self) -> None: ...

    def open(self, where: str, timeout: float) -> None:
        """Web: go to a URL or a path relative to the system's start URL. Desktop: focus (or start) the window titled WHERE."""

    def fill(self, loc: Locator, value: str, timeout: float) -> str:
        """Enter VALUE into the field; returns what the field holds afterwards (read-back)."""

    def choose(self, loc: Locator, value: str, timeout: float) -> str | None:
        """Select VALUE (an option's value or visible text) in a select/radio group/combobox; waits for the option itself to appear.
        Returns what the field shows afterwards when the driver can read it (a component kit's select or cascader;
        the step compares it with VALUE), else None."""

    def check(self, loc: Locator, on: bool, timeout: float) -> bool | None:
        """Tick or untick; returns the state read back when the driver reads it separately (the step compares it), else None."""
    def click(self, loc: Locator, timeout: float) -> None: ...
    def press(self, keys: str, loc: Locator | None, timeout: float) -> None:
        """Press a key or chord such as ``F2`` or ``ctrl+s`` (in LOC if given)."""

    def wait_for(self, cond: Condition, timeout: float) -> None:
        """Return when COND holds; raise DriverError naming it on timeout. Polls often; never a fixed sleep."""

    def probe(self, cond: Condition) -> bool:
        """Does COND hold right now? (for ``when``)."""

    def read(self, spec: ReadSpec, timeout: float) -> str: ...
    def screenshot(self) -> bytes:
        """A PNG of what the clerk would see now (page or window)."""

    def arm_dialog(self, accept: bool, text: str | None, prompt: str | None) -> None:
        """Answer the next JS dialog / modal box (accept or dismiss); a later step checks it happened."""

    def where(self) -> str:
        """A short description of the current place (URL or window title) for messages."""


# --- optional capabilities: a driver has them or not; the engine asks with isinstance ----------------------------

@runtime_checkable
class UploadsFiles(Protocol):
    """Puts a file into a file input (web). A desktop client's file dialog is filled like any other form."""

    def upload(self, loc: Locator, path: Path, timeout: float) -> None: ...


@runtime_checkable
class FramesCapable(Protocol):
    """Scopes the next steps to a frame or iframe of the page (web)."""

    def enter_frame(self, frame: Locator) -> None: ...
    def leave_frame(self) -> None: ...


@runtime_checkable
class WindowsCapable(Protocol):
    """Scopes the next steps to a popup / new window the system opens (web: an address picker, a print preview)."""

    def enter_window(self, title: str | None, url: str | None, timeout: float) -> None:
        """Scope the next steps to a popup / new window whose title or URL contains TITLE / URL, waiting for it."""

    def leave_window(self) -> None: ...


@runtime_checkable
class AwaitsSystem(Protocol):
    """Knows whether the system still owes an answer (a posted form's page load), so that the engine keeps waiting
    for a slow system after a submit instead of calling its answer missing."""

    def awaiting_system(self) -> bool: ...


# what each capability lets a driver do, in the words of the error a recipe gets when its driver lacks it
CAPABILITIES: dict[type, str] = {
    UploadsFiles: "upload files",
    FramesCapable: "act inside frames",
    WindowsCapable: "act in popup windows",
    AwaitsSystem: "tell whether the system still owes an answer",
}



def lacks(driver: object, capability: type) -> str:
    """The message for DRIVER lacking CAPABILITY: what the capability does and which kind of driver cannot."""
    kind = getattr(driver, "kind", None) or type(driver).__name__
    return f"the {kind} driver cannot {CAPABILITIES.get(capability, capability.__name__)}"


def _lacking(driver: object, capability: type, step: str) -> DriverError:
    return DriverError(f"step {step!r} cannot run here: {lacks(driver, capability)}", retryable=False,
                       nothing_sent=True)


# A step reaches a capability through one of these: DRIVER as the capability, or a ``DriverError`` naming STEP and
# what the driver lacks. The engine checks every step's ``needs`` before the run starts (nothing typed yet); these
# are the same check where the step uses it. (One function each rather than one generic ``require(driver, cap)``:
# a type checker cannot take a Protocol class where ``type[C]`` is expected.)

def as_uploads(driver: object, step: str) -> UploadsFiles:
    if isinstance(driver, UploadsFiles):
        return driver
    raise _lacking(driver, UploadsFiles, step)


def as_frames(driver: object, step: str) -> FramesCapable:
    if isinstance(driver, FramesCapable):
        return driver
    raise _lacking(driver, FramesCapable, step)


def as_windows(driver: object, step: str) -> WindowsCapable:
    if isinstance(driver, WindowsCapable):
        return driver
    raise _lacking(driver, WindowsCapable, step)
