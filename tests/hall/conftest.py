"""Hall tests: a private PostgreSQL (the queue), the sandbox web systems, real Chromium, real worker processes."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # the hall view's tests run without a screen

import pytest

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


_batches = itertools.count(1)


@pytest.fixture
def base() -> int:
    """An offset for this test's applicants: the sandbox (and its ledger) lives for the session, so every test
    files people nobody filed before."""
    return next(_batches) * 100


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from clerkdesk.drivers.web.browser import find_browser

    if find_browser() is None:
        pytest.skip("no Chromium/Chrome/Edge installed (Debian: apt-get install chromium)")
    from clerkdesk.sandbox.web import start_web_sandbox

    sb = start_web_sandbox(tmp_path_factory.mktemp("sandbox-log"), debug=True, idle_timeout=600)
    yield sb
    sb.stop()


@pytest.fixture
def web(sandbox: Any) -> Iterator[Any]:
    sandbox.clear_faults()
    yield sandbox
    sandbox.clear_faults()


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest, pg_url: str, monkeypatch: pytest.MonkeyPatch) -> str | None:
    """The store the hall shares: one SQLite file (processes on one machine) or the PostgreSQL store (the
    same database as the queue, as in a hall); the URL, or None for SQLite."""
    if request.param == "postgresql":
        monkeypatch.setenv("CLERKDESK_DATABASE_URL", pg_url)
        return pg_url
    monkeypatch.delenv("CLERKDESK_DATABASE_URL", raising=False)
    return None


@pytest.fixture
def hall_env(cli_env: dict[str, str], pg_url: str, backend: str | None) -> dict[str, str]:
    """The CLI's environment for a hall whose queue lives in this test's PostgreSQL database."""
    env = {**cli_env, "CLERKDESK_QUEUE_URL": pg_url}
    env.pop("CLERKDESK_DATABASE_URL", None)
    if backend:
        env["CLERKDESK_DATABASE_URL"] = backend
    return env


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


@pytest.fixture
def logged_in(home: Path, web: Any, backend: str | None, base: int) -> Path:
    """HOME whose clerk has a kept login to the sandbox HRSS (one fill at the front window, of applicant
    ``base + 99``: within this test's own range, so no other test counts that record)."""
    log_in(home, web, None, base + 99)
    return home


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


__all__ = ["ENROL", "INSURANCE", "cli", "log_in", "os", "person", "records_of", "run_cli", "store_runs", "write_record"]
