"""The back office: fills queued by a front window and run by ``clerkdesk worker`` processes (procrastinate).

Why procrastinate: a hall already runs PostgreSQL for its shared store, and procrastinate keeps its jobs in that
same server (``procrastinate_*`` tables), so there is no broker to install, back up or watch. A job is only
"run this run id": everything the fill needs (the record snapshot, the targets, the checkpoint, the submit
state) is already in the store, encrypted with the hall's key, so the queue never holds a citizen's data.

Exactly once does **not** rest on the queue. procrastinate delivers a job at least once (a killed worker's job
is put back by ``recover_stalled``), so a job may run again after its first worker died mid-submit. What keeps
the citizen from being filed twice is the store: the run's lease (``Runs.acquire`` refuses a run whose owner
is alive: ``RunBusy``, the job is retried later) and its submit state (an ``armed``/``clicked``/``uncertain``
submit is never sent again by a worker: ``Filling.resume`` → the engine asks the clerk, and the worker's
clerk answers "a person must check", so the run goes back to the front as ``needs_clerk`` with its evidence).
The job's ``lock`` (one job per run at a time) and ``queueing_lock`` (one waiting job per run) only save work.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import procrastinate

from clerkdesk.errors import ClerkDeskError, ConfigError, HumanNeeded, ResumeRefused, RunBusy
from clerkdesk.records.runstate import RunStatus, SubmitState
from clerkdesk.store.unreachable import StoreUnreachable

log = logging.getLogger("clerkdesk.hall")

QUEUE = "fills"
TASK = "hall:fill_run"
FINAL = {RunStatus.SUCCEEDED, RunStatus.SUPERSEDED}  # nothing left for a worker
HANDED_BACK = RunStatus.NEEDS_CLERK

BUSY_WAIT_S = 30
BUSY_ATTEMPTS = 40  # 40 × 30 s = 20 min > lease.STALE_S (15 min)
RECONNECT_S = 3.0  # a worker whose queue database went away takes jobs again after this pause
STORE_WAIT_S = 300.0  # a fill that met the store away waits this long for it, then gives the job back to the queue
STORE_POLL_S = 0.5
GIVE_BACK_POLL_S = 2.0  # a run's lease left by a fill that gave up on the store: how often to try giving it back

tasks = procrastinate.Blueprint()


def queue_url(explicit: str | None = None) -> str:
    """The PostgreSQL holding the job queue: ``--queue-url``, ``CLERKDESK_QUEUE_URL``, else the shared store's
    (machine policy ``store.url`` / ``CLERKDESK_DATABASE_URL``): one server for both is the normal hall."""
    from clerkdesk.config import store_url

    url = explicit or os.environ.get("CLERKDESK_QUEUE_URL") or store_url()
    if not url or not str(url).startswith(("postgresql://", "postgres://")):
        raise ConfigError("后台队列需要 PostgreSQL (the back-office queue lives in PostgreSQL): set "
                          "CLERKDESK_QUEUE_URL=postgresql://user@host/db, or store.url in the machine policy")
    return str(url)


def make_app(url: str, *, pool_size: int = 2, wait_s: float = 10.0) -> procrastinate.App:
    """A procrastinate app on URL with the hall's tasks. POOL_SIZE is small: a hall has dozens of windows and
    every one of them holds its pool open, so a front window needs one connection, a worker two. WAIT_S bounds
    how long a call waits for a connection: a front window must say "the queue is away" promptly, not hang."""
    from clerkdesk.store.pg import cut_guards

    # a network cut ends the pool's and the listener's connections in seconds, as the store's (store/pg.py)
    guards = cut_guards(url, idle_transactions=False)
    app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=url, min_size=1, kwargs=guards,
                                                                      max_size=max(1, pool_size), timeout=wait_s))
    app.add_tasks_from(tasks, namespace="hall")
    return app


def ensure_schema(url: str) -> bool:
    """Create procrastinate's tables in URL's database unless they are there; True when created now.

    Under an advisory lock, so two workers starting at once do not both create them."""
    import psycopg
    from procrastinate.schema import SchemaManager

    try:
        conn = psycopg.connect(url, autocommit=True)
    except psycopg.OperationalError as e:
        raise ConfigError(f"后台队列的数据库连不上 (the queue's PostgreSQL cannot be reached): {_where(url)}: "
                          f"{str(e).strip().splitlines()[0] if str(e).strip() else e}") from None
    with conn:
        conn.execute("select pg_advisory_lock(hashtext('clerkdesk.hall.schema'))")
        try:
            row = conn.execute("select to_regclass('procrastinate_jobs')").fetchone()
            if row and row[0]:
                return False
            conn.execute(SchemaManager.get_schema())  # type: ignore[arg-type]
            return True
        finally:
            conn.execute("select pg_advisory_unlock(hashtext('clerkdesk.hall.schema'))")


def _where(url: str) -> str:
    """URL without its password, for messages."""
    from clerkdesk.config import redact_url

    return redact_url(url)


# --- the front window ------------------------------------------------------------------------------------------
@dataclass
class Queued:
    case_id: str
    runs: dict[str, str]  # recipe → run id
    jobs: dict[str, int | None] = field(default_factory=dict)  # run id → job id (None: already waiting)


class QueueUnavailable(ClerkDeskError):
    """The queue's PostgreSQL did not take the job; what was stored stays stored, and the message says how to
    queue it again."""

    exit_code = 1


def defer_runs(app: procrastinate.App, run_ids: list[str], case_id: str = "") -> dict[str, int | None]:
    """One job per run (None where a job for that run is already waiting: the queueing lock)."""
    out: dict[str, int | None] = {}
    for rid in run_ids:
        try:
            out[rid] = app.configure_task(TASK, lock=f"run:{rid}", queueing_lock=f"run:{rid}",
                                          queue=QUEUE).defer(run_id=rid)
        except procrastinate.exceptions.AlreadyEnqueued:
            out[rid] = None
        except procrastinate.exceptions.ConnectorException as e:
            again = f"`clerkdesk queue {case_id}`" if case_id else "`clerkdesk queue CASE`"
            raise QueueUnavailable(f"后台队列不可用，案件已保存但未全部排队 (the back-office queue did not take run "
                                   f"{rid}: {str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__}"
                                   f"; the case is stored: queue it again with {again} when the server is "
                                   "back, or fill it at this window)") from None
    return out


def queue_case(desk: Any, app: procrastinate.App, case_id: str) -> Queued:
    """Queue what is left of case CASE_ID for the back office: its runs that are not done, not superseded,
    not waiting for a person's answer on an uncertain submit, and not held by a live process."""
    rows = desk.store.runs.for_case(case_id)
    if not rows:
        raise ClerkDeskError(f"没有案件 {case_id} 的办理 (no runs for case {case_id})")
    todo = []
    for r in rows:
        if r.status in FINAL:
            continue
        if r.submit_state in (SubmitState.ARMED, SubmitState.CLICKED, "uncertain"):
            raise ResumeRefused(f"办理 {r.id} 的提交结果不确定，要由经办人先核对系统，不能交给后台 (run {r.id}'s submit is "
                                f"{r.submit_state}: a person must check the system first — `clerkdesk resume {r.id} "
                                "--recorded RECEIPT` or `--not-recorded`; then queue it)")
        todo.append(r.id)
    jobs = defer_runs(app, todo, case_id)
    desk.store.audit.append("case_queued", f"case:{case_id}", {"runs": todo})
    return Queued(case_id, {r.recipe: r.id for r in rows}, jobs)


