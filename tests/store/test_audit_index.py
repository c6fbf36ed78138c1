"""The audit log's (action, at) index: the hall's "rows of this action since then" questions search it, on both
backends, instead of reading the whole chain (migration ``m010_audit_action_at``).

Each test also drops the index and shows the same query falling back to a scan, so it proves the index is what
the planner uses (and fails when the migration is missing).
"""

from __future__ import annotations

from pathlib import Path

from storedata import db_url, raw_conn

from clerkdesk.store import Store

# The shape of hall/front.py's questions (today's queued cases; a clerk's cases since the shift began).
QUERY = "select subject from audit where action = 'case_queued' and at >= '2026-01-01'"


def plan(home: Path) -> str:
    """The planner's plan for QUERY, as one string. On PostgreSQL sequential scans are priced out (a test
    database holds a few rows, where a scan is rightly cheapest): the question is whether the index can be used."""
    conn = raw_conn(home)
    try:
        if db_url():
            conn.execute("set enable_seqscan = off")
            rows = conn.execute(f"explain {QUERY}").fetchall()
            return "\n".join(str(r[0]) for r in rows)
        rows = conn.execute(f"explain query plan {QUERY}").fetchall()
        return "\n".join(str(r[-1]) for r in rows)
    finally:
        conn.close()


def test_the_hall_questions_search_the_action_at_index(home: Path, store: Store) -> None:
    for i in range(30):
        store.audit.append("case_queued" if i % 3 == 0 else "viewed", f"case:{i}")
    store.close()
    used = plan(home)
    assert "idx_audit_action_at" in used, used
    assert "SCAN audit" not in used and "Seq Scan" not in used, used

    conn = raw_conn(home)
    conn.execute("drop index idx_audit_action_at")
    conn.commit()
    conn.close()
    scanned = plan(home)
    assert "idx_audit_action_at" not in scanned, scanned
    # without it: a scan of the whole table (SQLite "SCAN audit"; PostgreSQL a Seq Scan, or a full walk of the
    # primary key filtered row by row when sequential scans are priced out)
    assert "SCAN audit" in scanned or "Seq Scan" in scanned or "Filter" in scanned, scanned
