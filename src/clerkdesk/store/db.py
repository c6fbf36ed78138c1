"""The store: one SQLite file (WAL) opened through sqlite-utils, with its key kept elsewhere."""

from __future__ import annotations

import getpass
import json
import os
import re
import secrets
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from clerkdesk.errors import ConfigError, StoreKeyError
from clerkdesk.store.crypto import Cipher, load_key
from clerkdesk.store.migrations import migrations

DB_NAME = "clerkdesk.db"
KEY_CHECK = b"clerkdesk key check"


def now() -> str:
    return datetime.now().astimezone().isoformat(timespec="milliseconds")


def default_clerk() -> str:
    return os.environ.get("CLERKDESK_CLERK") or getpass.getuser()


class Store:
    """Open with ``Store.open(home)``. Thread-safe within a process; several processes may share the file."""

    def __init__(self, path: Path, conn: sqlite3.Connection, cipher: Cipher, key_source: str, clerk: str):
        self.path = path
        self.db = Database(conn)
        self.cipher = cipher
        self.key_source = key_source
        self.clerk = clerk
        self.lock = threading.RLock()
        from clerkdesk.store.audit import AuditLog
        from clerkdesk.store.drafts import Drafts
        from clerkdesk.store.profiles import Profiles
        from clerkdesk.store.runs import Cases, Runs

        self.audit = AuditLog(self)
        self.profiles = Profiles(self)
        self.cases = Cases(self)
        self.runs = Runs(self)
        self.drafts = Drafts(self)

    @classmethod
    def open(cls, home: Path, *, clerk: str | None = None, migrate: bool = True) -> Store:
        home = Path(home)
        home.mkdir(parents=True, exist_ok=True)
        path = home / DB_NAME
        conn = sqlite3.connect(str(path), timeout=30, check_same_thread=False, isolation_level=None)
        try:
            return cls._open(path, conn, clerk, migrate)
        except sqlite3.DatabaseError as e:
            conn.close()
            if "not a database" in str(e) or "malformed" in str(e):
                raise ConfigError(f"{path} is not a readable ClerkDesk database ({e})") from None
            raise
        except BaseException:
            conn.close()
            raise

    @classmethod
    def _open(cls, path: Path, conn: sqlite3.Connection, clerk: str | None, migrate: bool) -> Store:
        conn.execute("PRAGMA busy_timeout=30000")
        _enable_wal(conn)
        conn.execute("PRAGMA secure_delete=ON")  # erased profiles leave no readable pages behind
        conn.execute("PRAGMA synchronous=NORMAL")  # see Store.tx: durable writes ask for FULL
        conn.execute("PRAGMA foreign_keys=ON")
        db = Database(conn)
        if migrate and migrations.pending(db):
            # Under the write lock, so two processes opening a new file at once cannot both create tables
            # (sqlite-utils nests each migration's own transaction as a savepoint inside this one).
            with _immediate(conn):
                migrations.apply(db)
        meta = {r["key"]: r["value"] for r in db["meta"].rows} if db["meta"].exists() else {}
        if "key_check" not in meta:
            # Two processes may create the database at once: the first to write meta wins.
            with _immediate(conn):
                meta = {r["key"]: r["value"] for r in db["meta"].rows}
                if "key_check" not in meta:
                    if any(db[t].exists() and db[t].count for t in ("profiles", "audit", "cases")):
                        raise StoreKeyError(f"{path} holds data but its key check is missing: the file was "
                                            "altered. ClerkDesk will not make a new key for existing data.")
                    store_id = secrets.token_hex(8)
                    master, source = load_key(store_id, create=True)
                    cipher = Cipher(master)
                    db["meta"].insert_all(
                        [{"key": "store_id", "value": store_id},
                         {"key": "key_check", "value": cipher.encrypt(KEY_CHECK, b"key-check").hex()},
                         {"key": "created_at", "value": now()}],
                        replace=True,
                    )
                    store = cls(path, conn, cipher, source, clerk or default_clerk())
                    store.audit.init_head()
                    return store
        if not re.fullmatch(r"[0-9a-f]{16}", str(meta.get("store_id", ""))):
            # the store id names the key file: an edited one must not point ClerkDesk at another file
            raise StoreKeyError(f"{path}: its store id was altered (expected 16 hex digits); restore the file "
                                "from a backup (clerkdesk store restore)")
        master, source = load_key(meta["store_id"], create=False)
        cipher = Cipher(master)
        try:
            ok = cipher.decrypt(bytes.fromhex(meta["key_check"]), b"key-check") == KEY_CHECK
        except (StoreKeyError, ValueError):
            ok = False
        if not ok:
            raise StoreKeyError(f"the key at {source} does not open {path}: it belongs to another database. "
                                "Restore the right key file; ClerkDesk never replaces a key of existing data.")
        return cls(path, conn, cipher, source, clerk or default_clerk())

    def close(self) -> None:
        self.db.conn.close()

    @contextmanager
    def tx(self, durable: bool = False) -> Iterator[Database]:
        """A write transaction that takes the write lock at once (no upgrade deadlocks between processes).

        The connection runs WAL with synchronous=NORMAL: a commit survives an application crash, and only an
        OS crash or power cut can lose the last few. DURABLE (captured records, cases) also fsyncs at commit.
        """
        conn = self.db.conn
        with self.lock:
            full = durable and not conn.in_transaction
            if full:
                conn.execute("PRAGMA synchronous=FULL")
            try:
                with _immediate(conn):
                    yield self.db
            finally:
                if full:
                    conn.execute("PRAGMA synchronous=NORMAL")

    def uscc_whitelist(self) -> tuple[str, ...]:
        """Credit codes a supervisor whitelisted (``clerkdesk whitelist-uscc``); public data kept in clear."""
        if not self.db["uscc_whitelist"].exists():
            return ()
        return tuple(r["code"] for r in self.db["uscc_whitelist"].rows)

    # encrypted JSON helpers
    def seal(self, obj: Any, aad: str) -> bytes:
        return self.cipher.encrypt(json.dumps(obj, ensure_ascii=False, sort_keys=True).encode(), aad.encode())

    def unseal(self, blob: bytes, aad: str) -> Any:
        return json.loads(self.cipher.decrypt(blob, aad.encode()))


def _enable_wal(conn: sqlite3.Connection, deadline_s: float = 30.0) -> None:
    """Switch the file to WAL, waiting out another process that is creating or switching it right now.

    Changing the journal mode needs an exclusive lock, and SQLite answers SQLITE_BUSY for it at once,
    without consulting the busy handler, while another connection holds the file (two clerks' processes
    opening a new database together). So poll briefly until it goes through or the deadline passes.
    """
    end = time.monotonic() + deadline_s
    pause = 0.005
    while True:
        try:
            mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
            if str(mode).lower() != "wal":
                conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as e:
            if ("locked" not in str(e) and "busy" not in str(e)) or time.monotonic() >= end:
                raise
            time.sleep(pause)
            pause = min(pause * 2, 0.05)


@contextmanager
def _immediate(conn: sqlite3.Connection) -> Iterator[None]:
    if conn.in_transaction:  # nested: join the outer transaction
        yield
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
