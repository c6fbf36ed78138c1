"""Bounded recipes: a YAML alias bomb, an oversized file, a huge template and nested loops are clear errors at
their place; one bad file does not stop the fills of the others (lint still reports it)."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from clerkdesk.config import recipes_dir
from clerkdesk.errors import RecipeError
from clerkdesk.recipe import values
from clerkdesk.recipe.catalog import Catalog
from clerkdesk.recipe.lint import lint
from clerkdesk.recipe.loader import lint_recipe

BOMB = "\n".join(["recipe: hrss.bomb", "title: B", "system: hrss", 'a0: &a0 ["lol","lol","lol","lol","lol","lol",'
                  '"lol","lol","lol"]']
                 + [f"a{i}: &a{i} [{','.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
                 + [f"description: [{','.join(['*a8'] * 9)}]", "steps: []", ""])


def test_alias_bomb_is_a_clear_error_in_a_moment(tmp_path: Path) -> None:
    f = tmp_path / "bomb.yaml"
    f.write_text(BOMB, encoding="utf-8")
    t = time.perf_counter()
    problems = lint_recipe(f)
    assert time.perf_counter() - t < 5
    assert len(problems) == 1 and "expands to more than 100,000 values" in str(problems[0])
    assert str(problems[0]).startswith(f"{f}:")


def test_big_file(tmp_path: Path) -> None:
    f = tmp_path / "big.yaml"
    f.write_text("recipe: hrss.x\ntitle: X\nsystem: hrss\ndescription: '" + "x" * 1_100_000 + "'\nsteps: []\n",
                 encoding="utf-8")
    assert "larger than 1,000,000 bytes" in str(lint_recipe(f)[0])


def test_template_size_is_bounded_at_lint_and_at_render(tmp_path: Path) -> None:
    f = tmp_path / "t.yaml"
    f.write_text("recipe: hrss.t\ntitle: T\nsystem: hrss\nsteps:\n  - open: /x\n"
                 "  - fill: {label: 姓名, value: \"{{ 'A' * 100000000 }}\"}\n"
                 "  - fill: {label: 地址, value: \"{% for i in person.name %}{% for j in person.name %}x{% endfor %}"
                 "{% endfor %}\"}\n", encoding="utf-8")
    got = [str(p) for p in lint_recipe(f)]
    assert got == [f"{f}:6:30: this template would produce 100,000,000 characters (at most 10,000)",
                   f"{f}:7:30: a template may not nest loops (render time is bounded): use an 'each' step"]
    env = values.make_env()
    t = time.perf_counter()
    for src in ("{{ 'A' * 100000000 }}", "{{ person.name * 100000000 }}", "{% for i in range(100000) %}x{% endfor %}",
                "{{ person.name * 9000 + person.name * 9000 }}"):
        with pytest.raises(values.TemplateValueError):
            values.render(env, src, {"person": {"name": "王小"}})
    assert time.perf_counter() - t < 2
    assert values.render(env, "{{ person.name * 3 }}", {"person": {"name": "王"}}) == "王王王"


def test_a_bad_file_elsewhere_does_not_break_other_fills(tmp_path: Path) -> None:
    folder = tmp_path / "recipes"
    shutil.copytree(recipes_dir(), folder)
    (folder / "hrss" / "bomb.yaml").write_text(BOMB, encoding="utf-8")
    (folder / "amr" / "broken.yaml").write_text("recipe: amr.broken\ntitle: [\n", encoding="utf-8")
    cat = Catalog(folder)
    assert cat.get("hrss.employment-registration").system == "hrss"  # the others load and fill
    assert cat.files_read == 1 and cat.broken == []  # a fill reads its own recipe only
    assert "hrss.insurance-enrollment" in cat.recipes  # listing the matters reads every file
    assert len(cat.broken) == 2
    with pytest.raises(RecipeError, match="could not be loaded") as ei:
        cat.get("hrss.bomb")
    assert "recipe lint" in str(ei.value)
    problems, _ = lint([folder], None)
    assert {Path(str(p.mark.path)).name for p in problems if p.mark} >= {"bomb.yaml", "broken.yaml"}
