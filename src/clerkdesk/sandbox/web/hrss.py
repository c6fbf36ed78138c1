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
from .forms import Field, Matter, collect, validate
from .hrss_matters import MATTERS, TABS

TITLE = "人力资源和社会保障业务经办系统"
_STATIC = Path(__file__).parent / "static"
LAYOUT_LABELS = {"aac003": "名称（个人）"}  # the `layout` fault: 姓名 disappears


def labels_for(matter: Matter, layout: bool) -> dict[str, str]:
    """Each field's visible label, as shown now (the `layout` fault renames some)."""
    return {f.name: (LAYOUT_LABELS.get(f.name, f.label) if layout else f.label) for f in matter.fields}


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


def _page(title: str, body: str, user: str = "") -> str:
    head_user = (
        f'<div class="user"><span>经办人：<b class="clerk-name">{escape(user)}</b></span>'
        f'<a href="/">首页</a> | <a href="/logout">退出登录</a></div>'
        if user
        else ""
    )
    return (
        f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{escape(title)} - {TITLE}</title>'
        '<link rel="stylesheet" href="/static/hrss.css"></head><body>'
        f'<header class="top"><h1>{TITLE}</h1>{head_user}</header>{body}'
        '<script src="/static/hrss.js"></script></body></html>'
    )


def _html(text: str, status: int = 200) -> Response:
    return Response(status, text.encode("utf-8"), "text/html; charset=utf-8")


def _options(options: list[tuple[str, str]], selected: str, prompt: str = "--请选择--") -> str:
    out = [f'<option value="">{prompt}</option>']
    out += [
        f'<option value="{escape(v)}"{" selected" if v == selected else ""}>{escape(t)}</option>'
        for v, t in options
    ]
    return "".join(out)


_REGION_PROMPTS = {1: "--请选择省--", 2: "--请选择市--", 3: "--请选择区县--"}


def _control(f: Field, value: str, label: str, errors: dict[str, str]) -> str:
    """The input(s) of one field, with its label."""
    invalid = ' aria-invalid="true" data-server-error="1"' if f.name in errors else ""
    star = '<span class="req">*</span>' if f.required else '<span class="noreq"></span>'
    lab = (
        f'<span class="lbl">{escape(label)}</span>'
        if f.plain_label
        else f'<label for="{f.name}">{escape(label)}</label>'
    )
    v = escape(value)
    if f.kind in {"text", "date"}:
        extra = ' class="datepicker" placeholder="yyyy-mm-dd" autocomplete="off"' if f.kind == "date" else ""
        maxlength = f' maxlength="{f.maxlength}"' if f.maxlength else ""
        ctl = f'<input type="text" id="{f.name}" name="{f.name}" value="{v}"{maxlength}{extra}{invalid}>'
        if f.kind == "date":
            ctl += '<span class="date-error"></span>'
    elif f.kind == "textarea":
        ctl = f'<textarea id="{f.name}" name="{f.name}"{invalid}>{v}</textarea>'
    elif f.kind == "select":
        ctl = f'<select id="{f.name}" name="{f.name}"{invalid}>{_options(list(f.options), value)}</select>'
    elif f.kind in {"radio", "checkboxes"}:
        lab = f'<span class="lbl" id="lbl-{f.name}">{escape(label)}</span>'
        typ = "radio" if f.kind == "radio" else "checkbox"
        chosen = value.split(",") if value else []
        items = "".join(
            f'<input type="{typ}" id="{f.name}_{o}" name="{f.name}" value="{o}"{" checked" if o in chosen else ""}>'
            f'<label for="{f.name}_{o}">{escape(t)}</label> '
            for o, t in f.options
        )
        role = "radiogroup" if typ == "radio" else "group"
        ctl = f'<span role="{role}" aria-labelledby="lbl-{f.name}"{invalid}>{items}</span>'
    elif f.kind == "checkbox":
        lab = '<span class="lbl"></span>'
        checked = " checked" if value else ""
        ctl = (
            f'<input type="checkbox" id="{f.name}" name="{f.name}" value="{f.options[0][0]}"{checked}{invalid}>'
            f'<label for="{f.name}">{escape(label)}</label>'
        )
    else:
        raise ValueError(f"no renderer for {f.kind}")
    err = f'<span class="field-error">{escape(errors[f.name])}</span>' if f.name in errors else ""
    hint = f'<span class="hint">{escape(f.hint)}</span>' if f.hint and not err else ""
    wide = " wide" if f.kind in {"textarea", "checkboxes"} else ""
    return f'<div class="row{wide}" data-field="{f.name}">{star}{lab}{ctl}{hint}{err}</div>'


