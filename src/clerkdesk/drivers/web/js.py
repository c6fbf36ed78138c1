"""JavaScript run in the page to find the control that belongs to a label.

Real ministry pages label fields in many ways: ``<label for>``, a label
wrapping the input, or — in legacy table layouts — a plain ``<td>姓名：</td>``
followed by a cell with an input named ``txt_07``. This finds the label text
(ignoring spaces, ``*`` markers and a trailing colon), then the control that
belongs to it, and tags it with a one-off attribute Playwright can select.
``within`` (a CSS selector) limits both the label and its control to the matching containers;
``nth`` picks among the matches (visible ones first), in document order.
"""

FIND_BY_LABEL = r"""
(args) => {
  const {label, token, nth, within, option} = args;
  const optionState = /*OPTION_STATE*/;
  const norm = s => (s || '').replace(/[\s\u00a0\u3000]/g, '').replace(/[*＊]/g, '').replace(/[：:]+$/, '');
  const want = norm(label);
  const CTL = 'input:not([type=hidden]):not([type=submit]):not([type=button]):not([type=reset]):not([type=image]),'
            + 'select,textarea,[contenteditable=""],[contenteditable=true],[role=combobox],[role=textbox],[role=switch]';
  const isCtl = el => el && el.nodeType === 1 && el.matches(CTL);
  const visible0 = el => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length)
                         && getComputedStyle(el).visibility !== 'hidden';
  // a component kit's radio/checkbox/switch hides its real input under a styled box: the box is what is shown
  const visible = el => visible0(el) || (/^(checkbox|radio)$/.test(el.type || '') && !!el.parentElement
                        && !!el.parentElement.closest('label,[role=switch],[role=checkbox],[role=radio]')
                        && visible0(el.parentElement.closest('label,[role=switch],[role=checkbox],[role=radio]')));
  const found = [];
  const LABELS = 'label,td,th,span,div,p,b,strong,font,dt,dd,legend,li,em,i';
  let roots = [document.body || document.documentElement];
  if (within) {
    try { roots = Array.from(document.querySelectorAll(within)); }
    catch (e) { return {badWithin: true, tagged: false}; }
    roots = roots.filter(r => !roots.some(o => o !== r && o.contains(r)));   // outermost containers only
    if (!roots.length) return {found: 0, visible: 0, tagged: false, noWithin: true};
  }
  const rootOf = el => roots.find(r => r.contains(el));
  const labels = roots.flatMap(r => Array.from(r.querySelectorAll(LABELS)));
  for (const el of labels) {
    let own = '';
    for (const n of el.childNodes) if (n.nodeType === 3) own += n.textContent;
    if (norm(own) !== want) {
      if (el.children.length > 3 || norm(el.textContent) !== want || el.querySelector(CTL)) continue;
    }
    let ctl = null;
    if (el.tagName === 'LABEL' && el.htmlFor) ctl = document.getElementById(el.htmlFor);
    if (ctl && !isCtl(ctl)) ctl = ctl.querySelector(CTL);   // a kit's <label for> names the group's wrapper
    if (ctl && !rootOf(ctl)) ctl = null;   // a <label for> pointing out of the container
    if (!ctl) ctl = el.querySelector(CTL);
    if (!ctl && el.parentElement && el.parentElement.closest('label')) {   // the text of a styled checkbox's <label>
      const lab = el.parentElement.closest('label');
      ctl = lab.control || lab.querySelector(CTL);
    }
    if (!ctl) {
      let sib = el.nextElementSibling;
      while (sib && !ctl) {
        ctl = isCtl(sib) ? sib : sib.querySelector(CTL);
        if (!ctl && norm(sib.textContent)) break;   // another label comes first
        sib = sib.nextElementSibling;
      }
    }
    if (!ctl && (el.tagName === 'TD' || el.tagName === 'TH')) {
      const next = el.nextElementSibling;
      if (next) ctl = next.querySelector(CTL);
    }
    if (!ctl) {
      const w = document.createTreeWalker(rootOf(el), NodeFilter.SHOW_ELEMENT);
      w.currentNode = el;
      let n, steps = 0;
      while ((n = w.nextNode()) && steps++ < 40) {
        if (el.contains(n)) continue;
        if (isCtl(n)) { ctl = n; break; }
        if (n.children.length === 0 && norm(n.textContent) && !['OPTION'].includes(n.tagName)) break;
      }
    }
    if (ctl && !found.includes(ctl)) found.push(ctl);
  }
  if (!found.length) {   // bare text in a form, fieldset or div, no element of its own: 邮编：<input> 地址：<input>
    for (const r of roots) {
      const tw = document.createTreeWalker(r, NodeFilter.SHOW_TEXT);
      let t;
      while ((t = tw.nextNode())) {
        if (norm(t.textContent) !== want || !t.parentElement || t.parentElement.closest('option,script,style,textarea')) continue;
        let ctl = null;
        for (let n = t.nextSibling; n && !ctl; n = n.nextSibling) {   // the control after it, before other text
          if (n.nodeType === 3) { if (norm(n.textContent)) break; continue; }
          if (n.nodeType !== 1) continue;
          ctl = isCtl(n) ? n : n.querySelector(CTL);
          if (!ctl && norm(n.textContent)) break;
        }
        if (ctl && !found.includes(ctl)) found.push(ctl);
      }
    }
  }
  const vis = found.filter(visible);
  const pick = vis.length ? vis : found;
  const i = nth || 0;
  if (i >= pick.length) return {found: found.length, visible: vis.length, tagged: false};
  for (const old of document.querySelectorAll('[data-clerkdesk]')) old.removeAttribute('data-clerkdesk');
  const el = pick[i];
  el.setAttribute('data-clerkdesk', token);
  const out = {found: found.length, visible: vis.length, tagged: true, hidden: !visible(el), tag: el.tagName,
               type: (el.type || '').toLowerCase(), readonly: !!(el.readOnly || el.disabled), disabled: !!el.disabled,
               maxlength: typeof el.maxLength === 'number' ? el.maxLength : -1};
  if (option != null && el.tagName === 'SELECT') out.option = optionState(el, option);   // saves `choose` a call
  return out;
}
"""

