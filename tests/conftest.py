"""Shared fixtures. Every test gets its own config dir (key files) and data home."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

# Qt's QSettings (the clerk's chosen scan folder, language …) and anything else under XDG_CONFIG_HOME: a fresh
# folder for this test session, never the developer's own ~/.config (and no state carried between runs).
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="clerkdesk-test-config-")

TESTS = Path(__file__).parent
# Folders whose files share one thing outside the test's own temporary folder: packaging/ builds into the
# checkout's build/ cache and installs one .deb with dpkg, so its files run one after another on one worker.
SERIAL_FOLDERS = {"packaging"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The suite runs on every core (pytest-xdist, ``--dist loadgroup``): a file's tests stay together on one
    worker (its module fixtures — a sandbox server, a browser, an Xvfb — are made once), and a folder in
    ``SERIAL_FOLDERS`` is one group."""
    for item in items:
        rel = Path(str(item.path)).relative_to(TESTS)
        group = rel.parts[0] if rel.parts[0] in SERIAL_FOLDERS else rel.as_posix()
        item.add_marker(pytest.mark.xdist_group(group))


@pytest.fixture(autouse=True)
def _isolated_config(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = tmp_path_factory.mktemp("config")
    monkeypatch.setenv("CLERKDESK_CONFIG", str(cfg))
    monkeypatch.setenv("CLERKDESK_KEYRING", "0")
    monkeypatch.delenv("CLERKDESK_KEY_FILE", raising=False)
    monkeypatch.delenv("CLERKDESK_HOME", raising=False)
    monkeypatch.setenv("CLERKDESK_CLERK", "test-clerk")


@pytest.fixture
def home(tmp_path: Path) -> Path:
    h = tmp_path / "home"
    h.mkdir()
    return h


@pytest.fixture
def cli_env(home: Path) -> dict[str, str]:
    """Environment for running the CLI as a subprocess against HOME."""
    env = dict(os.environ)
    env["CLERKDESK_HOME"] = str(home)
    return env


@pytest.fixture(scope="session")
def display() -> Iterator[str]:
    """One Xvfb screen (1280×800) for every desktop test of the session.

    pyautogui and python-xlib keep their X connections, so all desktop tests share one server rather than
    each folder starting and stopping its own.
    """
    from clerkdesk.testing.xvfb import xvfb, xvfb_available

    if not xvfb_available():
        pytest.skip("Xvfb is not installed (Debian package 'xvfb'): no X screen for desktop tests")
    with xvfb(1280, 800) as name:
        yield name


@pytest.fixture(scope="session")
def pg_server() -> Iterator[object]:
    """One private PostgreSQL server (temporary data folder, loopback port) for the whole session."""
    from clerkdesk.testing.postgres import pg_bindir, pg_server

    if pg_bindir() is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is not installed (Debian package 'postgresql'); scripts/setup.sh installs it")
        pytest.skip("PostgreSQL is not installed (Debian package 'postgresql')")
    with pg_server() as server:
        yield server


@pytest.fixture
def pg_url(pg_server: object, request: pytest.FixtureRequest) -> str:
    """The URL of a fresh, empty PostgreSQL database for this test."""
    import hashlib

    name = "t_" + hashlib.sha1(request.node.nodeid.encode()).hexdigest()[:16]
    return pg_server.create_database(name)  # type: ignore[attr-defined]
