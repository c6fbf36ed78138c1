"""Load recipe files into ``Recipe`` objects, checking everything that can be checked without data.

Every error names its place (file:line:col) and, where it helps, a
did-you-mean. ``lint`` collects all errors of a file instead of stopping at
the first.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from jinja2 import nodes
from jinja2.exceptions import TemplateSyntaxError

from clerkdesk.errors import Mark, RecipeError
from clerkdesk.recipe import values
from clerkdesk.recipe.ids import recipe_id_problem, system_id_problem
from clerkdesk.recipe.model import CaseField, Recipe
from clerkdesk.recipe.steps import (
    COMMON,
    CONDITION_KEYS,
    CONDITION_TEXTS,
    CREDENTIAL_NAME,
    EN_SETTING,
    LOCATOR_KEYS,
    LOCATOR_TEXTS,
    MESSAGE_SETTINGS,
    RENDERED_TEXTS,
    STEPS,
    Param,
    Step,
    StepType,
)
from clerkdesk.recipe.systems import System, url_problem
from clerkdesk.recipe.yamlsrc import Src, load
from clerkdesk.records.model import FIELDS, field_spec, suggest

RECIPE_KEYS = {"recipe", "title", "en", "system", "applicant", "needs", "fields", "steps", "description", "query"}
ROLES = {"alert", "alertdialog", "button", "checkbox", "cell", "columnheader", "combobox", "dialog", "grid",
         "gridcell", "heading", "img", "link", "list", "listbox", "listitem", "menu", "menubar", "menuitem",
         "menuitemcheckbox", "menuitemradio", "option", "radio", "radiogroup", "row", "rowheader", "searchbox",
         "spinbutton", "switch", "tab", "table", "tablist", "tabpanel", "textbox", "tree", "treeitem", "group",
         "region", "navigation", "form", "banner", "main", "status", "progressbar", "separator", "toolbar"}
PRIMARY_LOCATOR = ("label", "role", "placeholder", "text", "css", "xpath", "image", "row")


class _Collector:
    def __init__(self, lint: bool):
        self.lint = lint
        self.errors: list[RecipeError] = []

    def __call__(self, message: str, mark: Mark, hint: str = "") -> None:
        err = RecipeError(message, mark, hint.strip() or None)
        if not self.lint:
            raise err
        self.errors.append(err)


class _Loader:
    def __init__(self, path: Path, systems: dict[str, System] | None, err: _Collector):
        self.path = path
        self.systems = systems
        self.err = err
        self.env = values.make_env()
        self.case_fields: dict[str, CaseField] = {}
        self.refs: list[str] = []
        self.optional_refs: list[str] = []
        self.system: System | None = None
        self._in_when = 0

    # --- templates ---------------------------------------------------------------------
    def template(self, text: Any, mark: Mark, scope: set[str]) -> str:
        text = "" if text is None else str(text)
        if not values.is_template(text):
            return text
        try:
            ast = self.env.parse(text)
        except TemplateSyntaxError as e:
            self.err(f"template syntax error: {e.message}", mark)
            return text
        self.bounded(ast, mark)
        for fnode in ast.find_all(nodes.Filter):
            if fnode.name not in self.env.filters:
                self.err(f"unknown filter {fnode.name!r}.", mark, suggest(fnode.name, sorted(self.env.filters)))
            elif fnode.name == "code" and self.system is not None:
                table = fnode.args[0].value if fnode.args and isinstance(fnode.args[0], nodes.Const) else None
                if table is not None and table not in self.system.codes:
                    self.err(f"code table {table!r} is not mapped by system {self.system.id} "
                             f"(its tables: {', '.join(self.system.codes) or 'none'})", mark)
        for ref in values.references(self.env, text):
            root = ref.split(".")[0]
            if root in scope:
                continue
            if root == "case":
                if ref not in self.case_fields and ref != "case":
                    self.err(f"unknown field {ref!r}: case fields must be declared under 'fields:'.", mark,
                             suggest(ref, list(self.case_fields)))
                    continue
            elif root in ("person", "enterprise"):
                if field_spec(ref) is None and ref not in ("person", "enterprise", "enterprise.legal_rep"):
                    self.err(f"unknown field {ref!r}.", mark, suggest(ref, list(FIELDS) + list(self.case_fields)))
                    continue
            else:
                self.err(f"unknown name {root!r} in a template (use person.*, enterprise.* or case.*).", mark,
                         suggest(root, ["person", "enterprise", "case", *scope]))
                continue
            (self.optional_refs if self._in_when else self.refs).append(ref)
        return text

    def bounded(self, ast: nodes.Template, mark: Mark) -> None:
        """Lint what would break the template bounds (values.MAX_OUTPUT, render time) before any fill."""
        for m in ast.find_all(nodes.Mul):
            a, b = m.left, m.right
            if isinstance(b, nodes.Const) and isinstance(b.value, str):
                a, b = b, a
            if isinstance(a, nodes.Const) and isinstance(a.value, str) and isinstance(b, nodes.Const) \
                    and isinstance(b.value, int) and len(a.value) * b.value > values.MAX_OUTPUT:
                self.err(f"this template would produce {len(a.value) * b.value:,} characters "
                         f"(at most {values.MAX_OUTPUT:,})", mark)
        for loop in ast.find_all(nodes.For):
            if any(True for _ in loop.find_all(nodes.For)):
                self.err("a template may not nest loops (render time is bounded): use an 'each' step", mark)
                break

    # --- locators and conditions ---------------------------------------------------------
    def locator(self, body: dict[str, Any], marks: dict[str, Mark], where: Mark, required: bool = True) -> None:
        if required and not any(k in body for k in PRIMARY_LOCATOR):
            self.err("no locator: give one of label, role (+name), placeholder, text, css, xpath or image", where)
        if "role" in body and str(body["role"]) not in ROLES:
            self.err(f"unknown ARIA role {body['role']!r}.", marks.get("role", where),
                     suggest(str(body["role"]), sorted(ROLES)))
        if "nth" in body and not isinstance(body["nth"], int):
            self.err("nth is a whole number (0 = the first match)", marks.get("nth", where))
        if "xpath" in body and not str(body["xpath"]).startswith(("/", "(", ".")):
            self.err("an xpath starts with /, // or ( — did you mean css?", marks.get("xpath", where))
        if "css" in body and (not str(body["css"]).strip() or str(body["css"]).count("[") != str(body["css"]).count("]")):
            self.err("css selector is empty or its brackets do not match", marks.get("css", where))
        if "offset" in body and not (isinstance(body["offset"], list) and len(body["offset"]) == 2):
            self.err("offset is [dx, dy] in pixels", marks.get("offset", where))
        if "row" in body and any(k in body for k in ("label", "image", "offset")):
            self.err("row works with role, text, placeholder, css or xpath (or alone: the row itself), not with "
                     "label, image or offset", marks.get("row", where))

    def nested_locator(self, src: Src, scope: set[str]) -> dict[str, Any]:
        if not src.is_map:
            self.err("expected a locator mapping such as {role: button, name: 提交}", src.mark)
            return {}
        body: dict[str, Any] = {}
        marks: dict[str, Mark] = {}
        for k, v, km in src.items():
            if k not in LOCATOR_KEYS:
                self.err(f"unknown locator key {k!r}.", km, suggest(k, list(LOCATOR_KEYS)))
                continue
            body[k], marks[k] = v.plain(), v.mark
            if k in LOCATOR_TEXTS and isinstance(body[k], str):
                self.template(body[k], v.mark, scope)  # rendered when the step runs, like inline locators
        self.locator(body, marks, src.mark)
        return body

    def condition(self, src: Src, where: Mark, scope: set[str]) -> dict[str, Any]:
        if not src.is_map:
            return {"text": self.template(src.plain(), src.mark, scope)}
        out: dict[str, Any] = {}
        for k, v, km in src.items():
            if k not in CONDITION_KEYS:
                self.err(f"unknown condition key {k!r} (use text, element, url, window, gone).", km,
                         suggest(k, list(CONDITION_KEYS)))
            elif k == "element":
                out[k] = self.nested_locator(v, scope)
            elif k in CONDITION_TEXTS and isinstance(v.value, str):
                out[k] = self.template(v.plain(), v.mark, scope)
            else:
                out[k] = v.plain()
        if not any(k in out for k in ("text", "element", "url", "window")):
            self.err("a condition needs text, element, url or window", where)
        return out

    # --- steps -------------------------------------------------------------------------
    def steps(self, src: Src, scope: set[str]) -> tuple[Step, ...]:
        if not src.is_seq:
            self.err("'steps' is a list of steps (each line starting with '- ')", src.mark)
            return ()
        out = []
        for i, el in enumerate(src.elements()):
            st = self.step(el, scope, i)
            if st is not None:
                out.append(st)
        return tuple(out)

    def step(self, el: Src, scope: set[str], index: int) -> Step | None:
        if not el.is_map or len(el.value) != 1:
            keys = list(el.value) if el.is_map else []
            self.err("each step is one step type with its settings, e.g. '- fill: {label: 姓名, value: …}'"
                     + (f" (found keys {', '.join(map(str, keys))}: indent settings under the step type)" if keys
                        else ""), el.mark)
            if el.is_map:
                self.unknown_body(el, scope)
            return None
        kind, body, kmark = next(el.items())
        stype = STEPS.get(kind)
        if stype is None:
            self.err(f"unknown step type {kind!r}.", kmark, suggest(kind, sorted(STEPS)))
            self.unknown_body(body, scope)  # its templates still name their misspelt fields, in the same pass
            return None
        if self.system is not None and self.system.kind not in stype.kinds:
            self.err(f"step {kind!r} is not available for {self.system.kind} systems", kmark)
        args: dict[str, Any] = {}
        marks: dict[str, Mark] = {}
        children: dict[str, tuple[Step, ...]] = {}
        misspelt = False
        if not body.is_map:
            if stype.scalar is None:
                self.err(f"{kind} needs settings, e.g. {_example(stype)}", body.mark)
                return None
            items = [(stype.scalar, body, body.mark)]
        else:
            items = list(body.items())
        for k, v, km in items:
            if stype.entries and k not in COMMON:
                if stype.entries == "profile":
                    self.profile_entry(kind, k, km)
                args[k] = self.capture_spec(k, v, scope, kind)
                marks[k] = v.mark
                continue
            p: Param | None = stype.params.get(k)
            if p is None and k in COMMON:
                p = Param(COMMON[k])
            if p is None and stype.locator and k in LOCATOR_KEYS:
                p = Param("locator-key")
            if p is None and stype.condition and k in CONDITION_KEYS:
                p = Param("condition-key")
            if p is None:
                allowed = [*stype.params, *COMMON, *(LOCATOR_KEYS if stype.locator else ()),
                           *(CONDITION_KEYS if stype.condition else ())]
                self.err(f"{kind} has no setting {k!r}.", km, suggest(k, allowed))
                misspelt = True
                continue
            marks[k] = v.mark
            if p.type == "steps":
                if kind == "when":
                    self._in_when += 1
                inner = scope | ({str(body.value.get("as"))} if kind == "each" and body.is_map else set())
                if kind == "each":
                    inner |= {"loop_index"}
                if kind == "login":
                    inner |= {CREDENTIAL_NAME}  # {{ login.username }} / {{ login.password }}: the credential
                children[k] = self.steps(v, inner)
                if kind == "login":
                    self.check_login_steps(children[k], v.mark)
                if kind == "when":
                    self._in_when -= 1
            elif p.type == "locator":
                args[k] = self.nested_locator(v, scope)
            elif p.type == "condition":
                args[k] = self.condition(v, v.mark, scope)
            elif p.type == "condition-key" and k == "element":
                args[k] = self.nested_locator(v, scope)
            elif p.type == "condition-key" and k in CONDITION_TEXTS and isinstance(v.value, str):
                args[k] = self.template(v.plain(), v.mark, scope)  # wait/expect texts may be templates
            elif p.type == "text" and k in RENDERED_TEXTS.get(kind, ()) and isinstance(v.value, str):
                args[k] = self.template(v.plain(), v.mark, scope)
            elif p.type == "text" and k == EN_SETTING and k in MESSAGE_SETTINGS.get(kind, ()) and (
                    not isinstance(v.value, str) or not v.value.strip() or "\n" in v.value.strip()
                    or values.is_template(v.value)):
                self.err(f"{kind} en is the message in the English window, one line of plain text (e.g. en: "
                         "\"Log in to the system\")", v.mark)
            elif p.type == "text" and k == EN_SETTING:
                args[k] = str(v.value).strip()
            elif p.type == "text" and k in MESSAGE_SETTINGS.get(kind, ()) and values.is_template(str(v.value)):
                self.err(f"{kind} {k} is shown as written: templates are not rendered in messages (they would "
                         "put a citizen's data into the run log); name the field in words instead", v.mark)
                args[k] = v.plain()
            elif p.type == "locator-key" and isinstance(v.value, str):
                args[k] = self.template(v.plain(), v.mark, scope)  # texts may be templates (成员{{ … }}姓名)
            elif p.type == "values" and v.is_seq:
                args[k] = self.value_list(kind, v, scope)
            elif p.type in ("value", "values"):
                args[k] = self.template(v.plain(), v.mark, scope)
            elif p.type == "bool":
                val = v.plain()
                args[k] = self.template(val, v.mark, scope) if isinstance(val, str) else bool(val)
            elif p.type in ("number", "int"):
                if not isinstance(v.value, int | float) or isinstance(v.value, bool):
                    self.err(f"{k} is a number", v.mark)
                args[k] = v.plain()
            else:
                args[k] = v.plain()
        for name, p in stype.params.items():
            if p.required and name not in args and name not in children:
                self.err(f"{kind} needs '{name}' ({p.doc or p.type}), e.g. {_example(stype)}", el.mark)
        if stype.one_of and sum(k in args for k in stype.one_of) != 1:
            self.err(f"{kind} takes exactly one of: {', '.join(stype.one_of)}", el.mark)
        if stype.locator and not stype.optional_locator and not misspelt:  # a misspelt key was reported already
            self.locator(args, marks, el.mark)
        if stype.condition:
            self.condition_check(args, el.mark)
        if kind == "dialog" and args.get("action") not in ("accept", "dismiss"):
            self.err("dialog action is 'accept' or 'dismiss'", marks.get("action", el.mark))
        if kind == "open":
            self.check_open(str(args.get("target", "")), marks.get("target", el.mark))
        if kind == "each" and "as" in args and not re.fullmatch(r"[a-z_][a-z0-9_]*", str(args["as"])):
            self.err("'as' is a simple lower-case name such as member", marks["as"])
        return Step(kind, args, kmark, marks, children, index)

    def check_login_steps(self, steps: tuple[Step, ...], where: Mark) -> None:
        """A login by stored credential types and clicks: it submits nothing, asks nobody, reads nothing into
        the case (the credential would reach a confirm, a receipt or the run log)."""
        for st in steps:
            t = st.type
            if t.irreversible or t.person or t.reads:
                self.err(f"login steps only type and click: {st.kind!r} does not belong in a login (a submit, a "
                         "question to the clerk or a capture there would show the credential or file something)",
                         st.mark)
            for kids in st.children.values():
                self.check_login_steps(kids, where)

    def value_list(self, kind: str, v: Src, scope: set[str]) -> list[str]:
        """A list value (recipe/choices.py): a multi-select's items for `choose`, a date range's [start, end] for
        `fill`; each item a text or a template, checked where it is."""
        from clerkdesk.recipe.choices import ITEM_JOIN

        out: list[str] = []
        for el in v.elements():
            if el.is_map or el.is_seq or el.value is None:
                self.err(f"{kind} value: each item of the list is a text or a template, not "
                         f"{'a mapping' if el.is_map else 'a list' if el.is_seq else 'empty'}", el.mark)
                continue
            if kind == "choose" and ITEM_JOIN in str(el.value):
                self.err(f"choose value: an item may not contain {ITEM_JOIN!r} (it joins the items)", el.mark)
            out.append(self.template(el.plain(), el.mark, scope))
        if kind == "fill" and len(v.value) != 2:
            self.err(f"fill value: a list is a date range [start, end] of exactly two dates (this one has "
                     f"{len(v.value)})", v.mark)
        elif kind == "choose" and not v.value:
            self.err("choose value: an empty list chooses nothing (give at least one item)", v.mark)
        return out

    def unknown_body(self, body: Src, scope: set[str]) -> None:
        """Check the templates of a step whose type is unknown, so one pass reports them too."""
        if body.is_map:
            for _, v, _ in body.items():
                self.unknown_body(v, scope)
        elif body.is_seq:
            for el in body.elements():
                if el.is_map and len(el.value) == 1:
                    self.step(el, scope, 0)  # nested steps of an unknown `fram:` are still real steps
                else:
                    self.unknown_body(el, scope)
        elif isinstance(body.value, str) and values.is_template(body.value):
            self.template(body.plain(), body.mark, scope)

    def condition_check(self, args: dict[str, Any], where: Mark) -> None:
        if not any(k in args for k in ("text", "element", "url", "window")):
            self.err("needs something to look for: text, element, url or window", where)

    def profile_entry(self, kind: str, name: str, mark: Mark) -> None:
        """A `read` entry names the profile field the system's value is compared with (``person.hukou_type``);
        the applicant's own fields only, since the comparison is with the applicant's profile."""
        if not name.startswith(("person.", "enterprise.")) or field_spec(name) is None:
            self.err(f"{kind} {name!r}: not a profile field (read entries name the field the system's value is "
                     "compared with, e.g. person.hukou_type).", mark, suggest(name, list(FIELDS)))
            return
        self.optional_refs.append(name)  # compared when the profile has it; the form need not ask for it

    def capture_spec(self, name: str, v: Src, scope: set[str], kind: str = "capture") -> dict[str, Any]:
        if not v.is_map:
            return {"after": self.template(str(v.value), v.mark, scope)}
        out: dict[str, Any] = {}
        for k, x, km in v.items():
            if k == "element":
                out[k] = self.nested_locator(x, scope)
            elif k == "after":
                out[k] = self.template(x.plain(), x.mark, scope)
            elif k in ("after", "pattern"):
                out[k] = x.plain()
                if k == "pattern":
                    try:
                        re.compile(str(x.value))
                    except re.error as e:
                        self.err(f"{kind} {name}: bad regular expression: {e}", x.mark)
            else:
                self.err(f"{kind} {name} has no setting {k!r} (use after, element, pattern).", km,
                         suggest(k, ["after", "element", "pattern"]))
        if not ("after" in out or "element" in out):
            self.err(f"{kind} {name} needs 'after' (a label) or 'element' (a locator)", v.mark)
        return out

    def check_open(self, target: str, mark: Mark) -> None:
        if self.system is None or self.system.kind != "web" or values.is_template(target):
            return
        # resolved like the engine resolves it (a link from start_url): catches 'http://…' and '//host/…' alike
        base = self.system.start_url if self.system.owns(self.system.start_url or "") else ""
        try:
            url = urljoin(base, target) if base else target  # a foreign start_url is the system file's error
        except ValueError as e:
            self.err(f"{target!r} is not a valid URL ({e})", mark)
            return
        if (why := url_problem(url)) is not None:
            self.err(f"{why}: recipes may only send data to the system's own origins", mark)
            return
        if re.match(r"^(?:[a-z][a-z0-9+.-]*:)?//", url, re.I) and not self.system.owns(url):
            self.err(f"{target!r} is not on an origin of system {self.system.id} "
                     f"({', '.join(self.system.origins)}): recipes may only send data to the system's own origins",
                     mark)


def _reads_before_writes(steps: tuple[Step, ...], err: _Collector) -> None:
    """A step that reads what the system holds (``observes``) must come before every submit: its comparison is
    with what the system held *before* this run wrote anything, and its decisions are carried into the fill."""
    submitted = False

    def go(items: tuple[Step, ...]) -> None:
        nonlocal submitted
        for st in items:
            if st.type.observes and submitted:
                err(f"{st.kind} comes after a submit: it reads what the system held before this run, so it must "
                    "come before every submit (put it first, on the system's query page)", st.mark)
            if st.type.submits:
                submitted = True
            for kids in st.children.values():
                go(kids)

    go(steps)


def _example(st: StepType) -> str:
    """The step's example from the registry (the same one the docs show), in the form a message can quote."""
    return st.example.split(": ", 1)[1] if st.example.startswith(f"{st.name}: ") else f"{st.name}: …"


