"""System 2: 市场监管 (AMR) 企业登记业务系统 — a 2008-era GBK web system with a frameset."""

from __future__ import annotations

import datetime as dt
import secrets
import time
from html import escape

from ._http import Request, Response, SandboxApp, Session
from .amr_matters import MATTERS, TableMatter
from .amr_pages import TITLE, doc, error_500, gbk, labels_for, render_form, timeout_page
from .forms import collect, validate


class AmrApp(SandboxApp):
    system = "amr"
    cookie_name = "JSESSIONID"
    charset = "gbk"

    def route(self, req: Request) -> Response:
        path = req.path
        if path in {"/", "/index.html"}:
            return Response.redirect("/login.jsp", 302)
        if path == "/login.jsp":
            return self._login_page("登录超时，请重新登录" if req.arg("timeout") == "1" else "")
        if path == "/login.do" and req.method == "POST":
            return self._login(req)
        if path == "/logout.do":
            s = self.session(req)
            if s:
                s.user = ""
            return Response.redirect("/login.jsp", 302)
        if path == "/receipt.jsp":
            return self._receipt(req)
        status, s = self.auth(req)
        if status != "ok" or s is None:
            if path == "/index.jsp" and status == "anonymous":
                return Response.redirect("/login.jsp", 302)
            return gbk(timeout_page())
        if path == "/index.jsp":
            return gbk(self._frameset())
        if path == "/top.jsp":
            return gbk(self._top(s))
        if path == "/menu.jsp":
            return gbk(self._menu())
        if path == "/welcome.jsp":
            return gbk(doc("欢迎", f"<br><center>欢迎使用{TITLE}，请从左侧菜单选择业务。</center>"))
        layout, seed = self.layout()
        for matter in MATTERS.values():
            if path == matter.path:
                return gbk(render_form(matter, layout, seed))
            if path == matter.save and req.method == "POST":
                return self._save(req, s, matter, layout)
        return gbk(doc("404", "<h1>HTTP Status 404 - " + escape(path) + "</h1>"), 404)

    def _login_page(self, message: str) -> Response:
        msg = f'<font color="red">{escape(message)}</font>' if message else "&nbsp;"
        body = (
            f'<br><br><center><table class=form style="width:360px"><tr><td class=title colspan="2">{TITLE}</td></tr>'
            f'<tr><td colspan="2" align="center">{msg}</td></tr>'
            '<form name="loginForm" method="post" action="/login.do" accept-charset="GBK">'
            '<tr><td class=lbl>用户名：</td><td><input type="text" name="username" size="20"></td></tr>'
            '<tr><td class=lbl>密　码：</td><td><input type="password" name="password" size="20"></td></tr>'
            '<tr><td colspan="2" align="center"><input type="submit" value="登 录" class="btn"></td></tr>'
            "</form></table></center>"
        )
        return gbk(doc(TITLE, body))

    def _login(self, req: Request) -> Response:
        form = req.form()
        user = form.get("username", [""])[0].strip()
        if not user or not form.get("password", [""])[0]:
            return self._login_page("用户名和密码不能为空")
        s = self.new_session()
        s.user = user
        return self.set_cookie(Response.redirect("/index.jsp", 302), s)

    def _frameset(self) -> str:
        return (
            '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Frameset//EN">\n'
            f"<html><head><meta charset=gbk><title>{TITLE}</title></head>"
            '<frameset rows="64,*" frameborder="1" border="1">'
            '<frame name="top" src="/top.jsp" scrolling="no" noresize>'
            '<frameset cols="180,*">'
            '<frame name="menu" src="/menu.jsp">'
            '<frame name="main" src="/welcome.jsp">'
            "</frameset></frameset></html>"
        )

    def _top(self, s: Session) -> str:
        today = dt.date.today()
        body = (
            '<table width="100%" style="background:#3a6ea5;color:#fff;height:50px"><tr>'
            f'<td style="font-size:20px;font-weight:bold">{TITLE}</td>'
            f'<td align="right">当前用户：{escape(s.user)}&nbsp;&nbsp;{today.year}年{today.month}月{today.day}日</td>'
            "</tr></table>"
        )
        return doc(TITLE, body)

    def _menu(self) -> str:
        links = "".join(
            f'<tr><td>&middot; <a href="{m.path}" target="main">{m.title}</a></td></tr>'
            for m in MATTERS.values()
        )
        body = (
            f'<table class=form style="width:160px"><tr><td class=title>业务菜单</td></tr>{links}'
            '<tr><td>&middot; <a href="/logout.do" target="_top">退出</a></td></tr></table>'
        )
        return doc("菜单", body)

    def _save(self, req: Request, s: Session, matter: TableMatter, layout: bool) -> Response:
        if self.faults.take("submit500") is not None:
            return gbk(error_500(matter.save.split("/")[1]), 500)
        if (slow := self.faults.take("slow_submit")) is not None:
            time.sleep(float(slow["ms"]) / 1000)  # a slow system: the answer (and the record) come late
        values = collect(matter, req.form())
        labels = labels_for(matter, layout)
        errors = validate(matter, values, labels)
        if self.faults.take("reject_submit") is not None:
            errors = [*errors, (matter.fields[0].name, "服务端校验未通过：请核对后重新提交")]
        if errors:
            items = "".join(
                f'<li data-field="{n}"><font color="red">{escape(m)}</font></li>' for n, m in errors
            )
            body = (
                f'<table class=form><tr><td class=title>提交失败</td></tr><tr><td><ul class="errors">{items}</ul>'
                '</td></tr><tr><td align="center"><input type="button" value="返 回" class="btn" '
                'onclick="history.back()"></td></tr></table>'
            )
            return gbk(doc("提交失败", body))
        receipt = self.ledger.record(matter.id, values, labels)
        if self.faults.take("submit500_recorded") is not None:
            return gbk(error_500(matter.save.split("/")[1]), 500)
        if (hang := self.faults.take("hang_submit")) is not None:
            self.faults.hold(float(hang["ms"]) / 1000)  # accepted and recorded, and no answer comes
        key = secrets.token_urlsafe(12)
        self.receipts[key] = (receipt, matter.title)
        url = f"/receipt.jsp?t={key}"
        body = (
            '<br><center><font color="green" size="4"><b>提交成功</b></font><br><br>'
            f'业务已提交，受理回执已在新窗口中打开。如未弹出，请<a href="{url}" target="_blank">点击此处</a>查看。'
            "</center>"
        )
        script = (
            '<script type="text/javascript">'
            f"window.open('{url}', 'slhz', 'width=460,height=280,toolbar=no,menubar=no,resizable=yes');"
            "</script>"
        )
        return gbk(doc("提交成功", body + script))

    def _receipt(self, req: Request) -> Response:
        receipt, title = self.receipts.get(req.arg("t"), ("", ""))
        if not receipt:
            return gbk(doc("受理回执", "<center>回执不存在或已过期</center>"), 404)
        now = dt.datetime.now()
        body = (
            '<table class=form style="width:420px"><tr><td class=title colspan="2">受理回执</td></tr>'
            f"<tr><td class=lbl>业务类型：</td><td>{escape(title)}</td></tr>"
            f'<tr><td colspan="2" style="font-size:14px">受理号：<b id="slh">{receipt}</b></td></tr>'
            f"<tr><td class=lbl>受理时间：</td><td>{now:%Y-%m-%d %H:%M:%S}</td></tr>"
            '<tr><td colspan="2" align="center"><input type="button" value="打 印" class="btn" '
            'onclick="window.print()">&nbsp;<input type="button" value="关 闭" class="btn" '
            'onclick="window.close()"></td></tr></table>'
        )
        return gbk(doc("受理回执", body))