OPTION_STATE = r"""
(el, want) => {
  const opts = Array.from(el.options || []);
  const hit = opts.find(o => o.value === want) || opts.find(o => o.text.trim() === want)
           || opts.find(o => o.text.replace(/\s/g, '') === want.replace(/\s/g, ''));
  if (!hit) return {count: opts.length};
  // Playwright's select_option(value=v) selects every option whose value *or label* is v: when another
  // option's label is this one's value, the driver must select by index instead
  const ws = t => (t || '').replace(/[\u200b\u00ad]/g, '').trim().replace(/\s+/g, ' ');
  const same = opts.filter(o => o.value === hit.value || o.label === hit.value || ws(hit.value) === ws(o.label));
  return {value: hit.value, disabled: hit.disabled, index: opts.indexOf(hit), ambiguous: same.length !== 1};
}
"""

FIND_BY_LABEL = FIND_BY_LABEL.replace("/*OPTION_STATE*/", OPTION_STATE.strip())

# What a person sees and clicks for a radio or checkbox input: the input itself when it is plainly shown and on
# top (then Playwright's check/set_checked, as always), else the kit's styled box around it (its <label>, or the
# element with the ARIA role) — real inputs hidden under a styled box (opacity 0, zero size, behind it) are not
# clickable, and clicking their label is what a person does.
_PLAIN = r"""
(e) => {
  if (!(e.tagName === 'INPUT' && /^(checkbox|radio)$/.test(e.type))) return false;
  const r = e.getBoundingClientRect();
  if (r.width < 2 || r.height < 2) return false;
  for (let n = e; n && n.nodeType === 1; n = n.parentElement) {
    const s = getComputedStyle(n);
    if (s.visibility === 'hidden' || s.display === 'none' || +s.opacity < 0.1) return false;
  }
  const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  return hit === e || !hit;   // !hit: outside the viewport; Playwright scrolls it in and checks again
}
"""
_PROXY = r"""
(e) => (e.parentElement && e.parentElement.closest('label,[role=checkbox],[role=radio],[role=switch]'))
       || (e.matches('[role=checkbox],[role=radio],[role=switch]') ? e : null) || e.closest('label') || e
"""

