"""``clerkdesk recipe probe --url``: every form control of a web page (frames included), with the label ClerkDesk
would use for it, a locator proposal that ClerkDesk's own label search has been seen to resolve to exactly that
control, its kind, a select's or radio group's options, an annotated screenshot, and a draft recipe.

The page is opened through the web driver itself (the system's origin guard and egress proxy, the supervisor's
kept login when ``--system`` names a system), so the probe sees what a fill would see. Proposals are *verified*:
each candidate label text is given to the same in-page label search a ``fill`` uses (``drivers/web/js``), and
is proposed only if that search lands on this control (with ``nth`` when the label occurs more than once);
controls no label reaches (split date selects, cascading 市/区 selects without labels of their own) get a
stable CSS selector instead — an id that does not look generated, a unique name, or a short path.

Popup windows open at probe time — opened by the page itself, or by the supervisor in a headed probe before
pressing Enter (an address picker, a 查询 window) — are probed too: their controls are listed under a
``window:`` heading and the draft reaches them with a ``window`` step.
"""

from __future__ import annotations

import contextlib
import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from clerkdesk.records.model import FIELDS, FieldSpec

# Lists the controls of one document and gives each a probe number (data-clerkdesk-probe), with the texts that
# could be its label, in the order ClerkDesk's label search would most likely use them.
LIST_CONTROLS = r"""
(start) => {
  const CTL = 'input:not([type=hidden]):not([type=submit]):not([type=button]):not([type=reset]):not([type=image]),'
            + 'select,textarea,[contenteditable=""],[contenteditable=true],[role=combobox],[role=textbox]';
  const clean = s => (s || '').replace(/[\s\u00a0\u3000]+/g, ' ').trim();
  const norm = s => (s || '').replace(/[\s\u00a0\u3000]/g, '').replace(/[*＊]/g, '').replace(/[：:]+$/, '');
  const visible = el => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length)
                        && getComputedStyle(el).visibility !== 'hidden';
  const ownText = el => { let t = ''; for (const n of el.childNodes) if (n.nodeType === 3) t += n.textContent;
                          return clean(t); };
  const generated = id => /\d{3,}|[0-9a-f]{8,}|^(ext|gen|ember|react|mui|el-id|rc_)|__|:/.test(id);
  const uniq = sel => { try { return document.querySelectorAll(sel).length === 1; } catch (e) { return false; } };
  const cssOf = el => {
    if (el.id && !generated(el.id) && uniq('#' + CSS.escape(el.id))) return '#' + CSS.escape(el.id);
    const nm = el.getAttribute('name');
    const tag = el.tagName.toLowerCase();
    if (nm && uniq(`${tag}[name="${nm}"]`)) return `${tag}[name="${nm}"]`;
    const parts = [];
    let e = el;
    while (e && e.nodeType === 1 && e !== document.body) {
      if (e !== el && e.id && !generated(e.id)) { parts.unshift('#' + CSS.escape(e.id)); break; }
      const t = e.tagName.toLowerCase();
      const same = e.parentElement ? Array.from(e.parentElement.children).filter(c => c.tagName === e.tagName) : [e];
      parts.unshift(same.length > 1 ? `${t}:nth-of-type(${same.indexOf(e) + 1})` : t);
      e = e.parentElement;
    }
    return parts.join(' > ');
  };
  // the nearest text before EL in document order (legacy layouts: "姓名：<input>"): [its element, the text itself
  // — bare text in a form or fieldset has no element of its own: 邮编：<input> 地址：<input>]
  const before = el => {
    const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    let last = null, text = '', n;
    while ((n = w.nextNode())) {
      if (el.compareDocumentPosition(n) & Node.DOCUMENT_POSITION_FOLLOWING) break;
      const p = n.parentElement;
      if (!p || ['OPTION', 'SCRIPT', 'STYLE', 'SELECT', 'TEXTAREA'].includes(p.tagName) || el.contains(n)) continue;
      if (norm(n.textContent)) { last = p; text = n.textContent; }
    }
    return last && [last, text];
  };
  const out = [];
  const seenGroups = new Set();
  let i = start;
  for (const el of document.querySelectorAll(CTL)) {
    const type = (el.type || '').toLowerCase();
    const tag = el.tagName.toLowerCase();
    if (type === 'radio' && el.name) {
      if (seenGroups.has(el.name)) continue;
      seenGroups.add(el.name);
    }
    const cands = [];
    // as a supervisor would write it: no star, no trailing colon, no spaces inside Chinese words (密 码 → 密码)
    const tidy = t => { t = clean(t).replace(/^[*＊\s]+/, '').replace(/[\s：:]+$/, '');
                        return /[A-Za-z]/.test(t) ? t : t.replace(/\s+/g, ''); };
    const add = t => { t = tidy(t); if (norm(t) && norm(t).length <= 30 && !cands.includes(t)) cands.push(t); };
    const isRadio = type === 'radio';
    const isCheck = type === 'checkbox';
    // a checkbox's own label names it; a radio's own label names one option, the group's label comes before
    if (!isRadio && el.labels && el.labels.length) {
      const lab = el.labels[0];
      add(ownText(lab) || lab.innerText);
    }
    if (!isRadio && el.getAttribute('aria-label')) add(el.getAttribute('aria-label'));
    const cell = el.closest('td,th');
    if (cell && cell.previousElementSibling) add(cell.previousElementSibling.innerText);
    const b = before(isRadio && el.labels && el.labels.length ? el.labels[0] : el);
    if (b) { add(ownText(b[0]) || b[0].innerText); add(b[1]); }
    if (el.id) for (const l of document.querySelectorAll(`label[for="${CSS.escape(el.id)}"]`)) add(l.innerText);
    let kind = 'fill', options = [];
    if (tag === 'select') {
      kind = 'choose';
      options = Array.from(el.options).map(o => ({value: o.value, text: clean(o.text)}));
    } else if (isRadio) {
      kind = 'radio';
      const group = el.name ? Array.from(document.querySelectorAll(`input[type=radio][name="${el.name}"]`)) : [el];
      options = group.map(r => ({value: r.value, text: clean(r.labels && r.labels.length ? r.labels[0].innerText
                                                                   : (r.nextSibling && r.nextSibling.textContent))}));
    } else if (isCheck) kind = 'check';
    else if (type === 'date' || type === 'datetime-local') kind = 'date';
    else if (el.getAttribute('role') === 'combobox') kind = 'choose';
    el.setAttribute('data-clerkdesk-probe', String(i));
    out.push({probe: i, tag, type, name: el.getAttribute('name') || '', id: el.id || '', kind, options,
              candidates: cands, placeholder: el.getAttribute('placeholder') || '', css: cssOf(el),
              visible: visible(el), readonly: !!(el.readOnly || el.disabled)});
    i++;
  }
  const buttons = Array.from(document.querySelectorAll(
      'button,input[type=submit],input[type=button],a[role=button],[role=button]'))
    .filter(visible).map(b => clean(b.innerText || b.value || b.getAttribute('aria-label'))).filter(t => t);
  return {controls: out, buttons, title: document.title};
}
"""

