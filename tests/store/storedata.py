"""Shared test data for the store tests: valid numbers and distinctive personal values."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from clerkdesk.records.standards import id_check_digit, org_check_char, uscc_check_char


def make_id(region: str, birth: date, seq: int) -> str:
    body = f"{region}{birth:%Y%m%d}{seq:03d}"
    return body + id_check_digit(body)


def make_uscc(prefix: str, region: str, org8: str) -> str:
    body = prefix + region + org8 + org_check_char(org8)
    return body + uscc_check_char(body)


# Distinctive values that must never appear in the database file in clear.
PEOPLE = [
    {"name": "欧阳震华", "id_number": make_id("440106", date(1961, 3, 5), 17), "phone": "13987654321",
     "hukou_address": "广东省广州市天河区珠江新城华夏路八号", "hukou_type": "城镇"},
    {"name": "阿依古丽·买买提", "id_number": make_id("650102", date(1990, 7, 14), 28), "phone": "0991-4567890",
     "current_address": "新疆乌鲁木齐市天山区解放南路七十七号", "ethnicity": "维吾尔族"},
    {"name": "司马相如", "id_number": make_id("110103", date(1980, 2, 29), 33), "phone": "15011112222"},
]
ENTERPRISES = [
    {"name": "华夏星辰量子科技有限公司", "uscc": make_uscc("91", "110108", "MA01XK7Q"), "entity_type": "有限公司",
     "legal_rep": {"name": "诸葛孔明", "id_number": make_id("510107", date(1971, 8, 8), 51)},
     "address": "北京市海淀区中关村大街一百零一号"},
    {"name": "青藏高原牧歌农民专业合作社", "uscc": make_uscc("93", "630102", "3926PE18"), "entity_type": "合作社"},
]


def secrets_of(people: list[dict], enterprises: list[dict]) -> list[str]:
    out: list[str] = []
    for p in people:
        out += [v for k, v in p.items() if k in ("name", "id_number", "phone", "hukou_address", "current_address")]
    for e in enterprises:
        out += [e["name"], e["uscc"], e.get("address", "")]
        if "legal_rep" in e:
            out += [e["legal_rep"]["name"], e["legal_rep"]["id_number"]]
    return [s for s in out if s]


def encodings(text: str) -> list[bytes]:
    return [text.encode("utf-8"), text.encode("utf-16-le"), text.encode("utf-16-be")]


def raw_files(home: Path) -> dict[str, bytes]:
    """The database file and its WAL/shared-memory companions, as bytes."""
    out = {}
    for suffix in ("", "-wal", "-shm", "-journal"):
        f = home / f"clerkdesk.db{suffix}"
        if f.exists():
            out[f.name] = f.read_bytes()
    return out


def db_url() -> str | None:
    """The shared store's URL when the test runs on PostgreSQL (``store_backend`` sets it), else None."""
    return os.environ.get("CLERKDESK_DATABASE_URL") or None


class RawConn:
    """Direct access to the database without the key: the SQLite file, or PostgreSQL as its DBA would have it.

    ``execute`` takes sqlite's ``?`` placeholders on both, so a tamper test is written once.
    """

    def __init__(self, home: Path):
        self.url = db_url()
        if self.url:
            import psycopg

            self.pg: Any = psycopg.connect(self.url, autocommit=True)
        else:
            self.lite = sqlite3.connect(home / "clerkdesk.db")

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        if self.url:
            from clerkdesk.store.pg import translate

            return self.pg.execute(translate(sql), list(params))
        return self.lite.execute(sql, list(params))

    def commit(self) -> None:
        if not self.url:
            self.lite.commit()

    def close(self) -> None:
        (self.pg if self.url else self.lite).close()


def raw_conn(home: Path) -> RawConn:
    return RawConn(home)


def raw_sql(home: Path, *stmts: str) -> None:
    """Run STMTS on the database directly, as anyone with the file (or a DBA) and no key can."""
    conn = raw_conn(home)
    for st in stmts:
        conn.execute(st)
    conn.commit()
    conn.close()


def pg_dump(url: str) -> bytes:
    """A plain-SQL ``pg_dump`` of the database at URL: what a DBA (or a stolen backup) holds."""
    from clerkdesk.testing.postgres import pg_bindir

    bindir = pg_bindir()
    assert bindir is not None
    return subprocess.run([str(bindir / "pg_dump"), "--no-owner", "--dbname", url], check=True,
                          capture_output=True, timeout=120).stdout


def stored_bytes(home: Path) -> dict[str, bytes]:
    """Everything the database holds, as bytes: the SQLite file and its companions, or a pg_dump."""
    url = db_url()
    return {"pg_dump": readable_dump(pg_dump(url))} if url else raw_files(home)


def readable_dump(dump: bytes) -> bytes:
    """A pg_dump with every bytea value (written as hex, ``\\x0a1b…``) also appended as its raw bytes, so a scan
    for a value finds it whether it sits in a text column or in a binary one."""
    import re

    blobs = [bytes.fromhex(h.decode()) for h in re.findall(rb"\\+x((?:[0-9a-f]{2})+)", dump)]
    return dump + b"\n" + b"\n".join(blobs)