RADIO_PICK = r"""
(el, args) => {
  const {want, token} = args;
  const plain = /*PLAIN*/, proxy = /*PROXY*/;
  const norm = s => (s || '').replace(/[\s\u00a0\u3000]/g, '').replace(/[：:]+$/, '');
  const root = el.form || document;
  const sel = `input[type=${el.type}]`;
  // kits leave `name` out and keep the group themselves: then the group is the radiogroup around the input
  const box = el.name ? null : el.closest('[role=radiogroup],[class*=radio-group],[class*=checkbox-group]');
  const group = el.name ? Array.from(root.querySelectorAll(`${sel}[name="${CSS.escape(el.name)}"]`))
              : box ? Array.from(box.querySelectorAll(sel)) : [el];
  const labelOf = r => {
    if (r.id) { const l = document.querySelector(`label[for="${CSS.escape(r.id)}"]`); if (l) return l.textContent; }
    if (r.closest('label')) return r.closest('label').textContent;
    let t = '', n = r.nextSibling;
    while (n && !(n.nodeType === 1 && n.matches('input'))) { t += n.textContent || ''; n = n.nextSibling; }
    return t;
  };
  const hit = group.find(r => r.value === want) || group.find(r => norm(labelOf(r)) === norm(want));
  if (!hit) return {options: group.map(r => norm(labelOf(r)) || r.value)};
  for (const old of document.querySelectorAll('[data-clerkdesk-radio]')) old.removeAttribute('data-clerkdesk-radio');
  for (const old of document.querySelectorAll('[data-clerkdesk-radio-in]')) old.removeAttribute('data-clerkdesk-radio-in');
  const p = plain(hit);
  (p ? hit : proxy(hit)).setAttribute('data-clerkdesk-radio', token);
  hit.setAttribute('data-clerkdesk-radio-in', token);
  return {ok: true, plain: p, checked: hit.checked};
}
""".replace("/*PLAIN*/", _PLAIN.strip()).replace("/*PROXY*/", _PROXY.strip())

# A checkbox or switch: its state from the real input or its ARIA state, whether it is plain (see _PLAIN), and
# the element to click tagged `data-clerkdesk-toggle`.
TOGGLE_STATE = r"""
(el, token) => {
  const plain = /*PLAIN*/, proxy = /*PROXY*/;
  const input = el.tagName === 'INPUT' ? el : el.querySelector('input[type=checkbox]');
  const aria = el.closest('[aria-checked]') || (input && input.closest('[aria-checked]'));
  const checked = input ? input.checked : aria ? aria.getAttribute('aria-checked') === 'true' : null;
  const p = el.tagName === 'INPUT' && plain(el);
  for (const old of document.querySelectorAll('[data-clerkdesk-toggle]')) old.removeAttribute('data-clerkdesk-toggle');
  (p ? el : el.tagName === 'INPUT' ? proxy(el) : el).setAttribute('data-clerkdesk-toggle', token);
  return {plain: p, checked, known: checked !== null};
}
""".replace("/*PLAIN*/", _PLAIN.strip()).replace("/*PROXY*/", _PROXY.strip())

IS_COMBOBOX = r"""
e => e.getAttribute('role') === 'combobox' || e.hasAttribute('aria-autocomplete') || e.hasAttribute('aria-controls')
     || e.hasAttribute('aria-owns') || e.getAttribute('aria-haspopup') === 'listbox' || !!e.closest('[role=combobox]')
"""

TEXT_AFTER = r"""
(label) => {
  const text = document.body ? document.body.innerText : '';
  const i = text.indexOf(label);
  if (i < 0) return null;
  const rest = text.slice(i + label.length).replace(/^[\s:：]+/, '');
  return rest.split('\n')[0].trim();
}
"""

