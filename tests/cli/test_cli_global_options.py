"""Global options (``--json``, ``--home``, ``--clerk``) work after the subcommand too, as the README promises."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click
from hypothesis import given
from hypothesis import strategies as st

from clerkdesk.cli import hoist_global_options, main
from clerkdesk.records.standards import id_check_digit

CLI = str(Path(sys.executable).parent / "clerkdesk")
ID = "37020219900307123" + id_check_digit("37020219900307123")


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CLI, *args], capture_output=True, text=True, timeout=120, env=env)


def test_json_home_and_clerk_after_the_subcommand(tmp_path: Path, cli_env: dict[str, str]) -> None:
    home = tmp_path / "elsewhere"
    record = tmp_path / "p.json"
    record.write_text(json.dumps({"name": "张晓明", "id_number": ID}, ensure_ascii=False), encoding="utf-8")
    add = run("--create", "person", "add", "--json", str(record), "--home", str(home), "--clerk", "0007", env=cli_env)
    assert add.returncode == 0, add.stdout + add.stderr  # person add's own --json FILE kept its meaning
    show = run("person", "show", ID, "--json", f"--home={home}", env=cli_env)
    assert show.returncode == 0, show.stdout + show.stderr
    assert json.loads(show.stdout)["record"]["name"] == "张晓明"
    before = run("--json", "--home", str(home), "person", "show", ID, env=cli_env)
    assert json.loads(before.stdout) == json.loads(show.stdout)  # the same answer either way
    assert run("person", "show", ID, "--json", env=cli_env).returncode == 1  # CLERKDESK_HOME: not there
    checked = run("check", "id", ID, "--json")
    assert json.loads(checked.stdout)["region_code"] == "370202"


def test_after_a_double_dash_nothing_moves() -> None:
    ctx = click.Context(main)
    assert hoist_global_options(main, ctx, ["check", "id", "--", "--json"]) == ["check", "id", "--", "--json"]


@given(st.permutations(["--json", "--home", "--clerk"]), st.integers(0, 3), st.booleans())
def test_global_options_anywhere_after_the_subcommand_mean_the_same(order: list[str], where: int,
                                                                    with_equals: bool) -> None:
    """Wherever the options stand among the subcommand's words, they end up in front, values attached."""
    words = ["person", "show", "KEY"]
    opts: list[str] = []
    for o in order:
        if o == "--json":
            opts.append(o)
        elif with_equals:
            opts.append(f"{o}=V{o}")
        else:
            opts += [o, f"V{o}"]
    args = words[:1] + words[1:][:where] + opts + words[1:][where:] if where else words[:1] + opts + words[1:]
    got = hoist_global_options(main, click.Context(main), args)
    assert got[len(opts):] == words
    assert got[:len(opts)] == opts
