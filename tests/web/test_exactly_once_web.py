"""Exactly once in real Chromium, on the GBK frameset system with the submit nested in a `frame` step.

The trial's shapes: HTTP 500 before or after recording (uncertain, never failed; the clerk's answer settles it
and the record lands exactly once), a slow system (waited for; giving up is uncertain, never "not recorded"),
the system's own validation rejection (not recorded, with its words), and a second case for the same citizen
and matter while one is open (refused, naming it).
"""

from __future__ import annotations

from typing import Any, ClassVar

import pytest

from clerkdesk.desk import CaseRequest
from tests.support.clerks import SandboxClerk
from tests.support.data import OPENING, PERSON

pytestmark = pytest.mark.browser
OPEN = "amr.individual-business-opening"


@pytest.mark.parametrize("fault, recorded", [("submit500", False), ("submit500_recorded", True)])
def test_http_500_after_a_submit_in_a_frame_is_uncertain_then_lands_once(desk: Any, web: Any, opts: Any,
                                                                          fault: str, recorded: bool) -> None:
    before = len(web.submissions("amr"))
    web.set_fault("amr", fault)
    res = desk.fill(CaseRequest("person", dict(PERSON), [OPEN], dict(OPENING)), SandboxClerk(), opts)
    out = res.outcomes[OPEN]
    assert (out.status, out.submit) == ("needs_clerk", "uncertain"), out.message
    assert "HTTP 500" in out.message and "ClerkDesk will not submit again" in out.message
    assert len(web.submissions("amr")) == before + (1 if recorded else 0)
    shown = next(r for r in desk.store.runs.list() if r["id"] == res.runs[OPEN])
    assert (shown["status"], shown["submit_state"], shown["live"]) == ("needs_clerk", "uncertain", False)
    web.clear_faults()
    # typing the citizen in again is refused: the open case is shown instead
    from clerkdesk.errors import CaseOpen

    with pytest.raises(CaseOpen) as e:
        desk.fill(CaseRequest("person", dict(PERSON), [OPEN], dict(OPENING)), SandboxClerk(), opts)
    assert e.value.case_id == res.case_id
    if recorded:
        receipt = web.submissions("amr")[-1]["receipt"]
        again = desk.resume(res.runs[OPEN], SandboxClerk(decision=("recorded", receipt)), opts,
                            decision="recorded", receipt=receipt)
        assert again.status == "succeeded" and again.receipts["receipt"] == receipt
    else:
        again = desk.resume(res.runs[OPEN], SandboxClerk(decision=("not_recorded", None)), opts,
                            decision="not_recorded")
        assert again.status == "succeeded", again.message
        assert again.receipts["receipt"] == web.submissions("amr")[-1]["receipt"]
    assert len(web.submissions("amr")) == before + 1


def test_the_systems_validation_message_is_not_recorded_with_its_words(desk: Any, web: Any, opts: Any) -> None:
    before = len(web.submissions("amr"))
    web.set_fault("amr", "reject_submit")
    res = desk.fill(CaseRequest("person", dict(PERSON), [OPEN], dict(OPENING)), SandboxClerk(), opts)
    out = res.outcomes[OPEN]
    assert (out.status, out.submit) == ("failed", "none"), out.message
    assert "服务端校验未通过" in out.message and "recorded nothing" in out.message
    assert len(web.submissions("amr")) == before
    web.clear_faults()
    again = desk.resume(res.runs[OPEN], SandboxClerk(), opts)  # corrected (here: the fault gone), filed once
    assert again.status == "succeeded", again.message
    assert len(web.submissions("amr")) == before + 1


def test_a_slow_system_is_waited_for_and_giving_up_leaves_it_uncertain(desk: Any, web: Any, opts: Any) -> None:
    class Impatient(SandboxClerk):
        def keep_waiting(self, info: Any, seconds: float) -> bool:
            return False

    class Patient(SandboxClerk):
        waited: ClassVar[list[float]] = []

        def keep_waiting(self, info: Any, seconds: float) -> bool:
            self.waited.append(seconds)
            return seconds < 60

    opts.timeout_factor = 0.1  # the recipe's 20 s answer wait becomes 2 s; the system answers after 4 s
    before = len(web.submissions("amr"))
    web.set_fault("amr", "slow_submit", ms=4000, times=1)
    clerk = Patient()
    res = desk.fill(CaseRequest("person", dict(PERSON), [OPEN], dict(OPENING)), clerk, opts)
    assert res.outcomes[OPEN].status == "succeeded", res.outcomes[OPEN].message
    assert clerk.waited, "the engine asked the clerk whether to go on waiting"
    assert len(web.submissions("amr")) == before + 1
    # the clerk stops waiting: the submit is uncertain (the system may record it later), never "not recorded"
    web.set_fault("amr", "slow_submit", ms=4000, times=1)
    res2 = desk.fill(CaseRequest("person", dict(PERSON), [OPEN], dict(OPENING)), Impatient(), opts)
    out2 = res2.outcomes[OPEN]
    assert (out2.status, out2.submit) == ("needs_clerk", "uncertain"), out2.message
    assert "may still record it later" in out2.message
    # the slow system records it in its own time; the clerk checks later, finds it, and closes the run with it
    import time

    deadline = time.monotonic() + 15
    while len(web.submissions("amr")) < before + 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(web.submissions("amr")) == before + 2
    receipt = web.submissions("amr")[-1]["receipt"]
    done = desk.resume(res2.runs[OPEN], SandboxClerk(decision=("recorded", receipt)), opts, decision="recorded",
                       receipt=receipt)
    assert done.status == "succeeded" and done.receipts["receipt"] == receipt
    assert len(web.submissions("amr")) == before + 2
