"""The front window's side of the back office, for the Qt app: queue a confirmed case (转后台办理), know which
of today's cases went to the back office, and list the runs that came back needing a person.

Why here and not in ``desk``: the queue is the hall's (procrastinate, ``hall.queue``), and the application
layer sits below the hall, so the window's calls live in this module, over ``queue_case`` / ``defer_runs``,
with no Qt. The queue's pool is opened once per window and kept (a hall's dozens of windows each hold one
connection), closed with the window.

Nothing here decides exactly-once: the worker takes a run by its lease and never re-sends an unsettled
submit. The front only gives up its own leases before queueing (or a worker would wait for them to go stale)
and refuses a case this window is filling right now.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from clerkdesk.errors import ClerkDeskError, ConfigError
from clerkdesk.hall import queue as q
from clerkdesk.hall.report import _reason
from clerkdesk.records.runstate import RunStatus


@dataclass(frozen=True)
class Returned:
    """A run of a queued case that came back to the front: what the clerk's queue shows."""

    run: str
    case: str
    matter: str
    system: str  # the system's name (人社业务经办系统) where the catalog knows it, else its id
    recipe: str
    status: str
    reason: str  # in words, no citizen data
    message: str  # the engine's message (what the person must do), on screen only
    updated_at: str


def _today() -> str:
    return datetime.combine(date.today(), datetime.min.time()).astimezone().isoformat(timespec="milliseconds")


class BackOffice:
    """One window's connection to the back-office queue; ``refusal`` says whether it can queue at all."""

    def __init__(self, desk: Any, url: str | None = None):
        self.desk = desk
        self.url = url
        self._app: Any = None
        self._lock = threading.Lock()

    def refusal(self) -> str | None:
        """Why this window cannot queue (said on the action), or None: a hall's shared store and its queue."""
        if not self.desk.store.shared:
            return "转后台办理需要大厅的共享档案库 (queueing for the back office needs the hall's shared store)"
        try:
            q.queue_url(self.url)
        except ConfigError as e:
            return str(e)
        return None

    def app(self) -> Any:
        with self._lock:
            if self._app is None:
                url = q.queue_url(self.url)
                q.ensure_schema(url)
                app = q.make_app(url, pool_size=1)
                app.open()
                self._app = app
            return self._app

    def close(self) -> None:
        with self._lock:
            if self._app is not None:
                self._app.close()
                self._app = None

    def queue(self, case_id: str, running_here: bool = False) -> q.Queued:
        """Queue what is left of CASE_ID (opened at this window, confirmed by the clerk). RUNNING_HERE: this
        window is filling it now — refused, a case is filled at one place at a time."""
        why = self.refusal()
        if why:
            raise ClerkDeskError(why)
        if running_here:
            raise ClerkDeskError("该案件正在本窗口办理，不能同时转后台 (this case is being filled at this window)")
        store = self.desk.store
        for r in store.runs.for_case(case_id):  # this window's leases (a case just opened): given up first
            if r.status not in q.FINAL:
                store.runs.release(r.id)
        return q.queue_case(self.desk, self.app(), case_id)


def queued_today(store: Any) -> set[str]:
    """Ids of today's cases sent to the back office (``case_queued`` in the audit log, the one record of it)."""
    rows = store.db.query("select subject from audit where action = 'case_queued' and at >= ?", [_today()])
    return {str(r["subject"]).removeprefix("case:") for r in rows}


def returned_today(store: Any, clerk: str | None = None, titles: Mapping[str, str] | None = None) -> list[Returned]:
    """Runs of today's queued cases waiting for a person (handed back by a worker: a captcha, a login, an
    uncertain submit, a system that disagrees with the profile), oldest first; CLERK: only the cases that clerk
    opened (their window's queue); TITLES: system id → its name, as the clerk knows the system."""
    titles = titles or {}
    since = _today()
    queued = queued_today(store)
    if clerk is not None:
        mine = {str(r["subject"]).removeprefix("case:") for r in store.db.query(
            "select subject from audit where action = 'case_created' and actor = ? and at >= ?", [clerk, since])}
        queued &= mine
    out = []
    for cid in sorted(queued):
        try:
            matter = store.cases.get(cid).matter
        except Exception:  # erased meanwhile: nothing to show
            continue
        for r in store.runs.for_case(cid):
            if r.status != RunStatus.NEEDS_CLERK:  # planned: still queued; running: a worker has it
                continue
            why = _reason({"status": r.status, "submit_state": r.submit_state, "need": r.data.get("need")})
            out.append(Returned(r.id, cid, matter, titles.get(r.system, r.system), r.recipe, r.status, why,
                                str(r.data.get("message") or ""), r.updated_at))
    return sorted(out, key=lambda x: x.updated_at)
