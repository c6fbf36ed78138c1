"""System 2: 市场监管 (AMR) 企业登记业务系统 — a 2008-era GBK web system with a frameset."""

from __future__ import annotations

import datetime as dt
import random
import secrets
from html import escape

from ._http import Request, Response, SandboxApp, Session
from .amr_matters import MATTERS, TableMatter
from .forms import Field, collect, validate

TITLE = "企业登记业务系统"
LAYOUT_LABELS = {
    "enterprise_change": {"txt_01": "市场主体名称"},
    "individual_opening": {"txt_01": "名称（经营者）"},
}

_STYLE = """<style type="text/css">
body { font-size: 12px; font-family: 宋体, SimSun, "WenQuanYi Micro Hei", serif; margin: 8px; }
table.form { border-collapse: collapse; width: 760px; }
table.form td { border: 1px solid #7f9db9; padding: 3px 4px; height: 24px; }
td.lbl { background: #e8f1fb; text-align: right; width: 130px; white-space: nowrap; }
td.title { background: #3a6ea5; color: #fff; font-weight: bold; font-size: 14px; text-align: center; }
.btn { border: 1px solid #335; background: #dde6f0; padding: 1px 10px; }
</style>"""


def _doc(title: str, body: str, head: str = "") -> str:
    return (
        '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">\n'
        f"<html><head><meta charset=gbk><title>{escape(title)}</title>{_STYLE}{head}</head>"
        f"<body>{body}</body></html>"
    )


def _gbk(text: str, status: int = 200) -> Response:
    return Response(status, text.encode("gbk", errors="xmlcharrefreplace"), "text/html; charset=GBK")


def labels_for(matter: TableMatter, layout: bool) -> dict[str, str]:
    renamed = LAYOUT_LABELS.get(matter.id, {}) if layout else {}
    return {f.name: renamed.get(f.name, f.label) for f in matter.fields}


def _input(f: Field) -> str:
    if f.kind == "textarea":
        return f'<textarea name="{f.name}" rows="3" cols="80"></textarea>'
    if f.kind == "select":
        opts = "".join(f'<option value="{v}">{escape(t)}</option>' for v, t in f.options)
        return f'<select name="{f.name}"><option value="">请选择</option>{opts}</select>'
    if f.kind == "radio":
        return "&nbsp;".join(
            f'<input type="radio" name="{f.name}" value="{v}">{escape(t)}' for v, t in f.options
        )
    size = 60 if f.maxlength >= 100 else 24
    maxlength = f' maxlength="{f.maxlength}"' if f.maxlength else ""
    html = f'<input type="text" name="{f.name}" size="{size}"{maxlength} class="inp">'
    if f.name == "txt_07" and f.label == "成立日期":
        html += '&nbsp;<span style="color:#888">(格式：20080808)</span>'
    return html


def render_form(matter: TableMatter, layout: bool, seed: int) -> str:
    labels = labels_for(matter, layout)
    rows = list(matter.rows)
    if layout:
        random.Random(seed).shuffle(rows)
    trs = []
    for row in rows:
        cells = []
        for name in row:
            f = matter.field(name)
            star = '<font color="red">*</font>' if f.required else ""
            span = "" if len(row) == 2 else ' colspan="3"'
            cells.append(f"<td class=lbl>{star}{escape(labels[name])}：</td><td{span}>{_input(f)}</td>")
        trs.append(f"<tr>{''.join(cells)}</tr>")
    required = ",".join(f"['{f.name}','{labels[f.name]}']" for f in matter.fields if f.required)
    script = f"""<script type="text/javascript">
function isEmpty(el) {{
  if (el.length && el[0] && el[0].type == 'radio') {{
    for (var i = 0; i < el.length; i++) if (el[i].checked) return false;
    return true;
  }}
  return el.value.replace(/^\\s+|\\s+$/g, '') == '';
}}
function doSubmit() {{
  var f = document.forms['form1'];
  var req = [{required}];
  for (var i = 0; i < req.length; i++) {{
    var el = f.elements[req[i][0]];
    if (isEmpty(el)) {{ alert(req[i][1] + '不能为空！'); try {{ el.focus(); }} catch (e) {{}} return; }}
  }}
  if (confirm('确定提交吗？')) {{ f.submit(); }}
}}
</script>"""
    body = (
        f'<form name="form1" method="post" action="{matter.save}" accept-charset="GBK">'
        f'<table class=form><tr><td class=title colspan="4">{matter.title}</td></tr>{"".join(trs)}'
        '<tr><td colspan="4" align="center">'
        '<input type="button" value="提 交" class="btn" onclick="doSubmit()">&nbsp;&nbsp;'
        '<input type="reset" value="重 置" class="btn"></td></tr></table></form>'
    )
    return _doc(matter.title, body, script)


