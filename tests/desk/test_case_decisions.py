"""A discrepancy decision is settled for the whole case (issue 14): the clerk decides a difference once per
case, system and field; later runs of the case on that system (another matter, a run done later) reuse it,
audited as reused, unless the system's or the profile's value changed since — then the clerk is asked again.

A real store and the real engine and desk; the system is a scripted one (the value its query page shows per
system), two matters on one system and one on another. Hypothesis plays the runs in every order, with the
system's value changing between runs, against a model of when the clerk must be asked.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clerkdesk.desk import CaseRequest, Desk, FillOptions
from clerkdesk.engine.discrepancy import Decision
from tests.support.scripted_system import MATTERS, PERSON, World, scripted_desk

_n = itertools.count()


class Clerk:
    """Decides each difference as scripted, keeping every table it was shown."""

    def __init__(self, decisions: list[Decision]):
        self.decisions = list(decisions)
        self.tables: list[tuple[str, list[str]]] = []

    def confirm(self, info: Any, message: str, values: list[tuple[str, str]]) -> bool:
        return True

    def human(self, info: Any, message: str, driver: Any, check: Any) -> None:
        pass

    def uncertain(self, info: Any, message: str) -> tuple[str, str | None]:
        return "abort", None

    def decide_discrepancies(self, info: Any, rows: list[Any]) -> dict[str, Decision]:
        self.tables.append((info.system, [r.field for r in rows]))
        dec = self.decisions.pop(0) if self.decisions else Decision.SYSTEM
        return {r.field: dec for r in rows}


def _audit(desk: Desk, action: str) -> list[dict[str, Any]]:
    import json

    return [json.loads(e["detail"]) for e in desk.store.audit.rows() if e["action"] == action]


def _open(desk: Desk, opts: FillOptions) -> tuple[Any, dict[str, Any]]:
    res, plan = desk.open_case(CaseRequest("person", dict(PERSON), list(MATTERS), {}), opts)
    return res, {t.recipe.id: t for t in plan.targets}


def test_two_matters_of_one_system_ask_once_and_the_second_fills_the_decision(tmp_path: Path) -> None:
    desk = scripted_desk(tmp_path)
    try:
        world = World({"a": "2", "b": "2"})  # both systems hold 非农业 (urban): the profile says 农业
        clerk = Clerk([Decision.LEAVE, Decision.SYSTEM])
        opts = FillOptions(driver_factory=world.driver, timeout_factor=0.01, answer_wait=0)
        res = desk.fill(CaseRequest("person", dict(PERSON), list(MATTERS), {}), clerk, opts)
        assert all(o.status == "succeeded" for o in res.outcomes.values()), res.outcomes
        # system a asked once (its two matters), system b once: a decision never crosses systems
        assert clerk.tables == [("a", ["person.hukou_type"]), ("b", ["person.hukou_type"])]
        # a: left as the system has it, in both matters; b: the profile's value
        assert world.filled == [("a", "2"), ("a", "2"), ("b", "1")]
        reused = _audit(desk, "discrepancy_reused")
        assert reused == [{"recipe": "a.two", "system": "a", "field": "person.hukou_type", "decision": "leave",
                           "decided_in": f"run:{res.runs['a.one']}"}]
        assert len(_audit(desk, "discrepancy_decided")) == 2
        assert "非农业" not in str(reused)  # the audit names the field and the decision, never a value
    finally:
        desk.close()


@pytest.mark.parametrize("later, asked", [("非农业户口", 1),  # the same value in other words: not asked again
                                          ("居民户口", 2)])  # changed since (someone updated it): asked again
def test_a_changed_system_value_is_asked_again_the_same_in_other_words_is_not(tmp_path: Path, later: str,
                                                                               asked: int) -> None:
    desk = scripted_desk(tmp_path)
    try:
        world = World({"a": "2", "b": "1"})
        clerk = Clerk([Decision.LEAVE, Decision.SYSTEM])
        opts = FillOptions(driver_factory=world.driver, timeout_factor=0.01, answer_wait=0)
        res, targets = _open(desk, opts)
        case = desk.cases.get(res.case_id)
        desk.run_target(res.runs["a.one"], targets["a.one"], case, clerk, opts)
        world.shown["a"] = later
        desk.run_target(res.runs["a.two"], targets["a.two"], case, clerk, opts)
        assert len(clerk.tables) == asked
        assert world.filled == [("a", "2"), ("a", "2" if asked == 1 else "1")]
        assert len(_audit(desk, "discrepancy_reused")) == 2 - asked
    finally:
        desk.close()


def test_a_changed_profile_value_is_asked_again(tmp_path: Path) -> None:
    """The same case run with another profile value (the record the runs fill from) is a new question."""
    import dataclasses

    desk = scripted_desk(tmp_path)
    try:
        world = World({"a": "2", "b": "1"})
        clerk = Clerk([Decision.LEAVE, Decision.SYSTEM])
        opts = FillOptions(driver_factory=world.driver, timeout_factor=0.01, answer_wait=0)
        res, targets = _open(desk, opts)
        case = desk.cases.get(res.case_id)
        desk.run_target(res.runs["a.one"], targets["a.one"], case, clerk, opts)
        other = dataclasses.replace(case, record={**case.record, "hukou_type": "unknown"})
        world.shown["a"] = "2"
        desk.run_target(res.runs["a.two"], targets["a.two"], other, clerk, opts)
        assert [t for t, _ in clerk.tables] == ["a", "a"]
        assert _audit(desk, "discrepancy_reused") == []
    finally:
        desk.close()


SHOWN = st.sampled_from(["1", "2", "非农业户口", "农业户口"])  # 1 = the profile's own value (no difference)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(order=st.permutations(list(MATTERS)), shown=st.lists(st.tuples(SHOWN, SHOWN), min_size=3, max_size=3),
       decisions=st.lists(st.sampled_from(list(Decision)), min_size=3, max_size=3))
def test_in_any_order_the_clerk_is_asked_exactly_when_no_decision_of_the_case_fits(
        tmp_path: Path, order: list[str], shown: list[tuple[str, str]], decisions: list[Decision]) -> None:
    canonical = {"1": "rural", "2": "urban", "非农业户口": "urban", "农业户口": "rural"}
    desk = scripted_desk(tmp_path / f"ex{next(_n)}")
    try:
        world = World({})
        clerk = Clerk(decisions)
        opts = FillOptions(driver_factory=world.driver, timeout_factor=0.01, answer_wait=0)
        res, targets = _open(desk, opts)
        case = desk.cases.get(res.case_id)
        last: dict[str, tuple[str, Decision]] = {}  # the model: system → (the value decided on, the decision)
        script = list(decisions)
        for rid, (a, b) in zip(order, shown, strict=True):
            world.shown = {"a": a, "b": b}
            sid = MATTERS[rid]
            now = canonical[world.shown[sid]]
            asked = len(clerk.tables)
            out = desk.run_target(res.runs[rid], targets[rid], case, clerk, opts)
            assert out.status == "succeeded", out.message
            if now == "rural":  # the system agrees with the profile: no question, the profile's value
                expect_ask, dec = False, Decision.SYSTEM
            elif sid in last and last[sid][0] == now:  # decided in this case on the same value: reused
                expect_ask, dec = False, last[sid][1]
            else:
                expect_ask, dec = True, script.pop(0)
                last[sid] = (now, dec)
            assert len(clerk.tables) == asked + expect_ask, (rid, world.shown, last)
            assert world.filled[-1] == (sid, "1" if dec == Decision.SYSTEM else "2")
    finally:
        desk.close()
