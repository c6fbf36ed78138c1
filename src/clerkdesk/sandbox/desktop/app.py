"""Command line entry of the 住房公积金 sandbox client."""

from __future__ import annotations

import argparse
import os
import random
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

FAULTS = ("notice", "slow_open", "shifted", "busy")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m clerkdesk.sandbox.desktop",
        description="住房公积金业务管理系统 V3.2（客户端） — a legacy desktop client for testing OCR automation.",
    )
    p.add_argument(
        "--log", required=True, type=Path, help="JSON-lines file; one line is appended per saved record"
    )
    p.add_argument(
        "--fault",
        action="append",
        default=[],
        choices=FAULTS,
        help="inject a realistic difficulty (repeatable)",
    )
    p.add_argument(
        "--scale", type=float, default=1.0, help="multiply font and layout size (DPI scaling), e.g. 1.25"
    )
    p.add_argument("--seed", type=int, default=None, help="seed for the random timings of the faults")
    p.add_argument("--operator", default=None, help="skip the login dialog, logged in as this operator code")
    p.add_argument(
        "--open",
        choices=("open", "change"),
        default=None,
        dest="open_matter",
        help="open this matter's form right after the main window appears (open=个人开户, change=个人信息变更)",
    )
    args = p.parse_args(argv)
    if not 0.5 <= args.scale <= 3.0:
        p.error("--scale must be between 0.5 and 3.0")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # Fixed pixel layout like the real thing: pin the font DPI so 12 pt == 16 px at --scale 1.0.
    os.environ.setdefault("QT_FONT_DPI", "96")
    os.environ.setdefault("QT_ENABLE_HIGHDPI_SCALING", "0")

    from clerkdesk.qtfix import immortalize_none

    immortalize_none()

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QDialog

    from .style import apply_legacy_look
    from .windows import LoginDialog, MainWindow, Options

    app = QApplication(sys.argv[:1])
    app.setApplicationName("GJJClient")
    app.setQuitOnLastWindowClosed(False)
    apply_legacy_look(app, args.scale)
    opts = Options(
        log=args.log,
        faults=frozenset(args.fault),
        scale=args.scale,
        seed=args.seed,
        rng=random.Random(args.seed),
    )

    operator = args.operator
    if operator is None:
        login = LoginDialog(opts)
        _center(login)
        if login.exec() != QDialog.DialogCode.Accepted:
            return 1
        operator = login.operator

    window = MainWindow(opts, operator)
    _center(window)

    def show() -> None:
        window.show()
        window.raise_()
        window.activateWindow()
        if args.open_matter:
            window.open_matter(args.open_matter)

    if "slow_open" in opts.faults:
        QTimer.singleShot(3000, show)
    else:
        show()
    return app.exec()


def _center(w: QWidget) -> None:
    from PySide6.QtWidgets import QApplication

    screen = QApplication.primaryScreen()
    if screen is None:
        return
    geo = screen.availableGeometry()
    x = geo.x() + max(0, (geo.width() - w.width()) // 2)
    y = geo.y() + max(0, (geo.height() - w.height()) // 2)
    w.move(x, y)
