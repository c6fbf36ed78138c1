"""The store: one SQLite file (WAL) opened through sqlite-utils, or the hall's shared PostgreSQL; the key kept
elsewhere.

Which one: ``url`` given to ``Store.open``, else the machine policy's ``store.url`` / ``CLERKDESK_DATABASE_URL``
(``config.store_url``), else the data folder's own SQLite file (the default, unchanged). Both backends run the
same store code (``store/pg.py`` gives PostgreSQL the sqlite-utils calls the store uses) and both hold only
ciphertext and keyed tokens: the key never leaves the workstation.
"""

from __future__ import annotations

import getpass
import json
import os
import re
import secrets
import sqlite3
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlite_utils import Database

from clerkdesk.errors import ConfigError, StoreDamaged, StoreKeyError
from clerkdesk.store.crypto import Cipher, load_key
from clerkdesk.store.migrations import migrations

if TYPE_CHECKING:
    from clerkdesk.store.pg import PgDatabase

DB_NAME = "clerkdesk.db"
KEY_CHECK = b"clerkdesk key check"
# How long read-only views on the shared store wait before they are chained (``AuditLog.record_view``): the
# window in which a pending view is not yet covered by the chain (docs/security.md), and one lock per batch.
VIEW_FLUSH_S = float(os.environ.get("CLERKDESK_AUDIT_FLUSH_MS", "250")) / 1000
FLUSH_PATIENCE = 8  # busy ticks in a row (2 s at 250 ms) before the view flusher queues for the write lock


def now() -> str:
    return datetime.now().astimezone().isoformat(timespec="milliseconds")


def default_clerk() -> str:
    return os.environ.get("CLERKDESK_CLERK") or getpass.getuser()