# Gives each candidate label to ClerkDesk's own label search (FIND_BY_LABEL, the one `fill` uses) and keeps the
# first (label, nth) that lands on the control itself.
VERIFY = r"""
(args) => {
  const find = /*FIND_BY_LABEL*/;
  const res = {};
  for (const c of args.controls) {
    for (const label of c.candidates) {
      let hit = null;
      for (let nth = 0; nth < 6 && !hit; nth++) {
        const r = find({label, token: 'probe', nth, within: null, option: null});
        if (!r.tagged) break;
        const e = document.querySelector("[data-clerkdesk='probe']");
        if (e && e.getAttribute('data-clerkdesk-probe') === String(c.probe)) hit = {label, nth, found: r.found};
      }
      if (hit) { res[c.probe] = hit; break; }
    }
  }
  for (const old of document.querySelectorAll('[data-clerkdesk]')) old.removeAttribute('data-clerkdesk');
  return res;
}
"""

# Numbered boxes over every control, drawn by the page itself (CJK fonts, frames: each document draws its own).
OVERLAY = r"""
(on) => {
  for (const o of document.querySelectorAll('.clerkdesk-probe-box')) o.remove();
  if (!on) return;
  for (const el of document.querySelectorAll('[data-clerkdesk-probe]')) {
    const r = el.getBoundingClientRect();
    if (!r.width && !r.height) continue;
    const d = document.createElement('div');
    d.className = 'clerkdesk-probe-box';
    d.style.cssText = `position:absolute;left:${r.left + scrollX - 2}px;top:${r.top + scrollY - 2}px;`
      + `width:${r.width}px;height:${r.height}px;border:2px solid #d00;z-index:2147483647;`
      + 'pointer-events:none;box-sizing:content-box';
    const n = document.createElement('span');
    n.textContent = el.getAttribute('data-clerkdesk-probe');
    n.style.cssText = 'position:absolute;left:-2px;top:-16px;background:#d00;color:#fff;font:bold 11px sans-serif;'
      + 'padding:0 3px;line-height:14px';
    if (r.top + scrollY < 16) { n.style.top = '0px'; n.style.left = (r.width + 2) + 'px'; }   // inside a frame's top
    d.appendChild(n);
    document.body.appendChild(d);
  }
}
"""


