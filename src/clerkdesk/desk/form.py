"""The capture form's side of the application: the unfinished form kept as a draft (and the form's model)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from clerkdesk.desk.cases import CaseRequest
from clerkdesk.desk.profiles import Profiles
from clerkdesk.desk.session import Session
from clerkdesk.engine.plan import needed_fields
from clerkdesk.errors import Problem, ValidationError
from clerkdesk.recipe.model import Recipe, in_language
from clerkdesk.records import model
from clerkdesk.store.drafts import Draft


class Drafts:
    """The form the clerk is typing, kept encrypted so a crash before F5 costs no retype."""

    def __init__(self, session: Session):
        self.session = session

    def save(self, data: dict[str, Any]) -> None:
        self.session.store.drafts.save(data)

    def get(self) -> Draft | None:
        """This clerk's unfinished form, if any (drafts older than three days are dropped first)."""
        drafts = self.session.store.drafts
        drafts.purge()
        return drafts.get()

    def restored(self) -> None:
        self.session.store.drafts.restored()

    def discard(self, why: str = "case started") -> bool:
        return self.session.store.drafts.clear(why)


KEY_FIELD = {"person": "person.id_number", "enterprise": "enterprise.uscc"}


def key_field(kind: str) -> str:
    """The field a profile is found by: the ID number, or the credit code."""
    return KEY_FIELD.get(kind, "enterprise.uscc")


def _derived(path: str) -> bool:
    spec = model.field_spec(path)
    return spec is not None and spec.derived


def _empty(v: Any) -> bool:
    return v in ("", None, [])


@dataclass(frozen=True)
class MatterChoice:
    """One matter the clerk can tick: its title and the systems it files into (a bundle: 一件事)."""

    id: str
    title: str
    systems: tuple[str, ...]
    bundle: bool


@dataclass(frozen=True)
class FormShape:
    """What the form asks for the ticked matters: the applicant kind and the fields, in form order."""

    kind: str  # "person" | "enterprise" | "mixed" (matters for both: refused); "person" when none is ticked
    recipes: tuple[Recipe, ...]
    applicant: tuple[str, ...]  # the key field first, then those derived from it (shown grey), then the rest
    case: tuple[str, ...]