def timeout_page() -> str:
    body = (
        '<center><br><br><font color="red" size="3">登录超时，请重新登录</font><br><br>'
        '<a href="/login.jsp" target="_top">重新登录</a></center>'
    )
    return _doc("登录超时", body)


def error_500(where: str) -> str:
    body = (
        "<h1>HTTP Status 500 - </h1><hr><p><b>type</b> Exception report</p>"
        "<p><b>description</b> The server encountered an internal error () that prevented it from "
        "fulfilling this request.</p><p><b>exception</b></p><pre>java.lang.NullPointerException\n"
        f"\tat com.gsxt.djyw.{where}.SaveAction.execute(SaveAction.java:118)\n"
        "\tat org.apache.struts.action.RequestProcessor.processActionPerform(RequestProcessor.java:425)</pre>"
        "<hr><h3>Apache Tomcat/5.5.23</h3>"
    )
    return _doc("Apache Tomcat/5.5.23 - Error report", body)


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
            return _gbk(timeout_page())
        if path == "/index.jsp":
            return _gbk(self._frameset())
        if path == "/top.jsp":
            return _gbk(self._top(s))
        if path == "/menu.jsp":
            return _gbk(self._menu())
        if path == "/welcome.jsp":
            return _gbk(_doc("欢迎", f"<br><center>欢迎使用{TITLE}，请从左侧菜单选择业务。</center>"))
        layout, seed = self.layout()
        for matter in MATTERS.values():
            if path == matter.path:
                return _gbk(render_form(matter, layout, seed))
            if path == matter.save and req.method == "POST":
                return self._save(req, s, matter, layout)
        return _gbk(_doc("404", "<h1>HTTP Status 404 - " + escape(path) + "</h1>"), 404)

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
        return _gbk(_doc(TITLE, body))

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
        return _doc(TITLE, body)

    def _menu(self) -> str:
        links = "".join(
            f'<tr><td>&middot; <a href="{m.path}" target="main">{m.title}</a></td></tr>'
            for m in MATTERS.values()
        )
        body = (
            f'<table class=form style="width:160px"><tr><td class=title>业务菜单</td></tr>{links}'
            '<tr><td>&middot; <a href="/logout.do" target="_top">退出</a></td></tr></table>'
        )
        return _doc("菜单", body)

    def _save(self, req: Request, s: Session, matter: TableMatter, layout: bool) -> Response:
        if self.faults.take("submit500") is not None:
            return _gbk(error_500(matter.save.split("/")[1]), 500)
        values = collect(matter, req.form())
        labels = labels_for(matter, layout)
        errors = validate(matter, values, labels)
        if errors:
            items = "".join(
                f'<li data-field="{n}"><font color="red">{escape(m)}</font></li>' for n, m in errors
            )
            body = (
                f'<table class=form><tr><td class=title>提交失败</td></tr><tr><td><ul class="errors">{items}</ul>'
                '</td></tr><tr><td align="center"><input type="button" value="返 回" class="btn" '
                'onclick="history.back()"></td></tr></table>'
            )
            return _gbk(_doc("提交失败", body))
        receipt = self.ledger.record(matter.id, values, labels)
        if self.faults.take("submit500_recorded") is not None:
            return _gbk(error_500(matter.save.split("/")[1]), 500)
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
        return _gbk(_doc("提交成功", body + script))

    def _receipt(self, req: Request) -> Response:
        receipt, title = self.receipts.get(req.arg("t"), ("", ""))
        if not receipt:
            return _gbk(_doc("受理回执", "<center>回执不存在或已过期</center>"), 404)
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
        return _gbk(_doc("受理回执", body))
