"""市场监管 (AMR) sandbox over real HTTP: GBK pages and forms, the frameset, both matters, the log."""

from __future__ import annotations

import re
import time

from sandbox_helpers import ENTERPRISE_CHANGE_OK, INDIVIDUAL_OK, AmrClient

from clerkdesk.sandbox.web import WebSandbox
from clerkdesk.sandbox.web.amr_matters import ENTERPRISE_CHANGE, INDIVIDUAL_OPENING


def test_pages_are_gbk(sandbox: WebSandbox) -> None:
    c = AmrClient(sandbox)
    r = c.get("/login.jsp")
    assert r.headers["Content-Type"] == "text/html; charset=GBK"
    assert "<meta charset=gbk>" in r.body.decode("ascii", errors="ignore")
    assert "企业登记业务系统".encode("gbk") in r.body
    assert 'accept-charset="GBK"' in r.text
    assert c.get("/").location == "/login.jsp"


def test_login_with_a_gbk_username_opens_the_frameset(sandbox: WebSandbox) -> None:
    c = AmrClient(sandbox)
    assert "用户名和密码不能为空" in c.post("/login.do", {"username": "张经办", "password": ""}).text
    c.login("欧阳喆")
    frames = c.get(c.get("/index.jsp").url.removeprefix(c.base)).text
    assert "<frameset" in frames
    assert all(f'name="{n}"' in frames for n in ("top", "menu", "main"))
    assert "当前用户：欧阳喆" in c.get("/top.jsp").text
    menu = c.get("/menu.jsp").text
    for title, path in [("企业变更登记", "/qybg/input.jsp"), ("个体工商户开业登记", "/gtkydj/input.jsp")]:
        assert f'<a href="{path}" target="main">{title}</a>' in menu
    assert '<a href="/logout.do" target="_top">退出</a>' in menu


def test_enterprise_change_form_is_a_table_of_plain_labels(amr: AmrClient) -> None:
    page = amr.get("/qybg/input.jsp").text
    assert "<label" not in page
    assert (
        '<td class=lbl><font color="red">*</font>企业名称：</td><td><input type="text" name="txt_01"' in page
    )
    for f in ENTERPRISE_CHANGE.fields:
        assert f'name="{f.name}"' in page
    assert "confirm('确定提交吗？')" in page
    assert 'value="提 交"' in page
    assert '<option value="1130">有限责任公司（自然人投资或控股）</option>' in page


def test_gbk_round_trip_and_popup_receipt(sandbox: WebSandbox, amr: AmrClient) -> None:
    before = len(sandbox.submissions("amr"))
    r = amr.post("/qybg/save.do", ENTERPRISE_CHANGE_OK)
    assert r.status == 200 and r.headers["Content-Type"] == "text/html; charset=GBK"
    assert "提交成功" in r.text
    popup = re.search(r"window\.open\('(/receipt\.jsp\?t=[\w-]+)'", r.text)
    assert popup, r.text
    assert "SC" not in r.text  # the receipt number is shown only in the popup
    receipt_page = amr.get(popup.group(1))
    m = re.search(r"受理号：<b id=\"slh\">(SC\d{16})</b>", receipt_page.text)
    assert m, receipt_page.text
    entries = sandbox.submissions("amr")
    assert len(entries) == before + 1
    e = entries[-1]
    assert (e["system"], e["matter"], e["receipt"]) == ("amr", "enterprise_change", m.group(1))
    assert e["fields"] == ENTERPRISE_CHANGE_OK  # every Chinese character survived GBK both ways
    assert e["labels"]["txt_01"] == "企业名称" and e["labels"]["txt_06"] == "注册资本（万元）"


def test_individual_opening(sandbox: WebSandbox, amr: AmrClient) -> None:
    page = amr.get("/gtkydj/input.jsp").text
    assert (
        '<input type="radio" name="txt_03" value="M">男&nbsp;<input type="radio" name="txt_03" value="F">女'
        in page
    )
    assert '<option value="UG">维吾尔族</option>' in page
    r = amr.post("/gtkydj/save.do", INDIVIDUAL_OK)
    assert "提交成功" in r.text, r.text
    e = sandbox.submissions("amr")[-1]
    assert e["matter"] == "individual_opening"
    assert e["fields"] == INDIVIDUAL_OK
    assert e["labels"] == {f.name: f.label for f in INDIVIDUAL_OPENING.fields}


def test_validation_errors_in_gbk(sandbox: WebSandbox, amr: AmrClient) -> None:
    before = len(sandbox.submissions("amr"))
    bad = ENTERPRISE_CHANGE_OK | {"txt_07": "2015-06-18", "txt_01": "", "txt_03": "1131", "txt_06": "abc"}
    r = amr.post("/qybg/save.do", bad)
    assert "提交失败" in r.text
    assert "请填写企业名称" in r.text
    assert "成立日期格式应为yyyymmdd" in r.text
    assert "企业类型的选项无效" in r.text
    assert "注册资本（万元）应为大于0的数字" in r.text
    assert "history.back()" in r.text
    assert len(sandbox.submissions("amr")) == before


def test_idle_session_shows_the_login_timeout_page(fresh_sandbox: WebSandbox) -> None:
    c = AmrClient(fresh_sandbox)  # idle_timeout=1.0 s
    c.login()
    assert "企业名称" in c.get("/qybg/input.jsp").text
    time.sleep(1.3)
    page = c.get("/qybg/input.jsp")
    assert page.status == 200 and "登录超时，请重新登录" in page.text
    assert 'href="/login.jsp" target="_top"' in page.text
    assert "提交成功" not in c.post("/qybg/save.do", ENTERPRISE_CHANGE_OK).text
    assert fresh_sandbox.submissions("amr") == []
    c.login()
    assert "企业名称" in c.get("/qybg/input.jsp").text
