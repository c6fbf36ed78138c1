"""The discrepancy report against the real sandbox 人社 system in Chromium: the recipe's `read` step reads the
person's query page before anything is written, the clerk decides the stale 户口性质, and the decision is carried
into the fill, the profile and the audit log."""

from __future__ import annotations

from typing import Any

import pytest

from clerkdesk.desk import CaseRequest
from clerkdesk.engine.discrepancy import Decision
from tests.support.clerks import SandboxClerk
from tests.support.data import PERSON

pytestmark = pytest.mark.browser

RECIPE = "hrss.person-info-change"


class DecidingClerk(SandboxClerk):
    """Logs in and confirms like SandboxClerk; decides each discrepancy as told, keeping the table it saw."""

    def __init__(self, decision: Decision):
        super().__init__()
        self.choice = decision
        self.tables: list[list[Any]] = []

    def decide_discrepancies(self, info: Any, rows: list[Any]) -> dict[str, Decision]:
        self.tables.append(rows)
        return {r.field: self.choice for r in rows}


def _audit(desk: Any, action: str) -> list[dict[str, Any]]:
    import json

    return [{**e, "detail": json.loads(e["detail"])} for e in desk.store.audit.rows() if e["action"] == action]


@pytest.mark.parametrize("decision, sent, profile_after", [(Decision.SYSTEM, "1", "rural"),
                                                           (Decision.PROFILE, "2", "urban"),
                                                           (Decision.LEAVE, "2", "rural")])
def test_the_clerk_decides_the_stale_hukou_type_and_the_fill_carries_it(desk: Any, web: Any, opts: Any,
                                                                          decision: Decision, sent: str,
                                                                          profile_after: str) -> None:
    web.app("hrss").people.reset()  # the seeded stale record (other tests' submissions update it)
    clerk = DecidingClerk(decision)
    res = desk.fill(CaseRequest("person", dict(PERSON), [RECIPE], {}), clerk, opts)
    out = res.outcomes[RECIPE]
    assert out.status == "succeeded", out.message
    # one table, one row: the system's 非农业户口 against the profile's 农业户口, verified at this counter today
    [rows] = clerk.tables
    assert [(r.system, r.diff.label, r.diff.system_words, r.diff.profile_words) for r in rows] == [
        ("人力资源和社会保障业务经办系统", "户口性质", "非农业户口", "农业户口")]
    import datetime as dt

    assert rows[0].verified == dt.date.today().isoformat()
    # carried into the fill: what the system received, and what the clerk confirmed before the submit
    entry = web.submissions("hrss")[-1]
    assert entry["matter"] == "person_change" and entry["fields"]["aac009"] == sent
    assert ("户口性质", sent) in clerk.confirms[-1][1]
    # the profile follows the clerk's word, and the audit log holds the decision (field and decision, no value)
    assert desk.profile("person", PERSON["id_number"]).record["hukou_type"] == profile_after
    [audited] = [e for e in _audit(desk, "discrepancy_decided") if e["detail"]["recipe"] == RECIPE]
    assert audited["detail"] == {"recipe": RECIPE, "system": "hrss", "field": "person.hukou_type",
                                 "decision": str(decision), "by": "clerk"}
    assert "非农业" not in str(desk.store.audit.rows()) and "urban" not in str(_audit(desk, "discrepancy_decided"))
    events = list(desk.store.db["run_events"].rows_where("run_id = ?", [res.runs[RECIPE]]))
    assert [e["kind"] for e in events if e["status"] == "discrepancy"] == ["read"]  # (its message is sealed)


def test_no_table_when_the_system_agrees(desk: Any, web: Any, opts: Any) -> None:
    web.app("hrss").people.reset()
    clerk = DecidingClerk(Decision.SYSTEM)
    person = {**PERSON, "hukou_type": "居民"}  # this 人社 records 居民户口 as 非农业 (its code map): the same
    out = desk.fill(CaseRequest("person", person, [RECIPE], {}), clerk, opts).outcomes[RECIPE]
    assert out.status == "succeeded", out.message
    assert clerk.tables == []
    assert web.submissions("hrss")[-1]["fields"]["aac009"] == "2"


