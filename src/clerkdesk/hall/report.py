"""The supervisor's view of one day in the hall: cases across windows, runs waiting for a person, failed
systems, per-system receipts and durations — and its export for the hall's daily report.

Read through the store's own calls (``cases.list``, ``runs.shown_status``, ``runs.evidence``), so the view
shows runs exactly as ``clerkdesk runs`` does (a run whose process died is *interrupted*, never *running*).
Which window opened a case comes from the audit log (``case_created``'s actor), the one record every window
writes. The export holds ids, statuses, systems, receipts and times — no name, ID number or free text: a
run's message can quote a system's page, so it is shown on the screen only, never written to a file.
"""

from __future__ import annotations

import csv
import statistics
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from clerkdesk.records.runstate import RunStatus, SubmitState

WAITING = (RunStatus.NEEDS_CLERK, "paused", RunStatus.INTERRUPTED)
UNSETTLED = (SubmitState.ARMED, SubmitState.CLICKED, "uncertain")


@dataclass(frozen=True)
class CaseLine:
    case: str
    created_at: str
    window: str  # the clerk account that opened it
    matter: str
    status: str
    queued: bool  # sent to the back office
    runs: int
    receipts: str  # "recipe=receipt; …"


@dataclass(frozen=True)
class WaitingLine:
    run: str
    case: str
    system: str
    recipe: str
    status: str
    submit_state: str
    reason: str  # why a person is needed, in words (no citizen data)
    evidence: int  # screenshots stored with the run
    updated_at: str
    message: str = ""  # the engine's message: on screen only, never exported


@dataclass(frozen=True)
class SystemLine:
    system: str
    runs: int
    succeeded: int
    receipts: int
    failed: int
    waiting: int
    median_s: float | None
    p90_s: float | None
    last_failure: str  # time of the latest failed run, "" if none


@dataclass
class HallDay:
    day: date
    cases: list[CaseLine] = field(default_factory=list)
    waiting: list[WaitingLine] = field(default_factory=list)
    systems: list[SystemLine] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the view could not read, said plainly

    @property
    def failed_systems(self) -> list[SystemLine]:
        return [s for s in self.systems if s.failed]


DISCREPANCY_REASON = ("系统信息与档案不一致，请逐项决定（未写入） (the system holds other values than the profile: decide "
                      "each; nothing was written)")


def _reason(r: dict[str, Any]) -> str:
    """Why run R waits for a person, in words; R's ``need`` is the engine's (``events.Need``), when stored."""
    if r["submit_state"] in UNSETTLED:
        return "提交结果不确定，请核对系统 (uncertain submit: check the system)"
    if r.get("need") == "discrepancy" and r["status"] == RunStatus.NEEDS_CLERK:
        return DISCREPANCY_REASON
    if r["status"] == RunStatus.INTERRUPTED:
        return "办理中断（进程已停止） (interrupted: its process stopped)"
    if r["status"] == "paused":
        return "已暂停 (paused)"
    return "需要经办人操作 (a person must act: login, captcha or a check)"


def _pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    s = sorted(values)
    return round(s[min(len(s) - 1, int(q * len(s)))], 1)


def _windows(store: Any, since: str) -> tuple[dict[str, str], set[str], str | None]:
    """case id → the clerk who opened it; the ids of cases queued for the back office; a note when unread."""
    try:
        rows = list(store.db.query("select subject, actor, action from audit where action in "
                                   "('case_created', 'case_queued') and at >= ?", [since]))
    except Exception as e:  # a store that cannot answer this: the view still shows everything else
        return {}, set(), f"窗口信息不可读 (which window opened a case could not be read: {type(e).__name__})"
    windows: dict[str, str] = {}
    queued: set[str] = set()
    for r in rows:
        cid = str(r["subject"]).removeprefix("case:")
        if r["action"] == "case_created":
            windows[cid] = r["actor"]
        else:
            queued.add(cid)
    return windows, queued, None


def _runs_of(store: Any, since: str, until: str) -> list[dict[str, Any]]:
    """The day's runs as ``Runs.list`` shows them (status as the clerk must see it, receipt, seconds), read by
    the day's range rather than by decrypting the hall's whole history (``Runs.list`` takes only a limit)."""

    out = []
    for r in store.db["runs"].rows_where("created_at >= ? and created_at <= ?", [since, until],
                                         order_by="created_at"):
        d = store.unseal(r["data"], f"run:{r['id']}")
        out.append({"id": r["id"], "case_id": r["case_id"], "recipe": r["recipe"], "system": r["system"],
                    "status": store.runs.shown_status(r), "submit_state": SubmitState.of(r["submit_state"]).value,
                    "receipt": (d.get("captures") or {}).get("receipt"), "need": d.get("need") or "",
                    "seconds": round(r["seconds"], 1) if r.get("seconds") is not None else None,
                    "created_at": r["created_at"], "updated_at": r["updated_at"]})
    return out


