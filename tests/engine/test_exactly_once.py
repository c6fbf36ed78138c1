"""Exactly once, for every recipe shape and every fault: generated cases against the fake system.

Each example writes a recipe (the submit nested at any depth in frame/window/when/each, the answer steps at
the submit's level or further out, with or without a confirm and a screenshot), scripts faults for the first
processes (a driver error, a raw exception, a click that never went out, HTTP 500 before or after recording,
session expiry, a slow answer, the system's own rejection, EOF at the clerk's prompt, kill -9 at any driver
call), then plays the clerk: resume after every stop, answering an uncertain submit truthfully from the system.
The real store (SQLite) and the real engine run; only the system and the process table are fakes.

Invariants:
(a) nothing is recorded twice — the clerk only ever says "not recorded" when it is true;
(b) no run ends succeeded without a receipt (seen, or the clerk's "recorded");
(c) no submit beyond one per "not recorded" answer and per rejection: clicks ≤ records + not-recorded + rejections;
(d) after every process, `runs` tells the truth: a dead process's run is interrupted, never "running"; a run
    shown failed/aborted with nothing in flight has no record in the system beyond its confirmed submits;
(e) in the end, with the faults gone, every member is recorded exactly once.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clerkdesk.desk import CaseRequest, Desk, FillOptions
from clerkdesk.errors import ClerkDeskError
from clerkdesk.recipe.catalog import Catalog
from clerkdesk.records.runstate import SubmitState
from clerkdesk.store.lease import Owner
from tests.support.fake_system import FAULT_KINDS, SYSTEM, FakeClerk, Fault, Killed, World

PERSON = {"name": "测试", "id_number": "11010519491231002X", "sex": "2", "birth_date": "1949-12-31"}
_n = itertools.count()


def _indent(lines: list[str], n: int) -> list[str]:
    return [" " * n + ln for ln in lines]


def recipe_yaml(wrappers: list[str], answer_level: int, confirm: bool, screenshot_after: bool,
                rejected: bool) -> str:
    """WRAPPERS outermost first; the answer steps sit ANSWER_LEVEL wrappers out from the submit (never outside
    an `each`: a second member's submit must not come before the first one's answer)."""
    inner_each = any(w == "each" for w in wrappers)
    member = "{{ m }}" if inner_each else "k0"
    sub = "  - submit: {click: {role: button, name: 提交}" + (", rejected: {text: 校验失败}}" if rejected else "}")
    block = [f'  - fill: {{label: 成员, value: "{member}"}}', '  - fill: {label: 姓名, value: "{{ person.name }}"}']
    if confirm:
        block.append("  - confirm: 请核对")
    block.append(sub)
    answer = ["  - expect: {text: 受理成功}", '  - capture: {receipt: {after: "受理编号："}}']
    level = len(wrappers)  # 0 = top level
    out_level = max(level - answer_level, 0)
    # the answer may not leave an `each`
    for i, w in enumerate(wrappers):
        if w == "each" and out_level <= i:
            out_level = i + 1
    body = list(block)
    if out_level == level:
        body += answer
    for depth in range(level - 1, -1, -1):
        w = wrappers[depth]
        head = {"frame": "  - frame:\n      name: main", "window": "  - window:\n      title: 弹窗",
                "when": '  - when:\n      if: "{{ true }}"',
                "each": '  - each:\n      items: "{{ case.members }}"\n      as: m'}[w]
        body = [*head.splitlines(), "      steps:", *_indent(body, 6)]
        if screenshot_after and depth == level - 1:
            body.append("  - screenshot: 提交后")
        if out_level == depth:
            body += answer
    lines = ["recipe: fake.r", "title: 测试事项", "system: fake", "fields:", "  case.members: {zh: 成员, kind: list, required: false}",
             "steps:", "  - open: /form",
             "  - human: {message: 请登录, until: {text: 退出登录}}", *body]
    return "\n".join(lines) + "\n"


fault_st = st.builds(Fault, kind=st.sampled_from(FAULT_KINDS), at=st.integers(1, 14), ticks=st.integers(1, 6))
shape_st = st.fixed_dictionaries({
    # at most one `each` (its members are the ledger's keys; an each inside an each would file each twice)
    "wrappers": st.lists(st.sampled_from(["frame", "window", "when", "each"]), max_size=3).filter(
        lambda ws: ws.count("each") <= 1),
    "answer_level": st.integers(0, 3),
    "confirm": st.booleans(),
    "screenshot_after": st.booleans(),
    "members": st.integers(1, 2),
})


def _member_of(path: str | None, members: list[str]) -> str:
    loops = [p for p in (path or "").split("/") if p.startswith("#")]
    return members[int(loops[-1][1:])] if loops else "k0"


class Harness:
    def __init__(self, root: Path, shape: dict[str, Any], faults: list[list[Fault]], eof_at: int | None):
        self.root = root / f"ex{next(_n)}"
        rec = self.root / "recipes"
        (rec / "systems").mkdir(parents=True)
        (rec / "fake").mkdir()
        (rec / "systems" / "fake.yaml").write_text(SYSTEM, encoding="utf-8")
        rejected = any(f.kind == "rejected" for fs in faults for f in fs)
        self.text = recipe_yaml(shape["wrappers"], shape["answer_level"], shape["confirm"],
                                shape["screenshot_after"], rejected)
        (rec / "fake" / "r.yaml").write_text(self.text, encoding="utf-8")
        self.each = "each" in shape["wrappers"]
        self.members = [f"m{i}" for i in range(shape["members"] if self.each else 1)] if self.each else ["k0"]
        self.world = World(faults)
        self.clerk = FakeClerk(self.world, eof_at=eof_at)
        self.desk = Desk(self.root / "home")
        self.desk.session.catalog = Catalog(rec)
        self.pid = 100
        self.desk.store.runs.me = lambda: Owner("fakehost", self.pid, "t0")
        self.desk.store.runs.alive = lambda o, hb: o.pid == self.pid
        self.opts = FillOptions(driver_factory=self.world.driver, timeout_factor=0.002, answer_wait=0)
        self.not_recorded = 0

    def process(self, attempt: int, job: Any) -> str:
        """One process: run JOB; a Killed is the process dying. Returns how it ended."""
        self.world.attempt = attempt
        self.pid = 100 + attempt
        self.world.calls = 0
        try:
            job()
            how = "ended"
        except Killed:
            how = "killed"
            self.pid = -1  # the process is gone
        if self.world.pending is not None:  # a slow system records in its own time; the clerk checks after
            _, key, _ = self.world.pending
            self.world.pending = None
            if key is not None:
                self.world.record(key)
        return how

    def check_display(self, rid: str, how: str) -> None:
        shown = next(r for r in self.desk.store.runs.list() if r["id"] == rid)
        row = self.desk.store.runs.get(rid)
        assert shown["status"] != "running", (shown, self.text)
        if how == "killed":
            assert shown["status"] in ("interrupted", "planned"), (shown, self.text)
        state = SubmitState.of(row.submit_state)
        confirmed = [_member_of(p, self.members) for p in row.data.get("submits_done", [])]
        if not state.unsettled:  # (d) nothing recorded that the run does not know of
            assert sorted(self.world.ledger) == sorted(confirmed), (shown, self.world, self.text)

    def play(self) -> None:
        w = self.world
        data = {"members": self.members}
        rid: list[str] = []

        def first() -> None:
            res = self.desk.fill(CaseRequest("person", dict(PERSON), ["fake.r"], data), self.clerk, self.opts)
            rid.append(res.runs["fake.r"])

        how = self.process(0, first)
        if not rid:
            rid.append(self.desk.store.runs.list()[0]["id"])
        self.check_display(rid[0], how)
        for attempt in range(1, 9):
            row = self.desk.store.runs.get(rid[0])
            if row.status == "succeeded":
                break
            state = SubmitState.of(row.submit_state)
            decision, receipt = None, None
            if row.status == "needs_clerk" and state == SubmitState.CONFIRMED and not row.data["captures"].get(
                    "receipt"):  # recorded, receipt not read: the clerk looks it up
                decision, receipt = "recorded", w.receipts[_member_of(row.data.get("submit_step"), self.members)]
            elif state.unsettled:  # the clerk checks the system for this very submit
                key = _member_of(row.data.get("submit_step"), self.members)
                confirmed = [_member_of(p, self.members) for p in row.data.get("submits_done", [])]
                there = w.ledger.count(key) > confirmed.count(key)
                decision = "recorded" if there else "not_recorded"
                receipt = w.receipts.get(key) if there else None
                self.clerk.decision = (decision, receipt)
                if decision == "not_recorded":
                    self.not_recorded += 1
            else:
                self.clerk.decision = None

            def again(decision: str | None = decision, receipt: str | None = receipt) -> None:
                try:
                    self.desk.resume(rid[0], self.clerk, self.opts, decision=decision, receipt=receipt)
                except ClerkDeskError as e:
                    raise AssertionError(f"resume refused: {e}\n{self.text}") from None

            how = self.process(attempt, again)
            self.check_display(rid[0], how)
        row = self.desk.store.runs.get(rid[0])
        # (a) never twice; (e) everyone exactly once
        assert sorted(w.ledger) == sorted(self.members), (w, row, self.text)
        # (b) succeeded with a receipt
        assert row.status == "succeeded" and row.data["captures"].get("receipt"), (row, self.text)
        # (c) no submit beyond the clerk's "not recorded" answers and the system's rejections (a click that
        # errored before reaching the system also leaves the submit uncertain, so "≤", not "=")
        assert len(w.clicks) <= len(w.ledger) + self.not_recorded + w.rejections, (w, self.not_recorded, self.text)
        self.desk.close()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(shape=shape_st,
       faults=st.lists(st.lists(fault_st, max_size=2), max_size=3),
       eof_at=st.none() | st.integers(1, 4))
def test_exactly_once_for_every_shape_and_fault(tmp_path: Path, shape: dict[str, Any], faults: list[list[Fault]],
                                                eof_at: int | None) -> None:
    Harness(tmp_path, shape, faults, eof_at).play()


@pytest.mark.parametrize("wrappers", [["frame"], ["frame", "when"], ["window"], ["each"], []])
@pytest.mark.parametrize("fault", ["500_before", "500_after"])
def test_http_500_after_a_nested_submit_is_uncertain_never_failed(tmp_path: Path, wrappers: list[str],
                                                                   fault: str) -> None:
    """The trial's frameset shape: the submit in a frame, a screenshot after the frame, the answer outside."""
    h = Harness(tmp_path, {"wrappers": wrappers, "answer_level": 1, "confirm": True, "screenshot_after": True,
                           "members": 1}, [[Fault(fault)]], None)
    res = h.desk.fill(CaseRequest("person", dict(PERSON), ["fake.r"], {"members": h.members}), h.clerk, h.opts)
    out = res.outcomes["fake.r"]
    assert (out.status, out.submit) == ("needs_clerk", "uncertain"), out
    shown = h.desk.store.runs.list()[0]
    assert (shown["status"], shown["submit_state"]) == ("needs_clerk", "uncertain")
    # a plain resume does not guess
    h.clerk.decision = None
    again = h.desk.resume(res.runs["fake.r"], h.clerk, h.opts)
    assert again.status == "needs_clerk" and len(h.world.clicks) == 1
    # --not-recorded when it is recorded would be the clerk's mistake; the truthful answer settles it
    h.world.attempt = 1
    if fault == "500_before":
        h.clerk.decision = ("not_recorded", None)
        out = h.desk.resume(res.runs["fake.r"], h.clerk, h.opts, decision="not_recorded")
    else:
        receipt = h.world.receipts[h.members[0]]
        h.clerk.decision = ("recorded", receipt)
        out = h.desk.resume(res.runs["fake.r"], h.clerk, h.opts, decision="recorded")
        assert out.receipts["receipt"] == receipt
    assert out.status == "succeeded", out
    assert h.world.ledger == h.members
    assert len(h.world.clicks) == (2 if fault == "500_before" else 1)


