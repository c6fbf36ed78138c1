"""The local outbox: what a window captures while the hall's shared store does not answer, kept encrypted on the
workstation and sent when the store is back, with conflicts kept for the clerk.

Why: a network cut or a database restart must not stop the counter. ``Store.open`` on an unreachable server
says so within seconds (``StoreUnreachable``); the window then keeps capturing into ``outbox.db`` in its data
folder (a small SQLite file, every record sealed with the hall's data key, AAD bound to the entry) and
``Outbox.sync`` sends the entries in order once ``Store.open`` works again.

The key while offline: every successful open of the shared store writes ``shared-store.json`` in the data
folder (the hall's store id and its key check, nothing secret), so the outbox finds the hall key
(keyring / ``key_dir``, as for the store) and proves it is the right one without the server.

Conflicts: each entry remembers the profile version the clerk started from (``base_version``; None for a person
not found). At sync, when the shared profile is still at that version the entry is saved as usual. When
another window changed it since, the fields are compared with the base version: the fields only this window
changed are saved (with the other window's changes kept), and a field both windows changed to different
values makes the entry a **conflict** — nothing of it is written; ``conflicts()`` shows both values to the
clerk, who settles it with ``resolve`` (the chosen record is then saved against the current version). No
change made at another window is ever overwritten silently.

What "meanwhile" means for a capture with no version seen (the clerk could not look the person up: the store
was already away): the outbox keeps the hall's **high-water mark** — the highest ``profile_versions`` id this
window saw while the store answered (``note_seen``, each poll) — and stamps each entry with it (``seen``). At
sync the entry's base is the profile's version as it stood at that mark: fields another window changed after
it are "theirs", the rest is written. The mark needs no clock: every store write takes the hall's one write
lock, so version ids are handed out in commit order. Versions this outbox itself wrote (an earlier offline
capture of the same person, a settled conflict) are remembered (``written``) and are never "theirs".

``keep`` / ``kept`` hold sealed copies of small hall data a window needs while the store is away (the USCC
whitelist of pilot credit codes), refreshed while it answers.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clerkdesk.errors import ConfigError, StoreKeyError

if TYPE_CHECKING:
    from clerkdesk.store.crypto import Cipher
    from clerkdesk.store.db import Store

IDENTITY = "shared-store.json"
OUTBOX = "outbox.db"
PENDING, CONFLICT, SYNCED = "pending", "conflict", "synced"
SEALED, SENDING, SENT = "sealed", "sending", "sent"  # an offline case (``offline_cases``): kept, on its way, stored
BLOCKED = "blocked"  # not sent: the same matter is open for the applicant at another window (case_id: that case)
ENTRY_COLS = "select id, at, clerk, kind, token, base_version, state, data, seen, nonce from entries"


UNCHECKED: Any = object()  # ``resolve(expect=UNCHECKED)``: the caller decided without a version to check


class StaleConflict(ConfigError):
    """The clerk's decision on a conflict was made on values another window has changed since: not saved."""


_SYNCING: dict[Path, threading.Lock] = {}
_SYNCING_GUARD = threading.Lock()


def _sync_lock(path: Path) -> threading.Lock:
    """One sync of an outbox file at a time in this process: the window's start and its poll each sync, through
    their own ``Outbox`` (own connection), and two syncs of the same pending entry would save it twice."""
    with _SYNCING_GUARD:
        return _SYNCING.setdefault(Path(path).resolve(), threading.Lock())


def remember(home: Path, store: Store) -> None:
    """Write the shared store's identity into HOME (only when it changed): what the outbox needs offline."""
    path = Path(home) / IDENTITY
    row = store.db.execute("select value from meta where key = 'key_check'").fetchone()
    body = {"store_id": store.store_id, "key_check": row[0] if row else "", "url": str(store.path)}
    try:
        if path.exists() and json.loads(path.read_text(encoding="utf-8")) == body:
            return
    except (OSError, ValueError):
        pass
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(body), encoding="utf-8")
    os.replace(tmp, path)


