"""Cases and runs: what was asked, and how each target system's run went, step by step.

A case (with a snapshot of the applicant's record) is stored *before* any fill
starts, so a crash or a dead target never costs the clerk a retype. Runs keep
a checkpoint (the index of the next step to run) and the state of their
irreversible submit: ``none`` → ``pending`` (clicked, outcome unknown) →
``done``; a run found ``pending`` after a crash becomes ``uncertain`` and is
never submitted again without the clerk.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from clerkdesk.store.db import Store

RUN_STATES = ("planned", "running", "paused", "needs_clerk", "failed", "succeeded", "aborted")


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
        return out

    def list(self, since: str | None = None, limit: int = 200) -> list[dict[str, Any]]:
        """Case summaries (no personal data): id, created_at, matter, status."""
        where, args = ("created_at >= ?", [since]) if since else (None, [])
        return [{k: r[k] for k in ("id", "created_at", "matter", "status")}
                for r in self.s.db["cases"].rows_where(where, args, order_by="created_at desc", limit=limit)]


class Runs:
    def __init__(self, store: Store):
        self.s = store

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
                      r["updated_at"], r["checkpoint"], r["submit_state"], self.s.unseal(r["data"], f"run:{rid}"))

    def update(self, rid: str, *, status: str | None = None, checkpoint: int | None = None,
               submit_state: str | None = None, data: dict[str, Any] | None = None) -> None:
        from clerkdesk.store.db import now

        upd: dict[str, Any] = {"updated_at": now()}
        if status is not None:
            upd["status"] = status
        if checkpoint is not None:
            upd["checkpoint"] = checkpoint
        if submit_state is not None:
            upd["submit_state"] = submit_state
        with self.s.tx() as db:
            if data is not None:
                cur = self.s.unseal(db["runs"].get(rid)["data"], f"run:{rid}")
                cur.update(data)
                upd["data"] = self.s.seal(cur, f"run:{rid}")
            db["runs"].update(rid, upd)

    def event(self, rid: str, step: int, kind: str, status: str, message: str = "",
              checkpoint: int | None = None) -> None:
        """Record a step event. The message is encrypted: a driver's message can quote what the system said
        (a dialog such as “王小明已登记”), which may be personal data."""
        import base64

        from clerkdesk.store.db import now

        sealed = ""
        if message:
            blob = self.s.cipher.encrypt(message.encode(), f"event:{rid}".encode())
            sealed = "enc:" + base64.b64encode(blob).decode()
        with self.s.tx() as db:
            ts = now()
            db["run_events"].insert({"run_id": rid, "at": ts, "step": step, "kind": kind, "status": status,
                                     "message": sealed})
            if checkpoint is not None:  # the step is done and where to resume moves with it
                db["runs"].update(rid, {"checkpoint": checkpoint, "updated_at": ts})

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
        return [{k: r[k] for k in ("id", "case_id", "recipe", "system", "status", "checkpoint", "submit_state",
                                   "created_at", "updated_at")}
                for r in self.s.db["runs"].rows_where(order_by="created_at desc", limit=limit)]

    def interrupted(self) -> list[dict[str, Any]]:
        """Runs left ``running`` by a crash or a closed app: they are resumable."""
        return [r for r in self.list(1000) if r["status"] in ("running", "paused", "needs_clerk", "planned")]