class CaptureFormModel:
    """What the capture form needs, without Qt: the matters, the fields they need, the record and case values
    as the record layer wants them, their problems, what the ID number proves, and the case to start.

    The Qt form (``ui.qt_capture_form``) is its view: it holds editors and colours, and asks this model
    every question of substance, so the same rules hold for any shell and are tested without a screen.
    """

    def __init__(self, session: Session, profiles: Profiles):
        self.session = session
        self.profiles = profiles
        self.whitelist: tuple[str, ...] = ()

    def load(self, lang: str = "zh") -> list[MatterChoice]:
        """The matters to offer, titled in LANG (an ``en:`` label in English where the recipes give one), and
        the supervisor-accepted credit codes, read once per load."""
        self.whitelist = self.profiles.uscc_whitelist()
        cat = self.session.catalog

        def system(rid: str) -> str:
            s = cat.systems[cat.recipes[rid].system]
            return in_language(s.title, s.en, lang)

        return [MatterChoice(m.id, in_language(m.title, m.en, lang), tuple(dict.fromkeys(system(r) for r in m.recipes)),
                             len(m.recipes) > 1)
                for m in cat.matters.values()]

    def targets(self, matters: list[str]) -> list[str]:
        """The recipes of the ticked MATTERS, each once, in order."""
        cat = self.session.catalog
        return list(dict.fromkeys(r for m in matters for r in cat.matters[m].recipes))

    def shape(self, matters: list[str]) -> FormShape:
        cat = self.session.catalog
        recipes = tuple(cat.recipes[r] for r in self.targets(matters))
        kinds = {r.applicant for r in recipes}
        kind = kinds.pop() if len(kinds) == 1 else ("person" if not kinds else "mixed")
        paths = needed_fields(list(recipes))
        for r in recipes:  # declared case fields the recipe only reads inside `when` are asked too
            paths += [p for p in r.fields if p not in paths]
        key = key_field(kind)
        applicant = sorted((p for p in paths if not p.startswith("case.")), key=lambda p: (p != key, not _derived(p)))
        return FormShape(kind, recipes, tuple(applicant), tuple(p for p in paths if p.startswith("case.")))

    def matter_title(self, matters: list[str]) -> str:
        return "、".join(self.session.catalog.matters[m].title for m in matters)

    @staticmethod
    def defaults(kind: str) -> dict[str, Any]:
        """The record layer's own defaults (e.g. 证件类型 = 居民身份证), shown pre-selected in the form."""
        cls = {"person": model.Person, "enterprise": model.Enterprise}.get(kind)
        if cls is None:
            return {}
        return {f"{kind}.{f.name}": f.default for f in dataclasses.fields(cls)
                if f.default is not dataclasses.MISSING and f.default is not None}

    # --- values -----------------------------------------------------------------------------------
    @staticmethod
    def record_data(values: dict[str, Any]) -> dict[str, Any]:
        """The applicant's VALUES (path → value) keyed as ``make_person`` wants them, nested for the legal
        representative; empty and derived fields left to the record layer."""
        out: dict[str, Any] = {}
        for path, v in values.items():
            if path.startswith("case.") or _derived(path) or _empty(v):
                continue
            parts = path.split(".")[1:]
            cur = out
            for p in parts[:-1]:
                cur = cur.setdefault(p, {})
            cur[parts[-1]] = v
        return out

    @staticmethod
    def case_fields(values: dict[str, Any]) -> dict[str, Any]:
        return {p.removeprefix("case."): v for p, v in values.items() if p.startswith("case.") and not _empty(v)}

    def problems(self, kind: str, values: dict[str, Any]) -> dict[str, Problem]:
        """Field path → the record layer's first problem (or warning) for the typed VALUES. Emptiness is not a
        problem here: the form reports it once the clerk asks to start, not while typing."""
        data = self.record_data(values)
        try:
            if kind == "person":
                _p, warns = model.make_person(data)
            else:
                _e, warns = model.make_enterprise(data, whitelist=self.whitelist)
            found: list[Problem] = list(warns)
        except ValidationError as e:
            found = e.problems
        out: dict[str, Problem] = {}
        for p in found:
            if p.field not in values:
                continue
            if p.code == "FIELD_REQUIRED" or (_empty(values[p.field]) and not _derived(p.field)):
                continue
            out.setdefault(p.field, p)
        return out

    def proven(self, id_number: Any) -> dict[str, str]:
        """What a valid ID number proves (birth date, sex, native region) by path; empty when it is not valid."""
        chk = self.profiles.check_id(str(id_number)) if not _empty(id_number) else None
        facts = chk.facts if chk and chk.ok else {}
        return {path: facts.get(fact, "") for path, fact in (("person.birth_date", "birth_date"),
                                                              ("person.sex", "sex"),
                                                              ("person.native_region", "region_code"))}

    def key_value(self, kind: str, raw: Any) -> str | None:
        """The normalised key (18-digit ID number, credit code) when RAW is a valid one, else None."""
        if _empty(raw):
            return None
        # the whitelist read at ``load`` (never a store query per keystroke, and right while the store is away)
        chk = (self.profiles.check_id(str(raw)) if kind == "person"
               else self.profiles.check_uscc(str(raw), self.whitelist))
        return chk.value if chk.ok else None

    @staticmethod
    def same(path: str, old: Any, now: Any) -> bool:
        """Do the stored value and the form's value mean the same (compared as the record stores them: 汉 and
        01, 20261101 and 2026-11-01 are one value)? The record layer normalises; nothing is re-implemented here."""
        a, b = model.canonical(path, old), model.canonical(path, now)
        return a == b if a is not None and b is not None else str(old).strip() == str(now).strip()

    def request(self, kind: str, values: dict[str, Any], matters: list[str]) -> CaseRequest:
        """The case to open from the form's VALUES for the ticked MATTERS."""
        return CaseRequest(kind, self.record_data(values), tuple(self.targets(matters)), self.case_fields(values),
                           self.matter_title(matters))
