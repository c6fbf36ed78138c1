"""Where a system already disagrees with the profile: the pure comparison behind the discrepancy table.

A recipe's ``read`` step reads what the system shows for the applicant (its query page: 户口性质 非农业户口,
现住址 …) before anything is written. Each value is compared with the profile **as the system would record
it**: a code field is read back through ClerkDesk's code table (words, codes or aliases) and the system's
code map (``recipes/systems/*.yaml`` ``codes:``), so that 非农业户口 on a system that records 居民户口 as 非农业
is no difference, while 非农业户口 against a profile's 农业户口 is one. Text is compared without the spacing and
width differences a system adds. Pure: no I/O; the desk adds "last verified" and the shells show the table.

The clerk's decision per field (``Decision``) is carried into the fill by ``overrides``: the values the run
fills from instead of the profile's.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from clerkdesk.records import codes, model, regions


class Decision(StrEnum):
    """What the clerk decided for one field that differs."""

    SYSTEM = "system"  # update the system with the profile's value (the fill sends the profile's value)
    PROFILE = "profile"  # update the profile with the system's value (and the fill keeps the system's)
    LEAVE = "leave"  # change neither: the fill keeps the system's value; the profile stays as it is


DECISION_WORDS: dict[Decision, tuple[str, str]] = {
    Decision.SYSTEM: ("以档案更新系统", "update the system with the profile"),
    Decision.PROFILE: ("以系统更新档案", "update the profile with the system"),
    Decision.LEAVE: ("暂不处理", "leave it"),
}


@dataclass(frozen=True)
class Difference:
    """One field the system shows otherwise than the profile holds it."""

    field: str  # the profile field, e.g. person.hukou_type
    label: str  # its name in words (户口性质)
    system_text: str  # what the system shows, as read
    system_words: str  # the system's value in words (非农业户口)
    profile_words: str  # the profile's value in words ("" when the profile has none)
    system_value: str | None  # the system's value as a profile value (canonical code), None if it cannot be read
    #                           as one: then only "update the system" is possible
    profile_value: str = ""  # the profile's value as stored (a code, a region code): a shell words it itself

    @property
    def choices(self) -> tuple[Decision, ...]:
        """The decisions possible for this field: adopting or keeping the system's value needs it readable."""
        return tuple(Decision) if self.system_value is not None else (Decision.SYSTEM,)


def squash(text: str) -> str:
    """TEXT without the differences a display adds: NFKC (full-width → half-width), no white space."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text)))


def _lookup(context: Mapping[str, Any], name: str) -> Any:
    cur: Any = context
    for part in name.split("."):
        if not isinstance(cur, Mapping):
            return None
        cur = cur.get(part)
    return cur


def _code_meanings(table: str, text: str, system_codes: Mapping[str, Mapping[str, Any]]
                   ) -> tuple[str | None, set[str]]:
    """TEXT as the system shows a code field: (its canonical code, every canonical code the system records the
    same way). A system that records 居民户口 as 非农业 means both by 非农业户口."""
    tab = codes.table(table)
    mapping = {str(k): (None if v is None else str(v)) for k, v in system_codes.get(table, {}).items()}
    canonical = tab.resolve(text)
    if canonical is None and mapping:  # the system's own code (2), not words
        hits = [k for k, v in mapping.items() if v == squash(text)]
        canonical = squash(text) if squash(text) in hits else (hits[0] if hits else None)
    if canonical is None:
        return None, set()
    if not mapping or mapping.get(canonical) is None:
        return canonical, {canonical}
    sys_code = mapping[canonical]
    return canonical, {k for k, v in mapping.items() if v == sys_code}


def _words(spec: model.FieldSpec | None, value: Any) -> str:
    if value in (None, ""):
        return ""
    if spec is not None and spec.kind == "code" and spec.table:
        c = codes.table(spec.table).resolve(str(value))
        return codes.table(spec.table).label(c) if c else str(value)
    if spec is not None and spec.kind == "region" and regions.region(str(value)) is not None:
        return "".join(dict.fromkeys(n for n in regions.names(str(value)) if n))
    return str(value)


def compare_one(name: str, shown: str, context: Mapping[str, Any],
                system_codes: Mapping[str, Mapping[str, Any]]) -> Difference | None:
    """The difference between what the system shows for field NAME and the profile in CONTEXT (the run's
    ``{"person": record, …}``), or None when they are the same as the system would record them."""
    spec = model.field_spec(name)
    label = spec.zh if spec else name
    profile = _lookup(context, name)
    profile_text = "" if profile is None else str(profile)
    text = shown.strip()
    if not squash(text) and not squash(profile_text):  # neither holds a value
        return None
    if spec is not None and spec.kind == "code" and spec.table:
        canonical, meanings = _code_meanings(spec.table, text, system_codes)
        mine = codes.table(spec.table).resolve(profile_text) if profile_text else None
        if canonical is not None and mine in meanings:
            return None
        words = codes.table(spec.table).label(canonical) if canonical else text
        return Difference(name, label, text, words, _words(spec, profile), canonical, profile_text)
    if spec is not None and spec.kind == "region":
        code = squash(text)
        if regions.region(code) is None:  # a system that shows the region in words: compare the names
            if squash(_words(spec, profile)) == code:
                return None
            return Difference(name, label, text, text, _words(spec, profile), None, profile_text)
        if code == squash(profile_text):
            return None
        return Difference(name, label, text, _words(spec, code), _words(spec, profile), code, profile_text)
    # anything else as a record stores it (a date in any spelling, a phone without its spaces, clean text)
    mine, theirs = model.canonical(name, profile_text), model.canonical(name, text)
    if squash(text) == squash(profile_text) or (theirs is not None and str(theirs) == str(mine)):
        return None
    return Difference(name, label, text, text, profile_text, None if theirs is None else str(theirs), profile_text)


def compare(shown: Mapping[str, str], context: Mapping[str, Any],
            system_codes: Mapping[str, Mapping[str, Any]]) -> list[Difference]:
    """Every field of SHOWN (profile field → the system's text) that differs from the profile in CONTEXT
    (``Case.context``: ``{"person": {"hukou_type": …}, "case": …}``), in the order read."""
    return [d for name, text in shown.items() if (d := compare_one(name, text, context, system_codes))]


def overrides(diffs: list[Difference], decisions: Mapping[str, Decision]) -> dict[str, str]:
    """The values the fill uses instead of the profile's (profile field → canonical value): the system's own
    where the clerk adopted it (``profile``) or left it (``leave``); nothing where the profile updates the
    system, or where the system's value cannot be read as a profile value."""
    out: dict[str, str] = {}
    for d in diffs:
        dec = decisions.get(d.field, Decision.SYSTEM)
        if dec in (Decision.PROFILE, Decision.LEAVE) and d.system_value is not None:
            out[d.field] = d.system_value
    return out
