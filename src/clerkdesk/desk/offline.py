"""Working while the hall's shared store is away: the form kept (Ctrl+S), cases sealed (F5), sent once it is back.

What the clerk does does not change when the store stops answering; where it goes does:

- **Ctrl+S** keeps the form as an offline draft in the workstation's outbox (``outbox.db``, ``offline_drafts``,
  sealed with the hall's data key like the rest of the outbox); it comes back into the form like any draft.
- **F5** checks the record and plans every target exactly as online (the recipes are on this machine), then
  seals the case into the outbox (``offline_cases``) together with the applicant's capture (an outbox entry
  from the profile version the clerk saw). Nothing reaches a ministry system while the store is away: the
  case must exist in the hall first (one open case per citizen and matter, across windows).
- **Back online**, ``send`` first syncs the captures (``Outbox.sync``: a field another window changed
  differently becomes a conflict for the clerk, never overwritten) and then sends each sealed case whose
  capture went through, **exactly once**:

  1. the case is marked ``sending`` in the outbox (its own commit) *before* the store sees it;
  2. the case is stored with its random send token in the same transaction (``store.runs.Cases.open``);
  3. the case is marked ``sent`` with the store's case id.

  A crash (or the store going away again) between 2 and 3 leaves a ``sending`` case whose token the store
  knows: the next ``send`` finds the stored case by the token (asked before every send) and only marks it. Between 1 and 2 the token is
  unknown and the case is sent then. A case whose capture is a conflict waits, with the reason, until the clerk
  settles it (档案冲突, Ctrl+Shift+K).

The case is sent as a stored, planned case (runs planned, nothing filled): the clerk opens it (打开案件) and
fills it as any case.

**F2 while the store is away** (``lookup``) reads what this window captured offline (``Outbox.captured``): a
person captured here earlier in the outage is found again with those values, and a new capture of them starts
from the same base. ``refresh`` (each time the window's poll finds the store answering) notes the hall's
high-water mark, so a capture made with no lookup (the store already away) is compared at sync with the
profile as it stood then: only fields another window changed after it can be conflicts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from clerkdesk.desk.cases import CaseRequest, Cases, FillOptions
from clerkdesk.desk.session import Session
from clerkdesk.errors import CaseOpen, ClerkDeskError
from clerkdesk.records import model
from clerkdesk.records.model import Case
from clerkdesk.store.drafts import Draft
from clerkdesk.store.outbox import BLOCKED, CONFLICT, SEALED, SENDING, SENT, Captured, OfflineCase, Outbox
from clerkdesk.store.profiles import Profile, Version, profile_key
from clerkdesk.store.unreachable import StoreUnreachable

KEY_FIELD = {"person": "id_number", "enterprise": "uscc"}
WHITELIST = "uscc_whitelist"  # the outbox's kept copy of the hall's pilot credit codes
MERGED = "已并入其他窗口受理的同一案件 (merged into the case opened at another window)"
WAIT_CONFLICT = "等待处理档案冲突（Ctrl+Shift+K） (waiting for the clerk to settle a profile conflict)"
Fault = Callable[[str], None]  # a test's hook: called at each named moment of ``send``; raising there is a crash


@dataclass
class SendReport:
    sent: dict[int, str] = field(default_factory=dict)  # offline case → the store's case id
    waiting: list[int] = field(default_factory=list)  # held back by a conflict of their capture
    failed: dict[int, str] = field(default_factory=dict)  # offline case → why (in the clerk's words)
    held: dict[int, str] = field(default_factory=dict)  # offline case → the case open at another window (BLOCKED)


@dataclass(frozen=True)
class OpenElsewhere:
    """A blocked offline case beside the case another window opened for the same applicant and matter: what
    the clerk reads before merging into it (``Offline.compare``)."""

    case_id: str
    matter: str
    status: str
    differing: list[str]  # labels of the case fields this window captured with other values (or the other lacks)


@dataclass(frozen=True)
class Unfinished:
    """The form to put back at start (``Offline.unfinished``)."""

    draft: Draft | None
    from_outbox: bool = False  # the form was kept in the outbox (the window was offline when it closed or died)
    older_in_outbox: bool = False  # besides DRAFT (the store's, newer), an older form waits in the outbox


@dataclass(frozen=True)
class Looked:
    """The answer to F2: the shared profile and its history, or, while the store is away, what this window
    captured offline for that number (``captured``; None when nothing) and why the store could not be asked."""

    profile: Profile | None
    history: list[Version] = field(default_factory=list)
    captured: Captured | None = None
    away: str = ""  # "" when the store answered; else why it did not (its message)


def _record(kind: str, data: dict[str, Any], whitelist: tuple[str, ...] = ()) -> tuple[str, dict[str, Any]]:
    """The applicant's key and checked record, without the store (a pilot credit code is checked against
    WHITELIST: the copy of the hall's whitelist this workstation kept while the store answered)."""
    if kind == "person":
        rec: model.Person | model.Enterprise = model.make_person(data)[0]
        return rec.id_number, rec.to_dict()
    if kind == "enterprise":
        ent = model.make_enterprise(data, whitelist=whitelist)[0]
        return ent.uscc, ent.to_dict()
    raise ClerkDeskError(f"记录类型应为 person 或 enterprise (unknown record kind {kind!r})")


