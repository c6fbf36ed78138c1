"""HRSS pages: the HTML of the login, the matter forms (tabs, cascading selects, date pickers) and results."""

from __future__ import annotations

import random
from html import escape

from . import regions
from ._http import Response, Session
from .forms import Field, Matter
from .hrss_matters import TABS

TITLE = "人力资源和社会保障业务经办系统"
LAYOUT_LABELS = {"aac003": "名称（个人）"}  # the `layout` fault: 姓名 disappears


def labels_for(matter: Matter, layout: bool) -> dict[str, str]:
    """Each field's visible label, as shown now (the `layout` fault renames some)."""
    return {f.name: (LAYOUT_LABELS.get(f.name, f.label) if layout else f.label) for f in matter.fields}


def page(title: str, body: str, user: str = "") -> str:
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


def html_response(text: str, status: int = 200) -> Response:
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
    return page(matter.title, body, session.user)
