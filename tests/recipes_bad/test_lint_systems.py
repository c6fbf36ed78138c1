"""System files and their code maps: every mistake at its file:line:col, incomplete code maps as warnings,
and recipe folders linted against their own ``systems/`` folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from clerkdesk.config import recipes_dir
from clerkdesk.recipe.lint import is_warning, lint, systems_folder_for
from clerkdesk.recipe.systems import check_system, load_system

HERE = Path(__file__).parent
CASES = sorted(p for p in (HERE / "systems_cases").iterdir() if p.is_dir())


def cli(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "clerkdesk", *args], capture_output=True, text=True, timeout=60,
                          cwd=cwd, env=env)


@pytest.mark.parametrize("folder", CASES, ids=[p.name for p in CASES])
def test_lint_reports_every_problem_of_a_system_folder(folder: Path) -> None:
    problems, used = lint([folder], recipes_dir())
    assert used == [folder / "systems"]  # its own systems, not the configured ones
    got = [str(e).replace(f"{HERE}/", "") for e in problems]
    want = folder.with_suffix(".expected").read_text(encoding="utf-8").splitlines()
    assert got == want


def test_incomplete_code_map_warns_once_per_missing_code_at_the_table() -> None:
    problems, _ = lint([HERE / "systems_cases" / "code_maps" / "systems" / "clinic.yaml"], None)
    missing = sorted(str(e).split("canonical code ")[1].split(" ")[0] for e in problems
                     if is_warning(e) and "'marital_status'" in str(e))
    assert missing == ["'21'", "'22'", "'23'", "'90'"]
    assert all(e.mark is not None and (e.mark.line, e.mark.col) == (9, 3)
               for e in problems if is_warning(e) and "'marital_status'" in str(e))
    assert all(": warning: " in str(e) for e in problems if is_warning(e))


def test_null_means_the_system_has_no_such_code() -> None:
    system, _problems = check_system(HERE / "systems_cases" / "code_maps" / "systems" / "clinic.yaml")
    assert system is not None
    assert system.codes["sex"] == {"1": "1", "2": "2"}  # ~ is not the text "None"
    assert system.no_code["sex"] == frozenset({"0", "9"})
    assert system.codes["hukou_type"] == {"rural": "1", "urban": "2"}  # labels resolve to canonical codes


def test_warnings_do_not_stop_loading(tmp_path: Path) -> None:
    f = tmp_path / "systems" / "w.yaml"
    f.parent.mkdir()
    f.write_text("system: w\ntitle: W\nkind: desktop\nwindow: W\ncodes:\n  sex: {\"1\": 男}\n", encoding="utf-8")
    assert load_system(f).codes == {"sex": {"1": "男"}}
    assert [is_warning(e) for e in check_system(f)[1]] == [True, True, True]


def test_the_shipped_systems_map_every_canonical_code() -> None:
    problems, _ = lint([recipes_dir() / "systems"], recipes_dir())
    assert [str(e) for e in problems] == []


def _new_folder(root: Path) -> Path:
    folder = root / "newrecipes"
    (folder / "systems").mkdir(parents=True)
    (folder / "newsys").mkdir()
    (folder / "systems" / "newsys.yaml").write_text(
        "system: newsys\ntitle: 新系统\nkind: web\nstart_url: http://10.0.0.5:8080/app/\n"
        "codes:\n  sex: {\"1\": M, \"2\": F, \"0\": ~}\n", encoding="utf-8")
    (folder / "newsys" / "reg.yaml").write_text(
        "recipe: newsys.reg\ntitle: 登记\nsystem: newsys\nsteps:\n  - open: /reg\n"
        "  - fill: {label: 姓名, value: \"{{ person.name }}\"}\n"
        "  - choose: {label: 性别, value: \"{{ person.sex | code('sex') }}\"}\n"
        "  - submit: {click: {role: button, name: 提交}}\n  - expect: {text: 受理成功}\n", encoding="utf-8")
    return folder


def test_a_submit_whose_answer_nothing_checks_is_warned_at_the_submit(tmp_path: Path) -> None:
    folder = _new_folder(tmp_path)
    for nested, line in (("", 8), ("  - frame:\n      name: main\n      steps:\n", 11)):
        body = "    - submit: {click: {role: button, name: 提交}}\n" if nested else \
            "  - submit: {click: {role: button, name: 提交}}\n"
        (folder / "newsys" / "reg.yaml").write_text(
            "recipe: newsys.reg\ntitle: 登记\nsystem: newsys\nsteps:\n  - open: /reg\n"
            "  - fill: {label: 姓名, value: \"{{ person.name }}\"}\n  - screenshot: 提交后\n"
            + nested + (("      " + body.strip() + "\n") if nested else body) + "  - screenshot: 结果\n",
            encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if k != "CLERKDESK_RECIPES"}
        r = cli("recipe", "lint", "newsys", cwd=folder, env=env)
        assert r.returncode == 0, r.stdout + r.stderr
        assert f"newsys/reg.yaml:{line}:" in r.stdout and "nothing after this submit checks the system's answer" \
            in r.stdout, r.stdout
        r = cli("recipe", "lint", "--strict", "newsys", cwd=folder, env=env)
        assert r.returncode == 1


def test_cli_lints_a_new_folder_against_its_own_systems(tmp_path: Path) -> None:
    folder = _new_folder(tmp_path)
    env = {k: v for k, v in os.environ.items() if k != "CLERKDESK_RECIPES"}
    warning = ("systems/newsys.yaml:6:3: warning: code map 'sex' has no value for canonical code '9' (未说明的性别): "
               "a record with it cannot be filled into newsys. Map it, or write '9': ~ if the system has no such code.")
    # the folder, from inside it and from outside; warnings alone exit 0
    r = cli("recipe", "lint", ".", cwd=folder, env=env)
    assert (r.returncode, r.stdout.splitlines()) == (0, [warning, "1 warning(s) (systems: systems)"]), r.stderr
    r = cli("recipe", "lint", str(folder), env=env)
    assert r.returncode == 0 and f"{folder}/{warning}" in r.stdout and "unknown system" not in r.stdout
    # one recipe file: its parent's systems/ is found; the system's warnings belong to the system file
    r = cli("recipe", "lint", "newsys/reg.yaml", cwd=folder, env=env)
    assert (r.returncode, r.stdout.strip()) == (0, "ok (systems: systems)"), r.stdout + r.stderr
    # --strict: warnings fail too
    r = cli("recipe", "lint", "--strict", ".", cwd=folder, env=env)
    assert r.returncode == 1 and warning in r.stdout
    r = cli("--json", "recipe", "lint", ".", cwd=folder, env=env)
    assert [(x["severity"], x["line"], x["col"]) for x in json.loads(r.stdout)] == [("warning", 6, 3)]


def test_without_its_own_systems_a_folder_falls_back_to_the_configured_ones(tmp_path: Path) -> None:
    folder = _new_folder(tmp_path)
    (folder / "systems" / "newsys.yaml").unlink()
    (folder / "systems").rmdir()
    assert systems_folder_for(folder / "newsys" / "reg.yaml", recipes_dir()) == recipes_dir()
    r = cli("recipe", "lint", str(folder))
    assert r.returncode == 1
    assert f"{folder}/newsys/reg.yaml:3:9: unknown system 'newsys' (no recipes/systems/newsys.yaml)." in r.stdout
