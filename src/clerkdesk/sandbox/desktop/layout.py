"""Screen layout of the 住房公积金 sandbox client, as plain data (no Qt import).

Like a PowerBuilder/Delphi form, every widget sits at a fixed pixel position.
The client uses this module to place its widgets and the tests use it to
compute where to click, so both agree by construction.

All rectangles are ``(x, y, w, h)`` in *client coordinates* of the main window
(origin = top-left corner of the window's client area, i.e. above the menu bar)
at ``--scale 1.0``; :func:`scaled` multiplies them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Rect = tuple[int, int, int, int]
Kind = Literal["text", "combo", "date", "readonly"]

SYSTEM_TITLE = "住房公积金业务管理系统"
MAIN_TITLE = "住房公积金业务管理系统 V3.2"
LOGIN_TITLE = "用户登录 - 住房公积金业务管理系统"
NOTICE_TITLE = "系统公告"
SUCCESS_TITLE = "保存成功"
PROMPT_TITLE = "提示"

# --- window chrome (scale 1.0) -------------------------------------------------
MAIN_SIZE = (920, 640)
LOGIN_SIZE = (420, 260)
MENU_H = 26
STATUS_H = 24
TOOLBAR_Y = MENU_H + 6
TOOLBAR_BUTTONS: tuple[tuple[str, Rect], ...] = (
    ("个人开户", (8, TOOLBAR_Y, 100, 30)),
    ("信息变更", (112, TOOLBAR_Y, 100, 30)),
    ("退出系统", (216, TOOLBAR_Y, 100, 30)),
)
FORM_TOP = MENU_H + 44  # the form area starts under the toolbar and its separator line
TITLE_RECT: Rect = (20, MENU_H + 48, 500, 32)
TABBAR_RECT: Rect = (16, MENU_H + 86, 600, 30)
PANEL_RECT: Rect = (16, MENU_H + 115, 888, 410)
PANEL_BORDER = 2
PAGE_ORIGIN = (PANEL_RECT[0] + PANEL_BORDER, PANEL_RECT[1] + PANEL_BORDER)

# --- form grid (page coordinates, scale 1.0) ----------------------------------
ROW_TOP = 20
ROW_PITCH = 46
BOX_H = 28
LABEL_W = 130
COL_X = (16, 446)  # label x of column 0 / 1
BOX_W = 240
LONG_BOX_W = COL_X[1] + LABEL_W + BOX_W - (COL_X[0] + LABEL_W)  # spans both columns

# Combobox items -----------------------------------------------------------------
ID_TYPES = (
    "居民身份证",
    "护照",
    "港澳居民来往内地通行证",
    "台湾居民来往大陆通行证",
    "外国人永久居留身份证",
    "军官证",
    "其他",
)
GENDERS = ("男", "女")
# GB 3304-1991 order (codes 01..56)
ETHNIC_GROUPS = (
    "汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族", "布依族", "朝鲜族",
    "满族", "侗族", "瑶族", "白族", "土家族", "哈尼族", "哈萨克族", "傣族", "黎族", "傈僳族",
    "佤族", "畲族", "高山族", "拉祜族", "水族", "东乡族", "纳西族", "景颇族", "柯尔克孜族", "土族",
    "达斡尔族", "仫佬族", "羌族", "布朗族", "撒拉族", "毛南族", "仡佬族", "锡伯族", "阿昌族", "普米族",
    "塔吉克族", "怒族", "乌孜别克族", "俄罗斯族", "鄂温克族", "德昂族", "保安族", "裕固族", "京族", "塔塔尔族",
    "独龙族", "鄂伦春族", "赫哲族", "门巴族", "珞巴族", "基诺族",
)  # fmt: skip
MARITAL = ("未婚", "已婚", "丧偶", "离婚", "未说明")
DEPOSIT_RATES = tuple(f"{n}%" for n in range(5, 13))
CHANGE_ITEMS = ("手机号码", "固定电话", "家庭住址", "婚姻状况", "姓名", "证件号码", "单位名称")

COMBO_ITEMS: dict[str, tuple[str, ...]] = {
    "证件类型": ID_TYPES,
    "性别": GENDERS,
    "民族": ETHNIC_GROUPS,
    "婚姻状况": MARITAL,
    "个人缴存比例": DEPOSIT_RATES,
    "变更项目": CHANGE_ITEMS,
}
COMBO_DEFAULTS: dict[str, str] = {"个人缴存比例": "12%"}
READONLY_VALUES: dict[str, str] = {"单位缴存比例": "12%"}
MAX_LENGTH: dict[str, int] = {"证件号码": 18, "手机号码": 11, "单位账号": 12, "个人账号": 14}
REQUIRED: dict[str, tuple[str, ...]] = {
    "open": ("姓名", "证件号码"),
    "change": ("个人账号", "变更后内容"),
}


@dataclass(frozen=True)
class Field:
    label: str  # without the trailing "："
    kind: Kind
    tab: int  # index of the tab page it lives on
    row: int
    col: int  # 0 / 1; ignored when ``long``
    long: bool = False

    @property
    def label_text(self) -> str:
        return f"{self.label}："


@dataclass(frozen=True)
class Matter:
    key: str  # "open" / "change"
    title: str  # shown in menus, toolbar and as the form title
    tabs: tuple[str, ...]
    fields: tuple[Field, ...]  # in *creation* order = Tab order (row by row)


def _f(label: str, kind: Kind, tab: int, row: int, col: int = 0, long: bool = False) -> Field:
    return Field(label, kind, tab, row, col, long)


def _row_major(fields: list[Field]) -> tuple[Field, ...]:
    """Qt's Tab order is creation order; legacy forms were 'drawn' row by row."""
    return tuple(sorted(fields, key=lambda f: (f.tab, f.row, f.col)))


