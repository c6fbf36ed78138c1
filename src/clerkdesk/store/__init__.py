"""The encrypted store: profiles, cases, runs, evidence, audit. SQLite file (default) or the hall's PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from clerkdesk.store.db import Store


def open_store(home: Path, url: str | None = None, **kw: object) -> Store:
    """The store of the data folder HOME: on URL (``postgresql://…``) when given, else on the machine policy's
    ``store.url`` / ``CLERKDESK_DATABASE_URL``, else the folder's own SQLite file. Same as ``Store.open``."""
    return Store.open(home, url=url, **kw)  # type: ignore[arg-type]


__all__ = ["Store", "open_store"]
