"""Identifiers are identifiers: a system or recipe id that could become a path outside the data folder is
refused at load and reported by lint at its file:line:col; every session path is verified inside the home."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from clerkdesk.config import under
from clerkdesk.errors import ConfigError, RecipeError
from clerkdesk.recipe.catalog import Catalog
from clerkdesk.recipe.ids import recipe_id_problem, system_id_problem
from clerkdesk.recipe.lint import lint
from clerkdesk.recipe.systems import load_system

WEB = "title: X\nkind: web\nstart_url: http://127.0.0.1:8601/\n"


def folder(tmp_path: Path, system_id: str, recipe_id: str = "good.one", recipe_system: str | None = None) -> Path:
    root = tmp_path / "recipes"
    (root / "systems").mkdir(parents=True)
    (root / "good").mkdir()
    (root / "systems" / "sys.yaml").write_text(f"system: {system_id}\n{WEB}", encoding="utf-8")
    rs = recipe_system if recipe_system is not None else system_id
    (root / "good" / "one.yaml").write_text(
        f"recipe: {recipe_id}\ntitle: T\nsystem: {rs}\nsteps:\n  - open: /x\n", encoding="utf-8")
    return root


@pytest.mark.parametrize("bad", ['"/tmp/x/PWNED_abs"', '"../../outside"', "Hrss", '"hr ss"', '"a/b"', "12",
                                 '"hrss.x"', '""', "x" * 65])
def test_bad_system_id_is_an_error_at_its_place(tmp_path: Path, bad: str) -> None:
    root = folder(tmp_path, bad, recipe_system="hrss")
    with pytest.raises(RecipeError) as ei:
        load_system(root / "systems" / "sys.yaml")
    assert ei.value.mark is not None and (ei.value.mark.line, ei.value.mark.col) == (1, 9)
    assert "system id" in ei.value.message
    problems, _ = lint([root], None)
    assert any(str(p).startswith(f"{root}/systems/sys.yaml:1:9: ") and "system id" in str(p) for p in problems)
    with pytest.raises(RecipeError, match="system id"):  # a fill never gets as far as a driver
        Catalog(root).get("good.one")


@pytest.mark.parametrize("bad", ['"/tmp/x/PWNED"', '"../x"', '"hrss..x"', '"hrss.Employment"', '".hrss"',
                                 '"hrss."', "[a, b]"])
def test_bad_recipe_id_is_an_error_at_its_place(tmp_path: Path, bad: str) -> None:
    root = folder(tmp_path, "hrss", recipe_id=bad)
    problems, _ = lint([root], None)
    assert [str(p).split(": ", 1)[0] for p in problems] == [f"{root}/good/one.yaml:1:9"]
    assert "recipe id" in str(problems[0])
    with pytest.raises(RecipeError, match="recipe id"):
        Catalog(root).get("good.one")


def test_a_recipe_naming_a_path_as_its_system_is_reported_as_that(tmp_path: Path) -> None:
    root = folder(tmp_path, "hrss", recipe_system='"/tmp/x/PWNED_abs"')
    problems, _ = lint([root], None)
    assert len(problems) == 1 and str(problems[0]).startswith(f"{root}/good/one.yaml:3:9: ")
    assert "is not a system id" in str(problems[0])


def test_good_ids() -> None:
    for ok in ("hrss", "gjj", "a", "amr-2", "x_y", "a" * 64):
        assert system_id_problem(ok) is None
    for ok in ("hrss.employment-registration", "bench.hrss-employment-all", "a", "a.b.c"):
        assert recipe_id_problem(ok) is None


def test_cli_lint_exits_1_naming_the_place(tmp_path: Path) -> None:
    root = folder(tmp_path, '"/tmp/x/PWNED_abs"', recipe_system="hrss")
    r = subprocess.run([sys.executable, "-m", "clerkdesk", "recipe", "lint", str(root)], capture_output=True,
                       text=True, timeout=120, env={**os.environ, "CLERKDESK_RECIPES": str(root)})
    assert r.returncode == 1, r.stdout + r.stderr
    assert f"{root}/systems/sys.yaml:1:9: '/tmp/x/PWNED_abs' is not a system id" in r.stdout
    assert "Traceback" not in r.stderr
    assert not Path("/tmp/x/PWNED_abs.bin").exists()


def test_under_keeps_paths_inside_the_data_folder(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    assert under(home, "sessions", "clerk", "hrss.bin") == (home / "sessions" / "clerk" / "hrss.bin").resolve()
    for parts in (("sessions", "..", "..", "x.bin"), ("/tmp/x/PWNED_abs.bin",), ("..",), (".",)):
        with pytest.raises(ConfigError, match="not inside the data folder"):
            under(home, *parts)
    (home / "sessions").symlink_to(tmp_path)  # a symlink planted in the home points outside it
    with pytest.raises(ConfigError, match="not inside the data folder"):
        under(home, "sessions", "x.bin")