class Offline:
    """This window's outbox for cases and drafts; works without the server (``Outbox.open`` needs only the
    identity the last successful open wrote)."""

    def __init__(self, session: Session, cases: Cases):
        self.session = session
        self.cases = cases
        self._box: Outbox | None = None
        self.fault: Fault | None = None
        self.away_at_start = ""  # the window started while the store was away: why ("" otherwise)

    def possible(self) -> bool:
        """Whether this workstation can keep cases while the store is away: it reached the hall's store once
        (``shared-store.json``) and has the hall key."""
        try:
            self.box()
        except ClerkDeskError:
            return False
        return True

    def box(self) -> Outbox:
        if self._box is None:
            from clerkdesk.store.db import default_clerk

            self._box = Outbox.open(self.session.home, self.session.clerk or default_clerk())
            self.session.kept_whitelist = tuple(self._box.kept(WHITELIST) or ())
        return self._box

    def close(self) -> None:
        if self._box is not None:
            self._box.close()
            self._box = None

    def _at(self, moment: str) -> None:
        if self.fault is not None:
            self.fault(moment)

    def refresh(self) -> None:
        """The store answers (the window's poll): note what the outbox must know of the hall while it is away —
        its high-water mark, and the USCC whitelist of pilot credit codes (a sealed copy, rewritten when it
        changed), so a whitelisted code is accepted offline as online."""
        box, store = self.box(), self.session.store
        box.note_seen(store.profiles.high_water())
        codes = tuple(sorted(store.uscc_whitelist()))
        if codes != tuple(sorted(self.session.kept_whitelist)) or box.kept(WHITELIST) is None:
            box.keep(WHITELIST, list(codes))
        self.session.kept_whitelist = codes

    def lookup(self, kind: str, key: str, *, away: bool = False) -> Looked:
        """F2: the shared profile; while the store is away (AWAY: the window knows already, so the store is not
        asked at all), what this window captured offline for KEY. A store that turns out away mid-call is
        answered the same way on a workstation that can capture offline."""
        why = "away"
        if not away:
            try:
                prof = self.cases.profiles.get(kind, key)
                return Looked(prof, self.cases.profiles.history(kind, key) if prof is not None else [])
            except StoreUnreachable as e:
                if not self.possible():
                    raise
                why = str(e)
        return Looked(None, [], self.box().captured(kind, key), why)

    # --- while offline ---------------------------------------------------------------------------------
    def save_draft(self, data: dict[str, Any]) -> None:
        """Ctrl+S while offline: the form as it is, kept in the outbox (one per clerk, the last wins)."""
        self.box().save_draft(data)

    def draft(self) -> Draft | None:
        got = self.box().draft()
        return Draft(got[0], got[1]) if got else None

    def discard_draft(self) -> bool:
        return self.box().discard_draft()

    def unfinished(self, *, away: bool) -> Unfinished:
        """At start: the unfinished form to put back. AWAY (the store does not answer): the one kept in the
        outbox. Otherwise the newer of the store's draft and the outbox's (a window that died or was closed
        while offline left its form in the outbox); an older outbox form is said, not dropped."""
        from clerkdesk.desk.form import Drafts

        kept = self.draft() if self.possible() else None
        if away:
            return Unfinished(kept, from_outbox=kept is not None)
        mine = Drafts(self.session).get()
        if kept is not None and (mine is None or kept.saved_at >= mine.saved_at):
            return Unfinished(kept, from_outbox=True)
        return Unfinished(mine, older_in_outbox=kept is not None)

    def adopt_draft(self, draft: Draft) -> None:
        """An outbox form put back while the store answers becomes the store's draft (saved there first, then
        taken out of the outbox: a crash between the two leaves it in both, never in neither)."""
        from clerkdesk.desk.form import Drafts

        Drafts(self.session).save(draft.data)
        self.discard_draft()

    def seal(self, request: CaseRequest, opts: FillOptions, base_version: int | None = None,
             form: dict[str, Any] | None = None) -> int:
        """F5 while offline: check the record and plan every target as online (``ValidationError`` /
        ``PlanError`` list every problem), then keep the case in the outbox. BASE_VERSION: the profile version
        the form was read from (None: a new applicant, or none was read). FORM: the form as a draft (ticked
        matters and values), kept so 放回表单 gives the clerk the very form back."""
        key, record = _record(request.kind, dict(request.data), self.session.kept_whitelist)
        case = Case(request.kind, key, record, request.targets, dict(request.case_fields))
        self.cases.plan(case, opts)  # PlanError: every missing or invalid input, before anything is kept
        body = {"kind": request.kind, "data": dict(request.data), "targets": list(request.targets),
                "case_fields": dict(request.case_fields), "matter": request.matter, "form": form}
        return self.box().seal_case(body, kind=request.kind, key=key, record=record, base_version=base_version)

    def list(self) -> list[OfflineCase]:
        """Every offline case not yet sent, then the ones sent recently (to open them), oldest first."""
        box = self.box()
        return box.offline_cases(SEALED, SENDING, BLOCKED) + box.offline_cases(SENT)

    def waiting(self) -> int:
        """How many cases wait to be sent (the status bar's counter)."""
        return len(self.box().offline_cases(SEALED, SENDING))

    def counts(self) -> tuple[int, int]:
        """(waiting to be sent, held for the clerk: the matter is open at another window)."""
        return self.waiting(), len(self.box().offline_cases(BLOCKED))

    def _blocked(self, cid: int) -> OfflineCase:
        c = next((x for x in self.box().offline_cases(BLOCKED) if x.id == cid), None)
        if c is None or not c.case_id:
            raise ClerkDeskError(f"离线案件 {cid} 不在等待并入的状态（可能已处理） (offline case {cid} is not waiting to be "
                                 "merged)")
        return c

    def compare(self, cid: int) -> OpenElsewhere:
        """The case open at another window that blocked offline case CID, and which of this window's case
        fields it holds otherwise (by label; the values stay on the screens that show them)."""
        from clerkdesk.engine.plan import label_of

        c = self._blocked(cid)
        assert c.case_id is not None
        row = self.session.store.cases.get(c.case_id)
        mine = dict(c.request.get("case_fields") or {})
        recipes = [self.session.catalog.recipes[t] for t in c.request.get("targets", [])
                   if t in self.session.catalog.recipes]

        def label(name: str) -> str:
            path = f"case.{name}"
            return next((label_of(path, r) for r in recipes if path in r.fields), label_of(path))

        differing = [label(k) for k, v in mine.items() if row.fields.get(k) != v]
        return OpenElsewhere(c.case_id, row.matter, row.status, differing)

    def merge(self, cid: int) -> str:
        """并入该案件: offline case CID is not sent as a case of its own; it joins the case opened at another
        window for the same applicant and matter (that case's values stand). Exactly once as ``send``: its send
        token is stored with that case (audited ``offline_case_merged``), then the offline case is marked sent
        with that case's id, so 打开案件 opens it; a crash between the two is finished by the next call."""
        c = self._blocked(cid)
        assert c.case_id is not None
        store = self.session.store
        case_id = store.cases.by_token(c.token)
        if case_id is None:
            try:
                store.cases.merge_token(c.token, c.case_id)
            except KeyError:
                raise ClerkDeskError(f"案件 {c.case_id} 已不存在，请把离线案件放回表单后重新办理 (case {c.case_id} is gone: "
                                     "take the offline case back into the form)") from None
            case_id = c.case_id
        self.box().mark_case(cid, SENT, case_id=case_id, message=MERGED)
        return case_id

    def take_back(self, cid: int) -> OfflineCase:
        """放回表单: the case (not yet sent) leaves the outbox with its capture; ``request_of`` / its ``form``
        give it back to the clerk."""
        return self.box().take_back(cid)

    @staticmethod
    def request_of(c: OfflineCase) -> CaseRequest:
        r = c.request
        return CaseRequest(r["kind"], r["data"], tuple(r["targets"]), r["case_fields"], r.get("matter"))

    # --- back online ---------------------------------------------------------------------------------------
    def send(self, opts: FillOptions | None = None) -> SendReport:
        """Sync the captures, then send every sealed case whose capture went through, each exactly once.
        ``StoreUnreachable`` when the store goes away meanwhile: what was sent stays sent, the rest waits."""
        opts = opts or FillOptions()
        store = self.session.store
        box = self.box()
        rep = SendReport()
        if box.pending():
            box.sync(store)
        for c in box.offline_cases(SEALED, SENDING):
            if c.entry_id is not None and box.entry_state(c.entry_id) == CONFLICT:
                if c.message != WAIT_CONFLICT:
                    box.mark_case(c.id, c.state, message=WAIT_CONFLICT)
                rep.waiting.append(c.id)
                continue
            self._at("before-sending")
            if not box.mark_case(c.id, SENDING):
                continue  # taken back into the form meanwhile (放回表单)
            self._at("sending")
            # asked every time, not only for a case left ``sending``: a send whose answer was lost after the
            # store's commit must never open the case again
            case_id = store.cases.by_token(c.token)
            if case_id is None:
                try:
                    case_id = self._open(c, opts)
                except StoreUnreachable:
                    raise
                except CaseOpen as e:  # another window opened the same matter for this applicant meanwhile: the
                    # case is not sent again by itself (that could file the citizen twice) but waits for the clerk:
                    # merge into that case, open it, or take this one back into the form
                    box.mark_case(c.id, BLOCKED, case_id=e.case_id, message=str(e).splitlines()[0][:300])
                    rep.held[c.id] = e.case_id
                    continue
                except ClerkDeskError as e:  # invalid now (a profile deleted meanwhile): waits with the reason
                    box.mark_case(c.id, SEALED, message=str(e).splitlines()[0][:300])
                    rep.failed[c.id] = str(e)
                    continue
            self._at("sent")
            box.mark_case(c.id, SENT, case_id=case_id)
            rep.sent[c.id] = case_id
        box.forget_sent()
        return rep

    def _open(self, c: OfflineCase, opts: FillOptions) -> str:
        """Store the case with its token. The applicant's record is the shared profile as the sync left it
        (this window's fields merged with another window's), or the sealed record for a profile that is gone."""
        r = c.request
        kind = r["kind"]
        key = profile_key(kind, str(r["data"].get(KEY_FIELD[kind], "")))
        stored = self.session.store.profiles.get(kind, key, audit=False)
        data = {KEY_FIELD[kind]: key} if stored is not None else dict(r["data"])
        req = CaseRequest(kind, data, tuple(r["targets"]), r["case_fields"], r.get("matter"))  # sent as captured
        result, _plan = self.cases.open(req, opts, send_token=c.token)
        return result.case_id
