"""CLI commands for filling: ``fill``, ``runs``, ``resume``, ``recipe …`` and ``sandbox`` (thin shells)."""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from clerkdesk.cli.inputs import case_of, parse_system_urls, read_json
from clerkdesk.cli.root import Ctx, pass_ctx
from clerkdesk.engine import events as ev
from clerkdesk.engine.run import RunInfo
from clerkdesk.errors import HumanAborted, HumanNeeded, ResumeRefused
from clerkdesk.records.runstate import SUBMIT_WORDS, RunStatus, SubmitState

if TYPE_CHECKING:
    from clerkdesk.desk import Desk


class ConsoleClerk:
    """The clerk at a terminal; with ``--yes`` confirms are answered yes, but human steps still need a person."""

    # An uncertain submit is settled by `resume --recorded/--not-recorded`, given after the clerk looked it up:
    # the engine need not reopen the system's window at the recipe's query page for it.
    shows_query_page = False

    def __init__(self, yes: bool, decision: tuple[str, str | None] | None = None, wait_human: float = 0,
                 answer_wait: float = 300.0, desk: Desk | None = None, discrepancy: dict[str, str] | None = None):
        self.desk = desk  # shows the values in words (Desk.confirm_text)
        self.discrepancy = discrepancy or {}  # field (or "*") → system | profile | leave (--discrepancy)
        self.yes = yes
        self.decision = decision
        self.wait_human = wait_human
        self.answer_wait = answer_wait
        self.tty = sys.stdin.isatty()

    def keep_waiting(self, info: RunInfo, seconds: float) -> bool:
        """A slow system is still answering the submit: wait up to --answer-wait (Ctrl+C stops waiting; the
        submit is then uncertain, to be checked in the system later — never "not recorded")."""
        return seconds < self.answer_wait

    def confirm(self, info: RunInfo, message: str, values: list[tuple[str, str]]) -> bool:
        if self.yes:
            return True
        if not self.tty:
            raise HumanNeeded(f"{info.system_title}: “{message}” needs the clerk's confirmation "
                              "(run in a terminal, or pass --yes for batch runs)")
        click.echo(f"\n[{info.system_title}] {message}")
        for line in self.desk.confirm_text(info, values) if self.desk else [f"{k}: {v}" for k, v in values]:
            click.echo(f"    {line}")
        return click.confirm("确认提交? (submit?)", default=False)

    def decide_discrepancies(self, info: RunInfo, rows: list[Any]) -> dict[str, str]:
        """The discrepancy table as text; each field decided by --discrepancy FIELD=… (or =… for all), else
        asked at a terminal; without a terminal an undecided field stops the run before anything is written."""
        from clerkdesk.engine.discrepancy import DECISION_WORDS, Decision

        click.echo(f"\n[{info.system_title}] 系统中已有的信息与档案不一致 (the system holds other values than the "
                   "profile):", err=not self.tty)  # stderr in scripts: --json's stdout stays JSON
        click.echo("    系统 | 项目 | 系统中的值 | 档案中的值 | 档案上次核验", err=not self.tty)
        for r in rows:
            d = r.diff
            click.echo(f"    {r.system} | {d.label} | {d.system_words} | {d.profile_words or '（无）'} | "
                       f"{r.verified or '从未'}", err=not self.tty)
        out: dict[str, str] = {}
        for r in rows:
            said = self.discrepancy.get(r.field, self.discrepancy.get("*"))
            allowed = [str(c) for c in r.diff.choices]
            if said is not None and said not in allowed:
                raise HumanNeeded(f"{info.system_title}: {r.diff.label} ({r.field}) cannot be decided "
                                  f"{said!r}: the system's value cannot be read as a profile value; choose "
                                  f"{' or '.join(allowed)}")
            if said is None and self.tty:
                for c in r.diff.choices:
                    click.echo(f"      {c}: {DECISION_WORDS[c][0]} ({DECISION_WORDS[c][1]})")
                said = click.prompt(f"    {r.diff.label} 如何处理? (decision)", type=click.Choice(allowed),
                                    default=str(Decision.SYSTEM))
            if said is None:
                fields = ", ".join(x.field for x in rows)
                raise HumanNeeded(f"{info.system_title}: the system holds other values than the profile ({fields}); "
                                  "nothing was written. Decide each (run in a terminal, or pass --discrepancy "
                                  "FIELD=system|profile|leave, or --discrepancy =system for all)")
            out[r.field] = said
        return out

    def human(self, info: RunInfo, message: str, driver: Any, check: Callable[[], bool] | None) -> None:
        if self.tty:
            click.echo(f"\n[{info.system_title}] 需要经办人操作 (your turn): {message}")
            if hasattr(driver, "window"):
                with contextlib.suppress(Exception):
                    click.echo(f"    在第 {driver.window()['order']} 个浏览器窗口中操作 (act in browser window "
                               f"{driver.window()['order']})")
            _enter_or_done("完成后按回车；检测到完成会自动继续 (press Enter when done; it goes on by itself once "
                           "the system shows it done)", check)
            return
        if check is not None and self.wait_human > 0:
            import time

            deadline = time.monotonic() + self.wait_human
            while time.monotonic() < deadline:
                if check():
                    return
                time.sleep(0.2)
        raise HumanNeeded(f"{info.system_title}: a person must act: {message}")

    def uncertain(self, info: RunInfo, message: str) -> tuple[str, str | None]:
        if self.decision:
            return self.decision
        raise ResumeRefused(f"{message}\n  办理 {info.run_id} 的提交结果不确定，需要经办人先在系统中核对，然后二选一 (the submit "
                            "is uncertain: check the system, then choose one):\n"
                            f"    clerkdesk resume {info.run_id} --recorded RECEIPT   # 系统中已有这条记录 (it is there)\n"
                            f"    clerkdesk resume {info.run_id} --not-recorded       # 系统中没有 (it is not: fill and "
                            "submit once more)")


