"""Malformed recipes: every mistake is reported at its file:line:col, exactly as in the .expected file."""

from __future__ import annotations

from pathlib import Path

import pytest

from clerkdesk.config import recipes_dir
from clerkdesk.recipe.catalog import lint_paths

HERE = Path(__file__).parent
CASES = sorted(HERE.glob("*.yaml"))


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_lint_reports_every_problem_at_its_place(path: Path) -> None:
    got = [str(e).replace(f"{HERE}/", "") for e in lint_paths([path], recipes_dir())]
    want = path.with_suffix(".expected").read_text(encoding="utf-8").splitlines()
    assert got == want
    assert got, "a bad recipe must produce at least one problem"


def test_bundled_recipes_are_clean() -> None:
    assert [str(e) for e in lint_paths([recipes_dir()], recipes_dir())] == []


def test_cli_lint_prints_file_line_col_and_exits_1(tmp_path: Path) -> None:
    import subprocess
    import sys

    r = subprocess.run([sys.executable, "-m", "clerkdesk", "recipe", "lint", str(HERE / "unknown_step.yaml")],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 1
    assert f"{HERE}/unknown_step.yaml:6:5: unknown step type 'fil'. Did you mean 'fill'?" in r.stdout
