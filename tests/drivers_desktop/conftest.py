"""Fixtures for the desktop-driver tests: one Xvfb for the session, the test form as a subprocess,
and drivers with a private data folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from clerkdesk.engine.driver import DriverContext
from clerkdesk.xvfb import xvfb, xvfb_available

FORMAPP = Path(__file__).with_name("formapp.py")
TITLE = "测试录入窗口"


@pytest.fixture(scope="session")
def display() -> Iterator[str]:
    if not xvfb_available():
        pytest.skip("Xvfb is not installed (Debian package 'xvfb'): no X screen for desktop tests")
    with xvfb(1280, 800) as name:
        yield name


class FormApp:
    """The test form running in its own process; ``values()`` clicks nothing, it reads OUT."""

    def __init__(self, out: Path, *args: str):
        self.out = out
        env = dict(os.environ, QT_QPA_PLATFORM="xcb")
        env.pop("QT_SCALE_FACTOR", None)
        self.proc = subprocess.Popen([sys.executable, str(FORMAPP), str(out), *args], env=env,
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


@pytest.fixture
def formapp(display: str, tmp_path: Path) -> Iterator[Callable[..., FormApp]]:
    apps: list[FormApp] = []

    def start(*args: str) -> FormApp:
        app = FormApp(tmp_path / f"values{len(apps)}.json", *args)
        apps.append(app)
        return app

    yield start
    for a in apps:
        a.stop()


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


def make_ctx(home: Path, **options: object) -> DriverContext:
    return DriverContext(system=None, home=home, clerk="测试员", options=dict(options))
