"""Drive the 住房公积金 sandbox client with real X input (helpers for the tests in this folder).

Input is real: ``xdotool`` moves the pointer, clicks and types (ASCII); Chinese text is
put on the clipboard with ``xclip`` and pasted with ctrl+v. Click positions come from
``clerkdesk.sandbox.desktop.layout`` (the client's own fixed-pixel layout).

(A module with a unique name rather than conftest.py, so that ``from gjj_client import …``
cannot pick up another folder's conftest.)
"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import numpy as np

from clerkdesk.sandbox.desktop import launch
from clerkdesk.sandbox.desktop import layout as L


def xdo(*args: str) -> str:
    r = subprocess.run(["xdotool", *args], capture_output=True, text=True, timeout=20)
    if r.returncode != 0:
        raise RuntimeError(f"xdotool {' '.join(args)} failed: {r.stderr.strip()}")
    return r.stdout.strip()


def visible_windows(title: str) -> list[str]:
    r = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", f"^{title}$"], capture_output=True, text=True)
    return r.stdout.split()


def grab(region: tuple[int, int, int, int]) -> np.ndarray:
    """RGB uint8 array of a screen region (x, y, w, h)."""
    import mss

    x, y, w, h = region
    with mss.MSS() as sct:
        shot = sct.grab({"left": x, "top": y, "width": w, "height": h})
    return np.frombuffer(shot.rgb, dtype=np.uint8).reshape(shot.height, shot.width, 3)


class Client:
    """One running client process plus helpers that act on it through X."""

    def __init__(self, log: Path, args: list[str], scale: float = 1.0) -> None:
        self.log = log
        self.scale = scale
        self.shifted = "shifted" in args
        self.proc = launch(log, "--scale", str(scale), *args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True)
        self.wid = ""
        self.origin = (0, 0)

    # -- windows ---------------------------------------------------------------
    def wait_window(self, title: str, timeout: float = 15) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ids = visible_windows(title)
            if ids:
                return ids[-1]
            if self.proc.poll() is not None:
                raise RuntimeError(f"client exited ({self.proc.returncode}): {self.proc.stdout.read() if self.proc.stdout else ''}")
            time.sleep(0.05)
        raise TimeoutError(f"no visible window titled {title!r} within {timeout}s")

    def wait_gone(self, title: str, timeout: float = 5) -> None:
        deadline = time.monotonic() + timeout
        while visible_windows(title):
            if time.monotonic() > deadline:
                raise TimeoutError(f"window {title!r} still visible")
            time.sleep(0.05)

    def geometry(self, wid: str) -> tuple[int, int, int, int]:
        vals = dict(line.split("=", 1) for line in xdo("getwindowgeometry", "--shell", wid).splitlines())
        return int(vals["X"]), int(vals["Y"]), int(vals["WIDTH"]), int(vals["HEIGHT"])

    def attach(self, title: str, timeout: float = 15) -> None:
        """Wait for a window and make its client origin the reference for click()."""
        self.wid = self.wait_window(title, timeout)
        x, y, _, _ = self.geometry(self.wid)
        self.origin = (x, y)
        self.settle()

    def settle(self, timeout: float = 3) -> None:
        """Wait until the window's pixels stop changing (first paint done)."""
        deadline = time.monotonic() + timeout
        prev = self.screenshot()
        while time.monotonic() < deadline:
            time.sleep(0.1)
            cur = self.screenshot()
            if cur.shape == prev.shape and np.array_equal(cur, prev) and cur.max() > 0:
                return
            prev = cur

    def login(self, code: str = "op001", password: str = "pw") -> None:
        self.attach(L.LOGIN_TITLE)
        self.click_rect(L.LOGIN_FIELDS["操作员代码"][1])
        self.type(code)
        self.click_rect(L.LOGIN_FIELDS["密码"][1])
        self.type(password)
        self.key("Return")

    # -- input -----------------------------------------------------------------
    def click(self, x: int, y: int) -> None:
        """Click at window client coordinates (already scaled)."""
        # no --sync: it waits for a motion event, which never comes if the pointer is already there
        xdo("mousemove", str(self.origin[0] + x), str(self.origin[1] + y), "click", "1")
        time.sleep(0.06)

    def click_rect(self, rect: L.Rect) -> None:
        self.click(*L.center(L.scaled(rect, self.scale)))

    def box(self, label: str, matter: str = "open") -> L.Rect:
        m = L.matter(matter, self.shifted)
        f = next(f for f in m.fields if f.label == label)
        return L.field_rects(f, self.shifted)[1]

    def tab_of(self, label: str, matter: str = "open") -> int:
        return next(f.tab for f in L.matter(matter, self.shifted).fields if f.label == label)

    def show_tab(self, index: int, matter: str = "open") -> None:
        self.click_rect(L.tab_rects(L.matter(matter))[index])

    def click_field(self, label: str, matter: str = "open") -> None:
        self.click_rect(self.box(label, matter))

    def type(self, text: str) -> None:
        assert text.isascii(), "xdotool type is only reliable for ASCII; use paste()"
        xdo("type", "--delay", "15", text)
        time.sleep(0.02)

    def paste(self, text: str, timeout: float = 10) -> None:
        """Put TEXT on the clipboard with xclip, press ctrl+v, and wait until the client has fetched it.

        xclip runs in the foreground (``-verbose``) serving exactly one request (``-loops 1``), so
        when it exits the paste has happened — no race with the next paste, even on a loaded machine.
        """
        xclip = subprocess.Popen(
            ["xclip", "-selection", "clipboard", "-verbose", "-loops", "1"],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, encoding="utf-8",
        )  # fmt: skip
        assert xclip.stdin is not None and xclip.stderr is not None
        xclip.stdin.write(text)
        xclip.stdin.close()
        for line in xclip.stderr:  # "Waiting for one selection request." = we own the clipboard now
            if "Waiting for" in line:
                break
        self.key("ctrl+v")
        try:
            xclip.wait(timeout)
        except subprocess.TimeoutExpired:
            xclip.kill()
            xclip.wait()
            raise TimeoutError(f"the client did not fetch the clipboard ({text!r}) within {timeout}s") from None
        finally:
            xclip.stderr.close()

    def key(self, *keys: str) -> None:
        xdo("key", *keys)
        time.sleep(0.05)

    def fill(self, label: str, value: str, matter: str = "open") -> None:
        self.click_field(label, matter)
        self.key("ctrl+a")
        if value.isascii():
            self.type(value)
        else:
            self.paste(value)

    def choose(self, label: str, item: str, matter: str = "open") -> None:
        """Open a combobox whose current item is its first one and click ``item`` in the drop-down list.

        The list drops down right below the box with the current (first) row highlighted in navy;
        that row gives the list's top and its row height. Items must be among the first 8 (no scrolling).
        """
        idx = L.COMBO_ITEMS[label].index(item)
        assert idx < 8, "scrolling the list is not implemented in this helper"
        x, y, w, h = L.scaled(self.box(label, matter), self.scale)
        self.click(x + w // 2, y + h // 2)
        time.sleep(0.25)
        top, row = self._highlighted_row(x + 6, y + h, 6 * h)
        time.sleep(0.3)  # Qt ignores a release too soon after the popup opened (press-drag-release gesture)
        self.click(x + w // 3, y + h + top + row * idx + row // 2)
        time.sleep(0.1)

    def _highlighted_row(self, x: int, y: int, height: int) -> tuple[int, int]:
        img = grab((self.origin[0] + x, self.origin[1] + y, 1, height))
        navy = np.all(np.abs(img[:, 0, :].astype(int) - (0x0A, 0x24, 0x6A)) < 40, axis=1)
        rows = np.flatnonzero(navy)
        assert rows.size, "drop-down list not found below the combobox"
        # the row is navy, framed by a dotted focus rectangle (1 px) on each side
        return int(rows[0]) - 1, int(rows[-1] - rows[0]) + 3

    # -- results ---------------------------------------------------------------
    def records(self) -> list[dict[str, object]]:
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text(encoding="utf-8").splitlines() if line.strip()]

    def wait_records(self, n: int, timeout: float = 5) -> list[dict[str, object]]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            recs = self.records()
            if len(recs) >= n:
                return recs
            time.sleep(0.05)
        raise TimeoutError(f"expected {n} log lines, have {len(self.records())}")

    def screenshot(self) -> np.ndarray:
        x, y, w, h = self.geometry(self.wid)
        return grab((x, y, w, h))

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