def test_a_click_that_never_went_out_is_failed_not_uncertain(tmp_path: Path) -> None:
    h = Harness(tmp_path, {"wrappers": ["frame"], "answer_level": 0, "confirm": False, "screenshot_after": False,
                           "members": 1}, [[Fault("nothing_sent")]], None)
    out = h.desk.fill(CaseRequest("person", dict(PERSON), ["fake.r"], {}), h.clerk, h.opts).outcomes["fake.r"]
    assert (out.status, out.submit) == ("failed", "none")
    assert "not sent" in out.message and "may have been recorded" not in out.message


def test_the_systems_own_rejection_is_not_recorded_with_its_words(tmp_path: Path) -> None:
    h = Harness(tmp_path, {"wrappers": [], "answer_level": 0, "confirm": False, "screenshot_after": False,
                           "members": 1}, [[Fault("rejected")]], None)
    out = h.desk.fill(CaseRequest("person", dict(PERSON), ["fake.r"], {}), h.clerk, h.opts).outcomes["fake.r"]
    assert (out.status, out.submit) == ("failed", "none")
    assert "校验失败" in out.message and "recorded nothing" in out.message
    assert h.world.ledger == []


def test_not_recorded_is_refused_for_a_confirmed_submit(tmp_path: Path) -> None:
    from clerkdesk.errors import ResumeRefused

    h = Harness(tmp_path, {"wrappers": [], "answer_level": 0, "confirm": False, "screenshot_after": False,
                           "members": 1}, [], None)
    res = h.desk.fill(CaseRequest("person", dict(PERSON), ["fake.r"], {}), h.clerk, h.opts)
    assert res.ok
    with pytest.raises(ResumeRefused, match="would file it twice"):
        h.desk.resume(res.runs["fake.r"], h.clerk, h.opts, decision="not_recorded")
    assert h.world.ledger == ["k0"]


