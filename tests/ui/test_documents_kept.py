"""A document image kept as evidence lives only as long as its case: never an orphan (PIPL minimum necessary)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from clerkdesk.desk import Desk


@pytest.fixture(autouse=True)
def _reader(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLERKDESK_NO_PLUGINS", "1")
    monkeypatch.delenv("CLERKDESK_CARD_READER", raising=False)
    monkeypatch.setenv("CLERKDESK_WATCH_SCANS", "0")


def _count(desk: Any) -> int:
    return int(desk.store.db["documents"].count)


def test_ctrl_n_discards_an_image_kept_for_a_case_never_started(make_window: Any, qtbot: Any) -> None:
    win = make_window()
    form, bar = win.form, win.form.doc_bar
    bar.keep.setChecked(True)
    with qtbot.waitSignal(bar.read_done, timeout=15000) as got:
        bar.read_reader()  # the simulated 二代证 reader: its chip photo is the kept image
    assert got.args[0].document_id is not None and _count(win.desk) == 1
    qtbot.keyClick(win, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)  # the clerk starts over
    qtbot.waitUntil(lambda: _count(win.desk) == 0, timeout=5000)
    actions = [r["action"] for r in win.desk.store.audit.rows()]
    assert actions[-1] == "documents_discarded"
    assert form.documents == []


def test_only_unlinked_and_old_orphans_go(home: Path) -> None:
    desk = Desk(home, clerk="tester")
    try:
        reads = [desk.read_card("simulated", keep_image=True) for _ in range(3)]
        linked, fresh, old = (r.document_id for r in reads)
        prof = desk.store.profiles.save("person", "11010519491231002X", {"name": "x"}).profile_id
        cid = desk.store.cases.create(matter="m", applicant_kind="person", applicant_key="k", record={},
                                      targets=[], fields={}, profile_id=prof)
        desk.link_documents([linked], case_id=cid)
        assert desk.discard_documents([linked]) == []  # evidence of a case stays
        desk.store.db.execute("update documents set at = '2000-01-01T00:00:00.000+08:00' where id = ?", [old])
        assert desk.purge_orphan_documents() == [old]  # a crash's leftover, days old
        assert {r["id"] for r in desk.store.db["documents"].rows} == {linked, fresh}  # today's may still get a case
        assert desk.discard_documents([fresh, linked]) == [fresh]
    finally:
        desk.close()
