"""Values in recipes: sandboxed Jinja templates over the record and case, with filters.

``{{ person.birth_date | date('%Y年%m月%d日') }}``,
``{{ person.hukou_type | code('hukou_type') }}`` (through the target system's
code map), ``{{ person.hukou_region | region('city') }}``,
``{{ person.name | pinyin }}``, ``{{ person.phone | fullwidth }}``.
Templates run in Jinja's sandbox with strict undefined: a missing field is an
error naming the field, never an empty string typed into a ministry system.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from datetime import date, datetime
from functools import cache
from typing import Any

from jinja2 import StrictUndefined, nodes
from jinja2.exceptions import TemplateSyntaxError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment

from clerkdesk.records import codes, regions


class TemplateValueError(Exception):
    """A template could not produce its value (the engine adds recipe, step and position)."""


# --- filters ---------------------------------------------------------------------------

def f_date(value: Any, fmt: str = "%Y-%m-%d") -> str:
    if isinstance(value, datetime):
        d = value.date()
    elif isinstance(value, date):
        d = value
    else:
        from clerkdesk.records.standards import parse_date

        parsed, problems = parse_date(str(value))
        if parsed is None:
            raise TemplateValueError(f"date filter: not a date ({problems[0].en})")
        d = parsed
    return d.strftime(fmt)


def f_fullwidth(value: Any) -> str:
    out = []
    for ch in str(value):
        o = ord(ch)
        out.append("\u3000" if o == 0x20 else chr(o + 0xFEE0) if 0x21 <= o <= 0x7E else ch)
    return "".join(out)


def f_halfwidth(value: Any) -> str:
    return unicodedata.normalize("NFKC", str(value)).replace("\u3000", " ")


def f_pinyin(value: Any, style: str = "upper", sep: str = " ") -> str:
    """Hanyu pinyin: style 'upper' (WANG XIAO MING), 'lower', 'title' (Wang Xiao Ming), 'initials' (WXM)."""
    from pypinyin import Style, lazy_pinyin

    text = str(value).replace("·", "")
    if style == "initials":
        return "".join(lazy_pinyin(text, style=Style.FIRST_LETTER)).upper()
    parts = lazy_pinyin(text, style=Style.NORMAL, v_to_u=False)
    parts = [p.replace("v", "ü") if style != "upper" else p.replace("v", "V") for p in parts]
    joined = sep.join(parts)
    return {"upper": joined.upper(), "lower": joined.lower(), "title": joined.title()}.get(style, joined)


def f_substr(value: Any, start: int, end: int | None = None) -> str:
    return str(value)[start:end]


def f_label(value: Any, table: str) -> str:
    """Canonical code → its Chinese label in our table (e.g. 01 → 汉族)."""
    try:
        return codes.table(table).label(str(value))
    except KeyError as e:
        raise TemplateValueError(str(e.args[0])) from None


_PARTS = ("province", "city", "district", "province_name", "city_name", "district_name", "path")


def f_region(value: Any, part: str) -> str:
    """Split a GB/T 2260 code: 'province'/'city'/'district' codes or their '_name's; 'path' gives the names as
    one cascader value, ``山东省/青岛市/市南区`` (what ``choose`` walks level by level)."""
    code = str(value)
    if part not in _PARTS:
        raise TemplateValueError(f"region filter: part must be one of {', '.join(_PARTS)}")
    if regions.region(code) is None:
        raise TemplateValueError("region filter: not a GB/T 2260 region code")
    p, c, d = regions.split(code)
    pn, cn, dn = regions.names(code)
    path = "/".join(n for n in (pn, cn, dn) if n)
    return {"province": p, "city": c, "district": d, "province_name": pn, "city_name": cn,
            "district_name": dn, "path": path}[part]


@cache
def _name_index() -> list[tuple[str, str]]:
    """(name, code) of current regions, longest names first, for address matching."""
    out = []
    for code, r in regions.all_regions().items():
        if r.current:
            nm = r.name()
            if nm not in ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"):
                out.append((nm, code))
    return sorted(out, key=lambda x: -len(x[0]))


def split_address(text: str) -> dict[str, str]:
    """广东省广州市天河区体育西路1号 → province/city/district names and codes, and the detail."""
    rest = text.strip()
    found: dict[str, str] = {}
    for level, want in (("province", lambda c: c.endswith("0000")),
                        ("city", lambda c: c.endswith("00") and not c.endswith("0000")),
                        ("district", lambda c: not c.endswith("00"))):
        prefix = found.get("city_code", found.get("province_code", ""))
        prefix = prefix[:4] if level == "district" and prefix.endswith("00") and not prefix.endswith("0000") else \
            prefix[:2] if prefix else ""
        for nm, code in _name_index():
            if want(code) and rest.startswith(nm) and code.startswith(prefix):
                found[level] = nm
                found[f"{level}_code"] = code
                rest = rest[len(nm):]
                break
    if "province" in found and "city" not in found:  # municipalities: 北京市东城区
        found["city"] = found["province"]
        found["city_code"] = found["province_code"][:2] + "0100"
    found["detail"] = rest
    return found


def f_address(value: Any, part: str) -> str:
    parts = split_address(str(value))
    if part not in parts:
        raise TemplateValueError(f"address filter: no {part} found in the address "
                          f"(parts found: {', '.join(k for k in parts if not k.endswith('_code'))})")
    return parts[part]


def f_digits(value: Any) -> str:
    return re.sub(r"\D", "", str(value))


class CodeMapper:
    """The ``code`` filter: canonical code → the target system's code, or an error naming value, table, system."""

    def __init__(self, system_id: str, maps: Mapping[str, Mapping[str, str]]):
        self.system_id = system_id
        self.maps = maps

    def __call__(self, value: Any, table: str) -> str:
        if table not in self.maps:
            raise TemplateValueError(f"system {self.system_id} has no code table {table!r} "
                              f"(its tables: {', '.join(self.maps) or 'none'})")
        key = str(value)
        if key not in self.maps[table]:
            canonical = codes.table(table).resolve(key) if table in codes.TABLES else None
            if canonical and canonical in self.maps[table]:
                return str(self.maps[table][canonical])
            raise TemplateValueError(f"value {key!r} has no mapping in code table {table!r} of system {self.system_id}")
        return str(self.maps[table][key])


