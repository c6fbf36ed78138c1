"""读取证件 (F11): an ID card or licence from an image file, the scanner's folder (read on request, or watched so a
new scan is read as it arrives), a region of the screen, a document camera's (高拍仪) preview window, or a card
reader → the capture form.

The reading itself is ``Desk.read_document`` / ``Desk.read_card`` (OCR and checks, run in the thread pool through
``workers.run_op``); this bar only picks the source, shows progress and hands the result to the form, which
pre-fills the fields it has and marks the doubtful ones. The image is kept as evidence only when the clerk
ticks 保留证件图像作为证据 (off by default: PIPL minimum necessary).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QFileSystemWatcher, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMenu,
    QProgressBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from clerkdesk.ui.fields import WheelSafeCombo
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


def camera_window() -> str | None:
    """The document camera's preview window title: ``$CLERKDESK_CAMERA_WINDOW``, else the one chosen before."""
    v = os.environ.get("CLERKDESK_CAMERA_WINDOW") or settings().value("camera_window")
    return str(v) if v else None


def watching_scans() -> bool:
    v = os.environ.get("CLERKDESK_WATCH_SCANS")
    if v is not None:
        return v not in ("0", "", "false", "no")
    return str(settings().value("watch_scans", "false")).lower() in ("1", "true")


def reader_name() -> str:
    """The card reader: ``$CLERKDESK_CARD_READER``, else settings ``card_reader``, else the simulated one."""
    return str(os.environ.get("CLERKDESK_CARD_READER") or settings().value("card_reader") or "simulated")


class _MenuButton(QToolButton):
    """读取证件: Enter and Return open the source menu like a click (a tool button only answers Space)."""

    def __init__(self, bar: DocumentBar):
        super().__init__(bar)
        self.bar = bar

    def keyPressEvent(self, e: QKeyEvent) -> None:
        if e.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.bar.popup()
        else:
            super().keyPressEvent(e)


