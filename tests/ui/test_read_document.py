"""读取证件 (F11) in the window: a synthetic ID card (real OCR) or the simulated reader fills the capture form."""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import Qt
from ui_helpers import EMPLOYMENT, press

from clerkdesk.capture.specimen import specimen_card
from clerkdesk.testing.fake import fake_person
from clerkdesk.testing.render import MAIN, render_idcard_front
from clerkdesk.testing.synth import make_sample, write_sample

FORM_FIELDS = ("person.name", "person.sex", "person.ethnicity", "person.birth_date", "person.id_number",
               "person.hukou_address")


@pytest.fixture(autouse=True)
def _no_plugins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLERKDESK_NO_PLUGINS", "1")
    monkeypatch.delenv("CLERKDESK_CARD_READER", raising=False)


def _read(qtbot: Any, form: Any, start: Any) -> Any:
    with qtbot.waitSignal(form.doc_bar.read_done, timeout=45000) as blocker:
        start()
    return blocker.args[0]


def _doubtful(form: Any) -> set[str]:
    return {p for p, r in form.rows.items() if r.editor.widget.property("doubtful")}


@pytest.mark.ocr
def test_id_card_from_the_scan_folder_fills_the_form(make_window: Any, qtbot: Any, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    arr, meta = make_sample("idcard-front", 101)
    truth = meta["truth"]
    scans = tmp_path / "scans"
    write_sample(scans, "scan-0001", arr, meta, jpeg=False)
    monkeypatch.setenv("CLERKDESK_SCAN_DIR", str(scans))
    win = make_window()
    form = win.form
    form.set_matters([EMPLOYMENT])
    assert set(FORM_FIELDS) <= set(form.rows)
    press(qtbot, win, Qt.Key.Key_F11)  # the source menu: 从图片文件… / 从扫描文件夹 / 从读卡器
    qtbot.waitUntil(form.doc_bar.menu.isVisible, timeout=3000)
    form.doc_bar.menu.hide()
    read = _read(qtbot, form, form.doc_bar.read_scan_folder)
    assert read.ok and read.document_id is None
    values = {p: form.rows[p].editor.value() for p in FORM_FIELDS}
    assert values == {"person.name": truth["name"], "person.sex": "1" if truth["sex"] == "男" else "2",
                      "person.ethnicity": read.values()["person.ethnicity"],
                      "person.birth_date": truth["birth_date"], "person.id_number": truth["id_number"],
                      "person.hukou_address": truth["address"]}
    assert form.rows["person.ethnicity"].editor.widget.currentText().startswith(truth["ethnicity"])  # 汉 → 汉族
    assert _doubtful(form) == set()
    assert not form.doc_bar.problems.isVisible()
    assert win.desk.store.db["documents"].count == 0  # the image is not stored unless the clerk asks
    assert "已读取证件" in win.message.text()
    qtbot.waitUntil(lambda: "未找到档案" in form.banner.text(), timeout=10000)  # a valid number: profile looked up


@pytest.mark.ocr
def test_altered_card_flags_the_field_and_the_image_is_kept_only_when_ticked(make_window: Any, qtbot: Any,
                                                                            tmp_path: Path) -> None:
    person = fake_person(random.Random(43))
    printed = person.id_number[:17] + ("1" if person.id_number[17] != "1" else "2")  # wrong check digit
    img = render_idcard_front(dataclasses.replace(person, id_number=printed), MAIN, random.Random(43))
    path = tmp_path / "altered.png"
    write_sample(tmp_path, "altered", np.asarray(img.convert("RGB")), {}, jpeg=False)
    win = make_window()
    form = win.form
    form.doc_bar.keep.setChecked(True)
    read = _read(qtbot, form, lambda: form.doc_bar.read_file(str(path)))  # read before ticking a matter
    assert not read.ok
    form.set_matters([EMPLOYMENT])  # the values and their marks carry over into the generated form
    idn = form.rows["person.id_number"]
    assert idn.editor.value() == printed  # kept as read, never guessed
    assert "person.id_number" in _doubtful(form)
    assert idn.editor.widget.toolTip().startswith("请核对：") and "校验" in idn.editor.widget.toolTip()  # records: 校验码错误
    assert form.rows["person.name"].editor.value() == person.name
    assert "person.name" not in _doubtful(form)
    assert form.doc_bar.problems.isVisible() and "公民身份号码" in form.doc_bar.problems.text()
    assert printed not in form.doc_bar.problems.text()  # reasons, never values
    assert form.documents == [read.document_id] and win.desk.store.db["documents"].count == 1  # ticked: kept
    idn.editor.widget.setText(person.id_number)  # the clerk checks the card and corrects the number
    assert "person.id_number" not in _doubtful(form) and idn.editor.widget.toolTip() == ""
    qtbot.keyClick(win, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)  # new case: nothing carried over
    assert form.documents == [] and _doubtful(form) == set()


def test_card_reader_fills_the_form_without_ocr(make_window: Any, qtbot: Any) -> None:
    card = specimen_card(0)  # the simulated reader's card
    win = make_window()
    form = win.form
    form.set_matters([EMPLOYMENT])
    read = _read(qtbot, form, form.doc_bar.from_reader.trigger)
    assert read.source == "reader:simulated"
    assert form.rows["person.id_number"].editor.value() == card["id_number"]
    assert form.rows["person.name"].editor.value() == card["name"]
    assert form.rows["person.hukou_address"].editor.value() == card["address"]
    assert _doubtful(form) == set() and win.desk.store.db["documents"].count == 0
    qtbot.waitUntil(lambda: "未找到档案" in form.banner.text(), timeout=10000)
