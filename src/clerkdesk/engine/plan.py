"""Planning: load every chosen recipe, resolve its needs against the record and case, and pre-render every
value, reporting *all* missing or invalid inputs before anything starts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from clerkdesk.errors import PlanError
from clerkdesk.recipe import values
from clerkdesk.recipe.model import Recipe
from clerkdesk.recipe.steps import Step
from clerkdesk.recipe.systems import System
from clerkdesk.records.model import field_spec


@dataclass(frozen=True)
class Target:
    recipe: Recipe
    system: System


@dataclass(frozen=True)
class Plan:
    targets: tuple[Target, ...]
    context: dict[str, Any]  # {"person"|"enterprise": record, "case": case fields}


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


def plan_case(recipes: list[Recipe], systems: dict[str, System], context: dict[str, Any]) -> Plan:
    problems: list[str] = []
    targets: list[Target] = []
    for r in recipes:
        system = systems.get(r.system)
        if system is None:
            problems.append(f"{r.id}: unknown system {r.system!r} ({r.mark})")
            continue
        targets.append(Target(r, system))
        for n in r.needs:
            v = lookup(context, n)
            if v in (None, "", []):
                cf = r.fields.get(n)
                if cf is not None and not cf.required:
                    continue
                problems.append(f"{r.id} ({system.title}): missing {label_of(n, r)} ({n})")
        env = values.make_env(system.id, system.codes)

        def prerender(steps: tuple[Step, ...], r: Recipe = r, env: Any = env) -> None:
            for s in steps:
                if s.kind in ("each", "when"):
                    continue  # their values depend on run-time items/conditions; checked when they run
                # every template of the step: values, and the texts of its locators and conditions
                for _where, source, mark in s.templates():
                    try:
                        values.render(env, source, context)
                    except values.TemplateValueError as e:
                        if "undefined field" in str(e) and any(lookup(context, n) in (None, "") for n in r.needs):
                            continue  # already reported as missing
                        problems.append(f"{r.id} step {s.kind} ({mark}): {e}")
                for kids in s.children.values():
                    prerender(kids)

        prerender(r.steps)
    if problems:
        raise PlanError(list(dict.fromkeys(problems)))
    return Plan(tuple(targets), context)