def parse_discrepancies(specs: tuple[str, ...]) -> dict[str, str]:
    """``--discrepancy person.hukou_type=profile`` (one field) or ``--discrepancy =system`` (every field)."""
    from clerkdesk.engine.discrepancy import Decision

    out: dict[str, str] = {}
    for spec in specs:
        name, sep, dec = spec.partition("=")
        if not sep or dec.strip() not in {str(d) for d in Decision}:
            raise click.BadParameter(f"{spec!r}: expected FIELD=system|profile|leave (or =system for every "
                                     "field)", param_hint="--discrepancy")
        out[name.strip() or "*"] = dec.strip()
    return out


def _enter_or_done(prompt: str, check: Callable[[], bool] | None) -> None:
    """Wait for Enter at the terminal, or until CHECK holds (the login is seen done in the browser): the clerk
    who logged in need not come back to the terminal. Where stdin cannot be polled (Windows), Enter only."""
    import select
    import time

    click.echo(prompt + " ", nl=False)
    if check is None or sys.platform == "win32":
        if not sys.stdin.readline():
            raise EOFError("stdin closed")  # the clerk ended the input: the run stops (engine: HumanAborted)
        return
    last = 0.0
    while True:
        ready, _, _ = select.select([sys.stdin], [], [], 0.25)
        if ready:
            if not sys.stdin.readline():
                raise EOFError("stdin closed")
            return
        if time.monotonic() - last >= 0.5:
            last = time.monotonic()
            with contextlib.suppress(Exception):
                if check():
                    click.echo("\n    已检测到完成 (done)")
                    return


def printer(c: Ctx) -> Callable[[ev.Event], None]:
    def on_event(e: ev.Event) -> None:
        if c.json:
            return
        if isinstance(e, ev.RunStarted):
            click.echo(f"[{e.system}] {e.recipe}: {e.total} steps" + (f", resuming at {e.resumed_from + 1}"
                                                                      if e.resumed_from else ""))
        elif isinstance(e, ev.StepSucceeded):
            click.echo(f"[{e.system}]   {e.index:>3} ✓ {e.what} ({e.seconds * 1000:.0f} ms)")
        elif isinstance(e, ev.StepFailed):
            click.echo(f"[{e.system}]   {e.index:>3} ✗ {e.what}: {e.message}" + (" — retrying" if e.will_retry else ""))
        elif isinstance(e, ev.Blocked):
            click.echo(f"[{e.system}]   blocked a request to foreign origin {e.origin}")
        elif isinstance(e, ev.RunFinished):
            rec = ", ".join(f"{k}={v}" for k, v in e.captures.items())
            click.echo(f"[{e.system}] {e.status}" + (f": {rec}" if rec else ""))
    return on_event