FILTERS = {"date": f_date, "fullwidth": f_fullwidth, "halfwidth": f_halfwidth, "pinyin": f_pinyin,
           "substr": f_substr, "label": f_label, "region": f_region, "address": f_address, "digits": f_digits}
FILTER_DOCS = {
    "date": "date(fmt='%Y-%m-%d'): format a date (any clerk form accepted) with strftime codes",
    "code": "code(table): canonical code → the target system's code (from its system file)",
    "label": "label(table): canonical code → Chinese label in ClerkDesk's table",
    "fullwidth": "fullwidth: ASCII → full-width characters", "halfwidth": "halfwidth: full-width → ASCII",
    "pinyin": "pinyin(style='upper'|'lower'|'title'|'initials', sep=' '): hanyu pinyin",
    "substr": "substr(start, end=None): part of the text", "upper": "upper: upper case", "lower": "lower: lower case",
    "region": "region(part): GB/T 2260 code → province/city/district code or *_name, or the name path",
    "address": "address(part): address text → province/city/district name or detail",
    "digits": "digits: keep only the digits", "default": "default(x): X when the value is empty",
}


MAX_OUTPUT = 10_000  # characters one template may produce: far above any form field, far below a memory attack
MAX_RANGE = 1_000  # range() in a template (Jinja's own sandbox allows 100,000)