@dataclass(frozen=True)
class Entry:
    id: int
    at: str
    clerk: str
    kind: str
    key: str
    record: dict[str, Any]
    base_version: int | None
    state: str
    clash: dict[str, dict[str, Any]] = field(default_factory=dict)  # field → {"here": …, "there": …}
    seen: int | None = None  # the hall's high-water mark when captured (None: never seen) — see the module doc
    nonce: str = ""  # the entry's random send token: the store saves it at most once (``Profiles.save``)


@dataclass(frozen=True)
class OfflineCase:
    """A case the clerk started (F5) while the shared store was away: sealed here, sent once it is back."""

    id: int
    at: str
    clerk: str
    token: str  # the send token, stored with the case in the same transaction (``store.runs.Cases.open``)
    state: str  # sealed | sending | sent | blocked
    case_id: str | None  # the shared store's case, once sent (blocked: the case open at another window)
    entry_id: int | None  # the profile capture that goes first (its conflict holds the case back)
    message: str  # why it waits or failed, in the clerk's words ("" when all is well)
    request: dict[str, Any]  # kind, data, targets, case_fields, matter (as ``desk.cases.CaseRequest``)


@dataclass(frozen=True)
class Captured:
    """What this window captured offline for one person or company (``Outbox.captured``)."""

    record: dict[str, Any]  # every entry's fields, later ones winning
    at: str  # when the last of them was captured
    base_version: int | None  # the shared profile's version the first of them started from (None: unknown)
    entries: int
    conflict: bool  # one of them clashes with another window's change (档案冲突)


@dataclass
class SyncReport:
    applied: list[int] = field(default_factory=list)  # entry ids saved into the shared store
    conflicts: list[int] = field(default_factory=list)  # entry ids kept for the clerk
    kept_theirs: dict[int, list[str]] = field(default_factory=dict)  # fields another window changed, left as they are


