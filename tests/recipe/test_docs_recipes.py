"""docs/recipes.md documents every step type, filter and locator key the code knows."""

from __future__ import annotations

from pathlib import Path

from clerkdesk.recipe.steps import LOCATOR_KEYS, STEPS
from clerkdesk.recipe.values import FILTER_DOCS

DOC = (Path(__file__).resolve().parents[2] / "docs" / "recipes.md").read_text(encoding="utf-8")


def test_every_step_type_is_documented() -> None:
    rows = {line.split("|")[1].strip() for line in DOC.splitlines() if line.startswith("| `")
            and len(line.split("|")) == 5}  # the steps table: | step | meaning | settings |
    missing = [s for s in STEPS if f"`{s}`" not in rows]
    assert missing == []


def test_every_filter_is_documented() -> None:
    missing = [f for f in FILTER_DOCS if f"`{f}" not in DOC]
    assert missing == []


def test_every_locator_key_is_documented() -> None:
    missing = [k for k in LOCATOR_KEYS if f"`{k}`" not in DOC]
    assert missing == []
