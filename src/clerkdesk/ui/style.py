"""Look and feel: CJK fonts on Windows and Linux, HiDPI, one small style sheet."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication
from PySide6.QtWidgets import QApplication

from clerkdesk.records.runstate import RunStatus

CJK_FAMILIES = ("Microsoft YaHei UI", "Microsoft YaHei", "WenQuanYi Micro Hei", "Noto Sans CJK SC",
                "Source Han Sans SC", "PingFang SC", "SimHei")

STATUS_COLOURS = {RunStatus.SUCCEEDED: "#1b7f3b", RunStatus.FAILED: "#c62828", RunStatus.NEEDS_CLERK: "#b26a00",
                  RunStatus.ABORTED: "#6d6d6d", RunStatus.RUNNING: "#1565c0", RunStatus.PAUSED: "#6a1b9a",
                  RunStatus.PLANNED: "#546e7a", RunStatus.QUEUED: "#546e7a"}

SHEET = """
QWidget { font-size: 10.5pt; }
QLabel#title { font-size: 14pt; font-weight: bold; }
QLabel#problem { color: #c62828; }
QLabel#warning { color: #b26a00; }
QLabel#hint { color: #666; }
QLabel#changed { color: #b26a00; }
QLineEdit[invalid="true"], QComboBox[invalid="true"] { border: 2px solid #c62828; background: #fff5f5; }
QLineEdit[derived="true"] { background: #f0f0f0; color: #333; }
QLineEdit[doubtful="true"], QComboBox[doubtful="true"] { background: #ffe8a3; }  /* read from a document: check it */
QFrame#summary { border: 2px solid #c62828; border-radius: 4px; background: #fff5f5; }
QFrame#card { border: 1px solid #c8c8c8; border-radius: 6px; background: #fcfcfc; }
""" + "".join(f'QFrame#card[state="{s}"] {{ border: 2px solid {STATUS_COLOURS[s]}; }}\n'  # a card's run status
              for s in (RunStatus.FAILED, RunStatus.SUCCEEDED, RunStatus.NEEDS_CLERK)) + """QLineEdit#receipt { font-size: 13pt; font-weight: bold; color: #1b7f3b; }
QPushButton { padding: 4px 10px; }
QPushButton:focus, QLineEdit:focus, QComboBox:focus, QListWidget:focus, QTableWidget:focus {
    outline: 2px solid #1565c0; }
"""


def setup_hidpi() -> None:
    """Call before the QApplication exists (Qt 6 scales by default; keep fractional factors exact)."""
    from PySide6.QtCore import Qt

    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)


def cjk_family() -> str | None:
    available = set(QFontDatabase.families())
    return next((f for f in CJK_FAMILIES if f in available), None)


def apply(app: QApplication) -> None:
    font = QFont(app.font())
    fam = cjk_family()
    families = [fam] if fam else []
    families += [f for f in CJK_FAMILIES if f != fam]
    font.setFamilies(families)  # the rest are fallbacks, in order
    font.setPointSizeF(max(font.pointSizeF(), 10.5))
    app.setFont(font)
    app.setStyleSheet(SHEET)