def _region_block(
    fields: list[Field], values: dict[str, str], labels: dict[str, str], errors: dict[str, str]
) -> str:
    """户籍地址: province, city and county selects in one row; children are fetched by the page's JS."""
    parts = []
    for i, f in enumerate(fields):
        parent = "" if f.region_level == 1 else values.get(fields[i - 1].name, "")
        known = f.region_level == 1 or bool(parent and parent in regions.REGIONS)
        options = regions.children(parent) if known else []
        disabled = "" if known and (f.region_level == 1 or options) else " disabled"
        child = f' data-child="{fields[i + 1].name}"' if i + 1 < len(fields) else ""
        invalid = ' aria-invalid="true"' if f.name in errors else ""
        prompt = _REGION_PROMPTS[f.region_level]
        cls = "" if i == 0 else ' class="sub"'
        parts.append(
            f'<label for="{f.name}"{cls}>{escape(labels[f.name])}</label>'
            f'<select id="{f.name}" name="{f.name}" data-placeholder="{prompt}"{child}{disabled}{invalid}>'
            f"{_options(options, values.get(f.name, ''), prompt)}</select>"
        )
    errs = "".join(
        f'<span class="field-error">{escape(errors[f.name])}</span>' for f in fields if f.name in errors
    )
    return f'<div class="row wide" data-field="aac010"><span class="req">*</span>{"".join(parts)}{errs}</div>'


def render_form(
    matter: Matter,
    session: Session,
    values: dict[str, str],
    errors: list[tuple[str, str]],
    layout: bool,
    seed: int,
) -> str:
    labels = labels_for(matter, layout)
    errmap: dict[str, str] = {}
    for name, msg in errors:
        errmap.setdefault(name, msg)
    # Blocks: one field each, except the region selects which stay together.
    tabbed = any(f.tab for f in matter.fields)
    groups: dict[str, list[str]] = {t: [] for t in (TABS if tabbed else ("",))}
    region: list[Field] = [f for f in matter.fields if f.kind == "region"]
    for f in matter.fields:
        if f.kind == "region":
            if f is region[0]:
                groups[f.tab].append(_region_block(region, values, labels, errmap))
            continue
        groups[f.tab].append(_control(f, values.get(f.name, ""), labels[f.name], errmap))
    if layout:
        rng = random.Random(seed)
        for blocks in groups.values():
            rng.shuffle(blocks)
    first_error_tab = next((matter.field(n).tab for n, _ in errors), TABS[0] if tabbed else "")
    err_html = ""
    if errors:
        items = "".join(f'<li data-field="{n}">{escape(m)}</li>' for n, m in errors)
        err_html = f'<div class="errors" role="alert"><p>提交失败，请修正以下问题：</p><ul>{items}</ul></div>'
    if tabbed:
        buttons = "".join(
            f'<button type="button" role="tab" id="tab-{i}" aria-controls="panel-{i}" '
            f'aria-selected="{"true" if t == first_error_tab else "false"}"'
            f"{' class=active' if t == first_error_tab else ''}>{t}</button>"
            for i, t in enumerate(TABS, 1)
        )
        panels = "".join(
            f'<div role="tabpanel" id="panel-{i}" aria-labelledby="tab-{i}"{"" if t == first_error_tab else " hidden"}>'
            f'<div class="grid">{"".join(groups[t])}</div></div>'
            for i, t in enumerate(TABS, 1)
        )
        inner = f'<div class="tabs" role="tablist">{buttons}</div>{panels}'
    else:
        inner = f'<div class="grid">{"".join(groups[""])}</div>'
    body = (
        f'<main><div class="crumb">首页 &gt; 业务经办 &gt; {matter.title}</div><h2>{matter.title}</h2>{err_html}'
        f'<form id="matter-form" method="post" action="{matter.path}" novalidate autocomplete="off">'
        f'<input type="hidden" name="_token" value="{session.token}">{inner}'
        '<div class="actions"><button type="submit" id="btn-submit">提交</button>'
        '<button type="reset">重置</button></div></form></main>'
    )
    return _page(matter.title, body, session.user)


