"""What the hall tests share besides fixtures: synthetic applicants, the front clerk, the CLI as a process, the
ledger and the store read from outside. Imported as ``tests.support.hall`` (the fixtures stay in
tests/hall/conftest.py), so two test folders' helpers never shadow each other."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from clerkdesk.records.standards import id_check_digit

ENROL = "hrss.insurance-enrollment"
INSURANCE = {"insurances": ["养老", "医疗"], "insured_from": "2026-12-01", "contribution_base": "5200"}


def id_number(body17: str) -> str:
    return body17 + id_check_digit(body17)


def person(i: int) -> dict[str, Any]:
    """A synthetic applicant (valid check digit), different for every I."""
    return {"name": "阿卜杜拉·买买提", "id_number": id_number(f"110105198003{i % 28 + 1:02d}{i // 28:03d}"),
            "ethnicity": "维吾尔族", "hukou_type": "农业", "education": "本科", "marital_status": "已婚",
            "hukou_region": "650102", "hukou_address": "新疆维吾尔自治区乌鲁木齐市天山区解放南路12号",
            "current_address": "四川省成都市武侯区科华北路65号", "phone": "13812345678"}


class LoginClerk:
    """The front clerk who logs in to the sandbox once (reading the training captcha) and confirms."""

    def confirm(self, info: Any, message: str, values: list[tuple[str, str]]) -> bool:
        return True

    def human(self, info: Any, message: str, driver: Any, check: Callable[[], bool] | None) -> None:
        from clerkdesk.sandbox.web.training import login

        login(driver.page, driver.ctx.system.start_url, driver.ctx.system.id)

    def uncertain(self, info: Any, message: str) -> tuple[str, str | None]:
        return ("abort", None)


def store_runs(home: Path, backend: str | None) -> list[dict[str, Any]]:
    """Every run's id, status, submit state and lease pid, read straight from the shared store (as a watcher
    would, without opening the store or taking a lease)."""
    sql = "select id, status, submit_state, lease_pid from runs"
    if backend:
        import psycopg
        from psycopg.rows import dict_row

        with psycopg.connect(backend, row_factory=dict_row) as conn:
            return list(conn.execute(sql))
    import sqlite3

    conn = sqlite3.connect(f"{(home / 'clerkdesk.db').resolve().as_uri()}?mode=ro", uri=True, timeout=5)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql)]
    finally:
        conn.close()


def log_in(home: Path, web: Any, clerk: str | None, i: int) -> None:
    """Give CLERK's account in HOME a kept (encrypted) login to the sandbox HRSS: one fill, logging in."""
    from clerkdesk.desk import Desk
    from clerkdesk.hall._app import fill, fill_options

    d = Desk(home, clerk)
    try:
        res = fill(d, "person", person(i), [ENROL], dict(INSURANCE), LoginClerk(),
                   fill_options(headless=True, system_urls={"hrss": web.hrss_url, "amr": web.amr_url}))
        assert res.ok, res.outcomes
    finally:
        d.close()


def cli(env: dict[str, str], *args: str, **kw: Any) -> subprocess.Popen[str]:
    """`clerkdesk ARGS` as its own process (stdin closed, as a service or a batch job runs it)."""
    return subprocess.Popen([sys.executable, "-m", "clerkdesk", *args], text=True, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, **kw)


def run_cli(env: dict[str, str], *args: str, timeout: float = 180) -> tuple[int, str, str]:
    p = cli(env, *args)
    out, err = p.communicate(timeout=timeout)
    return p.returncode, out, err


def write_record(path: Path, i: int) -> Path:
    path.write_text(json.dumps({"person": person(i), "case": INSURANCE}, ensure_ascii=False), encoding="utf-8")
    return path


def records_of(web: Any, idn: str) -> list[dict[str, Any]]:
    """The sandbox HRSS ledger's records of one applicant."""
    return [s for s in web.submissions("hrss") if idn in s["fields"].values()]


def run_job(fill: Any, rid: str) -> dict[str, Any]:
    """One job, in its own thread (procrastinate runs a sync task in a worker thread)."""
    out: list[Any] = []
    t = threading.Thread(target=lambda: out.append(fill(rid)))
    t.start()
    t.join(timeout=240)
    assert not t.is_alive() and out, f"job {rid} did not end"
    return out[0]  # type: ignore[no-any-return]


def back_office_desk(root: Path) -> Any:
    """A back-office worker's Desk in ROOT whose only recipe is the fake system's (tests/support/fake_system.py),
    with the worker module configured for it; ``close_back_office(desk)`` undoes both."""
    from clerkdesk.desk import Desk
    from clerkdesk.hall import queue as q
    from clerkdesk.recipe.catalog import Catalog
    from tests.support.fake_system import FILL_RECIPE, SYSTEM

    rec = root / "recipes"
    (rec / "systems").mkdir(parents=True)
    (rec / "fake").mkdir()
    (rec / "systems" / "fake.yaml").write_text(SYSTEM, encoding="utf-8")
    (rec / "fake" / "r.yaml").write_text(FILL_RECIPE, encoding="utf-8")
    desk = Desk(root / "home", "backoffice-1")
    desk.session.catalog = Catalog(rec)
    q.configure(q.WorkerSettings(home=root / "home"))
    return desk


def close_back_office(desk: Any) -> None:
    from clerkdesk.hall import queue as q

    q.configure(q.WorkerSettings())
    desk.close()


def queue_fake_case(desk: Any, driver: Callable[[], Any], monkeypatch: Any, i: int) -> tuple[str, str, str]:
    """A case for the fake system queued for the back office, its fill to run through DRIVER() in the worker's
    own code (``hall.queue.fill``, on DESK): (run id, case id, the applicant's ID number, different for every I)."""
    import clerkdesk.hall._app as app
    from clerkdesk.desk import CaseRequest, FillOptions
    from clerkdesk.hall import queue as q

    opts = FillOptions(driver_factory=lambda kind: driver(), timeout_factor=0.002, answer_wait=0)
    monkeypatch.setattr(app, "fill_options", lambda **kw: opts)
    monkeypatch.setattr(q, "_the_desk", lambda: desk)
    idn = id_number(f"110105198004{i % 28 + 1:02d}{i // 28:03d}")
    res, _plan = desk.open_case(CaseRequest("person", {"name": "测试", "id_number": idn}, ["fake.r"], {}), opts)
    rid = res.runs["fake.r"]
    desk.store.runs.release(rid)  # queued for the back office
    return rid, res.case_id, idn