def test_a_slow_answer_is_waited_for_and_giving_up_is_uncertain(tmp_path: Path) -> None:
    h = Harness(tmp_path, {"wrappers": ["frame"], "answer_level": 0, "confirm": False, "screenshot_after": False,
                           "members": 1}, [[Fault("slow", ticks=10**9)]], None)
    h.opts.timeout_factor = 0.001
    h.clerk.patience = 2  # the clerk stops waiting after a while
    out = h.desk.fill(CaseRequest("person", dict(PERSON), ["fake.r"], {}), h.clerk, h.opts).outcomes["fake.r"]
    assert (out.status, out.submit) == ("needs_clerk", "uncertain"), out
    assert "stopped waiting" in out.message and "may still record it later" in out.message
    # the same, with a clerk who waits long enough: the answer arrives, recorded once
    h2 = Harness(tmp_path, {"wrappers": ["frame"], "answer_level": 0, "confirm": False, "screenshot_after": False,
                            "members": 1}, [[Fault("slow", ticks=30)]], None)
    h2.clerk.patience = 10_000
    out2 = h2.desk.fill(CaseRequest("person", dict(PERSON), ["fake.r"], {}), h2.clerk, h2.opts).outcomes["fake.r"]
    assert out2.status == "succeeded" and h2.world.ledger == ["k0"]


