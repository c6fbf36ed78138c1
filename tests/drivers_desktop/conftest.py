"""Fixtures for the desktop-driver tests: the test form as a subprocess and a private data folder.

Helpers shared with the test modules live in desktop_form_helpers.py (importing from conftest is fragile
when several test folders each have one).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from desktop_form_helpers import FormApp


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


