"""Cases and runs: what was asked, and how each target system's run went, step by step.

A case (with a snapshot of the applicant's record) is stored *before* any fill
starts, so a crash or a dead target never costs the clerk a retype. Runs keep
a checkpoint (the index of the next step to run), the state of their
irreversible submit (``records.runstate.SubmitState``, moved by the engine) and
a lease: the process that runs them (``store.lease``), so two windows, shells or
workstations never run the same run at once, and a run whose process died is
shown as interrupted instead of ``running``.

One case per citizen and matter at a time: ``open_targets`` holds a row per
(profile, recipe) whose run has not finished; ``Cases.open`` refuses a second
case while that run is live or its submit is unsettled, and supersedes it when
it is dead with nothing submitted.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from clerkdesk.errors import CaseOpen, RunBusy
from clerkdesk.records.runstate import RunStatus, SubmitState
from clerkdesk.store import lease
from clerkdesk.store.lease import Owner

if TYPE_CHECKING:
    from clerkdesk.store.db import Store

RUN_STATES = tuple(s.value for s in RunStatus)
_FINAL = tuple(s.value for s in RunStatus if s.final)
_active_lock = threading.Lock()
_active: set[str] = set()  # runs this process is executing right now (two threads of one app included)


@dataclass(frozen=True)
class CaseRow:
    id: str
    created_at: str
    matter: str
    status: str
    profile_id: int | None
    applicant_kind: str
    applicant_key: str
    record: dict[str, Any]
    targets: list[str]
    fields: dict[str, Any]
    results: dict[str, dict[str, Any]]


@dataclass(frozen=True)
class RunRow:
    id: str
    case_id: str
    recipe: str
    system: str
    status: str
    created_at: str
    updated_at: str
    checkpoint: int
    submit_state: str
    data: dict[str, Any]  # captures, error, needs (what the clerk must do)
    owner: Owner | None = None  # the lease
    heartbeat: str | None = None
    seconds: float | None = None
    recipe_set: dict[str, str | None] = field(default_factory=dict)  # set_id, set_version, set_sig (m007)


@dataclass
class Erasure:
    """What ``Cases.erase_applicant`` erased (ids and counts only)."""

    cases: list[str] = field(default_factory=list)
    runs: int = 0
    events: int = 0  # run-event messages blanked
    evidence: int = 0  # evidence screenshots deleted

    def detail(self) -> dict[str, Any]:
        return {"cases_erased": self.cases, "runs_erased": self.runs, "event_messages_erased": self.events,
                "evidence_erased": self.evidence} if self.cases else {}


def _new_id(prefix: str) -> str:
    return f"{prefix}{datetime.now():%Y%m%d}-{secrets.token_hex(3)}"


class Cases:
    def __init__(self, store: Store):
        self.s = store

    def create(self, *, matter: str, applicant_kind: str, applicant_key: str, record: dict[str, Any],
               targets: list[str], fields: dict[str, Any], profile_id: int | None) -> str:
        from clerkdesk.store.db import now

        cid = _new_id("C")
        ts = now()
        data = {"applicant_kind": applicant_kind, "applicant_key": applicant_key, "record": record,
                "targets": targets, "fields": fields, "results": {}}
        with self.s.tx(durable=True) as db:
            db["cases"].insert({"id": cid, "created_at": ts, "updated_at": ts, "matter": matter, "status": "open",
                                "profile_id": profile_id, "data": self.s.seal(data, f"case:{cid}")})
            self.s.audit.append("case_created", f"case:{cid}", {"matter": matter, "targets": targets,
                                                                 "profile": profile_id})
        return cid

    def open(self, *, matter: str, applicant_kind: str, applicant_key: str, record: dict[str, Any],
             targets: list[tuple[str, str]], fields: dict[str, Any], profile_id: int | None,
             alive: Callable[[Owner, str | None], bool] = lease.alive, me: Owner | None = None,
             recipe_sets: dict[str, dict[str, str | None]] | None = None,
             send_token: str | None = None) -> tuple[str, dict[str, str]]:
        """Store a case and its runs (TARGETS: recipe, system) in one transaction, the runs leased by this
        process: idempotent per citizen and matter. RECIPE_SETS (recipe → its ``set_*`` columns) records which
        recipe set each run uses. SEND_TOKEN (a case captured offline, ``desk/offline.py``) is kept with the case in
        the same transaction, so ``by_token`` tells a retry whether the case was already stored. ``CaseOpen`` names the open case when another case of the
        same profile holds one of the recipes with a live run or an unsettled submit; a dead run of such a case
        with nothing submitted is superseded (it can never be resumed into a second filing)."""
        from clerkdesk.store.db import now

        me = me or lease.me()
        with self.s.tx(durable=True) as db:
            if profile_id is not None:
                self._claim(db, profile_id, [r for r, _ in targets], me, alive)
            cid = _new_id("C")
            ts = now()
            data = {"applicant_kind": applicant_kind, "applicant_key": applicant_key, "record": record,
                    "targets": [r for r, _ in targets], "fields": fields, "results": {}}
            db["cases"].insert({"id": cid, "created_at": ts, "updated_at": ts, "matter": matter, "status": "running",
                                "profile_id": profile_id, "data": self.s.seal(data, f"case:{cid}")})
            runs: dict[str, str] = {}
            for recipe, system in targets:
                rid = _new_id("R")
                db["runs"].insert({"id": rid, "case_id": cid, "recipe": recipe, "system": system,
                                   "status": RunStatus.PLANNED.value, "created_at": ts, "updated_at": ts,
                                   "checkpoint": 0, "submit_state": SubmitState.NONE.value,
                                   "data": self.s.seal({"captures": {}}, f"run:{rid}"),
                                   "lease_host": me.host, "lease_pid": me.pid, "lease_started": me.started,
                                   "lease_at": ts, **(recipe_sets or {}).get(recipe, {})})
                runs[recipe] = rid
                if profile_id is not None:
                    db["open_targets"].insert({"profile_id": profile_id, "recipe": recipe, "run_id": rid,
                                               "case_id": cid})
            if send_token is not None:
                db.execute("insert into case_tokens (token, case_id, at) values (?, ?, ?)", [send_token, cid, ts])
            self.s.audit.append("case_created", f"case:{cid}", {"matter": matter, "targets": list(runs),
                                                                 "profile": profile_id})
        return cid, runs

    def merge_token(self, token: str, case_id: str) -> None:
        """A case captured offline (send TOKEN) joins CASE_ID, opened for the same applicant and matter at
        another window meanwhile: no second case, and ``by_token`` finds this one from now on (audited)."""
        from clerkdesk.store.db import now

        with self.s.tx(durable=True) as db:
            if db.execute("select 1 from cases where id = ?", [case_id]).fetchone() is None:
                raise KeyError(case_id)
            db.execute("insert into case_tokens (token, case_id, at) values (?, ?, ?)", [token, case_id, now()])
            self.s.audit.append("offline_case_merged", f"case:{case_id}", None)

    def by_token(self, token: str) -> str | None:
        """The case stored with the send TOKEN (``open(send_token=…)``), or None: it never reached the store."""
        row = self.s.db.execute("select case_id from case_tokens where token = ?", [token]).fetchone()
        return str(row[0]) if row else None

    def _claim(self, db: Any, profile_id: int, recipes: list[str], me: Owner,
               alive: Callable[[Owner, str | None], bool]) -> None:
        from clerkdesk.store.db import now

        busy: list[tuple[str, str, str]] = []  # (case, run, why)
        for recipe in recipes:
            rows = list(db["open_targets"].rows_where("profile_id = ? and recipe = ?", [profile_id, recipe]))
            if not rows:
                continue
            ot = rows[0]
            run = _row(db, ot["run_id"])
            if run is None or run["status"] in _FINAL:
                db["open_targets"].delete((profile_id, recipe))
                continue
            owner = _owner(run)
            state = SubmitState.of(run["submit_state"])
            if owner is not None and alive(owner, run["lease_at"]):
                busy.append((ot["case_id"], ot["run_id"], f"正在办理 (being run by {owner})"))
            elif state.unsettled or self.s.unseal(run["data"], f"run:{ot['run_id']}").get("submits_done"):
                busy.append((ot["case_id"], ot["run_id"], "已有提交被记录或结果不确定，请续办这个案件 (a submit of it is "
                                                          "recorded or uncertain: resume that run — "
                                                          f"`clerkdesk resume {ot['run_id']}` with --recorded RECEIPT or "
                                                          "--not-recorded when asked)"))
            else:  # dead, nothing submitted: the new case takes the matter over
                db["runs"].update(ot["run_id"], {"status": RunStatus.SUPERSEDED.value, "updated_at": now(),
                                                 "lease_host": None, "lease_pid": None, "lease_started": None})
                db["open_targets"].delete((profile_id, recipe))
                self.s.audit.append("run_superseded", f"run:{ot['run_id']}", {"recipe": recipe})
                left = db.execute("select count(*) from open_targets where case_id = ?", [ot["case_id"]]).fetchone()
                if not left[0]:
                    db["cases"].update(ot["case_id"], {"status": "closed", "updated_at": now()})
        if busy:
            case_id = busy[0][0]
            why = "; ".join(f"{r}: {w}" for _, r, w in busy)
            raise CaseOpen(f"这位申请人的同一事项已有未办结的案件 {case_id}，不会再建一个（以免重复办理）：{why} "
                           f"(an open case {case_id} for this applicant and matter exists; a second one could file "
                           "twice)", case_id, [r for _, r, _ in busy])

    def get(self, cid: str) -> CaseRow:
        row = self.s.db["cases"].get(cid)
        d = self.s.unseal(row["data"], f"case:{cid}")
        return CaseRow(cid, row["created_at"], row["matter"], row["status"], row["profile_id"], d["applicant_kind"],
                       d["applicant_key"], d["record"], d["targets"], d["fields"], d["results"])

    def update(self, cid: str, *, status: str | None = None, result: tuple[str, dict[str, Any]] | None = None) -> None:
        from clerkdesk.store.db import now

        with self.s.tx() as db:
            row = db["cases"].get(cid)
            upd: dict[str, Any] = {"updated_at": now()}
            if status:
                upd["status"] = status
            if result:
                d = self.s.unseal(row["data"], f"case:{cid}")
                d["results"][result[0]] = result[1]
                upd["data"] = self.s.seal(d, f"case:{cid}")
            db["cases"].update(cid, upd)

    def erase_applicant(self, profile_id: int) -> Erasure:
        """Erase the applicant's personal data from every case of PROFILE_ID (the profile is being deleted).

        Runs in the caller's transaction. What goes, per case:

        - the case's record snapshot, applicant key, case fields and captured values (receipts too: a
          receipt number finds the person in the target system); the link to the profile is cut;
        - each run's payload (captures, error messages, what the clerk was asked);
        - every run event's message (a driver's message can quote the page: “王小明已登记”);
        - every evidence screenshot (an image of the filled form).

        What stays, without personal content, so the audit trail still reads: the case row (matter,
        status, targets, which values each target captured — names only, e.g. ``receipt``), each run's
        row (recipe, system, status, checkpoint, submit state, times) and each event's row (step, kind,
        status, time).
        """
        from clerkdesk.store.db import now

        out = Erasure()
        with self.s.tx() as db:
            for row in list(db["cases"].rows_where("profile_id = ?", [profile_id])):
                cid = row["id"]
                d = self.s.unseal(row["data"], f"case:{cid}")
                ts = now()
                skeleton = {"applicant_kind": d.get("applicant_kind", ""), "applicant_key": "", "record": {},
                            "targets": d.get("targets", []), "fields": {}, "results": {},
                            "erased": {"at": ts, "captured": {r: sorted(v) for r, v in d.get("results", {}).items()}}}
                db["cases"].update(cid, {"profile_id": None, "updated_at": ts,
                                         "data": self.s.seal(skeleton, f"case:{cid}")})
                out.cases.append(cid)
                for run in list(db["runs"].rows_where("case_id = ?", [cid], select="id")):
                    rid = run["id"]
                    db["runs"].update(rid, {"data": self.s.seal({"captures": {}, "erased": True}, f"run:{rid}")})
                    out.runs += 1
                    out.events += db.execute("update run_events set message = '' where run_id = ? and message != ''",
                                             [rid]).rowcount
                    out.evidence += db.execute("delete from evidence where run_id = ?", [rid]).rowcount
            db.execute("delete from open_targets where profile_id = ?", [profile_id])
        return out

    def list(self, since: str | None = None, limit: int = 200) -> list[dict[str, Any]]:
        """Case summaries (no personal data): id, created_at, matter, status."""
        where, args = ("created_at >= ?", [since]) if since else (None, [])
        return [{k: r[k] for k in ("id", "created_at", "matter", "status")}
                for r in self.s.db["cases"].rows_where(where, args, order_by="created_at desc", limit=limit)]


class Runs:
    def __init__(self, store: Store):
        self.s = store
        self.alive: Callable[[Owner, str | None], bool] = lease.alive  # tests swap in a fake "process table"
        self.me: Callable[[], Owner] = lease.me

    def create(self, case_id: str, recipe: str, system: str) -> str:
        from clerkdesk.store.db import now

        rid = _new_id("R")
        ts = now()
        with self.s.tx() as db:
            db["runs"].insert({"id": rid, "case_id": case_id, "recipe": recipe, "system": system,
                               "status": "planned", "created_at": ts, "updated_at": ts, "checkpoint": 0,
                               "submit_state": "none", "data": self.s.seal({"captures": {}}, f"run:{rid}")})
        return rid

    def get(self, rid: str) -> RunRow:
        r = self.s.db["runs"].get(rid)
        return RunRow(r["id"], r["case_id"], r["recipe"], r["system"], r["status"], r["created_at"],
                      r["updated_at"], r["checkpoint"], SubmitState.of(r["submit_state"]).value,
                      self.s.unseal(r["data"], f"run:{rid}"), _owner(r), r.get("lease_at"), r.get("seconds"),
                      _recipe_set(r))

    def update(self, rid: str, *, status: str | None = None, checkpoint: int | None = None,
               submit_state: str | None = None, data: dict[str, Any] | None = None,
               seconds: float | None = None, recipe_set: dict[str, str | None] | None = None) -> None:
        from clerkdesk.store.db import now

        upd: dict[str, Any] = {"updated_at": now()}
        if status is not None:
            upd["status"] = str(status)
        if checkpoint is not None:
            upd["checkpoint"] = checkpoint
        if submit_state is not None:
            upd["submit_state"] = str(submit_state)
        if recipe_set is not None:  # a resume with a newer recipe set (desk/runs.py)
            upd.update({k: recipe_set.get(k) for k in ("set_id", "set_version", "set_sig")})
        with self.s.tx() as db:
            cur_row = db["runs"].get(rid)
            if data is not None:
                cur = self.s.unseal(cur_row["data"], f"run:{rid}")
                cur.update(data)
                upd["data"] = self.s.seal(cur, f"run:{rid}")
            if seconds is not None:
                upd["seconds"] = (cur_row.get("seconds") or 0.0) + seconds
            db["runs"].update(rid, upd)
            if status is not None and str(status) in _FINAL:  # finished: the matter is free again
                db.execute("delete from open_targets where run_id = ?", [rid])

    # --- the lease: one process at a time ---------------------------------------------------------
    def acquire(self, rid: str) -> None:
        """Take RID for this process. ``RunBusy`` when another live process (or another thread of this one)
        runs it; a dead owner's run (kill -9, crash, power cut) is taken over, and that is logged."""
        from clerkdesk.store.db import now

        me = self.me()
        with _active_lock:
            if rid in _active:
                raise RunBusy(f"办理 {rid} 正在本窗口中进行，不能同时再办理一次 (run {rid} is already running in this "
                              "process)")
            with self.s.tx() as db:
                r = db["runs"].get(rid)
                owner = _owner(r)
                if owner is not None and owner != me and self.alive(owner, r.get("lease_at")):
                    raise RunBusy(f"办理 {rid} 正由另一个进程办理（{owner}，最近活动 {str(r.get('lease_at'))[:19]}），"
                                  f"不能同时再办理一次 (run {rid} is being run by {owner}: wait for it, or stop "
                                  "that process)")
                db["runs"].update(rid, {"lease_host": me.host, "lease_pid": me.pid, "lease_started": me.started,
                                        "lease_at": now()})
                if owner is not None and owner != me and r["status"] not in _FINAL:
                    db["run_events"].insert({"run_id": rid, "at": now(), "step": r["checkpoint"], "kind": "run",
                                             "status": "taken_over", "message": ""})
            _active.add(rid)

    def release(self, rid: str) -> None:
        me = self.me()
        with _active_lock:
            _active.discard(rid)
            with self.s.tx() as db:
                r = db["runs"].get(rid)
                if _owner(r) == me:
                    db["runs"].update(rid, {"lease_host": None, "lease_pid": None, "lease_started": None})

    def release_if_idle(self, rid: str) -> bool:
        """Give up this process's lease of RID — unless a thread of this process runs it (again) now. For a run
        whose own release could not reach the store (``hall.queue``: a fill that met the store away for longer
        than it waits): on the same host a live process's lease never goes stale, so without this another
        worker got RunBusy until its retries ran out, and the run showed "running". True when released."""
        me = self.me()
        with _active_lock:
            if rid in _active:
                return False
            with self.s.tx() as db:
                if _owner(db["runs"].get(rid)) != me:
                    return False
                db["runs"].update(rid, {"lease_host": None, "lease_pid": None, "lease_started": None})
                return True

    def shown_status(self, r: dict[str, Any]) -> str:
        """The status as the clerk must see it: a run whose lease holder is gone is INTERRUPTED, not running."""
        status = r["status"]
        owner = _owner(r)
        if status in (RunStatus.RUNNING.value, RunStatus.PAUSED.value):
            if owner is None or not self.alive(owner, r.get("lease_at")):
                return RunStatus.INTERRUPTED.value
        elif status == RunStatus.PLANNED.value and owner is not None and not self.alive(owner, r.get("lease_at")):
            return RunStatus.INTERRUPTED.value  # its case was stored, then the process died before it ran
        return status

    def live(self, r: dict[str, Any]) -> bool:
        owner = _owner(r)
        return r["id"] in _active or (owner is not None and owner != self.me()
                                      and self.alive(owner, r.get("lease_at")))

    def event(self, rid: str, step: int, kind: str, status: str, message: str = "",
              checkpoint: int | None = None, ms: int | None = None) -> None:
        """Record a step event (and move the lease's heartbeat). The message is encrypted: a driver's message
        can quote what the system said (a dialog such as “王小明已登记”), which may be personal data."""
        import base64

        from clerkdesk.store.db import now

        sealed = ""
        if message:
            blob = self.s.cipher.encrypt(message.encode(), f"event:{rid}".encode())
            sealed = "enc:" + base64.b64encode(blob).decode()
        with self.s.tx() as db:
            ts = now()
            db["run_events"].insert({"run_id": rid, "at": ts, "step": step, "kind": kind, "status": status,
                                     "message": sealed, "ms": ms})
            upd: dict[str, Any] = {"lease_at": ts}
            if checkpoint is not None:  # the step is done and where to resume moves with it
                upd.update(checkpoint=checkpoint, updated_at=ts)
            db["runs"].update(rid, upd)

    def events(self, rid: str) -> list[dict[str, Any]]:
        import base64

        out = []
        for r in self.s.db["run_events"].rows_where("run_id = ?", [rid], order_by="id"):
            msg = r["message"] or ""
            if msg.startswith("enc:"):
                msg = self.s.cipher.decrypt(base64.b64decode(msg[4:]), f"event:{rid}".encode()).decode()
            out.append({**r, "message": msg})
        return out

    def add_evidence(self, rid: str, step: int, name: str, png: bytes) -> int:
        from clerkdesk.store.db import now

        with self.s.tx() as db:
            eid = db["evidence"].insert({"run_id": rid, "step": step, "at": now(), "name": name, "data": b""}).last_pk
            db["evidence"].update(eid, {"data": self.s.cipher.encrypt(png, f"evidence:{eid}".encode())})
        return int(eid)

    def evidence(self, rid: str) -> list[dict[str, Any]]:
        return [{k: r[k] for k in ("id", "step", "at", "name")}
                for r in self.s.db["evidence"].rows_where("run_id = ?", [rid], order_by="id")]

    def evidence_png(self, eid: int) -> bytes:
        r = self.s.db["evidence"].get(eid)
        self.s.audit.append("evidence_viewed", f"run:{r['run_id']}", {"evidence": eid})
        return self.s.cipher.decrypt(r["data"], f"evidence:{eid}".encode())

    def for_case(self, case_id: str) -> list[RunRow]:
        return [self.get(r["id"]) for r in self.s.db["runs"].rows_where("case_id = ?", [case_id], order_by="created_at")]

    def list(self, limit: int = 100) -> list[dict[str, Any]]:
        """Recent runs as the clerk must see them: status (interrupted when the process is gone), submit state,
        receipt, duration. The receipt is the only captured value shown (it is what the clerk checks with)."""
        out = []
        for r in self.s.db["runs"].rows_where(order_by="created_at desc", limit=limit):
            d = self.s.unseal(r["data"], f"run:{r['id']}")
            out.append({"id": r["id"], "case_id": r["case_id"], "recipe": r["recipe"], "system": r["system"],
                        "status": self.shown_status(r), "checkpoint": r["checkpoint"],
                        "submit_state": SubmitState.of(r["submit_state"]).value,
                        "receipt": (d.get("captures") or {}).get("receipt"),
                        "seconds": round(r["seconds"], 1) if r.get("seconds") is not None else None,
                        "live": self.live(r), "created_at": r["created_at"], "updated_at": r["updated_at"],
                        **_recipe_set(r)})
        return out

    def steps(self, rid: str) -> list[dict[str, Any]]:
        """Step durations of a run (for `runs --json` and the benchmark): step, kind, status, ms."""
        return [{"step": r["step"], "kind": r["kind"], "status": r["status"], "ms": r["ms"], "at": r["at"]}
                for r in self.s.db["run_events"].rows_where("run_id = ? and ms is not null", [rid], order_by="id")]

    def interrupted(self) -> list[dict[str, Any]]:
        """Runs to come back to: interrupted by a crash or a closed app, waiting for the clerk, failed or not yet
        started, and not being run by a live process right now."""
        keep = {RunStatus.INTERRUPTED.value, RunStatus.PAUSED.value, RunStatus.NEEDS_CLERK.value,
                RunStatus.PLANNED.value}
        return [r for r in self.list(1000) if r["status"] in keep and not r["live"]]


def _row(db: Any, rid: str) -> dict[str, Any] | None:
    rows = list(db["runs"].rows_where("id = ?", [rid]))
    return rows[0] if rows else None


def _recipe_set(r: dict[str, Any]) -> dict[str, str | None]:
    """The recipe set a run used (None each for runs before m007 and unpublished recipe folders)."""
    return {k: r.get(k) for k in ("set_id", "set_version", "set_sig")}


def _owner(r: dict[str, Any]) -> Owner | None:
    if not r.get("lease_pid"):
        return None
    return Owner(r.get("lease_host") or "", int(r["lease_pid"]), r.get("lease_started") or "")