# Normal layout: the form *reads* column by column (left column top to bottom,
# then the right column) but Tab moves row by row (姓名 → 民族 → 证件类型 …).
_OPEN_NORMAL = [
    _f("姓名", "text", 0, 0, 0),
    _f("证件类型", "combo", 0, 1, 0),
    _f("证件号码", "text", 0, 2, 0),
    _f("性别", "combo", 0, 3, 0),
    _f("出生日期", "date", 0, 4, 0),
    _f("民族", "combo", 0, 0, 1),
    _f("手机号码", "text", 0, 1, 1),
    _f("固定电话", "text", 0, 2, 1),
    _f("婚姻状况", "combo", 0, 3, 1),
    _f("家庭住址", "text", 0, 5, 0, long=True),
    _f("单位名称", "text", 1, 0, 0, long=True),
    _f("单位账号", "text", 1, 1, 0),
    _f("个人缴存比例", "combo", 1, 2, 0),
    _f("开户日期", "date", 1, 3, 0),
    _f("月缴存基数", "text", 1, 1, 1),
    _f("单位缴存比例", "readonly", 1, 2, 1),
]

# --fault shifted: same fields, other places (columns swapped, rows reordered,
# long fields first, a notice line on top pushes everything down).
_OPEN_SHIFTED = [
    _f("家庭住址", "text", 0, 1, 0, long=True),
    _f("证件号码", "text", 0, 2, 0),
    _f("姓名", "text", 0, 3, 0),
    _f("手机号码", "text", 0, 4, 0),
    _f("固定电话", "text", 0, 5, 0),
    _f("证件类型", "combo", 0, 2, 1),
    _f("性别", "combo", 0, 3, 1),
    _f("民族", "combo", 0, 4, 1),
    _f("婚姻状况", "combo", 0, 5, 1),
    _f("出生日期", "date", 0, 6, 1),
    _f("单位账号", "text", 1, 1, 1),
    _f("单位名称", "text", 1, 2, 0, long=True),
    _f("月缴存基数", "text", 1, 3, 0),
    _f("开户日期", "date", 1, 4, 0),
    _f("个人缴存比例", "combo", 1, 3, 1),
    _f("单位缴存比例", "readonly", 1, 4, 1),
]

