"""Field tables for docs/sandbox-web.md, generated from the same specs the servers use.

python -m clerkdesk.sandbox.web.docgen docs/sandbox-web.md          # rewrite the tables
python -m clerkdesk.sandbox.web.docgen --check docs/sandbox-web.md  # exit 1 if stale
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from . import amr_matters, hrss_matters, regions
from .amr_matters import TableMatter
from .forms import Field, Matter

MATTERS: dict[str, Matter] = {
    "hrss.employment": hrss_matters.EMPLOYMENT,
    "hrss.insurance": hrss_matters.INSURANCE,
    "hrss.person_change": hrss_matters.PERSON_CHANGE,
    "amr.enterprise_change": amr_matters.ENTERPRISE_CHANGE,
    "amr.individual_opening": amr_matters.INDIVIDUAL_OPENING,
}

_KINDS = {
    "text": "文本框 `input[type=text]`",
    "date": "日期框：文本框 + 获得焦点时弹出日历，可直接键入",
    "select": "下拉框 `select`",
    "region": "下拉框 `select`，级联，选项异步加载",
    "radio": "单选按钮组 `input[type=radio]`",
    "checkbox": "复选框 `input[type=checkbox]`",
    "checkboxes": "复选框组 `input[type=checkbox]`（同名多个）",
    "textarea": "多行文本 `textarea`",
}


def _hrss_label(f: Field) -> str:
    if f.kind in {"radio", "checkboxes"}:
        return "组标签为纯文本 `<span>`；每个选项有自己的 `<label for>`（选项文本）"
    if f.kind == "checkbox":
        return "`<label for>`，位于复选框之后"
    if f.plain_label:
        return "**纯文本** `<span class=lbl>`，无 `for`；输入框紧随其后"
    return "`<label for>`"


def _ids(f: Field, table: bool) -> str:
    if table:
        return f"`{f.name}`（无 id）"
    if f.kind in {"radio", "checkboxes"}:
        return f"`{f.name}`；id `{f.name}_<值>`"
    return f"`{f.name}` / `#{f.name}`"


def _esc(text: str) -> str:
    return text.replace("|", "\\|")


def render_regions() -> str:
    lines = ["| 代码 | 名称 | 上级代码 |", "|---|---|---|"]
    lines += [
        f"| `{code}` | {name} | {f'`{up}`' if up else '—'} |"
        for code, (name, up) in sorted(regions.REGIONS.items())
    ]
    return "\n".join(lines)


def render(key: str) -> str:
    if key == "regions":
        return render_regions()
    matter = MATTERS[key]
    table = isinstance(matter, TableMatter)
    lines = [
        "| # | 可见标签 | 标签形式 | name / id | 类型 | 必填 | 格式与规则 |",
        "|---|---|---|---|---|---|---|",
    ]
    for i, f in enumerate(matter.fields, 1):
        label = f"{f.label}：" if table else f.label
        form = "表格单元格 `<td class=lbl>`" if table else _hrss_label(f)
        if table and f.kind == "radio":
            form += "；选项文本是紧跟在各单选按钮后的纯文本（无 `<label>`）"
        if not table and f.tab:
            form += f"；标签页「{f.tab}」"
        rules = f.fmt
        if f.maxlength and "最多" not in rules:
            rules = (rules + "；" if rules else "") + f"最多{f.maxlength}字"
        if f.kind == "region":
            rules += "；提交该级 GB/T 2260 代码"
        if f.kind in {"select", "radio", "checkboxes", "checkbox"} and not rules:
            rules = "提交下表的「值」"
        if f.hint:
            rules = (rules + "；" if rules else "") + f.hint
        lines.append(
            f"| {i} | {_esc(label)} | {form} | {_ids(f, table)} | {_KINDS[f.kind]} | "
            f"{'是' if f.required else '否'} | {_esc(rules)} |"
        )
    for f in matter.fields:
        if f.options and f.kind != "checkbox":
            lines += ["", f"**{f.label}**（`{f.name}`）代码表：", "", "| 值 | 文本 |", "|---|---|"]
            lines += [f"| `{v}` | {_esc(t)} |" for v, t in f.options]
    return "\n".join(lines)


_BLOCK = re.compile(r"(<!-- BEGIN GENERATED: ([\w.]+) -->\n)(?:.*?\n)?(<!-- END GENERATED: \2 -->)", re.S)


def update(text: str) -> str:
    """TEXT with every generated block replaced by the current tables."""
    return _BLOCK.sub(lambda m: m.group(1) + render(m.group(2)) + "\n" + m.group(3), text)


def main(argv: list[str]) -> int:
    check = "--check" in argv
    paths = [Path(a) for a in argv if a != "--check"] or [Path("docs/sandbox-web.md")]
    stale = False
    for path in paths:
        old = path.read_text(encoding="utf-8")
        new = update(old)
        if new != old:
            stale = True
            if check:
                print(
                    f"{path}: field tables are out of date; run python -m clerkdesk.sandbox.web.docgen {path}"
                )
            else:
                path.write_text(new, encoding="utf-8")
    return 1 if stale and check else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
