"""The supervisor's Qt hall view over a real store (both backends): cases of two windows, a run waiting for a
person with its evidence, a failed system; and its export."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from clerkdesk.records.runstate import CaseStatus
from clerkdesk.store import Store
from tests.support.hall import ENROL, person


def _case(store: Store, i: int) -> str:
    p = person(i)
    _cid, runs = store.cases.open(matter="参保登记", applicant_kind="person", applicant_key=p["id_number"],
                                  record=p, targets=[(ENROL, "hrss")], fields={}, profile_id=None)
    rid = runs[ENROL]
    store.runs.release(rid)
    return rid


def test_the_hall_view_shows_both_windows_the_waiting_run_and_the_failed_system(
        qtbot: Any, home: Path, backend: str | None, tmp_path: Path) -> None:
    from clerkdesk.ui.qt_hall_view import HallView

    w3 = Store.open(home, clerk="window-3", url=backend)
    w17 = Store.open(home, clerk="window-17", url=backend)
    try:
        ok = _case(w3, 1)
        w3.runs.update(ok, status="succeeded", submit_state="confirmed", data={"captures": {"receipt": "RS-77"}},
                       seconds=12.5)
        bad = _case(w17, 2)
        w17.runs.update(bad, status="failed", data={"message": "系统拒绝：缴费基数超出范围"}, seconds=3.0)
        wait = _case(w17, 3)
        w17.runs.update(wait, status="needs_clerk", submit_state="uncertain",
                        data={"message": "提交后答复页面丢失 RS-page"})
        w17.runs.add_evidence(wait, 7, "after-submit", b"\x89PNG fake screenshot bytes")

        old = _case(w3, 4)  # yesterday's case is not today's business
        yesterday = (datetime.now().astimezone() - timedelta(days=1)).isoformat(timespec="milliseconds")
        with w3.tx() as db:
            db["runs"].update(old, {"created_at": yesterday})
            db["cases"].update(w3.runs.get(old).case_id, {"created_at": yesterday})

        view = HallView(w3, titles={"hrss": "人社业务经办系统"})  # as the recipes name it
        qtbot.addWidget(view)
        with qtbot.waitSignal(view.loaded, timeout=10_000):
            view.refresh()
        assert view.cases.rowCount() == 3
        assert sorted(view.cases.item(i, 1).text() for i in range(3)) == ["window-17", "window-17", "window-3"]
        statuses = [view.cases.item(i, 3).text() for i in range(3)]  # in words, never the stored codes
        assert all(statuses) and not set(statuses) & {str(s) for s in CaseStatus}, statuses
        assert view.waiting.rowCount() == 1
        cells = [view.waiting.item(0, j).text() for j in range(view.waiting.columnCount())]
        assert cells[1] == "人社业务经办系统" and view.waiting.item(0, 1).toolTip() == "hrss" and "uncertain submit" in cells[3] and cells[4] == "1"
        assert "答复页面丢失" in cells[5] and cells[6] == wait  # the message on screen, for the supervisor
        assert "(1)" in view.tabs.tabText(1)
        assert [view.systems.item(0, j).text() for j in range(6)] == ["人社业务经办系统", "3", "1", "1", "1", "1"]
        assert view.systems.item(0, 0).foreground().color().name() == "#c62828"  # a system with failures
        assert "RS-77" in view.cases.item([view.cases.item(i, 1).text() for i in range(3)].index("window-3"),
                                          5).text()

        files = view.export(tmp_path / "report")
        assert {f.suffix for f in files} >= {".csv"}
        text = "".join(f.read_text(encoding="utf-8-sig") for f in files if f.suffix == ".csv")
        assert "RS-77" in text and wait in text
        for i in (1, 2, 3):  # no citizen's data, and no message (it may quote a system's page)
            assert person(i)["id_number"] not in text and person(i)["name"] not in text
        assert "答复页面丢失" not in text and "缴费基数" not in text
    finally:
        w3.close()
        w17.close()
