"""The supervisors' workbench commands under ``clerkdesk recipe``: ``test`` (a dry run with an HTML report).

Added to the ``recipe`` group of ``cli.run`` when the CLI registers its commands (``cli.root._register_optional``);
the work itself is in ``clerkdesk.workbench``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from clerkdesk.cli.inputs import parse_system_urls, read_json
from clerkdesk.cli.root import Ctx, pass_ctx
from clerkdesk.cli.run import ConsoleClerk, default_headless, printer
from clerkdesk.cli.run import recipe as recipe_group


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

    recipe, system = load_for_test(recipe_spec, recipes_dir(), parse_system_urls(system_urls))
    _, context = sample_context(read_json(record_file))
    desk = c.desk
    options: dict[str, Any] = desk.sealing()  # the supervisor's kept login
    res = dry_run(recipe, system, context, ConsoleClerk(True, wait_human=wait_human), make_driver, home=desk.home,
                  clerk_name=desk.clerk_name, headless=default_headless() if headless is None else headless,
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


# --- recipe probe: --window (desktop, as before) or --url (web) -----------------------------------------------
# The desktop probe stays the command cli.run defines; this one takes its place under the same name and hands
# --window to it unchanged, so `clerkdesk recipe probe --window TITLE` works exactly as before.
_desktop_probe = recipe_group.commands["probe"]


@click.command("probe")
@click.option("--window", "title", default=None, metavar="TITLE",
              help="Desktop: the window's title (exact, contained, or re:REGEX), as in a recipe's `open`.")
@click.option("--url", default=None, metavar="URL", help="Web: the page to probe (frames included).")
@click.option("--system", "system_id", default=None, metavar="SYSTEM",
              help="Web: the system the page belongs to (its origins, its kept login; the draft's `open`).")
@click.option("--system-url", "system_urls", multiple=True, metavar="SYSTEM=URL",
              help="Reach the system at another address (a training server, the sandbox).")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), default=Path("probe.png"),
              show_default=True, help="Where to save the annotated screenshot (PNG).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("--yaml", "as_yaml", is_flag=True, help="Web: print a draft recipe for the page.")
@click.option("--headless/--headed", default=None, help="Web: without a browser window, or with one (default: "
              "a window from a terminal on a desktop: log in and go to the form, then press Enter).")
@click.option("--timeout", type=float, default=10.0, show_default=True, help="Seconds to wait for the window.")
@click.pass_context
def recipe_probe(cx: click.Context, title: str | None, url: str | None, system_id: str | None,
                 system_urls: tuple[str, ...], out: Path, as_json: bool, as_yaml: bool, headless: bool | None,
                 timeout: float) -> None:
    """Show a supervisor what ClerkDesk sees. --window TITLE: what OCR reads in a desktop window, labels with
    their boxes and locators. --url URL: every form control of a web page (frames included) with the label
    ClerkDesk would use, a verified locator, its kind and options, and an annotated screenshot; --yaml prints
    a draft recipe."""
    if (title is None) == (url is None):
        raise click.UsageError("give --window TITLE (a desktop window) or --url URL (a web page)")
    if title is not None:
        cx.invoke(_desktop_probe, title=title, out=out, as_json=as_json, timeout=timeout)
        return
    assert url is not None
    c: Ctx = cx.find_object(Ctx)  # type: ignore[assignment]
    from clerkdesk.config import recipes_dir
    from clerkdesk.recipe.driver import DriverError
    from clerkdesk.recipe.systems import System, origin_of
    from clerkdesk.workbench.web_probe import draft_recipe, listing, probe_url

    urls = parse_system_urls(system_urls)
    if system_id is not None:
        from clerkdesk.recipe.systems import load_systems

        systems = load_systems(recipes_dir())
        if system_id not in systems:
            from clerkdesk.errors import ClerkDeskError
            from clerkdesk.records.model import suggest

            raise ClerkDeskError(f"unknown system {system_id!r}." + suggest(system_id, list(systems)))
        system = systems[system_id].at(urls[system_id]) if system_id in urls else systems[system_id]
        if not system.owns(url):
            raise click.BadParameter(f"{url} is not on an origin of system {system_id} "
                                     f"({', '.join(system.origins)})", param_hint="--url")
    else:
        from clerkdesk.errors import Mark

        base = url.rsplit("/", 1)[0] + "/"
        system = System("newsys", "新系统", "web", Mark(Path("(probe)"), 1, 1), start_url=base,
                        origins=(origin_of(url),))
    head = default_headless() if headless is None else headless

    def let_a_person_act(page: Any) -> None:
        if not head and sys.stdin.isatty():
            click.prompt("在浏览器中登录并打开要探查的表单，然后按回车 (log in and open the form in the browser, "
                         "then press Enter)", default="", show_default=False, err=True)

    desk = c.desk
    try:
        res = probe_url(url, system, home=desk.home, clerk=desk.clerk_name, headless=head,
                        options=desk.sealing(), before=let_a_person_act)
    except DriverError as e:
        raise click.ClickException(e.message) from None
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(res.png)
    from urllib.parse import urlsplit

    parts = urlsplit(res.url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    if as_yaml:
        click.echo(draft_recipe(res, system.id, target, dict(system.codes)), nl=False)
    elif as_json or c.json:
        click.echo(json.dumps({"url": res.url, "title": res.title, "frames": res.frames, "buttons": res.buttons,
                               "windows": [{"window": w, "buttons": res.window_buttons.get(w, [])}
                                           for w in res.windows],
                               "screenshot": str(out), "controls": [x.to_json() for x in res.controls]},
                              ensure_ascii=False, indent=2))
    else:
        for line in listing(res):
            click.echo(line)
        click.echo(f"Annotated screenshot: {out} (red boxes numbered as above). --yaml prints a draft recipe.")


recipe_group.add_command(recipe_probe)


# --- recipe sets: keygen, publish, pull, verify ----------------------------------------------------------------

@click.command("keygen")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Where to keep the private signing key (owner-only; back it up, never share it).")
@pass_ctx
def recipe_keygen(c: Ctx, out: Path) -> None:
    """Make a signing key for publishing recipe sets; prints the public key workstations trust."""
    from clerkdesk.workbench.recipe_sets import generate_key

    pub = generate_key(out)
    c.out({"ok": True, "private_key": str(out), "public_key": pub},
          f"private key: {out}\npublic key (give it to workstations as CLERKDESK_RECIPE_KEYS):\n{pub}")


@click.command("publish")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--version", "version", required=True, help="Dotted numbers above every set on the share, e.g. 2026.12.1.")
@click.option("--to", "share", type=click.Path(file_okay=False, path_type=Path), envvar="CLERKDESK_RECIPE_SHARE",
              required=True, help="The share (a folder) workstations pull from. Env: CLERKDESK_RECIPE_SHARE.")
@click.option("--key", "key_file", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              envvar="CLERKDESK_RECIPE_SIGNING_KEY", help="The private key from `recipe keygen`.")
@click.option("--strict", is_flag=True, help="Lint warnings also stop the publication.")
@pass_ctx
def recipe_publish(c: Ctx, folder: Path, version: str, share: Path, key_file: Path, strict: bool) -> None:
    """Lint FOLDER and publish it to the share as a signed, versioned recipe set."""
    from clerkdesk.workbench.recipe_sets import publish

    info = publish(folder, share, version, key_file, strict=strict)
    c.out({"ok": True, "version": info.version, "folder": str(info.folder), "files": len(info.files),
           "key": info.key_id}, f"published recipe set {info.version}: {info.folder} ({len(info.files)} files, "
                                f"signed by key {info.key_id})")


@click.command("pull")
@click.option("--from", "share", type=click.Path(path_type=Path), envvar="CLERKDESK_RECIPE_SHARE", required=True,
              help="The share to pull from. Env: CLERKDESK_RECIPE_SHARE.")
@click.option("--key", "keys", multiple=True, help="A trusted public key (repeat). Env: CLERKDESK_RECIPE_KEYS.")
@click.option("--into", "into", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="The recipes folder to update (default: CLERKDESK_RECIPES, the one this workstation uses).")
@pass_ctx
def recipe_pull(c: Ctx, share: Path, keys: tuple[str, ...], into: Path | None) -> None:
    """Install the newest signed recipe set from the share; refuses unsigned, altered or older sets."""
    from clerkdesk.config import recipes_dir
    from clerkdesk.workbench.recipe_sets import pull, trusted_keys

    res = pull(share, into or recipes_dir(), trusted_keys(keys))
    c.out({"ok": True, "installed": res.installed.version if res.installed else None, "previous": res.previous,
           "message": res.message}, res.message)


@click.command("verify")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path), required=False)
@click.option("--key", "keys", multiple=True, help="A trusted public key (repeat). Env: CLERKDESK_RECIPE_KEYS.")
@pass_ctx
def recipe_verify(c: Ctx, folder: Path | None, keys: tuple[str, ...]) -> None:
    """Check an installed or published recipe set: signature by a trusted key, every file unchanged."""
    from clerkdesk.config import recipes_dir
    from clerkdesk.workbench.recipe_sets import trusted_keys, verify

    info = verify(folder or recipes_dir(), trusted_keys(keys))
    c.out({"ok": True, "version": info.version, "created": info.created, "key": info.key_id,
           "files": len(info.files)}, f"recipe set {info.version} intact ({len(info.files)} files, signed "
                                      f"{info.created} by key {info.key_id})")


for _cmd in (recipe_keygen, recipe_publish, recipe_pull, recipe_verify):
    recipe_group.add_command(_cmd)


@click.command("canary")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path), required=False)
@click.option("--samples", "samples", required=True, type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Test records: <recipe id>.json, else person.json / enterprise.json (as for fill).")
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path), default=Path("canary"),
              show_default=True, help="Where the reports, screenshots and canary.json go.")
@click.option("--system-url", "system_urls", multiple=True, metavar="SYSTEM=URL")
@click.option("--headless/--headed", default=True, show_default=True)
@click.option("--state", "state", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where to keep each recipe's last result (default: CLERKDESK_CANARY_STATE, else "
                   "<home>/canary/state.json). Put it on a share the workstations read (CLERKDESK_CANARY_STATE) "
                   "so the clerks' app shows each matter's health.")
@pass_ctx
def recipe_canary(c: Ctx, folder: Path | None, samples: Path, out: Path, system_urls: tuple[str, ...],
                  headless: bool, state: Path | None) -> None:
    """Dry-run every recipe of FOLDER (default: this workstation's recipes) against its system, never submitting;
    report per recipe ok / changed (the broken step and locator, a screenshot) / unreachable / needs login, with
    the last date it was ok. Exit 0 when every recipe with a sample is ok. Schedule it (cron, Task Scheduler)."""
    from clerkdesk.config import recipes_dir
    from clerkdesk.drivers import make_driver
    from clerkdesk.workbench.canary import default_state_file, run_canary

    desk = c.desk
    verdicts = run_canary(folder or recipes_dir(), samples, out, state or default_state_file(desk.home),
                          ConsoleClerk(True), make_driver, home=desk.home, clerk_name=desk.clerk_name,
                          system_urls=parse_system_urls(system_urls), headless=headless,
                          driver_options=desk.sealing())
    bad = [v for v in verdicts if v.status not in ("ok", "skipped")]
    c.out({"ok": not bad, "recipes": [v.to_json() for v in verdicts]})
    if not c.json:
        for v in verdicts:
            mark = {"ok": "✓", "skipped": "-"}.get(v.status, "✗")
            click.echo(f"{mark} {v.system:<8} {v.recipe:<40} {v.status}"
                       + (f": {v.step} — {v.locator}" if v.step else "")
                       + (f" (last ok {v.last_good[:10]})" if v.last_good and v.status != "ok" else ""))
            if v.status not in ("ok",) and v.message:
                click.echo("      " + v.message.splitlines()[0][:300])
            if v.screenshot and v.status != "ok":
                click.echo(f"      screenshot: {v.screenshot}; report: {v.report}")
        click.echo(f"{len(verdicts) - len(bad)} of {len(verdicts)} fine; nothing was submitted. Summary: "
                   f"{out / 'canary.json'}")
    sys.exit(1 if bad else 0)


recipe_group.add_command(recipe_canary)


@click.command("record")
@click.option("--system", "system_id", required=True, metavar="SYSTEM",
              help="The system to record on (web: in ClerkDesk's browser; desktop: its window).")
@click.option("--record", "record_file", required=True, metavar="SAMPLE.json",
              help="The test record you will type (distinct values, so each binds to one field).")
@click.option("--url", default=None, help="The form's page (default: the system's start_url).")
@click.option("--system-url", "system_urls", multiple=True, metavar="SYSTEM=URL")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the recipe here (default: print it).")
@click.option("--submit", "submit", default=None, metavar="TEXT",
              help="Desktop: the save button's text, for the submit step (never click it while recording).")
@click.option("--expect", "expect", default=None, metavar="TEXT",
              help="Desktop: a text the client shows once it saved (the expect after the submit).")
@pass_ctx
def recipe_record(c: Ctx, system_id: str, record_file: str, url: str | None, system_urls: tuple[str, ...],
                  out: Path | None, submit: str | None, expect: str | None) -> None:
    """Record a web form: fill it once by hand in ClerkDesk's browser with the sample record, click its submit
    button (it is NOT sent: every post is blocked while recording), press Enter here; ClerkDesk writes the recipe,
    binding each value to the record field it equals.

    A desktop system: fill the client's form by hand with the sample record and leave it unsaved, then click
    each box in the order to fill (and the tabs between them); OCR proposes each box's label and the step is
    printed as it is made. Click outside the window to finish. Do not click the save button: name it with
    --submit (and the text shown once saved with --expect)."""
    from clerkdesk.config import recipes_dir
    from clerkdesk.errors import ClerkDeskError
    from clerkdesk.recipe.systems import load_systems
    from clerkdesk.workbench.recipe_test import sample_context
    from clerkdesk.workbench.recorder import record_url

    if not sys.stdin.isatty():
        raise ClerkDeskError("recipe record needs a person at a terminal (you fill the form by hand)")
    systems = load_systems(recipes_dir())
    if system_id not in systems:
        raise ClerkDeskError(f"unknown system {system_id!r} (its file goes in {recipes_dir() / 'systems'})")
    urls = parse_system_urls(system_urls)
    system = systems[system_id].at(urls[system_id]) if system_id in urls else systems[system_id]
    _, context = sample_context(read_json(record_file))
    if system.kind == "desktop":
        text = _record_desktop(system, context, submit, expect)
        _write_recorded(text, out, record_file)
        return

    def person(page: Any) -> None:
        click.prompt("在浏览器中用样例数据填写表单（可以点“提交”：不会发送），完成后按回车 (fill the form with the sample, "
                     "click its submit button — nothing is sent — then press Enter)", default="", show_default=False,
                     err=True)

    desk = c.desk
    text = record_url(url or system.start_url, system, context, person, home=desk.home, clerk=desk.clerk_name,
                      headless=False, options=desk.sealing())
    _write_recorded(text, out, record_file)


def _record_desktop(system: Any, context: dict[str, Any], submit: str | None, expect: str | None) -> str:
    """The desktop recorder at a terminal: the window is read, each click printed as its step, until a click
    outside the window."""
    from clerkdesk.errors import ClerkDeskError
    from clerkdesk.workbench.desktop_recorder import ClickWatcher, record_window

    if not system.window:
        raise ClerkDeskError(f"{system.id} names no window (window: in its system file)")
    click.echo(f"请先用样例数据手工填写“{system.window}”中的表单，不要保存。然后按填写顺序逐个点击输入框（切换页签也点）；"
               "点击窗口外部结束。(Fill the form with the sample first, do not save; then click each box in order, "
               "tabs too; click outside the window to finish.)", err=True)
    watcher = ClickWatcher().start()
    try:
        return record_window(system.window, context, dict(system.codes), system.id, watcher.next, submit=submit,
                             expect=expect, on_step=lambda line: click.echo("  " + line, err=True))
    finally:
        watcher.stop()


def _write_recorded(text: str, out: Path | None, record_file: str) -> None:
    if out is not None:
        out.write_text(text, encoding="utf-8")
        click.echo(f"recipe written to {out}; lint it and try it with `clerkdesk recipe test {out} --record "
                   f"{record_file}`", err=True)
    else:
        click.echo(text, nl=False)


recipe_group.add_command(recipe_record)
