"""The shared PostgreSQL backend: the subset of sqlite-utils' ``Database`` / ``Table`` the store uses, on psycopg 3.

Why a look-alike rather than a second store: the store modules (profiles, runs, audit, drafts) are written once
against ``db["table"].insert/get/update/rows_where`` and ``db.query/execute`` with ``?`` placeholders. This module
gives them the same calls on PostgreSQL, so every rule (merges, leases, one open case per citizen and matter,
the audit chain) is the same code on both backends and the same test suite checks both.

Concurrency: every write transaction starts by taking one transaction-scoped advisory lock
(``pg_advisory_xact_lock(WRITE_LOCK)``), so the hall's writers are serialised exactly as SQLite's
``BEGIN IMMEDIATE`` serialises the processes sharing one file. That is what keeps the audit hash chain linear
(each append reads the head and writes the next row) and makes the check-then-insert of ``Cases.open`` atomic
across workstations; the primary keys and unique indexes (``open_targets (profile_id, recipe)``,
``profiles.lookup``) are the backstop. Reads take no lock, and neither does the audit row of a lookup: it is
written as a pending view and chained in batches (``AuditLog.record_view``), because one lock taken by every
lookup of the hall was what made lookups queue at 40 windows (docs/hall.md has the figures before and after).

Only ciphertext, keyed blind-index tokens and non-personal columns (ids, times, states, recipe names) ever
reach the server: encryption happens in the workstation's process before any statement is sent.
"""

from __future__ import annotations

import contextlib
import re
import select
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg.conninfo import conninfo_to_dict
from psycopg.rows import dict_row
from sqlite_utils.db import NotFoundError

from clerkdesk.config import redact_url as redact
from clerkdesk.errors import ConfigError
from clerkdesk.store.unreachable import StoreUnreachable, unreachable_message

WRITE_LOCK = 0x434C4B44  # "CLKD": the one advisory lock every write transaction of the hall takes
MIGRATE_LOCK = 0x434C4B4D  # "CLKM": schema migrations, so two workstations never migrate at once
CONNECT_TIMEOUT_S = 5
# A network cut mid-conversation (a cable pulled, a switch rebooting, the 政务外网 link flapping) sends no reset:
# without these a statement in flight, and every call queued behind it, waits for the OS's TCP give-up (about
# 15 minutes on Linux). Unanswered sends or keepalive probes end the connection after TCP_TIMEOUT_MS (Linux;
# elsewhere the keepalives alone), so the window says 离线 and keeps capturing into its outbox within seconds.
TCP_TIMEOUT_MS = 10_000
KEEPALIVE = {"keepalives": "1", "keepalives_idle": "5", "keepalives_interval": "2", "keepalives_count": "3"}
# The server's side of the same cut: a workstation that froze or lost its network inside a transaction holds the
# hall's write lock, and every other window's save would queue behind it until the server's own TCP keepalive
# (2 hours by default). The server ends such a transaction (rolled back, nothing half-written) after this long
# idle; store transactions send their statements back to back (milliseconds apart).
IDLE_IN_TRANSACTION_MS = 15_000

# Primary keys of the tables the store writes (the look-alike of sqlite-utils' introspection).
PKS: dict[str, tuple[str, ...]] = {
    "meta": ("key",), "profiles": ("id",), "profile_versions": ("id",), "audit": ("id",), "cases": ("id",),
    "runs": ("id",), "run_events": ("id",), "evidence": ("id",), "uscc_whitelist": ("code",),
    "documents": ("id",), "drafts": ("clerk",), "open_targets": ("profile_id", "recipe"),
    "audit_checkpoints": ("seq",), "audit_pending": ("id",), "outbox_tokens": ("token",),
    "profile_erasures": ("id",),
}


class WriteLockBusy(Exception):
    """``transaction(wait=False)`` found the hall's write lock held by another transaction: nothing was done."""


def connect(url: str) -> psycopg.Connection[Any]:
    """An autocommit connection to URL, or ``StoreUnreachable`` at once (a short connect timeout: the clerk is
    told within seconds, not after the OS's minutes-long TCP timeout)."""
    try:
        return psycopg.connect(url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S,
                               application_name="clerkdesk", **cut_guards(url))
    except psycopg.OperationalError as e:
        if "connection option" in str(e) or "invalid connection" in str(e):  # libpq refused the URL itself
            raise ConfigError(f"the shared store URL {redact(url)} is not valid: {str(e).strip()}") from None
        raise StoreUnreachable(unreachable_message(url, e)) from None
    except psycopg.ProgrammingError as e:  # a malformed URL
        raise ConfigError(f"the shared store URL {redact(url)} is not valid: {e}") from None