FIELD_KEYS = ("zh", "en", "en_choices", "kind", "type", "required", "min", "max", "maxlength")


def _label(value: Any, what: str, where: Src, err: _Collector, example: str = "Monthly wage") -> str:
    """An ``en:`` label: a non-empty line of text ("" when absent; an error names WHAT when it is not one)."""
    if value is None:
        return ""
    if not isinstance(value, str) or not value.strip() or "\n" in value.strip():
        mark = where.get("en").mark if where.is_map and where.get("en") is not None else where.mark  # type: ignore[union-attr]
        err(f"{what} is the English label, one line of text (e.g. en: {example})", mark)
        return ""
    return value.strip()


def _case_field(name: str, d: dict[str, Any], body: Src, err: _Collector) -> CaseField:
    """One ``fields:`` declaration: ``case.wage: {zh: 月工资, type: number, min: 0}`` (``type`` = ``kind``)."""
    if body.is_map:
        for k, _v, km in body.items():
            if k not in FIELD_KEYS:
                err(f"{name} has no setting {k!r}.", km, suggest(k, list(FIELD_KEYS)))
    kind = str(d.get("type", d.get("kind", "text")))
    bounds: dict[str, Any] = {}
    for k in ("min", "max", "maxlength"):
        v = d.get(k)
        if v is None:
            continue
        mark = body.get(k).mark if body.is_map and body.get(k) is not None else body.mark  # type: ignore[union-attr]
        if isinstance(v, bool) or not isinstance(v, int | float) or (k == "maxlength" and not isinstance(v, int)):
            err(f"{name}: {k} is a number", mark)
        elif k in ("min", "max") and kind != "number":
            err(f"{name}: {k} needs type: number", mark)
        else:
            bounds[k] = v
    if "min" in bounds and "max" in bounds and bounds["min"] > bounds["max"]:
        err(f"{name}: min is larger than max", body.mark)
    field = CaseField(name, str(d.get("zh", name)), kind, bool(d.get("required", True)), bounds.get("min"),
                      bounds.get("max"), bounds.get("maxlength"), _label(d.get("en"), f"{name}: en", body, err))
    src = body.get("en_choices") if body.is_map else None
    if src is None:
        return field
    return replace(field, en_choices=_en_choices(name, field, src, err))


