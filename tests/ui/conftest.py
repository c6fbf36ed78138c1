"""Fixtures for the Qt app: offscreen Qt, a running web sandbox, and a window that cleans up after itself."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

os.environ["QT_QPA_PLATFORM"] = "offscreen"

import pytest

from clerkdesk.sandbox.web import WebSandbox, start_web_sandbox
from tests.support.clerks import login


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebSandbox]:
    sb = start_web_sandbox(tmp_path_factory.mktemp("ui-sandbox-logs"), debug=True)
    yield sb
    sb.stop()


@pytest.fixture(autouse=True)
def _no_faults_left(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "sandbox" in request.fixturenames:
        request.getfixturevalue("sandbox").clear_faults()


@pytest.fixture(autouse=True)
def _no_watched_scans(monkeypatch: pytest.MonkeyPatch) -> None:
    """No window watches a scan folder unless its test says so (a watcher would read other tests' images)."""
    monkeypatch.setenv("CLERKDESK_WATCH_SCANS", "0")


@pytest.fixture
def make_window(qtbot: Any, home: Path, sandbox: WebSandbox) -> Iterator[Callable[..., Any]]:
    """Build the main window over HOME, pointed at the sandbox, with headless browsers and a test clerk
    that logs in as a person would (reading the training captcha). Cleans up workers and the store."""
    made: list[Any] = []

    def make(**kw: Any) -> Any:
        from clerkdesk.ui.app import build_window

        kw.setdefault("headless", True)
        kw.setdefault("assist", login)
        kw.setdefault("system_urls", {"hrss": sandbox.hrss_url, "amr": sandbox.amr_url})
        win = build_window(home, **kw)
        win.ask_close = lambda: True
        qtbot.addWidget(win)
        from PySide6.QtWidgets import QApplication

        with qtbot.waitExposed(win):
            win.show()
        win.activateWindow()  # window shortcuts (F-keys) need the active window
        qtbot.waitUntil(lambda: QApplication.activeWindow() is win, timeout=3000)
        made.append(win)
        return win

    yield make
    for win in made:
        win.shutdown()


@pytest.fixture
def answer_confirms(qtbot: Any) -> Callable[[Any], Callable[[], None]]:
    """Returns start(win): from then on every confirm dialog is answered with F9, as the clerk would."""
    from PySide6.QtCore import Qt, QTimer

    timers: list[QTimer] = []

    def start(win: Any) -> Callable[[], None]:
        def tick() -> None:
            for ask, dlg in list(win.monitor.dialogs.items()):
                if ask.kind == "confirm" and not ask.answered and dlg.isVisible():
                    qtbot.keyClick(dlg, Qt.Key.Key_F9)

        t = QTimer()
        t.timeout.connect(tick)
        t.start(100)
        timers.append(t)
        return t.stop

    return start


@dataclass
class GjjClient:
    log: Path
    proc: subprocess.Popen[bytes]


@pytest.fixture
def gjj_client(tmp_path: Path) -> Iterator[GjjClient]:
    """The 公积金 sandbox desktop client on its own Xvfb (the window itself stays offscreen), logged in."""
    from clerkdesk.sandbox.desktop import launch
    from clerkdesk.testing.xvfb import xvfb, xvfb_available

    if not xvfb_available():
        pytest.skip("Xvfb is not installed: no X screen for the desktop client")
    log = tmp_path / "gjj.jsonl"
    with xvfb(1280, 800):
        proc = launch(log, "--operator", "0001")
        try:
            yield GjjClient(log, proc)
        finally:
            proc.terminate()
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
