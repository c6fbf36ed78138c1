"""The outbox's conflicts for the clerk: what this window captured while the hall's shared store was away,
that another window changed meanwhile, shown field by field and settled by the clerk — never overwritten.

Why a service (the outbox itself is the store's): the shells must not reach into the store, and a conflict
needs words the store does not have — each field's label (姓名, 户籍地址), both values, who changed the
shared profile and when — and the rule that turns the clerk's per-field choices into what is written:

- a field the clerk settles as **here** (this window's value) is saved over the store's;
- a field settled as **there** (the store's value) is left as the other window wrote it;
- a field only this window changed is saved (as the sync would have); a field only the other window changed
  is left alone. So the other window's work survives unless the clerk chose otherwise, field by field.

Every decision is audited (``conflict_decided``: the entry, each field's choice, never a value), besides the
outbox's own ``outbox_conflict_resolved``.

``reachable`` is the cheap question the window asks on a timer: is the shared store answering right now, so
the status bar can say at once that it is not.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Literal

from clerkdesk.desk.session import Session
from clerkdesk.errors import ClerkDeskError
from clerkdesk.records import model
from clerkdesk.records.masking import mask_id, mask_name
from clerkdesk.store.outbox import UNCHECKED, Outbox, SyncReport
from clerkdesk.store.unreachable import StoreUnreachable

Choice = Literal["here", "there"]
WHOLE = "*"  # the outbox's mark for "the profile was deleted at another window"

__all__ = ["Choice", "Conflict", "Conflicts", "FieldClash", "StoreUnreachable"]


@dataclass(frozen=True)
class FieldClash:
    field: str  # the record's short name (name, hukou_address) or ``*`` for the whole profile
    label: str  # 姓名 …, as the form shows it
    label_en: str  # name …, for the English window
    here: Any  # this window's value, captured offline
    there: Any  # the shared store's value now
    base: Any = None  # what both started from (None: unknown or new)


@dataclass(frozen=True)
class Conflict:
    id: int  # the outbox entry
    kind: str  # person | enterprise
    who: str  # the applicant, masked (张*明 · 1101**********1234): enough to recognise, not to leak
    captured_at: str  # when this window captured it (offline)
    captured_by: str
    changed_at: str  # when the shared profile was last changed ("" when it was deleted)
    changed_by: str  # the clerk whose change it was ("" when unknown)
    fields: list[FieldClash] = field(default_factory=list)
    version: int | None = None  # the shared profile's version shown (None: erased): ``resolve`` checks it


def _label(kind: str, name: str, en: bool = False) -> str:
    if name == WHOLE:
        return "the whole profile" if en else "整份档案"
    spec = model.field_spec(f"{kind}.{name}")
    return (spec.en if en else spec.zh) if spec else name


class Conflicts:
    """The outbox of this data folder, over the shared store: sync, list and settle its conflicts."""

    def __init__(self, session: Session):
        self.session = session
        self._box: Outbox | None = None

    @property
    def shared(self) -> bool:
        """Whether this desk works on the hall's shared store (the outbox exists only there)."""
        return self.session.opened and self.session.store.shared

    def box(self) -> Outbox:
        if self._box is None:
            self._box = Outbox.open(self.session.home, self.session.store.clerk)
        return self._box

    def close(self) -> None:
        if self._box is not None:
            self._box.close()
            self._box = None

    def sync(self) -> SyncReport:
        """Send what this window kept while offline; clashes stay as conflicts. Nothing to do off a hall."""
        if not self.shared:
            return SyncReport()
        box = self.box()
        return box.sync(self.session.store) if box.pending() else SyncReport()

    def count(self) -> int:
        return len(self.box().conflicts()) if self.shared else 0

    def list(self) -> list[Conflict]:
        """The conflicts waiting for the clerk, oldest first, with both values of every clashing field."""
        if not self.shared:
            return []
        store = self.session.store
        box = self.box()
        box.recheck(store)  # judged against the store as it is now, not as it was at the sync
        out = []
        for e in box.conflicts():
            cur = store.profiles.get(e.kind, e.key, audit=False)
            changed_by = ""
            if cur is not None:
                hist = store.profiles.history(e.kind, e.key, audit=False)
                changed_by = next((v.actor for v in hist if v.version == cur.version), "")
            rec = cur.record if cur is not None else e.record
            who = " · ".join(x for x in (mask_name(str(rec.get("name") or "")) if e.kind == "person"
                                         else str(rec.get("name") or ""),
                                         mask_id(e.key) if e.kind == "person" else e.key) if x)
            fields = [FieldClash(k, _label(e.kind, k), _label(e.kind, k, en=True), c.get("here"), c.get("there"),
                                 c.get("base"))
                      for k, c in e.clash.items()]
            out.append(Conflict(e.id, e.kind, who, e.at, e.clerk, cur.updated_at if cur else "", changed_by,
                                fields, cur.version if cur is not None else None))
        return out

    def resolve(self, eid: int, choices: dict[str, Choice], *, version: Any = UNCHECKED) -> dict[str, Any]:
        """Settle conflict EID with the clerk's CHOICES (every clashing field: ``here`` or ``there``); returns
        what was written (empty when the store's values were kept throughout). Refuses a choice missing.
        VERSION: the shared profile's version the clerk decided on (``Conflict.version``): when another window
        changed the profile since, nothing is written (``StaleConflict``) and ``list`` shows it as it stands."""
        store = self.session.store
        box = self.box()
        e = next((x for x in box.conflicts() if x.id == eid), None)
        if e is None:
            raise ClerkDeskError(f"冲突 {eid} 已不存在（可能已在别处处理） (conflict {eid} is no longer in the outbox)")
        missing = [k for k in e.clash if choices.get(k) not in ("here", "there")]
        if missing:
            labels = "、".join(_label(e.kind, k) for k in missing)
            raise ClerkDeskError(f"请为每个冲突字段选择保留哪个值：{labels} (choose a value for every field in conflict: "
                                 f"{', '.join(missing)})")
        if WHOLE in e.clash:  # deleted at another window: keep it deleted, or capture it again in full
            record = dict(e.record) if choices[WHOLE] == "here" else {}
        else:
            cur = store.profiles.get(e.kind, e.key, audit=False)
            theirs = self._changed_there(e, cur)
            record = {k: v for k, v in e.record.items() if k not in e.clash and k not in theirs}
            record.update({k: e.record[k] for k, c in choices.items() if c == "here" and k in e.clash})
        note = ("conflict_decided", {"entry": eid, "kind": e.kind, "chosen": {k: choices[k] for k in sorted(e.clash)}})
        if record:
            box.resolve(eid, record, store, expect=version, note=note)
        else:
            box.discard(eid, store, expect=version, note=note)
        return record

    def _changed_there(self, e: Any, cur: Any) -> set[str]:
        """Fields the other window changed since the version this window started from (as ``Outbox.sync``)."""
        return self.box().theirs(self.session.store, e, cur)[0]

    def reachable(self) -> str | None:
        """None while the shared store answers; else the message to show at once (``StoreUnreachable``'s)."""
        if not self.shared:
            return None
        t0 = time.monotonic()
        try:
            self.session.store.db.execute("select 1").fetchone()
            return None
        except StoreUnreachable as e:
            if time.monotonic() - t0 > 1.0:  # a connect that timed out: asking again only makes the clerk wait
                return str(e)
        # a connection the server dropped (a restart) fails once and is opened again by the next statement
        # (``PgDatabase.live``): only that second answer says whether the store is away
        try:
            self.session.store.db.execute("select 1").fetchone()
        except StoreUnreachable as e:
            return str(e)
        return None
