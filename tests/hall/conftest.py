"""Hall tests: a private PostgreSQL (the queue), the sandbox web systems, real Chromium, real worker processes.
Shared helpers (applicants, the front clerk, the CLI as a process) are in tests/support/hall.py."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # the hall view's tests run without a screen

import pytest

from tests.support.hall import log_in

_batches = itertools.count(1)


@pytest.fixture
def base() -> int:
    """An offset for this test's applicants: the sandbox (and its ledger) lives for the session, so every test
    files people nobody filed before."""
    return next(_batches) * 100


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from clerkdesk.drivers.web.browser import find_browser

    if find_browser() is None:
        pytest.skip("no Chromium/Chrome/Edge installed (Debian: apt-get install chromium)")
    from clerkdesk.sandbox.web import start_web_sandbox

    sb = start_web_sandbox(tmp_path_factory.mktemp("sandbox-log"), debug=True, idle_timeout=600)
    yield sb
    sb.stop()


@pytest.fixture
def web(sandbox: Any) -> Iterator[Any]:
    sandbox.clear_faults()
    yield sandbox
    sandbox.clear_faults()


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest, pg_url: str, monkeypatch: pytest.MonkeyPatch) -> str | None:
    """The store the hall shares: one SQLite file (processes on one machine) or the PostgreSQL store (the
    same database as the queue, as in a hall); the URL, or None for SQLite."""
    if request.param == "postgresql":
        monkeypatch.setenv("CLERKDESK_DATABASE_URL", pg_url)
        return pg_url
    monkeypatch.delenv("CLERKDESK_DATABASE_URL", raising=False)
    return None


@pytest.fixture
def hall_env(cli_env: dict[str, str], pg_url: str, backend: str | None) -> dict[str, str]:
    """The CLI's environment for a hall whose queue lives in this test's PostgreSQL database."""
    env = {**cli_env, "CLERKDESK_QUEUE_URL": pg_url}
    env.pop("CLERKDESK_DATABASE_URL", None)
    if backend:
        env["CLERKDESK_DATABASE_URL"] = backend
    return env


@pytest.fixture
def logged_in(home: Path, web: Any, backend: str | None, base: int) -> Path:
    """HOME whose clerk has a kept login to the sandbox HRSS (one fill at the front window, of applicant
    ``base + 99``: within this test's own range, so no other test counts that record)."""
    log_in(home, web, None, base + 99)
    return home


@pytest.fixture(scope="module")
def own_pg() -> Iterator[Any]:
    """A PostgreSQL of the module's own, crash-safe (a crash loses no confirmed commit, as on a hall's server), for
    tests that stop, restart or crash it."""
    from clerkdesk.testing.postgres import pg_bindir, pg_server

    if pg_bindir() is None:
        pytest.skip("PostgreSQL is not installed (Debian package 'postgresql')")
    with pg_server(crash_safe=True) as server:
        yield server
