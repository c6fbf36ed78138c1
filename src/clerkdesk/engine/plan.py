"""Planning: load every chosen recipe, resolve its needs against the record and case, and pre-render every
value, reporting *all* missing or invalid inputs before anything starts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from clerkdesk.errors import PlanError, Problem
from clerkdesk.recipe import values
from clerkdesk.recipe.model import CaseField, Recipe
from clerkdesk.recipe.steps import Step
from clerkdesk.recipe.systems import System
from clerkdesk.records.model import Case, field_spec


@dataclass(frozen=True)
class Target:
    recipe: Recipe
    system: System


@dataclass(frozen=True)
class Plan:
    targets: tuple[Target, ...]
    context: dict[str, Any]  # {"person"|"enterprise": record, "case": case fields}
    case: Case | None = None  # the case planned, when planned from one (the application layer always does)


def lookup(context: dict[str, Any], path: str) -> Any:
    cur: Any = context
    for part in path.split("."):
        if not isinstance(cur, dict) or part not in cur:
            return None
        cur = cur[part]
    return cur


def label_of(path: str, recipe: Recipe | None = None) -> str:
    spec = field_spec(path)
    if spec:
        return spec.zh
    if recipe and path in recipe.fields:
        return recipe.fields[path].zh
    return path


def needed_fields(recipes: list[Recipe]) -> list[str]:
    """The union of fields the recipes need, in first-use order: the capture form asks exactly these."""
    return list(dict.fromkeys(n for r in recipes for n in r.needs))


CASE_TEXT_MAX = 2000
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def case_value_problems(cf: CaseField, value: Any) -> list[str]:
    """What is wrong with VALUE for the declared case field CF (never quoting the value): its type
    (number with min/max, date, choice, code), and for any text the clean-text rule of records/."""
    from clerkdesk.records import codes
    from clerkdesk.records.model import text_problems
    from clerkdesk.records.standards import parse_date

    out = [p.en for t in (value if isinstance(value, list) else [value]) if isinstance(t, str)
           for p in text_problems(cf.name, cf.zh, t, cf.maxlength or CASE_TEXT_MAX)]
    if out or value in (None, "", []):
        return out
    kind = cf.kind
    if kind == "number":
        text = str(value).replace(",", "").strip() if isinstance(value, str | int | float) else ""
        if isinstance(value, bool) or not _NUMBER.fullmatch(text):
            return ["is a number written with digits (such as 6500 or 6500.50)"]
        num = float(text)
        if cf.min is not None and num < cf.min:
            return [f"is at least {cf.min:g}"]
        if cf.max is not None and num > cf.max:
            return [f"is at most {cf.max:g}"]
    elif kind == "date":
        _d, pr = parse_date(str(value), cf.name)
        return [p.en for p in pr]
    elif kind.startswith(("choice:", "multi:")):
        options = kind.split(":", 1)[1].split("|")
        chosen = value if isinstance(value, list) else [value]
        if any(str(c) not in options for c in chosen):
            return [f"is one of: {', '.join(options)}"]
    elif kind.startswith("code:") and kind[5:] in codes.TABLES:
        if codes.table(kind[5:]).resolve(str(value)) is None:
            return [f"is a value of code table {kind[5:]}"]
    elif kind == "text" and isinstance(value, dict | list):
        return ["is text, not a list or an object"]
    return []


def plan_case(recipes: list[Recipe], systems: dict[str, System], case: Case | dict[str, Any]) -> Plan:
    """Check every target of CASE (or a bare CONTEXT dict: recipe tests, the workbench) before anything runs.

    Raises ``PlanError`` listing every problem as a :class:`Problem` whose FIELD is the canonical path (empty
    when the problem is not one field's), SYSTEM the target system's title and PLACE the recipe (and step
    and file position for a template), so a shell marks the fields without reading the text.
    """
    context = case.context if isinstance(case, Case) else case
    problems: list[Problem] = []
    targets: list[Target] = []
    if not isinstance(context.get("case", {}), dict):
        raise PlanError([Problem("case", "CASE_NOT_OBJECT", "业务信息应为一个JSON对象（如 {\"employer\": \"…\"}）",
                                 "the case is a JSON object of case fields, such as {\"employer\": \"…\"}")])
    for r in recipes:
        system = systems.get(r.system)
        if system is None:
            problems.append(Problem("", "SYSTEM_UNKNOWN", f"未知系统 {r.system}", f"unknown system {r.system!r} "
                                    f"({r.mark})", place=r.id, params=(("system", r.system),)))
            continue
        targets.append(Target(r, system))
        place = f"{r.id} ({system.title})"
        for n in r.needs:
            v = lookup(context, n)
            if v in (None, "", []):
                cf = r.fields.get(n)
                if cf is not None and not cf.required:
                    continue
                label = label_of(n, r)
                problems.append(Problem(n, "FIELD_REQUIRED", f"{system.title}需要{label}", f"missing {label} ({n})",
                                        system=system.title, place=place, params=(("label", label),)))
        for name, cf in r.fields.items():
            for why in case_value_problems(cf, lookup(context, name)):
                problems.append(Problem(name, "CASE_VALUE", f"{cf.zh}：{why}", f"{cf.zh} ({name}) {why}",
                                        system=system.title, place=place, params=(("label", cf.zh),)))
        env = values.make_env(system.id, system.codes)

        def prerender(steps: tuple[Step, ...], r: Recipe = r, env: Any = env, system: System = system) -> None:
            for s in steps:
                if s.type.decides:
                    continue  # `each`/`when`: values depend on run-time items/conditions; checked when they run
                # every template of the step: values, and the texts of its locators and conditions
                for _where, source, mark in s.templates():
                    try:
                        values.render(env, source, context)
                    except values.TemplateValueError as e:
                        if "undefined field" in str(e) and any(lookup(context, n) in (None, "") for n in r.needs):
                            continue  # already reported as missing
                        problems.append(Problem("", "TEMPLATE", f"{system.title}：{e}", str(e), system=system.title,
                                                place=f"{r.id} step {s.kind} ({mark})"))
                for kids in s.children.values():
                    prerender(kids)

        prerender(r.steps)
    if problems:
        raise PlanError(list(dict.fromkeys(problems)))
    return Plan(tuple(targets), context, case if isinstance(case, Case) else None)