class Store:
    """Open with ``Store.open(home)``. Thread-safe within a process; several processes may share the file.

    Each thread gets its own connection (``db``): SQLite and psycopg connections hold one transaction at a time,
    so a read on the UI thread must not run inside, or be aborted by, a worker thread's write (a ROLLBACK on a
    shared connection aborts every statement under way on it: "abort due to ROLLBACK"). Writes still take
    ``lock`` (one writer per process; SQLite's file lock and PostgreSQL's row locks order the processes).

    ``damage`` lists what is wrong with the file (pages that fail ``PRAGMA quick_check``, audit rows the
    anchor beside the key says are gone). A damaged store is only opened when the caller asks for it
    (``allow_damaged``: ``store check``, ``audit verify``, ``store restore``), and then refuses every write.
    """

    def __init__(self, path: Path | str, conn: sqlite3.Connection | Database | PgDatabase, cipher: Cipher,
                 key_source: str, clerk: str, store_id: str = ""):
        from clerkdesk.store.anchor import Anchor

        self.path = path  # the SQLite file, or the shared store's URL without its password
        self._db: Any = Database(conn) if isinstance(conn, sqlite3.Connection) else conn
        self.backend = "sqlite" if isinstance(self._db, Database) else "postgresql"
        self._owner = threading.get_ident()
        self._local = threading.local()
        self._others: weakref.WeakSet[Any] = weakref.WeakSet()  # other threads' connections, closed by close()
        self._closed = False
        self.cipher = cipher
        self.key_source = key_source
        self.clerk = clerk
        self.store_id = store_id
        self.anchor = Anchor(store_id, cipher)
        self.anchor_error = ""
        from clerkdesk.store.sink import AuditSinks

        self.sinks = AuditSinks.from_policy()
        self.page_damage: list[str] = []
        self.audit_damage: list[str] = []
        self._pending_head: tuple[int, str, str] | None = None
        self._repairing = False
        self.lock = threading.RLock()
        self._flusher: threading.Thread | None = None
        # Guards starting/stopping the flusher only. Not ``lock``: the flusher holds ``lock`` while it chains
        # (and may wait there for the hall's write lock), and a lookup that only wakes it must not queue behind.
        self._flusher_lock = threading.Lock()
        self._flush_wanted = threading.Event()
        self._flush_stop = threading.Event()
        self.flush_error = ""
        from clerkdesk.store.audit import AuditLog
        from clerkdesk.store.drafts import Drafts
        from clerkdesk.store.profiles import Profiles
        from clerkdesk.store.runs import Cases, Runs

        self.audit = AuditLog(self)
        self.profiles = Profiles(self)
        self.cases = Cases(self)
        self.runs = Runs(self)
        self.drafts = Drafts(self)

    @property
    def db(self) -> Any:
        """This thread's connection (``Database`` or ``PgDatabase``): the opening thread's own, else one opened
        for this thread on first use with the same settings (closed with its thread, or by ``close``)."""
        if threading.get_ident() == self._owner:
            return self._db
        db = getattr(self._local, "db", None)
        if db is None:
            if self._closed:
                raise sqlite3.ProgrammingError("Cannot operate on a closed database.")
            db = self._connect_again()
            self._local.db = db
            self._others.add(db)
        return db

    def _connect_again(self) -> Any:
        if self.backend == "sqlite":
            conn = sqlite3.connect(str(self.path), timeout=30, check_same_thread=False, isolation_level=None)
            _configure(conn)
            return Database(conn)
        from clerkdesk.store.pg import PgDatabase, connect

        return PgDatabase(connect(self._db.url), self._db.url)

    @property
    def damage(self) -> list[str]:
        return self.page_damage + self.audit_damage

    @property
    def shared(self) -> bool:
        """True on the hall's shared PostgreSQL store."""
        return self.backend == "postgresql"

    @classmethod
    def open(cls, home: Path, *, clerk: str | None = None, migrate: bool = True, create: bool = True,
             allow_damaged: bool = False, url: str | None = None) -> Store:
        """Open (or create) the store of the data folder HOME.

        CREATE=False refuses a HOME that does not exist (the CLI without ``--create``): a mistyped folder
        must not become a new, empty database with a new key. ALLOW_DAMAGED opens a damaged file for the
        commands that examine or repair it; every write then raises StoreDamaged. URL (else the machine
        policy's ``store.url`` / ``CLERKDESK_DATABASE_URL``) opens the hall's shared PostgreSQL store instead of
        the folder's SQLite file; an unreachable server is ``StoreUnreachable`` within seconds.
        """
        from clerkdesk.config import store_url

        url = url if url is not None else store_url()
        home = Path(home)
        if not home.exists():
            if not create:
                raise ConfigError(f"the data folder {home} does not exist. Check --home / CLERKDESK_HOME (is it "
                                  "mistyped?); to start a new, empty data folder there, add --create")
            home.mkdir(parents=True, exist_ok=True)
        elif not home.is_dir():
            raise ConfigError(f"the data folder {home} is a file, not a folder: check --home / CLERKDESK_HOME")
        if url:
            store = cls._open_pg(url, clerk, migrate)
            from clerkdesk.store.outbox import remember

            remember(home, store)  # so this workstation can encrypt captures while the store is unreachable
            if store.damage and not allow_damaged:
                store.close()
                raise StoreDamaged(damage_message(store.path, store.damage))
            return store
        path = home / DB_NAME
        conn = sqlite3.connect(str(path), timeout=30, check_same_thread=False, isolation_level=None)
        try:
            store = cls._open(path, conn, clerk, migrate, allow_damaged)
        except sqlite3.DatabaseError as e:
            conn.close()
            if damaged_error(e):
                raise StoreDamaged(damage_message(path, [str(e)])) from None
            raise
        except BaseException:
            conn.close()
            raise
        if store.damage and not allow_damaged:
            store.close()
            raise StoreDamaged(damage_message(path, store.damage, pages=bool(store.page_damage)))
        return store

    @classmethod
    def _open(cls, path: Path, conn: sqlite3.Connection, clerk: str | None, migrate: bool,
              allow_damaged: bool = False) -> Store:
        conn.execute("PRAGMA busy_timeout=30000")
        pages = quick_check(conn)
        if pages and not allow_damaged:
            raise StoreDamaged(damage_message(path, pages, pages=True))
        if not pages:
            _enable_wal(conn)
        _configure(conn)
        db = Database(conn)
        if not pages:
            _refuse_newer(path, db, postgres=False)
        if migrate and not pages and migrations.pending(db):
            # Under the write lock, so two processes opening a new file at once cannot both create tables
            # (sqlite-utils nests each migration's own transaction as a savepoint inside this one).
            with _immediate(conn):
                migrations.apply(db)
        return cls._keyed(path, db, clerk, pages, lambda: _immediate(conn))

    @classmethod
    def _open_pg(cls, url: str, clerk: str | None, migrate: bool) -> Store:
        """The hall's shared store: connect, migrate under the migration lock, then the same key checks."""
        from clerkdesk.config import redact_url
        from clerkdesk.store.migrations import pg_apply, pg_pending
        from clerkdesk.store.pg import PgDatabase, connect

        db = PgDatabase(connect(url), url)
        try:
            _refuse_newer(redact_url(url), db, postgres=True)
            if migrate and pg_pending(db):
                pg_apply(db)
            store = cls._keyed(redact_url(url), db, clerk, [], db.transaction)
        except BaseException:
            db.close()
            raise
        try:
            store.audit.flush_views()  # views a crashed process left unchained
        except BaseException:
            store.close()
            raise
        return store

    @classmethod
    def _keyed(cls, path: Path | str, db: Any, clerk: str | None, pages: list[str], locked: Any) -> Store:
        """Check (or, for a new database, make) the key and the store id; LOCKED() is the write-lock block."""
        meta = {r["key"]: r["value"] for r in db["meta"].rows} if db["meta"].exists() else {}
        if "key_check" not in meta:
            if pages:
                raise StoreDamaged(damage_message(path, pages, pages=True))
            # Two processes may create the database at once: the first to write meta wins.
            with locked():
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
                    store = cls(path, db, cipher, source, clerk or default_clerk(), store_id)
                    store.audit.init_head()
            if "key_check" not in meta:
                store.anchor.write(0, "0" * 64, now())  # the empty log is anchored from the start
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
        store = cls(path, db, cipher, source, clerk or default_clerk(), meta["store_id"])
        store.page_damage = pages
        if not pages:
            store._check_anchor()
        return store

    def _check_anchor(self) -> None:
        """Compare the anchor beside the key with the file; anchor a store that has none yet (an upgrade, or a
        key restored on a new machine) and say so in the log itself."""
        self.audit_damage = self.audit.anchor_problems()
        if self.audit_damage or self.anchor.path.exists():
            return
        try:
            seq, hsh = self.audit.head()
            self.anchor.write(seq, hsh, now())
            self.audit.append("audit_anchored", "audit", {"from_row": seq})
        except OSError as e:
            self.anchor_error = f"{self.anchor.path}: {e.strerror}"

    def anchor_after_commit(self, seq: int, hsh: str, at: str) -> None:
        """Called by the audit log for each row: the anchor moves once the transaction holding it commits."""
        self._pending_head = (seq, hsh, at)

    def _flush_anchor(self) -> None:
        head, self._pending_head = self._pending_head, None
        if head is None:
            return
        try:
            self.anchor.advance(self.db.conn, *head)
        except OSError as e:  # a committed action is never undone for this; verify reports it
            self.anchor_error = f"{self.anchor.path}: {e.strerror}"
        if self.sinks.specs:  # every committed head, also one the anchor refuses to follow: it is evidence
            from clerkdesk.store.sink import SinkHead

            self.sinks.emit(self.store_id, SinkHead(*head, self.anchor.sign(*head)))

    @contextmanager
    def repairing(self) -> Iterator[None]:
        """Writes allowed on a store with audit damage: only for the commands that record the repair."""
        self._repairing = True
        try:
            yield
        finally:
            self._repairing = False

    def views_written(self) -> None:
        """A pending view was written (``AuditLog.record_view``): the background flush chains it within
        ``VIEW_FLUSH_S`` (one thread per store, started on the first view). Takes only ``_flusher_lock``, never
        the write lock a running flush holds: a lookup does not wait for the flush of the views before it."""
        with self._flusher_lock:
            if self._flusher is None and not self._flush_stop.is_set():  # not once close() began
                self._flusher = threading.Thread(target=self._flush_loop, name="clerkdesk-audit-views", daemon=True)
                self._flusher.start()
        self._flush_wanted.set()

    def _flush_loop(self) -> None:
        """Wait for views, let them gather for ``VIEW_FLUSH_S``, chain them; until ``close``. A failed flush
        (the server away) is kept in ``flush_error`` and retried with the next view: the rows are in the
        database already, so nothing is lost meanwhile.

        The flush does not queue for the hall's write lock: when another workstation holds it (a capture, a case
        start, or its own flush, which chains *every* window's pending views), this one tries again at its next
        tick, and waits for the lock only after ``FLUSH_PATIENCE`` busy ticks in a row. Queueing was what 40
        windows' flushers did four times a second each: a line of backends waiting on the lock, each to chain
        the two or three views the one before it had left, and every capture waiting at the end of that line."""
        from clerkdesk.store.pg import WriteLockBusy

        busy = 0
        while not self._flush_stop.is_set():
            self._flush_wanted.wait()
            self._flush_stop.wait(VIEW_FLUSH_S)
            self._flush_wanted.clear()
            if self._flush_stop.is_set():
                return  # close() flushes the rest itself
            try:
                self.audit.flush_views(wait=busy >= FLUSH_PATIENCE)
                self.flush_error, busy = "", 0
            except WriteLockBusy:
                busy += 1
                self._flush_wanted.set()  # the views are still pending: try again at the next tick
            except Exception as e:  # a thread must not die of a passing outage
                self.flush_error = str(e).splitlines()[0] if str(e) else type(e).__name__

    def refuse_if_damaged(self) -> None:
        """A damaged store refuses every write (see ``tx``), also the unlocked ones."""
        if self.page_damage or (self.audit_damage and not self._repairing):
            raise StoreDamaged(damage_message(self.path, self.damage, pages=bool(self.page_damage)))

    def close(self) -> None:
        with self._flusher_lock:
            flusher, self._flusher = self._flusher, None
            self._flush_stop.set()
        if flusher is not None:  # this store wrote views: the last ones are chained before it goes
            self._flush_wanted.set()
            flusher.join(timeout=30)
            try:  # (a store that never wrote a view leaves others' to their own close or the next open)
                self.audit.flush_views()
            except Exception as e:  # the rows wait in the database for the next flush
                self.flush_error = str(e).splitlines()[0] if str(e) else type(e).__name__
        self._closed = True
        for db in list(self._others):
            db.conn.close() if self.backend == "sqlite" else db.close()
        self._db.conn.close()

    @contextmanager
    def tx(self, durable: bool = False, *, wait: bool = True) -> Iterator[Database]:
        """A write transaction that takes the write lock at once (no upgrade deadlocks between processes).

        The connection runs WAL with synchronous=NORMAL: a commit survives an application crash, and only an
        OS crash or power cut can lose the last few. DURABLE (captured records, cases) also fsyncs at commit.
        A damaged store (``damage``) refuses every write with StoreDamaged; "database disk image is
        malformed" met while writing becomes StoreDamaged too. After the outermost commit, the audit anchor
        moves to the last row written. WAIT=False (the shared store only): when another workstation holds the
        hall's write lock, ``store.pg.WriteLockBusy`` at once instead of queueing for it (the view flusher).
        """
        conn = self.db.conn
        with self.lock:
            self.refuse_if_damaged()
            if self.shared:
                with self._pg_tx(wait):
                    yield self.db
                return
            outer = not conn.in_transaction
            full = durable and outer
            if full:
                conn.execute("PRAGMA synchronous=FULL")
            try:
                with _immediate(conn):
                    yield self.db
            except sqlite3.DatabaseError as e:
                if outer:
                    self._pending_head = None
                if damaged_error(e):
                    self.page_damage = [str(e)]
                    raise StoreDamaged(damage_message(self.path, self.page_damage, pages=True)) from None
                raise
            except BaseException:
                if outer:
                    self._pending_head = None
                raise
            finally:
                if full:
                    conn.execute("PRAGMA synchronous=NORMAL")
            if outer:
                self._flush_anchor()

    @contextmanager
    def _pg_tx(self, wait: bool = True) -> Iterator[None]:
        """tx() on PostgreSQL: the hall's write lock, a commit at the end (synchronous on the server: durable)."""
        import psycopg

        from clerkdesk.store.unreachable import StoreUnreachable, unreachable_message

        outer = not self.db.in_transaction
        try:
            with self.db.transaction(wait=wait):
                yield
        except psycopg.OperationalError as e:
            if outer:
                self._pending_head = None
            raise StoreUnreachable(unreachable_message(str(self.path), e)) from None
        except BaseException:
            if outer:
                self._pending_head = None
            raise
        if outer:
            self._flush_anchor()

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


