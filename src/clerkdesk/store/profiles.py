"""Profiles (一人一档 / 一企一档): persons and enterprises with a version history.

Rows hold only a blind-index token (keyed hash of the ID number or credit
code) and an encrypted JSON blob; nothing readable about the person. Saving
an existing key merges the new values into the profile as a new version and
marks the given fields as verified today.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from clerkdesk.store.db import Store

KINDS = ("person", "enterprise")


@dataclass(frozen=True)
class Profile:
    id: int
    kind: str
    version: int
    record: dict[str, Any]  # short field names → values (as in Person.to_dict)
    verified: dict[str, str]  # field → ISO date it was last confirmed at the counter
    created_at: str
    updated_at: str


@dataclass(frozen=True)
class Saved:
    profile_id: int
    version: int
    created: bool
    changed: list[str]  # field names whose value changed in this version
    again: bool = False  # ``save(send_token=…)`` found the token: saved before, nothing written now


@dataclass(frozen=True)
class Version:
    version: int
    at: str
    actor: str
    changed: list[str]
    record: dict[str, Any]


def profile_key(kind: str, key: str) -> str:
    """The form a profile is keyed by: an 18-digit ID number (15-digit numbers converted, ``x`` → ``X``,
    full-width digits and spaces normalised) or a credit code without spaces or dashes, upper case.

    Every lookup goes through this, so the clerk finds the same profile however the number was typed.
    It does not validate: a wrong number simply finds nothing.
    """
    from clerkdesk.records.standards import convert_15_to_18, normalise_uscc

    _check_kind(kind)
    if kind == "enterprise":
        return normalise_uscc(key)
    raw = re.sub(r"\s", "", unicodedata.normalize("NFKC", key or "")).upper()
    return convert_15_to_18(raw) if len(raw) == 15 and raw.isdigit() else raw


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"profile kind must be one of {KINDS}, not {kind!r}")


class Profiles:
    def __init__(self, store: Store):
        self.s = store

    def lookup_token(self, kind: str, key: str) -> str:
        return self.s.cipher.blind_index(kind, profile_key(kind, key))

    def _save_one(self, db: Any, kind: str, token: str, record: dict[str, Any], today: str, ts: str) -> Saved:
        """Create or merge one profile inside the caller's transaction (no audit row)."""
        conn = db.conn
        row = conn.execute("select id, version, data from profiles where lookup = ?", [token]).fetchone()
        if row:
            pid, old_version, blob = row
            old = self.s.unseal(blob, f"profile:{token}")
            merged = {**old["record"], **record}
            changed = sorted(k for k in merged if old["record"].get(k) != merged.get(k))
            verified = {**old["verified"], **dict.fromkeys(record, today)}
            version = old_version + 1
            conn.execute("update profiles set version = ?, updated_at = ?, data = ? where id = ?",
                         [version, ts, self.s.seal({"record": merged, "verified": verified}, f"profile:{token}"),
                          pid])
            created = False
        else:
            merged, changed, version, created = dict(record), sorted(record), 1, True
            verified = dict.fromkeys(record, today)
            pid = db["profiles"].insert(
                {"kind": kind, "lookup": token, "version": 1, "created_at": ts, "updated_at": ts,
                 "data": self.s.seal({"record": merged, "verified": verified}, f"profile:{token}")}).last_pk
        conn.execute("insert into profile_versions (profile_id, version, at, actor, changed, data) "
                     "values (?, ?, ?, ?, ?, ?)",
                     [pid, version, ts, self.s.clerk, json.dumps(changed),
                      self.s.seal(merged, f"version:{token}:{version}")])
        return Saved(int(pid), version, created, changed)

    def save(self, kind: str, key: str, record: dict[str, Any], *, verified_on: date | None = None,
             send_token: str | None = None) -> Saved:
        """Create or update the profile of KIND keyed by KEY (ID number / credit code) with RECORD.

        An existing profile gets RECORD merged in as a new version; the given fields are marked
        verified today. One audit row names the fields that changed (never their values).

        SEND_TOKEN (an outbox entry's random token, ``store.outbox``): saved at most once — the token is
        stored with the version in the same transaction, under the write lock, and a save with a token
        already stored writes nothing and returns that version with ``again`` set.
        """
        from clerkdesk.store.db import now

        token = self.lookup_token(kind, key)
        today = (verified_on or date.today()).isoformat()
        with self.s.tx(durable=True) as db:
            if send_token is not None:
                row = db.execute("select profile_id, version from outbox_tokens where token = ?",
                                 [send_token]).fetchone()
                if row is not None:
                    return Saved(int(row[0]), int(row[1]), False, [], again=True)
            ts = now()
            saved = self._save_one(db, kind, token, record, today, ts)
            if send_token is not None:
                db.execute("insert into outbox_tokens (token, profile_id, version, at) values (?, ?, ?, ?)",
                           [send_token, saved.profile_id, saved.version, ts])
            self.s.audit.append("created" if saved.created else "changed", f"{kind}:{saved.profile_id}",
                                {"version": saved.version, "fields": saved.changed})
        return saved

    def save_many(self, kind: str, items: Iterable[tuple[str, dict[str, Any]]], *,
                  verified_on: date | None = None) -> list[Saved]:
        """Save many profiles in one transaction (imports, benchmarks): all or nothing.

        Every profile is still audited: one audit row for the batch names each profile id, split into
        created and changed (never the values).
        """
        from clerkdesk.store.db import now

        _check_kind(kind)
        today = (verified_on or date.today()).isoformat()
        out: list[Saved] = []
        with self.s.tx() as db:
            ts = now()
            for key, record in items:
                out.append(self._save_one(db, kind, self.lookup_token(kind, key), record, today, ts))
            if out:
                self.s.audit.append("saved_batch", f"{kind}:batch", {
                    "created": [x.profile_id for x in out if x.created],
                    "changed": [x.profile_id for x in out if not x.created]})
        return out

    def get(self, kind: str, key: str, *, audit: bool = True) -> Profile | None:
        token = self.lookup_token(kind, key)
        if audit and self.s.shared:  # the hall's commonest call: the row and its view in one round trip
            found = self.s.audit.view_by_lookup(kind, token)
            if not found:
                return None
            row = found[0]
            data = self.s.unseal(row["data"], f"profile:{token}")
        else:
            rows = list(self.s.db["profiles"].rows_where("lookup = ?", [token]))
            if not rows:
                return None
            row = rows[0]
            data = self.s.unseal(row["data"], f"profile:{token}")
            if audit:
                self.s.audit.record_view("viewed", f"{kind}:{row['id']}")
        return Profile(row["id"], kind, row["version"], data["record"], data["verified"], row["created_at"],
                       row["updated_at"])

    def history(self, kind: str, key: str, *, audit: bool = True) -> list[Version]:
        token = self.lookup_token(kind, key)
        if audit and self.s.shared:  # the versions and their view in one round trip, as a lookup
            rows = self.s.audit.view_by_lookup(kind, token, action="viewed_history", then=(
                "select v.* from profile_versions v join p on v.profile_id = p.id order by v.version"))
        else:
            found = list(self.s.db["profiles"].rows_where("lookup = ?", [token]))
            if not found:
                return []
            pid = found[0]["id"]
            rows = list(self.s.db["profile_versions"].rows_where("profile_id = ?", [pid], order_by="version"))
            if audit:
                self.s.audit.record_view("viewed_history", f"{kind}:{pid}")
        return [Version(r["version"], r["at"], r["actor"], json.loads(r["changed"]),
                        self.s.unseal(r["data"], f"version:{token}:{r['version']}")) for r in rows]

    def landed(self, send_token: str) -> int | None:
        """The profile version an outbox entry's SEND_TOKEN was saved as (``save(send_token=…)``), or None."""
        row = self.s.db.execute("select version from outbox_tokens where token = ?", [send_token]).fetchone()
        return int(row[0]) if row else None

    def high_water(self) -> int:
        """The newest profile version's id in the whole store (0 when none), or the newest erasure's mark when
        that is higher: a window's mark of what the hall held while it answered (``store.outbox``). Every write
        takes the store's one write lock and both come from the versions' id sequence, so they come in commit
        order and a version (or an erasure) with a higher number was written after the mark was taken."""
        row = self.s.db.execute("select max(id) from profile_versions").fetchone()
        mark = int(row[0] or 0) if row else 0
        if self.s.shared:
            row = self.s.db.execute("select max(mark) from profile_erasures").fetchone()
            mark = max(mark, int(row[0] or 0) if row else 0)
        return mark

    def _erasure_hint(self, token: str) -> str:
        """16 bits of a hash of the lookup TOKEN: enough to tell a window's sync "this key may have been erased",
        too little to name anyone (each hint stands for 1/65536 of all numbers), and not the token itself."""
        import hashlib

        return hashlib.sha256(b"erased:" + token.encode()).hexdigest()[:4]

    def erased_since(self, kind: str, key: str, mark: int | None) -> bool:
        """Whether a profile keyed like KIND/KEY may have been erased after the high-water MARK (None: at any
        time) — its hint matches an erasure with a later mark. A false "yes" (another number with the same
        hint) only asks the clerk; it never writes or drops anything."""
        if not self.s.shared:
            return False
        hint = self._erasure_hint(self.lookup_token(kind, key))
        row = self.s.db.execute("select count(*) from profile_erasures where kind = ? and hint = ? and mark > ?",
                                [kind, hint, -1 if mark is None else mark]).fetchone()
        return bool(row and row[0])

    def version_at(self, kind: str, key: str, mark: int) -> int | None:
        """The version number the profile of KIND/KEY had at the high-water MARK (None: it did not exist yet)."""
        token = self.lookup_token(kind, key)
        row = self.s.db.execute(
            "select max(v.version) from profile_versions v join profiles p on p.id = v.profile_id "
            "where p.lookup = ? and v.id <= ?", [token, mark]).fetchone()
        return int(row[0]) if row and row[0] is not None else None

    def delete(self, kind: str, key: str) -> bool:
        """Erase the profile and every row that holds its personal data, in one durable transaction.

        Gone: the profile, every version, the kept document images (证件) of the profile and of its
        cases, and, in each of its cases, the record snapshot, case fields, captured values, run
        payloads, run-event messages and evidence screenshots (``Cases.erase_applicant``). The case,
        run and event rows stay as an audit skeleton without personal content. One ``deleted`` audit
        row lists what went (ids and counts), plus ``documents_erased`` when images were kept.
        ``secure_delete`` overwrites the freed bytes; the WAL is checkpointed and truncated after.
        """
        token = self.lookup_token(kind, key)
        with self.s.tx(durable=True) as db:
            rows = list(db["profiles"].rows_where("lookup = ?", [token]))
            if not rows:
                return False
            pid = rows[0]["id"]
            erasure = self.s.cases.erase_applicant(pid)
            documents: list[int] = []
            if db["documents"].exists():
                marks = ", ".join("?" * len(erasure.cases))
                where = "profile_id = ?" + (f" or case_id in ({marks})" if erasure.cases else "")
                args = [pid, *erasure.cases]
                documents = [r["id"] for r in db.query(f"select id from documents where {where} order by id", args)]
                db.execute(f"delete from documents where {where}", args)
            drafts = self.s.drafts.erase_mentions(db, profile_key(kind, key))
            db.execute("delete from profile_versions where profile_id = ?", [pid])
            db.execute("delete from profiles where id = ?", [pid])
            if self.s.shared:  # a window offline meanwhile must not recreate the person silently at its sync
                from clerkdesk.store.db import now

                mark = db.execute("select nextval(pg_get_serial_sequence('profile_versions', 'id'))").fetchone()[0]
                db.execute("insert into profile_erasures (kind, hint, mark, at) values (?, ?, ?, ?)",
                           [kind, self._erasure_hint(token), int(mark), now()])
            detail = {**erasure.detail(), **({"drafts": drafts} if drafts else {})}
            self.s.audit.append("deleted", f"{kind}:{pid}", detail or None)
            if documents:
                self.s.audit.append("documents_erased", f"{kind}:{pid}", {"documents": documents})
        if not self.s.shared:  # leave no copy of the erased pages in the WAL
            self.s.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return True

    def count(self, kind: str | None = None) -> int:
        if kind:
            return self.s.db["profiles"].count_where("kind = ?", [kind])
        return self.s.db["profiles"].count
