"""Save PNG screenshots of the 住房公积金 sandbox client (login, 个人开户 both tabs, 个人信息变更).

    .venv/bin/python scripts/shot_desktop_sandbox.py [--out DIR] [--scale 1.0] [--fault shifted]

Starts a private Xvfb, runs the client as a real X11 app, drives it with xdotool
and grabs the screen with mss. The PNGs are for humans (and for tuning OCR).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import mss
import mss.tools

from clerkdesk.sandbox.desktop import layout as L
from clerkdesk.xvfb import xvfb


def _xdo(*args: str) -> str:
    return subprocess.run(["xdotool", *args], check=True, capture_output=True, text=True).stdout.strip()


def _wait_window(name: str, timeout: float = 20) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        r = subprocess.run(["xdotool", "search", "--name", f"^{name}$"], capture_output=True, text=True)
        ids = r.stdout.split()
        if ids:
            return ids[-1]
        time.sleep(0.1)
    raise TimeoutError(f"no window named {name!r}")


def _origin(wid: str) -> tuple[int, int]:
    out = _xdo("getwindowgeometry", "--shell", wid)
    vals = dict(line.split("=", 1) for line in out.splitlines())
    return int(vals["X"]), int(vals["Y"])


def _shot(path: Path, region: tuple[int, int, int, int]) -> None:
    x, y, w, h = region
    with mss.MSS() as sct:
        img = sct.grab({"left": x, "top": y, "width": w, "height": h})
        mss.tools.to_png(img.rgb, img.size, output=str(path))
    print(path)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", type=Path, default=Path("shots"))
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--fault", action="append", default=[])
    a = ap.parse_args()
    a.out.mkdir(parents=True, exist_ok=True)
    s = a.scale
    tag = f"{'-'.join(a.fault) or 'normal'}-x{s:g}"
    with tempfile.TemporaryDirectory() as tmp, xvfb(round(1280 * max(1, s)), round(800 * max(1, s))):
        env = dict(os.environ, QT_QPA_PLATFORM="xcb")
        cmd = [sys.executable, "-m", "clerkdesk.sandbox.desktop", "--log", f"{tmp}/log.jsonl", "--scale", str(s)]
        for f in a.fault:
            cmd += ["--fault", f]
        proc = subprocess.Popen(cmd, env=env)
        try:
            wid = _wait_window(L.LOGIN_TITLE)
            time.sleep(0.5)
            ox, oy = _origin(wid)
            _shot(a.out / f"login-{tag}.png", (ox, oy, round(L.LOGIN_SIZE[0] * s), round(L.LOGIN_SIZE[1] * s)))
            _xdo("windowfocus", wid)
            _xdo("type", "--delay", "20", "op001")
            _xdo("key", "Tab")
            _xdo("type", "--delay", "20", "secret")
            _xdo("key", "Return")
            wid = _wait_window(L.MAIN_TITLE)
            time.sleep(0.5)
            ox, oy = _origin(wid)
            size = (round(L.MAIN_SIZE[0] * s), round(L.MAIN_SIZE[1] * s))
            _shot(a.out / f"main-{tag}.png", (ox, oy, *size))
            bx, by = L.center(L.scaled(L.TOOLBAR_BUTTONS[0][1], s))
            _xdo("mousemove", str(ox + bx), str(oy + by), "click", "1")
            time.sleep(0.6)
            _xdo("type", "--delay", "20", "110101199003077777")  # lands in 姓名 (first field): that's fine for a picture
            time.sleep(0.3)
            _shot(a.out / f"open-tab1-{tag}.png", (ox, oy, *size))
            m = L.matter("open", "shifted" in a.fault)
            tx, ty = L.center(L.scaled(L.tab_rects(m)[1], s))
            _xdo("mousemove", str(ox + tx), str(oy + ty), "click", "1")
            time.sleep(0.4)
            _shot(a.out / f"open-tab2-{tag}.png", (ox, oy, *size))
            bx, by = L.center(L.scaled(L.TOOLBAR_BUTTONS[1][1], s))
            _xdo("mousemove", str(ox + bx), str(oy + by), "click", "1")
            time.sleep(0.6)
            _shot(a.out / f"change-{tag}.png", (ox, oy, *size))
        finally:
            proc.terminate()
            proc.wait(5)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