@dataclass
class Control:
    """One form control as the probe saw it."""

    number: int
    frame: str  # "" = the page itself, else how a `frame` step reaches it (name=… or url=…)
    tag: str
    type: str
    kind: str  # fill | choose | radio | check | date
    name: str
    id: str
    label: str | None  # the label ClerkDesk's own search resolves to this control
    nth: int
    locator: dict[str, Any]
    options: list[dict[str, str]] = field(default_factory=list)
    visible: bool = True
    readonly: bool = False
    candidates: list[str] = field(default_factory=list)
    css: str = ""
    window: str = ""  # "" = the page probed, else how a `window` step reaches its popup (title=… or url=…)

    def locator_text(self) -> str:
        return _flow(self.locator)

    def to_json(self) -> dict[str, Any]:
        return {"number": self.number, "window": self.window, "frame": self.frame, "tag": self.tag, "type": self.type, "kind": self.kind,
                "name": self.name, "id": self.id, "label": self.label, "locator": self.locator,
                "options": self.options, "visible": self.visible, "readonly": self.readonly, "css": self.css}


@dataclass
class WebProbe:
    url: str
    title: str
    controls: list[Control]
    buttons: list[str]
    frames: list[str]
    png: bytes = b""
    button_frames: dict[str, str] = field(default_factory=dict)  # button text → the frame it is in ("" = page)
    windows: list[str] = field(default_factory=list)  # the popup windows probed with it (title=… or url=…)
    window_buttons: dict[str, list[str]] = field(default_factory=dict)  # a popup's ref → its buttons


def _flow(d: dict[str, Any]) -> str:
    parts = []
    for k, v in d.items():
        if isinstance(v, str):
            needs_quotes = not v or re.search(r"[:{}\[\],#&*!|>'\"%@`]|^\s|\s$", v) or v.lower() in (
                "true", "false", "yes", "no", "null", "~") or re.fullmatch(r"[-+.\d]+", v)
            quoted = f"'{v}'" if '"' in v and "'" not in v else json.dumps(v, ensure_ascii=False)
            parts.append(f"{k}: {quoted if needs_quotes else v}")
        else:
            parts.append(f"{k}: {json.dumps(v, ensure_ascii=False)}")
    return "{" + ", ".join(parts) + "}"


def _frame_ref(page: Any, fr: Any) -> str:
    if fr is page.main_frame:
        return ""
    if fr.name:
        return f"name={fr.name}"
    return f"url={urlsplit(fr.url).path or fr.url}"


def window_ref(page: Any) -> str:
    """How a ``window`` step reaches the popup PAGE: ``title=…`` (its title), else ``url=…`` (its path)."""
    with contextlib.suppress(Exception):
        title = (page.title() or "").strip()
        if title:
            return f"title={title}"
    return f"url={urlsplit(page.url).path or page.url}"