def cut_guards(url: str, *, idle_transactions: bool = True) -> dict[str, str]:
    """The connection settings that bound a network cut (above), each only where the URL does not set it (IT may
    tune them in ``store.url``); the idle-transaction limit (IDLE_TRANSACTIONS) joins any ``options`` the URL
    gives. The back-office queue's connections take the TCP ones too (``hall/queue.py``)."""
    try:
        given = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return {}  # a malformed URL: connect() names it
    guards = {k: v for k, v in {**KEEPALIVE, "tcp_user_timeout": str(TCP_TIMEOUT_MS)}.items() if k not in given}
    options = str(given.get("options") or "")
    if idle_transactions and "idle_in_transaction_session_timeout" not in options:
        guards["options"] = f"{options} -c idle_in_transaction_session_timeout={IDLE_IN_TRANSACTION_MS}".strip()
    return guards


def _hung_up(conn: psycopg.Connection[Any]) -> bool:
    """Has the server sent something to (or closed) this idle connection? Then it said goodbye."""
    try:
        readable, _, _ = select.select([conn.fileno()], [], [], 0)
    except (OSError, ValueError, psycopg.Error):
        return True
    return bool(readable)


_QMARK = re.compile(r"\?")


def translate(sql: str) -> str:
    """sqlite's ``?`` placeholders to psycopg's ``%s`` (a literal ``%`` is doubled first)."""
    return _QMARK.sub("%s", sql.replace("%", "%%"))


def _ident(name: str) -> str:
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise ValueError(f"not a plain identifier: {name!r}")
    return f'"{name}"'


class PgDatabase:
    """What the store calls on ``store.db``, on one psycopg connection (autocommit outside ``transaction``)."""

    def __init__(self, conn: psycopg.Connection[Any], url: str):
        self.raw = conn
        self.url = url
        self.depth = 0
        self._exists: set[str] = set()

    # sqlite3.Connection look-alikes, so ``store.db.conn.execute`` and ``in_transaction`` read the same
    @property
    def conn(self) -> PgDatabase:
        return self

    @property
    def in_transaction(self) -> bool:
        return self.depth > 0

    def close(self) -> None:
        self.raw.close()

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> psycopg.Cursor[Any]:
        """Run SQL (``?`` placeholders); the cursor's rows are tuples, ``rowcount`` as in sqlite3."""
        with self.answering():
            return self.live().execute(translate(sql), list(params or []))  # type: ignore[arg-type]

    def query(self, sql: str, params: Sequence[Any] | None = None) -> Iterator[dict[str, Any]]:
        with self.answering():
            cur = self.live().cursor(row_factory=dict_row)
            cur.execute(translate(sql), list(params or []))  # type: ignore[arg-type]
            rows = cur.fetchall()
        yield from rows

    def live(self) -> psycopg.Connection[Any]:
        """The connection, opened again first when the server dropped it (a restart, a network cut) and no
        transaction is under way: the workstation carries on by itself once the store is back.

        A connection the server closed while it was idle (a restart: the server says FATAL and hangs up) is
        only known to be dead when it is next used, and that first statement would fail. So, outside a
        transaction, an idle connection with something to read is taken as hung up and replaced *before* the
        statement is sent (a healthy idle connection has nothing to read: the store never LISTENs on it).
        This costs one non-blocking ``select()`` and no round trip; the statement is never sent twice.
        """
        if not self.depth and (self.raw.closed or self.raw.broken or _hung_up(self.raw)):
            with contextlib.suppress(Exception):
                self.raw.close()
            self.raw = connect(self.url)
        return self.raw

    @contextmanager
    def answering(self) -> Iterator[None]:
        """A lost connection becomes ``StoreUnreachable`` with the way out, never a psycopg traceback."""
        try:
            yield
        except psycopg.OperationalError as e:
            raise StoreUnreachable(unreachable_message(self.url, e)) from None

    def run(self, sql: str, params: Sequence[Any] | None = None) -> psycopg.Cursor[Any]:
        """Run SQL written for psycopg (``%s`` placeholders)."""
        with self.answering():
            return self.live().execute(sql, params)  # type: ignore[arg-type]

    def __getitem__(self, name: str) -> PgTable:
        return PgTable(self, name)

    def table_names(self) -> list[str]:
        return [r[0] for r in self.run(
            "select tablename from pg_tables where schemaname = current_schema() order by tablename")]

    @contextmanager
    def transaction(self, lock: int | None = WRITE_LOCK, *, wait: bool = True) -> Iterator[None]:
        """A transaction; a nested call joins the outer one (as the SQLite store does). The outermost takes the
        hall's write lock first, so writers from every workstation run one after another. WAIT=False: when
        another transaction holds the lock, ``WriteLockBusy`` at once (nothing done) instead of queueing."""
        if self.depth:
            self.depth += 1
            try:
                yield
            finally:
                self.depth -= 1
            return
        with self.answering(), self.live().transaction():
            self.depth = 1
            try:
                if lock is not None and wait:
                    self.raw.execute("select pg_advisory_xact_lock(%s)", [lock])
                elif lock is not None:
                    got = self.raw.execute("select pg_try_advisory_xact_lock(%s)", [lock]).fetchone()
                    if not (got and got[0]):
                        raise WriteLockBusy
                yield
            finally:
                self.depth = 0