def open_and_queue(desk: Any, app: procrastinate.App, kind: str, data: dict[str, Any], targets: list[str],
                   case_fields: dict[str, Any], opts: Any, matter: str | None = None) -> Queued:
    """The front window's F5 for the back office: the record is validated and stored, every target planned,
    the case stored (one per citizen and matter in the whole hall), then its runs are queued.

    The runs are leased to this process by ``open_case``; the lease is given up before queueing, or a worker on
    another machine would wait for the heartbeat to go stale (``lease.STALE_S``) before taking them.
    """
    from clerkdesk.hall._app import open_case

    result, _plan = open_case(desk, kind, data, targets, case_fields, opts, matter)
    for rid in result.runs.values():
        desk.store.runs.release(rid)
    jobs = defer_runs(app, list(result.runs.values()), result.case_id)
    desk.store.audit.append("case_queued", f"case:{result.case_id}", {"runs": list(result.runs.values())})
    return Queued(result.case_id, result.runs, jobs)


# --- the worker ---------------------------------------------------------------------------------------------
class BackOfficeClerk:
    """The "clerk" of a worker: nobody sits at its screen.

    Confirms are answered yes — the front clerk confirmed the values when queueing (``case_queued`` in the
    audit log). A ``human`` step (login, captcha) is done only if its ``until`` condition already holds (a kept
    login); otherwise it goes back to the front. An uncertain submit is never decided here: the engine stops the
    run ``needs_clerk`` with its evidence, for a person who can look at the system.

    A discrepancy (a ``read`` step found the system holding other values than the profile) is never decided
    here either: which value is right — the system's, entered years ago, or the profile's — is a judgement
    about the citizen, made at the counter. The run goes back to the front before anything is written, with
    the fields named (never their values); the front's discrepancy table asks the clerk when it is resumed.
    """

    def __init__(self, answer_wait: float = 300.0):
        self.answer_wait = answer_wait
        self.handed_back: list[str] = []
        self.discrepant: list[str] = []  # the profile fields a system disagreed on (names only)

    def confirm(self, info: Any, message: str, values: list[tuple[str, str]]) -> bool:
        return True

    def keep_waiting(self, info: Any, seconds: float) -> bool:
        return seconds < self.answer_wait

    def human(self, info: Any, message: str, driver: Any, check: Callable[[], bool] | None) -> None:
        if check is not None and check():
            return
        self.handed_back.append(message)
        raise HumanNeeded(f"{info.system_title}: 需要经办人操作，已退回前台 (a person must act; handed back to the "
                          f"front window): {message}")

    def uncertain(self, info: Any, message: str) -> tuple[str, str | None]:
        self.handed_back.append(message)
        return ("abort", None)  # the engine keeps the run needs_clerk: a person checks the system

    def decide_discrepancies(self, info: Any, rows: list[Any]) -> dict[str, str]:
        """Nobody here may decide: the run goes back to the front, nothing written (class docstring)."""
        self.discrepant = [r.field for r in rows]
        labels = "、".join(dict.fromkeys(r.diff.label for r in rows))
        message = (f"{info.system_title}：系统中有 {len(rows)} 项信息与档案不一致（{labels}），需经办人逐项决定；后台未写入，"
                   f"已退回前台 ({len(rows)} field(s) in the system differ from the profile "
                   f"({', '.join(self.discrepant)}): a person decides each; the back office wrote nothing)")
        self.handed_back.append(message)
        raise HumanNeeded(message, need="discrepancy")


