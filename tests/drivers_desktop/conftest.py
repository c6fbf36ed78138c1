"""Fixtures for the desktop-driver tests: the test form as a subprocess and a private data folder.

Helpers shared with the test modules live in desktop_form_helpers.py (importing from conftest is fragile
when several test folders each have one).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from desktop_form_helpers import GTKCAL, QTDATE, SYSTEM_PYTHON, TKCAL, TKFORM, FormApp


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
def tkform(display: str, tmp_path: Path) -> Iterator[Callable[..., FormApp]]:
    """The Tk test client (tkform.py: labels above their boxes, a wrapped label, spin boxes, Ctrl+A that
    does not select all). Skips if this Python has no tkinter (Debian: libtk8.6 for pyenv's build)."""
    pytest.importorskip("tkinter")
    apps: list[FormApp] = []

    def start(*args: str) -> FormApp:
        app = FormApp(tmp_path / f"tk{len(apps)}.json", *args, script=TKFORM)
        apps.append(app)
        return app

    yield start
    for a in apps:
        a.stop()


@pytest.fixture
def tkcal(display: str, tmp_path: Path) -> Iterator[Callable[..., FormApp]]:
    """The Tk calendar client (tkcal.py: a month calendar opening on another month, radio buttons, a save
    blocked by a message box)."""
    pytest.importorskip("tkinter")
    apps: list[FormApp] = []

    def start(*args: str) -> FormApp:
        app = FormApp(tmp_path / f"cal{len(apps)}.json", *args, script=TKCAL)
        apps.append(app)
        return app

    yield start
    for a in apps:
        a.stop()


@pytest.fixture
def gtkcal(display: str, tmp_path: Path) -> Iterator[Callable[..., FormApp]]:
    """The GTK3 calendar dialog (gtkcal.py: a stock GtkCalendar), run by the system python3 with python3-gi.
    Skips without it (scripts/setup.sh installs python3-gi and gir1.2-gtk-3.0); fails in CI."""
    probe = subprocess.run([SYSTEM_PYTHON, "-c", "import gi; gi.require_version('Gtk', '3.0')"],
                           capture_output=True, check=False) if Path(SYSTEM_PYTHON).exists() else None
    if probe is None or probe.returncode != 0:
        why = "no GTK3 for the system python3 (Debian packages python3-gi, gir1.2-gtk-3.0)"
        if os.environ.get("CI"):
            pytest.fail(why)
        pytest.skip(why)
    apps: list[FormApp] = []

    def start(*args: str) -> FormApp:
        app = FormApp(tmp_path / f"gtk{len(apps)}.json", *args, script=GTKCAL, python=SYSTEM_PYTHON)
        apps.append(app)
        return app

    yield start
    for a in apps:
        a.stop()


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def qtdate(display: str, tmp_path: Path) -> Iterator[Callable[..., FormApp]]:
    """The Qt date client (qtdate.py: a stock QDateEdit whose calendar is a pop-up outside the window)."""
    apps: list[FormApp] = []

    def start(*args: str) -> FormApp:
        app = FormApp(tmp_path / f"qd{len(apps)}.json", *args, script=QTDATE)
        apps.append(app)
        return app

    yield start
    for a in apps:
        a.stop()