class PgTable:
    def __init__(self, db: PgDatabase, name: str):
        self.db = db
        self.name = name
        self.q = _ident(name)
        self.last_pk: Any = None

    @property
    def pks(self) -> tuple[str, ...]:
        return PKS.get(self.name, ("id",))

    def exists(self) -> bool:
        if self.name in self.db._exists:
            return True
        row = self.db.run("select to_regclass(%s)", [self.name]).fetchone()
        found = bool(row and row[0])
        if found:
            self.db._exists.add(self.name)
        return found

    def _where_pk(self, pk: Any) -> tuple[str, list[Any]]:
        values = list(pk) if isinstance(pk, tuple | list) else [pk]
        if len(values) != len(self.pks):
            raise ValueError(f"{self.name}: primary key has {len(self.pks)} columns")
        return " and ".join(f"{_ident(c)} = %s" for c in self.pks), values

    def insert(self, record: dict[str, Any], *, replace: bool = False, pk: Any = None) -> PgTable:
        if replace:
            return self.upsert(record)
        cols = list(record)
        sql = (f"insert into {self.q} ({', '.join(map(_ident, cols))}) values ({', '.join(['%s'] * len(cols))}) "
               f"returning {', '.join(map(_ident, self.pks))}")
        row = self.db.run(sql, [record[c] for c in cols]).fetchone()  # type: ignore[arg-type]
        self.last_pk = (row[0] if len(self.pks) == 1 else tuple(row)) if row else None
        return self

    def insert_all(self, records: Iterable[dict[str, Any]], *, replace: bool = False) -> PgTable:
        for r in records:
            self.insert(r, replace=replace)
        return self

    def upsert(self, record: dict[str, Any], pk: Any = None) -> PgTable:
        cols = list(record)
        keys = self.pks
        rest = [c for c in cols if c not in keys]
        action = ("do update set " + ", ".join(f"{_ident(c)} = excluded.{_ident(c)}" for c in rest)) if rest \
            else "do nothing"
        sql = (f"insert into {self.q} ({', '.join(map(_ident, cols))}) values ({', '.join(['%s'] * len(cols))}) "
               f"on conflict ({', '.join(map(_ident, keys))}) {action}")
        self.db.run(sql, [record[c] for c in cols])  # type: ignore[arg-type]
        self.last_pk = record.get(keys[0]) if len(keys) == 1 else tuple(record.get(k) for k in keys)
        return self

    def update(self, pk: Any, updates: dict[str, Any]) -> PgTable:
        where, args = self._where_pk(pk)
        if updates:
            sets = ", ".join(f"{_ident(c)} = %s" for c in updates)
            cur = self.db.run(f"update {self.q} set {sets} where {where}",
                                      [*updates.values(), *args])  # type: ignore[arg-type]
            if cur.rowcount == 0:
                raise NotFoundError
        self.last_pk = pk
        return self

    def get(self, pk: Any) -> dict[str, Any]:
        where, args = self._where_pk(pk)
        rows = list(self.db.query(f"select * from {self.q} where {where.replace('%s', '?')}", args))
        row = rows[0] if rows else None
        if row is None:
            raise NotFoundError
        return dict(row)

    def delete(self, pk: Any) -> PgTable:
        where, args = self._where_pk(pk)
        self.db.run(f"delete from {self.q} where {where}", args)  # type: ignore[arg-type]
        return self

    def rows_where(self, where: str | None = None, where_args: Sequence[Any] | None = None, *,
                   order_by: str | None = None, select: str = "*", limit: int | None = None) -> Iterator[dict[str, Any]]:
        sql = f"select {select} from {self.q}"
        if where:
            sql += f" where {where}"
        if order_by:
            sql += f" order by {order_by}"
        if limit is not None:
            sql += f" limit {int(limit)}"
        return self.db.query(sql, where_args)

    @property
    def rows(self) -> Iterator[dict[str, Any]]:
        return self.rows_where()

    @property
    def count(self) -> int:
        return int(self.db.run(f"select count(*) from {self.q}").fetchone()[0])  # type: ignore[index]

    def count_where(self, where: str, where_args: Sequence[Any] | None = None) -> int:
        return int(self.db.execute(f"select count(*) from {self.q} where {where}",
                                   where_args).fetchone()[0])  # type: ignore[index]