def probe_page(page: Any, window: str = "", number: int = 1) -> WebProbe:
    """Probe PAGE (a Playwright page, already loaded): every control of every frame, numbered from NUMBER;
    WINDOW: how a `window` step reaches PAGE when it is a popup ("" for the page itself)."""
    from clerkdesk.drivers.web.js import FIND_BY_LABEL

    verify = VERIFY.replace("/*FIND_BY_LABEL*/", FIND_BY_LABEL.strip())
    controls: list[Control] = []
    buttons: list[str] = []
    button_frames: dict[str, str] = {}
    frames: list[str] = []
    for fr in page.frames:
        try:
            got = fr.evaluate(LIST_CONTROLS, number)
        except Exception:  # a frame navigating or cross-origin: say so rather than guess
            frames.append(f"{_frame_ref(page, fr) or 'page'} (not readable)")
            continue
        ref = _frame_ref(page, fr)
        if ref:
            frames.append(ref)
        raw = got["controls"]
        number += len(raw)
        for b in got["buttons"]:
            if b not in buttons:
                buttons.append(b)
                button_frames[b] = ref
        verified = fr.evaluate(verify, {"controls": [{"probe": c["probe"], "candidates": c["candidates"]}
                                                     for c in raw]}) if raw else {}
        for c in raw:
            hit = verified.get(str(c["probe"])) or verified.get(c["probe"])
            if hit:
                loc: dict[str, Any] = {"label": hit["label"]}
                if hit["nth"]:
                    loc["nth"] = hit["nth"]
                label, nth = hit["label"], int(hit["nth"])
            elif c["placeholder"]:
                loc, label, nth = {"placeholder": c["placeholder"]}, None, 0
            else:
                loc, label, nth = {"css": c["css"]}, None, 0
            controls.append(Control(c["probe"], ref, c["tag"], c["type"], c["kind"], c["name"], c["id"], label, nth,
                                    loc, c["options"], c["visible"], c["readonly"], c["candidates"], c["css"],
                                    window))
    return WebProbe(page.url, page.title(), controls, buttons, frames, button_frames=button_frames)


def annotated_screenshot(page: Any) -> bytes:
    """A full-page PNG with a numbered red box over every probed control (the numbers of the listing)."""
    for fr in page.frames:
        with contextlib.suppress(Exception):
            fr.evaluate(OVERLAY, True)
    try:
        return bytes(page.screenshot(full_page=True))
    finally:
        for fr in page.frames:
            with contextlib.suppress(Exception):
                fr.evaluate(OVERLAY, False)


# --- the draft recipe -------------------------------------------------------------------------------------

def _norm(text: str) -> str:
    return re.sub(r"[\s\u00a0\u3000*＊]|[：:]+$", "", text or "")


def guess_field(label: str | None) -> FieldSpec | None:
    """The record field whose Chinese name is the label (姓名 → person.name); person fields first."""
    if not label:
        return None
    want = _norm(label)
    exact = [f for f in FIELDS.values() if _norm(f.zh) == want]
    if exact:
        return exact[0]
    return None


def _value(c: Control, spec: FieldSpec | None, case_name: str, codes: dict[str, Any]) -> str:
    if spec is None:
        ref = case_name
        return "{{ " + ref + (" | date('%Y-%m-%d')" if c.kind == "date" else "") + " }}"
    if spec.kind == "code" and spec.table:
        how = f"code('{spec.table}')" if spec.table in codes else f"label('{spec.table}')"
        return "{{ " + spec.name + " | " + how + " }}"
    if spec.kind == "date" or c.kind == "date":
        return "{{ " + spec.name + " | date('%Y-%m-%d') }}"
    return "{{ " + spec.name + " }}"


SUBMIT_WORDS = ("提交", "保存", "申报", "登记", "确定", "提 交", "保 存")