def _print_outcomes(c: Ctx, case_id: str | None, runs: dict[str, str], outcomes: dict[str, Any]) -> bool:
    ok = bool(outcomes) and all(o.status == RunStatus.SUCCEEDED for o in outcomes.values())
    summary = {"ok": ok, "case": case_id,
               "targets": {rid: {"run": runs.get(rid), "status": o.status, "submit": o.submit,
                                 "receipt": o.receipts.get("receipt"), "captures": o.receipts,
                                 "seconds": round(o.seconds, 2), "message": o.message,
                                 "steps": c.desk.runs.steps(runs[rid]) if runs.get(rid) else []}
                           for rid, o in outcomes.items()}}
    c.out(summary)
    if not c.json:
        click.echo("")
        for rid, o in outcomes.items():
            mark = "✓" if o.status == RunStatus.SUCCEEDED else "✗"
            rec = "  ".join(f"{k}: {v}" for k, v in o.receipts.items())
            sub = SUBMIT_WORDS[SubmitState.of(o.submit)]
            click.echo(f"{mark} {rid} [{runs.get(rid, '')}] {o.status}  submit: {sub[1]}  {rec}")
            if o.status != RunStatus.SUCCEEDED and o.message:
                click.echo("    " + o.message.replace("\n", "\n    "))
    return ok


def default_headless() -> bool:
    """A clerk at a terminal on a desktop gets a browser window (logins and captchas need one); scripts and
    machines without a display run headless."""
    import os

    if not sys.stdin.isatty():
        return True
    if sys.platform in ("win32", "darwin"):
        return False
    return not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


@click.command("fill")
@click.option("--record", "record_file", required=True, metavar="FILE|-",
              help='JSON: a person/enterprise object, or {"person"|"enterprise": {...}, "case": {...}}.')
@click.option("--target", "targets", multiple=True, required=True, metavar="RECIPE_ID", help="Repeat for several.")
@click.option("--headless/--headed", default=None, help="Browser without a window, or with one (default: a window "
              "when run from a terminal on a desktop, so the clerk can log in; headless otherwise).")
@click.option("--yes", is_flag=True, help="Answer confirm steps with yes (batch/tests). Human steps still need a person.")
@click.option("--system-url", "system_urls", multiple=True, metavar="SYSTEM=URL",
              help="Reach a system at another address (sandbox/training servers).")
@click.option("--wait-human", type=float, default=0, help="Without a terminal, wait up to N s for a human step's "
              "condition to come true (someone acting in the browser).")
@click.option("--answer-wait", type=float, default=300, show_default=True, help="Seconds to keep waiting for a "
              "slow system's answer to a submit (Ctrl+C stops waiting; the submit is then uncertain).")
@click.option("--discrepancy", "discrepancies", multiple=True, metavar="FIELD=DECISION",
              help="Where the system already holds another value than the profile (a recipe's read step): "
              "system (update the system with the profile), profile (update the profile with the system's "
              "value) or leave; e.g. person.hukou_type=profile, or =system for every field. Asked at a terminal.")
@pass_ctx
def fill(c: Ctx, record_file: str, targets: tuple[str, ...], headless: bool | None, yes: bool,
         system_urls: tuple[str, ...], wait_human: float, answer_wait: float,
         discrepancies: tuple[str, ...]) -> None:
    """Fill a record into one or more target systems; exit 0 only when every target succeeded."""
    from clerkdesk.desk import CaseRequest, FillOptions

    data = read_json(record_file)
    kind = "enterprise" if "enterprise" in data or "uscc" in data else "person"
    record = data.get(kind, data if kind not in data else {})
    record = {k: v for k, v in record.items() if k != "case"} if isinstance(record, dict) else {}
    case_fields = case_of(data)  # a list or a string is a clear error, not an AttributeError
    opts = FillOptions(headless=default_headless() if headless is None else headless,
                       system_urls=parse_system_urls(system_urls), on_event=printer(c))
    clerk = ConsoleClerk(yes, wait_human=wait_human, answer_wait=answer_wait, desk=c.desk,
                         discrepancy=parse_discrepancies(discrepancies))
    res = c.desk.fill(CaseRequest(kind, record, targets, {**case_fields}), clerk, opts)
    ok = _print_outcomes(c, res.case_id, res.runs, res.outcomes)
    sys.exit(0 if ok else 1)


@click.command("resume")
@click.argument("run_id")
@click.option("--recorded", "receipt", default=None, metavar="RECEIPT",
              help="The clerk checked: the uncertain submit WAS recorded (give the receipt, or '-').")