class DocumentBar(QWidget):
    """Above the capture form: 读取证件 ▾ (file / scan folder / reader), the document kind, keep-image, progress."""

    read_done = Signal(object)  # the DocumentRead, after the form applied it (tests, status)
    status = Signal(str)

    def __init__(self, form: Any, parent: QWidget | None = None):
        super().__init__(parent)
        self.form = form
        self.busy = False
        self.button = _MenuButton(self)
        self.button.setText(tr("读取证件 (F11)"))
        self.button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.menu = QMenu(self)
        self.from_file = self.menu.addAction(tr("从图片文件…"), self.choose_file)
        self.from_folder = self.menu.addAction(tr("从扫描文件夹"), self.read_scan_folder)
        self.from_region = self.menu.addAction(tr("从屏幕区域…"), self.pick_region)
        self.from_camera = self.menu.addAction(tr("从高拍仪窗口"), self.read_camera_window)
        self.from_reader = self.menu.addAction(tr("从读卡器"), self.read_reader)
        self.menu.addSeparator()
        self.watch_action = self.menu.addAction(tr("自动读取扫描文件夹中的新图片"))
        self.watch_action.setCheckable(True)
        self.watch_action.toggled.connect(self.set_watching)
        self.button.setMenu(self.menu)
        self.picker: Any = None
        self.watcher = QFileSystemWatcher(self)
        self.watcher.directoryChanged.connect(self._scan_dir_changed)
        self._scan_check = QTimer(self, singleShot=True, interval=300)  # let the scanner finish writing
        self._scan_check.timeout.connect(self._check_new_scan)
        self._scan_seen: tuple[str, int, int] | None = None  # newest image when watching began / last read
        self._scan_pending: tuple[str, int, int] | None = None
        self.kind = WheelSafeCombo()
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
        if watching_scans():  # from the settings or the environment: never ask anything at start
            folder = scan_dir()
            if folder and Path(folder).is_dir():
                self.watch_action.setChecked(True)
            else:
                QTimer.singleShot(0, lambda: self.status.emit(tr("扫描文件夹不存在，未开始监视：{d}", d=folder or "—")))

    # --- sources ------------------------------------------------------------------------------------
    def popup(self) -> None:
        """F11: the source menu under the button."""
        self.sync_kind()
        self.menu.popup(self.button.mapToGlobal(self.button.rect().bottomLeft()))
        self.menu.setActiveAction(self.menu.actions()[0])  # the first Enter reads (Qt opens with none active)

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

    # --- the scan folder, watched ----------------------------------------------------------------------
    def set_watching(self, on: bool) -> None:
        """Read each new image that arrives in the scan folder (the one already there are left alone)."""
        for d in self.watcher.directories():
            self.watcher.removePath(d)
        folder = scan_dir() if on else None
        if on and not folder:
            folder = QFileDialog.getExistingDirectory(self, tr("选择扫描文件夹"), str(Path.home())) or None
            if folder:
                settings().setValue("scan_dir", folder)
        if on and not folder:
            self.watch_action.setChecked(False)
            return
        settings().setValue("watch_scans", "true" if on else "false")
        if folder:
            self.watcher.addPath(folder)
            self._scan_seen = self._stamp(folder)
            self.status.emit(tr("正在监视扫描文件夹：{d}", d=folder))

    @staticmethod
    def _stamp(folder: str) -> tuple[str, int, int] | None:
        from clerkdesk.desk.documents import newest_image

        p = newest_image(folder)
        if p is None:
            return None
        st = p.stat()
        return str(p), st.st_mtime_ns, st.st_size

    def _scan_dir_changed(self, _path: str) -> None:
        self._scan_check.start()

    def _check_new_scan(self) -> None:
        """Read the newest image once two looks 300 ms apart agree on it (a scanner may still be writing)."""
        dirs = self.watcher.directories()
        now = self._stamp(dirs[0]) if dirs else None
        if now is None or now == self._scan_seen:
            self._scan_pending = None
            return
        if self.busy or now != self._scan_pending:  # one read at a time; and wait until the file stops growing
            self._scan_pending = now
            self._scan_check.start()
            return
        self._scan_pending = None
        self._scan_seen = now
        self.status.emit(tr("扫描文件夹中有新图片，正在读取"))
        self.read_file(now[0])

    # --- the screen ---------------------------------------------------------------------------------------
    def pick_region(self) -> None:
        """从屏幕区域…: our window steps aside, the desktop is frozen in a picker, the clerk marks the document."""
        if self.form.desk is None or self.busy:
            return
        win = self.window()
        win.hide()
        QTimer.singleShot(250, self._show_picker)  # let the desktop repaint without us

    def _show_picker(self, shot: Any = None) -> None:
        from clerkdesk.ui.qt_region_picker import RegionPicker, grab_desktop

        shot = shot if shot is not None else grab_desktop()
        if shot.isNull() or shot.width() < 2:
            self._back()
            self._say_problem(tr("无法截取屏幕（Wayland 会话不允许截屏时，请改用图片文件或扫描文件夹）"))
            return
        self.picker = RegionPicker(shot)
        self.picker.picked.connect(self._region_picked)
        self.picker.cancelled.connect(self._back)
        self.picker.show()
        self.picker.activateWindow()
        self.picker.setFocus()

    def _back(self) -> None:
        win = self.window()
        win.show()
        win.raise_()
        win.activateWindow()

    def _region_picked(self, rgb: Any) -> None:
        self._back()
        self.picker = None
        self.read_pixels(rgb)

    def read_pixels(self, rgb: Any, kind: str | None = None) -> None:
        kind = kind or str(self.kind.currentData())
        keep = self.keep.isChecked()
        self._run(lambda desk: desk.read_pixels(rgb, kind, source="screen", keep_image=keep), tr("正在识别证件…"))

    def read_camera_window(self) -> None:
        """从高拍仪窗口: what the document camera's preview window shows now (its title is asked once)."""
        if self.form.desk is None or self.busy:
            return
        title = camera_window()
        if not title:
            title = self._ask_window_title()
            if not title:
                return
            settings().setValue("camera_window", title)
        win = self.window()
        win.hide()
        QTimer.singleShot(250, lambda: self._grab_window(title))

    def _ask_window_title(self) -> str | None:
        try:
            from clerkdesk.vision.windows import list_windows

            mine = self.window().windowTitle()
            titles = sorted({w.title for w in list_windows() if w.title and w.title != mine})
        except Exception:
            titles = []
        title, ok = QInputDialog.getItem(self, tr("高拍仪窗口"), tr("选择高拍仪（或扫描预览）窗口："), titles, 0, True)
        return title.strip() if ok and title.strip() else None

    def _grab_window(self, title: str) -> None:
        from clerkdesk.capture.screen import grab_document

        try:
            rgb = grab_document(window=title)
        except Exception as e:
            self._back()
            self._failed(e)
            return
        self._back()
        self.read_pixels(rgb)

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
