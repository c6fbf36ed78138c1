"""What a confirm shows: each value about to be submitted in words, with the code the target stores beside it.

The engine hands the clerk ``(label, value)`` pairs exactly as they go into the target (``1``, ``UG``, ``650102``).
A clerk cannot check codes, so before a submit every shell (the Qt dialog, the console) turns each pair into a
``ConfirmLine`` here: the label as the target shows it, the value in words (男, 维吾尔族, 非农业户口, 市南区), the code
where the target stores one, and a mark where the value is not the profile's own (a code map that merges values,
a part of an address, a default for an empty field).

The words come from the recipe's own template for that label (which field, which filters) read backwards through
the target system's code map (``recipes/systems/*.yaml`` ``codes:``) and ClerkDesk's code and region tables.
Nothing is re-implemented: the tables are the ones the ``code``/``region`` filters use. Pure: no I/O, no Qt.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from jinja2 import TemplateSyntaxError, nodes

from clerkdesk.recipe import values
from clerkdesk.recipe.steps import kinds
from clerkdesk.records import codes, model, regions

CHECK_KINDS = kinds(fills="tick")  # from the step registry: the steps that tick a box (``check``)
VALUE_KINDS = kinds(fills="value")  # and those that type or choose a value (``fill``, ``choose``)
TICKED = "true"  # what a ``check`` step reports for a ticked box (and ``false`` for an unticked one)


@dataclass(frozen=True)
class ConfirmLine:
    label: str  # as the target shows it (the step's label)
    words: str  # the value as the target will display it
    code: str | None = None  # the code the target stores, when it stores a code rather than the words
    note: str | None = None  # mapped | part | default: how the value differs from the profile's
    profile_words: str | None = None  # the profile's own value in words, when NOTE is ``mapped``

    def text(self, lang: str = "zh") -> str:
        """One line for a console: ``户口性质：非农业户口（代码 2）〔档案：居民户口；系统合并为同一代码〕``."""
        out = self.words + (f"（{'代码' if lang == 'zh' else 'code'} {self.code}）" if self.code else "")
        note = note_text(self, lang)
        return f"{self.label}：{out}" + (f"〔{note}〕" if note else "")


NOTES = {"mapped": ("档案为“{p}”，该系统记为此值", "the profile says “{p}”; this system records it as shown"),
         "part": ("取档案值的一部分", "a part of the profile's value"),
         "default": ("档案中没有此项，使用默认值", "not in the profile: a default")}


def note_text(line: ConfirmLine, lang: str = "zh") -> str:
    if not line.note:
        return ""
    zh, en = NOTES[line.note]
    return (zh if lang == "zh" else en).format(p=line.profile_words or "")


def _walk(steps: tuple[Any, ...]) -> Iterator[Any]:
    for s in steps:
        yield s
        for kids in s.children.values():
            yield from _walk(kids)


def _steps_by_label(recipe: Any) -> dict[str, list[Any]]:
    """The label each fill/choose/check step reports (``Step.describe``, as the engine's ``filled`` does), with
    every step that reports it, in recipe order (one label may be filled twice, e.g. on two tabs)."""
    out: dict[str, list[Any]] = {}
    for s in _walk(recipe.steps):
        if s.kind in VALUE_KINDS | CHECK_KINDS:
            out.setdefault(s.describe().removeprefix(s.kind + " "), []).append(s)
    return out


@dataclass(frozen=True)
class _Shape:
    field: str | None  # the record/case field the value comes from
    filters: tuple[tuple[str, tuple[Any, ...]], ...]  # (name, constant args), innermost first


def _shape(env: Any, source: Any) -> _Shape:
    if not isinstance(source, str) or not values.is_template(source):
        return _Shape(None, ())
    try:
        ast = env.parse(source)
    except TemplateSyntaxError:
        return _Shape(None, ())
    outputs = [n for n in ast.body if isinstance(n, nodes.Output)]
    exprs = [x for o in outputs for x in o.nodes if not isinstance(x, nodes.TemplateData)]
    if len(exprs) != 1:  # text around the value, or several values: shown as sent
        return _Shape(None, ())
    chain: list[tuple[str, tuple[Any, ...]]] = []
    node = exprs[0]
    while isinstance(node, nodes.Filter):
        args = tuple(a.value if isinstance(a, nodes.Const) else None for a in node.args)
        chain.append((node.name, args))
        node = node.node
    refs = values.references(env, source)
    return _Shape(refs[0] if refs else None, tuple(reversed(chain)))


def _lookup(context: Mapping[str, Any] | None, path: str | None) -> Any:
    cur: Any = context
    for part in (path or "").split("."):
        if not isinstance(cur, Mapping) or part not in cur:
            return None
        cur = cur[part]
    return cur


def _has_cjk(text: str) -> bool:
    return any(unicodedata.east_asian_width(ch) in ("W", "F") for ch in text)


def _label(table: str, code: str | None) -> str | None:
    if code is None or table not in codes.TABLES:
        return None
    try:
        return codes.table(table).label(code)
    except KeyError:
        return None


def _region_name(code: str) -> str | None:
    """A region code's name at its own level, as the ``region`` filter names it (a municipality's 市辖区 is
    named by the city: 北京市)."""
    if regions.region(code) is None:
        return None
    pn, cn, dn = regions.names(code)
    return pn if code.endswith("0000") else cn if code.endswith("00") else dn


def _from_code_map(table: str, sent: str, system_codes: Mapping[str, Mapping[str, Any]], profile_raw: Any
                   ) -> ConfirmLine:
    """A value that went through the ``code`` filter: back through the system's map to the words."""
    mapping = system_codes.get(table, {})
    candidates = [c for c, sv in mapping.items() if sv is not None and str(sv) == sent]
    # The system's meaning of its code: the canonical code spelled the same (identity), else the first mapped.
    meaning = sent if sent in candidates else (candidates[0] if candidates else None)
    words = sent if _has_cjk(sent) else (_label(table, meaning) or sent)  # a client that stores the text
    code = None if _has_cjk(sent) else sent
    profile_code = codes.table(table).resolve(str(profile_raw)) if profile_raw not in (None, "") and \
        table in codes.TABLES else None
    profile_words = _label(table, profile_code)
    if profile_words and profile_words != words and profile_code != meaning:
        return ConfirmLine("", words, code, "mapped", profile_words)
    return ConfirmLine("", words, code)


