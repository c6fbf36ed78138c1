"""``clerkdesk recipe record``: the supervisor fills a web form once by hand with a sample record; ClerkDesk writes
the recipe.

The page is opened in ClerkDesk's own browser (the web driver: the system's origins, the kept login). While
recording, **every form post and every non-GET request is blocked** (nothing typed can reach the system, even a
click on 提交 by habit); the click on the form's submit button is remembered as the recipe's ``submit``. When the
supervisor is done, ClerkDesk reads every control that changed, finds its locator the way ``recipe probe``
does (verified with ClerkDesk's own label search), and binds its value to the record field whose value — or
formatted date, or code mapped through the system's code table, or Chinese label — equals it. The sample record
should hold distinct values so that each binding is unambiguous; a value that matches no field, or more than
one, is written as a literal with a comment saying so.

Only what changed in the page the supervisor ends on is recorded (one page, its frames included): tabs clicked,
popups and a multi-page flow have to be added by hand (``click``, ``window``). Desktop screens are recorded by
``workbench.desktop_recorder`` (the supervisor clicks boxes; the same binding).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from clerkdesk.recipe import values
from clerkdesk.records.model import field_spec
from clerkdesk.workbench.web_probe import WebProbe, _flow, probe_page

# every control's current value, by its probe number (set by LIST_CONTROLS)
READ_VALUES = r"""
() => {
  const out = {};
  for (const el of document.querySelectorAll('[data-clerkdesk-probe]')) {
    const n = el.getAttribute('data-clerkdesk-probe');
    const type = (el.type || '').toLowerCase();
    if (type === 'radio') {
      const group = el.name ? Array.from(document.querySelectorAll(`input[type=radio][name="${el.name}"]`)) : [el];
      const on = group.find(r => r.checked);
      const text = on ? ((on.labels && on.labels.length ? on.labels[0].innerText
                                                     : (on.nextSibling && on.nextSibling.textContent)) || '') : '';
      out[n] = {value: on ? on.value : '', text: text.trim()};
    } else if (type === 'checkbox') out[n] = {value: el.checked ? 'true' : 'false', text: ''};
    else if (el.tagName === 'SELECT') {
      const o = el.options[el.selectedIndex];
      out[n] = {value: el.value, text: o ? o.text.trim() : ''};
    } else out[n] = {value: el.isContentEditable ? el.innerText : el.value, text: ''};
  }
  return out;
}
"""

# remember a click on a submit button (and stop it: the form must not be sent while recording)
GUARD_SUBMIT = r"""
() => {
  if (window.__clerkdeskRecording) return;
  window.__clerkdeskRecording = true;
  document.addEventListener('click', e => {
    const b = e.target.closest('button,input[type=submit],input[type=button],input[type=image],a,[role=button]');
    if (!b) return;
    const isSubmit = (b.type || '').toLowerCase() === 'submit' || /提\s*交|保\s*存|申\s*报|确\s*定|登\s*记/.test(
      (b.innerText || b.value || '').trim());
    if (!isSubmit) return;
    e.preventDefault(); e.stopPropagation();
    window.__clerkdeskSubmit = (b.innerText || b.value || b.getAttribute('aria-label') || '').trim();
  }, true);
  document.addEventListener('submit', e => { e.preventDefault(); e.stopPropagation(); }, true);
}
"""

DATE_FORMATS = ("%Y-%m-%d", "%Y%m%d", "%Y/%m/%d", "%Y年%m月%d日", "%Y.%m.%d")


class Kinded(Protocol):
    """What ``bind`` needs of a control: its kind (a web ``Control``, a desktop recorder's ``Box``)."""

    kind: str


@dataclass
class Binding:
    control: Any  # a web_probe.Control, or a desktop_recorder.Box
    value: str  # what the supervisor left in the control (a select's value, a checkbox's true/false)
    text: str  # a select's / radio's visible text
    template: str | None  # the bound template, or None (a literal)
    note: str = ""


def _flatten(context: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in context.items():
        path = f"{prefix}.{k}" if prefix else k
        if isinstance(v, dict):
            out.update(_flatten(v, path))
        elif v not in (None, "", [], True, False):
            out[path] = v
    return out


def candidates(context: dict[str, Any], codes: dict[str, Any], system_id: str) -> list[tuple[str, str]]:
    """Every (template, rendered value) the sample record offers: fields, formatted dates, date parts,
    codes through the system's code map and Chinese labels."""
    env = values.make_env(system_id, codes)
    out: list[tuple[str, str]] = []
    for path in _flatten(context):
        spec = field_spec(path)
        exprs = ["{{ " + path + " }}"]
        is_date = (spec is not None and spec.kind == "date") or (
            path.startswith("case.") and _looks_like_date(_get(context, path)))
        if is_date:
            exprs += ["{{ " + path + f" | date('{f}')" + " }}" for f in DATE_FORMATS]
            exprs += ["{{ " + path + " | date('%Y') }}", "{{ " + path + " | date('%m') | int }}",
                      "{{ " + path + " | date('%d') | int }}", "{{ " + path + " | date('%m') }}",
                      "{{ " + path + " | date('%d') }}"]
        if spec is not None and spec.table:
            if spec.table in codes:
                exprs.append("{{ " + path + f" | code('{spec.table}')" + " }}")
            exprs.append("{{ " + path + f" | label('{spec.table}')" + " }}")
        for e in exprs:
            try:
                out.append((e, values.render(env, e, context).strip()))
            except values.TemplateValueError:
                continue
    return out


def _get(context: dict[str, Any], path: str) -> Any:
    cur: Any = context
    for p in path.split("."):
        cur = cur.get(p) if isinstance(cur, dict) else None
    return cur


def _looks_like_date(v: Any) -> bool:
    from clerkdesk.records.standards import parse_date

    return isinstance(v, str) and parse_date(v)[0] is not None


PARTS = ("date('%Y')", "date('%m')", "date('%d')")  # date parts: only for a value nothing else explains


def _field(expr: str) -> str:
    return expr.split("}}")[0].split("|")[0].strip(" {")


def bind(c: Kinded, value: str, text: str, offers: list[tuple[str, str]]) -> Binding:
    """Bind VALUE (a select's or radio's visible TEXT first) to the one field of the sample that explains it:
    by the text, else by the value, else by a part of a date (a split year/month/day select). Among that
    field's templates the system's code wins, then the plain value, then a date format, then the label.
    Several fields, or none: a literal, with a note saying which."""
    if c.kind == "check":
        return Binding(c, value, text, None)
    whole = [(e, got) for e, got in offers if got and not any(p in e for p in PARTS)]
    parts = [(e, got) for e, got in offers if got and any(p in e for p in PARTS)]
    tiers = [(whole, text.strip()), (whole, value.strip()), (parts, value.strip())]
    for pool, want in tiers:
        if not want:
            continue
        fields = {_field(e) for e, got in pool if got == want}
        if len(fields) > 1:
            return Binding(c, value, text, None, f"ambiguous: the sample has it in {', '.join(sorted(fields))} — "
                                                 "make the sample's values distinct")
        if len(fields) == 1:
            f = fields.pop()
            hits = [e for e, got in pool if _field(e) == f and got in (value.strip(), text.strip())]
            hits.sort(key=lambda e: (0 if "| code(" in e else 3 if "| label(" in e else 1 if "| date(" in e else 2))
            return Binding(c, value, text, hits[0])
    return Binding(c, value, text, None, "matches no field of the sample record")


def record_page(page: Any, act: Callable[[Any], None]) -> tuple[WebProbe, list[Binding], str | None]:
    """Guard PAGE against any submission, let ACT fill it (the person), then read what changed:
    (the probe of the page, the changed controls with their bindings unresolved, the submit button clicked)."""
    def guard(route: Any) -> None:
        req = route.request
        if req.method not in ("GET", "HEAD", "OPTIONS") or (req.is_navigation_request() and req.method != "GET"):
            route.abort("blockedbyclient")  # while recording nothing is sent to the system
        else:
            route.fallback()

    page.context.route("**/*", guard)
    for fr in page.frames:
        fr.evaluate(GUARD_SUBMIT)
    page.context.add_init_script(GUARD_SUBMIT.strip().join(["(", ")();"]))
    probe_page(page)  # numbers every control (data-clerkdesk-probe) so that values can be compared after
    initial = _values(page)
    act(page)
    submit = None
    for fr in page.frames:
        try:
            submit = submit or fr.evaluate("() => window.__clerkdeskSubmit || null")
        except Exception:
            continue
    after = probe_page(page)  # renumbers in the same order; the page the supervisor ends on
    now = _values(page)
    changed: list[Binding] = []
    for c in after.controls:
        v = now.get(c.number)
        if v is None or (initial.get(c.number) == v and not (c.kind == "check" and v["value"] == "true")):
            continue
        if c.kind == "check" and v["value"] == "false":
            continue
        if c.kind != "check" and not v["value"] and not v["text"]:
            continue
        changed.append(Binding(c, v["value"], v["text"], None))
    return after, changed, submit


def _values(page: Any) -> dict[int, dict[str, str]]:
    out: dict[int, dict[str, str]] = {}
    for fr in page.frames:
        try:
            got = fr.evaluate(READ_VALUES)
        except Exception:
            continue
        out.update({int(k): v for k, v in got.items()})
    return out


def case_fields(bound: list[tuple[str | None, str]]) -> list[str]:
    """The ``fields:`` block declaring every case field that BOUND (template, the label it was recorded from)
    uses: a recipe must declare its case fields (lint), and the label the supervisor saw is the best 中文 name."""
    from clerkdesk.drivers.desktop.probe import _yaml_flow

    out: dict[str, dict[str, str]] = {}
    for template, label in bound:
        if template is None or not _field(template).startswith("case."):
            continue
        decl = out.setdefault(_field(template), {"zh": label.strip().rstrip(":：").strip() or _field(template)})
        if "| date(" in template:
            decl["kind"] = "date"
    return ["fields:"] + [f"  {name}: {_yaml_flow(d)}" for name, d in out.items()] if out else []


def recipe_text(url_path: str, system_id: str, bindings: list[Binding], submit: str | None, source: str) -> str:
    """The recorded recipe: open, one step per changed control (bound), confirm, submit."""
    lines = [f"# recorded by `clerkdesk recipe record` from {source}: check it, add what follows the submit",
             "# (expect, capture), then try it: clerkdesk recipe test THIS_FILE --record SAMPLE.json",
             f"recipe: {system_id}.recorded", "title: 录制的事项（请修改）", f"system: {system_id}",
             *case_fields([(b.template, b.control.label or b.control.name) for b in bindings]), "steps:",
             f"  - open: {url_path}"]
    frame = ""
    indent = "  "
    for b in bindings:
        c = b.control
        if c.frame != frame:
            frame = c.frame
            if frame:
                key, _, val = frame.partition("=")
                lines.append(f"  - frame:\n      {key}: {json.dumps(val, ensure_ascii=False)}\n      steps:")
                indent = "        "
            else:
                indent = "  "
        loc = _flow(c.locator)[1:-1]
        if c.kind == "check":
            lines.append(f"{indent}- check: {{{loc}, value: true}}")
            continue
        word = "choose" if c.kind in ("choose", "radio") else "fill"
        if b.template is not None:
            value = json.dumps(b.template, ensure_ascii=False)
            note = ""
        else:
            shown = b.value if c.kind in ("fill", "date") else (b.text or b.value)
            value = json.dumps(shown.replace("{", "{{ '{' }}"), ensure_ascii=False)
            note = f"   # literal: {b.note}"
        lines.append(f"{indent}- {word}: {{{loc}, value: {value}}}{note}")
    if frame:
        indent = "  "
    lines.append(f"{indent}- confirm: 请核对后提交")
    if submit:
        lines.append(f"{indent}- submit: {{click: {{role: button, name: {json.dumps(submit, ensure_ascii=False)}}}}}")
    else:
        lines.append(f"{indent}# the submit button was not clicked while recording: write the submit step")
    return "\n".join(lines) + "\n"


def record_url(url: str, system: Any, context: dict[str, Any], act: Callable[[Any], None], *, home: Any, clerk: str,
               headless: bool = False, options: dict[str, Any] | None = None, timeout: float = 30.0) -> str:
    """Open URL for SYSTEM, let ACT fill the form (a person; a test), and return the recorded recipe text."""
    from urllib.parse import urlsplit

    from clerkdesk.drivers.web import PlaywrightDriver
    from clerkdesk.recipe.driver import DriverContext

    drv = PlaywrightDriver()
    drv.start(DriverContext(system=system, home=home, clerk=clerk, headless=headless, options=dict(options or {})))
    try:
        drv.open(url, timeout)
        with contextlib.suppress(Exception):
            drv.page.wait_for_load_state("load", timeout=timeout * 1000)
        probe, changed, submit = record_page(drv.page, act)
        offers = candidates(context, dict(system.codes), system.id)
        bindings = [bind(b.control, b.value, b.text, offers) for b in changed]
        parts = urlsplit(probe.url)
        return recipe_text((parts.path or "/") + (f"?{parts.query}" if parts.query else ""), system.id, bindings,
                           submit, probe.url)
    finally:
        drv.close()