# A Playwright selector engine (registered per driver, run as a content script) that finds a *plain* field by
# its label with FIND_BY_LABEL, so that Playwright's own `fill` / `select_option` (with its actionability
# checks) resolves the label in the same round trip: ``clerkdesk_label=<base64 of the JSON args of
# FIND_BY_LABEL>``. Without `option` it answers only for a visible, editable text input, textarea or
# contenteditable element whose maxlength (if any) takes the value; with `option` only for a visible, enabled, single <select> in which the option
# OPTION_STATE picks is there, enabled, and the only one Playwright's `select_option(option)` (value or label,
# white space normalised) would select. Anything else — not found yet, hidden, read-only, another kind of
# control, the option not there yet, a bad `within` — throws NOT_DIRECT at once (no waiting), and the driver
# falls back to its general path, which polls, tries the other strategies and words the errors.
LABEL_ENGINE = "clerkdesk_label"
NOT_DIRECT = "clerkdesk: not a plain field"
FILL_ENGINE = r"""
{
  queryAll(root, body) {
    const args = JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(body), c => c.charCodeAt(0))));
    const res = (/*FIND_BY_LABEL*/)(args);
    const el = res.tagged && !res.hidden ? document.querySelector(`[data-clerkdesk='${args.token}']`) : null;
    if (args.option != null) {
      const want = args.option, st = res.option;
      const ws = t => (t || '').replace(/[\u200b\u00ad]/g, '').trim().replace(/\s+/g, ' ');
      const opts = el && res.tag === 'SELECT' && !res.readonly && !el.multiple ? Array.from(el.options) : [];
      const pw = opts.filter(o => o.value === want || o.label === want || ws(want) === ws(o.label));
      if (!(st && 'value' in st && !st.disabled && pw.length === 1 && pw[0].value === st.value
            && opts.filter(o => o.value === st.value).length === 1)) throw new Error('/*NOT_DIRECT*/');
      return [el];
    }
    const TEXT = ['', 'text', 'email', 'number', 'password', 'search', 'tel', 'url'];
    const range = el && el.closest('.el-range-editor,.ant-picker-range');   // a date range: the driver's own path
    const plain = el && !range && !res.readonly && (res.tag === 'TEXTAREA' || (res.tag === 'INPUT' && TEXT.includes(res.type))
                                          || (el.isContentEditable && res.tag !== 'INPUT' && res.tag !== 'SELECT'));
    // a value longer than the field's maxlength would be cut by the browser: the general path words the error
    if (!plain || (args.units != null && el.maxLength >= 0 && args.units > el.maxLength)) throw new Error('/*NOT_DIRECT*/');
    return [el];
  }
}
""".replace("/*FIND_BY_LABEL*/", FIND_BY_LABEL.strip()).replace("/*NOT_DIRECT*/", NOT_DIRECT)

