"""Store fixtures: real SQLite files in a temp home, keys in the isolated config dir."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from clerkdesk.store import Store


@pytest.fixture
def store(home: Path) -> Iterator[Store]:
    s = Store.open(home)
    yield s
    s.close()
