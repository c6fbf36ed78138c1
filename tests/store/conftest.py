"""Store fixtures: every store test runs on both backends, the SQLite file and the shared PostgreSQL.

``store_backend`` (autouse, parametrized here) points ``CLERKDESK_DATABASE_URL`` at a fresh PostgreSQL database
for the ``postgresql`` runs, so ``Store.open(home)``, ``Desk(home)`` and CLI subprocesses all open the shared store
exactly as a hall workstation would (the variable is what the machine policy's ``store.url`` stands for). Tests
about the SQLite file itself (its pages, WAL, bytes on disk, file backups) carry ``@pytest.mark.sqlite_only``
with the reason, and PostgreSQL has its own equivalents (``test_store_shared.py``: pg_dump scan, two
workstations, racing processes).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from clerkdesk.store import Store

BACKENDS = ("sqlite", "postgresql")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sqlite_only(reason): a store test about the SQLite file itself")
    config.addinivalue_line("markers", "own_backend: the test opens the backends it needs itself (not parametrized)")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "store_backend" in metafunc.fixturenames and not metafunc.definition.get_closest_marker("own_backend"):
        only = metafunc.definition.get_closest_marker("sqlite_only")
        metafunc.parametrize("store_backend", ["sqlite"] if only else list(BACKENDS), indirect=True)


@pytest.fixture(autouse=True)
def store_backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    backend = str(getattr(request, "param", "sqlite"))
    if backend == "postgresql":
        monkeypatch.setenv("CLERKDESK_DATABASE_URL", request.getfixturevalue("pg_url"))
    else:
        monkeypatch.delenv("CLERKDESK_DATABASE_URL", raising=False)
    return backend


@pytest.fixture
def store(home: Path, store_backend: str) -> Iterator[Store]:
    s = Store.open(home)
    assert s.backend == store_backend
    yield s
    s.close()
