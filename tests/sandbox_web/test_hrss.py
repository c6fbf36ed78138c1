"""人社 (HRSS) sandbox over real HTTP: login and captcha, the two matters, validation, the log."""

from __future__ import annotations

import json
import re
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sandbox_helpers import EMPLOYMENT_OK, INSURANCE_OK, PERSON_ID, HrssClient

from clerkdesk.sandbox.web import WebSandbox, start_web_sandbox
from clerkdesk.sandbox.web.hrss_matters import EMPLOYMENT, INSURANCE


def test_pages_need_login(sandbox: WebSandbox) -> None:
    c = HrssClient(sandbox)
    r = c.get("/employment/new")
    assert r.status == 303 and r.location == "/login?next=/employment/new"
    page = c.get("/login?next=/employment/new")
    assert "用户名" in page.text and "验证码" in page.text and "<svg" in page.text
    assert "登录超时" not in page.text


def test_wrong_captcha_shows_an_error_and_a_new_captcha(sandbox: WebSandbox) -> None:
    c = HrssClient(sandbox)
    c.get("/login")
    sid = c.cookie("HRSS_SID")
    first = sandbox.captcha_answer("hrss", sid)
    assert first and re.fullmatch(r"[A-Z2-9]{4}", first)
    wrong = "2222" if first != "2222" else "3333"
    r = c.post("/login", {"username": "王经办", "password": "pw", "captcha": wrong})
    assert r.status == 200 and "验证码错误，请重新输入" in r.text
    assert "退出登录" not in r.text
    second = sandbox.captcha_answer("hrss", sid)
    assert second  # a new captcha was drawn (it may repeat by chance, but it was replaced)
    # The old answer is spent: a captcha is good for one attempt only.
    r = c.post("/login", {"username": "王经办", "password": "pw", "captcha": first})
    assert first == second or "验证码错误" in r.text


def test_captcha_svg_text_is_not_the_answer_in_order(sandbox: WebSandbox) -> None:
    c = HrssClient(sandbox)
    seen_in_order = 0
    for _ in range(8):
        page = c.get("/login").text
        answer = sandbox.captcha_answer("hrss", c.cookie("HRSS_SID"))
        assert answer
        svg = re.search(r"<svg.*?</svg>", page, re.S)
        assert svg and "<path" in svg.group(0)  # noise lines
        chars = "".join(re.findall(r"<text[^>]*>(.)</text>", svg.group(0)))
        assert sorted(chars) == sorted(answer)
        seen_in_order += chars == answer
    assert seen_in_order < 8


def test_empty_credentials_are_refused(sandbox: WebSandbox) -> None:
    c = HrssClient(sandbox)
    c.get("/login")
    answer = sandbox.captcha_answer("hrss", c.cookie("HRSS_SID"))
    r = c.post("/login", {"username": "", "password": "", "captcha": answer or ""})
    assert "请输入用户名和密码" in r.text


def test_login_shows_clerk_name_and_logout(sandbox: WebSandbox) -> None:
    c = HrssClient(sandbox)
    old_sid = c.get("/login") and c.cookie("HRSS_SID")
    c.login("王经办")
    assert c.cookie("HRSS_SID") != old_sid  # a new session id at login
    home = c.get("/")
    assert home.status == 200
    assert "退出登录" in home.text and "王经办" in home.text
    assert "/employment/new" in home.text and "/insurance/new" in home.text
    assert c.get("/logout").location == "/login"
    assert c.get("/").status == 303


def test_captcha_endpoint_only_in_debug(sandbox: WebSandbox, tmp_path: Path) -> None:
    c = HrssClient(sandbox)
    c.get("/login")
    assert c.get("/__sandbox/captcha").text == sandbox.captcha_answer("hrss", c.cookie("HRSS_SID"))
    quiet = start_web_sandbox(tmp_path)
    try:
        q = HrssClient(quiet)
        q.get("/login")
        assert q.get("/__sandbox/captcha").status == 404
        assert quiet.captcha_answer("hrss", q.cookie("HRSS_SID")) is None
    finally:
        quiet.stop()


def test_employment_form_has_tabs_and_over_30_fields(hrss: HrssClient) -> None:
    page = hrss.get("/employment/new").text
    assert len(EMPLOYMENT.fields) >= 30
    for tab in ("基本信息", "就业信息", "联系方式"):
        assert f">{tab}</button>" in page
    assert page.count('role="tabpanel"') == 3 and page.count(" hidden>") == 2
    for f in EMPLOYMENT.fields:
        assert f'name="{f.name}"' in page, f.name
    assert '<label for="aac003">姓名</label>' in page
    assert '<span class="lbl">月工资</span>' in page  # a plain-text label
    assert 'class="datepicker"' in page
    assert '<option value="1">农业户口</option><option value="2">非农业户口</option>' in page


def test_employment_submission_is_logged_exactly(sandbox: WebSandbox, hrss: HrssClient) -> None:
    before = len(sandbox.submissions("hrss"))
    r = hrss.submit("/employment/new", EMPLOYMENT_OK)
    assert r.status == 303 and r.location.startswith("/done?no=RS"), r.text[:2000]
    done = hrss.get(r.location)
    receipt = r.location.split("=")[1]
    assert "受理成功" in done.text and f'受理编号：<span id="receipt-no">{receipt}</span>' in done.text
    assert re.fullmatch(r"RS\d{8}\d{6}", receipt)
    entries = sandbox.submissions("hrss")
    assert len(entries) == before + 1
    e = entries[-1]
    assert (e["system"], e["matter"], e["receipt"]) == ("hrss", "employment", receipt)
    expected = {f.name: "" for f in EMPLOYMENT.fields} | EMPLOYMENT_OK
    assert e["fields"] == expected
    assert e["labels"]["aac003"] == "姓名" and e["labels"]["aac010"] == "区县"
    assert e["labels"] == {f.name: f.label for f in EMPLOYMENT.fields}
    assert "_token" not in e["fields"]


