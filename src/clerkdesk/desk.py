"""The application layer: what a clerk can do, for both shells (CLI and Qt window).

No printing, no Qt, no exit codes here: functions take plain values, return
plain results, and raise ``ClerkDeskError`` subclasses that the shells turn
into messages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from clerkdesk.capturing import Capturing
from clerkdesk.config import default_home
from clerkdesk.errors import Problem, ValidationError
from clerkdesk.filling import Filling
from clerkdesk.records import model, standards
from clerkdesk.store import Store
from clerkdesk.store.drafts import Draft
from clerkdesk.store.profiles import Profile, Saved, Version, profile_key


@dataclass(frozen=True)
class Checked:
    ok: bool
    value: str | None
    facts: dict[str, Any]
    problems: list[Problem]


class Desk(Filling, Capturing):
    """One clerk's session over one data folder."""

    def __init__(self, home: Path | None = None, clerk: str | None = None, *, create: bool = True):
        """CREATE=False (the CLI without ``--create``) refuses a data folder that does not exist."""
        self.home = default_home(Path(home) if home else None)  # the machine policy may fix it
        self.clerk = clerk
        self.create = create
        self._store: Store | None = None

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = Store.open(self.home, clerk=self.clerk, create=self.create)
        return self._store

    def _examined(self) -> Store:
        """The store opened even when damaged (it then refuses writes): for checking and repairing it."""
        if self._store is None:
            self._store = Store.open(self.home, clerk=self.clerk, create=self.create, allow_damaged=True)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    # --- checks -------------------------------------------------------------------------
    def check_id(self, value: str, today: date | None = None) -> Checked:
        info, problems = standards.check_id_number(value, today=today)
        if info is None:
            return Checked(False, None, {}, problems)
        facts = {"birth_date": info.birth_date.isoformat(), "sex": info.sex,
                 "sex_label": "男" if info.sex == "1" else "女", "region_code": info.region_code,
                 "region": info.region_name, "converted_from_15": info.converted_from_15}
        return Checked(True, info.number, facts, list(info.warnings))

    def check_uscc(self, value: str) -> Checked:
        cc, problems = standards.check_uscc(value, whitelist=self.uscc_whitelist())
        if cc is None:
            return Checked(False, None, {}, problems)
        facts = {"authority": cc.authority, "entity_kind": cc.entity_kind, "region_code": cc.region_code,
                 "region": cc.region_name, "org_code": cc.org_code, "whitelisted": cc.whitelisted}
        return Checked(True, cc.code, facts, list(cc.warnings))

    def uscc_whitelist(self) -> tuple[str, ...]:
        """Whitelisted pilot credit codes. Public data kept in clear: a check needs no key to read them."""
        if self._store is not None:
            return self._store.uscc_whitelist()
        path = self.home / "clerkdesk.db"
        if not path.exists():
            return ()
        import sqlite3

        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
        try:
            return tuple(r[0] for r in conn.execute("select code from uscc_whitelist"))
        except sqlite3.DatabaseError:  # no such table yet, or not a database: no whitelist
            return ()
        finally:
            conn.close()

    def whitelist_uscc(self, code: str, note: str) -> None:
        """A supervisor accepts a credit code that fails its check but was really issued (pilot era)."""
        from clerkdesk.config import supervisor_refusal  # OS groups under a machine policy, else names
        from clerkdesk.errors import NotAllowed
        from clerkdesk.store.db import now

        why = supervisor_refusal(self.store.clerk)
        if why is not None:
            self.store.audit.append("uscc_whitelist_refused", "whitelist")
            raise NotAllowed(f"只有主管可以把统一社会信用代码加入白名单 (only a supervisor may whitelist a credit code; "
                             f"{self.store.clerk}: {why})")
        code = standards.normalise_uscc(code)
        problems = []
        if len(code) != 18:
            problems.append(Problem("enterprise.uscc", "USCC_LENGTH", "统一社会信用代码应为18位",
                                    "a credit code has 18 characters"))
        if not (note or "").strip():
            problems.append(Problem("note", "FIELD_REQUIRED", "请写明加入白名单的依据（如：已核对营业执照原件）",
                                    "say why (e.g. the original licence was checked)"))
        if problems:
            raise ValidationError(problems)
        with self.store.tx() as db:
            db["uscc_whitelist"].upsert({"code": code, "added_by": self.store.clerk, "added_at": now(),
                                         "note": note}, pk="code")
            # the note stays in the whitelist table: free text may name people, the audit log never does
            self.store.audit.append("uscc_whitelisted", "whitelist")

    # --- the unfinished capture form ------------------------------------------------------------------
    def save_draft(self, data: dict[str, Any]) -> None:
        """Keep the form the clerk is typing (encrypted), so a crash before F5 costs no retype."""
        self.store.drafts.save(data)

    def draft(self) -> Draft | None:
        """This clerk's unfinished form, if any (drafts older than three days are dropped first)."""
        self.store.drafts.purge()
        return self.store.drafts.get()

    def restored_draft(self) -> None:
        self.store.drafts.restored()

    def discard_draft(self, why: str = "case started") -> bool:
        return self.store.drafts.clear(why)

    # --- profiles -------------------------------------------------------------------------
    def save_profile(self, kind: str, data: dict[str, Any]) -> tuple[Saved, list[Problem]]:
        """Validate DATA fully (every problem listed) and store it; nothing is stored when invalid."""
        if kind == "person":
            person, warnings = model.make_person(data)
            return self.store.profiles.save("person", person.id_number, person.to_dict()), warnings
        if kind == "enterprise":
            ent, warnings = model.make_enterprise(data, whitelist=self.uscc_whitelist())
            return self.store.profiles.save("enterprise", ent.uscc, ent.to_dict()), warnings
        raise ValueError(kind)

    def _key(self, kind: str, key: str) -> str:
        return profile_key(kind, key)

    def profile(self, kind: str, key: str) -> Profile | None:
        return self.store.profiles.get(kind, self._key(kind, key))

    def history(self, kind: str, key: str) -> list[Version]:
        return self.store.profiles.history(kind, self._key(kind, key))

    def delete_profile(self, kind: str, key: str) -> bool:
        """Erase the profile and all personal data tied to it (versions, cases, runs, evidence, kept 证件
        images) in one transaction; see ``Profiles.delete``."""
        return self.store.profiles.delete(kind, self._key(kind, key))

    # --- confirms -----------------------------------------------------------------------------
    def confirm_lines(self, info: Any, sent: list[tuple[str, str]], with_profile: bool = True) -> list[Any]:
        """The values a run is about to submit, in words (``recipe.words.ConfirmLine``), for any shell's confirm.

        INFO is the engine's ``RunInfo`` (which recipe, which system, which run); SENT the ``(label, value)``
        pairs the engine passes to ``Clerk.confirm``. WITH_PROFILE reads the run's case (the store) so lines can
        say where a value is not the profile's own; without it the words come from the catalog alone."""
        from clerkdesk.recipe.words import confirm_lines

        recipe = self.catalog.get(info.recipe)
        system = self.catalog.systems[info.system]
        context = None
        if with_profile:
            try:
                run = self.store.runs.get(info.run_id)
                case = self.store.cases.get(run.case_id)
            except Exception:  # the run or its case is gone (erased): words without marks
                case = None
            if case is not None:
                context = {case.applicant_kind: case.record, "case": case.fields}  # as Filling.resume gives it
        return confirm_lines(recipe, system, sent, context)

    def confirm_text(self, info: Any, sent: list[tuple[str, str]]) -> list[str]:
        """``confirm_lines`` as console lines (``性别：男（代码 1）``); the pairs as sent if they cannot be read."""
        try:
            return [ln.text() for ln in self.confirm_lines(info, sent)]
        except Exception:  # a recipe the catalog no longer has: still show what goes out, as sent
            return [f"{label}：{value}" for label, value in sent]

    def verify_audit(self) -> Any:
        """The audit log against its chain, signed head, anchor and checkpoints; works on a damaged store."""
        return self._examined().audit.verify()

    # --- the store itself: check, backup, restore ------------------------------------------------------
    def check_store(self) -> Any:
        """Full integrity check of the file plus the audit verification (``clerkdesk store check``)."""
        from clerkdesk.store import backup

        return backup.check(self._examined())

    def backup_store(self, dest: Path) -> dict[str, Any]:
        from clerkdesk.store import backup

        return backup.backup(self.store, dest)

    def restore_store(self, src: Path) -> dict[str, Any]:
        from clerkdesk.store import backup

        self.close()
        return backup.restore(self.home, src, self.clerk, create=self.create)

    def accept_audit_loss(self) -> dict[str, Any]:
        from clerkdesk.store import backup

        return backup.accept_loss(self._examined())

    def audit_checkpoint(self) -> int:
        return self.store.audit.checkpoint()

    def audit_public_key(self) -> str:
        return self._examined().audit.public_key_pem()