_CHANGE_NORMAL = [
    _f("个人账号", "text", 0, 0, 0),
    _f("证件号码", "text", 0, 1, 0),
    _f("姓名", "text", 0, 0, 1),
    _f("变更项目", "combo", 0, 1, 1),
    _f("变更后内容", "text", 0, 2, 0, long=True),
    _f("变更原因", "text", 0, 3, 0, long=True),
]
_CHANGE_SHIFTED = [
    _f("变更项目", "combo", 0, 1, 0),
    _f("个人账号", "text", 0, 2, 0),
    _f("姓名", "text", 0, 1, 1),
    _f("证件号码", "text", 0, 2, 1),
    _f("变更原因", "text", 0, 3, 0, long=True),
    _f("变更后内容", "text", 0, 4, 0, long=True),
]

OPEN_TITLE = "个人开户"
CHANGE_TITLE = "个人信息变更"


def matter(key: str, shifted: bool = False) -> Matter:
    if key == "open":
        return Matter(
            "open",
            OPEN_TITLE,
            ("基本信息", "单位信息"),
            _row_major(_OPEN_SHIFTED if shifted else _OPEN_NORMAL),
        )
    if key == "change":
        return Matter(
            "change", CHANGE_TITLE, ("变更登记",), _row_major(_CHANGE_SHIFTED if shifted else _CHANGE_NORMAL)
        )
    raise KeyError(key)


def page_offset(shifted: bool) -> tuple[int, int]:
    """Extra offset of the whole grid inside the page (the shifted layout is moved right and down)."""
    return (34, 0) if shifted else (0, 0)


def field_rects(f: Field, shifted: bool = False) -> tuple[Rect, Rect]:
    """(label rect, box rect) of a field in client coordinates, scale 1.0."""
    dx, dy = page_offset(shifted)
    px, py = PAGE_ORIGIN[0] + dx, PAGE_ORIGIN[1] + dy
    col = 0 if f.long else f.col
    if shifted:  # the shifted layout also uses a different grid: narrower labels, wider rows
        lx = (8, 420)[col]
        label_w, pitch, top = 120, 44, 14
    else:
        lx = COL_X[col]
        label_w, pitch, top = LABEL_W, ROW_PITCH, ROW_TOP
    y = py + top + f.row * pitch
    label = (px + lx, y, label_w, BOX_H)
    bx = px + lx + label_w
    bw = ((420 if shifted else COL_X[1]) + label_w + BOX_W - lx - label_w) if f.long else BOX_W
    return label, (bx, y, bw, BOX_H)


def button_rects(shifted: bool = False) -> dict[str, Rect]:
    """The form's buttons 保存 / 清空 / 关闭 (client coordinates, scale 1.0)."""
    y = PANEL_RECT[1] + PANEL_RECT[3] + 12
    xs = (20, 130, 240) if shifted else (584, 694, 804)
    return {name: (x, y, 100, 32) for name, x in zip(("保存", "清空", "关闭"), xs, strict=True)}


def tab_rects(m: Matter) -> list[Rect]:
    """Where the tabs are drawn (client coordinates, scale 1.0)."""
    x, y, _, h = TABBAR_RECT
    return [(x + i * 110, y, 110, h) for i in range(len(m.tabs))]


def scaled(r: Rect, scale: float) -> Rect:
    x, y, w, h = r
    return (round(x * scale), round(y * scale), round(w * scale), round(h * scale))


def center(r: Rect) -> tuple[int, int]:
    x, y, w, h = r
    return x + w // 2, y + h // 2


SHIFTED_HINT = "提示：请仔细核对证件原件，带 * 号的为必填项。"

# --- login dialog (dialog client coordinates, scale 1.0) --------------------------
LOGIN_BANNER: Rect = (0, 0, 420, 56)
LOGIN_FIELDS: dict[str, tuple[Rect, Rect]] = {
    "操作员代码": ((20, 80, 130, 28), (150, 80, 230, 28)),
    "密码": ((20, 124, 130, 28), (150, 124, 230, 28)),
}
LOGIN_BUTTONS: dict[str, Rect] = {"登录": (150, 196, 100, 32), "退出": (280, 196, 100, 32)}
SUCCESS_SIZE = (360, 170)
