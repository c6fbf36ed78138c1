"""The clerk's unfinished capture form, kept encrypted until the case starts (never lose a record)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from clerkdesk.store.db import Store


@dataclass(frozen=True)
class Draft:
    saved_at: str
    data: dict[str, Any]  # what the shell saved: values, matters, …


class Drafts:
    """One draft per clerk. Saving is frequent and not audited (nothing leaves the store, and the values are
    audited when the case starts); restoring and discarding a draft are."""

    def __init__(self, store: Store):
        self.s = store

    def _aad(self) -> str:
        return f"draft:{self.s.clerk}"

    def save(self, data: dict[str, Any]) -> None:
        from clerkdesk.store.db import now

        blob = self.s.seal(data, self._aad())
        with self.s.tx() as db:
            db["drafts"].upsert({"clerk": self.s.clerk, "saved_at": now(), "data": blob}, pk="clerk")

    def get(self) -> Draft | None:
        row = next(self.s.db["drafts"].rows_where("clerk = ?", [self.s.clerk]), None)
        if row is None:
            return None
        return Draft(row["saved_at"], self.s.unseal(row["data"], self._aad()))

    def restored(self) -> None:
        self.s.audit.append("draft_restored", f"draft:{self.s.clerk}", None)

    def clear(self, why: str = "case started") -> bool:
        with self.s.tx() as db:
            gone = db.execute("delete from drafts where clerk = ?", [self.s.clerk]).rowcount > 0
            if gone and why != "case started":
                self.s.audit.append("draft_discarded", f"draft:{self.s.clerk}", {"why": why})
        return gone

    def erase_mentions(self, db: Any, key: str) -> int:
        """Inside the caller's transaction: drop every clerk's draft that holds KEY (an ID number or credit code
        whose profile is being erased)."""
        from clerkdesk.store.profiles import profile_key

        n = 0
        for row in list(db["drafts"].rows) if db["drafts"].exists() else []:
            try:
                data = self.s.unseal(row["data"], f"draft:{row['clerk']}")
            except Exception:
                continue
            typed = [str(v) for v in (data.get("values") or {}).values() if isinstance(v, str)]
            if any(profile_key(k, t) == key for t in typed for k in ("person", "enterprise")):
                db.execute("delete from drafts where clerk = ?", [row["clerk"]])
                n += 1
        return n

    def purge(self, older_than_hours: float = 72.0) -> int:
        """Drafts of every clerk older than OLDER_THAN_HOURS: an applicant who left days ago."""
        cutoff = (datetime.now().astimezone() - timedelta(hours=older_than_hours)).isoformat(timespec="milliseconds")
        with self.s.tx() as db:
            n = db.execute("delete from drafts where saved_at < ?", [cutoff]).rowcount
            if n:
                self.s.audit.append("drafts_expired", "drafts", {"count": n, "hours": older_than_hours})
        return int(n)