# --- component kits (Element UI / Element Plus, Ant Design, iView / View UI) ---------------------------------
# Their selects, cascaders and date pickers are an input (often read-only) whose list or calendar — the
# "popper" — is appended to <body>, far from the field, and left there hidden after closing. These scripts find
# the field's own popper and the wanted item in it; the driver (``kits``) clicks with Playwright.
_KIT = r"""
  const ROOTS = '.el-select,.el-cascader,.el-date-editor,.el-autocomplete,.ant-select,.ant-picker,.ant-cascader-picker,'
              + '.ivu-select,.ivu-cascader,.ivu-date-picker';
  const CASCADERS = '.el-cascader,.ant-cascader,.ant-cascader-picker,.ivu-cascader';
  const PICKERS = '.el-date-editor,.ant-picker,.ivu-date-picker';
  const POPS = '.el-select-dropdown,.el-cascader__dropdown,.el-picker-panel,.el-autocomplete-suggestion,.ant-select-dropdown,'
             + '.ant-picker-dropdown,.ant-cascader-menus,.ivu-select-dropdown,[role=listbox],[role=menu],[role=tree],[role=grid],[role=dialog]';
  const ITEMS = '.el-select-dropdown__item,.el-cascader-node,.ant-select-item-option,.ant-cascader-menu-item,.ivu-select-item,'
              + '.ivu-cascader-menu-item,[role=option],[role=menuitem],[role=menuitemcheckbox],[role=menuitemradio],[role=treeitem],li';
  const MENUS = '.el-cascader-menu,.ant-cascader-menu,.ivu-cascader-menu';
  const LABEL_OF_ITEM = '.el-cascader-node__label,.ant-cascader-menu-item-content,.ant-select-item-option-content';
  const rootOf = el => el.closest(ROOTS) || el;
  // shown: laid out, not display:none / visibility:hidden / faded out (a popper closing keeps its box while it fades)
  const shown = e => {
    if (!e || !e.isConnected) return false;
    const r = e.getBoundingClientRect();
    if (r.width < 1 || r.height < 1) return false;
    for (let n = e; n && n.nodeType === 1; n = n.parentElement) {
      const s = getComputedStyle(n);
      if (s.display === 'none' || s.visibility === 'hidden' || +s.opacity < 0.05) return false;
    }
    return true;
  };
  // shown inside its popper: not clipped away by a zero-size box (Ant's accessibility stub list) or filtered out
  const shownIn = (e, pop) => {
    for (let n = e; n && n !== pop; n = n.parentElement) {
      const r = n.getBoundingClientRect(), s = getComputedStyle(n);
      if (s.display === 'none' || s.visibility === 'hidden') return false;
      if ((r.width < 1 || r.height < 1) && (n === e || s.overflow !== 'visible')) return false;
    }
    return true;
  };
  // laid out (display, visibility, size) — and settled: not faded out, no animation running (opening or closing)
  const laidOut = e => {   // layout size, not the transformed box: a popper zooming in starts at scaleY(0)
    if (!e || !e.isConnected) return false;
    if (!(e.offsetWidth || e.offsetHeight)) return false;
    for (let n = e; n && n.nodeType === 1; n = n.parentElement) {
      const s = getComputedStyle(n);
      if (s.display === 'none' || s.visibility === 'hidden') return false;
    }
    return true;
  };
  const settled = e => shown(e) && !e.getAnimations({subtree: true}).some(a => a.playState === 'running');
  const stateOf = p => !p ? 'closed' : settled(p) ? 'open' : 'moving';
  const popperOf = el => {
    const root = rootOf(el);
    for (const n of [el, root, el.closest('[role=combobox]')]) {   // the ARIA link, when the kit sets it
      if (!n) continue;
      for (const attr of ['aria-controls', 'aria-owns']) {
        for (const id of (n.getAttribute(attr) || '').split(/\s+/).filter(Boolean)) {
          const t = document.getElementById(id);
          if (!t) continue;
          const p = t.closest('.el-select-dropdown,.el-cascader__dropdown,.el-picker-panel,.ant-select-dropdown,.ant-picker-dropdown,.ivu-select-dropdown') || t;
          if (laidOut(p)) return p;
        }
      }
    }
    // else the shown popper next to the field (kits place it just below or above, aligned with it)
    const r = root.getBoundingClientRect();
    let best = null, bestD = 1e9;
    const all = Array.from(document.querySelectorAll(POPS));
    for (const p of all) {
      if (p.contains(el) || all.some(o => o !== p && o.contains(p)) || !laidOut(p)) continue;
      const q = p.getBoundingClientRect();
      const gap = q.top >= r.bottom - 2 ? q.top - r.bottom : q.bottom <= r.top + 2 ? r.top - q.bottom : 1e6;
      const d = gap + Math.abs(q.left - r.left) / 4;
      if (gap < 80 && d < bestD) { best = p; bestD = d; }
    }
    return best;
  };
  const textOf = i => { const l = i.querySelector(LABEL_OF_ITEM);
                        return (l ? l.innerText : i.getAttribute('title') || i.innerText || '').trim(); };
  const squash = s => (s || '').normalize('NFKC').replace(/[\s\u00a0\u3000]/g, '');
"""