def _en_choices(name: str, field: CaseField, src: Src, err: _Collector) -> tuple[tuple[str, str], ...]:
    """``en_choices: {一年以下: "Under one year", …}``: the English words of a choice:/multi: field's options (each
    an option of the field; one line of text each); an option without one shows as written."""
    if not field.options:
        err(f"{name}: en_choices needs a choice:A|B or multi:A|B kind", src.mark)
        return ()
    if not src.is_map:
        err(f"{name}: en_choices maps each option to its English words (e.g. en_choices: "
            f"{{{field.options[0]}: \"…\"}})", src.mark)
        return ()
    out: list[tuple[str, str]] = []
    for opt, words, km in src.items():
        if str(opt) not in field.options:
            err(f"{name}: en_choices names {opt!r}, which is not one of its options.", km,
                suggest(str(opt), list(field.options)))
        elif not isinstance(words.value, str) or not words.value.strip() or "\n" in words.value.strip():
            err(f"{name}: en_choices {opt} is its English words, one line of text", words.mark)
        else:
            out.append((str(opt), words.value.strip()))
    return tuple(out)


def _load(path: Path, systems: dict[str, System] | None, lint: bool, text: str | None = None
          ) -> tuple[Recipe | None, list[RecipeError]]:
    err = _Collector(lint)
    try:
        src = load(path, text)
    except RecipeError as e:
        if not lint:
            raise
        return None, [e]
    if not src.is_map:
        err("a recipe is a mapping with keys recipe, title, system, needs, steps", src.mark)
        return None, err.errors
    ld = _Loader(path, systems, err)
    for k, _, km in src.items():
        if k not in RECIPE_KEYS:
            err(f"unknown key {k!r} in a recipe.", km, suggest(k, sorted(RECIPE_KEYS)))
    for req in ("recipe", "title", "system", "steps"):
        if src.get(req) is None:
            err(f"a recipe needs '{req}'", src.mark)
    rid_src = src.get("recipe")
    if rid_src is not None and (why := recipe_id_problem(rid_src.value)):
        err(why, rid_src.mark)
    sys_src = src.get("system")
    system_id = str(sys_src.value) if sys_src else ""
    bad_system = sys_src is not None and (why := system_id_problem(sys_src.value))
    if bad_system:
        err(str(bad_system), sys_src.mark)  # type: ignore[union-attr]
    elif systems is not None and system_id not in systems and sys_src is not None:
        err(f"unknown system {system_id!r} (no recipes/systems/{system_id}.yaml).", sys_src.mark,
            suggest(system_id, list(systems)))
    ld.system = systems.get(system_id) if systems else None
    fsrc = src.get("fields")
    if fsrc is not None:
        if not fsrc.is_map:
            err("'fields' maps case fields to their labels, e.g. case.employer: {zh: 用工单位名称}", fsrc.mark)
        else:
            for name, body, km in fsrc.items():
                if not name.startswith("case."):
                    err(f"declared fields are case fields (case.something), not {name!r}", km)
                    continue
                d = body.plain() if body.is_map else {"zh": str(body.value)}
                ld.case_fields[name] = _case_field(name, d, body, err)
    needs: list[str] = []
    nsrc = src.get("needs")
    if nsrc is not None:
        for el in nsrc.elements() if nsrc.is_seq else []:
            n = str(el.value)
            if n.startswith("case.") and n not in ld.case_fields:
                ld.case_fields[n] = CaseField(n, n.removeprefix("case."))
            elif not n.startswith("case.") and field_spec(n) is None:
                err(f"unknown field {n!r} in needs.", el.mark, suggest(n, list(FIELDS)))
                continue
            needs.append(n)
    qsrc = src.get("query")
    if qsrc is not None:
        if not isinstance(qsrc.value, str) or not qsrc.value.strip() or values.is_template(qsrc.value):
            err("query is the system's page where a submit can be looked up, e.g. /person/query (a plain path or "
                "URL on the system: no template, it would put a citizen's data into an address)", qsrc.mark)
        else:
            ld.check_open(qsrc.value, qsrc.mark)
    ssrc = src.get("steps")
    steps = ld.steps(ssrc, set()) if ssrc is not None else ()
    _reads_before_writes(steps, err)
    applicant = str(src.get("applicant").value) if src.get("applicant") else (
        "enterprise" if any(n.startswith("enterprise.") for n in [*needs, *ld.refs]) else "person")
    if applicant not in ("person", "enterprise"):
        err("applicant is 'person' or 'enterprise'", src.get("applicant").mark)  # type: ignore[union-attr]
    en = _label(src.get("en").value if src.get("en") is not None else None, "en", src, err,  # type: ignore[union-attr]
                "Employment registration")
    if err.errors:
        return None, err.errors
    all_needs = tuple(dict.fromkeys([*needs, *ld.refs]))
    optional = frozenset(r for r in ld.optional_refs if r not in all_needs)
    return Recipe(id=str(src.get("recipe").value), title=str(src.get("title").value),  # type: ignore[union-attr]
                  system=system_id, applicant=applicant, needs=all_needs, fields=ld.case_fields, steps=steps,
                  path=path, mark=src.mark,
                  description=str(src.get("description").value) if src.get("description") else "",
                  optional=optional, query=str(qsrc.value) if qsrc is not None else "", en=en), []


def load_recipe(path: Path, systems: dict[str, System] | None = None) -> Recipe:
    """Load one recipe; raises the first RecipeError."""
    recipe, _ = _load(path, systems, lint=False)
    assert recipe is not None
    return recipe


def lint_recipe(path: Path, systems: dict[str, System] | None = None, text: str | None = None) -> list[RecipeError]:
    """Every problem of one recipe file (empty when it is fine)."""
    return _load(path, systems, lint=True, text=text)[1]
