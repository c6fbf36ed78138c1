"""Runs: filling one target system for a stored case, resuming it, and reading how runs went.

Every run starts and ends with an audit entry; what the system answered (its receipts) goes into the case.
Resuming follows docs/engine.md ("Resume"): an answer that does not fit the run's submit state is refused,
never guessed at.
"""

from __future__ import annotations

from typing import Any

from clerkdesk.desk.cases import Cases, FillOptions
from clerkdesk.desk.credentials import Credential, Credentials
from clerkdesk.desk.session import Session
from clerkdesk.engine.plan import Target
from clerkdesk.engine.run import Clerk, Outcome, Runner
from clerkdesk.errors import ResumeRefused
from clerkdesk.records.model import Case
from clerkdesk.records.runstate import RunStatus, SubmitState
from clerkdesk.store.runs import RunRow


class Runs:
    """Run, resume and read runs; the store's rows stay behind this service (the CLI never reaches past it)."""

    def __init__(self, session: Session, cases: Cases):
        self.session = session
        self.cases = cases

    # --- sealing: a driver keeps a system login encrypted with the store's key -------------------------
    def seal(self, data: bytes, aad: str) -> bytes:
        return bytes(self.session.store.cipher.encrypt(data, aad.encode()))

    def unseal(self, blob: bytes, aad: str) -> bytes:
        return bytes(self.session.store.cipher.decrypt(blob, aad.encode()))

    def sealing(self) -> dict[str, Any]:
        """The driver options that let a driver keep a system's login (cookies) sealed with the store's key, and
        the recipe's ``login`` step find a stored credential (``desk.credentials``; the getter, not a secret)."""
        return {"seal": self.seal, "unseal": self.unseal, "credential": self.credential}

    @property
    def credentials(self) -> Credentials:
        """The stored credentials of this data folder (``clerkdesk login set``), sealed with the store's key."""
        return Credentials(self.session.home, self.seal, self.unseal)

    def credential(self, system: str, origin: str) -> Credential | None:
        return self.credentials.get(system, origin)

    # --- running ----------------------------------------------------------------------------------
    def run_target(self, rid: str, target: Target, case: Case, clerk: Clerk, opts: FillOptions, *,
                   resume: bool = False) -> Outcome:
        from clerkdesk.desk.discrepancy import Discrepancies
        from clerkdesk.drivers import make_driver
        from clerkdesk.drivers.web import shared

        store = self.session.store
        factory = opts.driver_factory or make_driver
        clerk = Discrepancies(self.session, self.cases).wrap(clerk)  # a `read` step's table: asked, audited

        def driver_for(t: Target) -> Any:
            """Inside a shared scope (one CLI fill, one app lane) a system's browser and login serve all its
            matters (``drivers.web.shared``); elsewhere every run has its own driver."""
            pool = shared.current() if t.system.kind == "web" else None
            if pool is None:
                return factory(t.system.kind)
            return pool.driver_for(shared.share_key(store.clerk, t.system, opts.headless),
                                   lambda: factory(t.system.kind))

        runner = Runner(store.runs, clerk, driver_for, home=self.session.home,
                        clerk_name=store.clerk, headless=opts.headless, on_event=opts.on_event,
                        timeout_factor=opts.timeout_factor, dry_run=opts.dry_run, answer_wait=opts.answer_wait,
                        driver_options={**self.sealing(), "browser": opts.browser, **opts.driver_options})
        store.audit.append("fill_started", f"run:{rid}", {"recipe": target.recipe.id, "system": target.system.id})
        out = runner.run(rid, target, case.context, resume=resume)
        self._record_end(rid, target.recipe.id, out.status, out.receipts)
        return out

    def _record_end(self, rid: str, recipe: str, status: str, receipts: dict[str, str], *, audit: bool = True,
                    **note: Any) -> None:
        """A run's end, written in this one place for every way a run ends (filled, the clerk's receipt, caught
        up after a store outage): the audit entry ``fill_<status>`` naming what was captured (AUDIT false: it is
        there already), and the receipts into the case (only where the case does not hold them already). The
        caller settles the case."""
        store = self.session.store
        if audit:
            store.audit.append("fill_" + status, f"run:{rid}",
                               {"recipe": recipe, "captured": sorted(receipts), **note})
        if receipts:
            case_id = store.runs.get(rid).case_id
            if store.cases.get(case_id).results.get(recipe) != receipts:
                store.cases.update(case_id, result=(recipe, receipts))

    def resume(self, rid: str, clerk: Clerk, opts: FillOptions, decision: str | None = None,
               receipt: str | None = None) -> Outcome:
        """Go on with run RID: from its checkpoint, never submitting twice.

        DECISION is the clerk's word on an uncertain submit, given up front by a shell that cannot ask (the CLI's
        ``--recorded`` / ``--not-recorded``); the table in docs/engine.md ("Resume") is enforced here and in the
        engine: an answer that does not fit the run's submit state is refused, never guessed at.
        """
        row = self.session.store.runs.get(rid)
        state = SubmitState.of(row.submit_state)
        have = row.data.get("captures", {}).get("receipt")
        if row.status == RunStatus.SUPERSEDED:
            raise ResumeRefused(f"办理 {rid} 已被同一申请人同一事项的新案件取代，不能再继续 (run {rid} was superseded by a "
                                "newer case for the same applicant and matter; resume that one)")
        if decision == "not_recorded" and state == SubmitState.CONFIRMED:
            raise ResumeRefused(f"办理 {rid} 的提交已被系统确认" + (f"（回执 {have}）" if have else "") +
                                f"，“未记录”会造成重复办理 (the system confirmed run {rid}'s submit"
                                + (f", receipt {have}" if have else "") +
                                ": it is recorded; --not-recorded would file it twice)")
        if decision == "recorded" and state == SubmitState.CONFIRMED and not have:
            return self.enter_receipt(rid, receipt)
        if decision == "recorded" and not state.unsettled:
            raise ResumeRefused(f"办理 {rid} 的提交状态是“{state.value}”，不是“不确定”：--recorded 只用于结果不确定的提交 "
                                f"(run {rid}'s submit is {state.value}, not uncertain: --recorded answers only an "
                                "uncertain submit)")
        if row.status == RunStatus.SUCCEEDED:
            self.catch_up(rid)
            return Outcome(RunStatus.SUCCEEDED, row.data.get("captures", {}), "already done", submit=state.value)
        case = self.cases.get(row.case_id)
        recipe = self.session.catalog.get(row.recipe)
        system = self.cases.systems_for(opts)[recipe.system]
        self._restamp(row, Target(recipe, system))
        out = self.run_target(rid, Target(recipe, system), case, clerk, opts, resume=True)
        self.cases.settle(row.case_id)
        return out

    def catch_up(self, rid: str) -> None:
        """What follows a run's stored end, done now if it was not: the store can go away between the run's
        ``succeeded`` and the rest (a PostgreSQL restart), and the job's retry finds the run done. Then its
        lease would stay with this live process, its case without the receipt and still "running", and the
        audit log without ``fill_succeeded``. Each part is done only where it is missing."""
        store = self.session.store
        store.runs.release(rid)  # (only a lease of this process)
        row = store.runs.get(rid)
        audited = any(a["action"] == "fill_succeeded" for a in store.audit.rows(f"run:{rid}"))
        self._record_end(rid, row.recipe, RunStatus.SUCCEEDED, row.data.get("captures", {}), audit=not audited,
                         caught_up=True)
        self.cases.settle(row.case_id)

    def _restamp(self, row: RunRow, target: Target) -> None:
        """A run resumed after a newer recipe set was pulled goes on with the new recipe: keep that set with the
        run, and an event saying from which set to which, so the run's record names what filled its last steps."""
        now = self.cases.recipe_set(target).columns()
        if now == row.recipe_set:
            return
        store = self.session.store
        store.runs.update(row.id, recipe_set=now)
        store.runs.event(row.id, row.checkpoint, "recipe_set", "changed",
                         f"{row.recipe_set.get('set_version') or 'unpublished'} → {now['set_version'] or 'unpublished'}")

    def enter_receipt(self, rid: str, receipt: str | None) -> Outcome:
        """The system recorded the submit (its answer was seen) but the receipt was not read: the clerk looked it
        up and gives it (``resume --recorded RECEIPT``); nothing is sent to the system."""
        if not receipt:
            raise ResumeRefused(f"办理 {rid} 已被系统记录，只缺回执号：请给出回执号 (run {rid} is recorded and only its "
                                "receipt is missing: give it with --recorded RECEIPT)")
        store = self.session.store
        row = store.runs.get(rid)
        receipts = {**row.data.get("captures", {}), "receipt": receipt}
        store.runs.update(rid, status=RunStatus.SUCCEEDED, data={"captures": receipts, "message": ""})
        store.runs.event(rid, row.checkpoint, "submit", "clerk: receipt entered")
        self._record_end(rid, row.recipe, RunStatus.SUCCEEDED, receipts, by="clerk")
        self.cases.settle(row.case_id)
        return Outcome(RunStatus.SUCCEEDED, receipts, "", submit="confirmed")

    # --- reading ----------------------------------------------------------------------------------
    def get(self, rid: str) -> RunRow:
        return self.session.store.runs.get(rid)

    def for_case(self, case_id: str) -> list[RunRow]:
        return self.session.store.runs.for_case(case_id)

    def list(self, limit: int = 100, *, with_steps: bool = False) -> list[dict[str, Any]]:
        """Recent runs as the clerk must see them (see ``store.runs.Runs.list``); WITH_STEPS adds step timings."""
        rows = self.session.store.runs.list(limit)
        if with_steps:
            rows = [{**r, "steps": self.steps(r["id"])} for r in rows]
        return rows

    def steps(self, rid: str) -> list[dict[str, Any]]:
        return self.session.store.runs.steps(rid)

    def interrupted(self) -> list[dict[str, Any]]:
        return self.session.store.runs.interrupted()

    def evidence(self, rid: str) -> list[dict[str, Any]]:
        return self.session.store.runs.evidence(rid)

    def evidence_png(self, eid: int) -> bytes:
        return bytes(self.session.store.runs.evidence_png(eid))