# The field's kind and the element a person clicks to open it (tagged `data-clerkdesk-trigger`), and whether its
# popper is open now (tagged `data-clerkdesk-pop`).
KIT_INFO = r"""
(el, token) => {
""" + _KIT + r"""
  const root = rootOf(el);
  const kit = root !== el || (el.tagName === 'INPUT' && el.readOnly) || el.getAttribute('role') === 'combobox' && el.readOnly;
  const trigger = root.querySelector('.ant-select-selector,.ivu-select-selection') || root;
  for (const old of document.querySelectorAll('[data-clerkdesk-trigger]')) old.removeAttribute('data-clerkdesk-trigger');
  trigger.setAttribute('data-clerkdesk-trigger', token);
  const pop = popperOf(el);
  for (const old of document.querySelectorAll('[data-clerkdesk-pop]')) old.removeAttribute('data-clerkdesk-pop');
  if (pop) pop.setAttribute('data-clerkdesk-pop', token);
  return {kit: !!kit, cascader: !!el.closest(CASCADERS), picker: !!el.closest(PICKERS), open: stateOf(pop),
          editable: el.tagName === 'INPUT' && !el.readOnly && !el.disabled,
          multiple: !!root.closest('.el-select--multiple,.ant-select-multiple,.ivu-select-multiple') || !!root.querySelector('.el-select__tags')};
}
"""

# The field's popper: 'open', 'moving' (animating in or out) or 'closed' (tags it `data-clerkdesk-pop`)
POPPER_OPEN = r"""
(el, token) => {
""" + _KIT + r"""
  const pop = popperOf(el);
  for (const old of document.querySelectorAll('[data-clerkdesk-pop]')) old.removeAttribute('data-clerkdesk-pop');
  if (pop) pop.setAttribute('data-clerkdesk-pop', token);
  return stateOf(pop);
}
"""

# The wanted item in the open popper (in the LEVEL-th menu of a cascader), by its whole text: tagged
# `data-clerkdesk-item`. Not there: the items shown, and whether a virtual list can scroll on (SCROLL does).
POPPER_ITEM = r"""
(el, a) => {
""" + _KIT + r"""
  let pop = document.querySelector(`[data-clerkdesk-pop='${a.token}']`);
  if (!laidOut(pop)) { pop = popperOf(el); if (pop) pop.setAttribute('data-clerkdesk-pop', a.token); }
  if (!pop) return {closed: true};
  let scope = pop;
  if (a.level !== null) {
    const menus = Array.from(pop.querySelectorAll(MENUS)).filter(m => shownIn(m, pop));
    if (a.level >= menus.length) return {found: false, items: [], waiting: true};
    scope = menus[a.level];
  }
  const items = Array.from(scope.querySelectorAll(ITEMS))
    .filter(i => !i.querySelector(ITEMS) && shownIn(i, pop) && !(i.closest('[role=listbox]') && !shownIn(i.closest('[role=listbox]'), pop)));
  const want = squash(a.want);
  const hit = items.find(i => squash(textOf(i)) === want);
  for (const old of document.querySelectorAll('[data-clerkdesk-item]')) old.removeAttribute('data-clerkdesk-item');
  if (hit) {
    hit.setAttribute('data-clerkdesk-item', a.token);
    return {found: true, disabled: hit.matches('.is-disabled,[class*=-disabled],[aria-disabled=true]')};
  }
  const scroller = [scope, ...scope.querySelectorAll('*')].find(n => n.scrollHeight > n.clientHeight + 2
                      && /auto|scroll/.test(getComputedStyle(n).overflowY));
  return {found: false, items: items.slice(0, 12).map(textOf),
          canScroll: !!scroller && scroller.scrollTop + scroller.clientHeight < scroller.scrollHeight - 2};
}
"""

# Scroll the open popper's list by most of a page, or back to its top (a virtual list renders the rows in view).
SCROLL = r"""
(el, a) => {
""" + _KIT + r"""
  const pop = document.querySelector(`[data-clerkdesk-pop='${a.token}']`);
  if (!pop) return false;
  const s = [pop, ...pop.querySelectorAll('*')].find(n => n.scrollHeight > n.clientHeight + 2
                && /auto|scroll/.test(getComputedStyle(n).overflowY));
  if (!s) return false;
  if (a.top) s.scrollTop = 0; else s.scrollTop += Math.max(32, s.clientHeight * 0.8);
  s.dispatchEvent(new Event('scroll'));
  return true;
}
"""

