"""The sandbox client's fixed-pixel layout and command line (no X needed)."""

from __future__ import annotations

import itertools

import pytest

from clerkdesk.sandbox.desktop import layout as L
from clerkdesk.sandbox.desktop.app import parse_args


def _overlap(a: L.Rect, b: L.Rect) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


@pytest.mark.parametrize("shifted", [False, True])
@pytest.mark.parametrize("key", ["open", "change"])
def test_fields_do_not_overlap_and_fit_the_panel(key: str, shifted: bool) -> None:
    m = L.matter(key, shifted)
    px, py, pw, ph = L.PANEL_RECT
    for tab in range(len(m.tabs)):
        rects = [r for f in m.fields if f.tab == tab for r in L.field_rects(f, shifted)]
        for a, b in itertools.combinations(rects, 2):
            assert not _overlap(a, b), (a, b)
        for x, y, w, h in rects:
            assert px < x and x + w < px + pw and py < y and y + h < py + ph


def test_open_matter_has_the_promised_fields() -> None:
    normal, shifted = L.matter("open"), L.matter("open", shifted=True)
    labels = {f.label for f in normal.fields}
    assert labels == {f.label for f in shifted.fields}
    assert len(labels) >= 12
    assert {"姓名", "证件类型", "证件号码", "性别", "出生日期", "民族", "手机号码", "固定电话", "家庭住址",
            "婚姻状况", "单位名称", "单位账号", "月缴存基数", "个人缴存比例", "开户日期"} <= labels
    assert len(L.ETHNIC_GROUPS) == len(set(L.ETHNIC_GROUPS)) == 56
    assert L.DEPOSIT_RATES[0] == "5%" and L.DEPOSIT_RATES[-1] == "12%"
    # the shifted layout really moves things
    for f in normal.fields:
        g = next(s for s in shifted.fields if s.label == f.label)
        assert L.field_rects(f)[1] != L.field_rects(g, True)[1]


def test_tab_order_differs_from_reading_order() -> None:
    m = L.matter("open")
    page0 = [f.label for f in m.fields if f.tab == 0]
    reading = [f.label for f in sorted((f for f in m.fields if f.tab == 0), key=lambda f: (f.long, f.col, f.row))]
    assert page0[:3] == ["姓名", "民族", "证件类型"]
    assert reading[:3] == ["姓名", "证件类型", "证件号码"]


def test_labels_sit_left_of_their_boxes() -> None:
    for shifted in (False, True):
        for f in L.matter("open", shifted).fields:
            (lx, ly, lw, lh), (bx, by, _, bh) = L.field_rects(f, shifted)
            assert lx + lw == bx and ly == by and lh == bh


def test_command_line() -> None:
    a = parse_args(["--log", "x.jsonl", "--fault", "notice", "--fault", "busy", "--scale", "1.5"])
    assert a.fault == ["notice", "busy"] and a.scale == 1.5
    with pytest.raises(SystemExit):
        parse_args(["--log", "x.jsonl", "--fault", "nope"])
    with pytest.raises(SystemExit):
        parse_args(["--fault", "notice"])  # --log is required
