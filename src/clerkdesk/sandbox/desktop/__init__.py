"""住房公积金业务管理系统 V3.2（客户端） — a sandbox legacy desktop client.

A PySide6 stand-in for a PowerBuilder/Delphi-era ministry client with no API
and no useful accessibility tree, for testing the OCR-driven desktop driver.
Run ``python -m clerkdesk.sandbox.desktop --log FILE``; see docs/sandbox-desktop.md.
The fixed pixel layout lives in :mod:`clerkdesk.sandbox.desktop.layout` (no Qt import).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any


def launch(log: Path | str, *args: str, **popen: Any) -> subprocess.Popen[Any]:
    """Start the client in its own process on this screen: ``python -m clerkdesk.sandbox.desktop --log LOG ARGS``
    (see ``app.parse_args``: ``--operator``, ``--open``, ``--fault``, ``--scale``, ``--seed``). The caller's
    ``QT_QPA_PLATFORM=offscreen`` is not passed on (the client must draw on the screen); output goes nowhere
    unless POPEN says otherwise (``stdout=…``)."""
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM" or v.lower() != "offscreen"}
    if sys.platform.startswith("linux") and "WAYLAND_DISPLAY" not in env:
        env["QT_QPA_PLATFORM"] = "xcb"
    env.pop("QT_SCALE_FACTOR", None)  # the client's own --scale decides its size
    popen.setdefault("stdout", subprocess.DEVNULL)
    popen.setdefault("stderr", subprocess.DEVNULL)
    return subprocess.Popen([sys.executable, "-m", "clerkdesk.sandbox.desktop", "--log", str(log), *args], env=env,
                            **popen)