def draft_recipe(probe: WebProbe, system_id: str, open_target: str, codes: dict[str, Any] | None = None) -> str:
    """A draft recipe for the probed page: one step per control, bound to the record field its label names
    (or to a declared case field), a confirm and a submit. It lints clean as written; check every line."""
    codes = codes or {}
    fields: list[str] = []
    steps: list[str] = [f"  - open: {open_target}"]
    frame = ""
    window = ""
    indent = "  "
    split: list[tuple[str, str]] = []  # a date shown as year/month/day selects: the parts still to bind
    for c in probe.controls:
        if c.readonly and c.kind != "date":
            continue
        if c.window != window:  # a popup window: its steps in a `window` step (its 确定 is the supervisor's)
            if window:
                steps.append("        # - click: {text: 确定}   # the window's buttons: "
                             + (", ".join(probe.window_buttons.get(window, [])) or "none"))
            window, frame = c.window, ""
            if window:
                key, _, val = window.partition("=")
                steps.append(f"  - window:\n      {key}: {json.dumps(val, ensure_ascii=False)}\n      steps:")
            indent = "        " if window else "  "
        base = "        " if window else "  "
        if c.frame != frame:
            frame = c.frame
            if frame:
                key, _, val = frame.partition("=")
                steps.append(f"{base}- frame:\n{base}    {key}: {json.dumps(val, ensure_ascii=False)}\n{base}    steps:")
                indent = base + "      "
            else:
                indent = base
        spec = guess_field(c.label)
        case_name = f"case.field{c.number}"
        if c.kind == "choose" and c.label is None and split:
            field_name, fmt = split.pop(0)  # month, then day of a split date (no label of their own)
            value = "{{ " + field_name + f" | date('{fmt}') | int" + " }}"
            steps.append(f"{indent}- choose: {{{c.locator_text()[1:-1]}, value: {json.dumps(value)}}}"
                         "   # part of the date above; drop `| int` if the options have a leading 0")
            continue
        split = []
        if c.kind == "choose" and spec is not None and spec.kind == "date":
            split = [(spec.name, "%m"), (spec.name, "%d")]
            value = "{{ " + spec.name + " | date('%Y') }}"
            steps.append(f"{indent}- choose: {{{c.locator_text()[1:-1]}, value: {json.dumps(value)}}}"
                         "   # the year of a date shown as three selects")
            continue
        if spec is None and c.kind != "check":
            zh = c.label or (c.candidates[0] if c.candidates else f"字段{c.number}")
            kind = ", kind: date" if c.kind == "date" else ""
            fields.append(f"  {case_name}: {{zh: {json.dumps(zh, ensure_ascii=False)}{kind}}}")
        loc = c.locator_text()[1:-1]
        note = "" if c.visible else "   # hidden now: open its tab first"
        if c.kind == "check":
            steps.append(f"{indent}- check: {{{loc}, value: true}}{note}")
            continue
        word = "choose" if c.kind in ("choose", "radio") else "fill"
        value = _value(c, spec, case_name, codes)
        opts = ""
        if c.options:
            shown = ", ".join(f"{o['value']}={o['text']}" if o["text"] and o["text"] != o["value"] else o["value"]
                              for o in c.options[:12] if o["value"] or o["text"])
            opts = f"   # options: {shown}" + (" …" if len(c.options) > 12 else "")
        steps.append(f"{indent}- {word}: {{{loc}, value: {json.dumps(value, ensure_ascii=False)}}}{note or opts}")
    if window:  # the last controls were in a popup: back to the page for the submit
        steps.append("        # - click: {text: 确定}   # the window's buttons: "
                     + (", ".join(probe.window_buttons.get(window, [])) or "none"))
        frame = "(window)"
    submit = next((b for b in probe.buttons if b.replace(" ", "") in {w.replace(" ", "") for w in SUBMIT_WORDS}),
                  None)
    where = probe.button_frames.get(submit or "", "")
    if where != frame:  # the submit button is in another frame (or in the page) than the last control
        if where:
            key, _, val = where.partition("=")
            steps.append(f"  - frame:\n      {key}: {json.dumps(val, ensure_ascii=False)}\n      steps:")
            indent = "        "
        else:
            indent = "  "
    steps.append(f"{indent}- confirm: 请核对后提交")
    if submit:
        steps.append(f"{indent}- submit: {{click: {{role: button, name: {json.dumps(submit, ensure_ascii=False)}}}}}")
    else:
        steps.append(f"{indent}# no 提交/保存 button seen (buttons: {', '.join(probe.buttons) or 'none'}): "
                     "write the submit step")
    out = [f"# draft by `clerkdesk recipe probe --url {probe.url}`: check every step, the bound fields and the",
           "# options; add what happens after the submit (expect, capture). Use test data to try it:",
           "# clerkdesk recipe test THIS_FILE --record sample.json",
           f"recipe: {system_id}.new-matter", "title: 新事项（请修改）", f"system: {system_id}"]
    if fields:
        out += ["fields:", *fields]
    out += ["steps:", *steps]
    return "\n".join(out) + "\n"


