"""Helpers for the desktop-driver tests: the test form as a subprocess, and driver contexts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from clerkdesk.recipe.driver import DriverContext

FORMAPP = Path(__file__).with_name("formapp.py")
TKFORM = Path(__file__).with_name("tkform.py")
TKCAL = Path(__file__).with_name("tkcal.py")
QTDATE = Path(__file__).with_name("qtdate.py")
GTKCAL = Path(__file__).with_name("gtkcal.py")  # run by the system python3 (python3-gi), not the venv's
SYSTEM_PYTHON = "/usr/bin/python3"
TITLE = "测试录入窗口"
TK_TITLE = "Tk录入窗口"
TKCAL_TITLE = "Tk日期窗口"
GTKCAL_TITLE = "GTK日期窗口"




class FormApp:
    """The test form running in its own process; ``values()`` clicks nothing, it reads OUT."""

    def __init__(self, out: Path, *args: str, script: Path = FORMAPP, python: str = sys.executable):
        self.out = out
        env = dict(os.environ, QT_QPA_PLATFORM="xcb")
        env.pop("QT_SCALE_FACTOR", None)
        self.proc = subprocess.Popen([python, str(script), str(out), *args], env=env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def values(self, timeout: float = 5.0) -> dict[str, object]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.out.exists():
                try:
                    return json.loads(self.out.read_text(encoding="utf-8"))  # type: ignore[no-any-return]
                except ValueError:
                    pass
            time.sleep(0.05)
        raise AssertionError("the form wrote no values")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def make_ctx(home: Path, **options: object) -> DriverContext:
    return DriverContext(system=None, home=home, clerk="测试员", options=dict(options))
