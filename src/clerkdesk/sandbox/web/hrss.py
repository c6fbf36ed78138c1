"""System 1: 人社 (HRSS) 人力资源和社会保障业务经办系统 — a modern-ish UTF-8 web system."""

from __future__ import annotations

import random
import secrets
import time
import urllib.parse
from html import escape
from pathlib import Path

from . import captcha, regions
from ._http import Request, Response, SandboxApp, Session
from .forms import Matter, collect, validate
from .hrss_matters import MATTERS
from .hrss_pages import html_response, labels_for, page, render_form
from .hrss_query import People, query_page
from .ledger import Ledger

_STATIC = Path(__file__).parent / "static"


def person_cross_checks(values: dict[str, str], labels: dict[str, str]) -> list[tuple[str, str]]:
    """Sex and birth date must agree with a valid ID number; contract dates must be in order."""
    errors: list[tuple[str, str]] = []
    idn = values.get("aac002", "")
    if len(idn) == 18 and idn[:17].isdigit():
        birth = f"{idn[6:10]}-{idn[10:12]}-{idn[12:14]}"
        if values.get("aac006") and values["aac006"] != birth:
            errors.append(("aac006", f"{labels['aac006']}与{labels['aac002']}不一致"))
        sex = "1" if int(idn[16]) % 2 else "2"
        if values.get("aac004") and values["aac004"] != sex:
            errors.append(("aac004", f"{labels['aac004']}与{labels['aac002']}不一致"))
    start, end = values.get("acc014", ""), values.get("acc015", "")
    if start and end and end < start:
        errors.append(("acc015", f"{labels['acc015']}不能早于{labels['acc014']}"))
    return errors


