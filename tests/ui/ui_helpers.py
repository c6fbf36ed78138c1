"""Sample values for the UI tests."""

from __future__ import annotations

from typing import Any

import pytest

from clerkdesk.records.standards import id_check_digit

EMPLOYMENT = "hrss.employment-registration"
INSURANCE = "hrss.insurance-enrollment"


def person(first17: str = "11010519880214123") -> dict[str, Any]:
    return {"person.name": "张晓明", "person.id_number": first17 + id_check_digit(first17),
            "person.ethnicity": "01", "person.hukou_type": "urban", "person.education": "20",
            "person.marital_status": "10", "person.hukou_region": "110105", "person.hukou_address":
            "北京市朝阳区建国路88号", "person.current_address": "北京市朝阳区建国路88号", "person.phone": "13912345678"}


CASE = {"case.employer": "北京星河科技有限公司", "case.employer_uscc": "91110000600037341L",
        "case.start_date": "2026-11-01", "case.contract_term": "一至三年（不含）", "case.post": "软件工程师",
        "case.employment_form": "单位就业", "case.wage": "12000"}


def wait_done(qtbot: Any, win: Any, timeout: int = 60000) -> dict[str, str]:
    """Wait until no target runs; returns recipe id → card status."""
    qtbot.waitUntil(lambda: win.monitor.cards and not win.monitor.busy(), timeout=timeout)
    return {c.recipe.id: c.status for c in win.monitor.cards.values()}


def outcomes(win: Any) -> dict[str, tuple[str, str, str]]:
    """Run id → (status, the clerk's headline, the technical details): what an assertion prints when a run did
    not end as expected, so that a failure under CI load says which step and what was tried."""
    return {r: (c.status, c.error.text(), c.details.toPlainText()) for r, c in win.monitor.cards.items()}


def assert_all_succeeded(win: Any) -> None:
    """Every run on the monitor succeeded; else fail with each run's status, headline and technical details in full
    (an assertion's message is cut to a few lines by pytest: the step and what was tried were lost in CI)."""
    got = outcomes(win)
    if {status for status, _, _ in got.values()} != {"succeeded"}:
        pytest.fail("not every run succeeded:\n" + "\n\n".join(
            f"{run}: {status} — {headline}\n{details}" for run, (status, headline, details) in got.items()),
            pytrace=False)


def press(qtbot: Any, win: Any, key: Any) -> None:
    """Press a window shortcut as the clerk would, with the main window active (dialogs come and go)."""
    from PySide6.QtWidgets import QApplication

    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win, timeout=3000)
    qtbot.keyClick(win, key)
