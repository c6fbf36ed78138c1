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
from clerkdesk.records.regions_en import english

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
    target: str = ""  # the target's own label, when LABEL is the field's name in another language (English)

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


def _label(table: str, code: str | None, lang: str = "zh") -> str | None:
    if code is None or table not in codes.TABLES:
        return None
    try:
        zh = codes.table(table).label(code)
    except KeyError:
        return None
    if lang == "en":
        return next((c.en for c in codes.table(table).codes if c.code == code and c.en), zh)
    return zh


def _region_name(code: str, lang: str = "zh") -> str | None:
    """A region code's name at its own level, as the ``region`` filter names it (a municipality's 市辖区 is
    named by the city: 北京市); in English by ``records.regions_en``."""
    if regions.region(code) is None:
        return None
    pn, cn, dn = regions.names(code)
    name = pn if code.endswith("0000") else cn if code.endswith("00") else dn
    return english(name) if lang == "en" else name


def _from_code_map(table: str, sent: str, system_codes: Mapping[str, Mapping[str, Any]], profile_raw: Any,
                   lang: str = "zh") -> ConfirmLine:
    """A value that went through the ``code`` filter: back through the system's map to the words."""
    mapping = system_codes.get(table, {})
    candidates = [c for c, sv in mapping.items() if sv is not None and str(sv) == sent]
    # The system's meaning of its code: the canonical code spelled the same (identity), else the first mapped.
    meaning = sent if sent in candidates else (candidates[0] if candidates else None)
    if _has_cjk(sent):  # a client that stores the text: its words are the value (in English, the table's name)
        words = _label(table, codes.table(table).resolve(sent), lang) or sent if lang == "en" and \
            table in codes.TABLES else sent
    else:
        words = _label(table, meaning, lang) or sent
    code = None if _has_cjk(sent) else sent
    profile_code = codes.table(table).resolve(str(profile_raw)) if profile_raw not in (None, "") and \
        table in codes.TABLES else None
    profile_words = _label(table, profile_code, lang)
    if profile_words and profile_words != words and profile_code != meaning:
        return ConfirmLine("", words, code, "mapped", profile_words)
    return ConfirmLine("", words, code)


def step_field(step: Any, env: Any) -> str | None:
    """The record or case field a fill/choose step enters (its value's one field), None for any other step."""
    if step.kind not in VALUE_KINDS:
        return None
    return _shape(env, step.args.get("value")).field


TICK_WORDS = {"zh": ("☑ 勾选", "☐ 不勾选"), "en": ("☑ ticked", "☐ not ticked")}


def _field_name(name: str | None, recipe: Any, lang: str) -> str:
    """Field NAME's own name in LANG ("" when it has none there): the registry's, or the recipe's case field's."""
    if not name or lang != "en":
        return ""
    spec = model.field_spec(name)
    if spec is not None:
        return spec.en
    cf = getattr(recipe, "fields", {}).get(name)
    return str(cf.en) if cf is not None and cf.en else ""


def _options(name: str | None, recipe: Any) -> Any:
    cf = getattr(recipe, "fields", {}).get(name) if name else None
    return cf if cf is not None and cf.options else None


def _option_words(cf: Any, sent: str, lang: str) -> str | None:
    """SENT as a choice:/multi: field's option(s) in LANG (a multi-select's items one by one); None if not one."""
    from clerkdesk.recipe.choices import ITEM_JOIN, split_items

    items = split_items(sent) if ITEM_JOIN in sent else [sent]
    if not items or any(i not in cf.options for i in items):
        return None
    return (", " if lang == "en" else ITEM_JOIN).join(cf.option_words(i, lang) for i in items)


def _guards(recipe: Any, env: Any) -> dict[int, str]:
    """id(step) → the field of the innermost ``when: {if: "{{ case.contract_signed }}"}`` around it: what a box
    ticked there stands for (是否签订劳动合同 ticked because the labour contract is signed)."""
    out: dict[int, str] = {}

    def go(steps: tuple[Any, ...], field: str | None) -> None:
        for s in steps:
            if field:
                out[id(s)] = field
            inner = field
            if isinstance(s.args.get("if"), str):
                inner = _shape(env, s.args["if"]).field or (values.references(env, s.args["if"]) or [None])[0] \
                    or field
            for kids in s.children.values():
                go(kids, inner)

    go(getattr(recipe, "steps", ()), None)
    return out


