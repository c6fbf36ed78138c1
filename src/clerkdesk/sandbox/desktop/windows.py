"""The windows of the sandbox client: login, main window, the two matter forms, dialogs."""

from __future__ import annotations

import json
import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QRect, Qt, QTimer
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QColor,
    QKeyEvent,
    QPainter,
    QPaintEvent,
    QRegularExpressionValidator,
)
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QFrame,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QStatusBar,
    QTabBar,
    QWidget,
)

from . import layout as L
from .style import NAVY, draw_raised, legacy_font

FieldWidget = QLineEdit | QComboBox
NOTICE_TEXT = (
    "【系统公告】\n"
    "各经办网点：\n"
    "因住房公积金综合服务平台升级改造，本系统将于本周六 20:00 至次日 08:00 暂停服务。\n"
    "请提前做好业务安排。\n"
    "                                        市住房公积金管理中心信息科"
)


@dataclass
class Options:
    log: Path
    faults: frozenset[str] = frozenset()
    scale: float = 1.0
    seed: int | None = None
    rng: random.Random = field(default_factory=random.Random)

    def s(self, v: float) -> int:
        return round(v * self.scale)

    def rect(self, r: L.Rect, dy: int = 0) -> QRect:
        x, y, w, h = L.scaled((r[0], r[1] + dy, r[2], r[3]), self.scale)
        return QRect(x, y, w, h)


# ----------------------------------------------------------------------------------
# small dialogs
# ----------------------------------------------------------------------------------


class FramedMixin:
    """Draw a raised Win32 dialog edge: under Xvfb there is no window manager to frame dialogs."""

    def paint_frame(self) -> None:
        assert isinstance(self, QWidget)
        p = QPainter(self)
        draw_raised(p, self.rect())
        p.end()


class LegacyMessageBox(QMessageBox, FramedMixin):
    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        self.paint_frame()


def message(
    parent: QWidget | None, title: str, text: str, icon: QMessageBox.Icon = QMessageBox.Icon.Information
) -> QMessageBox:
    box = LegacyMessageBox(parent)
    box.setWindowTitle(title)
    box.setIcon(icon)
    box.setText(text)
    ok = box.addButton("确定", QMessageBox.ButtonRole.AcceptRole)
    box.setDefaultButton(ok)
    box.setEscapeButton(ok)
    box.setWindowModality(Qt.WindowModality.ApplicationModal)
    return box


def confirm(parent: QWidget | None, title: str, text: str) -> bool:
    box = LegacyMessageBox(parent)
    box.setWindowTitle(title)
    box.setIcon(QMessageBox.Icon.Question)
    box.setText(text)
    yes = box.addButton("确定", QMessageBox.ButtonRole.AcceptRole)
    no = box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(no)
    box.exec()
    return box.clickedButton() is yes


class SuccessDialog(QDialog, FramedMixin):
    """Modal "保存成功" box with the new account number and a 确定 button."""

    def __init__(self, parent: QWidget, opts: Options, lines: list[str]) -> None:
        super().__init__(parent)
        self.setWindowTitle(L.SUCCESS_TITLE)
        self.setModal(True)
        self.setFixedSize(opts.s(L.SUCCESS_SIZE[0]), opts.s(L.SUCCESS_SIZE[1]))
        head = QLabel("保存成功！", self)
        head.setFont(legacy_font(opts.scale, bold=True))
        head.setGeometry(opts.rect((30, 16, 300, 28)))
        for i, line in enumerate(lines):
            lab = QLabel(line, self)
            lab.setGeometry(opts.rect((30, 50 + i * 30, 320, 28)))
            lab.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        ok = QPushButton("确定", self)
        ok.setGeometry(opts.rect((130, 118, 100, 32)))
        ok.setDefault(True)
        ok.clicked.connect(self.accept)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        self.paint_frame()


# ----------------------------------------------------------------------------------
# login
# ----------------------------------------------------------------------------------


