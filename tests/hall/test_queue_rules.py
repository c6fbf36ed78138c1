"""The queue's rules without a browser: where it lives, its schema, one waiting job per run, what a front window
may hand to the back office, and what the back office's clerk does when a person is needed."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from clerkdesk.errors import ConfigError, HumanNeeded, ResumeRefused
from clerkdesk.hall import queue as q
from tests.support.hall import ENROL, person


def test_the_queue_needs_postgresql_and_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CLERKDESK_QUEUE_URL", raising=False)
    monkeypatch.delenv("CLERKDESK_DATABASE_URL", raising=False)
    with pytest.raises(ConfigError, match="CLERKDESK_QUEUE_URL"):
        q.queue_url()
    with pytest.raises(ConfigError, match="PostgreSQL"):
        q.queue_url("sqlite:///tmp/x.db")
    monkeypatch.setenv("CLERKDESK_QUEUE_URL", "postgresql://u@h/db")
    assert q.queue_url() == "postgresql://u@h/db"


def test_an_unreachable_queue_is_a_clear_error(pg_server: Any) -> None:
    with pytest.raises(ConfigError, match="cannot be reached"):
        q.ensure_schema("postgresql://nobody@127.0.0.1:1/none?connect_timeout=2")


def test_the_schema_is_made_once_and_a_run_waits_in_the_queue_once(pg_url: str) -> None:
    assert q.ensure_schema(pg_url) is True
    assert q.ensure_schema(pg_url) is False
    app = q.make_app(pg_url, pool_size=1)
    with app.open():
        first = q.defer_runs(app, ["R1", "R2"])
        again = q.defer_runs(app, ["R1"])
        jobs = list(app.job_manager.list_jobs(queue=q.QUEUE))
    assert all(isinstance(j, int) for j in first.values()) and again == {"R1": None}
    assert sorted(j.task_kwargs["run_id"] for j in jobs) == ["R1", "R2"]
    assert {j.task_name for j in jobs} == {q.TASK}


def test_retries_of_a_busy_run_outlast_another_hosts_lease() -> None:
    from clerkdesk.store.lease import STALE_S

    assert q.BUSY_WAIT_S * q.BUSY_ATTEMPTS > STALE_S


def test_a_run_whose_submit_is_uncertain_is_not_handed_to_the_back_office(home: Path, pg_url: str) -> None:
    from clerkdesk.desk import Desk

    q.ensure_schema(pg_url)
    desk = Desk(home)
    app = q.make_app(pg_url, pool_size=1)
    try:
        p = person(1)
        cid, runs = desk.store.cases.open(matter="参保登记", applicant_kind="person", applicant_key=p["id_number"],
                                          record=p, targets=[(ENROL, "hrss")], fields={}, profile_id=None)
        desk.store.runs.update(runs[ENROL], status="needs_clerk", submit_state="uncertain")
        with app.open(), pytest.raises(ResumeRefused, match="--recorded"):
            q.queue_case(desk, app, cid)
        desk.store.runs.update(runs[ENROL], status="succeeded", submit_state="confirmed")
        with app.open():
            assert q.queue_case(desk, app, cid).jobs == {}  # nothing left to do: nothing queued
    finally:
        desk.close()


class _Info:
    system_title = "人社系统"


def test_the_back_office_clerk_hands_back_what_needs_a_person() -> None:
    c = q.BackOfficeClerk(answer_wait=10)
    assert c.confirm(_Info(), "提交?", [("姓名", "x")]) is True  # confirmed at the front when queued
    c.human(_Info(), "请登录", None, lambda: True)  # a kept login: nothing to do
    with pytest.raises(HumanNeeded, match="handed back"):
        c.human(_Info(), "请输入验证码", None, lambda: False)
    with pytest.raises(HumanNeeded):
        c.human(_Info(), "请核对", None, None)
    assert c.uncertain(_Info(), "不确定") == ("abort", None)  # never decided by a worker
    assert c.keep_waiting(_Info(), 5) and not c.keep_waiting(_Info(), 11)


def test_a_job_the_server_did_not_take_is_a_clear_error_naming_the_case(pg_url: str) -> None:
    """The queue's server goes away under an open front window (a dropped connection alone is reconnected:
    here the database also refuses new connections): the front is told the case is stored and how to queue it
    again — not a driver traceback."""
    import psycopg

    q.ensure_schema(pg_url)
    admin_url = pg_url.rsplit("/", 1)[0] + "/postgres"
    db = pg_url.rsplit("/", 1)[1]
    app = q.make_app(pg_url, pool_size=1, wait_s=3)
    with app.open():
        q.defer_runs(app, ["R1"], "C1")  # the pool's one connection is open and used
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'alter database "{db}" allow_connections false')
            admin.execute("select pg_terminate_backend(pid) from pg_stat_activity where datname = %s", [db])
            try:
                t = time.monotonic()
                with pytest.raises(q.QueueUnavailable, match=r"clerkdesk queue C1"):
                    q.defer_runs(app, ["R2"], "C1")
                assert time.monotonic() - t < 10  # said promptly, not after the pool's default 30 s
            finally:
                admin.execute(f'alter database "{db}" allow_connections true')


def test_a_front_window_cut_off_from_the_queue_is_told_in_seconds(pg_server: Any, pg_url: str) -> None:
    """A real network cut (packets dropped, no reset) under an open front window: the pool's connection is dead
    but nobody says so. Without the TCP limits (``store.pg.cut_guards``) the pool's check of that connection
    waited for the OS's give-up (~15 minutes); now the front is told within seconds, with the way to queue
    again, and queues again by itself once the link is back."""
    from tests.support import netcut

    why = netcut.available()
    if why:
        pytest.skip(why)
    q.ensure_schema(pg_url)
    with netcut.NetCut(upstream=(pg_server.host, pg_server.port)) as link:
        app = q.make_app(pg_url.replace(f"{pg_server.host}:{pg_server.port}", f"{link.host}:{link.port}"),
                         pool_size=1, wait_s=3)
        with app.open():
            q.defer_runs(app, ["R1"], "C1")  # the pool's one connection is open and used
            link.cut()
            t = time.monotonic()
            with pytest.raises(q.QueueUnavailable, match=r"clerkdesk queue C1"):
                q.defer_runs(app, ["R2"], "C1")
            assert time.monotonic() - t < 25, f"told after {time.monotonic() - t:.0f} s"
            link.restore()
            deadline = time.monotonic() + 30
            while True:
                try:
                    assert q.defer_runs(app, ["R2"], "C1")["R2"] is not None
                    break
                except q.QueueUnavailable:
                    assert time.monotonic() < deadline, "the front did not queue again after the link came back"
                    time.sleep(0.5)
