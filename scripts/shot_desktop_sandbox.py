"""Save PNG screenshots of the 住房公积金 sandbox client (login, 个人开户 both tabs, 个人信息变更).

    .venv/bin/python scripts/shot_desktop_sandbox.py [--out DIR] [--scale 1.0] [--fault shifted]

Writes login-*.png, main-*.png, open-tab1-*.png, open-tab2-*.png, open-list-*.png (the 民族
drop-down), saved-*.png (the 保存成功 box) and change-*.png to DIR (default: $TMPDIR/clerkdesk-shots).

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
from clerkdesk.testing.xvfb import xvfb


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


def _click(ox: int, oy: int, rect: tuple[int, int, int, int]) -> None:
    x, y = L.center(rect)
    _xdo("mousemove", str(ox + x), str(oy + y), "click", "1")
    time.sleep(0.2)


def _paste(text: str) -> None:
    subprocess.run(["xclip", "-selection", "clipboard"], input=text.encode("utf-8"), check=True)
    time.sleep(0.1)
    _xdo("key", "ctrl+v")
    time.sleep(0.2)


def _shot(path: Path, region: tuple[int, int, int, int]) -> None:
    x, y, w, h = region
    with mss.MSS() as sct:
        img = sct.grab({"left": x, "top": y, "width": w, "height": h})
        mss.tools.to_png(img.rgb, img.size, output=str(path))
    print(path)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "clerkdesk-shots")
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
            m = L.matter("open", "shifted" in a.fault)
            boxes = {f.label: L.scaled(L.field_rects(f, "shifted" in a.fault)[1], s) for f in m.fields}
            _click(ox, oy, boxes["姓名"])
            _paste("张三丰")
            _click(ox, oy, boxes["证件号码"])
            _xdo("type", "--delay", "20", "110101199003077777")
            time.sleep(0.3)
            _shot(a.out / f"open-tab1-{tag}.png", (ox, oy, *size))
            _click(ox, oy, boxes["民族"])
            time.sleep(0.5)
            _shot(a.out / f"open-list-{tag}.png", (ox, oy, *size))
            _xdo("key", "Escape")
            tx, ty = L.center(L.scaled(L.tab_rects(m)[1], s))
            _xdo("mousemove", str(ox + tx), str(oy + ty), "click", "1")
            time.sleep(0.4)
            _shot(a.out / f"open-tab2-{tag}.png", (ox, oy, *size))
            _click(ox, oy, L.scaled(L.button_rects("shifted" in a.fault)["保存"], s))
            time.sleep(0.8)
            _shot(a.out / f"saved-{tag}.png", (ox, oy, *size))
            _xdo("key", "Return")
            time.sleep(0.3)
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