class HrssApp(SandboxApp):
    system = "hrss"
    cookie_name = "HRSS_SID"
    charset = "utf-8"
    region_delay: tuple[float, float] = (0.2, 0.8)

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
        for matter in MATTERS.values():
            if path == matter.path:
                return self._matter(req, s, matter)
        if path == "/done":
            return self._done_page(req, s)
        return _html(
            _page("页面不存在", '<main><h2>404 页面不存在</h2><a href="/">返回首页</a></main>', s.user), 404
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
            '<div class="row captcha-row"><label for="captcha">验证码</label>'
            f'<input type="text" id="captcha" name="captcha" maxlength="4">{captcha.render_svg(s.captcha)}'
            f'<a href="/login?next={nxt_q}" id="captcha-refresh">看不清？换一张</a></div>'
            '<div class="actions"><button type="submit">登录</button></div></form></div>'
        )
        return self.set_cookie(_html(_page("登录", body)), s)

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
        if not expected or answer != expected:
            return self._login_page(s, "验证码错误，请重新输入", nxt, False)
        fresh = self.new_session()  # a new session id at login
        fresh.user = user
        s.user = ""
        return self.set_cookie(Response.redirect(nxt), fresh)

    def _home(self, s: Session) -> Response:
        links = "".join(f'<a href="{m.path}">{m.title}</a>' for m in MATTERS.values())
        body = f'<main><h2>业务经办</h2><div class="menu">{links}</div></main>'
        return _html(_page("首页", body, s.user))

    def _error_500(self) -> Response:
        body = (
            '<main><h2>系统错误</h2><p class="error-500">系统繁忙，请稍后重试（错误代码：500）。</p>'
            '<p>如多次出现，请联系系统管理员。</p><a href="/">返回首页</a></main>'
        )
        return _html(_page("系统错误", body), 500)

    def _matter(self, req: Request, s: Session, matter: Matter) -> Response:
        layout, seed = self.layout()
        if req.method != "POST":
            return _html(render_form(matter, s, {}, [], layout, seed))
        form = req.form()
        if form.get("_token", [""])[0] != s.token:
            body = "<main><h2>页面已失效</h2><p>页面已失效，请刷新后重新填写。</p></main>"
            return _html(_page("页面已失效", body, s.user), 403)
        if self.faults.take("submit500") is not None:
            return self._error_500()
        values = collect(matter, form)
        labels = labels_for(matter, layout)
        errors = validate(matter, values, labels)
        bad = {n for n, _ in errors}
        errors += [e for e in person_cross_checks(values, labels) if e[0] not in bad]
        if errors:
            return _html(render_form(matter, s, values, errors, layout, seed))
        receipt = self.ledger.record(matter.id, values, labels)
        self.receipts[receipt] = (receipt, matter.title)
        s.token = secrets.token_hex(8)  # one submit per form load
        if self.faults.take("submit500_recorded") is not None:
            return self._error_500()
        return Response.redirect(f"/done?no={receipt}")

    def _done_page(self, req: Request, s: Session) -> Response:
        receipt = req.arg("no")
        _no, title = self.receipts.get(receipt, ("", ""))
        if not title:
            return _html(_page("未找到", "<main><h2>未找到该受理记录</h2></main>", s.user), 404)
        body = (
            f'<main class="success"><div class="ok">✔ 受理成功</div><div>{escape(title)}业务已受理。</div>'
            f'<div class="receipt">受理编号：<span id="receipt-no">{receipt}</span></div>'
            '<a href="/">返回首页</a></main>'
        )
        return _html(_page("受理成功", body, s.user))