def describe(label: str, sent: str, step: Any, env: Any, system_codes: Mapping[str, Mapping[str, Any]],
             context: Mapping[str, Any] | None) -> ConfirmLine:
    """One sent pair in words; see the module doc."""
    if step is not None and step.kind in CHECK_KINDS:
        return ConfirmLine(label, "☑ 勾选" if sent == TICKED else "☐ 不勾选")
    shape = _shape(env, step.args.get("value")) if step is not None else _Shape(None, ())
    raw = _lookup(context, shape.field)
    names = [n for n, _a in shape.filters]
    spec = model.field_spec(shape.field) if shape.field else None
    line = ConfirmLine(label, sent)
    if "code" in names:
        table = next(a[0] for n, a in shape.filters if n == "code" and a)
        line = _from_code_map(str(table), sent, system_codes, raw)
    elif "region" in names:
        part = next((a[0] for n, a in shape.filters if n == "region" and a), "")
        if not str(part).endswith("_name") and _region_name(sent):
            line = ConfirmLine("", _region_name(sent) or sent, sent)
    elif "label" in names:
        line = ConfirmLine("", sent)
    elif not names and spec is not None and spec.kind == "region" and _region_name(sent):
        line = ConfirmLine("", _region_name(sent) or sent, sent)
    elif not names and spec is not None and spec.kind == "code" and spec.table and _label(spec.table, sent):
        line = ConfirmLine("", _label(spec.table, sent) or sent, sent)
    elif context is not None and shape.field:
        if raw in (None, "", []) and "default" in names and sent:
            line = ConfirmLine("", sent, note="default")
        elif isinstance(raw, str) and raw and sent and sent != raw.strip() and sent in raw and \
                {"address", "substr"} & set(names):
            line = ConfirmLine("", sent, note="part")
    return ConfirmLine(label, line.words, line.code, line.note, line.profile_words)


def confirm_lines(recipe: Any, system: Any, sent: list[tuple[str, str]],
                  context: Mapping[str, Any] | None = None) -> list[ConfirmLine]:
    """Every (label, value) the run reported as sent, in order, in words. CONTEXT (the case's record and fields,
    as the run got them) lets a line say where the value is not the profile's own; without it, no marks."""
    env = values.make_env(system.id, system.codes)
    by_label = _steps_by_label(recipe)
    seen: dict[str, int] = {}
    out = []
    for label, value in sent:  # the n-th report of a label came from the n-th step with it (a loop: the last)
        steps = by_label.get(label) or [None]
        n = seen[label] = seen.get(label, -1) + 1
        out.append(describe(label, value, steps[min(n, len(steps) - 1)], env, system.codes, context))
    return out
