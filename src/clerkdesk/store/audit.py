"""Append-only audit log of every action on personal data, chained, signed and anchored outside the file.

Each row records who, what and when (field names and row ids, never the personal values) and an HMAC over
its content and the previous row's hash, keyed by a key derived from the master key. Three things hold the
end of the chain, so that cutting it shows:

- the signed head in ``meta`` (row count + last hash): catches rows removed or added by someone who can
  edit the file but has no key;
- the **anchor** beside the key (``store/anchor.py``): catches what the file alone cannot show — a wiped
  log, a cut tail, an older copy of the whole file put back, a WAL lost in half;
- **signed checkpoints** (Ed25519, every ``CHECKPOINT_EVERY`` rows, at each backup and on demand): an
  auditor verifies rows 1..N offline with the public key alone (``verify_offline``), without the key that
  could also forge them.

On the hall's shared store, the audit rows of read-only views (lookups) are written first as signed *pending*
rows, without the hall's write lock, and chained in batches (``record_view``, ``flush_views``).

The threat model (who can do what undetected) is in docs/security.md.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import secrets
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from clerkdesk.store.db import Store

GENESIS = "0" * 64
CHECKPOINT_EVERY = 100
_COLUMNS = ("id", "at", "actor", "action", "subject", "detail", "prev")
_PENDING = ("at", "actor", "action", "subject", "detail", "nonce")


def _lookup_token(detail: str | None) -> str | None:
    """The lookup token a pending view written by ``view_by_lookup`` carries in its detail; None for any other
    row (also for a detail that is not JSON: such a row is judged by its plain MAC)."""
    try:
        d = json.loads(detail or "{}")
    except ValueError:
        return None
    token = d.get("lookup") if isinstance(d, dict) else None
    return token if isinstance(token, str) else None


@dataclass(frozen=True)
class AuditReport:
    ok: bool
    rows: int
    problems: list[str]
    notes: list[str] = field(default_factory=list)  # facts for the auditor that are no problem


def _public_step(digest: str, row: dict[str, Any]) -> str:
    """The public running digest over rows (no key): what a signed checkpoint vouches for."""
    body = json.dumps([row[k] for k in (*_COLUMNS, "hash")], ensure_ascii=False)
    return hashlib.sha256(f"{digest}|{body}".encode()).hexdigest()


def checkpoint_message(store_id: str, seq: int, head: str, digest: str, at: str) -> bytes:
    return f"clerkdesk audit checkpoint v1|{store_id}|{seq}|{head}|{digest}|{at}".encode()


def _walk(rows: Iterable[dict[str, Any]], checkpoints: list[dict[str, Any]], store_id: str, public_key: Any,
          digest_of: Any = None) -> tuple[int, int, str, list[str], list[str]]:
    """Check the chain's structure and every signed checkpoint over ROWS (in id order).

    Returns (rows seen, last id, last hash, problems, notes). DIGEST_OF (the HMAC of a row, when the key is
    at hand) also checks each row's content.
    """
    from cryptography.exceptions import InvalidSignature

    problems: list[str] = []
    notes: list[str] = []
    prev = GENESIS
    public = GENESIS
    n = 0
    expected_id = 1
    by_seq = {int(c["seq"]): c for c in checkpoints}
    checked: set[int] = set()
    for row in rows:
        n += 1
        if row["id"] != expected_id:
            problems.append(f"rows {expected_id}..{row['id'] - 1} are missing")
        expected_id = row["id"] + 1
        if row["prev"] != prev:
            problems.append(f"row {row['id']}: does not follow the previous row (chain broken)")
        if digest_of is not None and digest_of(row) != row["hash"]:
            problems.append(f"row {row['id']}: content was changed after it was written")
        prev = row["hash"]
        public = _public_step(public, row)
        cp = by_seq.get(row["id"])
        if cp is not None:
            checked.add(row["id"])
            if cp["head"] != row["hash"] or cp["digest"] != public:
                problems.append(f"rows 1..{row['id']} differ from what the signed checkpoint of {cp['at']} "
                                "vouches for (rows changed, removed or reordered)")
    for seq, cp in sorted(by_seq.items()):
        try:
            public_key.verify(bytes.fromhex(cp["sig"]), checkpoint_message(store_id, seq, cp["head"], cp["digest"],
                                                                           cp["at"]))
        except (InvalidSignature, ValueError):
            problems.append(f"the checkpoint at row {seq} does not carry a valid signature of this store's key")
            continue
        if seq not in checked:
            problems.append(f"row {seq} is gone, but a checkpoint signed on {cp['at']} shows it was written")
    last = expected_id - 1
    if by_seq:
        top = max(by_seq)
        notes.append(f"rows 1..{min(top, last)} are covered by signed checkpoints (the last of {by_seq[top]['at']})"
                     + (f"; rows {top + 1}..{last} are not yet" if last > top else ""))
    elif last:
        notes.append(f"no signed checkpoint yet: rows 1..{last} are covered only by the keyed chain")
    return n, last, prev, problems, notes


class AuditLog:
    def __init__(self, store: Store):
        self.s = store

    def _digest(self, row: dict[str, Any]) -> str:
        # A JSON array, not "a|b|c": no value can shift into its neighbour's column and keep the hash.
        return self.s.cipher.sign(json.dumps([row[k] for k in _COLUMNS], ensure_ascii=False))

    def _sign_head(self, db: Any, last_id: int, last_hash: str) -> None:
        head = f"{last_id}:{last_hash}"
        db["meta"].upsert({"key": "audit_head", "value": f"{head}:{self.s.cipher.sign('head|' + head)}"}, pk="key")

    def init_head(self) -> None:
        """Sign the empty log when the store is created, so deleting every row (and the head) shows."""
        with self.s.tx() as db:
            self._sign_head(db, 0, GENESIS)

    def append(self, action: str, subject: str, detail: dict[str, Any] | None = None, actor: str | None = None) -> None:
        """Record ACTION on SUBJECT (e.g. "person:12"). DETAIL holds field names and ids only."""
        from clerkdesk.store.db import now

        with self.s.tx() as db:
            # Views written before this action go into the chain before it (the log stays in the order things
            # happened, as far as one server's commits order them); it costs one select under the lock we hold.
            earlier = self._take_pending(db) if self.s.shared else []
            self._chain(db, [*earlier, {"at": now(), "actor": actor or self.s.clerk, "action": action,
                                        "subject": subject,
                                        "detail": json.dumps(detail or {}, ensure_ascii=False, sort_keys=True)}])

    def _chain(self, db: Any, items: list[dict[str, Any]]) -> None:
        """Append ITEMS (at, actor, action, subject, detail) to the chain inside the caller's write transaction:
        one signed head for the lot, a checkpoint at every ``CHECKPOINT_EVERY`` rows, the anchor after commit."""
        last = list(db.query("select id, hash from audit order by id desc limit 1"))
        seq, prev = (int(last[0]["id"]), str(last[0]["hash"])) if last else (0, GENESIS)
        row: dict[str, Any] = {}
        for item in items:
            seq += 1
            row = {"id": seq, **{k: item[k] for k in ("at", "actor", "action", "subject", "detail")}, "prev": prev}
            row["hash"] = prev = self._digest(row)
            db["audit"].insert(row)
            if seq % CHECKPOINT_EVERY == 0:
                self._checkpoint(db, seq, prev)
        if row:
            self._sign_head(db, seq, prev)
            self.s.anchor_after_commit(seq, prev, row["at"])

    # --- read-only views on the shared store -------------------------------------------------------------
    def record_view(self, action: str, subject: str, detail: dict[str, Any] | None = None) -> None:
        """Record that the clerk saw SUBJECT (a lookup, a history): in the chain at once on the SQLite file; on
        the shared store as a *pending* row, written at once but outside the hall's write lock.

        Why: a lookup is the commonest thing a hall does, and appending to the one chain means taking the lock
        every writer of every window takes, then rewriting the anchor file — at 40 busy windows lookups queued
        behind each other (p99 831 ms, docs/hall.md). A pending row is one unlocked insert, MAC'd with the audit
        key over its content and a random nonce, so nobody without the key can add or alter one; a background
        flush (``flush_views``, within ``VIEW_FLUSH_S``, and at close; rows a crashed process left are chained
        by the next flush of any process) moves them into the chain under the lock, many rows per lock and
        one anchor write. What this gives up is in docs/security.md ("Views on the shared store").
        """
        if not self.s.shared:
            self.append(action, subject, detail)
            return
        self.s.refuse_if_damaged()
        self.s.db["audit_pending"].insert(self._pending_row(action, subject, detail))
        self.s.views_written()

    def _pending_row(self, action: str, subject: str, detail: dict[str, Any] | None) -> dict[str, Any]:
        from clerkdesk.store.db import now

        row = {"at": now(), "actor": self.s.clerk, "action": action, "subject": subject,
               "detail": json.dumps(detail or {}, ensure_ascii=False, sort_keys=True),
               "nonce": secrets.token_hex(12)}
        row["mac"] = self._pending_mac(row)
        return row

    def view_by_lookup(self, kind: str, token: str, *, action: str = "viewed",
                       then: str = "select * from p") -> list[dict[str, Any]]:
        """The rows THEN selects over ``p``, the profile whose blind index is TOKEN, with its view row (ACTION:
        ``viewed`` for a lookup, ``viewed_history`` for its versions) written *by the same statement*: one round
        trip on the shared store, not two or three (the select, the versions, the view's insert), and still no
        view without its rows read, nor rows shown without their view (one statement is atomic). Nothing, and
        nothing recorded, when there is no such profile. THEN is one of this module's callers' own constants.

        The view row is MAC'd before the profile id is known, so its MAC covers the subject as ``KIND:?`` and
        the lookup token in its detail; the statement fills in ``KIND:<id>``. The flush checks that the id is
        the token's profile (``_genuine``) and chains the row without the token: the chain names ids only,
        as for every other view."""
        self.s.refuse_if_damaged()
        row = self._pending_row(action, f"{kind}:?", {"lookup": token})
        rows = list(self.s.db.query(
            "with p as (select * from profiles where lookup = ?), v as ("
            "insert into audit_pending (at, actor, action, subject, detail, nonce, mac) "
            f"select ?, ?, ?, ?::text || p.id::text, ?, ?, ? from p) {then}",
            [token, row["at"], row["actor"], row["action"], f"{kind}:", row["detail"], row["nonce"], row["mac"]]))
        if rows:
            self.s.views_written()
        return rows

    def _pending_mac(self, row: dict[str, Any]) -> str:
        return self.s.cipher.sign(json.dumps(["pending", *(row[k] for k in _PENDING)], ensure_ascii=False))

    def _genuine(self, db: Any, pending: list[dict[str, Any]]) -> list[bool]:
        """For each pending row: was it written by a ClerkDesk holding the key, unaltered? A lookup's view
        (``view_by_lookup``) is MAC'd over ``KIND:?`` and its token; its id must be that token's profile —
        or a profile no longer there (erased after the view, before the flush: nothing is left to check it
        against, and the row's MAC still proves who looked up what, when)."""
        def pid_of(p: dict[str, Any]) -> str:  # any text a DBA may have put there; an id has digits only
            pid = str(p["subject"] or "").partition(":")[2]
            return pid if pid.isdigit() and len(pid) < 19 else ""

        ids = [int(i) for p in pending if (i := pid_of(p))]
        tokens = ({int(r["id"]): r["lookup"] for r in db.query(
            "select id, lookup from profiles where id = any(?)", [ids])} if ids else {})
        out = []
        for p in pending:
            token = _lookup_token(p["detail"])
            if token is None:
                out.append(self._pending_mac(p) == p["mac"])
                continue
            kind, pid = str(p["subject"] or "").partition(":")[0], pid_of(p)
            out.append(bool(pid) and self._pending_mac({**p, "subject": f"{kind}:?"}) == p["mac"]
                       and tokens.get(int(pid), token) == token)
        return out

    @staticmethod
    def _as_chained(p: dict[str, Any]) -> dict[str, Any]:
        """A genuine pending row as the chain keeps it: a lookup's token taken out (ids only in the chain)."""
        if _lookup_token(p["detail"]) is None:
            return dict(p)
        detail = {k: v for k, v in json.loads(p["detail"]).items() if k != "lookup"}
        return {**p, "detail": json.dumps(detail, ensure_ascii=False, sort_keys=True)}

    def pending_count(self) -> int:
        """Views written but not yet chained (always 0 on the SQLite file)."""
        if not self.s.shared or not self.s.db["audit_pending"].exists():
            return 0
        return int(self.s.db["audit_pending"].count)

    def flush_views(self, *, wait: bool = True) -> int:
        """Move every pending view (of any process) into the chain, in one write transaction; returns how many.
        WAIT=False: ``store.pg.WriteLockBusy`` when another transaction holds the hall's write lock.

        A pending row whose MAC does not match was not written by a ClerkDesk holding the key: it is not
        chained as a view; one ``audit_pending_forged`` row records how many were dropped (``verify`` reports
        it). Nothing is done on a damaged store (the chain is not extended on top of a cut).
        """
        if not self.s.shared or self.s.damage or not self.s.db["audit_pending"].exists():
            return 0
        if self.s.db.execute("select 1 from audit_pending limit 1").fetchone() is None:
            return 0  # nothing waiting (another process flushed it): no lock taken
        with self.s.tx(wait=wait) as db:
            items = self._take_pending(db)
            self._chain(db, items)
            return sum(i["action"] != "audit_pending_forged" for i in items)

    def _take_pending(self, db: Any) -> list[dict[str, Any]]:
        """The pending views as chain items, removed from ``audit_pending`` (inside the caller's locked write
        transaction: they are chained in it or stay pending). Rows with a wrong MAC become one
        ``audit_pending_forged`` item. Exactly the rows read are deleted: a view committing meanwhile (its
        insert takes no lock) waits for the next flush."""
        if not db["audit_pending"].exists():
            return []
        pending = list(db.query("select * from audit_pending order by id"))
        if not pending:
            return []
        good = [p for p, ok in zip(pending, self._genuine(db, pending), strict=True) if ok]
        items = [self._as_chained(p) for p in good]
        if len(good) < len(pending):
            from clerkdesk.store.db import now

            items.append({"at": now(), "actor": self.s.clerk, "action": "audit_pending_forged",
                          "subject": "audit", "detail": json.dumps({"rows": len(pending) - len(good)})})
        db.run("delete from audit_pending where id = any(%s)", [[int(p["id"]) for p in pending]])
        return items

    def _settled(self) -> None:
        """Chain the pending views before the log is read, so readers see one log (best effort: a damaged or
        unreachable store is read as it is)."""
        from clerkdesk.errors import StoreDamaged

        with contextlib.suppress(StoreDamaged):
            self.flush_views()

    # --- checkpoints ---------------------------------------------------------------------------------
    def _checkpoint(self, db: Any, seq: int, head: str) -> None:
        from clerkdesk.store.db import now

        if not db["audit_checkpoints"].exists() or list(db.query(
                "select 1 from audit_checkpoints where seq = ?", [seq])):
            return
        base = list(db.query("select seq, digest from audit_checkpoints where seq < ? order by seq desc limit 1",
                             [seq]))
        start, public = (base[0]["seq"], base[0]["digest"]) if base else (0, GENESIS)
        for row in db.query("select * from audit where id > ? and id <= ? order by id", [start, seq]):
            public = _public_step(public, row)
        at = now()
        sig = self.s.cipher.checkpoint_key().sign(checkpoint_message(self.s.store_id, seq, head, public, at))
        db["audit_checkpoints"].insert({"seq": seq, "at": at, "head": head, "digest": public, "sig": sig.hex()})

    def checkpoint(self) -> int:
        """Sign a checkpoint at the current end of the log (``clerkdesk audit checkpoint``, each backup)."""
        self._settled()
        with self.s.tx() as db:
            last = list(db.query("select id, hash from audit order by id desc limit 1"))
            if not last:
                return 0
            self._checkpoint(db, last[0]["id"], last[0]["hash"])
            return int(last[0]["id"])

    def public_key_pem(self) -> str:
        """The public half of the checkpoint key, for an auditor (``clerkdesk audit export-key``)."""
        from cryptography.hazmat.primitives import serialization

        return self.s.cipher.checkpoint_key().public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()

    # --- reading and verifying --------------------------------------------------------------------------
    def rows(self, subject: str | None = None) -> list[dict[str, Any]]:
        self._settled()
        if subject:
            return list(self.s.db["audit"].rows_where("subject = ?", [subject], order_by="id"))
        return list(self.s.db["audit"].rows_where(order_by="id"))

    def head(self) -> tuple[int, str]:
        last = list(self.s.db.query("select id, hash from audit order by id desc limit 1"))
        return (int(last[0]["id"]), str(last[0]["hash"])) if last else (0, GENESIS)

    def anchor_problems(self) -> list[str]:
        """What the anchor beside the key says is missing from this database (empty when it agrees).

        Cheap (two row lookups), so ``Store.open`` runs it every time: a lost WAL tail or an older copy of
        the file is reported before anything is written on top of it.
        """
        anchor = self.s.anchor
        try:
            a = anchor.read()
        except ValueError as e:
            return [str(e)]
        if a is None:
            return []
        last, _ = self.head()
        signed = self._signed_head_id()
        if a.seq > last:
            lost = f"rows {last + 1}..{a.seq} are gone"
            if last == 0:
                return [f"the audit log was wiped: it is empty, but the anchor beside the key ({anchor.path}) "
                        f"recorded row {a.seq} on {a.at}"]
            if signed == last:
                return [f"{lost}: the database ends consistently at row {last}, but the anchor beside the key "
                        f"recorded row {a.seq} on {a.at} — an older copy of the file was put back, or its WAL "
                        "(the last committed writes) was lost"]
            return [f"{lost}: the tail of the audit log was cut (the anchor beside the key recorded row {a.seq} "
                    f"on {a.at})"]
        row = self.s.db.execute("select hash from audit where id = ?", [a.seq]).fetchone() if a.seq else None
        if a.seq and (row is None or row[0] != a.hash):
            return [f"row {a.seq} is not the row the anchor beside the key recorded on {a.at}: the log was rolled "
                    "back and written again (every row from there on may replace lost ones)"]
        return []

    def sink_problems(self) -> tuple[list[str], list[str]]:
        """(problems, notes) from the append-only sinks the policy names: every head this store ever sent to a
        readable sink must still be in the database, as it was. This is what still finds a rollback of the
        database *together with* the anchor beside the key (someone with both folders)."""
        sinks = self.s.sinks
        problems: list[str] = []
        notes: list[str] = []
        if sinks.error:
            problems.append(f"an append-only audit sink could not be written: {sinks.error}")
        unreadable = [spec for spec in sinks.specs if not spec.startswith("file:")]
        if unreadable:
            notes.append(f"heads are also sent to {', '.join(unreadable)}; ClerkDesk cannot read those back: "
                         "compare them with this head (journalctl -t clerkdesk-audit; on Windows, Event Viewer → "
                         "Application, source ClerkDesk, event 1000)")
        last, _ = self.head()
        for spec, heads in sinks.readable_heads(self.s.store_id).items():
            forged = [h for h in heads if h.seq < 0 or self.s.anchor.sign(h.seq, h.hash, h.at) != h.sig]
            if forged:
                problems.append(f"{len(forged)} line(s) of the audit sink {spec} are not signed with this store's "
                                "key (added or altered by hand)")
            good = [h for h in heads if h not in forged]
            top = max((h.seq for h in good), default=0)
            if top > last:
                h = max(good, key=lambda x: x.seq)
                what = "wiped: it is empty" if last == 0 else f"ends at row {last}"
                problems.append(f"rows {last + 1}..{top} are gone: the audit log {what}, but the append-only sink "
                                f"{spec} recorded row {top} on {h.at} (the database, and the anchor beside the "
                                "key with it, were put back to an older state)")
            wanted = sorted({h.seq for h in good if 0 < h.seq <= last})
            have: dict[int, str] = {}
            for i in range(0, len(wanted), 500):  # plain placeholders: the same SQL on SQLite and PostgreSQL
                chunk = wanted[i:i + 500]
                have.update({int(r[0]): str(r[1]) for r in self.s.db.execute(
                    f"select id, hash from audit where id in ({','.join('?' * len(chunk))})", chunk).fetchall()})
            changed = sorted({h.seq for h in good if 0 < h.seq <= last and have.get(h.seq) != h.hash})
            if changed:
                problems.append(f"row {changed[0]} is not the row the append-only sink {spec} recorded: the log was "
                                "rolled back and written again from there")
            notes.append(f"the append-only sink {spec} holds {len(heads)} head(s) of this store, the last row {top}")
        return problems, notes

    def _pending_problems(self) -> list[str]:
        """Views that were written without the key: rejected by a flush (an ``audit_pending_forged`` row), or
        still waiting (a flush could not run) with a MAC that does not match."""
        out = [f"row {r['id']}: {json.loads(r['detail'] or '{}').get('rows', '?')} view record(s) had been added to "
               "the shared store without the key (forged) and were not chained"
               for r in self.s.db["audit"].rows_where("action = ?", ["audit_pending_forged"], order_by="id")]
        if self.s.shared and self.s.db["audit_pending"].exists():
            waiting = list(self.s.db["audit_pending"].rows)
            bad = [p for p, ok in zip(waiting, self._genuine(self.s.db, waiting), strict=True) if not ok]
            if bad:
                out.append(f"{len(bad)} waiting view record(s) were added or altered without the key")
        return out

    def _signed_head_id(self) -> int | None:
        """The row the signed head in ``meta`` names; None when it is missing or its signature is wrong."""
        row = self.s.db.execute("select value from meta where key = 'audit_head'").fetchone()
        hid, hhash, sig = ([*str(row[0] if row else "").split(":"), "", "", ""])[:3]
        ok = hid.isdigit() and self.s.cipher.sign(f"head|{hid}:{hhash}") == sig
        return int(hid) if ok else None

    def verify(self) -> AuditReport:
        self._settled()
        rows = self.s.db["audit"].rows_where(order_by="id")
        cps = list(self.s.db["audit_checkpoints"].rows) if self.s.db["audit_checkpoints"].exists() else []
        n, last, prev, problems, notes = _walk(rows, cps, self.s.store_id,
                                               self.s.cipher.checkpoint_key().public_key(), self._digest)
        meta = {r["key"]: r["value"] for r in self.s.db["meta"].rows}
        head = meta.get("audit_head")
        if head is None:
            problems.append("the signed head of the log is missing (rows or the head were removed)")
        else:
            hid, hhash, sig = ([*head.split(":"), "", "", ""])[:3]
            if not hid.isdigit() or self.s.cipher.sign(f"head|{hid}:{hhash}") != sig:
                problems.append("the signed head of the log was changed")
            elif int(hid) != last or hhash != prev:
                why = "rows removed" if int(hid) >= last else "rows added without the key"
                problems.append(f"the log ends at row {last} but was signed up to row {hid} ({why})")
        problems += self.anchor_problems()
        problems += self._pending_problems()
        from clerkdesk.store.db import integrity_check

        if not self.s.shared:  # PostgreSQL checks its own pages (data checksums, amcheck): IT's side
            problems += [f"the database file is damaged: {p}" for p in integrity_check(self.s.db.conn)]
        try:
            a = self.s.anchor.read()
        except ValueError:
            a = None
        if a is not None:
            notes.append(f"the anchor beside the key ({self.s.anchor.path}) records row {a.seq} of {a.at}")
        else:
            notes.append(f"no anchor beside the key yet ({self.s.anchor.path})")
        if self.s.anchor_error:
            problems.append(f"the anchor beside the key could not be written: {self.s.anchor_error}")
        sink_problems, sink_notes = self.sink_problems()
        problems += sink_problems
        notes += sink_notes
        return AuditReport(not problems, n, list(dict.fromkeys(problems)), notes)


def verify_offline(db_path: Path, public_key_pem: bytes) -> AuditReport:
    """Verify the audit log of a database file with the checkpoint public key alone (no master key).

    What it proves: rows 1..N of every signed checkpoint are exactly the rows the store signed, and the
    rows after the last checkpoint follow the chain. What it cannot: the content of rows after the last
    checkpoint (their HMAC needs the key), nor whether a newer file existed — compare the checkpoint it
    reports with the one you recorded last time.
    """
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    from clerkdesk.errors import ConfigError

    try:
        key = load_pem_public_key(public_key_pem)
    except ValueError:
        raise ConfigError("the public key file is not a PEM public key (make one with: clerkdesk audit "
                          "export-key)") from None
    if not isinstance(key, Ed25519PublicKey):
        raise ConfigError("the public key is not an Ed25519 key from clerkdesk audit export-key")
    if not db_path.is_file():
        raise ConfigError(f"no database at {db_path}")
    conn = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        meta = {r["key"]: r["value"] for r in conn.execute("select key, value from meta")}
        tables = {r[0] for r in conn.execute("select name from sqlite_master where type = 'table'")}
        cps = [dict(r) for r in conn.execute("select * from audit_checkpoints")] if "audit_checkpoints" in tables \
            else []
        rows = (dict(r) for r in conn.execute("select * from audit order by id"))
        n, _last, _prev, problems, notes = _walk(rows, cps, str(meta.get("store_id", "")), key)
    except sqlite3.DatabaseError as e:
        raise ConfigError(f"{db_path} is not a readable ClerkDesk database ({e})") from None
    finally:
        conn.close()
    if not cps:
        problems.append("the file has no signed checkpoint: nothing can be verified without the key")
    return AuditReport(not problems, n, list(dict.fromkeys(problems)), notes)