class Outbox:
    """Open with ``Outbox.open(home)``; works without the server."""

    def __init__(self, home: Path, cipher: Cipher, store_id: str, clerk: str):
        self.home = Path(home)
        self.cipher = cipher
        self.store_id = store_id
        self.clerk = clerk
        self.path = self.home / OUTBOX
        self.conn = sqlite3.connect(str(self.path), timeout=30, isolation_level=None, check_same_thread=False)
        self._lock = threading.RLock()  # the window's threads share this connection: one transaction at a time
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA secure_delete=ON")
        self.conn.execute(
            "create table if not exists entries (id integer primary key, at text not null, clerk text not null, "
            "kind text not null, token text not null, base_version integer, state text not null, data blob not null)")
        self.conn.execute(
            "create table if not exists offline_cases (id integer primary key, at text not null, clerk text not null, "
            "token text unique not null, state text not null, case_id text, entry_id integer, "
            "message text not null default '', data blob not null)")
        self.conn.execute(
            "create table if not exists offline_drafts (clerk text primary key, at text not null, data blob not null)")
        self.conn.execute(
            "create table if not exists kept (name text primary key, at text not null, data blob not null)")
        self.conn.execute("create table if not exists written (token text not null, version integer not null, "
                          "primary key (token, version))")
        cols = {r[1] for r in self.conn.execute("pragma table_info(entries)")}
        if "seen" not in cols:  # an outbox from before
            self.conn.execute("alter table entries add column seen integer")
        if "nonce" not in cols:  # an outbox from before the send tokens: each waiting entry gets one now
            import secrets

            self.conn.execute("alter table entries add column nonce text")
            for (eid,) in self.conn.execute("select id from entries").fetchall():
                self.conn.execute("update entries set nonce = ? where id = ?", [secrets.token_hex(16), eid])
        self._seen: int | None = None

    @classmethod
    def open(cls, home: Path, clerk: str | None = None) -> Outbox:
        from clerkdesk.store.crypto import Cipher, load_key
        from clerkdesk.store.db import KEY_CHECK, default_clerk

        home = Path(home)
        try:
            ident = json.loads((home / IDENTITY).read_text(encoding="utf-8"))
            store_id, key_check = str(ident["store_id"]), str(ident["key_check"])
        except FileNotFoundError:
            raise ConfigError(f"this workstation ({home}) has never reached the hall's shared store, so it has no "
                              "hall key to keep captures with while the store is unreachable: connect it once "
                              "(ask IT)") from None
        except (OSError, ValueError, KeyError):
            raise ConfigError(f"{home / IDENTITY} is damaged: connect to the shared store once to write it again") \
                from None
        master, source = load_key(store_id, create=False)
        cipher = Cipher(master)
        try:
            ok = cipher.decrypt(bytes.fromhex(key_check), b"key-check") == KEY_CHECK
        except (StoreKeyError, ValueError):
            ok = False
        if not ok:
            raise StoreKeyError(f"the key at {source} is not the hall key of the shared store {ident.get('url')}")
        return cls(home, cipher, store_id, clerk or default_clerk())

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def _tx(self) -> Iterator[None]:
        with self._lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield
                self.conn.execute("COMMIT")
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise

    # --- sealing -----------------------------------------------------------------------------------
    def _seal(self, eid: int, obj: dict[str, Any]) -> bytes:
        text = json.dumps(obj, ensure_ascii=False, sort_keys=True).encode()
        return self.cipher.encrypt(text, f"outbox:{self.store_id}:{eid}".encode())

    def _unseal(self, eid: int, blob: bytes) -> dict[str, Any]:
        return dict(json.loads(self.cipher.decrypt(blob, f"outbox:{self.store_id}:{eid}".encode())))

    def _entry(self, row: tuple[Any, ...]) -> Entry:
        eid, at, clerk, kind, _token, base, state, blob, seen, nonce = row
        d = self._unseal(eid, blob)
        return Entry(eid, at, clerk, kind, d["key"], d["record"], base, state, d.get("clash", {}), seen,
                     nonce or "")

    # --- capturing offline ---------------------------------------------------------------------------
    def save_profile(self, kind: str, key: str, record: dict[str, Any], *, base_version: int | None = None) -> int:
        """Keep a profile capture for the shared store. BASE_VERSION: the version the clerk saw (None: new)."""
        with self._tx():
            eid = self._insert_entry(kind, key, record, base_version)
        return eid

    def _insert_entry(self, kind: str, key: str, record: dict[str, Any], base_version: int | None) -> int:
        import secrets

        from clerkdesk.store.db import now
        from clerkdesk.store.profiles import profile_key

        norm = profile_key(kind, key)
        token = self.cipher.blind_index(kind, norm)
        eid = int(self.conn.execute(
            "insert into entries (at, clerk, kind, token, base_version, state, data, seen, nonce) "
            "values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [now(), self.clerk, kind, token, base_version, PENDING, b"", self.seen(),
             secrets.token_hex(16)]).lastrowid or 0)
        self.conn.execute("update entries set data = ? where id = ?",
                          [self._seal(eid, {"key": norm, "record": record}), eid])
        return eid

    def entry_state(self, eid: int) -> str | None:
        """PENDING or CONFLICT while entry EID waits; None once it is gone (synced, or settled by the clerk)."""
        row = self.conn.execute("select state from entries where id = ?", [eid]).fetchone()
        return None if row is None or row[0] == SYNCED else str(row[0])

    # --- cases started while offline (F5) ------------------------------------------------------------------
    def _case_aad(self, cid: int) -> bytes:
        return f"outbox-case:{self.store_id}:{cid}".encode()

    def seal_case(self, request: dict[str, Any], *, kind: str, key: str, record: dict[str, Any],
                  base_version: int | None) -> int:
        """Keep a case (REQUEST) and the applicant's profile capture (RECORD, from BASE_VERSION) in one
        transaction: the capture goes through ``sync`` (conflicts and all) before the case is sent."""
        import secrets

        from clerkdesk.store.db import now

        with self._tx():
            eid = self._insert_entry(kind, key, record, base_version)
            cid = int(self.conn.execute(
                "insert into offline_cases (at, clerk, token, state, entry_id, data) values (?, ?, ?, ?, ?, ?)",
                [now(), self.clerk, secrets.token_hex(16), SEALED, eid, b""]).lastrowid or 0)
            text = json.dumps(request, ensure_ascii=False, sort_keys=True).encode()
            self.conn.execute("update offline_cases set data = ? where id = ?",
                              [self.cipher.encrypt(text, self._case_aad(cid)), cid])
        return cid

    def offline_cases(self, *states: str) -> list[OfflineCase]:
        where = f"where state in ({', '.join('?' * len(states))})" if states else ""
        out = []
        for cid, at, clerk, token, state, case_id, eid, msg, blob in self.conn.execute(
                f"select id, at, clerk, token, state, case_id, entry_id, message, data from offline_cases {where} "
                "order by id", list(states)):
            req = dict(json.loads(self.cipher.decrypt(blob, self._case_aad(cid))))
            out.append(OfflineCase(cid, at, clerk, token, state, case_id, eid, msg, req))
        return out

    def mark_case(self, cid: int, state: str, *, case_id: str | None = None, message: str = "") -> bool:
        """Move offline case CID to STATE (each mark its own commit: it must outlive a crash right after).
        False when the case is gone (the clerk took it back into the form meanwhile)."""
        with self._lock:
            return self.conn.execute("update offline_cases set state = ?, case_id = coalesce(?, case_id), "
                                     "message = ? where id = ?", [state, case_id, message, cid]).rowcount > 0

    def take_back(self, cid: int) -> OfflineCase:
        """放回表单: the clerk takes a case not yet sent back into the form; it and its capture leave the outbox."""
        c = next((x for x in self.offline_cases(SEALED, BLOCKED) if x.id == cid), None)
        if c is None:
            raise ConfigError(f"离线案件 {cid} 已在发送或已发送，不能放回表单 (offline case {cid} is being sent or was sent)")
        with self._tx():
            if not self.conn.execute("delete from offline_cases where id = ? and state in (?, ?)",
                                     [cid, SEALED, BLOCKED]).rowcount:
                raise ConfigError(f"离线案件 {cid} 刚开始发送，不能放回表单 (offline case {cid} is being sent)")
            if c.entry_id is not None:
                self.conn.execute("delete from entries where id = ? and state = ?", [c.entry_id, PENDING])
        return c

    def forget_sent(self, keep: int = 50) -> None:
        """Keep only the last KEEP sent cases' marks (ids only are needed to open them)."""
        self.conn.execute("delete from offline_cases where state = ? and id not in (select id from offline_cases "
                          "where state = ? order by id desc limit ?)", [SENT, SENT, keep])

    # --- the unfinished form while offline (Ctrl+S) -----------------------------------------------------------
    def save_draft(self, data: dict[str, Any]) -> None:
        from clerkdesk.store.db import now

        text = json.dumps(data, ensure_ascii=False, sort_keys=True).encode()
        blob = self.cipher.encrypt(text, f"outbox-draft:{self.store_id}:{self.clerk}".encode())
        self.conn.execute("insert into offline_drafts (clerk, at, data) values (?, ?, ?) on conflict (clerk) do "
                          "update set at = excluded.at, data = excluded.data", [self.clerk, now(), blob])

    def draft(self) -> tuple[str, dict[str, Any]] | None:
        row = self.conn.execute("select at, data from offline_drafts where clerk = ?", [self.clerk]).fetchone()
        if row is None:
            return None
        aad = f"outbox-draft:{self.store_id}:{self.clerk}".encode()
        return str(row[0]), dict(json.loads(self.cipher.decrypt(row[1], aad)))

    def discard_draft(self) -> bool:
        return self.conn.execute("delete from offline_drafts where clerk = ?", [self.clerk]).rowcount > 0

    def entries(self, state: str | None = None) -> list[Entry]:
        where, args = ("where state = ?", [state]) if state else ("", [])
        return [self._entry(r) for r in self.conn.execute(f"{ENTRY_COLS} {where} order by id", args)]

    def pending(self) -> list[Entry]:
        return self.entries(PENDING)

    def conflicts(self) -> list[Entry]:
        return self.entries(CONFLICT)

    def find(self, kind: str, key: str) -> dict[str, Any] | None:
        """What this window captured offline for KIND/KEY (later entries win), for a lookup while offline."""
        got = self.captured(kind, key)
        return got.record if got is not None else None

    def captured(self, kind: str, key: str) -> Captured | None:
        """``find`` with when it was captured and the version it started from (what a new capture of the same
        person starts from too: the form prefilled from it is the same clerk's work, not another window's)."""
        from clerkdesk.store.profiles import profile_key

        token = self.cipher.blind_index(kind, profile_key(kind, key))
        rows = self.conn.execute(f"{ENTRY_COLS} where token = ? and state != ? order by id", [token, SYNCED])
        entries = [self._entry(r) for r in rows]
        if not entries:
            return None
        out: dict[str, Any] = {}
        for e in entries:
            out.update(e.record)
        return Captured(out, entries[-1].at, entries[0].base_version, len(entries),
                        any(e.state == CONFLICT for e in entries))

    # --- what the window knew of the hall while it answered --------------------------------------------------
    def seen(self) -> int | None:
        """The hall's high-water mark last noted (None: this outbox never saw the store answer)."""
        if self._seen is None:
            got = self.kept("seen")
            self._seen = int(got) if isinstance(got, int) else None
        return self._seen

    def note_seen(self, mark: int) -> None:
        """The store answered and its newest profile version id is MARK (written only when it moved)."""
        if mark != self.seen():
            self.keep("seen", mark)
            self._seen = mark

    def keep(self, name: str, value: Any) -> None:
        """Keep VALUE (JSON) under NAME, sealed with the hall key; the last one wins."""
        from clerkdesk.store.db import now

        text = json.dumps(value, ensure_ascii=False, sort_keys=True).encode()
        blob = self.cipher.encrypt(text, f"outbox-kept:{self.store_id}:{name}".encode())
        with self._lock:
            self.conn.execute("insert into kept (name, at, data) values (?, ?, ?) on conflict (name) do update set "
                              "at = excluded.at, data = excluded.data", [name, now(), blob])

    def kept(self, name: str) -> Any:
        """What ``keep`` kept under NAME, or None."""
        row = self.conn.execute("select data from kept where name = ?", [name]).fetchone()
        if row is None:
            return None
        return json.loads(self.cipher.decrypt(row[0], f"outbox-kept:{self.store_id}:{name}".encode()))

    def _base(self, store: Store, e: Entry) -> tuple[int | None, dict[str, Any]]:
        """The version entry E started from and its record: the version the clerk saw, else the one that stood
        at the entry's high-water mark; (None, {}) when neither is known (or the profile did not exist then)."""
        number = e.base_version
        if number is None and e.seen is not None:
            number = store.profiles.version_at(e.kind, e.key, e.seen)
        if number is None:
            return None, {}
        hist = store.profiles.history(e.kind, e.key, audit=False)
        return number, next((v.record for v in hist if v.version == number), {})

    def theirs(self, store: Store, e: Entry, cur: Any) -> tuple[set[str], dict[str, Any]]:
        """(fields another window changed since entry E's base, the base record): changed in a version after
        the base that this outbox did not write, and still different from the base."""
        if cur is None:
            return set(), {}
        number, base = self._base(store, e)
        token = self.cipher.blind_index(e.kind, e.key)
        ours = {int(r[0]) for r in self.conn.execute("select version from written where token = ?", [token])}
        if number is None:
            foreign = None  # nothing known to start from: every field that differs is theirs
        else:
            foreign = set()
            for v in store.profiles.history(e.kind, e.key, audit=False):
                if v.version > number and v.version not in ours:
                    foreign.update(v.changed)
        return {k for k in set(cur.record) | set(base) if cur.record.get(k) != base.get(k)
                and (foreign is None or k in foreign)}, base

    def _wrote(self, kind: str, key: str, version: int) -> None:
        token = self.cipher.blind_index(kind, key)
        with self._lock:
            self.conn.execute("insert or ignore into written (token, version) values (?, ?)", [token, version])

    # --- back online -------------------------------------------------------------------------------------
    def sync(self, store: Store) -> SyncReport:
        """Send every pending entry to STORE in order; a clash becomes a conflict entry (nothing written)."""
        with _sync_lock(self.path):
            return self._sync(store)

    def _landed(self, store: Store, e: Entry) -> bool:
        """Whether entry E is in the store already (its send token is: another process synced it, or this one
        crashed between the store's commit and the outbox's mark); if so it is marked synced here."""
        version = store.profiles.landed(e.nonce) if e.nonce else None
        if version is None:
            return False
        self._wrote(e.kind, e.key, version)
        self._done(e.id, SYNCED)
        return True

    def _save(self, store: Store, e: Entry, record: dict[str, Any]) -> None:
        """Save RECORD for entry E at most once (its send token), then mark it synced."""
        saved = store.profiles.save(e.kind, e.key, record, send_token=e.nonce or None)
        self._wrote(e.kind, e.key, saved.version)
        self._done(e.id, SYNCED)

    def _sync(self, store: Store) -> SyncReport:
        rep = SyncReport()
        for e in self.pending():
            if self.entry_state(e.id) != PENDING:
                continue  # another process synced it, or the clerk settled it, since the list was read
            if self._landed(store, e):
                rep.applied.append(e.id)
                continue
            cur = store.profiles.get(e.kind, e.key, audit=False)
            erased = cur is None and e.base_version is None and store.profiles.erased_since(e.kind, e.key, e.seen)
            if not erased and ((cur is not None and cur.version == e.base_version)
                               or (cur is None and e.base_version is None)):
                self._save(store, e, e.record)
                rep.applied.append(e.id)
                continue
            if cur is None:  # erased at another window while this one was offline: the clerk decides
                there = "the profile may have been deleted" if erased else "the profile was deleted"
                clash = {"*": {"here": "captured offline", "there": there}}
                self._done(e.id, CONFLICT, {"key": e.key, "record": e.record, "clash": clash})
                rep.conflicts.append(e.id)
                continue
            theirs, base = self.theirs(store, e, cur)
            clash = {k: {"here": v, "there": cur.record.get(k), "base": base.get(k)} for k, v in e.record.items()
                     if k in theirs and v != base.get(k) and v != cur.record.get(k)}
            if clash:
                self._done(e.id, CONFLICT, {"key": e.key, "record": e.record, "clash": clash})
                rep.conflicts.append(e.id)
                continue
            keep = {k: v for k, v in e.record.items() if k not in theirs or v == cur.record.get(k)}
            rep.kept_theirs[e.id] = sorted(k for k in e.record if k not in keep)
            if keep:
                self._save(store, e, keep)
            else:
                self._done(e.id, SYNCED)
            rep.applied.append(e.id)
        if rep.applied or rep.conflicts:
            store.audit.append("outbox_synced", f"outbox:{self.clerk}",
                               {"applied": len(rep.applied), "conflicts": len(rep.conflicts)})
        self.conn.execute("delete from entries where state = ?", [SYNCED])  # secure_delete: no copy is left
        self.conn.execute("delete from written where token not in (select token from entries)")
        return rep

    def recheck(self, store: Store) -> SyncReport:
        """Judge every conflict again against the store as it stands now (before the clerk is shown them): the
        values shown as the other window's are the current ones, a field the other window changed since the
        sync is in the conflict too, and a conflict that no longer clashes (the other window changed it back)
        is simply saved. Safe to run at any time: each entry lands at most once (its send token)."""
        with _sync_lock(self.path):
            with self._lock:
                self.conn.execute("update entries set state = ? where state = ?", [PENDING, CONFLICT])
            return self._sync(store)

    def _check(self, store: Store, e: Entry, expect: Any) -> None:
        """Inside the store's write transaction: the profile is still at version EXPECT (None: still erased),
        the one the clerk decided on; else ``StaleConflict`` (nothing is written)."""
        if expect is UNCHECKED:
            return
        cur = store.profiles.get(e.kind, e.key, audit=False)
        if (cur.version if cur is not None else None) != expect:
            raise StaleConflict("档案在您处理冲突期间又被其他窗口修改，未保存，请重新核对 (the profile was changed again at "
                                "another window while you decided: nothing was saved, check the conflict again)")

    def resolve(self, eid: int, record: dict[str, Any], store: Store, *, expect: Any = UNCHECKED,
                note: tuple[str, dict[str, Any]] | None = None) -> None:
        """The clerk settled conflict EID with RECORD (the values chosen field by field): saved now, on top of
        the current version, and the entry is gone. EXPECT: the profile's version the clerk decided on (None:
        erased; ``UNCHECKED``: not checked) — checked under the hall's write lock in the same transaction as the
        save, so a change another window made meanwhile is never overwritten by a decision made without it.
        NOTE: an audit row (action, detail) written in that transaction too."""
        e = next((x for x in self.conflicts() if x.id == eid), None)
        if e is None:
            raise ConfigError(f"no conflict {eid} in the outbox of {self.home}")
        with store.tx(durable=True):
            self._check(store, e, expect)
            if note is not None:
                store.audit.append(note[0], f"outbox:{store.clerk}", note[1])
            saved = store.profiles.save(e.kind, e.key, record, send_token=e.nonce or None)
            store.audit.append("outbox_conflict_resolved", f"outbox:{self.clerk}",
                               {"entry": eid, "fields": sorted(record)})
        self._wrote(e.kind, e.key, saved.version)
        self.conn.execute("delete from entries where id = ?", [eid])

    def discard(self, eid: int, store: Store, *, expect: Any = UNCHECKED,
                note: tuple[str, dict[str, Any]] | None = None) -> None:
        """The clerk settled conflict EID by keeping the shared store as it is (every field the other window's,
        or a profile deleted there stays deleted): nothing is written, the entry is gone, the decision audited.
        EXPECT and NOTE as for ``resolve``."""
        e = next((x for x in self.conflicts() if x.id == eid), None)
        if e is None:
            raise ConfigError(f"no conflict {eid} in the outbox of {self.home}")
        with store.tx(durable=True):
            self._check(store, e, expect)
            if note is not None:
                store.audit.append(note[0], f"outbox:{store.clerk}", note[1])
            store.audit.append("outbox_conflict_resolved", f"outbox:{self.clerk}", {"entry": eid, "fields": []})
        self.conn.execute("delete from entries where id = ?", [eid])

    def _done(self, eid: int, state: str, data: dict[str, Any] | None = None) -> None:
        """Mark entry EID. A conflict is marked only on an entry still pending: another process may have
        landed it meanwhile (its mark as synced stands)."""
        only = " and state = 'pending'" if state == CONFLICT else ""
        with self._lock:
            if data is None:
                self.conn.execute(f"update entries set state = ? where id = ?{only}", [state, eid])
            else:
                self.conn.execute(f"update entries set state = ?, data = ? where id = ?{only}",
                                  [state, self._seal(eid, data), eid])


def open_for_capture(home: Path, *, url: str | None = None, clerk: str | None = None
                     ) -> tuple[Store | None, Outbox | None, str | None]:
    """(store, outbox, why): the shared store when it answers (and the outbox synced into it first), else None,
    the outbox and the message to show at once. On a SQLite workstation: (store, None, None)."""
    from clerkdesk.store.db import Store
    from clerkdesk.store.unreachable import StoreUnreachable

    try:
        store = Store.open(home, clerk=clerk, url=url)
    except StoreUnreachable as e:
        return None, Outbox.open(home, clerk), str(e)
    if not store.shared:
        return store, None, None
    box = Outbox.open(home, clerk)
    if box.pending():
        box.sync(store)
    return store, box, None
