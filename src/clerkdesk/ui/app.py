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


def home_may_be_created(home: Path | None, create: bool = False) -> bool:
    """Whether the app may make HOME when it does not exist, without asking: the default folder and one the
    machine policy fixes are IT's choice and are made on first use; a folder typed with --home or
    CLERKDESK_HOME may be a typo (a new, empty database and key beside the real one would then show every
    citizen as 未找到), so the clerk is asked first (the CLI needs --create for the same reason)."""
    from clerkdesk.config import policy

    return create or home is None or Path(home).exists() or "data_dir" in policy().values


ASK_CREATE_HOME = ("数据文件夹 {home} 不存在。\n\n如果是路径输错了，请选“否”，然后检查 --home 或 CLERKDESK_HOME；"
                   "选“是”将在那里新建一个空的数据文件夹（原有的档案不会出现在其中）。\n\n新建吗？")


def ask_create_home(home: Path, parent: Any = None) -> bool:
    """Ask the clerk whether to start a new, empty data folder at HOME; the safe answer (否) is the default."""
    from PySide6.QtWidgets import QMessageBox

    from clerkdesk.ui.i18n import tr

    box = QMessageBox(QMessageBox.Icon.Warning, tr("数据文件夹不存在"), tr(ASK_CREATE_HOME, home=str(home)),
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, parent)
    box.setDefaultButton(QMessageBox.StandardButton.No)
    box.setObjectName("ask_create_home")
    return box.exec() == QMessageBox.StandardButton.Yes


def load_desk(home: Path | None, clerk: str | None, runtime: Any, urls: dict[str, str], headless: bool,
              timeout_factor: float) -> Any:
    """The heavy part of starting (store, recipes, engine imports); runs in a worker thread.

    A missing HOME was already allowed (``home_may_be_created``) or agreed to by the clerk."""
    from clerkdesk.desk import Desk, FillOptions
    from clerkdesk.store.unreachable import StoreUnreachable

    desk = Desk(home, clerk, create=True)
    desk.catalog  # noqa: B018 - read the recipes now, not on the UI thread
    runtime.opts = FillOptions(headless=headless, system_urls=urls, timeout_factor=timeout_factor)
    try:
        desk.open()  # the database and its key (created if new), now rather than on the UI thread
    except StoreUnreachable as e:  # the hall's store is away: capture into the outbox if this machine can
        if not desk.offline.possible():
            raise
        desk.offline.away_at_start = str(e)
        return desk
    desk.purge_orphan_documents()  # images kept for a case that a crash never let start
    return desk


def _warm_up() -> bool:
    """After the window is usable: import what the first run needs (engine, drivers), then load the OCR models
    and run one tiny read, off the UI thread, so the first 读取证件 or desktop fill does not pay ~2 s for them.
    False when OCR is not installed or warm-up is turned off (``CLERKDESK_OCR_WARMUP=0``)."""
    import clerkdesk.drivers
    import clerkdesk.engine.run  # noqa: F401

    if os.environ.get("CLERKDESK_OCR_WARMUP", "1") in ("0", "false", "no"):
        return False
    try:
        import numpy as np

        from clerkdesk.vision.ocr import get_engine
    except ImportError:
        return False
    eng = get_engine()
    warm = getattr(eng, "warm_up", None)
    if callable(warm):
        warm()
    else:
        eng.read(np.full((48, 160, 3), 255, np.uint8))
    return True


def build_window(home: Path | None = None, clerk: str | None = None, *, lang: str | None = None,
                 demo: Any = None, headless: bool = False, assist: Any = None, desk: Any = None,
                 system_urls: dict[str, str] | None = None, timeout_factor: float = 1.0, wait: bool = True) -> Any:
    """The main window (not shown). The desk loads in a worker thread; WAIT blocks until it is attached.

    DEMO: a ``ui.demo.Demo``; ASSIST: a login helper run in the worker thread (tests, unattended demos).
    """
    app = make_qapp()
    from clerkdesk.ui.errors import install_excepthook
    from clerkdesk.ui.i18n import set_language, tr
    from clerkdesk.ui.qt_main_window import MainWindow
    from clerkdesk.ui.qt_run_monitor import Runtime
    from clerkdesk.ui.workers import run_op

    set_language(pick_language(lang))
    install_excepthook()
    urls = dict(system_urls or (demo.system_urls if demo else {}))
    hint = None
    if demo is not None:
        from clerkdesk.ui.demo import captcha_hint

        hint = captcha_hint
    runtime = Runtime(None, assist=assist, hint=hint)
    win = MainWindow(None, runtime, demo=demo)
    if desk is not None:
        from clerkdesk.desk import FillOptions

        runtime.opts = FillOptions(headless=headless, system_urls=urls, timeout_factor=timeout_factor)
        win.attach(desk)
        return win
    failed: list[Exception] = []

    def load_failed(e: Exception) -> None:
        failed.append(e)
        win.load_failed(e)

    def attached(d: Any) -> None:
        win.attach(d)
        if not d.offline.away_at_start:  # else the store's absence stays said
            win.say(tr("正在加载识别模型…"))

        def warmed(ok: bool) -> None:
            if win.message.text() == tr("正在加载识别模型…"):  # unless something newer is being said
                win.say(tr("识别模型已就绪") if ok else tr("就绪"))

        def warm_failed(e: Exception) -> None:  # the first real read reports it again, with its context
            win.say(tr("识别模型未能加载：{e}", e=str(e).splitlines()[0][:80] if str(e) else type(e).__name__))

        run_op(_warm_up, warmed, warm_failed)

    run_op(lambda: load_desk(home, clerk, runtime, urls, headless, timeout_factor), attached, load_failed)
    if wait:
        import time

        deadline = time.monotonic() + 60
        while win.desk is None and not failed and time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.005)
        if failed:
            raise failed[0]
        if win.desk is None:
            raise TimeoutError("the desk did not load in 60 s")
    return win


def run_app(home: Path | None = None, clerk: str | None = None, *, lang: str | None = None, demo: Any = None,
            headless: bool = False, auto_login: bool = False, create: bool = False) -> int:
    app = make_qapp()
    if home is not None and not home_may_be_created(home, create) and not ask_create_home(Path(home)):
        print(f"clerkdesk: the data folder {home} does not exist; nothing was created. Check --home / "
              "CLERKDESK_HOME, or start the app with --create to make a new, empty one.", file=sys.stderr)
        return 2
    assist = None
    if demo is not None and auto_login:
        from clerkdesk.ui.demo import sandbox_login

        assist = sandbox_login
    win = build_window(home, clerk, lang=lang, demo=demo, headless=headless, assist=assist, wait=False)
    win.show()
    code = int(app.exec())
    win.shutdown()
    return code
