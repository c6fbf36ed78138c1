"""A fill reads the recipes it fills and nothing else (trust issue: "only the recipes a fill needs are loaded").

The other files of the folder are never opened: here one of them is a named pipe, which blocks whoever opens
it, so a catalog (or a whole CLI fill) that read it would hang instead of answering.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from clerkdesk.config import recipes_dir
from clerkdesk.errors import RecipeError
from clerkdesk.recipe.catalog import Catalog, expected_place
from clerkdesk.recipe.lint import is_warning, lint

CLI = str(Path(sys.executable).parent / "clerkdesk")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    f = tmp_path / "recipes"
    shutil.copytree(recipes_dir(), f)
    os.mkfifo(f / "amr" / "never-read.yaml")  # opening it blocks: reading it would hang the test
    return f


def in_time(fn: object, seconds: float = 20) -> object:
    box: list[object] = []
    t = threading.Thread(target=lambda: box.append(fn()), daemon=True)  # type: ignore[operator]
    t.start()
    t.join(seconds)
    assert box, "the catalog read a file the fill does not need (it blocked on the pipe)"
    return box[0]


def test_get_reads_only_the_recipe_asked_for(folder: Path) -> None:
    cat = Catalog(folder)
    r = in_time(lambda: cat.get("hrss.insurance-enrollment"))
    assert r.id == "hrss.insurance-enrollment"  # type: ignore[attr-defined]
    assert cat.files_read == 1
    assert cat.get("hrss.insurance-enrollment") is r and cat.files_read == 1  # read once


def test_a_recipe_away_from_its_place_is_still_found_and_lint_says_where_to_move_it(tmp_path: Path) -> None:
    f = tmp_path / "recipes"
    shutil.copytree(recipes_dir(), f)
    (f / "hrss" / "insurance-enrollment.yaml").rename(f / "hrss" / "enrol.yaml")
    cat = Catalog(f)
    assert cat.get("hrss.insurance-enrollment").path.name == "enrol.yaml"  # found by reading the rest
    assert cat.files_read == len(list(f.glob("*/*.yaml"))) - len(list(f.glob("systems/*.yaml")))
    problems, _ = lint([f], None)
    warned = [str(p) for p in problems if is_warning(p) and "enrol.yaml" in str(p)]
    assert len(warned) == 1, [str(p) for p in problems]
    assert warned[0].startswith(f"{f / 'hrss' / 'enrol.yaml'}:2:")  # at the recipe's id (line 2: `recipe:`)
    assert "Move the file to hrss/insurance-enrollment.yaml" in warned[0]
    assert not [p for p in lint([recipes_dir()], None)[0] if "Move the file" in str(p)]  # the shipped ones sit right


def test_an_unknown_id_still_names_the_nearest_and_the_broken_files(tmp_path: Path) -> None:
    f = tmp_path / "recipes"
    shutil.copytree(recipes_dir(), f)
    (f / "amr" / "broken.yaml").write_text("recipe: amr.broken\ntitle: [\n", encoding="utf-8")
    with pytest.raises(RecipeError) as ei:
        Catalog(f).get("hrss.insurance-enrolment")
    assert "hrss.insurance-enrollment" in str(ei.value) and "could not be loaded" in str(ei.value)


@pytest.mark.parametrize("rid", ["../etc/passwd", "hrss/../../x", "/abs.x", "hrss", "HRSS.x", "hrss..x", ""])
def test_no_path_is_made_from_a_name_that_is_not_an_id(rid: str) -> None:
    assert expected_place(rid) is None


def test_a_cli_fill_opens_no_other_recipe_file(folder: Path, cli_env: dict[str, str], tmp_path: Path) -> None:
    rec = tmp_path / "r.json"
    rec.write_text(json.dumps({"person": {"name": "王小明", "id_number": "11010519491231002X"}},
                              ensure_ascii=False), encoding="utf-8")
    env = dict(cli_env, CLERKDESK_RECIPES=str(folder))
    p = subprocess.run([CLI, "fill", "--record", str(rec), "--target", "hrss.insurance-enrollment", "--yes"],
                       env=env, capture_output=True, text=True, timeout=120)
    # the plan stops before any browser (case fields are missing): the recipe was read, the pipe was not
    assert p.returncode == 2 and "cannot start the run" in p.stderr, p.stdout + p.stderr
