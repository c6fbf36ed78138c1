"""A desktop target (the 公积金 client under Xvfb, real OCR) and a web target in one case, from the window."""

from __future__ import annotations

import re
from typing import Any

import pytest
from PySide6.QtCore import Qt
from ui_helpers import INSURANCE, person, press, wait_done

pytestmark = [pytest.mark.browser, pytest.mark.desktop, pytest.mark.ocr]
GJJ = "gjj.open-account"


def test_desktop_and_web_targets_in_one_case(make_window: Any, qtbot: Any, gjj_client: Any,
                                             answer_confirms: Any) -> None:
    win = make_window()
    if GJJ not in win.desk.catalog.recipes:
        pytest.skip("no gjj.open-account recipe")
    answer_confirms(win)
    matters = [m.id for m in win.desk.catalog.matters.values() if m.recipes in ((GJJ,), (INSURANCE,))]
    win.form.set_matters(matters)
    win.form.fill_values({**person("11010519880214130"), "case.employer": "北京星河科技有限公司",
                          "case.employer_account": "100200300400", "case.personal_rate": "8%",
                          "case.monthly_base": "8500", "case.opened_on": "2026-11-01",
                          "case.insurances": ["养老"], "case.insured_from": "2026-11-01",
                          "case.contribution_base": "8500"})
    press(qtbot, win, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: bool(win.monitor.cards), timeout=10000)
    assert wait_done(qtbot, win, timeout=150000) == {GJJ: "succeeded", INSURANCE: "succeeded"}
    receipts = {c.recipe.id: c.receipt.text() for c in win.monitor.cards.values()}
    assert re.search(r"GJ\d{12}", receipts[GJJ]), receipts
    assert gjj_client.log.read_text(encoding="utf-8").count("个人开户") == 1
