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
            + 'select,textarea,[contenteditable=""],[contenteditable=true],[role=combobox],[role=textbox]';
  const isCtl = el => el && el.nodeType === 1 && el.matches(CTL);
  const visible = el => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length)
                        && getComputedStyle(el).visibility !== 'hidden';
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
    if (ctl && !rootOf(ctl)) ctl = null;   // a <label for> pointing out of the container
    if (!ctl) ctl = el.querySelector(CTL);
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
  const vis = found.filter(visible);
  const pick = vis.length ? vis : found;
  const i = nth || 0;
  if (i >= pick.length) return {found: found.length, visible: vis.length, tagged: false};
  for (const old of document.querySelectorAll('[data-clerkdesk]')) old.removeAttribute('data-clerkdesk');
  const el = pick[i];
  el.setAttribute('data-clerkdesk', token);
  const out = {found: found.length, visible: vis.length, tagged: true, hidden: !visible(el), tag: el.tagName,
               type: (el.type || '').toLowerCase(), readonly: !!(el.readOnly || el.disabled)};
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

RADIO_PICK = r"""
(el, args) => {
  const {want, token} = args;
  const norm = s => (s || '').replace(/[\s\u00a0\u3000]/g, '').replace(/[：:]+$/, '');
  const root = el.form || document;
  const group = el.name ? Array.from(root.querySelectorAll(`input[type=${el.type}][name="${CSS.escape(el.name)}"]`)) : [el];
  const labelOf = r => {
    if (r.id) { const l = document.querySelector(`label[for="${CSS.escape(r.id)}"]`); if (l) return l.textContent; }
    if (r.closest('label')) return r.closest('label').textContent;
    let t = '', n = r.nextSibling;
    while (n && !(n.nodeType === 1 && n.matches('input'))) { t += n.textContent || ''; n = n.nextSibling; }
    return t;
  };
  const hit = group.find(r => r.value === want) || group.find(r => norm(labelOf(r)) === norm(want));
  if (!hit) return {options: group.map(r => norm(labelOf(r)) || r.value)};
  hit.setAttribute('data-clerkdesk-radio', token);
  return {ok: true};
}
"""

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
# contenteditable element; with `option` only for a visible, enabled, single <select> in which the option
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
    const plain = el && !res.readonly && (res.tag === 'TEXTAREA' || (res.tag === 'INPUT' && TEXT.includes(res.type))
                                          || (el.isContentEditable && res.tag !== 'INPUT' && res.tag !== 'SELECT'));
    if (!plain) throw new Error('/*NOT_DIRECT*/');
    return [el];
  }
}
""".replace("/*FIND_BY_LABEL*/", FIND_BY_LABEL.strip()).replace("/*NOT_DIRECT*/", NOT_DIRECT)
