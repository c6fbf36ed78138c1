"""Application layer for filling: capture → validate → store → plan → run, and resume.

Order matters for the clerk: the record is validated and stored as the profile first, the plan is checked
in full (every missing or invalid input listed), the case is stored, and only then does any target system
see anything. A crash from here on loses nothing: runs resume from the store.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from clerkdesk.config import recipes_dir
from clerkdesk.engine import events as ev
from clerkdesk.engine.plan import Plan, Target, plan_case
from clerkdesk.engine.run import Clerk, Outcome, Runner
from clerkdesk.errors import ClerkDeskError, Problem, ValidationError
from clerkdesk.recipe.catalog import Catalog
from clerkdesk.recipe.systems import System
from clerkdesk.records import model
from clerkdesk.records.runstate import CaseStatus, RunStatus, SubmitState
from clerkdesk.store.profiles import KINDS, profile_key


@dataclass
class FillResult:
    case_id: str
    runs: dict[str, str] = field(default_factory=dict)  # recipe id → run id
    outcomes: dict[str, Outcome] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return bool(self.outcomes) and all(o.status == RunStatus.SUCCEEDED for o in self.outcomes.values())


def _filled_by_the_record(path: str) -> bool:
    """Fields the record fills itself: derived from the ID number, or with a default (证件类型 居民身份证)."""
    import dataclasses

    spec = model.field_spec(path)
    if spec is not None and spec.derived:
        return True
    kind, _, name = path.partition(".")
    cls = {"person": model.Person, "enterprise": model.Enterprise}.get(kind)
    f = {f.name: f for f in dataclasses.fields(cls)}.get(name) if cls else None
    return f is not None and f.default not in (dataclasses.MISSING, None)


@dataclass
class FillOptions:
    headless: bool = True
    system_urls: dict[str, str] = field(default_factory=dict)  # system id → base URL (sandbox/training servers)
    on_event: Callable[[ev.Event], None] | None = None
    timeout_factor: float = 1.0
    browser: str | None = None
    driver_options: dict[str, Any] = field(default_factory=dict)  # e.g. desktop: ocr_backend, layout_cache
    dry_run: bool = False  # a supervisor's test: everything up to the submit, never the click
    answer_wait: float | None = None  # seconds to keep waiting for a slow system's answer (None: the engine's)
    driver_factory: Callable[[str], Any] | None = None  # system kind → Driver (default: drivers.make_driver)


class Filling:
    """Mixed into ``Desk``: needs ``self.store``, ``self.home``."""

    store: Any
    home: Any
    _catalog: Catalog | None = None

    @property
    def catalog(self) -> Catalog:
        if self._catalog is None:
            self._catalog = Catalog(recipes_dir())
        return self._catalog

    def systems_for(self, opts: FillOptions) -> dict[str, System]:
        out = dict(self.catalog.systems)
        for sid, url in opts.system_urls.items():
            if sid not in out:
                raise ClerkDeskError(f"--system-url names unknown system {sid!r}")
            out[sid] = out[sid].at(url)
        return out

    def prepare_record(self, kind: str, data: dict[str, Any]) -> tuple[dict[str, Any], list[Problem], int]:
        """Merge with the stored profile (lookup by ID number / credit code), validate, save as a new version."""
        key_field = "id_number" if kind == "person" else "uscc"
        key = str(data.get(key_field, "")).strip()
        if key and kind in KINDS:
            # the same key normalisation as every other lookup: a 15-digit number finds the 18-digit profile
            prof = self.store.profiles.get(kind, profile_key(kind, key), audit=True)
            if prof is not None:
                data = {**prof.record, **data}
        if kind == "person":
            rec, warnings = model.make_person(data)
            saved = self.store.profiles.save("person", rec.id_number, rec.to_dict())
        elif kind == "enterprise":
            # a supervisor-whitelisted pilot code is accepted here exactly as by `enterprise add`
            ent, warnings = model.make_enterprise(data, whitelist=self.store.uscc_whitelist())
            saved = self.store.profiles.save("enterprise", ent.uscc, ent.to_dict())
            rec = ent  # type: ignore[assignment]
        else:
            raise ValidationError([Problem("(record)", "KIND", "记录类型应为 person 或 enterprise",
                                           "record kind is person or enterprise")])
        return rec.to_dict(), warnings, saved.profile_id

    def plan(self, kind: str, record: dict[str, Any], targets: list[str], case_fields: dict[str, Any],
             opts: FillOptions) -> Plan:
        recipes = [self.catalog.get(t) for t in targets]
        return plan_case(recipes, self.systems_for(opts), {kind: record, "case": case_fields})

    def fill(self, kind: str, data: dict[str, Any], targets: list[str], case_fields: dict[str, Any], clerk: Clerk,
             opts: FillOptions, matter: str | None = None) -> FillResult:
        result, plan = self.open_case(kind, data, targets, case_fields, opts, matter)
        for t in plan.targets:
            rid = result.runs[t.recipe.id]
            result.outcomes[t.recipe.id] = self.run_target(rid, t, plan.context, clerk, opts, resume=False)
        self._settle_case(result.case_id)
        return result

    def open_case(self, kind: str, data: dict[str, Any], targets: list[str], case_fields: dict[str, Any],
                  opts: FillOptions, matter: str | None = None) -> tuple[FillResult, Plan]:
        """Validate and store the record, plan every target, store the case and its runs; nothing runs yet.

        The Qt shell runs the targets itself (side by side) with ``run_target`` and then ``settle_case``.
        """
        try:
            record, _warnings, profile_id = self.prepare_record(kind, data)
        except ValidationError as e:  # one round: the targets' missing inputs too, not after the next try
            raise ValidationError(e.problems + self._missing_inputs(kind, data, targets, case_fields, e.problems)
                                  ) from None
        plan = self.plan(kind, record, targets, case_fields, opts)
        key = record["id_number"] if kind == "person" else record["uscc"]
        # one transaction: the case, its runs (leased by this process) and the claim on each matter — a
        # second F5, a second window or a second process for the same citizen and matter gets CaseOpen
        case_id, runs = self.store.cases.open(
            matter=matter or ", ".join(t.recipe.title for t in plan.targets), applicant_kind=kind,
            applicant_key=key, record=record, targets=[(t.recipe.id, t.system.id) for t in plan.targets],
            fields=case_fields, profile_id=profile_id, alive=self.store.runs.alive, me=self.store.runs.me())
        return FillResult(case_id, runs), plan

    def _missing_inputs(self, kind: str, data: dict[str, Any], targets: list[str], case_fields: dict[str, Any],
                        known: list[Problem]) -> list[Problem]:
        """What the targets need that the (invalid) record and the case lack, as FIELD_REQUIRED problems."""
        from clerkdesk.engine.plan import label_of, lookup

        reported = {p.field for p in known}
        key = "id_number" if kind == "person" else "uscc"
        stored = self.store.profiles.get(kind, profile_key(kind, str(data.get(key) or "")), audit=False) \
            if data.get(key) else None
        context = {kind: {**(stored.record if stored else {}), **data}, "case": case_fields}
        out: list[Problem] = []
        for t in targets:
            r = self.catalog.get(t)
            for n in r.needs:
                if n in reported or lookup(context, n) not in (None, "", []):
                    continue
                cf = r.fields.get(n)
                if (cf is not None and not cf.required) or _filled_by_the_record(n):
                    continue
                reported.add(n)
                title = self.catalog.systems[r.system].title if r.system in self.catalog.systems else r.system
                out.append(Problem(n, "FIELD_REQUIRED", f"{title}需要{label_of(n, r)}",
                                   f"{label_of(n, r)} is needed by {r.id}"))
        return out

    def run_target(self, rid: str, target: Target, context: dict[str, Any], clerk: Clerk, opts: FillOptions,
                   resume: bool) -> Outcome:
        from clerkdesk.drivers import make_driver

        factory = opts.driver_factory or make_driver
        runner = Runner(self.store.runs, clerk, lambda t: factory(t.system.kind), home=self.home,
                        clerk_name=self.store.clerk, headless=opts.headless, on_event=opts.on_event,
                        timeout_factor=opts.timeout_factor, dry_run=opts.dry_run, answer_wait=opts.answer_wait,
                        driver_options={"seal": self._seal, "unseal": self._unseal, "browser": opts.browser,
                                        **opts.driver_options})
        self.store.audit.append("fill_started", f"run:{rid}", {"recipe": target.recipe.id, "system": target.system.id})
        out = runner.run(rid, target, context, resume=resume)
        self.store.audit.append("fill_" + out.status, f"run:{rid}", {"recipe": target.recipe.id,
                                                                     "captured": sorted(out.captures)})
        case_id = self.store.runs.get(rid).case_id
        if out.captures:
            self.store.cases.update(case_id, result=(target.recipe.id, out.captures))
        return out

    def _enter_receipt(self, rid: str, receipt: str | None) -> Outcome:
        """The system recorded the submit (its answer was seen) but the receipt was not read: the clerk looked it
        up and gives it (``resume --recorded RECEIPT``); nothing is sent to the system."""
        from clerkdesk.errors import ResumeRefused

        if not receipt:
            raise ResumeRefused(f"办理 {rid} 已被系统记录，只缺回执号：请给出回执号 (run {rid} is recorded and only its "
                                "receipt is missing: give it with --recorded RECEIPT)")
        row = self.store.runs.get(rid)
        captures = {**row.data.get("captures", {}), "receipt": receipt}
        self.store.runs.update(rid, status=RunStatus.SUCCEEDED.value, data={"captures": captures, "message": ""})
        self.store.runs.event(rid, row.checkpoint, "submit", "clerk: receipt entered")
        self.store.audit.append("fill_succeeded", f"run:{rid}", {"recipe": row.recipe, "captured": ["receipt"],
                                                                 "by": "clerk"})
        self.store.cases.update(row.case_id, result=(row.recipe, captures))
        self._settle_case(row.case_id)
        return Outcome(RunStatus.SUCCEEDED.value, captures, "", submit=SubmitState.CONFIRMED.value)

    def _seal(self, data: bytes, aad: str) -> bytes:
        return bytes(self.store.cipher.encrypt(data, aad.encode()))

    def _unseal(self, blob: bytes, aad: str) -> bytes:
        return bytes(self.store.cipher.decrypt(blob, aad.encode()))

    def settle_case(self, case_id: str) -> None:
        """Set the case status from its runs' statuses."""
        self._settle_case(case_id)

    def _settle_case(self, case_id: str) -> None:
        runs = self.store.runs.for_case(case_id)
        states = {r.status for r in runs} - {RunStatus.SUPERSEDED.value}
        status = (CaseStatus.CLOSED if not states else CaseStatus.DONE if states == {RunStatus.SUCCEEDED}
                  else CaseStatus.NEEDS_CLERK if RunStatus.NEEDS_CLERK in states
                  else CaseStatus.FAILED if states & {RunStatus.FAILED, RunStatus.ABORTED} else CaseStatus.RUNNING)
        self.store.cases.update(case_id, status=status.value)

    def resume(self, rid: str, clerk: Clerk, opts: FillOptions, decision: str | None = None,
               receipt: str | None = None) -> Outcome:
        """Go on with run RID: from its checkpoint, never submitting twice.

        DECISION is the clerk's word on an uncertain submit, given up front by a shell that cannot ask (the CLI's
        ``--recorded`` / ``--not-recorded``); the table in docs/engine.md ("Resume") is enforced here and in the
        engine: an answer that does not fit the run's submit state is refused, never guessed at.
        """
        from clerkdesk.errors import ResumeRefused
        from clerkdesk.records.runstate import SubmitState

        row = self.store.runs.get(rid)
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
            return self._enter_receipt(rid, receipt)
        if decision == "recorded" and not state.unsettled:
            raise ResumeRefused(f"办理 {rid} 的提交状态是“{state.value}”，不是“不确定”：--recorded 只用于结果不确定的提交 "
                                f"(run {rid}'s submit is {state.value}, not uncertain: --recorded answers only an "
                                "uncertain submit)")
        if row.status == RunStatus.SUCCEEDED:
            return Outcome(RunStatus.SUCCEEDED.value, row.data.get("captures", {}), "already done", submit=state.value)
        case = self.store.cases.get(row.case_id)
        recipe = self.catalog.get(row.recipe)
        system = self.systems_for(opts)[recipe.system]
        context = {case.applicant_kind: case.record, "case": case.fields}
        out = self.run_target(rid, Target(recipe, system), context, clerk, opts, resume=True)
        self._settle_case(row.case_id)
        return out
