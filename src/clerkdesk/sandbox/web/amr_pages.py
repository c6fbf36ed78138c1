"""AMR pages: GBK HTML 4 documents, the frameset, the table-layout forms and their legacy JavaScript."""

from __future__ import annotations

import random
from html import escape

from ._http import Response
from .amr_matters import TableMatter
from .forms import Field

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


def doc(title: str, body: str, head: str = "") -> str:
    return (
        '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">\n'
        f"<html><head><meta charset=gbk><title>{escape(title)}</title>{_STYLE}{head}</head>"
        f"<body>{body}</body></html>"
    )


def gbk(text: str, status: int = 200) -> Response:
    return Response(status, text.encode("gbk", errors="xmlcharrefreplace"), "text/html; charset=GBK")


def labels_for(matter: TableMatter, layout: bool) -> dict[str, str]:
    renamed = LAYOUT_LABELS.get(matter.id, {}) if layout else {}
    return {f.name: renamed.get(f.name, f.label) for f in matter.fields}


def _input(f: Field, alone: bool) -> str:
    if f.kind == "textarea":
        return f'<textarea name="{f.name}" rows="3" cols="80"></textarea>'
    if f.kind == "select":
        opts = "".join(f'<option value="{v}">{escape(t)}</option>' for v, t in f.options)
        return f'<select name="{f.name}"><option value="">请选择</option>{opts}</select>'
    if f.kind == "radio":
        return "&nbsp;".join(
            f'<input type="radio" name="{f.name}" value="{v}">{escape(t)}' for v, t in f.options
        )
    size = 60 if alone and f.maxlength >= 100 else 24
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
            cells.append(
                f"<td class=lbl>{star}{escape(labels[name])}：</td><td{span}>{_input(f, len(row) == 1)}</td>"
            )
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
    return doc(matter.title, body, script)


def timeout_page() -> str:
    body = (
        '<center><br><br><font color="red" size="3">登录超时，请重新登录</font><br><br>'
        '<a href="/login.jsp" target="_top">重新登录</a></center>'
    )
    return doc("登录超时", body)


def error_500(where: str) -> str:
    body = (
        "<h1>HTTP Status 500 - </h1><hr><p><b>type</b> Exception report</p>"
        "<p><b>description</b> The server encountered an internal error () that prevented it from "
        "fulfilling this request.</p><p><b>exception</b></p><pre>java.lang.NullPointerException\n"
        f"\tat com.gsxt.djyw.{where}.SaveAction.execute(SaveAction.java:118)\n"
        "\tat org.apache.struts.action.RequestProcessor.processActionPerform(RequestProcessor.java:425)</pre>"
        "<hr><h3>Apache Tomcat/5.5.23</h3>"
    )
    return doc("Apache Tomcat/5.5.23 - Error report", body)
