"""``clerkdesk recipe canary``: dry-run every recipe of a set against its systems and say which ones still work.

Each recipe runs as ``recipe test`` does (up to its submit, never clicking it) with a sample record from a
samples folder (``<recipe id>.json``, else ``person.json`` / ``enterprise.json``). Per recipe the verdict is
- ``ok``: every step before the submit worked;
- ``changed``: a step failed on a page that was reached — the system changed (a renamed label, a moved
  button); the broken step, its locator and recipe line are named, the report and screenshot kept;
- ``unreachable``: the system did not answer (or the browser did not start);
- ``needs login``: a ``human`` step (a login) needed a person — run the canary where a login is kept;
- ``skipped``: no sample record for it.
The last date each recipe was ``ok`` is kept in ``<home>/canary/state.json`` (or ``CLERKDESK_CANARY_STATE``) (``{recipe id: {"last_good":
ISO date, "status": …, "checked": ISO date, "since": ISO date}}``; ``since`` is the first check of the current
non-ok streak), so a report can say since when a recipe is broken, and the clerk's app shows a recipe's health
beside its matter from that file (``health``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from clerkdesk.engine.run import Clerk
from clerkdesk.errors import ClerkDeskError
from clerkdesk.recipe.steps import kinds
from clerkdesk.records.runstate import RunStatus
from clerkdesk.workbench.recipe_test import TestResult, dry_run, load_for_test, sample_context, write_report


@dataclass
class Verdict:
    recipe: str
    system: str
    status: str  # ok | changed | unreachable | needs login | skipped | error
    step: str = ""  # the broken step (changed), with its recipe line
    locator: str = ""
    message: str = ""
    report: str = ""
    screenshot: str = ""
    last_good: str | None = None

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _sample_for(samples: Path, recipe_id: str, applicant: str) -> Path | None:
    for name in (f"{recipe_id}.json", f"{applicant}.json"):
        if (samples / name).is_file():
            return samples / name
    return None


def judge(res: TestResult) -> tuple[str, str, str, str]:
    """(status, broken step, its locator, message) of a dry run."""
    if res.ok:
        return "ok", "", "", ""
    if res.outcome.status == RunStatus.NEEDS_CLERK:
        return "needs login", "", "", res.outcome.message
    failed = next((r for r in res.rows if r.status == "failed"), None)
    if failed is None:
        return "unreachable", "", "", res.outcome.message
    if failed.kind in kinds(navigates=True):  # `open`: the page itself did not come: down, refused, HTTP 5xx
        return "unreachable", f"{failed.what} ({failed.where})", "", failed.message
    call = next((c for c in reversed(failed.calls) if c.error), None)
    return "changed", f"{failed.what} ({failed.where})", call.locator if call else "", failed.message


def run_canary(folder: Path, samples: Path, out: Path, state_file: Path, person: Clerk,
               make_driver: Callable[[str], Any], *, home: Path, clerk_name: str, system_urls: dict[str, str],
               headless: bool = True, driver_options: dict[str, Any] | None = None,
               today: datetime | None = None) -> list[Verdict]:
    """Dry-run every recipe of FOLDER; write a report per recipe into OUT and update STATE_FILE."""
    from clerkdesk.recipe.catalog import recipe_files

    now = (today or datetime.now(UTC)).isoformat(timespec="seconds")
    state: dict[str, dict[str, Any]] = {}
    if state_file.is_file():
        try:
            state = json.loads(state_file.read_text(encoding="utf-8"))
        except ValueError:
            state = {}
    out.mkdir(parents=True, exist_ok=True)
    verdicts: list[Verdict] = []
    for path in recipe_files(folder):
        try:
            recipe, system = load_for_test(str(path), folder, system_urls)
        except ClerkDeskError as e:
            verdicts.append(Verdict(path.stem, "?", "error", message=str(e)))
            continue
        prev = state.get(recipe.id, {})
        sample = _sample_for(samples, recipe.id, recipe.applicant)
        if sample is None:
            verdicts.append(Verdict(recipe.id, system.id, "skipped", message=f"no sample in {samples} "
                                    f"({recipe.id}.json or {recipe.applicant}.json)", last_good=prev.get("last_good")))
            continue
        try:
            _, context = sample_context(json.loads(sample.read_text(encoding="utf-8")))
            res = dry_run(recipe, system, context, person, make_driver, home=home, clerk_name=clerk_name,
                          headless=headless, driver_options=driver_options)
        except (ClerkDeskError, ValueError) as e:  # a bad sample or plan: the canary's own setup, not the system
            verdicts.append(Verdict(recipe.id, system.id, "error", message=str(e), last_good=prev.get("last_good")))
            continue
        report = out / f"{recipe.id}.html"
        write_report(res, report)
        status, step, locator, message = judge(res)
        shot = ""
        pngs = [s for s in res.shots if s.png and ("failed" in s.title or status == "ok")]
        if pngs:
            shot_path = out / f"{recipe.id}.png"
            shot_path.write_bytes(pngs[-1].png)
            shot = str(shot_path)
        last_good = now if status == "ok" else prev.get("last_good")
        since = None if status == "ok" else (prev.get("since") if prev.get("status") == status else None) or now
        state[recipe.id] = {"status": status, "checked": now, "last_good": last_good, "since": since, "step": step,
                            "locator": locator}
        verdicts.append(Verdict(recipe.id, system.id, status, step, locator, message, str(report), shot, last_good))
    state_file.parent.mkdir(parents=True, exist_ok=True)
    state_file.write_text(json.dumps(state, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
    (out / "canary.json").write_text(json.dumps({"checked": now, "recipes": [v.to_json() for v in verdicts]},
                                                ensure_ascii=False, indent=1), encoding="utf-8")
    return verdicts


# --- health: what the clerk's app shows beside a matter ------------------------------------------------------

HEALTH_ORDER = ("ok", "never", "unknown", "changed")  # the worst of a bundle's recipes is the bundle's


@dataclass(frozen=True)
class Health:
    """A recipe's health from its last canary check, for the clerk: not a verdict on the run they are about to
    start, only what the last dry run found.

    ``status``: ``ok`` (the last check passed), ``changed`` (the system changed: a locator broke, see ``step``),
    ``unknown`` (the last check could not tell: the system was unreachable, needed a login, or the canary itself
    failed — ``detail`` says which), ``never`` (never checked, or skipped for want of a sample record).
    ``since``: when the current non-ok streak was first seen (``changed``/``unknown``); ``checked``: the last check.
    """

    status: str
    checked: str | None = None
    since: str | None = None
    last_good: str | None = None
    step: str = ""
    locator: str = ""
    detail: str = ""  # the canary's own word for an ``unknown`` (unreachable, needs login, error)


def _one(entry: dict[str, Any] | None) -> Health:
    if not entry or entry.get("status") in (None, "skipped"):
        return Health("never", last_good=(entry or {}).get("last_good"))
    raw = str(entry["status"])
    status = raw if raw in ("ok", "changed") else "unknown"
    return Health(status, entry.get("checked"), entry.get("since") or (None if raw == "ok" else entry.get("checked")),
                  entry.get("last_good"), str(entry.get("step") or ""), str(entry.get("locator") or ""),
                  "" if status != "unknown" else raw)


def default_state_file(home: Path) -> Path:
    """Where the canary keeps its state and the app reads it: ``CLERKDESK_CANARY_STATE`` (a file on a share the
    supervisor's scheduled canary writes and every workstation reads), else ``<home>/canary/state.json``."""
    env = os.environ.get("CLERKDESK_CANARY_STATE")
    return Path(env) if env else Path(home) / "canary" / "state.json"


def read_state(state_file: Path) -> dict[str, dict[str, Any]]:
    """The canary's state file (empty when there is none, or it is unreadable: health is then ``never``)."""
    try:
        data = json.loads(state_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def health(state: dict[str, dict[str, Any]], recipe_ids: list[str]) -> Health:
    """The health of a matter made of RECIPE_IDS: the worst of its recipes' (a bundle is as fit as its weakest
    recipe), and for ``changed``/``unknown`` the earliest ``since`` among the recipes in that state."""
    hs = [_one(state.get(r)) for r in recipe_ids] or [Health("never")]
    worst = max(hs, key=lambda h: HEALTH_ORDER.index(h.status))
    if worst.status in ("changed", "unknown"):
        same = [h for h in hs if h.status == worst.status]
        first = min(same, key=lambda h: h.since or "")
        return first
    if worst.status == "ok":  # every recipe ok: the oldest check is what the clerk may rely on
        return min(hs, key=lambda h: h.checked or "")
    return worst
