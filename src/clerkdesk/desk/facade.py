"""``Desk``: the front door of the application layer, one clerk's session composed of small services.

No printing, no Qt, no exit codes here: methods take plain values, return plain results, and raise
``ClerkDeskError`` subclasses that the shells turn into messages. Each verb the shells use is one line handing
the work to the service that owns it (``profiles``, ``cases``, ``runs``, ``documents``, ``drafts``,
``upkeep``), so a reader finds the work in one small module and the shells need to know only ``Desk``. The
one verb that composes services is ``fill``: open the case, run every target, settle.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from clerkdesk.desk.cases import CaseRequest, Cases, FillOptions, FillResult
from clerkdesk.desk.conflicts import Conflicts
from clerkdesk.desk.documents import DocumentRead, DocumentReading
from clerkdesk.desk.form import CaptureFormModel, Drafts
from clerkdesk.desk.offline import Offline
from clerkdesk.desk.profiles import Checked, Profiles
from clerkdesk.desk.runs import Runs
from clerkdesk.desk.session import Session
from clerkdesk.desk.upkeep import Upkeep
from clerkdesk.engine.plan import Plan, Target
from clerkdesk.engine.run import Clerk, Outcome
from clerkdesk.errors import Problem
from clerkdesk.recipe.catalog import Catalog
from clerkdesk.recipe.systems import System
from clerkdesk.records.model import Case
from clerkdesk.store import Store
from clerkdesk.store.drafts import Draft
from clerkdesk.store.profiles import Profile, Saved, Version


class Desk:
    """One clerk's session over one data folder."""

    def __init__(self, home: Path | None = None, clerk: str | None = None, *, create: bool = True):
        """CREATE=False (the CLI without ``--create``) refuses a data folder that does not exist."""
        self.session = Session(home, clerk, create=create)
        self.profiles = Profiles(self.session)
        self.cases = Cases(self.session, self.profiles)
        self.runs = Runs(self.session, self.cases)
        self.documents = DocumentReading(self.session)
        self.drafts = Drafts(self.session)
        self.upkeep = Upkeep(self.session)
        self.conflicts = Conflicts(self.session)  # the outbox's clashes on a hall's shared store
        self.offline = Offline(self.session, self.cases)  # drafts and cases kept while the shared store is away

    # --- the session ----------------------------------------------------------------------------
    @property
    def home(self) -> Path:
        return self.session.home

    @property
    def store(self) -> Store:
        """The opened store: for tests and the application's own services; the shells use the verbs below."""
        return self.session.store

    @property
    def catalog(self) -> Catalog:
        return self.session.catalog

    @property
    def clerk_name(self) -> str:
        """Who the store records as the actor (the OS user unless ``--clerk`` / the policy says otherwise)."""
        return self.session.store.clerk

    def form(self) -> CaptureFormModel:
        """A capture form's model over this desk's catalog and checks (the Qt form is its view)."""
        return CaptureFormModel(self.session, self.profiles)

    def open(self) -> None:
        """Open the store now (creating the database and its key if new), not on first use."""
        self.session.store  # noqa: B018 - opening is the point

    def close(self) -> None:
        self.conflicts.close()
        self.offline.close()
        self.session.close()

    # --- checks and profiles --------------------------------------------------------------------
    def check_id(self, value: str, today: date | None = None) -> Checked:
        return self.profiles.check_id(value, today)

    def check_uscc(self, value: str) -> Checked:
        return self.profiles.check_uscc(value)

    def uscc_whitelist(self) -> tuple[str, ...]:
        return self.profiles.uscc_whitelist()

    def whitelist_uscc(self, code: str, note: str) -> None:
        self.profiles.whitelist_uscc(code, note)

    def save_profile(self, kind: str, data: dict[str, Any]) -> tuple[Saved, list[Problem]]:
        return self.profiles.save(kind, data)

    def profile(self, kind: str, key: str) -> Profile | None:
        return self.profiles.get(kind, key)

    def lookup(self, kind: str, key: str, *, away: bool = False) -> Any:
        """F2: the profile and its history, or while the shared store is away what this window captured
        offline (``desk.offline.Looked``)."""
        return self.offline.lookup(kind, key, away=away)

    def history(self, kind: str, key: str) -> list[Version]:
        return self.profiles.history(kind, key)

    def delete_profile(self, kind: str, key: str) -> bool:
        return self.profiles.delete(kind, key)

    # --- the unfinished capture form ------------------------------------------------------------
    def save_draft(self, data: dict[str, Any]) -> None:
        self.drafts.save(data)

    def draft(self) -> Draft | None:
        return self.drafts.get()

    def restored_draft(self) -> None:
        self.drafts.restored()

    def discard_draft(self, why: str = "case started") -> bool:
        return self.drafts.discard(why)

    # --- cases and runs -------------------------------------------------------------------------
    def systems_for(self, opts: FillOptions) -> dict[str, System]:
        return self.cases.systems_for(opts)

    def plan(self, case: Case, opts: FillOptions) -> Plan:
        return self.cases.plan(case, opts)

    def open_case(self, request: CaseRequest, opts: FillOptions) -> tuple[FillResult, Plan]:
        return self.cases.open(request, opts)

    def fill(self, request: CaseRequest, clerk: Clerk, opts: FillOptions) -> FillResult:
        """Validate and store the record, plan and store the case, run every target in turn, settle the case."""
        from clerkdesk.drivers.web.shared import shared_browsers

        result, plan = self.cases.open(request, opts)
        assert plan.case is not None  # cases.open always plans from the stored case
        with shared_browsers():  # matters of one system share its browser and its login (one captcha, not two)
            for t in plan.targets:
                rid = result.runs[t.recipe.id]
                result.outcomes[t.recipe.id] = self.runs.run_target(rid, t, plan.case, clerk, opts)
        self.cases.settle(result.case_id)
        return result

    def run_target(self, rid: str, target: Target, case: Case, clerk: Clerk, opts: FillOptions, *,
                   resume: bool = False) -> Outcome:
        return self.runs.run_target(rid, target, case, clerk, opts, resume=resume)

    def settle_case(self, case_id: str) -> None:
        self.cases.settle(case_id)

    def resume(self, rid: str, clerk: Clerk, opts: FillOptions, decision: str | None = None,
               receipt: str | None = None) -> Outcome:
        return self.runs.resume(rid, clerk, opts, decision, receipt)

    def sealing(self) -> dict[str, Any]:
        """Driver options that keep a system's login sealed with the store's key (workbench, canary, probes)."""
        return self.runs.sealing()

    # --- confirms -------------------------------------------------------------------------------
    def confirm_lines(self, info: Any, sent: list[tuple[str, str]], with_profile: bool = True,
                      lang: str = "zh") -> list[Any]:
        """The values a run is about to submit, in words (``recipe.words.ConfirmLine``), for any shell's confirm.

        INFO is the engine's ``RunInfo`` (which recipe, which system, which run); SENT the ``(label, value)``
        pairs the engine passes to ``Clerk.confirm``. WITH_PROFILE reads the run's case (the store) so lines can
        say where a value is not the profile's own; without it the words come from the catalog alone. LANG "en":
        the lines in English (``recipe.words``)."""
        from clerkdesk.recipe.words import confirm_lines

        recipe = self.catalog.get(info.recipe)
        system = self.catalog.systems[info.system]
        context = None
        if with_profile:
            try:
                context = self.cases.of_run(info.run_id).context
            except Exception:  # the run or its case is gone (erased): words without marks
                context = None
        return confirm_lines(recipe, system, sent, context, lang)

    def confirm_text(self, info: Any, sent: list[tuple[str, str]]) -> list[str]:
        """``confirm_lines`` as console lines (``性别：男（代码 1）``); the pairs as sent if they cannot be read."""
        try:
            return [ln.text() for ln in self.confirm_lines(info, sent)]
        except Exception:  # a recipe the catalog no longer has: still show what goes out, as sent
            return [f"{label}：{value}" for label, value in sent]

    # --- documents (读取证件) ----------------------------------------------------------------------
    def read_document(self, image: Path | str, kind: str, **kw: Any) -> DocumentRead:
        return self.documents.read_document(image, kind, **kw)

    def read_screen(self, kind: str, **kw: Any) -> DocumentRead:
        return self.documents.read_screen(kind, **kw)

    def read_pixels(self, rgb: Any, kind: str, **kw: Any) -> DocumentRead:
        return self.documents.read_pixels(rgb, kind, **kw)

    def read_card(self, reader: str = "simulated", **kw: Any) -> DocumentRead:
        return self.documents.read_card(reader, **kw)

    def link_documents(self, ids: Any, *, case_id: str | None = None, profile_id: int | None = None) -> None:
        self.documents.link_documents(ids, case_id=case_id, profile_id=profile_id)

    def discard_documents(self, ids: Any) -> list[int]:
        return self.documents.discard_documents(ids)

    def purge_orphan_documents(self, older_than_hours: float = 24.0) -> list[int]:
        return self.documents.purge_orphan_documents(older_than_hours)

    def document_image(self, did: int) -> bytes:
        return self.documents.document_image(did)

    def newest_scan(self, folder: Path | str) -> Path | None:
        return self.documents.newest_scan(folder)

    # --- the store itself -----------------------------------------------------------------------
    def verify_audit(self) -> Any:
        return self.upkeep.verify_audit()

    def check_store(self) -> Any:
        return self.upkeep.check_store()

    def backup_store(self, dest: Path) -> dict[str, Any]:
        return self.upkeep.backup_store(dest)

    def restore_store(self, src: Path) -> dict[str, Any]:
        return self.upkeep.restore_store(src)

    def accept_audit_loss(self) -> dict[str, Any]:
        return self.upkeep.accept_audit_loss()

    def audit_checkpoint(self) -> int:
        return self.upkeep.audit_checkpoint()

    def audit_public_key(self) -> str:
        return self.upkeep.audit_public_key()
