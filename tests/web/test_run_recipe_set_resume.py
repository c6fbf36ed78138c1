"""A run opened with one signed recipe set and resumed after a newer set was pulled goes on with the new recipe:
the run then names the new set, and an event says from which to which (real sandbox, real Chromium, real sets)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from clerkdesk.config import recipes_dir
from clerkdesk.desk import CaseRequest, Desk
from clerkdesk.workbench.recipe_sets import generate_key, publish, pull
from tests.support.clerks import SandboxClerk
from tests.support.data import EMPLOYMENT, PERSON

pytestmark = pytest.mark.browser

EMP = "hrss.employment-registration"


def test_a_resume_after_a_newer_pull_records_the_new_set(home: Path, tmp_path: Path, web: Any, opts: Any,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    src, share, key, into = tmp_path / "src", tmp_path / "share", tmp_path / "k.key", tmp_path / "ws" / "recipes"
    shutil.copytree(recipes_dir(), src)
    pub = generate_key(key)
    publish(src, share, "1.0", key)
    pull(share, into, [pub])
    monkeypatch.setenv("CLERKDESK_RECIPES", str(into))
    desk = Desk(home)
    try:
        res, _ = desk.open_case(CaseRequest("person", dict(PERSON), [EMP], dict(EMPLOYMENT)), opts)
        rid = res.runs[EMP]
        assert desk.runs.get(rid).recipe_set["set_version"] == "1.0"
    finally:
        desk.close()  # the app closed before the run started: it is left planned, to be resumed

    recipe = src / "hrss" / "employment-registration.yaml"
    recipe.write_text(recipe.read_text("utf-8") + "# 1.1\n", encoding="utf-8")
    publish(src, share, "1.1", key)
    pull(share, into, [pub])
    desk = Desk(home)
    try:
        out = desk.resume(rid, SandboxClerk(), opts)
        assert out.status == "succeeded", out.message
        assert desk.runs.get(rid).recipe_set["set_version"] == "1.1"
        changes = [e for e in desk.store.runs.events(rid) if e["kind"] == "recipe_set"]
        assert [(e["status"], e["message"]) for e in changes] == [("changed", "1.0 → 1.1")]
    finally:
        desk.close()
