"""The shared store away: Ctrl+S keeps the form and F5 seals the case in the local encrypted outbox; when the
store is back each sealed case is sent exactly once, whatever moment a crash hits, and a capture that clashes
with another window's change holds its case back as a conflict for the clerk (never overwritten).

Real parts: the hall's PostgreSQL (the session's test server, stopped and started to make it unreachable),
the outbox's SQLite file, the installed recipes (every case is checked and planned for real).
"""

from __future__ import annotations

import contextlib
import itertools
import shutil
import tempfile
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clerkdesk.desk import CaseRequest, Desk, FillOptions
from clerkdesk.desk.offline import WAIT_CONFLICT
from clerkdesk.errors import ClerkDeskError, PlanError, ValidationError
from clerkdesk.records.standards import id_check_digit
from clerkdesk.store.outbox import BLOCKED, SEALED, SENT
from clerkdesk.store.pg import StoreUnreachable

EMP = "hrss.employment-registration"
EMPLOYMENT = {"employer": "成都蓉城科技有限公司", "employer_uscc": "91110000600037341L", "start_date": "2026-11-01",
              "contract_term": "三年及以上", "post": "会计", "employment_form": "单位就业", "wage": "6500.50",
              "contract_signed": True, "postcode": "610041"}
_serial = itertools.count()


def person(i: int | None = None) -> dict[str, Any]:
    """A valid applicant, a new one at each call (one open case per citizen and matter)."""
    n = next(_serial) if i is None else i
    born = date(1950, 1, 1) + timedelta(days=n)
    body = f"110105{born:%Y%m%d}002"
    return {"name": "司徒雅琴", "id_number": body + id_check_digit(body), "ethnicity": "汉族", "hukou_type": "非农业",
            "education": "本科", "marital_status": "已婚", "hukou_region": "110105",
            "hukou_address": "北京市朝阳区建国路1号", "current_address": "北京市朝阳区建国路1号", "phone": "13911112222"}


def request(p: dict[str, Any]) -> CaseRequest:
    return CaseRequest("person", dict(p), [EMP], dict(EMPLOYMENT), "就业登记")


