"""Profiles: checking an ID number or credit code, validating and storing a person's or company's record.

``prepare`` is the one path from what a clerk typed to a stored, validated record: it merges the stored
profile, validates, saves a new version and returns the :class:`Applicant` a case is opened for.
``save`` (``person add`` / the form's 保存) is the same path without the merge, not a second copy of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from clerkdesk.desk.session import Session
from clerkdesk.errors import NotAllowed, Problem, ValidationError
from clerkdesk.records import model, standards
from clerkdesk.records.model import ProfileId
from clerkdesk.store.profiles import KINDS, Profile, Saved, Version, profile_key


@dataclass(frozen=True)
class Checked:
    """The answer to 核验: the normalised value, what it says (birth date, region …) and its problems."""

    ok: bool
    value: str | None
    facts: dict[str, Any]
    problems: list[Problem]


@dataclass(frozen=True)
class Applicant:
    """A validated, stored applicant: what a case is opened for."""

    kind: str  # "person" | "enterprise"
    key: str  # the profile key (ID number / credit code)
    record: dict[str, Any]  # short field names, as ``Person.to_dict()``
    profile_id: ProfileId
    warnings: list[Problem]
    saved: Saved


KEY_FIELD = {"person": "id_number", "enterprise": "uscc"}


class Profiles:
    """Checks, the USCC whitelist and the stored profiles of persons and enterprises."""

    def __init__(self, session: Session):
        self.session = session

    # --- checks ---------------------------------------------------------------------------------
    def check_id(self, value: str, today: date | None = None) -> Checked:
        info, problems = standards.check_id_number(value, today=today)
        if info is None:
            return Checked(False, None, {}, problems)
        facts = {"birth_date": info.birth_date.isoformat(), "sex": info.sex,
                 "sex_label": "男" if info.sex == "1" else "女", "region_code": info.region_code,
                 "region": info.region_name, "converted_from_15": info.converted_from_15}
        return Checked(True, info.number, facts, list(info.warnings))

    def check_uscc(self, value: str, whitelist: tuple[str, ...] | None = None) -> Checked:
        """WHITELIST: the pilot codes to accept (default: the store's, or its kept copy while it is away)."""
        wl = self.session.uscc_whitelist() if whitelist is None else whitelist
        cc, problems = standards.check_uscc(value, whitelist=wl)
        if cc is None:
            return Checked(False, None, {}, problems)
        facts = {"authority": cc.authority, "entity_kind": cc.entity_kind, "region_code": cc.region_code,
                 "region": cc.region_name, "org_code": cc.org_code, "whitelisted": cc.whitelisted}
        return Checked(True, cc.code, facts, list(cc.warnings))

    def uscc_whitelist(self) -> tuple[str, ...]:
        return self.session.uscc_whitelist()

    def whitelist_uscc(self, code: str, note: str) -> None:
        """A supervisor accepts a credit code that fails its check but was really issued (pilot era)."""
        from clerkdesk.config import supervisor_refusal  # OS groups under a machine policy, else names
        from clerkdesk.store.db import now

        store = self.session.store
        why = supervisor_refusal(store.clerk)
        if why is not None:
            store.audit.append("uscc_whitelist_refused", "whitelist")
            raise NotAllowed(f"只有主管可以把统一社会信用代码加入白名单 (only a supervisor may whitelist a credit code; "
                             f"{store.clerk}: {why})")
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
        with store.tx() as db:
            db["uscc_whitelist"].upsert({"code": code, "added_by": store.clerk, "added_at": now(),
                                         "note": note}, pk="code")
            # the note stays in the whitelist table: free text may name people, the audit log never does
            store.audit.append("uscc_whitelisted", "whitelist")

    # --- records --------------------------------------------------------------------------------
    def save(self, kind: str, data: dict[str, Any]) -> tuple[Saved, list[Problem]]:
        """Validate DATA fully (every problem listed) and store it; nothing is stored when invalid."""
        if kind not in KINDS:
            raise ValueError(kind)
        a = self._store_valid(kind, data)
        return a.saved, a.warnings

    def prepare(self, kind: str, data: dict[str, Any]) -> Applicant:
        """Merge DATA over the stored profile (lookup by ID number / credit code), validate, save a new version."""
        if kind not in KINDS:
            raise ValidationError([Problem("(record)", "KIND", "记录类型应为 person 或 enterprise",
                                           "record kind is person or enterprise")])
        stored = self.stored_for(kind, data, audit=True)
        return self._store_valid(kind, {**stored.record, **data} if stored else data)

    def stored_for(self, kind: str, data: dict[str, Any], *, audit: bool) -> Profile | None:
        """The stored profile DATA's key names, if any; the same key normalisation as every other lookup, so a
        15-digit number finds the 18-digit profile."""
        key = str(data.get(KEY_FIELD.get(kind, ""), "") or "").strip()
        if not key or kind not in KINDS:
            return None
        return self.session.store.profiles.get(kind, profile_key(kind, key), audit=audit)

    def _store_valid(self, kind: str, data: dict[str, Any]) -> Applicant:
        store = self.session.store
        rec: model.Person | model.Enterprise
        if kind == "person":
            rec, warnings = model.make_person(data)
            key = rec.id_number
        else:
            # a supervisor-whitelisted pilot code is accepted here exactly as by `enterprise add`
            rec, warnings = model.make_enterprise(data, whitelist=store.uscc_whitelist())
            key = rec.uscc
        record = rec.to_dict()
        saved = store.profiles.save(kind, key, record)
        return Applicant(kind, key, record, ProfileId(saved.profile_id), warnings, saved)

    def get(self, kind: str, key: str) -> Profile | None:
        return self.session.store.profiles.get(kind, profile_key(kind, key))

    def history(self, kind: str, key: str) -> list[Version]:
        return self.session.store.profiles.history(kind, profile_key(kind, key))

    def delete(self, kind: str, key: str) -> bool:
        """Erase the profile and all personal data tied to it (versions, cases, runs, evidence, kept 证件
        images) in one transaction; see ``store.profiles.Profiles.delete``."""
        return self.session.store.profiles.delete(kind, profile_key(kind, key))