@click.option("--not-recorded", is_flag=True, help="The clerk checked: the submit was NOT recorded; fill it again.")
@click.option("--headless/--headed", default=None, help="As for fill.")
@click.option("--yes", is_flag=True)
@click.option("--system-url", "system_urls", multiple=True, metavar="SYSTEM=URL")
@click.option("--wait-human", type=float, default=0, help="As for fill.")
@click.option("--answer-wait", type=float, default=300, show_default=True, help="As for fill.")
@click.option("--discrepancy", "discrepancies", multiple=True, metavar="FIELD=DECISION", help="As for fill.")
@pass_ctx
def resume(c: Ctx, run_id: str, receipt: str | None, not_recorded: bool, headless: bool | None, yes: bool,
           system_urls: tuple[str, ...], wait_human: float, answer_wait: float,
           discrepancies: tuple[str, ...]) -> None:
    """Resume an interrupted run from its checkpoint (never submitting twice).

    An uncertain submit needs the clerk's word: --recorded RECEIPT (closes the run with that receipt) or
    --not-recorded (fills and submits once more). A plain resume of such a run refuses and says so.
    """
    from clerkdesk.desk import FillOptions

    if receipt is not None and not_recorded:
        raise click.UsageError("--recorded and --not-recorded exclude each other")
    decision: tuple[str, str | None] | None = None
    if receipt is not None:
        decision = ("recorded", None if receipt in ("-", "") else receipt)
    elif not_recorded:
        decision = ("not_recorded", None)
    out = c.desk.resume(run_id, ConsoleClerk(yes, decision, wait_human=wait_human, answer_wait=answer_wait,
                                             desk=c.desk, discrepancy=parse_discrepancies(discrepancies)),
                        FillOptions(headless=default_headless() if headless is None else headless,
                                    system_urls=parse_system_urls(system_urls), on_event=printer(c)),
                        decision=decision[0] if decision else None, receipt=decision[1] if decision else None)
    row = c.desk.runs.get(run_id)
    ok = _print_outcomes(c, row.case_id, {row.recipe: run_id}, {row.recipe: out})
    sys.exit(0 if ok else 1)


@click.command("runs")
@click.option("--limit", default=30)
@pass_ctx
def runs(c: Ctx, limit: int) -> None:
    """List recent runs: status (interrupted when its process is gone), submit state, receipt, duration, and the
    recipe set version it used (``set -``: an unpublished recipes folder; ``+local``: its recipe was edited after
    the pull; --json adds the set's id and signature fingerprint)."""
    if c.json:
        c.out(c.desk.runs.list(limit, with_steps=True))
        return
    rows = c.desk.runs.list(limit)
    for r in rows:
        secs = f"{r['seconds']:.1f}s" if r["seconds"] is not None else "-"
        click.echo(f"{r['id']}  {r['created_at'][:19]}  {r['status']:<11} submit={r['submit_state']:<9} "
                   f"step {r['checkpoint']:<3} {secs:>7}  {r['recipe']}"
                   + (f"  receipt {r['receipt']}" if r["receipt"] else "")
                   + (f"  set {r['set_version']}" if r.get("set_version") else "  set -")
                   + ("  (running now)" if r["live"] else ""))


@click.group("recipe")
def recipe() -> None:
    """Recipes: lint, list, export the JSON Schema."""


@recipe.command("lint")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--strict", is_flag=True, help="Warnings fail too (exit 1), e.g. before publishing or in CI.")
@pass_ctx
def recipe_lint(c: Ctx, paths: tuple[Path, ...], strict: bool) -> None:
    """Report every problem as file:line:col: message (exit 1 on any error; on warnings too with --strict).

    Recipes are checked against the systems/ folder of PATH or of its nearest parent that has one, else
    against the configured recipes folder's (CLERKDESK_RECIPES).
    """
    from clerkdesk.config import recipes_dir
    from clerkdesk.recipe.lint import is_warning, lint

    folder = recipes_dir()
    problems, used = lint(list(paths) or [folder], folder)
    errors = [e for e in problems if not is_warning(e)]
    warnings = len(problems) - len(errors)
    c.out([{"file": str(e.mark.path) if e.mark else None, "line": e.mark.line if e.mark else None,
            "col": e.mark.col if e.mark else None, "severity": "warning" if is_warning(e) else "error",
            "message": e.message + (f" {e.hint}" if e.hint else "")}
           for e in problems])
    if not c.json:
        for e in problems:
            click.echo(str(e))
        counts = ", ".join(x for x in (f"{len(errors)} error(s)" if errors else "",
                                       f"{warnings} warning(s)" if warnings else "") if x)
        click.echo((counts or "ok") + f" (systems: {', '.join(map(str, used)) or 'none'})")
    sys.exit(1 if errors or (strict and warnings) else 0)


@recipe.command("probe")
@click.option("--window", "title", required=True, metavar="TITLE",
              help="The window's title (exact, contained, or re:REGEX), as in a recipe's `open`.")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), default=Path("probe.png"),
              show_default=True, help="Where to save the annotated screenshot (PNG).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("--timeout", type=float, default=10.0, show_default=True, help="Seconds to wait for the window.")
