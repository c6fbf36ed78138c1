"""CLI: ``clerkdesk queue`` (front window → back office), ``clerkdesk worker`` and ``clerkdesk hall report``.

Thin shells over ``hall.queue`` and ``hall.report``; registered by one line in ``cli.py``.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Any

import click

from clerkdesk.cli import Ctx, pass_ctx
from clerkdesk.cli.inputs import parse_system_urls
from clerkdesk.hall.priority import DEFAULT_NICE


@click.command("queue")
@click.argument("case_id", required=False)
@click.option("--record", "record_file", metavar="FILE|-", help="Capture and queue a new case from this JSON "
              "(as for `fill`), instead of queueing an existing CASE_ID.")
@click.option("--target", "targets", multiple=True, metavar="RECIPE_ID", help="With --record; repeat for several.")
@click.option("--yes", is_flag=True, help="The clerk has confirmed the values (required without a terminal).")
@click.option("--queue-url", default=None, metavar="URL", help="The queue's PostgreSQL (default: "
              "CLERKDESK_QUEUE_URL, else the shared store's URL).")
@pass_ctx
def queue(c: Ctx, case_id: str | None, record_file: str | None, targets: tuple[str, ...], yes: bool,
          queue_url: str | None) -> None:
    """Send a case to the back-office workers: an existing CASE_ID's unfinished runs, or a new case from
    --record/--target (validated, stored and planned here, at the front window, first)."""
    from clerkdesk.errors import ClerkDeskError
    from clerkdesk.hall import queue as q
    from clerkdesk.hall._app import fill_options

    if bool(case_id) == bool(record_file):
        raise click.UsageError("give a CASE_ID, or --record FILE with --target")
    if record_file and not targets:
        raise click.UsageError("--record needs at least one --target")
    url = q.queue_url(queue_url)
    q.ensure_schema(url)
    app = q.make_app(url, pool_size=1)
    with app.open():
        if record_file:
            from clerkdesk.cli.inputs import case_of
            from clerkdesk.cli.inputs import read_json as _read_json

            data = _read_json(record_file)
            kind = "enterprise" if "enterprise" in data or "uscc" in data else "person"
            record = data.get(kind, data if kind not in data else {})
            record = {k: v for k, v in record.items() if k != "case"} if isinstance(record, dict) else {}
            if not yes and not _confirmed(c, kind, record, list(targets)):
                raise ClerkDeskError("未确认，没有排队 (not confirmed: nothing was queued)")
            res = q.open_and_queue(c.desk, app, kind, record, list(targets), {**case_of(data)}, fill_options())
        else:
            res = q.queue_case(c.desk, app, str(case_id))
    c.out({"ok": True, "case": res.case_id, "runs": res.runs, "jobs": res.jobs},
          f"已交后台办理 (queued for the back office): case {res.case_id}\n" + "\n".join(
              f"  {recipe}: run {rid}" + ("" if res.jobs.get(rid) is not None else "  (already waiting)")
              for recipe, rid in res.runs.items() if rid in res.jobs))


def _confirmed(c: Ctx, kind: str, record: dict[str, Any], targets: list[str]) -> bool:
    if not sys.stdin.isatty():
        from clerkdesk.errors import HumanNeeded

        raise HumanNeeded("queueing needs the clerk's confirmation of the values (run in a terminal, or --yes "
                          "once they are confirmed)")
    from clerkdesk.records.masking import mask_id

    click.echo(f"交后台办理 (queue for the back office): {', '.join(targets)}")
    for k, v in record.items():
        click.echo(f"    {k}: {mask_id(v) if k == 'id_number' else v}")
    return click.confirm("确认无误，交后台办理? (values confirmed, queue?)", default=False)


@click.command("worker")
@click.option("--queue-url", default=None, metavar="URL", help="As for `queue`.")
@click.option("--system-url", "system_urls", multiple=True, metavar="SYSTEM=URL",
              help="Reach a system at another address (sandbox/training servers).")
@click.option("--concurrency", default=1, show_default=True, help="Fills run side by side (one browser each); "
              "one per system at a time (one login session): for parallel fills of one system, start more workers "
              "with their own --clerk accounts.")
@click.option("--stalled-after", default=30.0, show_default=True, help="Seconds without a heartbeat after which "
              "another worker's jobs are put back in the queue.")
@click.option("--answer-wait", type=float, default=300, show_default=True, help="Seconds to wait for a slow "
              "system's answer to a submit; after that the run goes back to the front as uncertain.")
@click.option("--once", is_flag=True, help="Stop when the queue is empty (tests, batch).")
@click.option("--nice", type=click.IntRange(0, 19), default=DEFAULT_NICE, show_default=True,
              help="CPU priority of the worker and the browsers it starts, as Unix niceness (0 = normal; Windows: "
              "any value above 0 is 'below normal'): on a machine it shares with the hall's database or a window, "
              "a fill waits for the CPU, a clerk's lookup does not.")
@pass_ctx
def worker(c: Ctx, queue_url: str | None, system_urls: tuple[str, ...], concurrency: int, stalled_after: float,
           answer_wait: float, once: bool, nice: int) -> None:
    """Run queued fills in the back office until stopped (Ctrl+C / SIGTERM).

    Uses this machine's data folder (keys, kept logins of --clerk) and the shared store; steps that need a
    person (captcha, a login that is not kept, an uncertain submit) go back to the front as needs_clerk."""
    import logging

    from clerkdesk.hall import queue as q
    from clerkdesk.hall.priority import lower_priority

    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    url = q.queue_url(queue_url)
    priority = lower_priority(nice)
    if c.json:  # one object, before any work: what a service manager or a script checks
        c.out({"worker": "started", "queue": q._where(url), "concurrency": concurrency, "cpu_priority": priority})
    else:
        click.echo(f"后台办理进程已启动 (worker started): queue {q._where(url)}, concurrency {concurrency}, "
                   f"CPU priority {priority}", err=True)
    q.run_worker(url, q.WorkerSettings(home=c.home, clerk=c.clerk, system_urls=parse_system_urls(system_urls),
                                       headless=True, answer_wait=answer_wait),
                 concurrency=concurrency, stalled_after=stalled_after, once=once)


@click.group("hall")
def hall() -> None:
    """(Supervisor) the whole hall: today's cases across windows, runs waiting for a person, systems."""


