"""从屏幕区域: the clerk marks the document on a frozen screenshot, like a snipping tool.

The picker shows the screenshot it was given over the whole desktop, dimmed; a drag marks a rectangle, which is
shown undimmed. Release (or Enter) reads it, Esc cancels. The crop is taken from the same screenshot the clerk
looked at, so a window that moves afterwards cannot change what is read; it never touches the disk.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, QRect, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QGuiApplication,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import QWidget

from clerkdesk.ui.i18n import tr

MIN_SIDE = 24  # device pixels: smaller marks are treated as a slip of the mouse


def grab_desktop() -> QPixmap:
    """The whole desktop as it is now (X11, Windows; empty on Wayland, where the compositor refuses)."""
    screen = QGuiApplication.primaryScreen()
    return screen.grabWindow(0)


def pixmap_to_rgb(pix: QPixmap, rect: QRect | None = None) -> np.ndarray:
    """RECT (device pixels) of PIX as an (H, W, 3) uint8 RGB array."""
    img = pix.toImage()
    if rect is not None:
        img = img.copy(rect)
    img = img.convertToFormat(QImage.Format.Format_RGB888)
    w, h, stride = img.width(), img.height(), img.bytesPerLine()
    buf = np.frombuffer(img.constBits(), np.uint8, count=stride * h).reshape(h, stride)
    return np.ascontiguousarray(buf[:, : w * 3].reshape(h, w, 3))


class RegionPicker(QWidget):
    """A frameless window over the desktop showing SHOT; ``picked`` carries the marked rectangle as RGB pixels."""

    picked = Signal(object)  # np.ndarray (H, W, 3) RGB
    cancelled = Signal()

    def __init__(self, shot: QPixmap, geometry: QRect | None = None):
        super().__init__(None, Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint
                         | Qt.WindowType.Tool)
        self.setObjectName("regionPicker")
        self.shot = shot
        self.setWindowTitle(tr("框选证件区域"))
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        dpr = shot.devicePixelRatio() or 1.0
        self.setGeometry(geometry or QRect(0, 0, round(shot.width() / dpr), round(shot.height() / dpr)))
        self._start: QPoint | None = None
        self._end: QPoint | None = None

    # --- the mark, in widget (logical) and screenshot (device) pixels ------------------------------------------
    def selection(self) -> QRect | None:
        if self._start is None or self._end is None:
            return None
        return QRect(self._start, self._end).normalized()

    def device_rect(self, r: QRect) -> QRect:
        sx = self.shot.width() / max(1, self.width())
        sy = self.shot.height() / max(1, self.height())
        out = QRect(round(r.x() * sx), round(r.y() * sy), round(r.width() * sx), round(r.height() * sy))
        return out.intersected(QRect(0, 0, self.shot.width(), self.shot.height()))

    def _finish(self) -> None:
        sel = self.selection()
        if sel is None:
            return
        r = self.device_rect(sel)
        if r.width() < MIN_SIDE or r.height() < MIN_SIDE:
            self._start = self._end = None
            self.update()
            return
        rgb = pixmap_to_rgb(self.shot, r)
        self.close()
        self.picked.emit(rgb)

    # --- events ----------------------------------------------------------------------------------------------
    def mousePressEvent(self, e: QMouseEvent) -> None:
        if e.button() == Qt.MouseButton.LeftButton:
            self._start = self._end = e.position().toPoint()
            self.update()

    def mouseMoveEvent(self, e: QMouseEvent) -> None:
        if self._start is not None:
            self._end = e.position().toPoint()
            self.update()

    def mouseReleaseEvent(self, e: QMouseEvent) -> None:
        if e.button() == Qt.MouseButton.LeftButton and self._start is not None:
            self._end = e.position().toPoint()
            self._finish()

    def keyPressEvent(self, e: QKeyEvent) -> None:
        if e.key() == Qt.Key.Key_Escape:
            self.close()
            self.cancelled.emit()
        elif e.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._finish()
        else:
            super().keyPressEvent(e)

    def paintEvent(self, _e: QPaintEvent) -> None:
        p = QPainter(self)
        p.drawPixmap(self.rect(), self.shot)
        p.fillRect(self.rect(), QColor(0, 0, 0, 110))
        sel = self.selection()
        if sel is not None and not sel.isEmpty():
            p.drawPixmap(sel, self.shot, self.device_rect(sel))
            p.setPen(QPen(QColor("#1677ff"), 2))
            p.drawRect(sel)
        p.setPen(QColor("white"))
        p.drawText(self.rect().adjusted(0, 16, 0, 0), Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                   tr("拖动鼠标框选证件，松开即识别；Esc 取消"))
        p.end()
