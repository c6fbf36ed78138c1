"""The private PostgreSQL the hall tests use starts, answers and isolates each test's database."""

from __future__ import annotations

import pytest

psycopg = pytest.importorskip("psycopg")


def test_fresh_database_answers(pg_url: str) -> None:
    with psycopg.connect(pg_url) as conn:
        conn.execute("CREATE TABLE t (x int)")
        conn.execute("INSERT INTO t VALUES (42)")
        assert conn.execute("SELECT x FROM t").fetchone() == (42,)
        assert conn.execute("SHOW server_encoding").fetchone() == ("UTF8",)


def test_each_test_gets_an_empty_database(pg_url: str) -> None:
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SELECT count(*) FROM pg_tables WHERE tablename = 't'").fetchone() == (0,)
