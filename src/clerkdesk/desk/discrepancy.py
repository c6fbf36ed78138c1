"""The discrepancy report: what a system already holds for the applicant against the profile, decided by the clerk.

The engine compares a recipe's ``read`` values with the profile (``engine/discrepancy.py``) and asks its clerk.
Every run's clerk is wrapped here (``Discrepancies.wrap``) so that, whatever the shell, the question reaches the
shell as a table of rows — system, field, the system's value, the profile's value, when the profile's value was
last verified at the counter — and the answers are handled the same way:

- each decision is one audit entry (field and decision, never a value: the audit log holds no personal data);
- "update the profile" saves the system's value as a new profile version (that field verified today);
- the engine carries the decisions into the fill (``engine.discrepancy.overrides``);
- a decision is settled for the whole case: kept with the run (sealed, with the system's value and the profile's
  value it was made on), it answers the same difference in every later run of the case on that system (another
  matter, a retry) without asking again — audited as ``discrepancy_reused`` — unless the system's value or the
  profile's value has changed since; then the clerk is asked again.

A shell answers with ``decide_discrepancies(info, rows) -> {field: Decision}``; a shell without it (a test's
clerk, an older one) keeps the profile's values, which is what the fill did before ``read`` existed — and that
default is audited too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from clerkdesk.desk.session import Session
from clerkdesk.engine.discrepancy import Decision, Difference, squash
from clerkdesk.engine.run import RunInfo
from clerkdesk.store.db import now

KEPT = "decided_fields"  # the run's data key: the clerk's decisions with the values they were made on


@dataclass(frozen=True)
class Row:
    """One line of the table the clerk decides on."""

    system: str  # the system's title
    diff: Difference
    verified: str  # ISO date the profile's value was last confirmed at the counter ("" = never)

    @property
    def field(self) -> str:
        return self.diff.field


class Discrepancies:
    """Builds the table rows, audits the decisions and updates the profile where the clerk says so."""

    def __init__(self, session: Session, cases: Any):
        self.session = session
        self.cases = cases

    def rows(self, info: RunInfo, diffs: list[Difference]) -> list[Row]:
        case = self.cases.of_run(info.run_id)
        profile = self.session.store.profiles.get(case.applicant_kind, case.applicant_key, audit=False)
        verified = profile.verified if profile is not None else {}
        return [Row(info.system_title, d, str(verified.get(d.field.partition(".")[2], ""))) for d in diffs]

    def settle(self, info: RunInfo, rows: list[Row], said: Mapping[str, Any], by: str) -> dict[str, Decision]:
        """Audit each decision and save the profile's new values ("update the profile"); the decisions back."""
        store = self.session.store
        case = self.cases.of_run(info.run_id)
        decisions: dict[str, Decision] = {}
        adopt: dict[str, Any] = {}
        for row in rows:
            dec = Decision(said.get(row.field, Decision.SYSTEM))
            if dec not in row.diff.choices:
                dec = Decision.SYSTEM
            decisions[row.field] = dec
            if dec == Decision.PROFILE and row.diff.system_value is not None:
                adopt[row.field.partition(".")[2]] = row.diff.system_value
        with store.tx(durable=True):  # the decisions and the profile's new version: together, or not at all
            for f, dec in decisions.items():
                store.audit.append("discrepancy_decided", f"run:{info.run_id}",
                                   {"recipe": info.recipe, "system": info.system, "field": f,
                                    "decision": str(dec), "by": by})
            if adopt:
                store.profiles.save(case.applicant_kind, case.applicant_key, adopt)
            if by == "clerk":  # the clerk's word holds for the case (a default is no one's decision)
                kept = list(store.runs.get(info.run_id).data.get(KEPT, []))
                kept += [{"field": r.field, "decision": str(decisions[r.field]), "system": _seen(r.diff),
                          "profile": r.diff.profile_words, "at": now()} for r in rows]
                store.runs.update(info.run_id, data={KEPT: kept})
        return decisions

    def settled(self, info: RunInfo, diffs: list[Difference]) -> dict[str, Decision]:
        """The differences of DIFFS the clerk already decided in this case for this system, on the same system
        value and profile value (the latest decision per field counts); each reuse is audited."""
        store = self.session.store
        case_id = store.runs.get(info.run_id).case_id
        latest: dict[str, tuple[dict[str, Any], str]] = {}
        for run in store.runs.for_case(case_id):
            if run.system != info.system:
                continue
            for e in run.data.get(KEPT, []):
                if e["field"] not in latest or e["at"] >= latest[e["field"]][0]["at"]:
                    latest[e["field"]] = (e, run.id)
        out: dict[str, Decision] = {}
        for d in diffs:
            got = latest.get(d.field)
            if got is None or (got[0]["system"], got[0]["profile"]) != (_seen(d), d.profile_words):
                continue  # never decided, or the system's or the profile's value changed since: ask again
            dec = Decision(got[0]["decision"])
            if dec in d.choices:
                out[d.field] = dec
        if out:
            with store.tx(durable=True):
                for f, dec in out.items():
                    store.audit.append("discrepancy_reused", f"run:{info.run_id}",
                                       {"recipe": info.recipe, "system": info.system, "field": f,
                                        "decision": str(dec), "decided_in": f"run:{latest[f][1]}"})
        return out

    def wrap(self, clerk: Any) -> Any:
        """CLERK with the engine's ``discrepancies`` question answered through this service."""
        return _Asking(clerk, self)


def _seen(d: Difference) -> str:
    """The system's value a decision was made on: as a profile value where it reads as one (非农业户口 and 2 are
    the same urban), else the text as shown."""
    return d.system_value if d.system_value is not None else squash(d.system_text)


class _Asking:
    """A run's clerk: the shell's own, plus the discrepancy question answered by table rows and the desk."""

    def __init__(self, inner: Any, service: Discrepancies):
        self._inner = inner
        self._service = service

    def __getattr__(self, name: str) -> Any:  # every other question goes to the shell's clerk as it is
        return getattr(self._inner, name)

    def settled_discrepancies(self, info: RunInfo, diffs: list[Difference]) -> dict[str, Decision]:
        return self._service.settled(info, diffs)

    def discrepancies(self, info: RunInfo, diffs: list[Difference]) -> dict[str, Decision]:
        rows = self._service.rows(info, diffs)
        ask = getattr(self._inner, "decide_discrepancies", None)
        said = ask(info, rows) if ask is not None else {}
        return self._service.settle(info, rows, said, "clerk" if ask is not None else "default")


__all__ = ["Decision", "Discrepancies", "Row"]