def test_the_log_file_is_one_json_object_per_line(sandbox: WebSandbox, hrss: HrssClient) -> None:
    hrss.submit("/employment/new", EMPLOYMENT_OK)
    path = sandbox.app("hrss").ledger.path
    assert path.name == "hrss.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    assert "李晓明" in lines[-1]  # UTF-8, not \\u escapes
    assert [json.loads(line) for line in lines] == sandbox.submissions("hrss")
    assert set(json.loads(lines[-1])) == {"system", "matter", "receipt", "at", "fields", "labels"}


def test_insurance_checkboxes_are_joined(sandbox: WebSandbox, hrss: HrssClient) -> None:
    r = hrss.submit("/insurance/new", INSURANCE_OK)
    assert r.status == 303, r.text[:2000]
    e = sandbox.submissions("hrss")[-1]
    assert e["matter"] == "insurance"
    assert e["fields"]["aae140"] == "110,310"
    assert e["fields"]["aac003"] == "王芳"
    assert set(e["labels"]) == {f.name for f in INSURANCE.fields}


def test_required_fields_are_reported_in_chinese(sandbox: WebSandbox, hrss: HrssClient) -> None:
    before = len(sandbox.submissions("hrss"))
    r = hrss.submit("/employment/new", {})
    assert r.status == 200
    assert "提交失败，请修正以下问题" in r.text
    for msg in (
        "请填写姓名",
        "请选择性别",
        "请填写公民身份号码",
        "请选择户口性质",
        "请选择区县",
        "请填写月工资",
    ):
        assert msg in r.text
    assert "请填写电子邮箱" not in r.text  # optional
    assert len(sandbox.submissions("hrss")) == before


def test_format_errors(sandbox: WebSandbox, hrss: HrssClient) -> None:
    before = len(sandbox.submissions("hrss"))
    bad = EMPLOYMENT_OK | {
        "aac002": PERSON_ID[:-1] + ("0" if PERSON_ID[-1] != "0" else "1"),
        "aae030": "2026/11/02",
        "aab998": "91510107MA6C5K8Q2Z",
        "aae005": "12345",
        "aac040": "-3",
        "aac010_city": "440100",  # 广州市 is not in 四川省
    }
    r = hrss.submit("/employment/new", bad)
    text = r.text
    assert "公民身份号码校验位错误" in text
    assert "就业日期格式应为yyyy-mm-dd" in text
    assert "单位统一社会信用代码" in text
    assert "联系电话格式不正确" in text
    assert "月工资应为大于0的数字" in text
    assert "市与所选省不符" in text
    # The values stay in the form, the first tab with an error is shown.
    assert 'value="武侯祠大街231号"' in text
    assert len(sandbox.submissions("hrss")) == before


def test_birth_date_and_sex_must_agree_with_the_id_number(hrss: HrssClient) -> None:
    r = hrss.submit("/employment/new", EMPLOYMENT_OK | {"aac006": "1990-03-08", "aac004": "2"})
    assert "出生日期与公民身份号码不一致" in r.text
    assert "性别与公民身份号码不一致" in r.text


def test_a_stale_form_token_is_refused(sandbox: WebSandbox, hrss: HrssClient) -> None:
    token = hrss.token("/employment/new")
    assert hrss.post("/employment/new", [("_token", token), *EMPLOYMENT_OK.items()]).status == 303
    before = len(sandbox.submissions("hrss"))
    again = hrss.post("/employment/new", [("_token", token), *EMPLOYMENT_OK.items()])
    assert again.status == 403 and "页面已失效" in again.text
    assert len(sandbox.submissions("hrss")) == before


def test_regions_api(sandbox: WebSandbox) -> None:
    c = HrssClient(sandbox)

    def lookup(parent: str) -> dict[str, str]:
        return {x["code"]: x["name"] for x in json.loads(c.get(f"/api/regions?parent={parent}").text)}

    start = time.monotonic()
    provinces = lookup("")
    assert 0.2 <= time.monotonic() - start < 3  # a realistic delay
    assert provinces["110000"] == "北京市" and provinces["650000"] == "新疆维吾尔自治区"
    cases = [
        ("110000", "110100", "110101", "东城区"),
        ("440000", "440100", "440106", "天河区"),
        ("510000", "510100", "510107", "武侯区"),
        ("650000", "650100", "650102", "天山区"),
    ]
    parents = ["999999", *[code for case in cases for code in case[:2]]]
    with ThreadPoolExecutor(len(parents)) as pool:
        answers = dict(zip(parents, pool.map(lookup, parents), strict=True))
    for prov, city, county, county_name in cases:
        assert city in answers[prov]
        assert answers[city][county] == county_name
    assert answers["999999"] == {}


def test_idle_session_times_out(fresh_sandbox: WebSandbox) -> None:
    c = HrssClient(fresh_sandbox)  # idle_timeout=1.0 s
    c.login()
    assert c.get("/insurance/new").status == 200
    time.sleep(1.3)
    r = c.get("/insurance/new")
    assert r.status == 303 and r.location == "/login?timeout=1&next=/insurance/new"
    assert "登录超时，请重新登录" in c.get(r.location).text
    assert c.get("/insurance/new").status == 303  # logged out for good