def _refuse_newer(where: Path | str, db: Any, *, postgres: bool) -> None:
    """A store a newer ClerkDesk has migrated is not opened by this one (``migrations.newer_steps``)."""
    from clerkdesk import __version__
    from clerkdesk.store.migrations import newer_steps

    newer = newer_steps(db, postgres=postgres)
    if newer:
        raise ConfigError(
            f"{where} 已由更新版本的 ClerkDesk 升级（{', '.join(newer)}），本机为 {__version__}：请先把本机升级到同一版本；"
            f"一个大厅的所有窗口和后台须运行同一版本 ({where} was upgraded by a newer ClerkDesk (schema steps "
            f"{', '.join(newer)}) and this machine runs {__version__}: upgrade this machine to the hall's version "
            "first; every window and worker of a hall runs one version, docs/hall.md \"Upgrading a hall\")")


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


def _configure(conn: sqlite3.Connection) -> None:
    """The settings of every connection to the file (the opening thread's and each other thread's)."""
    conn.execute("PRAGMA busy_timeout=30000")
    conn.execute("PRAGMA secure_delete=ON")  # erased profiles leave no readable pages behind
    conn.execute("PRAGMA synchronous=NORMAL")  # see Store.tx: durable writes ask for FULL
    conn.execute("PRAGMA foreign_keys=ON")


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