def describe(label: str, sent: str, step: Any, env: Any, system_codes: Mapping[str, Mapping[str, Any]],
             context: Mapping[str, Any] | None, lang: str = "zh", recipe: Any = None,
             guard: str | None = None) -> ConfirmLine:
    """One sent pair in words, in LANG (the English window: the field's English name, the value in English where
    it is a code, a region or a recipe's option; the citizen's own text as it is); see the module doc."""
    if step is not None and step.kind in CHECK_KINDS:
        on = _shape(env, step.args.get("on")) if isinstance(step.args.get("on"), str) else _Shape(None, ())
        cf = _options(on.field, recipe)
        if cf is None:  # a box ticked per item of a multi: field (each/when): the one field that has the option
            having = [f for f in getattr(recipe, "fields", {}).values() if label in f.options]
            cf = having[0] if len(having) == 1 else None
        name = label
        if lang == "en" and cf is not None and label in cf.options:  # 养老 of 参保险种: Insurance types: Pension
            field_name = _field_name(cf.name, recipe, lang)
            name = f"{field_name}: " * bool(field_name) + cf.option_words(label, lang)
        elif lang == "en" and (field_name := _field_name(on.field or guard, recipe, lang)):
            name = field_name  # a box ticked for a yes/no field: 是否签订劳动合同 → Labour contract signed
        ticked, unticked = TICK_WORDS.get(lang, TICK_WORDS["zh"])
        return ConfirmLine(name, ticked if sent == TICKED else unticked, target=label if name != label else "")
    shape = _shape(env, step.args.get("value")) if step is not None else _Shape(None, ())
    raw = _lookup(context, shape.field)
    names = [n for n, _a in shape.filters]
    spec = model.field_spec(shape.field) if shape.field else None
    line = ConfirmLine(label, sent)
    if "code" in names:
        table = next(a[0] for n, a in shape.filters if n == "code" and a)
        line = _from_code_map(str(table), sent, system_codes, raw, lang)
    elif "region" in names:
        part = next((a[0] for n, a in shape.filters if n == "region" and a), "")
        if not str(part).endswith("_name") and _region_name(sent):
            line = ConfirmLine("", _region_name(sent, lang) or sent, sent)
        elif lang == "en" and sent in regions.place_names():  # a name the filter gave: 山东省
            line = ConfirmLine("", english(sent))
    elif "label" in names:
        line = ConfirmLine("", sent)
    elif not names and spec is not None and spec.kind == "region" and _region_name(sent):
        line = ConfirmLine("", _region_name(sent, lang) or sent, sent)
    elif not names and spec is not None and spec.kind == "code" and spec.table and _label(spec.table, sent):
        line = ConfirmLine("", _label(spec.table, sent, lang) or sent, sent)
    elif not names and (cf := _options(shape.field, recipe)) is not None and \
            (words := _option_words(cf, sent, lang)) is not None:
        line = ConfirmLine("", words)  # a recipe's own choice, in the words of the UI's language
    elif context is not None and shape.field:
        if raw in (None, "", []) and "default" in names and sent:
            line = ConfirmLine("", sent, note="default")
        elif isinstance(raw, str) and raw and sent and sent != raw.strip() and sent in raw and \
                {"address", "substr"} & set(names):
            line = ConfirmLine("", sent, note="part")
    name = _field_name(shape.field, recipe, lang) or label
    return ConfirmLine(name, line.words, line.code, line.note, line.profile_words,
                       target=label if name != label else "")


def confirm_lines(recipe: Any, system: Any, sent: list[tuple[str, str]],
                  context: Mapping[str, Any] | None = None, lang: str = "zh") -> list[ConfirmLine]:
    """Every (label, value) the run reported as sent, in order, in words. CONTEXT (the case's record and fields,
    as the run got them) lets a line say where the value is not the profile's own; without it, no marks. LANG
    "en": each line in English (the field's English name, the target's own label kept as ``target``)."""
    env = values.make_env(system.id, system.codes)
    by_label = _steps_by_label(recipe)
    guards = _guards(recipe, env) if lang != "zh" else {}
    seen: dict[str, int] = {}
    out = []
    for label, value in sent:  # the n-th report of a label came from the n-th step with it (a loop: the last)
        steps = by_label.get(label) or [None]
        n = seen[label] = seen.get(label, -1) + 1
        step = steps[min(n, len(steps) - 1)]
        out.append(describe(label, value, step, env, system.codes, context, lang, recipe, guards.get(id(step))))
    return out
