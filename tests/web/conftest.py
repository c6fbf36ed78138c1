"""Web fill tests: the real sandbox ministry systems on loopback, real Chromium (headless), real store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from clerkdesk.drivers.web.browser import find_browser

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    if find_browser() is None:
        pytest.skip("no Chromium/Chrome/Edge installed (Debian: apt-get install chromium)")
    from clerkdesk.sandbox.web import start_web_sandbox

    sb = start_web_sandbox(tmp_path_factory.mktemp("sandbox-log"), debug=True, idle_timeout=600)
    yield sb
    sb.stop()


@pytest.fixture
def web(sandbox: Any) -> Iterator[Any]:
    """The sandbox with no faults; faults set by a test are cleared afterwards."""
    sandbox.clear_faults()
    yield sandbox
    sandbox.clear_faults()


@pytest.fixture
def desk(home: Path) -> Iterator[Any]:
    from clerkdesk.desk import Desk

    d = Desk(home)
    yield d
    d.close()


@pytest.fixture
def opts(web: Any) -> Any:
    from clerkdesk.desk import FillOptions

    return FillOptions(headless=True, system_urls={"hrss": web.hrss_url, "amr": web.amr_url})
