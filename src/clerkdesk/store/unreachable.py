"""The one error for "the shared store does not answer", apart from the PostgreSQL backend.

Why its own module: the application layer (conflicts, the hall queue, the outbox) and the UI catch it on every
workstation, but only a hall with a shared store needs psycopg. Importing it from ``store/pg.py`` loaded
psycopg (about 0.2 s) into every ``clerkdesk`` command, SQLite-only workstations included
(tests/cli/test_cli_start.py checks that it no longer does).
"""

from __future__ import annotations

from clerkdesk.config import redact_url as redact
from clerkdesk.errors import ConfigError


class StoreUnreachable(ConfigError):
    """The shared store (PostgreSQL) does not answer: the network, the server, or the URL."""


def unreachable_message(url: str, err: BaseException) -> str:
    first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    return (f"共享数据库连接不上 (the shared store {redact(url)} does not answer: {first}). Check the network cable "
            "and that the hall's database server runs; ask IT if it persists. Captures are kept on this "
            "workstation until it is back")
