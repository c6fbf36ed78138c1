"""Checking, backing up and restoring the store, and recording a loss that is understood.

- ``check``: the full ``PRAGMA integrity_check`` (indexes against tables too) plus the audit log's verify.
- ``backup``: SQLite's online backup API — a consistent copy while clerks keep working — of the file as
  it is: every personal value in it stays encrypted with the store's key (which is *not* in the backup;
  keep the key file's own backup apart). The backup carries a signed audit checkpoint and its own
  ``store_backup`` row, so a restore shows in the log.
- ``restore``: puts a backup of *this* store (same store id, opened by the same key) back, keeping the
  file it replaces beside it, and records ``store_restored`` with the rows the backup does not have.
- ``accept_loss``: when the anchor beside the key shows rows the file lost (a power cut took the WAL),
  record the loss in the log (``audit_loss_accepted``) and move the anchor, so work can go on — the gap
  stays visible to any auditor.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from clerkdesk.errors import ConfigError, StoreDamaged, StoreKeyError
from clerkdesk.store.audit import AuditReport
from clerkdesk.store.db import DB_NAME, KEY_CHECK, Store, integrity_check, now


@dataclass(frozen=True)
class CheckReport:
    ok: bool
    pages: list[str]  # what integrity_check found
    audit: AuditReport | None  # None when the pages are too damaged to read the log


def check(store: Store) -> CheckReport:
    pages = [] if store.shared else integrity_check(store.db.conn)
    audit = None
    if not pages:
        try:
            audit = store.audit.verify()
        except sqlite3.DatabaseError as e:
            pages = [str(e)]
    return CheckReport(not pages and audit is not None and audit.ok, pages, audit)


def backup(store: Store, dest: Path) -> dict[str, Any]:
    """Copy the store to DEST (a new file) with the online backup API; returns {path, audit_row}."""
    if store.shared:
        raise ConfigError("the hall's shared store is backed up on the database server with pg_dump (it holds "
                          "ciphertext only; keep the hall key's escrow copy apart): see docs/store.md")
    dest = Path(dest)
    if dest.exists():
        raise ConfigError(f"{dest} exists already: a backup never overwrites a file (choose a new name)")
    if not dest.parent.is_dir():
        raise ConfigError(f"the folder {dest.parent} does not exist")
    if store.damage:
        raise StoreDamaged("a damaged store is not backed up as if it were sound: " + "; ".join(store.damage)
                           + ". Copy the folder as it is for IT, and restore the latest good backup")
    store.audit.append("store_backup", "store")
    row = store.audit.checkpoint()
    fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # owner-only from the first byte
    os.close(fd)
    out = sqlite3.connect(str(dest))
    try:
        with store.lock:
            store.db.conn.backup(out)
        out.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        problems = integrity_check(out)
    finally:
        out.close()
    if problems:
        dest.unlink(missing_ok=True)
        raise StoreDamaged(f"the backup did not verify ({'; '.join(problems[:3])}); nothing was kept at {dest}")
    return {"path": str(dest), "audit_row": row}


def _read_backup(src: Path) -> tuple[str, str, int]:
    """(store id, key check, last audit row) of a backup file, checked for damage first."""
    if not src.is_file():
        raise ConfigError(f"no backup at {src}")
    conn = sqlite3.connect(f"{src.resolve().as_uri()}?mode=ro", uri=True)
    try:
        problems = integrity_check(conn)
        if problems:
            raise StoreDamaged(f"the backup {src} is damaged ({'; '.join(problems[:3])}): it was not restored")
        try:
            meta = dict(conn.execute("select key, value from meta").fetchall())
            last = conn.execute("select coalesce(max(id), 0) from audit").fetchone()[0]
        except sqlite3.DatabaseError:
            meta, last = {}, 0
    finally:
        conn.close()
    if "store_id" not in meta or "key_check" not in meta:
        raise ConfigError(f"{src} is not a ClerkDesk backup (no store id or key check in it)")
    return str(meta["store_id"]), str(meta["key_check"]), int(last)


def restore(home: Path, src: Path, clerk: str | None = None, *, create: bool = False) -> dict[str, Any]:
    """Put the backup SRC back as the store of HOME; the file it replaces is kept beside it.

    Refused when SRC is damaged, is not a backup of this store (another store id) or the key of this
    machine does not open it. Returns {restored_row, anchored_row, lost_rows, kept}.
    """
    from clerkdesk.store.crypto import Cipher, load_key

    home, src = Path(home), Path(src)
    store_id, key_check, backup_row = _read_backup(src)
    master, source = load_key(store_id, create=False)
    try:
        ok = Cipher(master).decrypt(bytes.fromhex(key_check), b"key-check") == KEY_CHECK
    except (StoreKeyError, ValueError):
        ok = False
    if not ok:
        raise StoreKeyError(f"the key at {source} does not open the backup {src}")
    if not home.exists():
        if not create:
            raise ConfigError(f"the data folder {home} does not exist; add --create to restore into a new one")
        home.mkdir(parents=True)
    live = home / DB_NAME
    kept = ""
    if live.exists():
        try:
            conn = sqlite3.connect(f"{live.resolve().as_uri()}?mode=ro", uri=True)
            try:
                row = conn.execute("select value from meta where key = 'store_id'").fetchone()
            finally:
                conn.close()
        except sqlite3.DatabaseError:
            row = None  # too damaged to say: it is kept below and replaced
        if row is not None and row[0] != store_id:
            raise ConfigError(f"{src} is a backup of another store ({store_id}), not of the one in {home} "
                              f"({row[0]}): restore it into its own data folder")
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        kept = str(home / f"clerkdesk-before-restore-{stamp}.db")
        for suffix in ("", "-wal"):
            if Path(f"{live}{suffix}").exists():
                shutil.copy2(f"{live}{suffix}", f"{kept}{suffix}")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{live}{suffix}").unlink(missing_ok=True)
    s = sqlite3.connect(f"{src.resolve().as_uri()}?mode=ro", uri=True)
    d = sqlite3.connect(str(live))
    try:
        s.backup(d)
    finally:
        d.close()
        s.close()
    os.chmod(live, 0o600)
    store = Store.open(home, clerk=clerk, allow_damaged=True)
    try:
        if store.page_damage:
            raise StoreDamaged("the restored file does not verify: " + "; ".join(store.page_damage))
        info = _record_gap(store, "store_restored", {"backup_row": backup_row})
    finally:
        store.close()
    return {**info, "restored_row": backup_row, "kept": kept}


def accept_loss(store: Store) -> dict[str, Any]:
    """Record in the log that the rows the anchor knows of are gone, and go on from the file's own end."""
    if store.page_damage:
        raise StoreDamaged("the file itself is damaged: restore a backup (clerkdesk store restore) rather than "
                           "accepting a loss")
    if not store.audit_damage:
        raise ConfigError("nothing to accept: the audit log and the anchor beside the key agree")
    return _record_gap(store, "audit_loss_accepted", {})


def _record_gap(store: Store, action: str, detail: dict[str, Any]) -> dict[str, Any]:
    try:
        a = store.anchor.read()
    except ValueError:
        a = None  # an altered anchor is replaced: what it said cannot be trusted
    last, _ = store.audit.head()
    anchored = a.seq if a else None
    lost = [last + 1, anchored] if anchored is not None and anchored > last else None
    with store.repairing():
        store.audit.append(action, "audit", {**detail, "file_row": last, "anchored_row": anchored,
                                             "lost_rows": lost, "problems": len(store.audit_damage)})
        seq, hsh = store.audit.head()
        row = store.db.execute("select at from audit where id = ?", [seq]).fetchone()
        store.anchor.write(seq, hsh, row[0] if row else now())
    store.audit_damage = store.audit.anchor_problems()
    return {"file_row": last, "anchored_row": anchored, "lost_rows": lost}