def test_the_cli_stops_before_writing_until_told_then_carries_the_flag(desk: Any, web: Any, opts: Any,
                                                                          tmp_path: Any) -> None:
    import json
    import os
    import subprocess
    import sys

    web.app("hrss").people.reset()
    # the clerk logs in once through the app layer (the CLI without a terminal reuses the kept login)
    assert desk.fill(CaseRequest("person", dict(PERSON), [RECIPE], {}), DecidingClerk(Decision.SYSTEM), opts).ok
    desk.close()
    web.app("hrss").people.reset()  # stale again
    record = tmp_path / "record.json"
    record.write_text(json.dumps({"person": PERSON}, ensure_ascii=False), encoding="utf-8")

    def cli(*extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "clerkdesk", "--home", str(desk.home), "fill", "--record",
                               str(record), "--target", RECIPE, "--yes", "--system-url", f"hrss={web.hrss_url}",
                               *extra], capture_output=True, text=True, timeout=180, stdin=subprocess.DEVNULL,
                              env=dict(os.environ))

    before = len(web.submissions("hrss"))
    r = cli()
    assert r.returncode == 1, r.stdout + r.stderr
    assert "the system holds other values than the profile (person.hukou_type); nothing was written" in r.stdout
    assert "户口性质 | 非农业户口 | 农业户口" in r.stderr  # the table, in words
    assert len(web.submissions("hrss")) == before
    r = cli("--discrepancy", "person.hukou_type=leave")
    assert r.returncode == 0, r.stdout + r.stderr
    assert web.submissions("hrss")[-1]["fields"]["aac009"] == "2"  # left as the system had it
    r = cli("--discrepancy", "person.hukou_type=maybe")
    assert r.returncode == 2 and "expected FIELD=system|profile|leave" in r.stderr


def test_an_uncertain_submit_reopens_the_system_window_at_the_recipes_query_page(desk: Any, web: Any,
                                                                                 opts: Any) -> None:
    """The recipe names its system's query page (`query: /person/query`): when the clerk settles an uncertain
    submit, the system's window is open there (the run's own window closed with the run)."""
    web.app("hrss").people.reset()
    web.set_fault("hrss", "submit500_recorded")  # recorded, but the answer is an error page: uncertain
    first = desk.fill(CaseRequest("person", dict(PERSON), [RECIPE], {}), DecidingClerk(Decision.SYSTEM), opts)
    rid = first.runs[RECIPE]
    assert first.outcomes[RECIPE].submit == "uncertain"
    # a shell that has the clerk's answer already (the CLI's `resume --recorded`) opens no window
    later = DecidingClerk(Decision.SYSTEM)
    later.shows_query_page = False  # type: ignore[attr-defined]
    assert desk.resume(rid, later, opts).status == "needs_clerk"  # (its answer here: "abort", ask again later)
    assert not list(desk.store.db["run_events"].rows_where("run_id = ? and kind = 'query'", [rid]))
    clerk = DecidingClerk(Decision.SYSTEM)
    clerk.decision = ("recorded", "RS-LOOKED-UP")  # what the clerk found on the query page
    out = desk.resume(rid, clerk, opts)
    assert out.status == "succeeded" and out.receipts["receipt"] == "RS-LOOKED-UP", out.message
    assert "系统窗口已打开到查询页" in clerk.uncertains[0]
    events = list(desk.store.db["run_events"].rows_where("run_id = ? and kind = 'query'", [rid]))
    assert [e["status"] for e in events] == ["shown"]
    assert any(e["name"] == "查询页 (query page)" for e in desk.runs.evidence(rid))


def test_a_resumed_run_fills_what_the_clerk_decided_without_asking_again(desk: Any, web: Any, opts: Any) -> None:
    import dataclasses

    web.app("hrss").people.reset()
    web.set_fault("hrss", "layout")  # the change form's 姓名 is renamed: the run fails after the read
    fast = dataclasses.replace(opts, timeout_factor=0.3)
    first = DecidingClerk(Decision.LEAVE)
    res = desk.fill(CaseRequest("person", dict(PERSON), [RECIPE], {}), first, fast)
    assert res.outcomes[RECIPE].status == "failed" and len(first.tables) == 1
    web.clear_faults("hrss")
    again = DecidingClerk(Decision.SYSTEM)  # would send the profile's 农业户口 if it were asked
    out = desk.resume(res.runs[RECIPE], again, opts)
    assert out.status == "succeeded", out.message
    assert again.tables == []  # decided once, in the first attempt
    assert web.submissions("hrss")[-1]["fields"]["aac009"] == "2"  # left as the system had it
