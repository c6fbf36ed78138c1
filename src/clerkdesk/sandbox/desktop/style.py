"""A Windows-2000-ish look on top of Qt's Fusion style.

Gray (#D4D0C8) dialogs, white sunken input boxes with a hard two-pixel bevel
(dark gray + black on the top/left, white + light gray on the bottom/right),
raised square buttons, combobox lists that drop *down* (not the Fusion
"menu over the current item" popup), and WenQuanYi Micro Hei at 12 pt.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPalette, QPolygon
from PySide6.QtWidgets import (
    QApplication,
    QProxyStyle,
    QStyle,
    QStyleFactory,
    QStyleHintReturn,
    QStyleOption,
    QStyleOptionComboBox,
    QStyleOptionComplex,
    QWidget,
)

GRAY = QColor("#D4D0C8")
LIGHT = QColor("#FFFFFF")
MIDLIGHT = QColor("#E4E2DC")
MID = QColor("#808080")
DARK = QColor("#404040")
BLACK = QColor("#000000")
NAVY = QColor("#0A246A")
FONT_FAMILY = "WenQuanYi Micro Hei"
FONT_PT = 12.0


def _bevel(
    p: QPainter, r: QRect, tl_outer: QColor, br_outer: QColor, tl_inner: QColor, br_inner: QColor
) -> None:
    x0, y0, x1, y1 = r.left(), r.top(), r.right(), r.bottom()
    p.save()
    p.setPen(tl_outer)
    p.drawLine(x0, y0, x1 - 1, y0)
    p.drawLine(x0, y0, x0, y1 - 1)
    p.setPen(br_outer)
    p.drawLine(x0, y1, x1, y1)
    p.drawLine(x1, y0, x1, y1)
    p.setPen(tl_inner)
    p.drawLine(x0 + 1, y0 + 1, x1 - 2, y0 + 1)
    p.drawLine(x0 + 1, y0 + 1, x0 + 1, y1 - 2)
    p.setPen(br_inner)
    p.drawLine(x0 + 1, y1 - 1, x1 - 1, y1 - 1)
    p.drawLine(x1 - 1, y0 + 1, x1 - 1, y1 - 1)
    p.restore()


def draw_sunken(p: QPainter, r: QRect) -> None:
    _bevel(p, r, MID, LIGHT, BLACK, GRAY)


def draw_raised(p: QPainter, r: QRect, pressed: bool = False) -> None:
    if pressed:
        _bevel(p, r, BLACK, LIGHT, MID, GRAY)
    else:
        _bevel(p, r, LIGHT, BLACK, MIDLIGHT, MID)


class Win2000Style(QProxyStyle):
    def __init__(self, scale: float = 1.0) -> None:
        super().__init__(QStyleFactory.create("Fusion"))
        self._scale = scale

    # -- metrics ---------------------------------------------------------------
    def styleHint(
        self,
        hint: QStyle.StyleHint,
        option: QStyleOption | None = None,
        widget: QWidget | None = None,
        returnData: QStyleHintReturn | None = None,
    ) -> int:
        if hint == QStyle.StyleHint.SH_ComboBox_Popup:
            return 0  # plain drop-down list below the box, like Windows
        if hint == QStyle.StyleHint.SH_DialogButtonBox_ButtonsHaveIcons:
            return 0
        return super().styleHint(hint, option, widget, returnData)

    def pixelMetric(
        self, metric: QStyle.PixelMetric, option: QStyleOption | None = None, widget: QWidget | None = None
    ) -> int:
        if metric == QStyle.PixelMetric.PM_DefaultFrameWidth:
            return 2
        if (
            metric == QStyle.PixelMetric.PM_ButtonShiftHorizontal
            or metric == QStyle.PixelMetric.PM_ButtonShiftVertical
        ):
            return 1
        return super().pixelMetric(metric, option, widget)

    def sizeFromContents(
        self, ct: QStyle.ContentsType, opt: QStyleOption, size: QSize, widget: QWidget | None = None
    ) -> QSize:
        if ct == QStyle.ContentsType.CT_TabBarTab:
            return QSize(round(110 * self._scale), round(30 * self._scale))
        return super().sizeFromContents(ct, opt, size, widget)

    # -- drawing ---------------------------------------------------------------
    def drawPrimitive(
        self, pe: QStyle.PrimitiveElement, opt: QStyleOption, p: QPainter, widget: QWidget | None = None
    ) -> None:
        if pe == QStyle.PrimitiveElement.PE_PanelLineEdit:
            enabled = bool(opt.state & QStyle.StateFlag.State_Enabled)
            read_only = bool(opt.state & QStyle.StateFlag.State_ReadOnly)
            p.fillRect(opt.rect, LIGHT if enabled and not read_only else GRAY)
            draw_sunken(p, opt.rect)
            return
        if pe == QStyle.PrimitiveElement.PE_FrameLineEdit:
            draw_sunken(p, opt.rect)
            return
        if pe == QStyle.PrimitiveElement.PE_PanelButtonCommand:
            pressed = bool(opt.state & (QStyle.StateFlag.State_Sunken | QStyle.StateFlag.State_On))
            p.fillRect(opt.rect, GRAY)
            r = QRect(opt.rect)
            if widget is not None and getattr(widget, "isDefault", lambda: False)():
                p.save()
                p.setPen(BLACK)
                p.drawRect(r.adjusted(0, 0, -1, -1))
                p.restore()
                r = r.adjusted(1, 1, -1, -1)
            draw_raised(p, r, pressed)
            return
        if pe == QStyle.PrimitiveElement.PE_FrameFocusRect:
            p.save()
            pen = p.pen()
            pen.setColor(BLACK)
            pen.setStyle(Qt.PenStyle.DotLine)
            p.setPen(pen)
            p.drawRect(opt.rect.adjusted(0, 0, -1, -1))
            p.restore()
            return
        if pe == QStyle.PrimitiveElement.PE_FrameTabWidget:
            p.fillRect(opt.rect, GRAY)
            draw_raised(p, opt.rect)
            return
        super().drawPrimitive(pe, opt, p, widget)

    def drawComplexControl(
        self, cc: QStyle.ComplexControl, opt: QStyleOptionComplex, p: QPainter, widget: QWidget | None = None
    ) -> None:
        if (
            cc == QStyle.ComplexControl.CC_ComboBox
            and isinstance(opt, QStyleOptionComboBox)
            and not opt.editable
        ):
            enabled = bool(opt.state & QStyle.StateFlag.State_Enabled)
            r = QRect(opt.rect)
            p.fillRect(r, LIGHT if enabled else GRAY)
            draw_sunken(p, r)
            arrow = self.subControlRect(cc, opt, QStyle.SubControl.SC_ComboBoxArrow, widget)
            p.fillRect(arrow, GRAY)
            down = bool(opt.state & QStyle.StateFlag.State_On)
            draw_raised(p, arrow, down)
            c = arrow.center()
            s = max(3, arrow.width() // 5)
            tri = QPolygon(
                [
                    QPoint(c.x() - s, c.y() - s // 2),
                    QPoint(c.x() + s, c.y() - s // 2),
                    QPoint(c.x(), c.y() + s - s // 2),
                ]
            )
            p.save()
            p.setPen(BLACK if enabled else MID)
            p.setBrush(BLACK if enabled else MID)
            p.drawPolygon(tri)
            p.restore()
            if opt.state & QStyle.StateFlag.State_HasFocus:
                edit = self.subControlRect(cc, opt, QStyle.SubControl.SC_ComboBoxEditField, widget)
                p.fillRect(edit.adjusted(0, 1, 0, -1), NAVY)
            return
        super().drawComplexControl(cc, opt, p, widget)

    def subControlRect(
        self,
        cc: QStyle.ComplexControl,
        opt: QStyleOptionComplex,
        sc: QStyle.SubControl,
        widget: QWidget | None = None,
    ) -> QRect:
        if cc == QStyle.ComplexControl.CC_ComboBox and isinstance(opt, QStyleOptionComplex):
            r = opt.rect
            bw = max(16, r.height() - 4)
            if sc == QStyle.SubControl.SC_ComboBoxArrow:
                return QRect(r.right() - 1 - bw, r.top() + 2, bw, r.height() - 4)
            if sc == QStyle.SubControl.SC_ComboBoxEditField:
                return QRect(r.left() + 3, r.top() + 3, r.width() - bw - 7, r.height() - 6)
            if sc == QStyle.SubControl.SC_ComboBoxFrame:
                return QRect(r)
            if sc == QStyle.SubControl.SC_ComboBoxListBoxPopup:
                return QRect(r)
        return super().subControlRect(cc, opt, sc, widget)

    def drawControl(
        self, ce: QStyle.ControlElement, opt: QStyleOption, p: QPainter, widget: QWidget | None = None
    ) -> None:
        if ce == QStyle.ControlElement.CE_ComboBoxLabel and isinstance(opt, QStyleOptionComboBox):
            edit = self.subControlRect(
                QStyle.ComplexControl.CC_ComboBox, opt, QStyle.SubControl.SC_ComboBoxEditField, widget
            )
            focus = bool(opt.state & QStyle.StateFlag.State_HasFocus)
            enabled = bool(opt.state & QStyle.StateFlag.State_Enabled)
            p.save()
            p.setPen(LIGHT if focus else (BLACK if enabled else MID))
            p.drawText(
                edit.adjusted(3, 0, -2, 0),
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                opt.currentText,
            )
            p.restore()
            return
        super().drawControl(ce, opt, p, widget)


def _palette() -> QPalette:
    pal = QPalette()
    roles = QPalette.ColorRole
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive, QPalette.ColorGroup.Disabled):
        pal.setColor(group, roles.Window, GRAY)
        pal.setColor(group, roles.Button, GRAY)
        pal.setColor(group, roles.Base, LIGHT)
        pal.setColor(group, roles.AlternateBase, MIDLIGHT)
        pal.setColor(group, roles.Light, LIGHT)
        pal.setColor(group, roles.Midlight, MIDLIGHT)
        pal.setColor(group, roles.Mid, MID)
        pal.setColor(group, roles.Dark, MID)
        pal.setColor(group, roles.Shadow, DARK)
        pal.setColor(group, roles.Highlight, NAVY)
        pal.setColor(group, roles.HighlightedText, LIGHT)
        pal.setColor(group, roles.ToolTipBase, QColor("#FFFFE1"))
        pal.setColor(group, roles.ToolTipText, BLACK)
        text = MID if group == QPalette.ColorGroup.Disabled else BLACK
        for role in (roles.WindowText, roles.Text, roles.ButtonText, roles.PlaceholderText):
            pal.setColor(group, role, text)
    return pal


def legacy_font(scale: float = 1.0, bold: bool = False, pt: float = FONT_PT) -> QFont:
    f = QFont(FONT_FAMILY)
    f.setPointSizeF(pt * scale)
    f.setBold(bold)
    f.setHintingPreference(QFont.HintingPreference.PreferFullHinting)
    return f


def apply_legacy_look(app: QApplication, scale: float = 1.0) -> Win2000Style:
    style = Win2000Style(scale)
    app.setStyle(style)
    app.setPalette(_palette())
    app.setFont(legacy_font(scale))
    return style