def quick_check(conn: sqlite3.Connection) -> list[str]:
    """``PRAGMA quick_check``: what is wrong with the file's pages (empty when it is fine). O(size), no index
    cross-check: fast enough for every open (see docs/security.md for figures)."""
    try:
        out = [str(r[0]) for r in conn.execute("PRAGMA quick_check(20)")]
    except sqlite3.DatabaseError as e:
        return [str(e)]
    return [] if out == ["ok"] else out


def integrity_check(conn: sqlite3.Connection) -> list[str]:
    """``PRAGMA integrity_check`` (also checks every index against its table): empty when the file is fine."""
    try:
        out = [str(r[0]) for r in conn.execute("PRAGMA integrity_check(100)")]
    except sqlite3.DatabaseError as e:
        return [str(e)]
    return [] if out == ["ok"] else out


def damaged_error(e: BaseException) -> bool:
    """Is E SQLite saying the file itself is damaged (rather than busy, or a bug in a query)?"""
    text = str(e).lower()
    return type(e) is sqlite3.DatabaseError or any(
        w in text for w in ("malformed", "not a database", "file is not a database", "disk i/o error"))


def damage_message(path: Path | str, problems: list[str], *, pages: bool = False) -> str:
    """What is wrong with the store at PATH and the way out, for the clerk and IT."""
    listed = "; ".join(problems[:5]) + (f" (and {len(problems) - 5} more)" if len(problems) > 5 else "")
    if pages:
        return (f"数据库文件已损坏，已停止写入 (the database {path} is damaged; nothing will be written to it): "
                f"{listed}. Way out: keep a copy of the folder as it is, then restore the latest backup "
                "(clerkdesk store restore BACKUP); 'clerkdesk store check' lists every problem. Without a "
                "backup, IT can try: sqlite3 clerkdesk.db .recover")
    return (f"审计日志缺失已提交的记录，已停止写入 (the audit log of {path} lost rows it had committed; nothing "
            f"will be written until this is looked at): {listed}. Way out: restore the latest backup "
            "(clerkdesk store restore BACKUP), or, when the loss is understood (a power cut), record it in the "
            "log and go on: clerkdesk audit accept-loss")
