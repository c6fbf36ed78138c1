"""The audit chain: verify OK, then tamper with the raw database (the SQLite file, or PostgreSQL as its DBA, without
the key) and see each change reported."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from storedata import ENTERPRISES, PEOPLE, raw_conn, raw_sql, secrets_of

from clerkdesk.desk import Desk
from clerkdesk.store import Store


@pytest.fixture
def logged(home: Path) -> Path:
    """A home with 8 audit rows: created ×2, changed, viewed, viewed_history, created, deleted, viewed."""
    desk = Desk(home)
    desk.save_profile("person", PEOPLE[0])
    desk.save_profile("person", PEOPLE[1])
    desk.save_profile("person", {**PEOPLE[0], "phone": "13700001111"})
    desk.profile("person", PEOPLE[0]["id_number"])
    desk.history("person", PEOPLE[0]["id_number"])
    desk.save_profile("enterprise", ENTERPRISES[0])
    desk.delete_profile("person", PEOPLE[1]["id_number"])
    desk.profile("enterprise", ENTERPRISES[0]["uscc"])
    rep = desk.verify_audit()
    assert rep.ok and rep.rows == 8 and rep.problems == []
    desk.close()
    return home


def tamper(home: Path, *sql: str) -> list[str]:
    raw_sql(home, *sql)
    s = Store.open(home, allow_damaged=True)
    rep = s.audit.verify()
    s.close()
    assert not rep.ok
    return rep.problems


def test_actions_are_recorded_in_order(logged: Path) -> None:
    s = Store.open(logged)
    rows = s.audit.rows()
    assert [r["action"] for r in rows] == ["created", "created", "changed", "viewed", "viewed_history", "created",
                                           "deleted", "viewed"]
    assert {r["actor"] for r in rows} == {"test-clerk"}
    assert json.loads(rows[2]["detail"]) == {"fields": ["phone"], "version": 2}
    assert rows[0]["prev"] == "0" * 64 and all(rows[i]["prev"] == rows[i - 1]["hash"] for i in range(1, 8))
    s.close()


def test_audit_rows_contain_no_personal_values(logged: Path) -> None:
    conn = raw_conn(logged)
    text = "\n".join("|".join(str(v) for v in row) for row in conn.execute("select * from audit"))
    conn.close()
    for secret in secrets_of(PEOPLE, ENTERPRISES):
        assert secret not in text
    for p in PEOPLE:
        assert p["id_number"][-8:] not in text  # not even part of a number


def test_changed_detail(logged: Path) -> None:
    problems = tamper(logged, """update audit set detail = '{"fields": [], "version": 2}' where id = 3""")
    assert problems == ["row 3: content was changed after it was written"]


def test_changed_actor_or_time(logged: Path) -> None:
    problems = tamper(logged, "update audit set actor = 'someone-else' where id = 4",
                      "update audit set at = '2020-01-01T00:00:00.000+00:00' where id = 6")
    assert problems == ["row 4: content was changed after it was written",
                        "row 6: content was changed after it was written"]


def test_deleted_middle_row(logged: Path) -> None:
    problems = tamper(logged, "delete from audit where id = 4")
    assert "rows 4..4 are missing" in problems
    assert "row 5: does not follow the previous row (chain broken)" in problems


def test_deleted_last_row(logged: Path) -> None:
    problems = tamper(logged, "delete from audit where id = 8")
    assert problems[0] == "the log ends at row 7 but was signed up to row 8 (rows removed)"
    assert problems[1].startswith("rows 8..8 are gone: the tail of the audit log was cut (the anchor beside the key")
    assert len(problems) == 2


def test_deleted_last_rows_and_rewritten_head(logged: Path) -> None:
    conn = raw_conn(logged)
    row7 = conn.execute("select hash from audit where id = 7").fetchone()[0]
    conn.close()
    problems = tamper(logged, "delete from audit where id = 8",
                      f"update meta set value = '7:{row7}:' || substr(value, 67 + 2) where key = 'audit_head'")
    assert problems[0] == "the signed head of the log was changed"
    assert problems[1].startswith("rows 8..8 are gone: the tail of the audit log was cut")  # the anchor still knows
    assert len(problems) == 2


def test_reordered_rows(logged: Path) -> None:
    problems = tamper(logged, "update audit set id = -1 where id = 3", "update audit set id = 3 where id = 4",
                      "update audit set id = 4 where id = -1")
    assert "row 3: does not follow the previous row (chain broken)" in problems
    assert "row 3: content was changed after it was written" in problems
    assert "row 4: does not follow the previous row (chain broken)" in problems


def test_everything_removed(logged: Path) -> None:
    problems = tamper(logged, "delete from audit", "delete from meta where key = 'audit_head'")
    assert problems[0] == "the signed head of the log is missing (rows or the head were removed)"
    assert problems[1].startswith("the audit log was wiped: it is empty, but the anchor beside the key")
    assert len(problems) == 2


def test_forged_row_appended_without_the_key(logged: Path) -> None:
    conn = raw_conn(logged)
    last = conn.execute("select hash from audit where id = 8").fetchone()[0]
    conn.close()
    problems = tamper(logged, "insert into audit (id, at, actor, action, subject, detail, prev, hash) values "
                              f"(9, '2026-01-01', 'x', 'viewed', 'person:1', '{{}}', '{last}', '{'0' * 64}')")
    assert "row 9: content was changed after it was written" in problems
    assert "the log ends at row 9 but was signed up to row 8 (rows added without the key)" in problems


def test_new_store_has_a_signed_empty_log(store: Store) -> None:
    rep = store.audit.verify()
    assert rep.ok and rep.rows == 0
