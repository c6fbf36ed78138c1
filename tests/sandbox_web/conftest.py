"""Fixtures for the sandbox web systems: one running sandbox per session, plain urllib clients."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sandbox_helpers import AmrClient, HrssClient

from clerkdesk.sandbox.web import WebSandbox, start_web_sandbox


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebSandbox]:
    sb = start_web_sandbox(tmp_path_factory.mktemp("sandbox-logs"), debug=True)
    yield sb
    sb.stop()


@pytest.fixture(autouse=True)
def _no_faults_left(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "sandbox" in request.fixturenames:
        request.getfixturevalue("sandbox").clear_faults()


@pytest.fixture
def hrss(sandbox: WebSandbox) -> HrssClient:
    c = HrssClient(sandbox)
    c.login()
    return c


@pytest.fixture
def amr(sandbox: WebSandbox) -> AmrClient:
    c = AmrClient(sandbox)
    c.login()
    return c


@pytest.fixture
def fresh_sandbox(tmp_path: Path) -> Iterator[WebSandbox]:
    """A sandbox of its own, for tests that change timeouts or need an empty log."""
    sb = start_web_sandbox(tmp_path / "logs", debug=True, idle_timeout=1.0)
    yield sb
    sb.stop()
