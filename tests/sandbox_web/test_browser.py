"""The sandbox systems driven by the real Chromium through Playwright."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
from sandbox_helpers import EMPLOYMENT_OK, ENTERPRISE_CHANGE_OK

from clerkdesk.sandbox.web import WebSandbox

pytestmark = pytest.mark.browser

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="zh-CN")
    pg = context.new_page()
    pg.set_default_timeout(10_000)
    yield pg
    context.close()


def hrss_login(page: Any, sandbox: WebSandbox, path: str) -> None:
    page.goto(sandbox.hrss_url + path)
    expect(page.get_by_label("验证码")).to_be_visible()
    sid = next(c["value"] for c in page.context.cookies() if c["name"] == "HRSS_SID")
    page.get_by_label("用户名").fill("王经办")
    page.get_by_label("密码", exact=True).fill("pw")
    page.get_by_label("验证码").fill(sandbox.captcha_answer("hrss", sid) or "")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(sandbox.hrss_url + path)
    expect(page.get_by_text("退出登录")).to_be_visible()
    expect(page.locator(".clerk-name")).to_have_text("王经办")


def test_hrss_employment_registration_in_chromium(sandbox: WebSandbox, page: Any) -> None:
    hrss_login(page, sandbox, "/employment/new")
    d = EMPLOYMENT_OK
    label = page.get_by_label

    # 基本信息
    label("姓名", exact=True).fill(d["aac003"])
    label("男", exact=True).check()
    label("公民身份号码").fill(d["aac002"])
    birth = label("出生日期")
    birth.click()
    expect(page.get_by_role("dialog", name="选择日期")).to_be_visible()  # the calendar popup
    birth.fill("1990/03/07")
    birth.press("Tab")  # blur validates
    expect(page.locator('[data-field="aac006"] .date-error')).to_have_text("日期格式应为yyyy-mm-dd")
    birth.fill(d["aac006"])
    birth.press("Tab")
    expect(page.locator('[data-field="aac006"] .date-error')).to_have_text("")
    for name in ("aac005", "aac009", "aac011", "aac017"):
        page.locator(f"#{name}").select_option(d[name])
    expect(label("户口性质")).to_have_value("2")

    # 户籍地址: each level's options arrive by fetch after the parent is chosen
    label("户籍地址").select_option("510000")
    page.locator('#aac010_city option[value="510100"]').wait_for(state="attached")
    label("市", exact=True).select_option("510100")
    page.locator('#aac010 option[value="510107"]').wait_for(state="attached")
    label("区县").select_option("510107")
    expect(page.locator("#aac010 option:checked")).to_have_text("武侯区")
    # a plain-text label: the input right after the text
    page.locator("xpath=//span[@class='lbl' and text()='户籍详细地址']/following-sibling::input[1]").fill(
        d["aac010_addr"]
    )

    # 就业信息: hidden until its tab is clicked
    expect(label("用工单位名称")).to_be_hidden()
    page.get_by_role("tab", name="就业信息").click()
    expect(label("用工单位名称")).to_be_visible()
    label("用工单位名称").fill(d["aab004"])
    label("单位统一社会信用代码").fill(d["aab998"])
    label("就业日期").click()  # pick the 2nd of the shown month in the calendar
    page.get_by_role("dialog", name="选择日期").locator("td[data-day='2']").click()
    employed = dt.date.today().replace(day=2).isoformat()
    expect(label("就业日期")).to_have_value(employed)
    label("合同期限").select_option(d["acc012"])
    label("岗位").fill(d["aca112"])
    label("就业形式").select_option(d["acc010"])
    page.locator("xpath=//span[@class='lbl' and text()='月工资']/following-sibling::input[1]").fill(
        d["aac040"]
    )
    label("是否签订劳动合同").check()

    # 联系方式
    page.get_by_role("tab", name="联系方式").click()
    label("现住址").fill(d["aae006"])
    label("联系电话").fill(d["aae005"])
    label("电子邮箱").fill(d["aae015"])
    label("备注").fill(d["aae013"])

    page.get_by_role("button", name="提交").click()
    expect(page.get_by_text("受理成功")).to_be_visible()
    text = page.locator("main").inner_text()
    receipt = re.search(r"受理编号：(RS\d{14})", text)
    assert receipt, text
    entry = sandbox.submissions("hrss")[-1]
    assert entry["receipt"] == receipt.group(1)
    assert entry["fields"] == {f: "" for f in entry["fields"]} | d | {"aae030": employed}


def test_amr_frameset_confirm_and_popup_in_chromium(sandbox: WebSandbox, page: Any) -> None:
    dialogs: list[str] = []

    def on_dialog(dialog: Any) -> None:
        dialogs.append(f"{dialog.type}:{dialog.message}")
        dialog.accept()

    page.on("dialog", on_dialog)
    page.goto(sandbox.amr_url)
    page.locator("input[name=username]").fill("张经办")
    page.locator("input[name=password]").fill("pw")
    page.get_by_role("button", name="登 录").click()
    page.wait_for_url("**/index.jsp")
    expect(page.frame_locator("frame[name=top]").get_by_text("当前用户：张经办")).to_be_visible()

    page.frame_locator("frame[name=menu]").get_by_role("link", name="企业变更登记").click()
    main = page.frame_locator("frame[name=main]")

    def by_label(text: str) -> Any:
        return main.locator(
            f"xpath=//td[@class='lbl'][contains(normalize-space(.), '{text}：')]/following-sibling::td[1]"
            "/*[self::input or self::select or self::textarea][1]"
        )

    # Leaving a required field empty: the page's own alert, and nothing is posted.
    main.get_by_role("button", name="提 交").click()
    expect(by_label("企业名称")).to_be_focused()
    assert dialogs == ["alert:企业名称不能为空！"]

    d = ENTERPRISE_CHANGE_OK
    by_label("企业名称").fill(d["txt_01"])
    by_label("统一社会信用代码").fill(d["txt_02"])
    by_label("企业类型").select_option(d["txt_03"])
    by_label("法定代表人").fill(d["txt_04"])
    by_label("法定代表人证件号码").fill(d["txt_05"])
    by_label("注册资本（万元）").fill(d["txt_06"])
    by_label("成立日期").fill(d["txt_07"])
    by_label("住所").fill(d["txt_08"])
    by_label("经营范围").fill(d["txt_09"])
    by_label("联系电话").fill(d["txt_10"])
    by_label("变更事项").select_option(label="住所变更")
    by_label("变更前内容").fill(d["txt_12"])
    by_label("变更后内容").fill(d["txt_13"])

    with page.expect_popup() as popup_info:
        main.get_by_role("button", name="提 交").click()
    popup = popup_info.value
    popup.wait_for_load_state()
    assert dialogs[-1] == "confirm:确定提交吗？"
    expect(popup.locator("body")).to_contain_text("受理号：SC")
    receipt = popup.locator("#slh").inner_text()
    expect(main.get_by_text("提交成功")).to_be_visible()

    entry = sandbox.submissions("amr")[-1]
    assert entry["receipt"] == receipt
    assert entry["fields"] == d  # Chromium posted GBK, the server decoded GBK
