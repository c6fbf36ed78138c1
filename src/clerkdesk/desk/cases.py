"""Cases: from what the clerk asked for (:class:`CaseRequest`) to a stored, planned :class:`~records.model.Case`.

Order matters for the clerk: the record is validated and stored as the profile first, the plan is checked
in full (every missing or invalid input listed), the case is stored, and only then does any target system
see anything. A crash from here on loses nothing: runs resume from the store.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from clerkdesk.desk.profiles import Profiles
from clerkdesk.desk.session import Session
from clerkdesk.engine import events as ev
from clerkdesk.engine.plan import Plan, Target, label_of, lookup, plan_case
from clerkdesk.engine.run import Outcome
from clerkdesk.errors import ClerkDeskError, Problem, ValidationError
from clerkdesk.recipe.systems import System
from clerkdesk.records import model
from clerkdesk.records.model import Case, CaseId, ProfileId
from clerkdesk.records.runstate import RunStatus
from clerkdesk.store.runs import CaseRow
from clerkdesk.workbench.recipe_sets import SetStamp, stamp


@dataclass(frozen=True)
class CaseRequest:
    """A case as the clerk asked for it, before anything is validated: the shells (the form's F5, ``clerkdesk
    fill``, the console demo) build one and hand it to ``Desk.fill`` / ``Desk.open_case``."""

    kind: str  # "person" | "enterprise"
    data: dict[str, Any]  # the applicant's fields as typed (merged over the stored profile)
    targets: tuple[str, ...]  # recipe ids
    case_fields: dict[str, Any] = field(default_factory=dict)
    matter: str | None = None  # what the clerk calls it; default: the recipes' titles

    def __post_init__(self) -> None:
        object.__setattr__(self, "targets", tuple(self.targets))


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


@dataclass
class FillResult:
    case_id: str
    runs: dict[str, str] = field(default_factory=dict)  # recipe id → run id
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    case: Case | None = None  # the case as stored

    @property
    def ok(self) -> bool:
        return bool(self.outcomes) and all(o.status == RunStatus.SUCCEEDED for o in self.outcomes.values())


def _filled_by_the_record(path: str) -> bool:
    """Fields the record fills itself: derived from the ID number, or with a default (证件类型 居民身份证)."""
    spec = model.field_spec(path)
    if spec is not None and spec.derived:
        return True
    kind, _, name = path.partition(".")
    cls = {"person": model.Person, "enterprise": model.Enterprise}.get(kind)
    f = {f.name: f for f in dataclasses.fields(cls)}.get(name) if cls else None
    return f is not None and f.default not in (dataclasses.MISSING, None)


def case_of_row(row: CaseRow) -> Case:
    """The stored case as the one type the rest of the application uses."""
    return Case(applicant_kind=row.applicant_kind, applicant_key=row.applicant_key, record=row.record,
                targets=tuple(row.targets), fields=row.fields, matter=row.matter, id=CaseId(row.id),
                profile_id=ProfileId(row.profile_id) if row.profile_id is not None else None, status=row.status,
                results=row.results)


class Cases:
    """Opening (validate → plan → store), reading and settling cases."""

    def __init__(self, session: Session, profiles: Profiles):
        self.session = session
        self.profiles = profiles

    def systems_for(self, opts: FillOptions) -> dict[str, System]:
        out = dict(self.session.catalog.systems)
        for sid, url in opts.system_urls.items():
            if sid not in out:
                raise ClerkDeskError(f"--system-url names unknown system {sid!r}")
            out[sid] = out[sid].at(url)
        return out

    def plan(self, case: Case, opts: FillOptions) -> Plan:
        recipes = [self.session.catalog.get(t) for t in case.targets]
        return plan_case(recipes, self.systems_for(opts), case)

    def open(self, request: CaseRequest, opts: FillOptions, *, send_token: str | None = None
             ) -> tuple[FillResult, Plan]:
        """Validate and store the record, plan every target, store the case and its runs; nothing runs yet.

        The Qt shell runs the targets itself (side by side) with ``Runs.run_target`` and then ``settle``.
        SEND_TOKEN: a case captured offline (``desk/offline.py``), stored with the case in its transaction.
        """
        try:
            applicant = self.profiles.prepare(request.kind, request.data)
        except ValidationError as e:  # one round: the targets' missing inputs too, not after the next try
            raise ValidationError(e.problems + self.missing_inputs(request, e.problems)) from None
        case = Case(applicant.kind, applicant.key, applicant.record, request.targets, request.case_fields,
                    profile_id=applicant.profile_id)
        plan = self.plan(case, opts)
        store = self.session.store
        matter = request.matter or ", ".join(t.recipe.title for t in plan.targets)
        # one transaction: the case, its runs (leased by this process) and the claim on each matter — a
        # second F5, a second window or a second process for the same citizen and matter gets CaseOpen
        case_id, runs = store.cases.open(
            matter=matter, applicant_kind=case.applicant_kind, applicant_key=case.applicant_key, record=case.record,
            targets=[(t.recipe.id, t.system.id) for t in plan.targets], fields=case.fields,
            profile_id=applicant.profile_id, alive=store.runs.alive, me=store.runs.me(),
            recipe_sets={t.recipe.id: self.recipe_set(t).columns() for t in plan.targets}, send_token=send_token)
        case = dataclasses.replace(case, id=CaseId(case_id), matter=matter)
        return FillResult(case_id, runs, case=case), dataclasses.replace(plan, case=case)

    def recipe_set(self, target: Target) -> SetStamp:
        """Which recipe set (and version) TARGET's recipe comes from, to be kept with its run."""
        return stamp(self.session.catalog.folder, [target.recipe.path, target.system.mark.path])

    def missing_inputs(self, request: CaseRequest, known: list[Problem]) -> list[Problem]:
        """What the targets need that the (invalid) record and the case lack, as FIELD_REQUIRED problems."""
        reported = {p.field for p in known}
        stored = self.profiles.stored_for(request.kind, request.data, audit=False)
        context = {request.kind: {**(stored.record if stored else {}), **request.data}, "case": request.case_fields}
        catalog = self.session.catalog
        out: list[Problem] = []
        for t in request.targets:
            r = catalog.get(t)
            for n in r.needs:
                if n in reported or lookup(context, n) not in (None, "", []):
                    continue
                cf = r.fields.get(n)
                if (cf is not None and not cf.required) or _filled_by_the_record(n):
                    continue
                reported.add(n)
                title = catalog.systems[r.system].title if r.system in catalog.systems else r.system
                out.append(Problem(n, "FIELD_REQUIRED", f"{title}需要{label_of(n, r)}",
                                   f"{label_of(n, r)} is needed by {r.id}"))
        return out

    def get(self, case_id: str) -> Case:
        return case_of_row(self.session.store.cases.get(case_id))

    def of_run(self, run_id: str) -> Case:
        return self.get(self.session.store.runs.get(run_id).case_id)

    def settle(self, case_id: str) -> None:
        """Set the case status from its runs' statuses."""
        store = self.session.store
        states = {r.status for r in store.runs.for_case(case_id)} - {RunStatus.SUPERSEDED.value}
        status = ("closed" if not states else "done" if states == {RunStatus.SUCCEEDED}
                  else RunStatus.NEEDS_CLERK if RunStatus.NEEDS_CLERK in states
                  else "failed" if states & {"failed", "aborted"} else "running")
        store.cases.update(case_id, status=status)

    def list(self, since: str | None = None, limit: int = 200) -> list[dict[str, Any]]:
        """Case summaries (no personal data): id, created_at, matter, status."""
        return self.session.store.cases.list(since=since, limit=limit)
