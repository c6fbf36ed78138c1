"""A mistyped data folder is never made silently by the app: the clerk is asked, and 否 (the default) makes nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from clerkdesk.ui.app import ask_create_home, home_may_be_created, run_app


def _answer(button: QMessageBox.StandardButton, seen: list[str]) -> None:
    """Click BUTTON on the question box once it is up (a real modal box, answered as a clerk would)."""
    def click() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, click)
            return
        seen.append(box.text())
        box.button(button).click()
    QTimer.singleShot(20, click)


def test_default_and_existing_folders_need_no_question(tmp_path: Path) -> None:
    assert home_may_be_created(None)
    assert home_may_be_created(tmp_path)
    assert not home_may_be_created(tmp_path / "typo")
    assert home_may_be_created(tmp_path / "typo", create=True)


def test_no_is_the_default_and_creates_nothing(qapp: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    typo = tmp_path / "clerkdsk"
    seen: list[str] = []
    _answer(QMessageBox.StandardButton.No, seen)
    assert run_app(typo, "clerk-a") == 2
    assert str(typo) in seen[0] and "不存在" in seen[0]
    assert not typo.exists()
    assert "does not exist; nothing was created" in capsys.readouterr().err


def test_yes_is_asked_and_answered(qapp: Any, tmp_path: Path) -> None:
    seen: list[str] = []
    _answer(QMessageBox.StandardButton.Yes, seen)
    assert ask_create_home(tmp_path / "new-hall-folder") is True
    assert "new-hall-folder" in seen[0]