@dataclass
class WorkerSettings:
    """What a worker process fills with: its data folder (keys, kept logins), clerk account, system URLs."""

    home: Any = None
    clerk: str | None = None
    system_urls: dict[str, str] = field(default_factory=dict)
    headless: bool = True
    answer_wait: float = 300.0


_settings = WorkerSettings()
_local = threading.local()
_desks: list[Any] = []
_desks_lock = threading.Lock()
_generation = 0  # moved by configure(): a thread's Desk of older settings is not used again


def configure(settings: WorkerSettings) -> None:
    """Set this process's worker settings (``clerkdesk worker`` does, before the first job)."""
    global _settings, _generation
    with _desks_lock:
        _settings = settings
        _generation += 1
        for d in _desks:
            d.close()
        _desks.clear()
    from clerkdesk.hall.browsers import BROWSERS

    BROWSERS.stop()  # the lanes' browsers of older settings (another account, other URLs) are not used again


def _the_desk() -> Any:
    """This thread's Desk: jobs run in a thread pool (``--concurrency``), and a store connection is not shared
    between threads that may each be inside a transaction."""
    desk = getattr(_local, "desk", None)
    if desk is None or getattr(_local, "generation", None) != _generation:
        from clerkdesk.desk import Desk

        with _desks_lock:
            desk = _local.desk = Desk(_settings.home, _settings.clerk)
            _local.generation = _generation
            _desks.append(desk)
    return desk


_system_locks: dict[str, threading.Lock] = {}


def _system_lock(system: str) -> threading.Lock:
    """One fill per system at a time in this process. The threads of a worker share its account's kept login,
    i.e. one session with the system, and a system keeps one form state per session (the sandbox HRSS, like
    many real ones, rotates a form token per submit: a second form loaded meanwhile in the same session is
    refused as expired, and the submit becomes uncertain). Parallel fills of one system need more worker
    processes with their own logins (``--clerk``); ``--concurrency`` runs fills of *different* systems side
    by side."""
    with _desks_lock:
        return _system_locks.setdefault(system, threading.Lock())


