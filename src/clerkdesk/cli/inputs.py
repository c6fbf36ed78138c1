"""Reading a command's input files: one JSON object, with every way it can be wrong said in one sentence."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from clerkdesk.errors import Problem, ValidationError


def read_json(source: str) -> dict[str, Any]:
    """The JSON object in SOURCE (a file, or ``-`` for stdin); a BOM is allowed, anything else is a problem."""
    try:
        raw = sys.stdin.buffer.read() if source == "-" else Path(source).read_bytes()
    except OSError as e:
        raise ValidationError([Problem("(input)", "FILE_UNREADABLE", f"无法读取文件：{e.strerror}",
                                       f"cannot read {source}: {e.strerror}")]) from None
    try:
        text = raw.decode("utf-8-sig")  # Notepad writes a BOM
    except UnicodeDecodeError:
        raise ValidationError([Problem("(input)", "FILE_ENCODING", "文件不是UTF-8编码（请另存为UTF-8）",
                                       "the file is not UTF-8 (save it as UTF-8)")]) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise ValidationError([Problem(f"(input):{e.lineno}:{e.colno}", "JSON_SYNTAX", f"JSON格式错误：{e.msg}",
                                       f"malformed JSON: {e.msg}")]) from None
    except RecursionError:
        data = None
    if data is None or _depth(data) > MAX_JSON_DEPTH:
        raise ValidationError([Problem("(input)", "JSON_DEPTH", f"JSON嵌套过深（最多{MAX_JSON_DEPTH}层）",
                                       f"the JSON is nested too deeply (at most {MAX_JSON_DEPTH} levels)")])
    if not isinstance(data, dict):
        raise ValidationError([Problem("(input)", "JSON_TYPE", "应为一个JSON对象", "expected a JSON object")])
    return data


MAX_JSON_DEPTH = 32  # a record is 3 levels deep (case → members → member); far deeper is no record


def _depth(obj: Any) -> int:
    """Nesting depth of a JSON value, without recursion (a hostile file must not overflow the stack)."""
    deepest, stack = 0, [(obj, 1)]
    while stack:
        v, d = stack.pop()
        if isinstance(v, dict | list):
            deepest = max(deepest, d)
            if deepest > MAX_JSON_DEPTH:
                break
            stack.extend((x, d + 1) for x in (v.values() if isinstance(v, dict) else v))
    return deepest


def case_of(data: dict[str, Any]) -> dict[str, Any]:
    """The ``case`` object of a record file (``{}`` when absent), its keys without a ``case.`` prefix."""
    case = data.get("case") or {}
    if not isinstance(case, dict):
        raise ValidationError([Problem("case", "JSON_TYPE", "“case”应为一个JSON对象（事项字段：值）",
                                       'expected "case" to be a JSON object of case fields, such as '
                                       '{"employer": "…"}')])
    return {str(k).removeprefix("case."): v for k, v in case.items()}


def parse_system_urls(pairs: tuple[str, ...]) -> dict[str, str]:
    """``--system-url SYSTEM=URL`` options as a mapping (``fill``, ``resume``, ``queue``, ``worker``)."""
    out = {}
    for p in pairs:
        if "=" not in p:
            raise click.BadParameter(f"{p!r}: use SYSTEM=URL", param_hint="--system-url")
        k, v = p.split("=", 1)
        out[k.strip()] = v.strip()
    return out
