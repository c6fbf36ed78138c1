"""读取证件 (F11): an ID card or licence from an image file, the scanner's folder or a card reader → the capture form.

The reading itself is ``Desk.read_document`` / ``Desk.read_card`` (OCR and checks, run in the thread pool through
``workers.run_op``); this bar only picks the source, shows progress and hands the result to the form, which
pre-fills the fields it has and marks the doubtful ones. The image is kept as evidence only when the clerk
ticks 保留证件图像作为证据 (off by default: PIPL minimum necessary).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMenu,
    QProgressBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from clerkdesk.ui.i18n import tr
from clerkdesk.ui.workers import run_op

KINDS = (("idcard-front", "身份证正面（人像面）"), ("idcard-back", "身份证背面（国徽面）"), ("license", "营业执照"))
IMAGE_FILTER = "图片 (*.png *.jpg *.jpeg *.bmp *.tif *.tiff *.webp)"


def settings() -> QSettings:
    return QSettings("ClerkDesk", "ClerkDesk")


def scan_dir() -> str | None:
    """The scanner's output folder: ``$CLERKDESK_SCAN_DIR``, else the one chosen before (settings)."""
    v = os.environ.get("CLERKDESK_SCAN_DIR") or settings().value("scan_dir")
    return str(v) if v else None


def reader_name() -> str:
    """The card reader: ``$CLERKDESK_CARD_READER``, else settings ``card_reader``, else the simulated one."""
    return str(os.environ.get("CLERKDESK_CARD_READER") or settings().value("card_reader") or "simulated")


class DocumentBar(QWidget):
    """Above the capture form: 读取证件 ▾ (file / scan folder / reader), the document kind, keep-image, progress."""

    read_done = Signal(object)  # the DocumentRead, after the form applied it (tests, status)
    status = Signal(str)

    def __init__(self, form: Any, parent: QWidget | None = None):
        super().__init__(parent)
        self.form = form
        self.busy = False
        self.button = QToolButton()
        self.button.setText(tr("读取证件 (F11)"))
        self.button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.menu = QMenu(self)
        self.from_file = self.menu.addAction(tr("从图片文件…"), self.choose_file)
        self.from_folder = self.menu.addAction(tr("从扫描文件夹"), self.read_scan_folder)
        self.from_reader = self.menu.addAction(tr("从读卡器"), self.read_reader)
        self.button.setMenu(self.menu)
        self.kind = QComboBox()
        for k, zh in KINDS:
            self.kind.addItem(tr(zh), k)
        self.kind.setAccessibleName(tr("证件类型"))
        self.keep = QCheckBox(tr("保留证件图像作为证据"))
        self.keep.setChecked(False)
        self.keep.setToolTip(tr("默认不保存证件图像（个人信息最小必要）；勾选后加密保存，并关联到本次案件"))
        self.progress = QProgressBar(maximum=0)  # indeterminate while OCR runs
        self.progress.setMaximumWidth(120)
        self.progress.hide()
        self.problems = QLabel(wordWrap=True)
        self.problems.setObjectName("warning")
        self.problems.hide()
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.button)
        row.addWidget(self.kind)
        row.addWidget(self.keep)
        row.addWidget(self.progress)
        row.addStretch(1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(row)
        lay.addWidget(self.problems)

    # --- sources ------------------------------------------------------------------------------------
    def popup(self) -> None:
        """F11: the source menu under the button."""
        self.sync_kind()
        self.menu.popup(self.button.mapToGlobal(self.button.rect().bottomLeft()))

    def sync_kind(self) -> None:
        """A company matter reads a licence; a person matter an ID card front, unless the clerk chose the back."""
        current = self.kind.currentData()
        if self.form.kind == "enterprise" and current != "license":
            self.kind.setCurrentIndex(self.kind.findData("license"))
        elif self.form.kind == "person" and current == "license":
            self.kind.setCurrentIndex(self.kind.findData("idcard-front"))

    def choose_file(self) -> None:
        start = scan_dir() or str(Path.home())
        path, _f = QFileDialog.getOpenFileName(self, tr("选择证件图片"), start, tr(IMAGE_FILTER))
        if path:
            self.read_file(path)

    def read_scan_folder(self) -> None:
        folder = scan_dir()
        if not folder:
            folder = QFileDialog.getExistingDirectory(self, tr("选择扫描文件夹"), str(Path.home()))
            if not folder:
                return
            settings().setValue("scan_dir", folder)
        desk = self.form.desk
        newest = desk.newest_scan(folder) if desk is not None else None
        if newest is None:
            self._say_problem(tr("扫描文件夹中没有图片：{d}", d=folder))
            return
        self.read_file(str(newest))

    def read_file(self, path: str, kind: str | None = None) -> None:
        kind = kind or str(self.kind.currentData())
        keep = self.keep.isChecked()
        self._run(lambda desk: desk.read_document(path, kind, keep_image=keep), tr("正在识别证件…"))

    def read_reader(self) -> None:
        name, keep = reader_name(), self.keep.isChecked()
        self._run(lambda desk: desk.read_card(name, keep_image=keep), tr("正在读卡…"))

    # --- running ------------------------------------------------------------------------------------
    def _run(self, fn: Any, message: str) -> None:
        desk = self.form.desk
        if desk is None or self.busy:
            return
        self.busy = True
        self.button.setEnabled(False)
        self.progress.show()
        self.problems.hide()
        self.status.emit(message)
        run_op(lambda: fn(desk), self._done, self._failed)

    def _finish(self) -> None:
        self.busy = False
        self.button.setEnabled(True)
        self.progress.hide()

    def _done(self, read: Any) -> None:
        self._finish()
        filled, doubtful = self.form.apply_document(read)
        lines = self.form.document_problems(read)
        if lines:
            self.problems.setText("\n".join(lines))
            self.problems.show()
        self.status.emit(tr("已读取证件：填入 {n} 项，{m} 项请核对", n=filled, m=doubtful))
        self.read_done.emit(read)

    def _failed(self, e: Exception) -> None:
        from clerkdesk.ui.errors import message_of

        self._finish()
        self._say_problem(tr("无法读取证件") + "：" + message_of(e))
        self.status.emit(tr("无法读取证件"))

    def _say_problem(self, text: str) -> None:
        self.problems.setText(text)
        self.problems.show()

    def reset(self) -> None:
        self.problems.hide()
        self.problems.clear()