@pass_ctx
def recipe_probe(c: Ctx, title: str, out: Path, as_json: bool, timeout: float) -> None:
    """Show what OCR sees in a desktop window: every text, its position and confidence, which texts are
    labels with an input box beside them, and a locator for each; saves an annotated screenshot."""
    from clerkdesk.drivers.desktop.probe import PRIVACY_NOTE, annotated_png, probe_window
    from clerkdesk.recipe.driver import DriverError

    try:
        result, image, boxes, inputs = probe_window(title, timeout=timeout)
    except DriverError as e:
        tried = "".join(f"\n  tried: {t}" for t in e.tried)
        raise click.ClickException(f"{e.message}{tried}") from None
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(annotated_png(result, image, boxes, inputs))
    result.screenshot = str(out)
    if as_json or c.json:
        click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
        return
    win = result.window
    click.echo(f"window {win['title']!r} {win['size'][0]}×{win['size'][1]} at ({win['at'][0]}, {win['at'][1]})"
               + (f", dialogs: {', '.join(map(repr, result.dialogs))}" if result.dialogs else "")
               + f"; {len(result.texts)} texts (full OCR {result.seconds:.1f} s)")
    click.echo("  #  box [x0,y0,x1,y1] (window px)  centre (fraction)  score  text  — looks like  locator")
    for t in result.texts:
        click.echo(t.line())
    labels = sum(t.kind == "label" for t in result.texts)
    click.echo(f"\n{labels} label(s) with an input box beside them. Annotated screenshot: {out} "
               "(blue: OCR texts by number; red: input boxes beside labels)")
    click.echo(PRIVACY_NOTE)


@recipe.command("schema")
def recipe_schema() -> None:
    """Print the JSON Schema of recipe files (for editors)."""
    from clerkdesk.recipe.schema import recipe_schema as build

    click.echo(json.dumps(build(), ensure_ascii=False, indent=2))


@recipe.command("list")
@pass_ctx
def recipe_list(c: Ctx) -> None:
    """Systems, recipes and the fields each needs."""
    from clerkdesk.engine.plan import label_of

    cat = c.desk.catalog
    c.out({"systems": {k: {"title": s.title, "kind": s.kind} for k, s in cat.systems.items()},
           "recipes": {k: {"title": r.title, "system": r.system, "needs": list(r.needs)} for k, r in cat.recipes.items()},
           "matters": {k: list(m.recipes) for k, m in cat.matters.items()}})
    if not c.json:
        for r in cat.recipes.values():
            click.echo(f"{r.id}  {r.title}  → {cat.systems[r.system].title}")
            click.echo("    needs: " + ", ".join(label_of(n, r) for n in r.needs))


@click.command("sandbox")
@click.option("--hrss-port", default=8601)
@click.option("--amr-port", default=8602)
@click.option("--fault", "faults", multiple=True, metavar="SYSTEM:FAULT", help="e.g. hrss:submit500, gjj:notice")
@click.option("--debug", is_flag=True, help="Expose the captcha answer at /__sandbox/captcha (training/tests).")
@click.option("--desktop/--no-desktop", default=None,
              help="Also start the 公积金 desktop client (default: when a display is available).")
@pass_ctx
def sandbox(c: Ctx, hrss_port: int, amr_port: int, faults: tuple[str, ...], debug: bool,
            desktop: bool | None) -> None:
    """Run the sandbox ministry systems on loopback (Ctrl+C stops): 人社 and 市场监管 web, 公积金 desktop."""
    import os

    from clerkdesk.config import default_home
    from clerkdesk.sandbox.web import serve_forever

    log_dir = (c.home or default_home()) / "sandbox"
    log_dir.mkdir(parents=True, exist_ok=True)
    if desktop is None:
        desktop = bool(os.environ.get("DISPLAY")) or sys.platform == "win32"
    client = None
    if desktop:
        gjj_faults = [a for f in faults if f.startswith("gjj:") for a in ("--fault", f.split(":", 1)[1])]
        from clerkdesk.sandbox.desktop import launch

        client = launch(log_dir / "gjj.jsonl", *gjj_faults, stdout=None, stderr=None)
        click.echo(f"公积金 desktop client started (log {log_dir / 'gjj.jsonl'})", err=True)
    try:
        serve_forever(log_dir, hrss_port=hrss_port, amr_port=amr_port,
                      faults=[f for f in faults if not f.startswith("gjj:")], debug=debug)
    finally:
        if client is not None:
            client.terminate()


commands = [fill, resume, runs, recipe, sandbox]
__all__ = ["ConsoleClerk", "HumanAborted", "commands"]
