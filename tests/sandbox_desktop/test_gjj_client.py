"""The 住房公积金 sandbox client as a real X11 app, driven only by real X input."""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
import pytest
from gjj_client import Client, visible_windows

from clerkdesk.sandbox.desktop import layout as L

pytestmark = pytest.mark.desktop
Start = Callable[..., Client]


def _not_blank(img: np.ndarray) -> None:
    assert img.size
    gray = img.mean(axis=2)
    assert gray.std() > 5, "screenshot is (nearly) one colour"
    assert (gray < 80).mean() > 0.002, "no dark text/borders on screen"
    # the legacy gray background dominates
    bg = np.all(np.abs(img.astype(int) - (0xD4, 0xD0, 0xC8)) < 6, axis=2).mean()
    assert bg > 0.4, f"only {bg:.0%} of the window is the legacy gray"


def test_login_then_main_window_appears_and_is_not_blank(start: Start) -> None:
    c = start()
    c.attach(L.LOGIN_TITLE)
    x, y, w, h = c.geometry(c.wid)
    assert (w, h) == L.LOGIN_SIZE
    assert (x, y) == ((1280 - w) // 2, (800 - h) // 2)
    _not_blank(c.screenshot())
    # empty password is refused with a 提示 box
    c.click_rect(L.LOGIN_FIELDS["操作员代码"][1])
    c.type("op001")
    c.key("Return")
    c.wait_window(L.PROMPT_TITLE)
    c.key("Return")
    c.wait_gone(L.PROMPT_TITLE)
    c.click_rect(L.LOGIN_FIELDS["密码"][1])
    c.type("secret")
    c.key("Return")
    c.attach(L.MAIN_TITLE)
    assert c.geometry(c.wid)[2:] == L.MAIN_SIZE
    assert not visible_windows(L.LOGIN_TITLE)
    img = c.screenshot()
    _not_blank(img)
    c.click_rect(L.TOOLBAR_BUTTONS[0][1])  # 个人开户
    time.sleep(0.3)
    img2 = c.screenshot()
    assert np.abs(img2.astype(int) - img.astype(int)).sum() > 0, "opening the form changed nothing on screen"


def test_input_boxes_are_sunken_white_with_a_dark_border(start: Start) -> None:
    c = start("--operator", "op001", "--open", "open")
    c.attach(L.MAIN_TITLE)
    img = c.screenshot()
    for label in ("姓名", "证件号码", "家庭住址"):
        x, y, w, h = c.box(label)
        cy = y + h // 2
        assert tuple(img[cy, x + 1]) == (0, 0, 0), f"{label}: no black inner border at the left edge"
        assert tuple(img[y + 1, x + w // 2]) == (0, 0, 0), f"{label}: no black inner border at the top"
        assert tuple(img[cy, x + w - 10]) == (255, 255, 255), f"{label}: box is not white inside"
        assert tuple(img[cy, x - 10 if label != "姓名" else x - 5]) != (255, 255, 255)
        # the label cell left of the box holds dark text on gray
        lx, ly, lw, lh = L.field_rects(next(f for f in L.matter("open").fields if f.label == label))[0]
        cell = img[ly : ly + lh, lx : lx + lw]
        assert (cell.max(axis=2) < 90).sum() > 30, f"{label}: no text in the label cell"


def test_fill_and_save_by_real_x_input(start: Start) -> None:
    c = start("--operator", "op001", "--open", "open")
    c.attach(L.MAIN_TITLE)
    c.fill("姓名", "欧阳娜娜")
    c.fill("证件号码", "11010519491231002X")
    c.choose("性别", "女")
    c.click_field("出生日期")
    c.key("Home")
    c.type("19491231")
    c.fill("手机号码", "13800138000")
    c.fill("家庭住址", "北京市朝阳区建国路88号院3号楼")
    c.show_tab(1)
    c.fill("单位名称", "北京市某某科技有限公司")
    c.fill("月缴存基数", "8500.50")
    c.click_rect(L.button_rects()["保存"])
    c.wait_window(L.SUCCESS_TITLE)
    (rec,) = c.wait_records(1)
    assert rec["matter"] == "个人开户"
    assert str(rec["account"]).startswith("GJ") and len(str(rec["account"])) == 14
    fields = rec["fields"]
    assert isinstance(fields, dict)
    assert fields["姓名"] == "欧阳娜娜"
    assert fields["证件号码"] == "11010519491231002X"
    assert fields["性别"] == "女"
    assert fields["出生日期"] == "1949-12-31"
    assert fields["手机号码"] == "13800138000"
    assert fields["家庭住址"] == "北京市朝阳区建国路88号院3号楼"
    assert fields["单位名称"] == "北京市某某科技有限公司"
    assert fields["月缴存基数"] == "8500.50"
    assert fields["证件类型"] == "居民身份证" and fields["民族"] == "汉族" and fields["个人缴存比例"] == "12%"
    assert set(fields) >= {"姓名", "证件类型", "证件号码", "性别", "出生日期", "民族", "手机号码", "固定电话",
                           "家庭住址", "婚姻状况", "单位名称", "单位账号", "月缴存基数", "个人缴存比例", "开户日期"}
    c.key("Return")  # 确定 on 保存成功
    c.wait_gone(L.SUCCESS_TITLE)
    # a second record gets the next number
    c.fill("姓名", "李四")
    c.fill("证件号码", "110101199001010011")
    c.click_rect(L.button_rects()["保存"])
    c.wait_window(L.SUCCESS_TITLE)
    recs = c.wait_records(2)
    assert int(str(recs[1]["account"])[-8:]) == int(str(recs[0]["account"])[-8:]) + 1


def test_return_in_a_field_saves_a_half_filled_record(start: Start) -> None:
    c = start("--operator", "op001", "--open", "open")
    c.attach(L.MAIN_TITLE)
    c.fill("姓名", "王五")
    c.fill("证件号码", "110101198001010019")
    c.key("Return")  # the trap: meant "next field", it presses 保存
    c.wait_window(L.SUCCESS_TITLE)
    (rec,) = c.wait_records(1)
    fields = rec["fields"]
    assert isinstance(fields, dict)
    assert fields["姓名"] == "王五"
    assert fields["手机号码"] == "" and fields["家庭住址"] == "" and fields["出生日期"] == "--"
    c.key("Return")
    c.wait_gone(L.SUCCESS_TITLE)
    # Return with 姓名 empty: a 提示 box, nothing logged
    c.click_field("手机号码")
    c.type("139")
    c.key("Return")
    c.wait_window(L.PROMPT_TITLE)
    c.key("Return")
    c.wait_gone(L.PROMPT_TITLE)
    assert len(c.records()) == 1


def test_tab_order_runs_row_by_row(start: Start) -> None:
    c = start("--operator", "op001", "--open", "open")
    c.attach(L.MAIN_TITLE)
    c.click_field("姓名")
    c.type("a")
    c.key("Tab")  # -> 民族 (right column!), not 证件类型
    c.key("Tab")  # -> 证件类型
    c.key("Tab")  # -> 手机号码
    c.type("13900000000")
    c.key("Tab")  # -> 证件号码
    c.type("110")
    c.key("Tab")  # -> 固定电话
    c.type("010-1")
    c.click_rect(L.button_rects()["保存"])
    c.wait_window(L.SUCCESS_TITLE)
    fields = c.wait_records(1)[0]["fields"]
    assert isinstance(fields, dict)
    assert fields["手机号码"] == "13900000000"
    assert fields["固定电话"] == "010-1"
    assert fields["证件类型"] == "居民身份证"


def test_notice_fault_pops_a_modal_box(start: Start) -> None:
    c = start("--operator", "op001", "--open", "open", "--fault", "notice", "--seed", "7")
    c.attach(L.MAIN_TITLE)
    c.wait_window(L.NOTICE_TITLE, timeout=5)  # due 1-3 s after the form opened
    # while it is up, the form does not get our input
    c.click_field("姓名")
    c.type("lost")
    c.key("Return")  # dismisses the notice (确定 is its default button)
    c.wait_gone(L.NOTICE_TITLE)
    c.fill("姓名", "赵六")
    c.fill("证件号码", "110101197001010011")
    c.click_rect(L.button_rects()["保存"])
    c.wait_window(L.SUCCESS_TITLE)
    fields = c.wait_records(1)[0]["fields"]
    assert isinstance(fields, dict) and fields["姓名"] == "赵六"


def test_shifted_fault_moves_the_fields(start: Start) -> None:
    c = start("--operator", "op001", "--open", "open", "--fault", "shifted")
    c.attach(L.MAIN_TITLE)
    img = c.screenshot()
    normal = L.field_rects(next(f for f in L.matter("open").fields if f.label == "姓名"))[1]
    assert c.box("姓名") != normal
    x, y, _, h = c.box("姓名")
    assert tuple(img[y + h // 2, x + 1]) == (0, 0, 0)
    c.fill("姓名", "孙七")
    c.fill("证件号码", "110101196001010011")
    c.click_rect(L.button_rects(shifted=True)["保存"])
    c.wait_window(L.SUCCESS_TITLE)
    fields = c.wait_records(1)[0]["fields"]
    assert isinstance(fields, dict) and fields["姓名"] == "孙七" and fields["证件号码"] == "110101196001010011"


def test_slow_open_and_scale(start: Start) -> None:
    c = start("--operator", "op001", "--fault", "slow_open", scale=1.25)
    t0 = time.monotonic()
    c.attach(L.MAIN_TITLE, timeout=10)
    assert time.monotonic() - t0 > 2.5
    assert c.geometry(c.wid)[2:] == (round(L.MAIN_SIZE[0] * 1.25), round(L.MAIN_SIZE[1] * 1.25))
    c.click_rect((400, 300, 10, 10))  # an empty spot: X focus follows the pointer (no window manager)
    c.key("alt+b")  # 业务办理(B) menu, first item highlighted
    c.key("Down")  # 个人信息变更
    c.key("Return")
    time.sleep(0.3)
    c.fill("个人账号", "GJ202610000001", matter="change")
    c.fill("变更后内容", "北京市海淀区中关村大街1号", matter="change")
    c.choose("变更项目", "家庭住址", matter="change")
    c.click_rect(L.button_rects()["保存"])
    c.wait_window(L.SUCCESS_TITLE)
    (rec,) = c.wait_records(1)
    assert rec["matter"] == "个人信息变更" and rec["account"] == "GJ202610000001"
    assert str(rec["serial"]).startswith("BG")
    assert rec["fields"] == {"个人账号": "GJ202610000001", "证件号码": "", "姓名": "", "变更项目": "家庭住址",
                             "变更后内容": "北京市海淀区中关村大街1号", "变更原因": ""}


def test_busy_fault_drops_keys_right_after_focus(start: Start) -> None:
    c = start("--operator", "op001", "--open", "open", "--fault", "busy", "--seed", "3")
    c.attach(L.MAIN_TITLE)
    c.click_field("姓名")
    c.type("early")  # swallowed: the field is still "busy"
    time.sleep(1.6)  # busy lasts at most 1.2 s
    c.type("late")
    c.click_field("证件号码")
    time.sleep(1.6)
    c.type("110")
    c.click_rect(L.button_rects()["保存"])
    c.wait_window(L.SUCCESS_TITLE)
    fields = c.wait_records(1)[0]["fields"]
    assert isinstance(fields, dict) and fields["姓名"] == "late" and fields["证件号码"] == "110"
