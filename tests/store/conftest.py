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
# Modules still being ported to the shared store (their tamper helpers open the SQLite file directly).
_NOT_YET = {"test_audit_anchor", "test_store_audit", "test_store_crypto", "test_store_damage",
            "test_store_migrations", "test_store_profiles"}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sqlite_only(reason): a store test about the SQLite file itself")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "store_backend" in metafunc.fixturenames:
        only = metafunc.definition.get_closest_marker("sqlite_only") or metafunc.module.__name__ in _NOT_YET
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
