"""The docs and the step registry agree: the step table of docs/recipes.md is generated from the registry, every
example in it lints clean, desktop.md names steps by their recipe words, and every filter and locator key is
documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from clerkdesk.config import recipes_dir
from clerkdesk.recipe.docgen import BEGIN, END, replace_table, steps_table
from clerkdesk.recipe.lint import lint_paths
from clerkdesk.recipe.steps import LOCATOR_KEYS, STEPS
from clerkdesk.recipe.values import FILTER_DOCS

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "recipes.md").read_text(encoding="utf-8")
DESKTOP = (ROOT / "docs" / "desktop.md").read_text(encoding="utf-8")


def test_the_step_table_is_the_registry() -> None:
    assert BEGIN in DOC and END in DOC
    assert replace_table(DOC) == DOC, "regenerate it: python -m clerkdesk.recipe.docgen docs/recipes.md"
    rows = re.findall(r"^\| `([a-z_]+)` \|", steps_table(), re.MULTILINE)
    assert rows == list(STEPS)


@pytest.mark.parametrize("name", list(STEPS))
def test_every_example_is_a_clean_step_of_its_type(name: str, tmp_path: Path) -> None:
    st = STEPS[name]
    assert st.example.startswith(f"{name}: "), "every step type shows an example"
    folder = tmp_path / "recipes"
    (folder / "hrss").mkdir(parents=True)
    (folder / "systems").mkdir()
    for sysfile in (recipes_dir() / "systems").glob("*.yaml"):
        (folder / "systems" / sysfile.name).write_text(sysfile.read_text(encoding="utf-8"), encoding="utf-8")
    recipe = folder / "hrss" / "example.yaml"
    recipe.write_text("recipe: hrss.example\ntitle: 例子\nsystem: hrss\nfields:\n"
                      "  case.members: {zh: 家庭成员}\n  case.attachment: {zh: 附件}\n"
                      f"steps:\n  - {st.example}\n"
                      "  - expect: {text: 受理成功}\n", encoding="utf-8")  # a submit's answer is checked
    assert [str(e) for e in lint_paths([recipe], folder)] == []


def test_desktop_step_table_uses_recipe_words() -> None:
    table = DESKTOP.split("| step (recipe word) | what the desktop driver does |", 1)[1].split("\n\n", 1)[0]
    first = [row.split("|")[1] for row in table.strip().splitlines()[1:]]
    words = {w for cell in first for w in re.findall(r"`([a-z_]+)", cell)}
    assert words, "the desktop step table was not found"
    assert words <= set(STEPS), f"not recipe words: {sorted(words - set(STEPS))}"
    assert {"press", "wait_for", "read", "arm_dialog"}.isdisjoint(words)


def test_every_filter_is_documented() -> None:
    missing = [f for f in FILTER_DOCS if f"`{f}" not in DOC]
    assert missing == []


def test_every_locator_key_is_documented() -> None:
    missing = [k for k in LOCATOR_KEYS if f"`{k}`" not in DOC]
    assert missing == []


def _step_blocks() -> list[str]:
    """The ```yaml blocks of recipes.md that are lists of steps (examples, not whole files)."""
    import textwrap

    blocks = re.findall(r"```yaml\n(.*?)```", DOC, re.S)
    return [textwrap.dedent(b) for b in blocks if b.lstrip().startswith("- ")]


def test_the_step_examples_in_the_text_lint_clean(tmp_path: Path) -> None:
    blocks = _step_blocks()
    assert len(blocks) >= 4  # the templates, the popup picker, the three selects, the calendar
    folder = tmp_path / "recipes"
    (folder / "hrss").mkdir(parents=True)
    (folder / "systems").mkdir()
    for sysfile in (recipes_dir() / "systems").glob("*.yaml"):
        (folder / "systems" / sysfile.name).write_text(sysfile.read_text(encoding="utf-8"), encoding="utf-8")
    for i, block in enumerate(blocks):
        recipe = folder / "hrss" / f"block{i}.yaml"
        body = "".join(f"  {line}\n" for line in block.splitlines())
        recipe.write_text(f"recipe: hrss.block{i}\ntitle: 例子\nsystem: hrss\nfields:\n"
                          "  case.start_date: {zh: 开始日期, kind: date}\n  case.operator: {zh: 经办人}\n"
                          f"steps:\n  - open: /x\n{body}", encoding="utf-8")
        got = [str(e) for e in lint_paths([recipe], folder)]
        assert got == [], f"block {i} of docs/recipes.md:\n{block}"