def test_a_second_case_for_the_same_citizen_and_matter_is_refused_while_one_is_live(tmp_path: Path) -> None:
    """The double F5: the second press finds the first case (leased by a live process) and gets it back."""
    from clerkdesk.errors import CaseOpen

    h = Harness(tmp_path, {"wrappers": [], "answer_level": 0, "confirm": False, "screenshot_after": False,
                           "members": 1}, [], None)
    first, _plan = h.desk.open_case(CaseRequest("person", dict(PERSON), ["fake.r"], {}), h.opts)
    with pytest.raises(CaseOpen) as e:
        h.desk.open_case(CaseRequest("person", dict(PERSON), ["fake.r"], {}), h.opts)
    assert e.value.case_id == first.case_id
    # the process that opened it dies before running it: the next case supersedes the dead one
    h.pid = 999
    second, _ = h.desk.open_case(CaseRequest("person", dict(PERSON), ["fake.r"], {}), h.opts)
    assert h.desk.store.runs.get(first.runs["fake.r"]).status == "superseded"
    from clerkdesk.errors import ResumeRefused

    with pytest.raises(ResumeRefused, match="superseded"):
        h.desk.resume(first.runs["fake.r"], h.clerk, h.opts)
    assert second.case_id != first.case_id


def test_a_live_run_is_not_run_by_a_second_process(tmp_path: Path) -> None:
    from clerkdesk.errors import RunBusy

    h = Harness(tmp_path, {"wrappers": [], "answer_level": 0, "confirm": False, "screenshot_after": False,
                           "members": 1}, [], None)
    res, _ = h.desk.open_case(CaseRequest("person", dict(PERSON), ["fake.r"], {}), h.opts)
    rid = res.runs["fake.r"]
    h.desk.store.runs.acquire(rid)  # process 100 runs it
    with pytest.raises(RunBusy, match="already running in this process"):  # a second window of the same app
        h.desk.resume(rid, h.clerk, h.opts)
    import clerkdesk.store.runs as runs_mod

    runs_mod._active.discard(rid)  # from here on the second runner is another process
    other = Owner("fakehost", 200, "t0")
    h.desk.store.runs.me = lambda: other
    h.desk.store.runs.alive = lambda o, hb: True  # both live
    with pytest.raises(RunBusy, match="being run by pid 100"):
        h.desk.resume(rid, h.clerk, h.opts)
    assert h.world.clicks == []


def test_a_receipt_lost_after_a_confirmed_submit_is_asked_for_never_succeeded_without_it(tmp_path: Path) -> None:
    """Found by the property test: the capture of the receipt fails after the answer was seen; the resume has
    nothing left to run but that capture (whose page is gone) and used to end "succeeded" with no receipt."""
    h = Harness(tmp_path, {"wrappers": [], "answer_level": 0, "confirm": False, "screenshot_after": False,
                           "members": 1}, [[Fault(kind="error", at=7, ticks=1)]], None)
    res = h.desk.fill(CaseRequest("person", dict(PERSON), ["fake.r"], {}), h.clerk, h.opts)
    assert res.outcomes["fake.r"].status == "failed"
    again = h.desk.resume(res.runs["fake.r"], h.clerk, h.opts)
    assert (again.status, again.submit) == ("needs_clerk", "confirmed"), again
    receipt = h.world.receipts[h.members[0]]
    out = h.desk.resume(res.runs["fake.r"], h.clerk, h.opts, decision="recorded", receipt=receipt)
    assert out.status == "succeeded" and out.receipts["receipt"] == receipt and len(h.world.clicks) == 1