class Banner(QWidget):
    def __init__(self, parent: QWidget, text: str, opts: Options) -> None:
        super().__init__(parent)
        self._text = text
        self._opts = opts

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), NAVY)
        p.setPen(QColor("#FFFFFF"))
        p.setFont(legacy_font(self._opts.scale, bold=True, pt=15))
        p.drawText(self.rect(), int(Qt.AlignmentFlag.AlignCenter), self._text)


class LoginDialog(QDialog, FramedMixin):
    def __init__(self, opts: Options) -> None:
        super().__init__(None)
        self.opts = opts
        self.setWindowTitle(L.LOGIN_TITLE)
        self.setFixedSize(opts.s(L.LOGIN_SIZE[0]), opts.s(L.LOGIN_SIZE[1]))
        Banner(self, L.SYSTEM_TITLE, opts).setGeometry(opts.rect(L.LOGIN_BANNER))
        self.boxes: dict[str, QLineEdit] = {}
        for name, (lrect, brect) in L.LOGIN_FIELDS.items():
            lab = QLabel(f"{name}：", self)
            lab.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            lab.setGeometry(opts.rect(lrect))
            box = QLineEdit(self)
            box.setTextMargins(opts.s(3), 0, opts.s(3), 0)
            box.setGeometry(opts.rect(brect))
            self.boxes[name] = box
        self.boxes["密码"].setEchoMode(QLineEdit.EchoMode.Password)
        login = QPushButton("登录", self)
        login.setGeometry(opts.rect(L.LOGIN_BUTTONS["登录"]))
        login.setDefault(True)
        login.clicked.connect(self._try)
        quit_ = QPushButton("退出", self)
        quit_.setGeometry(opts.rect(L.LOGIN_BUTTONS["退出"]))
        quit_.setAutoDefault(False)
        quit_.clicked.connect(self.reject)
        self.operator = ""

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        self.paint_frame()

    def _try(self) -> None:
        code = self.boxes["操作员代码"].text().strip()
        pw = self.boxes["密码"].text()
        if not code or not pw:
            message(self, L.PROMPT_TITLE, "请输入操作员代码和密码！", QMessageBox.Icon.Warning).exec()
            (self.boxes["操作员代码"] if not code else self.boxes["密码"]).setFocus()
            return
        self.operator = code
        self.accept()


# ----------------------------------------------------------------------------------
# the matter forms
# ----------------------------------------------------------------------------------


class Panel(QFrame):
    """The raised 3-D panel under the tab bar (a Win32 tab control's body)."""

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        draw_raised(p, self.rect())


