"""Append-only audit log of every action on personal data, chained and signed.

Each row records who, what and when (field names and row ids, never the
personal values) and an HMAC over its content and the previous row's hash,
keyed by a key derived from the master key. The head (row count + last hash)
is signed in ``meta``, so a changed, removed or truncated row is detected by
``verify`` even by someone who can edit the file but has no key.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from clerkdesk.store.db import Store

GENESIS = "0" * 64
_COLUMNS = ("id", "at", "actor", "action", "subject", "detail", "prev")


@dataclass(frozen=True)
class AuditReport:
    ok: bool
    rows: int
    problems: list[str]


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
            last = list(db.query("select id, hash from audit order by id desc limit 1"))
            prev = last[0]["hash"] if last else GENESIS
            row = {"id": (last[0]["id"] + 1) if last else 1, "at": now(), "actor": actor or self.s.clerk,
                   "action": action, "subject": subject,
                   "detail": json.dumps(detail or {}, ensure_ascii=False, sort_keys=True), "prev": prev}
            row["hash"] = self._digest(row)
            db["audit"].insert(row)
            self._sign_head(db, row["id"], row["hash"])

    def rows(self, subject: str | None = None) -> list[dict[str, Any]]:
        if subject:
            return list(self.s.db["audit"].rows_where("subject = ?", [subject], order_by="id"))
        return list(self.s.db["audit"].rows_where(order_by="id"))

    def verify(self) -> AuditReport:
        problems: list[str] = []
        prev = GENESIS
        n = 0
        expected_id = 1
        for row in self.s.db["audit"].rows_where(order_by="id"):
            n += 1
            if row["id"] != expected_id:
                problems.append(f"rows {expected_id}..{row['id'] - 1} are missing")
            expected_id = row["id"] + 1
            if row["prev"] != prev:
                problems.append(f"row {row['id']}: does not follow the previous row (chain broken)")
            if self._digest(row) != row["hash"]:
                problems.append(f"row {row['id']}: content was changed after it was written")
            prev = row["hash"]
        meta = {r["key"]: r["value"] for r in self.s.db["meta"].rows}
        head = meta.get("audit_head")
        if head is None:
            problems.append("the signed head of the log is missing (rows or the head were removed)")
        else:
            hid, hhash, sig = ([*head.split(":"), "", "", ""])[:3]
            if not hid.isdigit() or self.s.cipher.sign(f"head|{hid}:{hhash}") != sig:
                problems.append("the signed head of the log was changed")
            elif int(hid) != expected_id - 1 or hhash != prev:
                why = "rows removed" if int(hid) >= expected_id - 1 else "rows added without the key"
                problems.append(f"the log ends at row {expected_id - 1} but was signed up to row {hid} ({why})")
        return AuditReport(not problems, n, problems)
