"""The supervisors' workbench commands under ``clerkdesk recipe``: ``test`` (a dry run with an HTML report).

Added to the ``recipe`` group of ``cli_run`` when the CLI registers its commands (``cli._register_optional``);
the work itself is in ``clerkdesk.workbench``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from clerkdesk.cli import Ctx, _read_json, pass_ctx
from clerkdesk.cli_run import ConsoleClerk, _system_urls, default_headless, printer
from clerkdesk.cli_run import recipe as recipe_group


@click.command("test")
@click.argument("recipe_spec", metavar="RECIPE")
@click.option("--record", "record_file", required=True, metavar="SAMPLE.json",
              help='Test data as for fill: {"person"|"enterprise": {...}, "case": {...}}. Never a citizen\'s record.')
@click.option("--system-url", "system_urls", multiple=True, metavar="SYSTEM=URL",
              help="Reach the system at another address (a training server, the sandbox).")
@click.option("--headless/--headed", default=None, help="Browser without a window (CI), or with one (default: "
              "a window from a terminal on a desktop, so you can log in).")
@click.option("--report", "report", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where to write the HTML report (default: recipe-test-<recipe id>.html); a .json beside it.")
@click.option("--wait-human", type=float, default=0, help="Without a terminal, wait up to N s for a human "
              "step's `until` to come true (someone logging in in the browser window).")
@pass_ctx
def recipe_test(c: Ctx, recipe_spec: str, record_file: str, system_urls: tuple[str, ...], headless: bool | None,
                report: Path | None, wait_human: float) -> None:
    """Dry-run RECIPE (a file or a recipe id) with a sample record: every step up to the submit, which is
    NOT clicked — nothing is submitted. Writes an HTML report of every step, its locator, what it resolved
    to, the value sent and read back, timings and screenshots. Exit 0 when every step worked, 1 otherwise,
    2 for a bad recipe or sample."""
    from clerkdesk.config import recipes_dir
    from clerkdesk.drivers import make_driver
    from clerkdesk.workbench.recipe_test import (
        NOTHING_SUBMITTED,
        dry_run,
        load_for_test,
        result_json,
        sample_context,
        write_report,
    )

    recipe, system = load_for_test(recipe_spec, recipes_dir(), _system_urls(system_urls))
    _, context = sample_context(_read_json(record_file))
    desk = c.desk
    options: dict[str, Any] = {"seal": desk._seal, "unseal": desk._unseal}  # the supervisor's kept login
    res = dry_run(recipe, system, context, ConsoleClerk(True, wait_human=wait_human), make_driver, home=desk.home,
                  clerk_name=desk.store.clerk, headless=default_headless() if headless is None else headless,
                  driver_options=options, on_event=printer(c))
    path = report or Path(f"recipe-test-{recipe.id}.html")
    write_report(res, path)
    if c.json:
        click.echo(json.dumps(result_json(res, path), ensure_ascii=False, indent=2))
    else:
        failed = [r for r in res.rows if r.status == "failed"]
        for r in failed:
            click.echo(f"✗ step {r.index} {r.what} ({r.where}): {r.message}")
        if res.submit is not None:
            found = res.submit.error or f"{res.submit.locator} → {res.submit.resolved}"
            click.echo(f"submit not clicked: {found}")
        click.echo(("✓ 试运行通过 (dry run passed)" if res.ok else "✗ 试运行未通过 (dry run failed)")
                   + f" — {NOTHING_SUBMITTED}. Report: {path}")
    sys.exit(0 if res.ok else 1)


recipe_group.add_command(recipe_test)
commands: list[click.Command] = []  # everything here lives under `clerkdesk recipe`
