"""Screenshots with ``mss``: the whole virtual screen, one window, or a region.

Coordinates. Everything in ``vision`` works in *physical screen pixels* of the virtual screen
(the union of all monitors, as ``mss`` reports it in ``monitors[0]``; a monitor left of or above
the primary one has negative ``left``/``top``). A ``Shot`` remembers where its image sits on
that screen (``left``, ``top``), so a point found in the image maps back with ``to_screen``.

DPI. Two factors, both 1.0 on an ordinary X11 desktop:

* ``input_scale`` — physical pixels per unit of mouse coordinates. It is 1.0 wherever the
  process is DPI-aware (X11 always; Windows after ``SetProcessDpiAwareness``). Set
  ``CLERKDESK_INPUT_SCALE`` if a platform reports logical coordinates to the mouse.
* ``ui_scale`` — how large the client draws its widgets relative to 96 DPI (Xft.dpi / 96 on
  X11, the monitor DPI on Windows, or ``CLERKDESK_UI_SCALE``). Recipe ``offset`` values and
  image templates are written at 100 % and multiplied by it.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import threading
from dataclasses import dataclass, field

import numpy as np

from clerkdesk.recipe.driver import DriverError

_local = threading.local()


@dataclass(frozen=True)
class Rect:
    """A rectangle in some pixel space: left, top, right (exclusive), bottom (exclusive)."""

    x0: int
    y0: int
    x1: int
    y1: int

    @property
    def width(self) -> int:
        return self.x1 - self.x0

    @property
    def height(self) -> int:
        return self.y1 - self.y0

    @property
    def center(self) -> tuple[int, int]:
        return (self.x0 + self.x1) // 2, (self.y0 + self.y1) // 2

    def shift(self, dx: int, dy: int) -> Rect:
        return Rect(self.x0 + dx, self.y0 + dy, self.x1 + dx, self.y1 + dy)

    def grow(self, px: int) -> Rect:
        return Rect(self.x0 - px, self.y0 - px, self.x1 + px, self.y1 + px)

    def clip(self, other: Rect) -> Rect:
        return Rect(max(self.x0, other.x0), max(self.y0, other.y0), min(self.x1, other.x1), min(self.y1, other.y1))

    def contains(self, x: float, y: float) -> bool:
        return self.x0 <= x < self.x1 and self.y0 <= y < self.y1

    @property
    def empty(self) -> bool:
        return self.x1 <= self.x0 or self.y1 <= self.y0

    def as_list(self) -> list[int]:
        return [self.x0, self.y0, self.x1, self.y1]

    @classmethod
    def of(cls, xs: list[int] | tuple[int, int, int, int]) -> Rect:
        return cls(int(xs[0]), int(xs[1]), int(xs[2]), int(xs[3]))


@dataclass
class Shot:
    """An RGB screenshot and where it sits on the virtual screen."""

    image: np.ndarray  # (H, W, 3) uint8 RGB
    left: int
    top: int
    meta: dict[str, object] = field(default_factory=dict)

    @property
    def rect(self) -> Rect:
        h, w = self.image.shape[:2]
        return Rect(self.left, self.top, self.left + w, self.top + h)

    def to_screen(self, x: float, y: float) -> tuple[int, int]:
        return round(self.left + x), round(self.top + y)

    def crop(self, r: Rect) -> np.ndarray:
        """The pixels of R (image coordinates), clipped to the image."""
        h, w = self.image.shape[:2]
        c = r.clip(Rect(0, 0, w, h))
        if c.empty:
            return np.zeros((1, 1, 3), np.uint8)
        return self.image[c.y0:c.y1, c.x0:c.x1]

    def png(self) -> bytes:
        return to_png(self.image)


def to_png(image: np.ndarray) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(image).save(buf, format="PNG")
    return buf.getvalue()


def display_key() -> tuple[str, int, int]:
    """Identifies the X server behind $DISPLAY: its name, its socket's inode and the socket's creation time.

    A new server on a reused display number (tests start one Xvfb after another; a desktop session restarted) gets a
    new key, so every cached connection (pyautogui's, python-xlib's, mss's) follows it. The inode alone does not
    tell: a filesystem gives the freed inode to the next socket at once (ext4: every time here), and a connection to
    the stopped server fails with "Display connection closed by server: Broken pipe" (seen in CI as a desktop step
    that "could not be found")."""
    display = os.environ.get("DISPLAY") or ""
    num = display.split(":")[-1].split(".")[0] if ":" in display else ""
    if not num.isdigit():
        return display, 0, 0
    try:
        st = os.stat(f"/tmp/.X11-unix/X{num}")
    except OSError:
        return display, 0, 0
    return display, st.st_ino, st.st_ctime_ns


def _mss():  # type: ignore[no-untyped-def]
    # mss objects hold an X connection and are not shared between threads.
    sct = getattr(_local, "sct", None)
    display = display_key()
    if sct is None or getattr(_local, "display", None) != display:
        import mss

        if sct is not None:
            with contextlib.suppress(Exception):
                sct.close()
        sct = mss.MSS() if hasattr(mss, "MSS") else mss.mss()
        _local.sct = sct
        _local.display = display
    return sct


def virtual_screen() -> Rect:
    """The bounding box of all monitors (may start at negative coordinates)."""
    m = _mss().monitors[0]
    return Rect(m["left"], m["top"], m["left"] + m["width"], m["top"] + m["height"])


def monitors() -> list[Rect]:
    """Each monitor's rectangle on the virtual screen (``monitors()[0]`` is the first monitor)."""
    return [Rect(m["left"], m["top"], m["left"] + m["width"], m["top"] + m["height"]) for m in _mss().monitors[1:]]


def grab(region: Rect | None = None) -> Shot:
    """Screenshot REGION (virtual-screen pixels; default: every monitor), clipped to the screen."""
    screen = virtual_screen()
    r = (region or screen).clip(screen)
    if r.empty:
        raise DriverError(f"nothing to capture: region {region} is off the screen {screen}", retryable=True)
    try:
        raw = _mss().grab({"left": r.x0, "top": r.y0, "width": r.width, "height": r.height})
    except Exception as e:  # mss.ScreenShotError and X errors
        _local.sct = None
        raise DriverError(f"screen capture failed: {e}", retryable=True) from e
    bgra = np.frombuffer(raw.bgra, np.uint8).reshape(raw.height, raw.width, 4)
    rgb = np.ascontiguousarray(bgra[:, :, 2::-1])
    return Shot(rgb, r.x0, r.y0)


def grab_monitor(index: int = 0) -> Shot:
    """Screenshot one monitor (0-based)."""
    mons = monitors()
    if not 0 <= index < len(mons):
        raise DriverError(f"no monitor {index}; this screen has {len(mons)}", retryable=False)
    return grab(mons[index])


def input_scale() -> float:
    """Physical pixels per mouse unit (see module docstring)."""
    env = os.environ.get("CLERKDESK_INPUT_SCALE")
    if env:
        return float(env)
    return 1.0


def ui_scale() -> float:
    """The client's widget scale relative to 96 DPI (see module docstring)."""
    env = os.environ.get("CLERKDESK_UI_SCALE")
    if env:
        return float(env)
    if sys.platform == "win32":
        from clerkdesk.vision import _win32

        return _win32.system_dpi() / 96.0
    return _x11_dpi() / 96.0


def _x11_dpi() -> float:
    try:
        from clerkdesk.vision.windows import x_display

        rm = x_display().screen().root.get_full_property(
            x_display().get_atom("RESOURCE_MANAGER"), 31  # XA_STRING
        )
        if rm is not None:
            text = rm.value.decode("latin-1") if isinstance(rm.value, bytes) else str(rm.value)
            for line in text.splitlines():
                if line.startswith("Xft.dpi:"):
                    return float(line.split(":", 1)[1])
    except Exception:
        pass
    return 96.0
