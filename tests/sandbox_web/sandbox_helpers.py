"""Synthetic test data and plain urllib clients for the sandbox web systems."""

from __future__ import annotations

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from email.message import Message

from clerkdesk.sandbox.web import WebSandbox
from clerkdesk.sandbox.web.forms import id_check_char, uscc_check_char


def make_id(region: str, birth: str, seq: str) -> str:
    """A synthetic GB 11643 ID number with a correct check character (odd SEQ = male)."""
    body = region + birth + seq
    return body + id_check_char(body)


def make_uscc(first17: str) -> str:
    return first17 + uscc_check_char(first17)


# Synthetic people and companies only.
PERSON_ID = make_id("510107", "19900307", "123")  # male, born 1990-03-07
EMPLOYER_USCC = make_uscc("91510107MA6C5K8Q2")

EMPLOYMENT_OK: dict[str, str] = {
    "aac003": "李晓明",
    "aac004": "1",
    "aac002": PERSON_ID,
    "aac006": "1990-03-07",
    "aac005": "1",
    "aac009": "2",
    "aac011": "21",
    "aac017": "1",
    "aac010_prov": "510000",
    "aac010_city": "510100",
    "aac010": "510107",
    "aac010_addr": "武侯祠大街231号",
    "aab004": "成都锦程软件有限公司",
    "aab998": EMPLOYER_USCC,
    "aae030": "2026-11-02",
    "acc012": "02",
    "aca112": "会计",
    "acc010": "1",
    "aac040": "6500.50",
    "acc013": "1",
    "aae006": "四川省成都市武侯区科华北路65号",
    "aae005": "13912345678",
    "aae015": "lixm@example.com",
    "aae013": "首次就业登记",
}

INSURANCE_OK: list[tuple[str, str]] = [
    ("aac003", "王芳"),
    ("aac002", make_id("440106", "19950812", "242")),  # female
    ("aac004", "2"),
    ("aac006", "1995-08-12"),
    ("aac009", "1"),
    ("aae140", "110"),
    ("aae140", "310"),
    ("aae030", "2026-11-01"),
    ("aae005", "020-38881234"),
    ("aae180", "5200"),
]

ENTERPRISE_CHANGE_OK: dict[str, str] = {
    "txt_01": "成都蓉锦商贸有限公司",
    "txt_02": make_uscc("91510107MA6CQ8W1X"),
    "txt_03": "1130",
    "txt_04": "赵喆",
    "txt_05": make_id("650102", "19780415", "031"),
    "txt_06": "100.5",
    "txt_07": "20150618",
    "txt_08": "成都市武侯区科华北路65号",
    "txt_09": "日用百货、五金交电销售；囍字工艺品（不含象牙制品）",
    "txt_10": "028-85551234",
    "txt_11": "02",
    "txt_12": "成都市武侯区科华北路65号",
    "txt_13": "成都市锦江区春熙路·东段8号",
}

INDIVIDUAL_OK: dict[str, str] = {
    "txt_01": "阿依古丽·买买提",
    "txt_02": make_id("650102", "19881120", "046"),  # female
    "txt_03": "F",
    "txt_04": "UG",
    "txt_05": "天山区古丽小吃店",
    "txt_06": "乌鲁木齐市天山区解放南路12号",
    "txt_07": "餐饮服务（小吃）",
    "txt_08": "1",
    "txt_09": "5",
    "txt_10": "13999123456",
}


@dataclass
class Reply:
    status: int
    url: str
    headers: Message
    body: bytes

    @property
    def text(self) -> str:
        charset = self.headers.get_content_charset() or "utf-8"
        return self.body.decode(charset)

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


class Client:
    """A browser-less client of one sandbox system: a cookie jar, no automatic redirects."""

    def __init__(self, base: str, charset: str = "utf-8") -> None:
        self.base = base
        self.charset = charset
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect)

    def cookie(self, name: str) -> str:
        return next((c.value or "" for c in self.jar if c.name == name), "")

    def request(self, method: str, path: str, data: bytes | None = None, ctype: str = "") -> Reply:
        req = urllib.request.Request(self.base + path, data=data, method=method)
        if ctype:
            req.add_header("Content-Type", ctype)
        try:
            with self.opener.open(req, timeout=20) as r:
                return Reply(r.status, r.url, r.headers, r.read())
        except urllib.error.HTTPError as e:
            return Reply(e.code, e.url, e.headers, e.read())

    def login(self, user: str = "") -> Reply:
        raise NotImplementedError

    def get(self, path: str) -> Reply:
        return self.request("GET", path)

    def post(self, path: str, form: dict[str, str] | list[tuple[str, str]]) -> Reply:
        body = urllib.parse.urlencode(form, encoding=self.charset).encode("ascii")
        return self.request("POST", path, body, "application/x-www-form-urlencoded")


class HrssClient(Client):
    def __init__(self, sandbox: WebSandbox) -> None:
        super().__init__(sandbox.hrss_url)
        self.sandbox = sandbox

    def login(self, user: str = "王经办") -> Reply:
        self.get("/login")
        answer = self.sandbox.captcha_answer("hrss", self.cookie("HRSS_SID"))
        assert answer
        r = self.post("/login?next=/", {"username": user, "password": "x", "captcha": answer.lower()})
        assert r.status == 303 and r.location == "/", r.text
        return r

    def token(self, path: str) -> str:
        page = self.get(path)
        assert page.status == 200, page.status
        m = re.search(r'name="_token" value="(\w+)"', page.text)
        assert m, page.text[:500]
        return m.group(1)

    def submit(self, path: str, form: dict[str, str] | list[tuple[str, str]]) -> Reply:
        items = list(form.items()) if isinstance(form, dict) else list(form)
        return self.post(path, [("_token", self.token(path)), *items])


class AmrClient(Client):
    def __init__(self, sandbox: WebSandbox) -> None:
        super().__init__(sandbox.amr_url, "gbk")

    def login(self, user: str = "张经办") -> Reply:
        r = self.post("/login.do", {"username": user, "password": "x"})
        assert r.status == 302 and r.location == "/index.jsp", r.text
        return r
