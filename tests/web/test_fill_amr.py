"""Filling the 市场监管 legacy sandbox: GBK, frameset, table-layout labels, confirm(), popup receipt."""

from __future__ import annotations

from typing import Any

import pytest

from clerkdesk.desk import CaseRequest
from tests.support.clerks import SandboxClerk
from tests.support.data import CHANGE, CHANGE_EXPECTED, ENTERPRISE, OPENING, OPENING_EXPECTED, PERSON

pytestmark = pytest.mark.browser


def _check(web: Any, before: int, expected: dict[str, str], matter: str, receipt: str) -> None:
    subs = web.submissions("amr")
    assert len(subs) == before + 1
    got = subs[-1]
    assert got["matter"] == matter
    for name, want in expected.items():
        assert got["fields"][name] == want, f"{got['labels'][name]} ({name})"
    assert got["receipt"] == receipt


def test_enterprise_change_through_frames_confirm_and_popup(desk: Any, web: Any, opts: Any) -> None:
    before = len(web.submissions("amr"))
    res = desk.fill(CaseRequest("enterprise", dict(ENTERPRISE), ["amr.enterprise-change"], dict(CHANGE)), SandboxClerk(), opts)
    out = res.outcomes["amr.enterprise-change"]
    assert out.status == "succeeded", out.message
    _check(web, before, CHANGE_EXPECTED, "enterprise_change", out.receipts["receipt"])


def test_individual_business_opening_for_a_person(desk: Any, web: Any, opts: Any) -> None:
    before = len(web.submissions("amr"))
    res = desk.fill(CaseRequest("person", dict(PERSON), ["amr.individual-business-opening"], dict(OPENING)), SandboxClerk(), opts)
    out = res.outcomes["amr.individual-business-opening"]
    assert out.status == "succeeded", out.message
    _check(web, before, OPENING_EXPECTED, "individual_opening", out.receipts["receipt"])


def test_a_bundle_fills_two_systems_in_one_pass(desk: Any, web: Any, opts: Any) -> None:
    from tests.support.data import INSURANCE

    matter = desk.catalog.matters["open-individual-business"]
    before = {s: len(web.submissions(s)) for s in ("amr", "hrss")}
    res = desk.fill(CaseRequest("person", dict(PERSON), list(matter.recipes), {**OPENING, **INSURANCE}), SandboxClerk(), opts)
    assert res.ok, {k: o.message for k, o in res.outcomes.items()}
    assert {s: len(web.submissions(s)) for s in ("amr", "hrss")} == {s: n + 1 for s, n in before.items()}
    assert desk.store.cases.get(res.case_id).status == "done"
