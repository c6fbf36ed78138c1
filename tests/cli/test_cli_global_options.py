"""Global options (``--json``, ``--home``, ``--clerk``) work after the subcommand too, as the README promises."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click
from hypothesis import given, settings
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


def test_create_after_the_subcommand_starts_a_new_data_folder(tmp_path: Path, cli_env: dict[str, str]) -> None:
    home = tmp_path / "new-hall"
    record = tmp_path / "p.json"
    record.write_text(json.dumps({"name": "张晓明", "id_number": ID}, ensure_ascii=False), encoding="utf-8")
    refused = run("person", "add", "--json", str(record), "--home", str(home), env=cli_env)
    assert refused.returncode != 0 and not home.exists()  # a mistyped path is not a new store
    add = run("person", "add", "--json", str(record), "--home", str(home), "--create", env=cli_env)
    assert add.returncode == 0, add.stdout + add.stderr
    show = run("person", "show", ID, "--home", str(home), "--json", env=cli_env)
    assert json.loads(show.stdout)["record"]["name"] == "张晓明"


GLOBALS = st.fixed_dictionaries({}, optional={"--json": st.just(True), "--create": st.just(True),
                                              "--home": st.sampled_from(["/srv/a", "b c", "-x"]),
                                              "--clerk": st.sampled_from(["0007", "窗口3"])})


@settings(deadline=None)
@given(GLOBALS, st.data())
def test_click_parses_the_same_options_wherever_they_stand(given_opts: dict[str, object], data: st.DataObject,
                                                           ) -> None:
    """The parsed group options and the subcommand's words are the same with the options in front of the
    subcommand and with each of them anywhere among its words (``=`` or a separate value)."""
    words = ["person", "show", "KEY"]
    pieces: list[list[str]] = []
    for name, value in given_opts.items():
        if value is True:
            pieces.append([name])
        elif data.draw(st.booleans()):
            pieces.append([f"{name}={value}"])
        else:
            pieces.append([name, str(value)])
    units = [[w] for w in words]
    for piece in pieces:  # each option (with its value) at a place of its own, after the subcommand's name
        at = data.draw(st.integers(1, len(units)))
        units[at:at] = [piece]
    mixed = [w for u in units for w in u]

    def parsed(args: list[str]) -> tuple[dict[str, object], list[str]]:
        ctx = main.make_context("clerkdesk", list(args))
        return dict(ctx.params), [*ctx._protected_args, *ctx.args]

    front = [w for p in pieces for w in p] + words
    assert parsed(mixed) == parsed(front)
    params, rest = parsed(mixed)
    assert rest == words
    assert params["as_json"] is ("--json" in given_opts) and params["create"] is ("--create" in given_opts)
    assert params["clerk"] == given_opts.get("--clerk", params["clerk"])
    if "--home" in given_opts:
        assert str(params["home"]) == given_opts["--home"]


def test_after_a_double_dash_nothing_moves() -> None:
    ctx = click.Context(main)
    assert hoist_global_options(main, ctx, ["check", "id", "--", "--json"]) == ["check", "id", "--", "--json"]


@settings(deadline=None)  # the first example loads the optional commands (cli.run, the app …)
@given(st.permutations(["--json", "--home", "--clerk", "--create"]), st.integers(0, 3), st.booleans())
def test_global_options_anywhere_after_the_subcommand_mean_the_same(order: list[str], where: int,
                                                                    with_equals: bool) -> None:
    """Wherever the options stand among the subcommand's words, they end up in front, values attached."""
    words = ["person", "show", "KEY"]
    opts: list[str] = []
    for o in order:
        if o in ("--json", "--create"):
            opts.append(o)
        elif with_equals:
            opts.append(f"{o}=V{o}")
        else:
            opts += [o, f"V{o}"]
    args = words[:1] + words[1:][:where] + opts + words[1:][where:] if where else words[:1] + opts + words[1:]
    got = hoist_global_options(main, click.Context(main), args)
    assert got[len(opts):] == words
    assert got[:len(opts)] == opts