class RecordLog:
    """Appends one JSON line per saved record; numbers are unique and increasing per log file."""

    ACCOUNT_RE = re.compile(r"^GJ(\d{4})(\d{8})$")
    SERIAL_RE = re.compile(r"^BG(\d{4})(\d{8})$")

    def __init__(self, path: Path) -> None:
        self.path = path

    def _next(self, key: str, rx: re.Pattern[str], prefix: str) -> str:
        top = 10000000
        if self.path.exists():
            for line in self.path.read_text(encoding="utf-8").splitlines():
                try:
                    value = json.loads(line).get(key, "")
                except (ValueError, AttributeError):
                    continue
                m = rx.match(str(value))
                if m:
                    top = max(top, int(m.group(2)))
        return f"{prefix}{datetime.now():%Y}{top + 1:08d}"

    def next_account(self) -> str:
        return self._next("account", self.ACCOUNT_RE, "GJ")

    def next_serial(self) -> str:
        return self._next("serial", self.SERIAL_RE, "BG")

    def append(self, entry: dict[str, object]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
            fh.flush()


class MatterForm(QWidget):
    """One business form (个人开户 / 个人信息变更) placed at fixed pixel positions."""

    def __init__(self, parent: QWidget, opts: Options, key: str, on_close: Callable[[], None]) -> None:
        super().__init__(parent)
        self.opts = opts
        self.shifted = "shifted" in opts.faults
        self.matter = L.matter(key, self.shifted)
        self.on_close = on_close
        self.log = RecordLog(opts.log)
        dy = -L.FORM_TOP  # layout is in client coordinates; this widget starts under the toolbar

        title = QLabel(self.matter.title, self)
        title.setFont(legacy_font(opts.scale, bold=True, pt=15))
        title.setGeometry(opts.rect(L.TITLE_RECT, dy))

        self.tabbar = QTabBar(self)
        self.tabbar.setDrawBase(False)
        self.tabbar.setExpanding(False)
        for name in self.matter.tabs:
            self.tabbar.addTab(name)
        self.tabbar.setGeometry(opts.rect(L.TABBAR_RECT, dy))
        panel = Panel(self)
        panel.setGeometry(opts.rect(L.PANEL_RECT, dy))
        b = opts.s(L.PANEL_BORDER)
        self.pages: list[QWidget] = []
        for _ in self.matter.tabs:
            page = QWidget(panel)
            page.setGeometry(b, b, panel.width() - 2 * b, panel.height() - 2 * b)
            page.hide()
            self.pages.append(page)
        self.pages[0].show()
        self.tabbar.currentChanged.connect(self.show_tab)

        if self.shifted:
            hint = QLabel(L.SHIFTED_HINT, self.pages[0])
            hint.setStyleSheet("color: #800000")
            hint.setGeometry(opts.rect((8 + L.page_offset(True)[0], 14, 700, 28)))

        page_x, page_y = L.PAGE_ORIGIN
        self.fields: dict[str, FieldWidget] = {}
        self.field_tab: dict[str, int] = {}
        for f in self.matter.fields:  # creation order == Tab order (row by row)
            page = self.pages[f.tab]
            lrect, brect = L.field_rects(f, self.shifted)
            lab = QLabel(f.label_text, page)
            lab.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            lab.setGeometry(opts.rect((lrect[0] - page_x, lrect[1] - page_y, lrect[2], lrect[3])))
            w = self._make(f, page)
            w.setGeometry(opts.rect((brect[0] - page_x, brect[1] - page_y, brect[2], brect[3])))
            if f.label in L.REQUIRED[key]:
                star = QLabel("*", page)
                star.setStyleSheet("color: #C00000")
                star.setGeometry(
                    opts.rect((brect[0] + brect[2] + 4 - page_x, brect[1] - page_y, 12, brect[3]))
                )
            self.fields[f.label] = w
            self.field_tab[f.label] = f.tab

        self.buttons: dict[str, QPushButton] = {}
        for name, rect in L.button_rects(self.shifted).items():
            btn = QPushButton(name, self)
            btn.setGeometry(opts.rect(rect, dy))
            self.buttons[name] = btn
        self.buttons["保存"].setDefault(True)
        self.buttons["保存"].clicked.connect(self.save)
        self.buttons["清空"].clicked.connect(self.clear)
        self.buttons["关闭"].clicked.connect(self.close_form)
        self.clear()

    # -- widgets ---------------------------------------------------------------
    def _make(self, f: L.Field, page: QWidget) -> FieldWidget:
        if f.kind == "combo":
            combo = QComboBox(page)
            combo.addItems(list(L.COMBO_ITEMS[f.label]))
            combo.setMaxVisibleItems(8)
            return combo
        box = QLineEdit(page)
        box.setTextMargins(self.opts.s(3), 0, self.opts.s(3), 0)
        if f.kind == "date":
            box.setInputMask("0000-00-00")
        elif f.kind == "readonly":
            box.setReadOnly(True)
            box.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        if f.label in L.MAX_LENGTH:
            box.setMaxLength(L.MAX_LENGTH[f.label])
        if f.label in ("手机号码", "单位账号"):
            box.setValidator(QRegularExpressionValidator(r"\d*", box))
        elif f.label == "月缴存基数":
            box.setValidator(QRegularExpressionValidator(r"\d{0,9}(\.\d{0,2})?", box))
        elif f.label == "固定电话":
            box.setValidator(QRegularExpressionValidator(r"[\d\-]*", box))
        return box

    def show_tab(self, index: int) -> None:
        for i, page in enumerate(self.pages):
            page.setVisible(i == index)
        if self.tabbar.currentIndex() != index:
            self.tabbar.setCurrentIndex(index)

    def value(self, label: str) -> str:
        w = self.fields[label]
        return w.currentText() if isinstance(w, QComboBox) else w.text()

    def values(self) -> dict[str, str]:
        return {
            f.label: self.value(f.label)
            for f in sorted(self.matter.fields, key=lambda f: (f.tab, f.col, f.row))
        }

    def clear(self) -> None:
        for label, w in self.fields.items():
            if isinstance(w, QComboBox):
                default = L.COMBO_DEFAULTS.get(label)
                w.setCurrentIndex(w.findText(default) if default else 0)
            elif label in L.READONLY_VALUES:
                w.setText(L.READONLY_VALUES[label])
            elif label == "开户日期":
                w.setText(f"{datetime.now():%Y-%m-%d}")
            else:
                w.clear()
        self.show_tab(0)
        first = next(iter(self.fields.values()))
        first.setFocus()

    # -- actions ---------------------------------------------------------------
    def save(self) -> None:
        for label in L.REQUIRED[self.matter.key]:
            if not self.value(label).strip():
                message(self.window(), L.PROMPT_TITLE, f"{label}不能为空！", QMessageBox.Icon.Warning).exec()
                self.show_tab(self.field_tab[label])
                self.fields[label].setFocus()
                return
        fields = self.values()
        # the notice fault is a surprise *while filling*: one not yet shown never covers the save's answer (a
        # fast fill could otherwise save before it was due, and the read of 业务流水号 met the notice instead)
        cancel = getattr(self.window(), "cancel_notice", None)
        if cancel is not None:
            cancel()
        entry: dict[str, object] = {"matter": self.matter.title}
        if self.matter.key == "open":
            account = self.log.next_account()
            entry["account"] = account
            lines = [f"个人账号：{account}"]
        else:
            serial = self.log.next_serial()
            entry["account"] = fields["个人账号"]
            entry["serial"] = serial
            lines = [f"个人账号：{fields['个人账号']}", f"业务流水号：{serial}"]
        entry["at"] = datetime.now().isoformat(timespec="seconds")
        entry["fields"] = fields
        self.log.append(entry)
        SuccessDialog(self.window(), self.opts, lines).exec()
        self.clear()

    def close_form(self) -> None:
        self.on_close()


class FormKeys(QObject):
    """Application-wide key handling of an open form.

    * Return/Enter anywhere in the form presses the default button 保存 (the
      classic Win32 dialog behaviour the clerks trip over: a half-filled record
      is saved). On a focused button Return presses that button.
    * ``busy`` fault: after a field gains focus or is clicked, keystrokes are
      dropped for a short random time (0.3-1.2 s).
    """

    def __init__(self, form: MatterForm) -> None:
        super().__init__(form)
        self.form = form
        self.busy = "busy" in form.opts.faults
        self.busy_until = 0.0

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        form = self.form
        if (
            not isinstance(obj, QWidget)
            or not form.isVisible()
            or not (obj is form or form.isAncestorOf(obj))
        ):
            return False
        t = event.type()
        if (
            self.busy
            and t in (QEvent.Type.FocusIn, QEvent.Type.MouseButtonPress)
            and obj in form.fields.values()
        ):
            self.busy_until = _now() + form.opts.rng.uniform(0.3, 1.2)
            return False
        if t == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if self.busy and _now() < self.busy_until and obj in form.fields.values():
                return True
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                if isinstance(obj, QPushButton):
                    obj.click()
                else:
                    QTimer.singleShot(0, form.save)
                return True
        return False


def _now() -> float:
    return time.monotonic()


# ----------------------------------------------------------------------------------
# main window
# ----------------------------------------------------------------------------------


class MainWindow(QMainWindow):
    def __init__(self, opts: Options, operator: str) -> None:
        super().__init__(None)
        self.opts = opts
        self.setWindowTitle(L.MAIN_TITLE)
        self.setFixedSize(opts.s(L.MAIN_SIZE[0]), opts.s(L.MAIN_SIZE[1]))

        bar = self.menuBar()
        bar.setFixedHeight(opts.s(L.MENU_H))
        biz = bar.addMenu("业务办理(&B)")
        act_open = QAction(L.OPEN_TITLE, self)
        act_open.triggered.connect(lambda: self.open_matter("open"))
        act_change = QAction(L.CHANGE_TITLE, self)
        act_change.triggered.connect(lambda: self.open_matter("change"))
        biz.addAction(act_open)
        biz.addAction(act_change)
        sysm = bar.addMenu("系统(&S)")
        act_quit = QAction("退出", self)
        act_quit.triggered.connect(self.ask_quit)
        sysm.addAction(act_quit)

        central = QWidget(self)
        self.setCentralWidget(central)
        self.central = central
        actions: dict[str, Callable[[], None]] = {
            "个人开户": lambda: self.open_matter("open"),
            "信息变更": lambda: self.open_matter("change"),
            "退出系统": self.ask_quit,
        }
        for name, rect in L.TOOLBAR_BUTTONS:
            btn = QPushButton(name, central)
            btn.setGeometry(opts.rect(rect, -L.MENU_H))
            btn.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            btn.clicked.connect(actions[name])
        line = QFrame(central)
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        line.setGeometry(0, opts.s(42), opts.s(L.MAIN_SIZE[0]), opts.s(2))
        self.welcome = QLabel("请从【业务办理】菜单或工具栏选择要办理的业务。", central)
        self.welcome.setGeometry(opts.rect((20, L.MENU_H + 60, 800, 32), -L.MENU_H))

        status = QStatusBar(self)
        status.setFixedHeight(opts.s(L.STATUS_H))
        status.setSizeGripEnabled(False)
        self.setStatusBar(status)
        for text in (f"操作员：{operator}", "网点：市直营业部", f"日期：{datetime.now():%Y-%m-%d}"):
            lab = QLabel(text)
            lab.setFrameShape(QFrame.Shape.Panel)
            lab.setFrameShadow(QFrame.Shadow.Sunken)
            status.addPermanentWidget(lab)
        status.showMessage("就绪")

        self.form: MatterForm | None = None
        self.keys: FormKeys | None = None
        self._notice_timer: QTimer | None = None

    def open_matter(self, key: str) -> None:
        self.close_matter()
        form = MatterForm(self.central, self.opts, key, self.close_matter)
        top = self.opts.s(L.FORM_TOP - L.MENU_H)
        form.setGeometry(0, top, self.central.width(), self.central.height() - top)
        self.welcome.hide()
        form.show()
        self.form = form
        self.keys = FormKeys(form)
        app = QApplication.instance()
        assert app is not None
        app.installEventFilter(self.keys)
        form.clear()
        self.statusBar().showMessage(f"正在办理：{form.matter.title}")
        if "notice" in self.opts.faults:
            timer = QTimer(self)
            timer.setSingleShot(True)
            timer.timeout.connect(self.show_notice)
            timer.start(self.opts.rng.randint(1000, 3000))
            self._notice_timer = timer

    def cancel_notice(self) -> None:
        if self._notice_timer is not None:
            self._notice_timer.stop()
            self._notice_timer = None

    def close_matter(self) -> None:
        self.cancel_notice()
        if self.form is not None:
            app = QApplication.instance()
            if app is not None and self.keys is not None:
                app.removeEventFilter(self.keys)
            self.form.hide()
            self.form.deleteLater()
            self.form = None
            self.keys = None
        self.welcome.show()
        self.statusBar().showMessage("就绪")

    def show_notice(self) -> None:
        self._notice_timer = None
        message(self, L.NOTICE_TITLE, NOTICE_TEXT).exec()

    def ask_quit(self) -> None:
        if confirm(self, L.PROMPT_TITLE, "确定要退出住房公积金业务管理系统吗？"):
            QApplication.quit()

    def closeEvent(self, event: QCloseEvent) -> None:
        event.accept()
        QApplication.quit()