@pytest.fixture
def hall(pg_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("CLERKDESK_DATABASE_URL", pg_url)
    return pg_url


@pytest.fixture
def desk(home: Path, hall: str) -> Iterator[Desk]:
    d = Desk(home)
    d.open()  # reached once: the workstation knows the hall's key check (shared-store.json)
    yield d
    d.close()


@contextlib.contextmanager
def store_away(pg_server: Any) -> Iterator[None]:
    pg_server.stop()
    try:
        yield
    finally:
        pg_server.start()


def send_when_back(desk: Desk) -> Any:
    """The first statement after a restart may meet the dropped connection; the next one reconnects."""
    for _ in range(3):
        try:
            return desk.offline.send()
        except StoreUnreachable:
            continue
    raise AssertionError("the store did not come back")


def case_count(desk: Desk) -> int:
    return int(desk.store.db.execute("select count(*) from cases").fetchone()[0])


def test_offline_the_form_and_the_case_are_kept_sealed_and_the_case_sent_once(desk: Desk, pg_server: Any,
                                                                              home: Path) -> None:
    p = person()
    saved, _ = desk.save_profile("person", dict(p))
    with store_away(pg_server):
        with pytest.raises(StoreUnreachable, match="共享数据库连接不上"):
            desk.profile("person", p["id_number"])
        desk.offline.save_draft({"matters": [EMP], "values": {"person.name": p["name"], "person.phone": "139"}})
        assert desk.offline.draft().data["values"]["person.phone"] == "139"  # type: ignore[union-attr]
        with pytest.raises(PlanError):  # checked and planned as online: nothing half-done is kept
            desk.offline.seal(CaseRequest("person", dict(p), [EMP], {}, "就业登记"), FillOptions())
        changed = {**p, "phone": "13800001111"}
        oid = desk.offline.seal(request(changed), FillOptions(), base_version=saved.version)
        assert [c.id for c in desk.offline.list()] == [oid] and desk.offline.waiting() == 1
        raw = b"".join(f.read_bytes() for f in home.glob("outbox.db*"))
        for secret in (p["name"], p["id_number"], "13800001111", "成都蓉城科技有限公司"):
            assert secret.encode() not in raw, f"{secret!r} in clear in the outbox"
        with pytest.raises(StoreUnreachable):
            desk.offline.send()
        assert desk.offline.list()[0].state == SEALED  # nothing marked: nothing reached the store
    before = case_count(desk)
    rep = send_when_back(desk)
    assert list(rep.sent) == [oid] and rep.failed == {} and rep.waiting == []
    assert case_count(desk) == before + 1
    case = desk.cases.get(rep.sent[oid])
    assert case.record["phone"] == "13800001111" and case.fields["employer"] == EMPLOYMENT["employer"]
    assert [r.status for r in desk.store.runs.for_case(case.id)] == ["planned"]
    assert desk.store.cases.by_token(desk.offline.list()[0].token) == case.id
    assert desk.offline.send().sent == {} and case_count(desk) == before + 1  # again: nothing more
    assert desk.offline.waiting() == 0 and desk.offline.list()[0].state == SENT
    assert desk.store.audit.verify().ok


def test_a_case_whose_capture_clashes_waits_for_the_clerk(desk: Desk, hall: str, tmp_path: Path) -> None:
    p = person()
    saved, _ = desk.save_profile("person", dict(p))
    other = Desk(tmp_path / "window-9", clerk="clerk-b")
    other.save_profile("person", {**p, "phone": "13700000000"})  # another window, meanwhile
    oid = desk.offline.seal(request({**p, "phone": "13800001111"}), FillOptions(), base_version=saved.version)
    before = case_count(desk)
    rep = desk.offline.send()
    assert rep.waiting == [oid] and rep.sent == {} and case_count(desk) == before
    assert desk.offline.list()[0].message == WAIT_CONFLICT
    assert desk.profile("person", p["id_number"]).record["phone"] == "13700000000"  # type: ignore[union-attr]
    (c,) = desk.conflicts.list()
    desk.conflicts.resolve(c.id, {"phone": "here"})  # the clerk chose this window's value
    rep = desk.offline.send()
    assert list(rep.sent) == [oid] and case_count(desk) == before + 1
    assert desk.cases.get(rep.sent[oid]).record["phone"] == "13800001111"
    other.close()


def test_take_back_puts_the_case_into_the_form_and_out_of_the_outbox(desk: Desk) -> None:
    p = person()
    oid = desk.offline.seal(request(p), FillOptions())
    back = desk.offline.request_of(desk.offline.take_back(oid))
    assert back.data == p and back.targets == (EMP,) and back.case_fields == EMPLOYMENT
    assert desk.offline.list() == [] and desk.offline.box().pending() == []
    assert desk.offline.send().sent == {}


class Crash(Exception):
    """The window dies here (power cut, kill -9): nothing after this moment runs."""


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(n=st.integers(1, 3), crashes=st.lists(st.integers(0, 9), max_size=4))
def test_each_sealed_case_reaches_the_store_exactly_once_whatever_moment_a_crash_hits(
        hall: str, n: int, crashes: list[int]) -> None:
    home = Path(tempfile.mkdtemp(prefix="clerkdesk-offline-"))
    desk = Desk(home)
    desk.open()
    try:
        oids = [desk.offline.seal(request(person()), FillOptions()) for _ in range(n)]
        before = case_count(desk)
        for at in crashes:  # each try of the send dies at the AT-th moment it reaches (if it gets that far)
            seen = itertools.count()

            def fault(moment: str, at: int = at, seen: Any = seen) -> None:
                if next(seen) == at:
                    raise Crash(moment)

            desk.offline.fault = fault
            with contextlib.suppress(Crash):
                desk.offline.send()
            desk.offline.close()  # the window starts again: a new outbox connection, the fault gone with it
        desk.offline.fault = None
        rep = desk.offline.send()
        assert rep.failed == {}
        cases = desk.offline.list()
        assert [c.state for c in cases] == [SENT] * n and [c.id for c in cases] == oids
        assert case_count(desk) == before + n  # not one case twice
        tokens = [c.token for c in cases]
        rows = desk.store.db.execute(
            f"select token, case_id from case_tokens where token in ({', '.join('?' * n)})", tokens).fetchall()
        assert sorted(r[0] for r in rows) == sorted(tokens)
        assert {r[1] for r in rows} == {c.case_id for c in cases}
    finally:
        desk.close()
        shutil.rmtree(home, ignore_errors=True)


def test_the_store_going_away_in_the_middle_of_a_send_loses_and_repeats_nothing(
        desk: Desk, pg_server: Any) -> None:
    oids = [desk.offline.seal(request(person()), FillOptions()) for _ in range(3)]
    before = case_count(desk)
    stopped: list[str] = []
    seen: list[str] = []

    def fault(moment: str) -> None:  # the real server stops once the second case is marked 发送中
        seen.append(moment)
        if seen.count("sending") == 2 and not stopped:
            stopped.append(moment)
            pg_server.stop()

    desk.offline.fault = fault
    try:
        with pytest.raises(StoreUnreachable):
            desk.offline.send()
    finally:
        if stopped:
            pg_server.start()
    desk.offline.fault = None
    assert [(c.id, c.state) for c in desk.offline.list()] == [(oids[1], "sending"), (oids[2], SEALED),
                                                               (oids[0], SENT)]
    rep = send_when_back(desk)
    assert sorted(rep.sent) == oids[1:] and rep.failed == {}
    assert case_count(desk) == before + 3 and [c.state for c in desk.offline.list()] == [SENT] * 3


def test_a_matter_opened_at_another_window_meanwhile_keeps_the_case_here_with_the_reason(
        desk: Desk, hall: str, tmp_path: Path) -> None:
    p = person()
    oid = desk.offline.seal(request(p), FillOptions())
    other = Desk(tmp_path / "window-9", clerk="clerk-b")
    res, _ = other.open_case(request(p), FillOptions())  # the citizen went to window 9 and was served there
    rep = desk.offline.send()
    assert rep.held == {oid: res.case_id} and rep.sent == {} and rep.failed == {}
    (c,) = desk.offline.list()
    assert c.state == BLOCKED and c.case_id == res.case_id and "已有未办结的案件" in c.message
    assert desk.offline.counts() == (0, 1)  # nothing to send: one for the clerk
    assert desk.offline.request_of(desk.offline.take_back(oid)).data == p  # the clerk can take it back
    other.close()


def test_a_case_blocked_by_the_same_matter_open_at_another_window_is_merged_into_it_once(
        desk: Desk, hall: str, tmp_path: Path) -> None:
    p = person()
    oid = desk.offline.seal(request(p), FillOptions())
    other = Desk(tmp_path / "window-9", clerk="clerk-b")
    res, _ = other.open_case(CaseRequest("person", dict(p), [EMP], {**EMPLOYMENT, "post": "出纳"}, "就业登记"),
                             FillOptions())
    before = case_count(desk)
    assert desk.offline.send().held == {oid: res.case_id}
    versions = len(desk.history("person", p["id_number"]))
    for _ in range(3):  # the next polls: not sent again (that could file the citizen twice), nothing written
        rep = desk.offline.send()
        assert rep.sent == {} and rep.held == {} and rep.failed == {}
    assert len(desk.history("person", p["id_number"])) == versions and case_count(desk) == before
    seen = desk.offline.compare(oid)  # what the clerk reads before merging
    assert seen.case_id == res.case_id and seen.matter == "就业登记" and seen.differing == ["岗位"]
    assert desk.offline.merge(oid) == res.case_id
    (c,) = desk.offline.list()
    assert c.state == SENT and c.case_id == res.case_id and case_count(desk) == before  # no second case
    assert desk.store.cases.by_token(c.token) == res.case_id
    with pytest.raises(ClerkDeskError, match="不在等待并入"):
        desk.offline.merge(oid)  # once
    assert desk.offline.send().sent == {} and desk.offline.counts() == (0, 0)
    assert desk.store.audit.verify().ok
    other.close()


def test_f2_while_the_store_is_away_finds_what_this_window_captured_offline(desk: Desk, pg_server: Any) -> None:
    p = person()
    with store_away(pg_server):
        nothing = desk.lookup("person", p["id_number"], away=True)
        assert nothing.profile is None and nothing.captured is None and nothing.away
        desk.offline.seal(request({**p, "phone": "13800001111"}), FillOptions())
        found = desk.lookup("person", p["id_number"], away=True)  # the window knows the store is away
        assert found.captured is not None and found.profile is None
        assert found.captured.record["phone"] == "13800001111" and found.captured.record["name"] == p["name"]
        assert found.captured.base_version is None and not found.captured.conflict
        # the window does not know yet: the store is asked, found away, and the outbox answers instead
        mid = desk.lookup("person", p["id_number"].lower())
        assert "共享数据库连接不上" in mid.away and mid.captured is not None
        assert mid.captured.record == found.captured.record
    rep = send_when_back(desk)
    assert len(rep.sent) == 1
    back = desk.lookup("person", p["id_number"])
    assert back.away == "" and back.profile is not None and back.profile.record["phone"] == "13800001111"
    assert back.captured is None  # synced: the outbox keeps nothing of them any more


def test_a_known_person_captured_offline_writes_the_fields_unless_another_window_changed_them_meanwhile(
        desk: Desk, hall: str, pg_server: Any, tmp_path: Path) -> None:
    other = Desk(tmp_path / "window-9", clerk="clerk-b")
    same, theirs_other_field, theirs_same_field = person(), person(), person()
    for p in (same, theirs_other_field, theirs_same_field):
        desk.save_profile("person", dict(p))
    before = desk.profile("person", theirs_other_field["id_number"]).record["education"]  # type: ignore[union-attr]
    desk.offline.refresh()  # the window's poll, while the store answers: the hall's high-water mark
    with store_away(pg_server):  # the clerk cannot look anyone up: each is typed in full, phone and address new
        oids = [desk.offline.seal(request({**p, "phone": "13800001111", "current_address": "北京市海淀区学院路3号"}),
                                  FillOptions()) for p in (same, theirs_other_field, theirs_same_field)]
        # the same person again at this window (another matter, say): prefilled from the first capture (F2)
        got = desk.lookup("person", same["id_number"], away=True).captured
        assert got is not None
        desk.offline.box().save_profile("person", same["id_number"], {**got.record, "phone": "13800002222"},
                                        base_version=got.base_version)
    # meanwhile, at window 9 (which reached the store): one changes the education, one the phone
    other.save_profile("person", {**theirs_other_field, "education": "硕士研究生"})
    other.save_profile("person", {**theirs_same_field, "phone": "13700000000"})
    master = other.profile("person", theirs_other_field["id_number"]).record["education"]  # type: ignore[union-attr]
    rep = send_when_back(desk)
    assert sorted(rep.sent) == oids[:2] and rep.waiting == [oids[2]] and rep.failed == {}
    rec = desk.profile("person", same["id_number"]).record  # type: ignore[union-attr]
    assert rec["phone"] == "13800002222" and rec["current_address"] == "北京市海淀区学院路3号"  # written, no conflict
    rec = desk.profile("person", theirs_other_field["id_number"]).record  # type: ignore[union-attr]
    assert rec["phone"] == "13800001111" and rec["education"] == master != before  # both windows' changes kept
    (c,) = desk.conflicts.list()  # only the real concurrent edit: the phone both windows changed
    assert [f.field for f in c.fields] == ["phone"] and c.fields[0].there == "13700000000"
    assert desk.profile("person", theirs_same_field["id_number"]).record["phone"] == "13700000000"  # type: ignore[union-attr]
    other.close()


PILOT = "91110000600037341L"  # a valid code; the pilot code differs only in its check character
PILOT_BAD = PILOT[:-1] + "M"
CHANGE = "amr.enterprise-change"


def company() -> dict[str, Any]:
    from tests.support.data import ENTERPRISE

    return {**ENTERPRISE, "uscc": PILOT_BAD, "name": "试点时期登记有限公司"}


def test_a_whitelisted_pilot_credit_code_is_accepted_offline_from_the_kept_sealed_copy(
        desk: Desk, pg_server: Any, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.support.data import CHANGE as CHANGE_FIELDS

    monkeypatch.delenv("CLERKDESK_SUPERVISORS", raising=False)
    req = CaseRequest("enterprise", company(), [CHANGE], dict(CHANGE_FIELDS), "企业变更登记")
    desk.offline.refresh()  # the window's poll while the store answers: no pilot code yet
    with store_away(pg_server):
        assert not desk.check_uscc(PILOT_BAD).ok
        with pytest.raises(ValidationError, match=r"USCC|信用代码"):
            desk.offline.seal(req, FillOptions())
    send_when_back(desk)
    desk.whitelist_uscc(PILOT_BAD, "营业执照原件已核对")  # a supervisor, while the store answers
    desk.offline.refresh()  # the next poll keeps the new whitelist
    with store_away(pg_server):
        chk = desk.check_uscc(PILOT_BAD)  # the form's check while typing
        assert chk.ok and chk.facts["whitelisted"]
        oid = desk.offline.seal(req, FillOptions())
        raw = b"".join(f.read_bytes() for f in home.glob("outbox.db*"))
        assert PILOT_BAD.encode() not in raw  # the copy and the case are sealed
        started_away = Desk(home)  # a window started during the outage: the copy from the last time it answered
        assert started_away.offline.possible() and started_away.check_uscc(PILOT_BAD).ok
        form = started_away.form()
        form.load()
        assert form.key_value("enterprise", PILOT_BAD.lower()) == PILOT_BAD
        started_away.close()
    rep = send_when_back(desk)
    assert list(rep.sent) == [oid] and rep.failed == {}
    assert desk.cases.get(rep.sent[oid]).record["uscc"] == PILOT_BAD
