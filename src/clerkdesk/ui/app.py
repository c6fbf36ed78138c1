"""Start the window: QApplication with CJK fonts and HiDPI, the Desk, and the main window."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any


def make_qapp() -> Any:
    from PySide6.QtWidgets import QApplication

    from clerkdesk.ui import style

    app = QApplication.instance()
    if app is None:
        style.setup_hidpi()
        app = QApplication(sys.argv[:1])
        app.setApplicationName("ClerkDesk")
        app.setOrganizationName("ClerkDesk")
        style.apply(app)
    return app


def pick_language(lang: str | None) -> str:
    if lang:
        return lang
    if os.environ.get("CLERKDESK_LANG"):
        return os.environ["CLERKDESK_LANG"]
    from PySide6.QtCore import QSettings

    return str(QSettings("ClerkDesk", "ClerkDesk").value("lang", "zh"))


def build_window(home: Path | None = None, clerk: str | None = None, *, lang: str | None = None,
                 demo: Any = None, headless: bool = False, assist: Any = None, desk: Any = None,
                 system_urls: dict[str, str] | None = None, timeout_factor: float = 1.0) -> Any:
    """The main window over a Desk (not shown). DEMO: a ``ui.demo.Demo``; ASSIST: a login helper (tests)."""
    make_qapp()
    from clerkdesk.desk import Desk
    from clerkdesk.filling import FillOptions
    from clerkdesk.ui.errors import install_excepthook
    from clerkdesk.ui.i18n import set_language
    from clerkdesk.ui.qt_main_window import MainWindow
    from clerkdesk.ui.qt_run_monitor import Runtime

    set_language(pick_language(lang))
    install_excepthook()
    desk = desk or Desk(home, clerk)
    urls = dict(system_urls or (demo.system_urls if demo else {}))
    opts = FillOptions(headless=headless, system_urls=urls, timeout_factor=timeout_factor)
    hint = None
    if demo is not None:
        from clerkdesk.ui.demo import captcha_hint

        hint = captcha_hint
    return MainWindow(desk, Runtime(opts, assist=assist, hint=hint), demo=demo)


def run_app(home: Path | None = None, clerk: str | None = None, *, lang: str | None = None, demo: Any = None,
            headless: bool = False) -> int:
    app = make_qapp()
    win = build_window(home, clerk, lang=lang, demo=demo, headless=headless)
    win.show()
    code = int(app.exec())
    win.desk.close()
    return code