def hall_day(store: Any, day: date | None = None) -> HallDay:
    """Everything of DAY (default today, the workstation's local date) the store holds."""
    day = day or date.today()
    since = datetime.combine(day, datetime.min.time()).astimezone().isoformat(timespec="milliseconds")
    until = datetime.combine(day, datetime.max.time()).astimezone().isoformat(timespec="milliseconds")
    out = HallDay(day)
    windows, queued, note = _windows(store, since)
    if note:
        out.notes.append(note)
    runs = _runs_of(store, since, until)
    by_case: dict[str, list[dict[str, Any]]] = {}
    for r in runs:
        by_case.setdefault(r["case_id"], []).append(r)
    for c in store.cases.list(since=since, limit=100_000):
        if c["created_at"] > until:
            continue
        mine = by_case.get(c["id"], [])
        receipts = "; ".join(f"{r['recipe']}={r['receipt']}" for r in mine if r.get("receipt"))
        out.cases.append(CaseLine(c["id"], c["created_at"], windows.get(c["id"], "?"), c["matter"], c["status"],
                                  c["id"] in queued, len(mine), receipts))
    out.cases.sort(key=lambda c: c.created_at)
    for r in runs:
        if r["status"] in WAITING or (r["submit_state"] in UNSETTLED and r["status"] != RunStatus.SUCCEEDED):
            message = ""
            try:
                message = str(store.runs.get(r["id"]).data.get("message") or "")
            except Exception:  # erased meanwhile: the row still says what is waiting
                message = ""
            out.waiting.append(WaitingLine(r["id"], r["case_id"], r["system"], r["recipe"], r["status"],
                                           r["submit_state"], _reason(r), len(store.runs.evidence(r["id"])),
                                           r["updated_at"], message))
    out.waiting.sort(key=lambda w: w.updated_at)
    per: dict[str, list[dict[str, Any]]] = {}
    for r in runs:
        per.setdefault(r["system"], []).append(r)
    for sid, rs in sorted(per.items()):
        secs = [float(r["seconds"]) for r in rs if r["status"] == RunStatus.SUCCEEDED and r.get("seconds") is not None]
        failed = [r for r in rs if r["status"] in ("failed", "aborted")]
        out.systems.append(SystemLine(
            sid, len(rs), sum(r["status"] == RunStatus.SUCCEEDED for r in rs), sum(bool(r.get("receipt")) for r in rs),
            len(failed), sum(r["status"] in WAITING for r in rs),
            round(statistics.median(secs), 1) if secs else None, _pct(secs, 0.9),
            max((r["updated_at"] for r in failed), default="")))
    return out


def supervised_day(store: Any, day: date | None = None) -> HallDay:
    """``hall_day`` for a supervisor only (the machine policy's supervisor groups, or CLERKDESK_SUPERVISORS);
    the look is audited, and so is a refusal: a hall's overview is not every window's business."""
    from clerkdesk.config import supervisor_refusal
    from clerkdesk.errors import NotAllowed

    why = supervisor_refusal(store.clerk)
    if why is not None:
        store.audit.append("hall_report_refused", "hall")
        raise NotAllowed(f"只有主管可以查看大厅概况 (only a supervisor may see the hall's report; {store.clerk}: {why})")
    d = hall_day(store, day)
    store.audit.append("hall_report_viewed", "hall", {"day": d.day.isoformat()})
    return d


# --- export ---------------------------------------------------------------------------------------------------
TABLES = {"cases": CaseLine, "waiting": WaitingLine, "systems": SystemLine}
NOT_EXPORTED = {"message"}


def _rows(day: HallDay, name: str) -> tuple[list[str], list[list[Any]]]:
    items = getattr(day, name)
    cls = TABLES[name]
    cols = [f for f in cls.__dataclass_fields__ if f not in NOT_EXPORTED]
    return cols, [[asdict(i)[c] for c in cols] for i in items]


def write_csv(day: HallDay, folder: Path) -> list[Path]:
    """One CSV per table (``hall-2026-12-05-cases.csv`` …) in FOLDER. UTF-8 with a byte-order mark, so Excel
    on a Chinese Windows opens it as UTF-8 rather than GBK."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in TABLES:
        cols, rows = _rows(day, name)
        path = folder / f"hall-{day.day.isoformat()}-{name}.csv"
        with path.open("w", encoding="utf-8-sig", newline="") as f:
            w = csv.writer(f)
            w.writerow(cols)
            w.writerows(["" if v is None else v for v in row] for row in rows)
        paths.append(path)
    return paths


def xlsx_available() -> bool:
    try:
        import openpyxl  # noqa: F401
    except ImportError:
        return False
    return True


def write_xlsx(day: HallDay, path: Path) -> Path:
    """One workbook, a sheet per table. Needs openpyxl (``pip install openpyxl``); the caller checks first."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name in TABLES:
        cols, rows = _rows(day, name)
        ws = wb.create_sheet(name)
        ws.append(cols)
        for row in rows:
            ws.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def as_dict(day: HallDay) -> dict[str, Any]:
    return {"day": day.day.isoformat(), "notes": day.notes,
            **{name: [dict(zip(*_cols_row(i, name), strict=True)) for i in getattr(day, name)] for name in TABLES}}


def _cols_row(item: Any, name: str) -> tuple[list[str], list[Any]]:
    d = asdict(item)
    cols = [c for c in TABLES[name].__dataclass_fields__ if c not in NOT_EXPORTED]
    return cols, [d[c] for c in cols]