def listing(probe: WebProbe) -> list[str]:
    """The human-readable table the CLI prints."""
    lines = [f"page {probe.url!r} “{probe.title}”: {len(probe.controls)} controls"
             + (f"; frames: {', '.join(probe.frames)}" if probe.frames else "")
             + (f"; popup windows: {', '.join(probe.windows)}" if probe.windows else ""),
             "  #  kind    frame         label (as ClerkDesk finds it)   locator   [options]"]
    window = ""
    for c in probe.controls:
        if c.window != window:  # a popup's controls, as a `window` step reaches them
            window = c.window
            key, _, val = window.partition("=")
            lines.append(f"window: {{{key}: {val}}}")
        opts = ""
        if c.options:
            opts = "  [" + ", ".join(o["text"] or o["value"] for o in c.options[:8]) + (" …" if len(c.options) > 8
                                                                                       else "") + "]"
        flags = ("" if c.visible else " (hidden)") + (" (read-only)" if c.readonly else "")
        lines.append(f"{c.number:>3}  {c.kind:<7} {c.frame or '-':<13} {c.label or '(no label reaches it)':<30} "
                     f"{c.locator_text()}{flags}{opts}")
    if probe.buttons:
        lines.append("buttons: " + ", ".join(probe.buttons))
    for ref, buttons in probe.window_buttons.items():
        if buttons:
            key, _, val = ref.partition("=")
            lines.append(f"window: {{{key}: {val}}} buttons: " + ", ".join(buttons))
    return lines


def probe_url(url: str, system: Any, *, home: Any, clerk: str, headless: bool = True,
              options: dict[str, Any] | None = None, before: Any = None, timeout: float = 30.0) -> WebProbe:
    """Open URL with the web driver for SYSTEM (its origins guard the browser; its kept login is used) and
    probe it. BEFORE (optional) is called with the page once it is loaded — e.g. to let a person log in and
    navigate in a headed browser — and the page shown then is probed."""
    from clerkdesk.drivers.web import PlaywrightDriver
    from clerkdesk.recipe.driver import DriverContext

    blocked: list[str] = []
    drv = PlaywrightDriver()
    drv.start(DriverContext(system=system, home=home, clerk=clerk, headless=headless, on_violation=blocked.append,
                            options=dict(options or {})))
    try:
        drv.open(url, timeout)
        with contextlib.suppress(Exception):  # a page that keeps loading is still probed as it is
            drv.page.wait_for_load_state("load", timeout=timeout * 1000)
        if before is not None:
            before(drv.page)
        page = drv.page
        result = probe_page(page)
        result.png = annotated_screenshot(page)
        for pop in [p for p in page.context.pages if p is not page and not p.is_closed()]:  # popups open now
            with contextlib.suppress(Exception):
                pop.wait_for_load_state("load", timeout=min(timeout, 5.0) * 1000)
            ref = window_ref(pop)
            try:
                sub = probe_page(pop, ref, len(result.controls) + 1)
            except Exception as e:  # closed or navigating while probed: say so rather than guess
                result.windows.append(f"{ref} (not readable: {str(e).splitlines()[0][:80]})")
                continue
            result.windows.append(ref)
            result.controls += sub.controls
            result.window_buttons[ref] = sub.buttons
            result.frames += [f"{ref} {f}" for f in sub.frames]
        if blocked:
            result.frames.append("blocked requests to: " + ", ".join(sorted(set(blocked))))
        return result
    finally:
        drv.close()