class BoundedEnvironment(SandboxedEnvironment):
    """Jinja's sandbox, plus bounds on size: ``'A' * 100000000`` or ``9 ** 9 ** 9`` in a recipe is refused
    before it is computed (and not folded at compile time either: intercepted operators never are)."""

    intercepted_binops = frozenset({"*", "**", "+"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(left, int | float) and isinstance(right, int | float) \
                and abs(right) > 64 and abs(left) > 1:
            raise TemplateValueError(f"template arithmetic too large ({operator} by more than 64)")
        if operator == "*":
            seq, n = (left, right) if isinstance(left, str | list | tuple) else (right, left)
            if isinstance(seq, str | list | tuple) and isinstance(n, int) and len(seq) * n > MAX_OUTPUT:
                raise TemplateValueError(f"a template may produce at most {MAX_OUTPUT:,} characters "
                                         f"(this repeats {len(seq):,} × {n:,})")
        if operator == "+" and isinstance(left, str | list) and isinstance(right, str | list) \
                and len(left) + len(right) > MAX_OUTPUT:
            raise TemplateValueError(f"a template may produce at most {MAX_OUTPUT:,} characters")
        return super().call_binop(context, operator, left, right)


def _range(*args: int) -> range:
    r = range(*args)
    if len(r) > MAX_RANGE:
        raise TemplateValueError(f"range() in a template is limited to {MAX_RANGE:,} items")
    return r


def make_env(system_id: str = "", code_maps: Mapping[str, Mapping[str, str]] | None = None) -> SandboxedEnvironment:
    env = BoundedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False)
    env.globals["range"] = _range
    env.filters.update(FILTERS)
    env.filters["code"] = CodeMapper(system_id, code_maps or {})
    return env


def references(env: SandboxedEnvironment, source: str) -> list[str]:
    """Dotted field paths a template reads (``person.name``, ``case.employer``), in order."""
    ast = env.parse(source)
    out: list[str] = []

    def path(n: nodes.Node) -> str | None:
        if isinstance(n, nodes.Name):
            return n.name
        if isinstance(n, nodes.Getattr):
            base = path(n.node)
            return f"{base}.{n.attr}" if base else None
        if isinstance(n, nodes.Getitem) and isinstance(n.arg, nodes.Const) and isinstance(n.arg.value, str):
            base = path(n.node)
            return f"{base}.{n.arg.value}" if base else None
        return None

    def walk(n: nodes.Node) -> None:
        if isinstance(n, nodes.Getattr | nodes.Getitem | nodes.Name):
            p = path(n)
            if p and isinstance(n, nodes.Getattr | nodes.Getitem | nodes.Name) and getattr(n, "ctx", "load") == "load":
                out.append(p)
                return
        for child in n.iter_child_nodes():
            walk(child)

    walk(ast)
    return list(dict.fromkeys(out))


def is_template(text: str) -> bool:
    return "{{" in text or "{%" in text


def render(env: SandboxedEnvironment, source: str, data: Mapping[str, Any]) -> str:
    """Render SOURCE; errors come back as TemplateValueError naming the field, never the citizen's value."""
    try:
        out = env.from_string(source).render(**data)
    except UndefinedError as e:
        msg = str(e.message or e)
        m = re.search(r"has no attribute '([^']+)'|'([^']+)' is undefined", msg)
        name = (m.group(1) or m.group(2)) if m else "?"
        refs = [r for r in references(env, source) if r.endswith(name) or r == name]
        raise TemplateValueError(f"undefined field {refs[0] if refs else name} in {source!r}") from None
    except TemplateSyntaxError as e:
        raise TemplateValueError(f"template syntax error: {e.message}") from None
    except TemplateValueError:
        raise
    except (MemoryError, RecursionError):
        raise TemplateValueError(f"the template {source[:80]!r} needs too much memory or nesting") from None
    except Exception as e:  # a filter got a wrong type etc.; the message names no value
        raise TemplateValueError(f"{type(e).__name__} in {source!r}: {e}") from None
    if len(out) > MAX_OUTPUT:
        raise TemplateValueError(f"the template {source[:80]!r} produced {len(out):,} characters "
                                 f"(at most {MAX_OUTPUT:,})")
    return out