class HrssApp(SandboxApp):
    system = "hrss"
    cookie_name = "HRSS_SID"
    charset = "utf-8"
    region_delay: tuple[float, float] = (0.2, 0.8)

    def __init__(self, ledger: Ledger, *, debug: bool = False, idle_timeout: float = 600.0) -> None:
        super().__init__(ledger, debug=debug, idle_timeout=idle_timeout)
        self.people = People()  # what the system already holds per person (the query page; hrss_query.py)

    # -- routes ---------------------------------------------------------------------
    def route(self, req: Request) -> Response:
        path = req.path
        if path.startswith("/static/"):
            return self._static(path.removeprefix("/static/"))
        if path == "/api/regions":
            return self._regions(req)
        if path == "/login":
            return self._login(req)
        if path == "/logout":
            s = self.session(req)
            if s:
                s.user = ""
            return Response.redirect("/login")
        status, s = self.auth(req)
        if status != "ok" or s is None:
            nxt = urllib.parse.quote(path, safe="/")
            query = f"timeout=1&next={nxt}" if status == "timeout" else f"next={nxt}"
            return Response.redirect(f"/login?{query}")
        if path == "/":
            return self._home(s)
        if path == "/person/query":
            idn = req.form().get("aac002", [""])[0] if req.method == "POST" else ""
            return html_response(query_page(s.user, idn, self.people, req.method == "POST"))
        for matter in MATTERS.values():
            if path == matter.path:
                return self._matter(req, s, matter)
        if path == "/done":
            return self._done_page(req, s)
        return html_response(
            page("页面不存在", '<main><h2>404 页面不存在</h2><a href="/">返回首页</a></main>', s.user), 404
        )

    def _static(self, name: str) -> Response:
        types = {".css": "text/css; charset=utf-8", ".js": "application/javascript; charset=utf-8"}
        file = _STATIC / name
        if "/" in name or not name.startswith("hrss.") or not file.is_file():
            return Response.text("not found", 404)
        return Response(200, file.read_bytes(), types.get(file.suffix, "application/octet-stream"))

    def _regions(self, req: Request) -> Response:
        parent = req.arg("parent")
        parent = "" if parent in {"", "0", "000000"} else parent
        time.sleep(random.uniform(*self.region_delay))
        if parent and parent not in regions.REGIONS:
            return Response.json([])
        return Response.json([{"code": c, "name": n} for c, n in regions.children(parent)])

    def _login_page(self, s: Session, message: str, nxt: str, timeout: bool) -> Response:
        s.captcha = captcha.new_answer()
        note = "登录超时，请重新登录" if timeout else ""
        msg = escape(message or note)
        nxt_q = urllib.parse.quote(nxt, safe="/")
        body = (
            '<div class="login"><h1>用户登录</h1>'
            f'<div class="msg" role="alert">{msg}</div>'
            f'<form method="post" action="/login?next={nxt_q}" autocomplete="off">'
            '<div class="row"><label for="username">用户名</label><input type="text" id="username" name="username"></div>'
            '<div class="row"><label for="password">密码</label>'
            '<input type="password" id="password" name="password"></div>'
            + ('' if self.faults.get("no_captcha") is not None else
               '<div class="row captcha-row"><label for="captcha">验证码</label>'
               f'<input type="text" id="captcha" name="captcha" maxlength="4">{captcha.render_svg(s.captcha)}'
               f'<a href="/login?next={nxt_q}" id="captcha-refresh">看不清？换一张</a></div>') +
            '<div class="actions"><button type="submit">登录</button></div></form></div>'
        )
        return self.set_cookie(html_response(page("登录", body)), s)

    def _login(self, req: Request) -> Response:
        nxt = req.arg("next", "/")
        if not nxt.startswith("/") or nxt.startswith("//"):
            nxt = "/"
        s = self.session(req) or self.new_session()
        if req.method != "POST":
            return self._login_page(s, "", nxt, req.arg("timeout") == "1")
        form = req.form()
        user = form.get("username", [""])[0].strip()
        password = form.get("password", [""])[0]
        answer = form.get("captcha", [""])[0].strip().upper()
        expected, s.captcha = s.captcha, ""
        if not user or not password:
            return self._login_page(s, "请输入用户名和密码", nxt, False)
        by_password = self.faults.get("no_captcha")
        if by_password is not None and by_password.get("password") not in (None, password):
            return self._login_page(s, "用户名或密码错误", nxt, False)
        if by_password is None and (not expected or answer != expected):
            return self._login_page(s, "验证码错误，请重新输入", nxt, False)
        fresh = self.new_session()  # a new session id at login
        fresh.user = user
        self.drop_session(s)
        return self.set_cookie(Response.redirect(nxt), fresh)

    def _home(self, s: Session) -> Response:
        links = "".join(f'<a href="{m.path}">{m.title}</a>' for m in MATTERS.values())
        links += '<a href="/person/query">人员信息查询</a>'
        body = f'<main><h2>业务经办</h2><div class="menu">{links}</div></main>'
        return html_response(page("首页", body, s.user))

    def _error_500(self) -> Response:
        body = (
            '<main><h2>系统错误</h2><p class="error-500">系统繁忙，请稍后重试（错误代码：500）。</p>'
            '<p>如多次出现，请联系系统管理员。</p><a href="/">返回首页</a></main>'
        )
        return html_response(page("系统错误", body), 500)

    def _matter(self, req: Request, s: Session, matter: Matter) -> Response:
        layout, seed = self.layout()
        if req.method != "POST":
            return html_response(render_form(matter, s, {}, [], layout, seed))
        form = req.form()
        if form.get("_token", [""])[0] != s.token:
            body = "<main><h2>页面已失效</h2><p>页面已失效，请刷新后重新填写。</p></main>"
            return html_response(page("页面已失效", body, s.user), 403)
        if self.faults.take("submit500") is not None:
            return self._error_500()
        if (slow := self.faults.take("slow_submit")) is not None:
            time.sleep(float(slow["ms"]) / 1000)  # a slow system: the answer (and the record) come late
        values = collect(matter, form)
        labels = labels_for(matter, layout)
        errors = validate(matter, values, labels)
        if self.faults.take("reject_submit") is not None:
            errors = [*errors, (matter.fields[0].name, "服务端校验未通过：请核对后重新提交")]
        bad = {n for n, _ in errors}
        errors += [e for e in person_cross_checks(values, labels) if e[0] not in bad]
        if errors:
            return html_response(render_form(matter, s, values, errors, layout, seed))
        receipt = self.ledger.record(matter.id, values, labels)
        self.people.remember(values, time.strftime("%Y-%m-%d"))
        self.receipts[receipt] = (receipt, matter.title)
        s.token = secrets.token_hex(8)  # one submit per form load
        if self.faults.take("submit500_recorded") is not None:
            return self._error_500()
        if (hang := self.faults.take("hang_submit")) is not None:
            self.faults.hold(float(hang["ms"]) / 1000)  # accepted and recorded, and no answer comes
        return Response.redirect(f"/done?no={receipt}")

    def _done_page(self, req: Request, s: Session) -> Response:
        receipt = req.arg("no")
        _no, title = self.receipts.get(receipt, ("", ""))
        if not title:
            return html_response(page("未找到", "<main><h2>未找到该受理记录</h2></main>", s.user), 404)
        body = (
            f'<main class="success"><div class="ok">✔ 受理成功</div><div>{escape(title)}业务已受理。</div>'
            f'<div class="receipt">受理编号：<span id="receipt-no">{receipt}</span></div>'
            '<a href="/">返回首页</a></main>'
        )
        return html_response(page("受理成功", body, s.user))
