"""读取证件 from the screen and from a watched scan folder, in the window (real OCR, real widgets and files)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QImage, QPixmap
from ui_helpers import EMPLOYMENT

from clerkdesk.testing.synth import make_sample, write_sample

pytestmark = pytest.mark.ocr
VIEWER = Path(__file__).parents[1] / "support" / "image_viewer.py"


@pytest.fixture(autouse=True)
def _sources(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CLERKDESK_NO_PLUGINS", "1")
    monkeypatch.setenv("CLERKDESK_WATCH_SCANS", "0")
    monkeypatch.delenv("CLERKDESK_CAMERA_WINDOW", raising=False)
    monkeypatch.setenv("CLERKDESK_SCAN_DIR", str(tmp_path / "no-scans"))


def _form_values(form: Any) -> dict[str, Any]:
    return {p: form.rows[p].editor.value() for p in ("person.name", "person.id_number", "person.hukou_address")}


def _truth(meta: dict[str, Any]) -> dict[str, Any]:
    t = meta["truth"]
    return {"person.name": t["name"], "person.id_number": t["id_number"], "person.hukou_address": t["address"]}


def _desktop_with(card: np.ndarray, at: tuple[int, int]) -> QPixmap:
    """A 1280×800 'desktop' (a grey wallpaper, another window's text) with the card image at AT."""
    desk = np.full((800, 1280, 3), 96, np.uint8)
    desk[20:60, 20:600] = 240
    x, y = at
    desk[y:y + card.shape[0], x:x + card.shape[1]] = card
    img = QImage(desk.data, 1280, 800, 1280 * 3, QImage.Format.Format_RGB888).copy()
    return QPixmap.fromImage(img)


def test_marked_screen_region_fills_the_form(make_window: Any, qtbot: Any) -> None:
    card, meta = make_sample("idcard-front", 101)
    win = make_window()
    form = win.form
    form.set_matters([EMPLOYMENT])
    bar = form.doc_bar
    bar._show_picker(_desktop_with(card, (150, 90)))  # what pick_region shows after our window stepped aside
    picker = bar.picker
    qtbot.waitExposed(picker)
    sx = picker.width() / 1280  # logical per screenshot pixel

    def at(x: int, y: int) -> QPoint:
        return QPoint(round(x * sx), round(y * sx))

    qtbot.mouseClick(picker, Qt.MouseButton.LeftButton, pos=at(300, 300))  # a slip of the mouse: ignored
    assert picker.isVisible()
    with qtbot.waitSignal(bar.read_done, timeout=45000) as got:
        qtbot.mousePress(picker, Qt.MouseButton.LeftButton, pos=at(140, 80))
        qtbot.mouseMove(picker, at(700, 500))
        qtbot.mouseRelease(picker, Qt.MouseButton.LeftButton, pos=at(150 + card.shape[1] + 10, 90 + card.shape[0] + 10))
    read = got.args[0]
    assert read.source == "screen" and read.ok, read.problems
    assert _form_values(form) == _truth(meta)
    assert not picker.isVisible() and win.isVisible()


def test_escape_in_the_picker_reads_nothing(make_window: Any, qtbot: Any) -> None:
    card, _meta = make_sample("idcard-front", 101)
    win = make_window()
    bar = win.form.doc_bar
    win.hide()
    bar._show_picker(_desktop_with(card, (150, 90)))
    qtbot.waitExposed(bar.picker)
    with qtbot.assertNotEmitted(bar.read_done, wait=300):
        qtbot.keyClick(bar.picker, Qt.Key.Key_Escape)
    assert not bar.picker.isVisible() and win.isVisible() and not bar.busy


def test_a_new_scan_is_read_as_it_arrives(make_window: Any, qtbot: Any, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    scans = tmp_path / "scans"
    old, old_meta = make_sample("idcard-front", 7)
    write_sample(scans, "yesterday", old, old_meta, jpeg=True)  # already there: not read again
    monkeypatch.setenv("CLERKDESK_SCAN_DIR", str(scans))
    monkeypatch.setenv("CLERKDESK_WATCH_SCANS", "1")
    win = make_window()
    form = win.form
    form.set_matters([EMPLOYMENT])
    assert form.doc_bar.watch_action.isChecked() and form.doc_bar.watcher.directories() == [str(scans)]
    with qtbot.assertNotEmitted(form.doc_bar.read_done, wait=800):
        pass
    card, meta = make_sample("idcard-front", 101)
    with qtbot.waitSignal(form.doc_bar.read_done, timeout=45000) as got:
        write_sample(scans, "scan-0002", card, meta, jpeg=True)
    assert got.args[0].ok
    assert _form_values(form) == _truth(meta)
    form.doc_bar.watch_action.setChecked(False)
    assert form.doc_bar.watcher.directories() == []


@pytest.mark.desktop
def test_document_camera_window(make_window: Any, qtbot: Any, display: str, tmp_path: Path,
                                monkeypatch: pytest.MonkeyPatch) -> None:
    card, meta = make_sample("idcard-front", 101)
    image = write_sample(tmp_path, "card", card, meta, jpeg=False)
    monkeypatch.setenv("DISPLAY", display)
    monkeypatch.setenv("CLERKDESK_CAMERA_WINDOW", "高拍仪")
    env = dict(os.environ, QT_QPA_PLATFORM="xcb", DISPLAY=display)
    env.pop("QT_SCALE_FACTOR", None)
    proc = subprocess.Popen([sys.executable, str(VIEWER), str(image), "高拍仪实时预览"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        from clerkdesk.vision.windows import find_window

        find_window("高拍仪实时预览", timeout=15)
        win = make_window()
        form = win.form
        form.set_matters([EMPLOYMENT])
        with qtbot.waitSignal(form.doc_bar.read_done, timeout=45000) as got:
            form.doc_bar.read_camera_window()
        assert got.args[0].ok and got.args[0].source == "screen"
        assert _form_values(form) == _truth(meta)
        assert win.isVisible()
    finally:
        proc.terminate()
        proc.wait(5)
