"""Fixtures: a private Xvfb per module and a factory that starts the sandbox client on it."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from gjj_client import Client

from clerkdesk.testing.xvfb import xvfb_available

SCREEN = (1280, 800)
MISSING = [t for t in ("xdotool", "xclip") if shutil.which(t) is None]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents and item.get_closest_marker("desktop"):
            if not xvfb_available():
                item.add_marker(pytest.mark.skip(reason="Xvfb is not installed (Debian package 'xvfb')"))
            elif MISSING:
                item.add_marker(pytest.mark.skip(reason=f"missing X tools: {', '.join(MISSING)}"))




@pytest.fixture
def start(display: str, tmp_path: Path) -> Iterator[Callable[..., Client]]:
    clients: list[Client] = []

    def _start(*args: str, scale: float = 1.0) -> Client:
        c = Client(tmp_path / f"gjj-{len(clients)}.jsonl", list(args), scale)
        clients.append(c)
        return c

    yield _start
    for c in clients:
        c.stop()
