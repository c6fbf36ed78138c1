"""A back-office worker meets a system that disagrees with the profile (a recipe's ``read`` step): it writes
nothing and hands the case back to the front, whose 后台退回 list says why and in which system; the clerk's
decision at the front is then carried into the fill (issue 14 item 6 in a hall). Real worker processes, real
Chromium, the sandbox 人社 and its person query page, the hall's PostgreSQL store."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.support.hall import LoginClerk, person, records_of, run_cli

pytestmark = pytest.mark.browser
CHANGE = "hrss.person-info-change"
HRSS_TITLE = "人力资源和社会保障业务经办系统"


class DecidingClerk(LoginClerk):
    """The front clerk who, shown the discrepancy table, updates the system with the profile."""

    def __init__(self) -> None:
        self.tables: list[list[str]] = []

    def decide_discrepancies(self, info: Any, rows: list[Any]) -> dict[str, str]:
        self.tables.append([r.field for r in rows])
        return {r.field: "system" for r in rows}


def _audit(home: Path, action: str) -> list[dict[str, Any]]:
    from clerkdesk.desk import Desk

    d = Desk(home)
    try:
        return [{**r, "detail": json.loads(r["detail"] or "{}")} for r in d.store.audit.rows() if r["action"] == action]
    finally:
        d.close()


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_a_worker_meeting_a_discrepancy_writes_nothing_and_hands_the_case_back_with_its_reason(
        logged_in: Path, web: Any, hall_env: dict[str, str], tmp_path: Path, base: int, backend: str | None,
        qtbot: Any) -> None:
    # the system holds this person as the front filed them (logged_in: 农业户口); the citizen's 户口 has since
    # become 非农业, which the counter now records
    p = {**person(base + 99), "hukou_type": "非农业"}
    idn = p["id_number"]
    before = len(records_of(web, idn))
    rec = tmp_path / "change.json"
    rec.write_text(json.dumps({"person": p, "case": {}}, ensure_ascii=False), encoding="utf-8")
    code, out, err = run_cli(hall_env, "--json", "queue", "--record", str(rec), "--target", CHANGE, "--yes")
    assert code == 0, err
    queued = json.loads(out)
    rid = queued["runs"][CHANGE]

    code, _, err = run_cli(hall_env, "worker", "--once", "--system-url", f"hrss={web.hrss_url}")
    assert code == 0, err
    assert len(records_of(web, idn)) == before  # nothing written: the worker may not decide which value is right
    mine = next(r for r in json.loads(run_cli(hall_env, "--json", "runs")[1]) if r["id"] == rid)
    assert (mine["status"], mine["submit_state"]) == ("needs_clerk", "none")
    back = [r for r in _audit(logged_in, "worker_handed_back") if r["subject"] == f"run:{rid}"]
    assert [r["detail"]["why"] for r in back] == ["discrepancy"]
    fields = back[0]["detail"]["fields"]
    assert "person.hukou_type" in fields  # (and the address, which the enrolment form does not send)
    assert _audit(logged_in, "discrepancy_decided") == []  # nobody decided anything at the back office

    # the front's 后台退回 list: the reason in words and the system by its name
    from clerkdesk.desk import Desk
    from clerkdesk.hall.front import returned_today
    from clerkdesk.ui.qt_queue import RETURNED_COLUMNS, ReturnedDialog, system_titles

    desk = Desk(logged_in)
    try:
        got = returned_today(desk.store, None, system_titles(desk))
        assert [(r.run, r.system) for r in got] == [(rid, HRSS_TITLE)]
        assert "与档案不一致" in got[0].reason and "户口性质" in got[0].message
        assert p["name"] not in got[0].message and "非农业" not in got[0].message  # names the field, not values

        dialog = ReturnedDialog(desk)
        qtbot.addWidget(dialog)
        with qtbot.waitSignal(dialog.loaded, timeout=10_000):
            dialog.refresh()
        cells = {name: dialog.table.item(0, j).text() for j, (name, _) in enumerate(RETURNED_COLUMNS)}
        assert cells["system"] == HRSS_TITLE and "与档案不一致" in cells["reason"]

        # the clerk resumes it at the front, sees the table and updates the system with the profile
        from clerkdesk.hall._app import fill_options

        clerk = DecidingClerk()
        out_ = desk.resume(rid, clerk, fill_options(headless=True, system_urls={"hrss": web.hrss_url}))
        assert out_.status == "succeeded", out_
        assert clerk.tables == [fields]  # asked at the front, once, about the same fields
    finally:
        desk.close()
    filed = records_of(web, idn)
    assert len(filed) == before + 1 and filed[-1]["fields"]["aac009"] == "2"  # 非农业户口: the profile's value
    decided = [r for r in _audit(logged_in, "discrepancy_decided") if r["subject"] == f"run:{rid}"]
    assert [(r["detail"]["field"], r["detail"]["decision"]) for r in decided] == [(f, "system") for f in fields]