def fill(run_id: str) -> dict[str, Any]:
    """Run (or go on with) RUN_ID in this worker; the job's result, without personal data."""
    from clerkdesk.hall._app import fill_options

    desk = _the_desk()
    row = desk.store.runs.get(run_id)
    if row.status in FINAL:
        if row.status == RunStatus.SUCCEEDED:
            desk.runs.catch_up(run_id)  # its end stored, then the store went away before the rest was
        return {"run": run_id, "status": row.status, "note": "nothing to do"}
    clerk = BackOfficeClerk(_settings.answer_wait)
    opts = fill_options(headless=_settings.headless, system_urls=dict(_settings.system_urls),
                        answer_wait=_settings.answer_wait)
    from clerkdesk.drivers.web.shared import lender
    from clerkdesk.hall.browsers import BROWSERS

    lane = f"{row.system}@{_settings.system_urls.get(row.system, '')}"

    def job() -> tuple[Any, str]:
        """The fill, and what became of the lane's browser meanwhile ('' when it is still well)."""
        out = desk.resume(run_id, clerk, opts)
        lend = lender()
        return out, (lend.lost() if lend is not None else "")

    try:  # in the system lane's thread, on its one browser (a fresh context per job): hall/browsers.py
        with _system_lock(row.system):
            try:
                out, lost = BROWSERS.run(lane, job)
            except StoreUnreachable:
                # The hall's PostgreSQL went away mid-fill (restarted, crashed): the fill stopped at its next store
                # write, the run still leased to this process. Wait for the store, then go on here at once, from
                # the run's checkpoint — safe as a stalled job's rerun is (module docstring): a submit that may
                # have gone out is handed to the front, never sent again. Handing the job back to the queue
                # instead left the lease with this live process: another worker on this machine got RunBusy
                # until the job's retries ran out, and the run stayed "running".
                try:
                    _wait_for_store(desk, run_id)
                except StoreUnreachable:
                    _give_back_when_the_store_is_back(run_id)  # the job goes back to the queue (retried)
                    raise
                log.warning("run %s: the store went away mid-fill and is back; the job goes on", run_id)
                desk.store.audit.append("worker_retried", f"run:{run_id}",
                                        {"why": "store away", "submit": str(_submit_state(desk, run_id))})
                out, lost = BROWSERS.run(lane, job)
            if out.status == RunStatus.FAILED and lost and _submit_state(desk, run_id) == SubmitState.NONE:
                # The browser died under the job (killed, crashed) before anything was submitted: the failure
                # is the browser's, not the system's, and nothing reached the system — so the job runs again
                # at once, on a new browser, instead of leaving the case failed until someone re-queues it.
                # Once: a browser that dies again goes to the front as any failed fill.
                log.warning("run %s: the browser was lost before the submit (%s); the job runs again on a new "
                            "browser", run_id, lost)
                desk.store.audit.append("worker_retried", f"run:{run_id}", {"why": "browser lost", "submit": "none"})
                out, lost = BROWSERS.run(lane, job)
    except ResumeRefused as e:  # superseded, or a state only a person may settle: it stays for the front
        desk.store.audit.append("worker_handed_back", f"run:{run_id}", {"why": "refused"})
        return {"run": run_id, "status": desk.store.runs.get(run_id).status, "note": str(e)[:300]}
    if out.status == HANDED_BACK:
        why = str(desk.store.runs.get(run_id).data.get("need") or "")
        desk.store.audit.append("worker_handed_back", f"run:{run_id}",
                                {"submit_state": out.submit, "why": why,
                                 **({"fields": clerk.discrepant} if clerk.discrepant else {})})
    return {"run": run_id, "status": out.status, "submit": out.submit,
            "receipt": (out.receipts or {}).get("receipt")}


def _wait_for_store(desk: Any, run_id: str) -> None:
    """Until the store answers again (``StoreUnreachable`` after ``STORE_WAIT_S``: the job is then retried by
    procrastinate, like any job that met the store away)."""
    end = time.monotonic() + STORE_WAIT_S
    while True:
        try:
            desk.store.runs.get(run_id)  # a hung-up connection is replaced first (store/pg.py, ``live``)
            return
        except StoreUnreachable:
            if time.monotonic() >= end:
                raise
            time.sleep(STORE_POLL_S)


def _give_back_when_the_store_is_back(run_id: str) -> None:
    """The fill gave up on a store away for longer than ``STORE_WAIT_S``: its job goes back to the queue, but
    the run's lease could not be released (the store was away), and on this host a live process's lease never
    goes stale — another worker here would get RunBusy until its retries ran out. A thread of its own (with its
    own store connection) releases it as soon as the store answers, unless this process runs the run again by
    then (``Runs.release_if_idle``), for up to ``lease.STALE_S``."""
    from clerkdesk.store import Store
    from clerkdesk.store.lease import STALE_S

    def give_back() -> None:
        end = time.monotonic() + STALE_S
        while time.monotonic() < end:
            try:
                store = Store.open(_settings.home, clerk=_settings.clerk)
                try:
                    if store.runs.release_if_idle(run_id):
                        log.warning("run %s: its lease, held since the store went away, is given back", run_id)
                    return
                finally:
                    with contextlib.suppress(Exception):
                        store.close()
            except StoreUnreachable:
                time.sleep(GIVE_BACK_POLL_S)
            except Exception as e:  # the lease then goes with this process (a restart): say why
                log.warning("run %s: could not give its lease back: %s", run_id, e)
                return

    threading.Thread(target=give_back, name=f"give back {run_id}", daemon=True).start()