@hall.command("report")
@click.option("--day", default=None, metavar="YYYY-MM-DD", help="Default: today.")
@click.option("--csv", "as_csv", is_flag=True, help="Write the tables as CSV files (UTF-8, Excel-ready).")
@click.option("--xlsx", "as_xlsx", is_flag=True, help="Write one workbook (needs openpyxl).")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("."), show_default=True,
              help="Folder for the files.")
@pass_ctx
def report(c: Ctx, day: str | None, as_csv: bool, as_xlsx: bool, out_dir: Path) -> None:
    """The day's report: cases per window, runs waiting for a person, failed systems, per-system receipts and
    durations. Files hold ids, statuses and receipts only, never a citizen's name or number."""
    from clerkdesk.errors import ConfigError
    from clerkdesk.hall import report as rp

    try:
        the_day = date.fromisoformat(day) if day else None
    except ValueError:
        raise click.BadParameter(f"{day!r}: use YYYY-MM-DD", param_hint="--day") from None
    d = rp.supervised_day(c.desk.store, the_day)
    files: list[Path] = []
    if as_xlsx:
        if not rp.xlsx_available():
            raise ConfigError("XLSX 需要 openpyxl (XLSX export needs openpyxl: pip install openpyxl); --csv works "
                              "without it")
        files.append(rp.write_xlsx(d, out_dir / f"hall-{d.day.isoformat()}.xlsx"))
    if as_csv:
        files += rp.write_csv(d, out_dir)
    if c.json:
        c.out({"ok": True, **rp.as_dict(d), "files": [str(f) for f in files]})
        return
    click.echo(f"大厅日报 (hall report) {d.day.isoformat()}: {len(d.cases)} cases, {len(d.waiting)} waiting for a "
               f"person, {len(d.failed_systems)} systems with failures")
    for note in d.notes:
        click.echo(f"  注意 (note): {note}")
    if d.systems:
        click.echo(f"\n  {'system':<10} {'runs':>5} {'ok':>5} {'receipts':>8} {'failed':>6} {'waiting':>7} "
                   f"{'median s':>8} {'p90 s':>6}")
        for s in d.systems:
            click.echo(f"  {s.system:<10} {s.runs:>5} {s.succeeded:>5} {s.receipts:>8} {s.failed:>6} {s.waiting:>7} "
                       f"{_n(s.median_s):>8} {_n(s.p90_s):>6}")
    if d.waiting:
        click.echo("\n  等待经办人 (waiting for a person):")
        for w in d.waiting:
            click.echo(f"  {w.run}  {w.system}  {w.status}/{w.submit_state}  {w.reason}  evidence: {w.evidence}")
    for f in files:
        click.echo(f"  → {f}")


def _n(v: float | None) -> str:
    return "-" if v is None else f"{v:.1f}"


commands = [queue, worker, hall]
