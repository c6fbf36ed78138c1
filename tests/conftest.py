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

# --- the suite on every core (pytest-xdist; README "Tests") ------------------------------------------------
# A file's tests run together on one worker (its module fixtures — a sandbox server, a browser, an Xvfb — are
# made once, and its tests keep their order). A folder in SERIAL_FOLDERS is one unit: its files share something
# outside their temporary folders (packaging/ builds into the checkout's build/ cache and installs one .deb
# with dpkg). Units are handed out longest first, judged by their marks, so that no long file starts last.
SERIAL_FOLDERS = ("tests/packaging/",)
WEIGHT = {"packaging": 60.0, "slow": 60.0, "browser": 5.0, "desktop": 5.0, "ocr": 3.0}  # rough seconds per test
MAX_WORKERS = 4  # each worker may run a Chromium, an Xvfb client and the OCR models at once


def unit_of(nodeid: str) -> str:
    path = nodeid.split("::", 1)[0]
    return next((f for f in SERIAL_FOLDERS if path.startswith(f)), path)


def _weight(item: pytest.Item) -> float:
    return max([0.2, *(w for mark, w in WEIGHT.items() if item.get_closest_marker(mark))])


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    units: dict[str, list[pytest.Item]] = {}
    for item in items:
        units.setdefault(unit_of(item.nodeid), []).append(item)
    ordered = sorted(units.values(), key=lambda unit: -sum(map(_weight, unit)))  # stable: ties keep their order
    items[:] = [item for unit in ordered for item in unit]


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """``-n auto``: one worker per core, at most MAX_WORKERS (timing tests stay meaningful on a big machine)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)  # Windows: no affinity
    return max(1, min(cores, MAX_WORKERS))


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object:
    """xdist's file scheduling, with SERIAL_FOLDERS as one unit each and the units in the collection's order
    (longest first, above) rather than by their number of tests."""
    from xdist.scheduler import LoadScopeScheduling

    class ByUnit(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return unit_of(nodeid)

    config.option.loadscopereorder = False
    return ByUnit(config, log)  # type: ignore[arg-type]


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