def _submit_state(desk: Any, run_id: str) -> SubmitState:
    return SubmitState.of(desk.store.runs.get(run_id).submit_state)


@tasks.task(name="fill_run", queue=QUEUE, retry=procrastinate.RetryStrategy(
    max_attempts=BUSY_ATTEMPTS, wait=BUSY_WAIT_S, retry_exceptions={RunBusy, StoreUnreachable}))
def fill_run(run_id: str) -> dict[str, Any]:
    """The job: a run held by a live process (a front window still running it, a worker elsewhere) raises
    RunBusy and is retried later, and so is a job that met the store away for longer than ``STORE_WAIT_S``
    (``StoreUnreachable``; a shorter outage is waited out inside ``fill``) — running it again is safe for the
    same reason a stalled job's is (the run's lease and submit state, module docstring); everything else ends
    the job (its outcome is in the store).

    The retries outlast ``lease.STALE_S``: a worker killed on *another* machine leaves a lease that this host
    can only judge by its heartbeat, so the job must still be trying when that lease goes stale."""
    return fill(run_id)


async def recover_stalled(app: procrastinate.App, stalled_after: float) -> list[int]:
    """Put back the jobs of workers that stopped sending heartbeats (killed, crashed, cut off): at-least-once.
    Running such a job again is safe because of the run's lease and submit state (module docstring)."""
    jobs = await app.job_manager.get_stalled_jobs(queue=QUEUE, seconds_since_heartbeat=stalled_after)
    out = []
    for job in jobs:
        await app.job_manager.retry_job(job)
        assert job.id is not None
        out.append(job.id)
        log.warning("job %s of a stopped worker put back in the queue", job.id)
    return out


def run_worker(url: str, settings: WorkerSettings, *, concurrency: int = 1, stalled_after: float = 30.0,
               heartbeat: float = 5.0, once: bool = False) -> None:
    """Run a worker until SIGINT/SIGTERM (ONCE: until the queue is empty). Each job runs in a thread and hands its
    fill to its system's lane (hall/browsers.py: one browser per lane, a fresh context per job), so CONCURRENCY
    is how many fills of *different* systems this machine runs side by side."""
    configure(settings)
    ensure_schema(url)
    app = make_app(url, pool_size=concurrency + 2, wait_s=30.0)

    async def main() -> None:
        async with app.open_async():
            await recover_stalled(app, stalled_after)
            worker = app.run_worker_async(queues=[QUEUE], concurrency=concurrency, wait=not once,
                                          update_heartbeat_interval=min(heartbeat, stalled_after / 3),
                                          stalled_worker_timeout=stalled_after, delete_jobs="never")
            if once:
                await worker
                return
            while True:
                task = asyncio.ensure_future(worker)
                while not task.done():
                    await asyncio.wait([task], timeout=max(1.0, stalled_after / 2))
                    if not task.done():
                        try:
                            await recover_stalled(app, stalled_after)
                        except Exception as e:  # the server away for a moment: the next round tries again
                            log.warning("could not look for stalled jobs: %s", e)
                try:
                    await task
                    return  # stopped by SIGINT/SIGTERM
                except procrastinate.exceptions.ConnectorException as e:
                    # procrastinate's worker stops when fetching the next job meets the server away (a restart
                    # of PostgreSQL): this worker carries on instead, as soon as the server is back — a job it
                    # was doing is put back by recover_stalled like a dead worker's, and is safe to run again.
                    why = e.__cause__ or e
                    log.warning("the queue's database went away (%s); taking jobs again in %.0f s",
                                str(why).strip().splitlines()[0] if str(why).strip() else type(why).__name__,
                                RECONNECT_S)
                    await asyncio.sleep(RECONNECT_S)
                    worker = app.run_worker_async(queues=[QUEUE], concurrency=concurrency, wait=True,
                                                  update_heartbeat_interval=min(heartbeat, stalled_after / 3),
                                                  stalled_worker_timeout=stalled_after, delete_jobs="never")

    try:
        asyncio.run(main())
    finally:
        configure(WorkerSettings())
