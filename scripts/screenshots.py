"""Screenshots of the clerk's window on the demo, under a private Xvfb screen (docs/img/*.png).

    .venv/bin/python scripts/screenshots.py [--out docs/img]

Starts Xvfb (1366×800), the web sandbox, the 公积金 desktop client and the app on the xcb platform with the demo
case; fills it into all four sandbox matters (headless browsers; a scripted clerk logs in to the web systems a
few seconds after the login dialog shows, so the dialog can be photographed; the desktop client is filled by
screen OCR), provokes one failure, and saves the main screens as palette PNGs (``clerkdesk.testing.shots``).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def scripted_login(delay: float) -> Callable[[Any], None]:
    """The demo's auto-login, a few seconds late so the login dialog can be photographed."""
    from clerkdesk.ui.demo import sandbox_login

    def login(driver: Any) -> None:
        time.sleep(delay)
        sandbox_login(driver)

    return login


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    args = ap.parse_args()
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="clerkdesk-shots-"))
    os.environ.update({"CLERKDESK_CONFIG": str(tmp / "config"), "CLERKDESK_KEYRING": "0",
                       "CLERKDESK_HOME": str(tmp / "home"), "QT_QPA_PLATFORM": "xcb", "CLERKDESK_LANG": "zh"})
    from clerkdesk.testing.xvfb import xvfb

    with xvfb(1366, 800):
        return shoot(out, tmp)


def shoot(out: Path, tmp: Path) -> int:
    from dataclasses import replace

    from PySide6.QtWidgets import QApplication

    from clerkdesk.testing.shots import palette_png
    from clerkdesk.ui.app import build_window, make_qapp
    from clerkdesk.ui.demo import start_demo
    from clerkdesk.ui.dialogs import ConfirmDialog, HumanDialog

    app = make_qapp()
    demo = start_demo(tmp / "sandbox", desktop=True, auto_login=True)  # + the 公积金 desktop client
    time.sleep(2)
    win = build_window(tmp / "home", demo=demo, headless=True, assist=scripted_login(2.5))
    win.setGeometry(0, 0, 1366, 800)
    win.show()

    def pump(seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            app.processEvents()
            time.sleep(0.02)

    def until(cond: Callable[[], Any], timeout: float = 90) -> Any:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            app.processEvents()
            got = cond()
            if got:
                return got
            time.sleep(0.05)
        raise TimeoutError(cond)

    def screen(name: str, window: Any = None) -> None:
        """The whole screen (dialogs over the window), or just WINDOW (the desktop client may be on top)."""
        pump(0.4)
        pm = window.grab() if window is not None else QApplication.primaryScreen().grabWindow(0)
        pm.save(str(out / name))
        print("saved", out / name, palette_png(out / name), "bytes")

    def dialog(kind: type) -> Any:
        return next((d for d in win.monitor.dialogs.values() if isinstance(d, kind) and d.isVisible()), None)

    try:
        pump(1.0)
        win.form.rows["person.phone"].editor.widget.setFocus()
        screen("capture.png", win)
        win.start()
        hd = until(lambda: next((d for d in win.monitor.dialogs.values() if isinstance(d, HumanDialog)
                                 and d.isVisible() and "验证码" in (d.ask.hint or "")), None))
        pump(0.5)  # the other logins' dialogs too: they stack at the right edge, as the app places them
        hd.raise_()
        screen("human-step.png")
        cd = until(lambda: next((d for d in win.monitor.dialogs.values() if isinstance(d, ConfirmDialog)
                                 and d.isVisible() and d.ask.info.recipe == "hrss.employment-registration"), None)
                   or None)
        for d in win.monitor.dialogs.values():
            if d is not cd and isinstance(d, ConfirmDialog):
                d.hide()  # one confirm in the picture: the one with the most codes
        cd.raise_()
        pump(0.5)  # the marks against the profile arrive from the store
        screen("confirm.png")

        def confirm_all() -> bool:
            for ask, d in list(win.monitor.dialogs.items()):
                if isinstance(d, ConfirmDialog) and not ask.answered:
                    d.ok_btn.click()
            return bool(win.monitor.cards) and not win.monitor.busy()

        until(confirm_all, 240)
        screen("monitor.png", win)

        # a target that fails: the system's page changed (sandbox fault "layout")
        demo.sandbox.set_fault("hrss", "layout")
        win.monitor.runtime.opts = replace(win.monitor.runtime.opts, timeout_factor=0.3)
        win.form.clear()
        win.form.set_matters(["hrss.employment-registration"])
        from clerkdesk.records.standards import id_check_digit

        win.form.fill_values({**demo.values, "person.name": "李春梅",
                              "person.id_number": "51010719850612242" + id_check_digit("51010719850612242"),
                              "person.ethnicity": "01", "person.hukou_region": "510107",
                              "person.hukou_address": "四川省成都市武侯区人民南路四段9号"})
        win.start()
        until(lambda: win.monitor.cards and not win.monitor.busy() and
              all(c.status == "failed" for c in win.monitor.cards.values()))
        demo.sandbox.clear_faults()
        for c in win.monitor.cards.values():
            c.details_btn.setChecked(True)
        screen("monitor-failed.png", win)

        win.show_tab(2)
        win.cases.refresh()
        until(lambda: len(win.cases.rows) >= 2)
        screen("cases.png", win)
        win.show_tab(0)
        win.form.clear()
        win.form.set_matters([])
        screen("start.png", win)

        # the same demo in English (tr() catalogue from the Qt translation file)
        en = build_window(tmp / "home", demo=demo, headless=True, lang="en")
        en.setGeometry(0, 0, 1366, 800)
        en.show()
        en.raise_()
        screen("capture-en.png", en)
        en.close()
        en.shutdown()
    finally:
        win.close()
        win.shutdown()
        demo.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