# What the field shows now: a kit's selection (Ant's title, iView's selected value) or the input's value.
SHOWN = r"""
(el) => {
""" + _KIT + r"""
  const root = rootOf(el);
  const item = root.querySelector('.ant-select-selection-item,.ivu-select-selected-value');
  if (item) return item.getAttribute('title') || item.innerText;
  if (el.value) return el.value;
  const inp = root.querySelector('input');
  return (inp && inp.value) || '';
}
"""

# Is the field a kit's date picker (its panel must be committed and closed after typing)?
IS_PICKER = r"""e => !!e.closest('.el-date-editor,.ant-picker,.ivu-date-picker')"""

# A loading mask or spinner of a kit (or any element marked aria-busy) shown now: the app is not ready.
LOADING = r"""
() => Array.from(document.querySelectorAll('.el-loading-mask,.ant-spin-spinning,.ivu-spin-fix,.ivu-spin-show-text,[aria-busy=true]'))
        .some(e => (e.offsetWidth || e.offsetHeight) && getComputedStyle(e).visibility !== 'hidden')
"""

# A kit calendar that takes clicks only (its input is read-only): read the month its header shows, and tag what
# to click next (`data-clerkdesk-cal`): the wanted day when the month is right, else the year or month arrow
# towards it. Answers {click: 'day'|'step'} or {error}.
CALENDAR = r"""
(el, a) => {
""" + _KIT + r"""
  let pop = document.querySelector(`[data-clerkdesk-pop='${a.token}']`);
  if (!laidOut(pop)) pop = popperOf(el);
  if (!pop) return {closed: true};
  for (const old of document.querySelectorAll('[data-clerkdesk-cal]')) old.removeAttribute('data-clerkdesk-cal');
  const head = pop.querySelector('.el-date-picker__header,.ant-picker-header,.ivu-date-picker-header') || pop;
  const ht = head.innerText || '';
  const y = /(\d{4})/.exec(ht), m = /(\d{1,2})\s*月/.exec(ht);
  if (!y || !m) return {error: `its header shows no year and month (${ht.trim().slice(0, 40)})`};
  const diff = (a.y * 12 + a.m) - (+y[1] * 12 + +m[1]);
  const first = sel => Array.from(pop.querySelectorAll(sel)).find(laidOut);
  let target = null, click = 'step';
  if (diff === 0) {
    const cells = Array.from(pop.querySelectorAll('td')).filter(td => laidOut(td)
      && !td.matches('.prev-month,.next-month,.disabled,.ant-picker-cell-disabled,.ivu-date-picker-cells-cell-prev-month,'
                     + '.ivu-date-picker-cells-cell-next-month,.ivu-date-picker-cells-cell-disabled')
      && !(td.matches('.ant-picker-cell') && !td.matches('.ant-picker-cell-in-view'))
      && (td.innerText || '').trim() === String(a.d));
    target = cells[0]; click = 'day';
    if (!target) return {error: `day ${a.d} cannot be clicked in ${y[1]}-${m[1]}`};
  } else if (Math.abs(diff) >= 12) {
    target = first(diff < 0 ? '[aria-label=前一年],.el-icon-d-arrow-left,.ant-picker-header-super-prev-btn,.ivu-date-picker-prev-btn-arrow-double'
                             : '[aria-label=后一年],.el-icon-d-arrow-right,.ant-picker-header-super-next-btn,.ivu-date-picker-next-btn-arrow-double');
  } else {
    target = first(diff < 0 ? '[aria-label=上个月],.el-icon-arrow-left,.ant-picker-header-prev-btn,.ivu-date-picker-prev-btn-arrow'
                             : '[aria-label=下个月],.el-icon-arrow-right,.ant-picker-header-next-btn,.ivu-date-picker-next-btn-arrow');
  }
  if (!target) return {error: 'no arrow to the wanted month in its header'};
  target.setAttribute('data-clerkdesk-cal', a.token);
  return {click};
}
"""
