/* The sandbox portal: a two-step 一网通办-style wizard rendered the way Element UI 2 (KIT = 'element') or
   Ant Design 4 (KIT = 'antd') render it: readonly select inputs whose lists are appended to <body> (left there,
   hidden, after closing), a filterable 56-item list (virtual-scrolled in Ant), a cascader whose levels are
   fetched from the server, a date picker whose panel stays open over the field below until Enter or a click,
   radios and checkboxes whose real inputs are hidden under styled boxes, a switch, async validation, and a
   toast that fades. Vanilla JS written after the kits' documented DOM; no kit code is used. */
(() => {
'use strict';
const KIT = document.documentElement.dataset.kit;
const EL = KIT === 'element';
const DATA = JSON.parse(document.getElementById('portal-data').textContent);
const model = {name: '', id_type: '', sex: '', ethnicity: '', birth: '', region: [], level: '', start: '', veteran: false, agree: false,
               insurances: [], residence: [], period: ['', '']};
let z = 2000, uid = 0, drafts = 0;
const h = html => { const t = document.createElement('template'); t.innerHTML = html.trim(); return t.content.firstElementChild; };
const esc = s => String(s).replace(/[&<>"]/g, c => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;'}[c]));
const norm = s => (s || '').toLowerCase();

// --- poppers: appended to <body> on first open, hidden (not removed) when closed, animated both ways ----------
let current = null;  // {pop, owner, close}
function place(pop, anchor) {
  const r = anchor.getBoundingClientRect();
  pop.style.left = (r.left + scrollX) + 'px';
  pop.style.top = (r.bottom + scrollY + 4) + 'px';
  pop.style.minWidth = r.width + 'px';
  pop.style.zIndex = ++z;
}
function show(pop) {
  const enter = EL ? 'el-zoom-in-top-enter-active' : 'ant-slide-up-enter-active';
  if (EL) pop.style.display = ''; else pop.classList.remove(pop.dataset.hidden);
  pop.classList.add(enter);
  setTimeout(() => pop.classList.remove(enter), EL ? 300 : 200);
}
function hide(pop) {
  const leave = EL ? 'el-zoom-in-top-leave-active' : 'ant-slide-up-leave-active';
  pop.classList.add(leave);
  setTimeout(() => { pop.classList.remove(leave); if (EL) pop.style.display = 'none'; else pop.classList.add(pop.dataset.hidden); },
             EL ? 300 : 200);
}
function opened(pop, owner, close) {
  if (current && current.pop !== pop) current.close();
  current = {pop, owner, close};
}
document.addEventListener('mousedown', e => {   // a click outside the field and its popper closes it
  if (current && !current.owner.contains(e.target) && !current.pop.contains(e.target)) current.close();
}, true);

// --- form items ---------------------------------------------------------------------------------------------
function item(label, id, control, required = true) {
  if (EL) {
    const it = h(`<div class="el-form-item${required ? ' is-required' : ''}"><label class="el-form-item__label" for="${id}">${label}</label>`
               + '<div class="el-form-item__content"></div></div>');
    it.lastElementChild.append(control);
    return it;
  }
  const it = h('<div class="ant-row ant-form-item"><div class="ant-col ant-form-item-label">'
             + (label ? `<label for="apply_${id}" class="${required ? 'ant-form-item-required' : ''}" title="${label}">${label}</label>` : '')
             + '</div><div class="ant-col ant-form-item-control"><div class="ant-form-item-control-input">'
             + '<div class="ant-form-item-control-input-content"></div></div></div></div>');
  it.querySelector('.ant-form-item-control-input-content').append(control);
  return it;
}
function setError(control, msg) {
  const box = control.closest(EL ? '.el-form-item__content' : '.ant-form-item-control');
  let err = box.querySelector(EL ? '.el-form-item__error' : '.ant-form-item-explain-error');
  if (!msg) { if (err) err.remove(); return; }
  if (!err) { err = h(EL ? '<div class="el-form-item__error"></div>' : '<div class="ant-form-item-explain-error" role="alert"></div>'); box.append(err); }
  err.textContent = msg;
}

function textInput(key, id) {
  const wrap = EL ? h(`<div class="el-input"><input type="text" autocomplete="off" class="el-input__inner"></div>`)
                  : h(`<input id="apply_${id}" type="text" class="ant-input" value="">`);
  const input = EL ? wrap.querySelector('input') : wrap;
  input.addEventListener('input', () => { model[key] = input.value; });
  input.addEventListener('blur', () => setTimeout(() => setError(wrap, model[key].trim() ? '' : '请输入姓名'), 300));  // async rule
  return wrap;
}

// --- select (single; `filterable` types to filter) ----------------------------------------------------------
function select(key, id, options, filterable) {
  let wrap, input, pop, holder, shown = [], isOpen = false, selected = '';
  if (EL) {
    wrap = h('<div class="el-select"><div class="el-input el-input--suffix"><input type="text" readonly autocomplete="off"'
             + ' placeholder="请选择" class="el-input__inner"><span class="el-input__suffix"><i class="el-select__caret">▾</i></span></div></div>');
    input = wrap.querySelector('input');
    wrap.addEventListener('click', () => (isOpen ? (filterable ? null : close()) : open()));
  } else {
    wrap = h(`<div class="ant-select ant-select-single ant-select-show-arrow${filterable ? ' ant-select-show-search' : ''}">`
             + `<div class="ant-select-selector"><span class="ant-select-selection-search"><input type="search" id="apply_${id}"`
             + ` autocomplete="off" class="ant-select-selection-search-input" role="combobox" aria-haspopup="listbox"`
             + ` aria-owns="apply_${id}_list" aria-autocomplete="list" aria-controls="apply_${id}_list" aria-expanded="false"`
             + `${filterable ? '' : ' readonly unselectable="on" style="opacity:0"'} value=""></span>`
             + '<span class="ant-select-selection-placeholder">请选择</span></div><span class="ant-select-arrow" aria-hidden="true">▾</span></div>');
    input = wrap.querySelector('input');
    wrap.querySelector('.ant-select-selector').addEventListener('mousedown', e => {
      if (e.target !== input) e.preventDefault();
      isOpen ? (filterable ? null : close()) : open();
    });
  }
  function build() {
    if (EL) {
      pop = h('<div class="el-select-dropdown el-popper" style="display:none" x-placement="bottom-start"><div class="el-scrollbar">'
              + '<div class="el-select-dropdown__wrap el-scrollbar__wrap"><ul class="el-scrollbar__view el-select-dropdown__list">'
              + options.map(o => `<li class="el-select-dropdown__item"><span>${esc(o)}</span></li>`).join('')
              + '</ul></div></div><p class="el-select-dropdown__empty" style="display:none">无匹配数据</p></div>');
      pop.querySelectorAll('li').forEach((li, i) => li.addEventListener('click', () => pick(options[i])));
    } else {
      pop = h('<div><div class="ant-select-dropdown ant-select-dropdown-placement-bottomLeft ant-select-dropdown-hidden"'
              + ' data-hidden="ant-select-dropdown-hidden"><div>'
              + `<div role="listbox" id="apply_${id}_list" style="height:0;width:0;overflow:hidden"></div>`
              + '<div class="rc-virtual-list" style="position:relative"><div class="rc-virtual-list-holder"><div class="rc-virtual-list-spacer"'
              + ' style="position:relative"><div class="rc-virtual-list-holder-inner" style="display:flex;flex-direction:column;position:absolute;left:0;right:0;top:0">'
              + '</div></div></div></div></div></div></div>').firstElementChild;
      holder = pop.querySelector('.rc-virtual-list-holder');
      holder.addEventListener('scroll', renderAnt);
      pop.addEventListener('mousedown', e => e.preventDefault());   // keeps the focus in the input, as rc-select does
    }
    if (EL) document.body.append(pop);
    else { const portal = h('<div style="position:absolute;top:0;left:0;width:100%"><div></div></div>'); portal.firstElementChild.append(pop); document.body.append(portal); }
  }
  function renderAnt() {   // rc-virtual-list: only the rows in view (32 px each) exist in the DOM
    const ITEM = 32, start = Math.max(0, Math.floor(holder.scrollTop / ITEM) - 1), end = Math.min(shown.length, start + 11);
    const spacer = pop.querySelector('.rc-virtual-list-spacer'), inner = pop.querySelector('.rc-virtual-list-holder-inner');
    spacer.style.height = (shown.length * ITEM) + 'px';
    inner.style.transform = `translateY(${start * ITEM}px)`;
    inner.innerHTML = shown.length ? '' : '<div class="ant-select-item-empty">暂无数据</div>';
    for (let i = start; i < end; i++) {
      const o = shown[i];
      const row = h(`<div aria-selected="${o === selected}" class="ant-select-item ant-select-item-option${o === selected ? ' ant-select-item-option-selected' : ''}"`
                    + ` title="${esc(o)}"><div class="ant-select-item-option-content">${esc(o)}</div><span class="ant-select-item-option-state" aria-hidden="true"></span></div>`);
      row.addEventListener('mouseenter', () => row.classList.add('ant-select-item-option-active'));
      row.addEventListener('mouseleave', () => row.classList.remove('ant-select-item-option-active'));
      row.addEventListener('click', () => pick(o));
      inner.append(row);
    }
    // the accessibility stub: a zero-size listbox with the active option and its neighbours only
    const a = Math.max(0, shown.indexOf(selected));
    pop.querySelector('[role=listbox]').innerHTML = shown.slice(Math.max(0, a - 1), a + 2)
      .map((o, i) => `<div role="option" id="apply_${id}_list_${i}" aria-selected="${o === selected}" aria-label="${esc(o)}">${esc(o)}</div>`).join('');
  }
  function filter(text) {
    shown = options.filter(o => norm(o).includes(norm(text)));
    if (EL) {
      pop.querySelectorAll('li').forEach((li, i) => { li.style.display = shown.includes(options[i]) ? '' : 'none';
                                                      li.classList.toggle('selected', options[i] === selected); });
      pop.querySelector('.el-select-dropdown__empty').style.display = shown.length ? 'none' : '';
    } else { holder.scrollTop = 0; renderAnt(); }
  }
  function scrollToSelected() {   // Ant opens its list scrolled to the selected row
    const i = shown.indexOf(selected);
    if (!EL && i > 0) { holder.scrollTop = i * 32; renderAnt(); }
  }
  function open() {
    if (!pop) build();
    filter('');
    place(pop, wrap);
    show(pop);
    scrollToSelected();
    isOpen = true;
    if (EL && filterable) { input.readOnly = false; input.placeholder = selected || '请选择'; input.value = ''; input.focus(); }
    if (!EL) { input.setAttribute('aria-expanded', 'true'); input.focus(); }
    opened(pop, wrap, close);
  }
  function close() {
    if (!isOpen) return;
    isOpen = false;
    hide(pop);
    if (EL) { input.value = selected; if (filterable) input.readOnly = true; }
    else { input.value = ''; input.setAttribute('aria-expanded', 'false'); }
    if (current && current.pop === pop) current = null;
  }
  function pick(o) {
    selected = o; model[key] = o;
    if (!EL) {
      const sel = wrap.querySelector('.ant-select-selector');
      sel.querySelector('.ant-select-selection-placeholder, .ant-select-selection-item')?.remove();
      sel.append(h(`<span class="ant-select-selection-item" title="${esc(o)}">${esc(o)}</span>`));
    }
    close();
    setError(wrap, '');
  }
  input.addEventListener('input', () => { if (isOpen && filterable) filter(input.value); });
  return wrap;
}

// --- cascader: each level fetched from the server after its parent is clicked --------------------------------
function cascader(key, id) {
  const n = ++uid;
  let wrap, input, pop, menus, isOpen = false, path = [];
  if (EL) {
    wrap = h('<div class="el-cascader"><div class="el-input el-input--suffix"><input type="text" readonly autocomplete="off"'
             + ' placeholder="请选择" class="el-input__inner"><span class="el-input__suffix"><i>▾</i></span></div></div>');
    wrap.addEventListener('click', () => (isOpen ? close() : open()));
  } else {
    wrap = h('<div class="ant-select ant-cascader ant-select-single ant-select-allow-clear ant-select-show-arrow"><div class="ant-select-selector">'
             + `<span class="ant-select-selection-search"><input type="search" id="apply_${id}" autocomplete="off" readonly unselectable="on"`
             + ` class="ant-select-selection-search-input" role="combobox" aria-haspopup="listbox" aria-owns="apply_${id}_list"`
             + ` aria-autocomplete="list" aria-controls="apply_${id}_list" aria-expanded="false" style="opacity:0" value=""></span>`
             + '<span class="ant-select-selection-placeholder">请选择</span></div><span class="ant-select-arrow" aria-hidden="true">▾</span></div>');
    wrap.querySelector('.ant-select-selector').addEventListener('mousedown', e => { e.preventDefault(); isOpen ? close() : open(); });
  }
  input = wrap.querySelector('input');
  async function children(parent) {
    const r = await fetch('/api/regions?parent=' + encodeURIComponent(parent));
    return r.json();
  }
  function menu(level, nodes) {
    menus.querySelectorAll(EL ? '.el-cascader-menu' : '.ant-cascader-menu').forEach((m, i) => { if (i >= level) m.remove(); });
    const m = EL
      ? h(`<div class="el-scrollbar el-cascader-menu" role="menu" id="cascader-menu-${n}-${level}"><div class="el-cascader-menu__wrap el-scrollbar__wrap">`
          + '<ul class="el-scrollbar__view el-cascader-menu__list"></ul></div></div>')
      : h('<ul class="ant-cascader-menu" role="menu"></ul>');
    const list = EL ? m.querySelector('ul') : m;
    nodes.forEach((node, i) => {
      const li = EL
        ? h(`<li role="menuitem" id="cascader-menu-${n}-${level}-${i}" tabindex="-1" class="el-cascader-node"${node.leaf ? '' : ' aria-haspopup="true"'}>`
            + `<span class="el-cascader-node__label">${esc(node.name)}</span>${node.leaf ? '' : '<i class="el-cascader-node__postfix">›</i>'}</li>`)
        : h(`<li class="ant-cascader-menu-item${node.leaf ? '' : ' ant-cascader-menu-item-expand'}" role="menuitemcheckbox" title="${esc(node.name)}"`
            + ` aria-checked="false" data-path-key="${node.code}"><div class="ant-cascader-menu-item-content">${esc(node.name)}</div>`
            + `${node.leaf ? '' : '<div class="ant-cascader-menu-item-expand-icon">›</div>'}</li>`);
      li.addEventListener('click', () => choose(level, node, li));
      list.append(li);
    });
    menus.append(m);
  }
  async function choose(level, node, li) {
    path = path.slice(0, level).concat([node.name]);
    li.parentElement.querySelectorAll('li').forEach(o => o.classList.remove(EL ? 'in-active-path' : 'ant-cascader-menu-item-active'));
    li.classList.add(EL ? 'in-active-path' : 'ant-cascader-menu-item-active');
    if (node.leaf) {
      model[key] = path.slice();
      const text = path.join(' / ');
      if (EL) input.value = text;
      else {
        const sel = wrap.querySelector('.ant-select-selector');
        sel.querySelector('.ant-select-selection-placeholder, .ant-select-selection-item')?.remove();
        sel.append(h(`<span class="ant-select-selection-item" title="${esc(text)}">${esc(text)}</span>`));
      }
      close();
      setError(wrap, '');
      return;
    }
    const icon = EL ? h('<i class="el-icon-loading el-cascader-node__postfix">…</i>') : h('<span class="ant-cascader-menu-item-loading-icon">…</span>');
    li.querySelector(EL ? '.el-cascader-node__postfix' : '.ant-cascader-menu-item-expand-icon')?.replaceWith(icon);
    menus.querySelectorAll(EL ? '.el-cascader-menu' : '.ant-cascader-menu').forEach((m, i) => { if (i > level) m.remove(); });
    const kids = await children(node.code);
    icon.replaceWith(EL ? h('<i class="el-cascader-node__postfix">›</i>') : h('<div class="ant-cascader-menu-item-expand-icon">›</div>'));
    if (path[level] === node.name) menu(level + 1, kids);
  }
  async function open() {
    if (!pop) {
      pop = EL ? h('<div class="el-popper el-cascader__dropdown" style="display:none" x-placement="bottom-start"><div class="el-cascader-panel"></div></div>')
               : h('<div class="ant-select-dropdown ant-cascader-dropdown ant-select-dropdown-placement-bottomLeft ant-select-dropdown-hidden"'
                   + ' data-hidden="ant-select-dropdown-hidden"><div><div class="ant-cascader-menus"></div></div></div>');
      if (!EL) pop.addEventListener('mousedown', e => e.preventDefault());
      menus = pop.querySelector(EL ? '.el-cascader-panel' : '.ant-cascader-menus');
      document.body.append(pop);
    }
    place(pop, wrap);
    show(pop);
    isOpen = true;
    if (!EL) input.setAttribute('aria-expanded', 'true');
    opened(pop, wrap, close);
    if (!menus.children.length) menu(0, await children(''));
  }
  function close() {
    if (!isOpen) return;
    isOpen = false;
    hide(pop);
    if (!EL) input.setAttribute('aria-expanded', 'false');
    if (current && current.pop === pop) current = null;
  }
  return wrap;
}

// --- date picker: typing updates the panel; Enter or a day click commits and closes; blur commits only ---------
function datePicker(key, id, readonly = false) {   // readonly: a calendar that takes clicks only
  let wrap, input, pop, isOpen = false, shownMonth = null, typed = null;
  if (EL) {
    wrap = h('<div class="el-date-editor el-input el-input--prefix el-input--suffix el-date-editor--date"><input type="text" autocomplete="off"'
             + ' placeholder="选择日期" class="el-input__inner"><span class="el-input__prefix"><i class="el-icon-date">📅</i></span></div>');
  } else {
    wrap = h(`<div class="ant-picker"><div class="ant-picker-input"><input id="apply_${id}" placeholder="请选择日期" size="12" autocomplete="off" value="">`
             + '<span class="ant-picker-suffix">📅</span></div></div>');
  }
  input = wrap.querySelector('input');
  if (readonly) input.readOnly = true;
  const parse = s => { const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s.trim()); if (!m) return null;
                       const d = new Date(+m[1], +m[2] - 1, +m[3]); return d.getMonth() === +m[2] - 1 ? s.trim() : null; };
  const pad = v => String(v).padStart(2, '0');
  function render() {
    const [y, mo] = shownMonth;
    const first = new Date(y, mo, 1).getDay(), days = new Date(y, mo + 1, 0).getDate();
    let cells = '<tr>' + '<td></td>'.repeat(first);
    for (let d = 1; d <= days; d++) {
      const iso = `${y}-${pad(mo + 1)}-${pad(d)}`, on = iso === (typed || model[key]);
      cells += EL ? `<td data-date="${iso}" class="available${on ? ' current' : ''}"><div><span>${d}</span></div></td>`
                  : `<td title="${iso}" class="ant-picker-cell ant-picker-cell-in-view${on ? ' ant-picker-cell-selected' : ''}"><div class="ant-picker-cell-inner">${d}</div></td>`;
      if ((first + d) % 7 === 0) cells += '</tr><tr>';
    }
    cells += '</tr>';
    const head = ['日', '一', '二', '三', '四', '五', '六'].map(d => `<th>${d}</th>`).join('');
    if (EL) {
      pop.querySelector('.el-date-picker__header').innerHTML = `<button type="button" aria-label="前一年" data-step="-12">«</button>`
        + `<button type="button" aria-label="上个月" data-step="-1">‹</button><span role="button" class="el-date-picker__header-label">${y} 年</span>`
        + `<span role="button" class="el-date-picker__header-label">${mo + 1} 月</span><button type="button" aria-label="下个月" data-step="1">›</button>`
        + `<button type="button" aria-label="后一年" data-step="12">»</button>`;
      pop.querySelector('.el-date-table').innerHTML = `<tbody><tr>${head}</tr>${cells}</tbody>`;
    } else {
      pop.querySelector('.ant-picker-header').innerHTML = `<button type="button" tabindex="-1" class="ant-picker-header-super-prev-btn" data-step="-12">«</button>`
        + `<button type="button" tabindex="-1" class="ant-picker-header-prev-btn" data-step="-1">‹</button><div class="ant-picker-header-view">`
        + `<button type="button" tabindex="-1" class="ant-picker-year-btn">${y}年</button><button type="button" tabindex="-1" class="ant-picker-month-btn">${mo + 1}月</button></div>`
        + `<button type="button" tabindex="-1" class="ant-picker-header-next-btn" data-step="1">›</button>`
        + `<button type="button" tabindex="-1" class="ant-picker-header-super-next-btn" data-step="12">»</button>`;
      pop.querySelector('.ant-picker-content').innerHTML = `<thead><tr>${head}</tr></thead><tbody>${cells}</tbody>`;
    }
  }
  function commit(iso) { model[key] = iso; input.value = iso; typed = null; setError(wrap, ''); }
  function open() {
    if (isOpen) return;
    if (!pop) {
      pop = EL ? h('<div class="el-picker-panel el-date-picker el-popper" style="display:none" x-placement="bottom-start"><div class="el-picker-panel__body-wrapper">'
                   + '<div class="el-picker-panel__body"><div class="el-date-picker__header"></div><div class="el-picker-panel__content">'
                   + '<table class="el-date-table" cellspacing="0" cellpadding="0"></table></div></div></div></div>')
               : h('<div class="ant-picker-dropdown ant-picker-dropdown-placement-bottomLeft ant-picker-dropdown-hidden" data-hidden="ant-picker-dropdown-hidden">'
                   + '<div class="ant-picker-panel-container"><div class="ant-picker-panel"><div class="ant-picker-date-panel"><div class="ant-picker-header"></div>'
                   + '<div class="ant-picker-body"><table class="ant-picker-content"></table></div></div></div></div></div>');
      pop.addEventListener('mousedown', e => e.preventDefault());
      pop.addEventListener('click', e => {
        const step = e.target.closest('[data-step]');
        if (step) { const t = shownMonth[0] * 12 + shownMonth[1] + +step.dataset.step; shownMonth = [Math.floor(t / 12), t % 12]; render(); return; }
        const cell = e.target.closest(EL ? 'td[data-date]' : 'td[title]');
        if (cell) { commit(cell.dataset.date || cell.title); close(); }
      });
      document.body.append(pop);
    }
    const now = new Date(), today = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-01`;
    const base = parse(input.value) || model[key] || (readonly ? today : '2000-01-01');
    shownMonth = [+base.slice(0, 4), +base.slice(5, 7) - 1];
    render();
    place(pop, wrap);
    show(pop);
    isOpen = true;
    opened(pop, wrap, () => { if (typed) commit(typed); close(); });
  }
  function close() { if (!isOpen) return; isOpen = false; hide(pop); if (current && current.pop === pop) current = null; }
  input.addEventListener('focus', open);
  input.addEventListener('click', open);
  input.addEventListener('input', () => {
    const iso = parse(input.value);
    typed = iso;
    if (iso && isOpen) { shownMonth = [+iso.slice(0, 4), +iso.slice(5, 7) - 1]; render(); }
  });
  input.addEventListener('keydown', e => {
    if (e.key === 'Enter' && typed) { commit(typed); close(); }
    if (e.key === 'Escape') { input.value = model[key]; typed = null; close(); }
  });
  input.addEventListener('change', () => { if (typed) commit(typed); });   // blur: the value is taken, the panel stays
  return wrap;
}

// --- multi-select: the chosen items are tags in the field; the list stays open while items are toggled ---------
function multiSelect(key, id, options, preset) {
  let wrap, input, pop, holder, shown = [], isOpen = false;
  model[key] = preset.slice();
  if (EL) {
    wrap = h('<div class="el-select el-select--multiple"><div class="el-select__tags"><span class="tags"></span>'
             + '<input type="text" autocomplete="off" class="el-select__input"></div><div class="el-input el-input--suffix">'
             + '<input type="text" readonly autocomplete="off" placeholder="请选择" class="el-input__inner"><span class="el-input__suffix">'
             + '<i class="el-select__caret">▾</i></span></div></div>');
    input = wrap.querySelector('.el-select__input');
    wrap.addEventListener('click', e => { if (e.target.closest('.el-tag__close')) return; isOpen ? input.focus() : open(); });
  } else {
    wrap = h('<div class="ant-select ant-select-multiple ant-select-show-search ant-select-show-arrow"><div class="ant-select-selector">'
             + '<div class="ant-select-selection-overflow"><div class="ant-select-selection-overflow-item ant-select-selection-overflow-item-suffix">'
             + `<div class="ant-select-selection-search"><input type="search" id="apply_${id}" autocomplete="off" class="ant-select-selection-search-input"`
             + ` role="combobox" aria-haspopup="listbox" aria-owns="apply_${id}_list" aria-autocomplete="list" aria-controls="apply_${id}_list"`
             + ' aria-expanded="false" value=""></div></div></div><span class="ant-select-selection-placeholder">请选择</span></div>'
             + '<span class="ant-select-arrow" aria-hidden="true">▾</span></div>');
    input = wrap.querySelector('input');
    wrap.querySelector('.ant-select-selector').addEventListener('mousedown', e => {
      if (e.target.closest('.ant-select-selection-item-remove')) return;
      if (e.target !== input) e.preventDefault();
      isOpen ? null : open();
      input.focus();
    });
  }
  function tags() {   // the field shows one tag per chosen item, each with its own remove icon
    const box = wrap.querySelector(EL ? '.tags' : '.ant-select-selection-overflow');
    box.querySelectorAll(EL ? '.el-tag' : '.ant-select-selection-overflow-item:not(.ant-select-selection-overflow-item-suffix)').forEach(t => t.remove());
    const suffix = EL ? null : box.querySelector('.ant-select-selection-overflow-item-suffix');
    for (const o of model[key]) {
      const t = EL ? h(`<span class="el-tag el-tag--info el-tag--small el-tag--light"><span class="el-select__tags-text">${esc(o)}</span>`
                       + '<i class="el-tag__close el-icon-close">×</i></span>')
                   : h(`<div class="ant-select-selection-overflow-item"><span class="ant-select-selection-item" title="${esc(o)}">`
                       + `<span class="ant-select-selection-item-content">${esc(o)}</span><span class="ant-select-selection-item-remove"`
                       + ' unselectable="on" aria-hidden="true"><span role="img" aria-label="close" class="anticon anticon-close">×</span></span></span></div>');
      t.querySelector(EL ? '.el-tag__close' : '.ant-select-selection-item-remove').addEventListener(EL ? 'click' : 'mousedown', e => {
        e.preventDefault(); e.stopPropagation(); toggle(o);
      });
      EL ? box.append(t) : box.insertBefore(t, suffix);
    }
    if (EL) wrap.querySelector('.el-input__inner').placeholder = model[key].length ? '' : '请选择';
    else {
      const ph = wrap.querySelector('.ant-select-selection-placeholder');
      if (ph) ph.style.display = model[key].length ? 'none' : '';
    }
  }
  function build() {
    if (EL) {
      pop = h('<div class="el-select-dropdown el-popper is-multiple" style="display:none" x-placement="bottom-start"><div class="el-scrollbar">'
              + '<div class="el-select-dropdown__wrap el-scrollbar__wrap"><ul class="el-scrollbar__view el-select-dropdown__list">'
              + options.map(o => `<li class="el-select-dropdown__item"><span>${esc(o)}</span></li>`).join('')
              + '</ul></div></div><p class="el-select-dropdown__empty" style="display:none">无匹配数据</p></div>');
      pop.querySelectorAll('li').forEach((li, i) => li.addEventListener('click', () => toggle(options[i])));
      pop.addEventListener('mousedown', e => e.preventDefault());
      document.body.append(pop);
    } else {
      pop = h('<div><div class="ant-select-dropdown ant-select-dropdown-placement-bottomLeft ant-select-dropdown-hidden"'
              + ' data-hidden="ant-select-dropdown-hidden"><div>'
              + `<div role="listbox" id="apply_${id}_list" aria-multiselectable="true" style="height:0;width:0;overflow:hidden"></div>`
              + '<div class="rc-virtual-list" style="position:relative"><div class="rc-virtual-list-holder"><div class="rc-virtual-list-spacer"'
              + ' style="position:relative"><div class="rc-virtual-list-holder-inner" style="display:flex;flex-direction:column;position:absolute;left:0;right:0;top:0">'
              + '</div></div></div></div></div></div></div>').firstElementChild;
      holder = pop.querySelector('.rc-virtual-list-holder');
      pop.addEventListener('mousedown', e => e.preventDefault());
      const portal = h('<div style="position:absolute;top:0;left:0;width:100%"><div></div></div>');
      portal.firstElementChild.append(pop);
      document.body.append(portal);
    }
  }
  function renderList() {
    if (EL) {
      pop.querySelectorAll('li').forEach((li, i) => { li.style.display = shown.includes(options[i]) ? '' : 'none';
                                                      li.classList.toggle('selected', model[key].includes(options[i])); });
      pop.querySelector('.el-select-dropdown__empty').style.display = shown.length ? 'none' : '';
      return;
    }
    const inner = pop.querySelector('.rc-virtual-list-holder-inner');
    pop.querySelector('.rc-virtual-list-spacer').style.height = (Math.max(1, shown.length) * 32) + 'px';
    inner.innerHTML = shown.length ? '' : '<div class="ant-select-item-empty">暂无数据</div>';
    for (const o of shown) {
      const on = model[key].includes(o);
      const row = h(`<div aria-selected="${on}" class="ant-select-item ant-select-item-option${on ? ' ant-select-item-option-selected' : ''}"`
                    + ` title="${esc(o)}"><div class="ant-select-item-option-content">${esc(o)}</div><span class="ant-select-item-option-state"`
                    + ` unselectable="on" aria-hidden="true">${on ? '✓' : ''}</span></div>`);
      row.addEventListener('click', () => toggle(o));
      inner.append(row);
    }
  }
  function filter(text) { shown = options.filter(o => norm(o).includes(norm(text))); renderList(); }
  function toggle(o) {
    model[key] = model[key].includes(o) ? model[key].filter(x => x !== o) : model[key].concat([o]);
    tags();
    if (isOpen) { input.value = ''; filter(''); place(pop, wrap); }   // the typed filter is cleared after each pick
  }
  function open() {
    if (!pop) build();
    filter('');
    place(pop, wrap);
    show(pop);
    isOpen = true;
    if (!EL) input.setAttribute('aria-expanded', 'true');
    input.focus();
    opened(pop, wrap, close);
  }
  function close() {
    if (!isOpen) return;
    isOpen = false;
    hide(pop);
    input.value = '';
    if (!EL) input.setAttribute('aria-expanded', 'false');
    if (current && current.pop === pop) current = null;
  }
  input.addEventListener('input', () => {
    if (!isOpen) open();
    filter(input.value);
    const ph = EL ? null : wrap.querySelector('.ant-select-selection-placeholder');
    if (ph) ph.style.display = model[key].length || input.value ? 'none' : '';
  });
  input.addEventListener('keydown', e => { if (e.key === 'Escape') close(); });
  tags();
  return wrap;
}

// --- tree select: a tree in a body-level popper, each level fetched when its parent is expanded ---------------
// Ant Design 4's TreeSelect (a flat list of tree nodes, depth shown by indent units) or Element Plus' el-tree-select
// (nested el-tree nodes); the field shows the chosen leaf's name.
function treeSelect(key, id) {
  let wrap, input, pop, tree, isOpen = false;
  const nodes = {};   // code → {node, depth, parent, open, loaded, loading, kids}
  if (EL) {
    wrap = h('<div class="el-select el-tree-select"><div class="el-input el-input--suffix"><input type="text" readonly autocomplete="off"'
             + ' placeholder="请选择" class="el-input__inner"><span class="el-input__suffix"><i class="el-select__caret">▾</i></span></div></div>');
    wrap.addEventListener('click', () => (isOpen ? close() : open()));
  } else {
    wrap = h('<div class="ant-select ant-tree-select ant-select-single ant-select-show-arrow"><div class="ant-select-selector">'
             + `<span class="ant-select-selection-search"><input type="search" id="apply_${id}" autocomplete="off" readonly unselectable="on"`
             + ` class="ant-select-selection-search-input" role="combobox" aria-haspopup="listbox" aria-owns="apply_${id}_list"`
             + ` aria-autocomplete="list" aria-controls="apply_${id}_list" aria-expanded="false" style="opacity:0" value=""></span>`
             + '<span class="ant-select-selection-placeholder">请选择</span></div><span class="ant-select-arrow" aria-hidden="true">▾</span></div>');
    wrap.querySelector('.ant-select-selector').addEventListener('mousedown', e => { e.preventDefault(); isOpen ? close() : open(); });
  }
  input = wrap.querySelector('input');
  async function fetchKids(parent) { const r = await fetch('/api/regions?parent=' + encodeURIComponent(parent)); return r.json(); }
  function row(n, depth) {
    const state = n.leaf ? 'noop' : 'close';
    if (EL) {
      const r = h(`<div class="el-tree-node" role="treeitem" tabindex="-1" aria-expanded="false" data-code="${n.code}"><div class="el-tree-node__content"`
                  + ` style="padding-left:${depth * 18}px"><span class="el-tree-node__expand-icon${n.leaf ? ' is-leaf' : ''}">▸</span>`
                  + `<span class="el-tree-node__label">${esc(n.name)}</span></div><div role="group" class="el-tree-node__children" style="display:none"></div></div>`);
      r.querySelector('.el-tree-node__expand-icon').addEventListener('click', e => { e.stopPropagation(); expand(n.code); });
      r.querySelector('.el-tree-node__content').addEventListener('click', () => (n.leaf ? pick(n.code) : expand(n.code)));
      return r;
    }
    const r = h(`<div class="ant-select-tree-treenode ant-select-tree-treenode-switcher-${state}" data-code="${n.code}"><span aria-hidden="true"`
                + ` class="ant-select-tree-indent">${'<span class="ant-select-tree-indent-unit"></span>'.repeat(depth)}</span>`
                + `<span class="ant-select-tree-switcher ant-select-tree-switcher_${state}${n.leaf ? ' ant-select-tree-switcher-noop' : ''}">${n.leaf ? '' : '▸'}</span>`
                + `<span title="${esc(n.name)}" class="ant-select-tree-node-content-wrapper ant-select-tree-node-content-wrapper-${state}">`
                + `<span class="ant-select-tree-title">${esc(n.name)}</span></span></div>`);
    r.querySelector('.ant-select-tree-switcher').addEventListener('click', () => { if (!n.leaf) expand(n.code); });
    r.querySelector('.ant-select-tree-node-content-wrapper').addEventListener('click', () => (n.leaf ? pick(n.code) : expand(n.code)));
    return r;
  }
  function add(list, parentCode, depth) {
    let after = parentCode ? nodes[parentCode].row : null;
    for (const n of list) {
      const r = row(n, depth);
      nodes[n.code] = {n, depth, parent: parentCode, row: r, open: false, kids: null};
      if (EL) (parentCode ? nodes[parentCode].row.querySelector('.el-tree-node__children') : tree).append(r);
      else { if (after) after.after(r); else tree.append(r); after = r; }
    }
  }
  function descendants(code) { return Object.keys(nodes).filter(c => { for (let p = nodes[c].parent; p; p = nodes[p].parent) if (p === code) return true; return false; }); }
  async function expand(code) {
    const s = nodes[code];
    if (s.loading) return;
    if (s.open) {   // collapse
      s.open = false;
      if (EL) { s.row.setAttribute('aria-expanded', 'false'); s.row.classList.remove('is-expanded'); s.row.querySelector('.el-tree-node__children').style.display = 'none'; }
      else { for (const c of descendants(code)) { nodes[c].row.remove(); delete nodes[c]; } s.kids = null; s.row.className = s.row.className.replace('switcher-open', 'switcher-close'); }
      return;
    }
    if (!s.kids) {
      s.loading = true;
      const sw = s.row.querySelector(EL ? '.el-tree-node__expand-icon' : '.ant-select-tree-switcher');
      const spin = h(EL ? '<span class="el-tree-node__loading-icon el-icon-loading">…</span>' : '<span class="ant-select-tree-switcher-loading-icon">…</span>');
      sw.after(spin);
      s.kids = await fetchKids(code);
      spin.remove();
      s.loading = false;
      add(s.kids, code, s.depth + 1);
    }
    s.open = true;
    if (EL) { s.row.setAttribute('aria-expanded', 'true'); s.row.classList.add('is-expanded'); s.row.querySelector('.el-tree-node__children').style.display = ''; }
    else s.row.className = s.row.className.replace('switcher-close', 'switcher-open');
  }
  function pick(code) {
    const path = [];
    for (let c = code; c; c = nodes[c].parent) path.unshift(nodes[c].n.name);
    model[key] = path;
    const name = nodes[code].n.name;
    if (EL) input.value = name;
    else {
      const sel = wrap.querySelector('.ant-select-selector');
      sel.querySelector('.ant-select-selection-placeholder, .ant-select-selection-item')?.remove();
      sel.append(h(`<span class="ant-select-selection-item" title="${esc(name)}">${esc(name)}</span>`));
    }
    tree.querySelectorAll(EL ? '.el-tree-node.is-current' : '.ant-select-tree-treenode-selected').forEach(r => r.classList.remove(EL ? 'is-current' : 'ant-select-tree-treenode-selected'));
    nodes[code].row.classList.add(EL ? 'is-current' : 'ant-select-tree-treenode-selected');
    close();
  }
  async function open() {
    if (!pop) {
      pop = EL ? h('<div class="el-select-dropdown el-popper el-tree-select__popper" style="display:none" x-placement="bottom-start"><div class="el-scrollbar">'
                   + '<div class="el-select-dropdown__wrap el-scrollbar__wrap"><div class="el-tree" role="tree"></div></div></div></div>')
               : h('<div class="ant-select-dropdown ant-tree-select-dropdown ant-select-dropdown-placement-bottomLeft ant-select-dropdown-hidden"'
                   + ` data-hidden="ant-select-dropdown-hidden"><div><div role="tree"><input aria-label="for screen reader" tabindex="0" id="apply_${id}_list"`
                   + ' style="width:0;height:0;display:flex;overflow:hidden;opacity:0;border:0;padding:0;margin:0" value=""></div>'
                   + '<div class="ant-select-tree"><div class="ant-select-tree-list" style="position:relative"><div class="ant-select-tree-list-holder">'
                   + '<div class="ant-select-tree-list-holder-inner" style="display:flex;flex-direction:column"></div></div></div></div></div></div>');
      pop.addEventListener('mousedown', e => e.preventDefault());
      tree = pop.querySelector(EL ? '.el-tree' : '.ant-select-tree-list-holder-inner');
      document.body.append(pop);
    }
    place(pop, wrap);
    show(pop);
    isOpen = true;
    if (!EL) input.setAttribute('aria-expanded', 'true');
    opened(pop, wrap, close);
    if (!tree.children.length) add(await fetchKids(''), '', 0);
  }
  function close() {
    if (!isOpen) return;
    isOpen = false;
    hide(pop);
    if (!EL) input.setAttribute('aria-expanded', 'false');
    if (current && current.pop === pop) current = null;
  }
  return wrap;
}

// --- date range: two inputs in one field, one panel of two months; Enter in the end input commits and closes ---
// Element: Enter in either input commits and closes; Ant: Enter in the start input moves to the end input.
function dateRange(key, id) {
  let wrap, pop, isOpen = false;
  model[key] = ['', ''];
  const typed = [null, null];
  if (EL) {
    wrap = h('<div class="el-date-editor el-range-editor el-input__inner el-date-editor--daterange"><i class="el-input__icon el-range__icon">📅</i>'
             + '<input autocomplete="off" placeholder="开始日期" class="el-range-input"><span class="el-range-separator">至</span>'
             + '<input autocomplete="off" placeholder="结束日期" class="el-range-input"><i class="el-input__icon el-range__close-icon"></i></div>');
  } else {
    wrap = h(`<div class="ant-picker ant-picker-range"><div class="ant-picker-input ant-picker-input-active"><input id="apply_${id}" placeholder="开始日期"`
             + ' size="12" autocomplete="off" value=""></div><div class="ant-picker-range-separator"><span aria-label="to" class="ant-picker-separator">→</span></div>'
             + '<div class="ant-picker-input"><input placeholder="结束日期" size="12" autocomplete="off" value=""></div><div class="ant-picker-active-bar"></div>'
             + '<span class="ant-picker-suffix">📅</span></div>');
  }
  const inputs = Array.from(wrap.querySelectorAll('input'));
  const parse = s => { const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s.trim()); if (!m) return null;
                       const d = new Date(+m[1], +m[2] - 1, +m[3]); return d.getMonth() === +m[2] - 1 ? s.trim() : null; };
  function render() {
    const base = parse(typed[0] || model[key][0] || '') || '2024-01-01';
    const y = +base.slice(0, 4), mo = +base.slice(5, 7) - 1;
    const month = (yy, mm) => {
      const first = new Date(yy, mm, 1).getDay(), days = new Date(yy, mm + 1, 0).getDate();
      let cells = '<tr>' + '<td></td>'.repeat(first);
      for (let d = 1; d <= days; d++) {
        const iso = `${yy}-${String(mm + 1).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
        cells += EL ? `<td data-date="${iso}" class="available"><div><span>${d}</span></div></td>`
                    : `<td title="${iso}" class="ant-picker-cell ant-picker-cell-in-view"><div class="ant-picker-cell-inner">${d}</div></td>`;
        if ((first + d) % 7 === 0) cells += '</tr><tr>';
      }
      return `<div class="${EL ? 'el-date-range-picker__header' : 'ant-picker-header'}">${yy} 年 ${mm + 1} 月</div>`
             + `<table class="${EL ? 'el-date-table' : 'ant-picker-content'}"><tbody>${cells}</tr></tbody></table>`;
    };
    const next = mo === 11 ? [y + 1, 0] : [y, mo + 1];
    pop.querySelector('.halves').innerHTML = EL
      ? `<div class="el-picker-panel__content el-date-range-picker__content is-left">${month(y, mo)}</div>`
        + `<div class="el-picker-panel__content el-date-range-picker__content is-right">${month(...next)}</div>`
      : `<div class="ant-picker-panel"><div class="ant-picker-date-panel">${month(y, mo)}</div></div>`
        + `<div class="ant-picker-panel"><div class="ant-picker-date-panel">${month(...next)}</div></div>`;
  }
  function commit(i) { if (typed[i]) { model[key][i] = typed[i]; inputs[i].value = typed[i]; typed[i] = null; } }
  function open() {
    if (isOpen) return;
    if (!pop) {
      pop = EL ? h('<div class="el-picker-panel el-date-range-picker el-popper" style="display:none" x-placement="bottom-start">'
                   + '<div class="el-picker-panel__body-wrapper"><div class="el-picker-panel__body halves" style="display:flex"></div></div></div>')
               : h('<div class="ant-picker-dropdown ant-picker-dropdown-range ant-picker-dropdown-placement-bottomLeft ant-picker-dropdown-hidden"'
                   + ' data-hidden="ant-picker-dropdown-hidden"><div class="ant-picker-range-wrapper ant-picker-date-range-wrapper">'
                   + '<div class="ant-picker-panel-container"><div class="ant-picker-panels halves" style="display:flex"></div></div></div></div>');
      pop.addEventListener('mousedown', e => e.preventDefault());
      document.body.append(pop);
    }
    render();
    place(pop, wrap);
    show(pop);
    isOpen = true;
    opened(pop, wrap, () => { commit(0); commit(1); close(); });
  }
  function close() {   // like the kits: text that is not a date is dropped, the inputs show what the field holds
    if (!isOpen) return;
    isOpen = false;
    hide(pop);
    inputs.forEach((inp, i) => { inp.value = model[key][i]; });
    if (current && current.pop === pop) current = null;
  }
  inputs.forEach((inp, i) => {
    inp.addEventListener('focus', open);
    inp.addEventListener('click', open);
    inp.addEventListener('input', () => { typed[i] = parse(inp.value); if (isOpen && i === 0 && typed[0]) render(); });
    inp.addEventListener('change', () => commit(i));   // blur: the value is taken, the panel stays open
    inp.addEventListener('keydown', e => {
      if (e.key !== 'Enter') return;
      commit(i);
      if (EL || i === 1) close();
      else inputs[1].focus();   // Ant: on to the end date
    });
  });
  return wrap;
}

// --- radios, checkbox, switch: the real inputs are hidden under styled boxes ----------------------------------
function radios(key, id, options) {
  const wrap = EL ? h('<div role="radiogroup" class="el-radio-group"></div>') : h(`<div id="apply_${id}" class="ant-radio-group ant-radio-group-outline"></div>`);
  options.forEach(([value, text]) => {
    const r = EL ? h(`<label role="radio" tabindex="0" class="el-radio" aria-checked="false"><span class="el-radio__input"><span class="el-radio__inner"></span>`
                     + `<input type="radio" aria-hidden="true" tabindex="-1" class="el-radio__original" value="${value}"></span><span class="el-radio__label">${text}</span></label>`)
                 : h(`<label class="ant-radio-wrapper"><span class="ant-radio"><input type="radio" class="ant-radio-input" value="${value}">`
                     + `<span class="ant-radio-inner"></span></span><span>${text}</span></label>`);
    const input = r.querySelector('input');
    input.addEventListener('change', () => {
      model[key] = value;
      wrap.querySelectorAll('input').forEach(o => {
        const lab = o.closest('label');
        if (o !== input) o.checked = false;   // no name: the kit keeps the group itself
        if (EL) { lab.setAttribute('aria-checked', String(o.checked)); lab.classList.toggle('is-checked', o.checked);
                  o.parentElement.classList.toggle('is-checked', o.checked); }
        else { lab.classList.toggle('ant-radio-wrapper-checked', o.checked); o.parentElement.classList.toggle('ant-radio-checked', o.checked); }
      });
    });
    wrap.append(r);
  });
  return wrap;
}
function checkbox(key, id, text) {
  const c = EL ? h(`<label class="el-checkbox"><span class="el-checkbox__input"><span class="el-checkbox__inner"></span><input type="checkbox" aria-hidden="false"`
                   + ` class="el-checkbox__original" value=""></span><span class="el-checkbox__label">${text}</span></label>`)
               : h(`<label class="ant-checkbox-wrapper"><span class="ant-checkbox"><input id="apply_${id}" type="checkbox" class="ant-checkbox-input" value="">`
                   + `<span class="ant-checkbox-inner"></span></span><span>${text}</span></label>`);
  const input = c.querySelector('input');
  input.addEventListener('change', () => {
    model[key] = input.checked;
    if (EL) { c.classList.toggle('is-checked', input.checked); input.parentElement.classList.toggle('is-checked', input.checked); }
    else { c.classList.toggle('ant-checkbox-wrapper-checked', input.checked); input.parentElement.classList.toggle('ant-checkbox-checked', input.checked); }
  });
  return c;
}
function toggle(key, id) {
  const s = EL ? h('<div role="switch" class="el-switch" aria-checked="false"><input type="checkbox" name="" class="el-switch__input"><span class="el-switch__core"></span></div>')
               : h(`<button id="apply_${id}" type="button" role="switch" aria-checked="false" class="ant-switch"><div class="ant-switch-handle"></div><span class="ant-switch-inner"></span></button>`);
  s.addEventListener('click', e => {
    e.preventDefault();
    model[key] = !model[key];
    s.setAttribute('aria-checked', String(model[key]));
    s.classList.toggle(EL ? 'is-checked' : 'ant-switch-checked', model[key]);
    if (EL) s.querySelector('input').checked = model[key];
  });
  return s;
}
function button(text, primary, onclick) {
  // Ant Design puts a space between the two characters of a two-character Chinese button (提交 → 提 交); Element does not
  const shown = !EL && /^[\u4e00-\u9fa5]{2}$/.test(text) ? text.split('').join(' ') : text;
  const b = EL ? h(`<button type="button" class="el-button${primary ? ' el-button--primary' : ''}"><span>${shown}</span></button>`)
               : h(`<button type="button" class="ant-btn${primary ? ' ant-btn-primary' : ''}"><span>${shown}</span></button>`);
  b.addEventListener('click', onclick);
  return b;
}
function toast(text) {
  const t = EL ? h(`<div role="alert" class="el-message el-message--success"><p class="el-message__content">${esc(text)}</p></div>`)
               : h(`<div class="ant-message"><div><div class="ant-message-notice"><div class="ant-message-notice-content"><div class="ant-message-custom-content ant-message-success"><span>${esc(text)}</span></div></div></div></div></div>`);
  document.body.append(t);
  setTimeout(() => { t.style.transition = 'opacity .3s'; t.style.opacity = '0'; }, 3000);
  setTimeout(() => t.remove(), 3300);
}
function mask(text) {
  const m = EL ? h(`<div class="el-loading-mask mask"><div class="el-loading-spinner"><p class="el-loading-text">${text}</p></div></div>`)
               : h(`<div class="ant-spin-nested-loading mask"><div class="ant-spin ant-spin-spinning"><span class="ant-spin-text">${text}</span></div></div>`);
  document.body.append(m);
  return m;
}

// --- the wizard ---------------------------------------------------------------------------------------------
function render() {
  const app = document.getElementById('app');
  app.innerHTML = `<h1>${DATA.title}</h1><div class="steps"><span class="on">1 基本信息</span><span>2 参保信息</span><span>3 完成</span></div>`;
  // the header's 暂存记录 comes before the wizard's own 暂存 (a button whose name merely contains the wanted one)
  const head = h('<div class="bar head"></div>');
  head.append(button('暂存记录', false, () => toast(drafts ? `暂存记录：${drafts} 份` : '暂无暂存记录')));
  app.prepend(head);
  const form1 = h(EL ? '<form class="el-form" id="step1"></form>' : '<form class="ant-form ant-form-horizontal" id="step1"></form>');
  const fields = {
    name: textInput('name', 'name'), id_type: select('id_type', 'id_type', DATA.id_types, false),
    sex: select('sex', 'sex', DATA.sexes, false), ethnicity: select('ethnicity', 'ethnicity', DATA.ethnicities, DATA.filterable),
    birth: datePicker('birth', 'birth'), region: cascader('region', 'region'),
  };
  const labels = {name: '姓名', id_type: '证件类型', sex: '性别', ethnicity: '民族', birth: '出生日期', region: '户籍所在地'};
  for (const k of Object.keys(fields)) form1.append(item(labels[k], k, fields[k]));
  const form2 = h(EL ? '<form class="el-form" id="step2" style="display:none"></form>' : '<form class="ant-form ant-form-horizontal" id="step2" style="display:none"></form>');
  form2.append(item('缴费档次', 'level', radios('level', 'level', DATA.levels)));
  form2.append(item('参保日期', 'start', datePicker('start', 'start', true)));
  form2.append(item('是否退役军人', 'veteran', toggle('veteran', 'veteran'), false));
  form2.append(item('参保险种', 'insurances', multiSelect('insurances', 'insurances', DATA.insurances, DATA.insurance_preset), false));
  form2.append(item('经常居住地', 'residence', treeSelect('residence', 'residence'), false));
  form2.append(item('参保期间', 'period', dateRange('period', 'period'), false));
  form2.append(item('', 'agree', checkbox('agree', 'agree', '本人承诺所填信息真实有效')));
  const bar1 = h('<div class="bar"></div>'), bar2 = h('<div class="bar" style="display:none"></div>');
  bar1.append(button('下一步', true, async () => {
    const m = mask('校验中');
    await new Promise(r => setTimeout(r, 300));   // the server-side check of step 1
    m.remove();
    let ok = true;
    for (const k of Object.keys(fields)) {
      const empty = Array.isArray(model[k]) ? !model[k].length : !String(model[k]).trim();
      setError(fields[k], empty ? `请填写${labels[k]}` : '');
      ok = ok && !empty;
    }
    if (!ok) return;
    form1.style.display = bar1.style.display = 'none';
    form2.style.display = bar2.style.display = '';
    app.querySelector('.steps').innerHTML = '<span>1 基本信息</span><span class="on">2 参保信息</span><span>3 完成</span>';
  }));
  bar2.append(button('上一步', false, () => { form2.style.display = bar2.style.display = 'none'; form1.style.display = bar1.style.display = ''; }));
  bar2.append(button('暂存', false, () => { drafts += 1; toast(`已暂存（第 ${drafts} 份）`); }));
  bar2.append(button('提交申请', true, async () => {
    if (!model.level) { setError(form2.querySelector(EL ? '.el-radio-group' : '.ant-radio-group'), '请选择缴费档次'); return; }
    if (!model.agree) { toast('请勾选承诺'); return; }
    const m = mask('提交中');   // the app covers the page while the system answers
    let r, ans;
    try {
      r = await fetch('/api/submit', {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify(model)});
      ans = await r.json();
    } finally { m.remove(); }
    if (!r.ok) { toast(ans.error || '提交失败'); return; }
    form2.style.display = bar2.style.display = 'none';
    app.querySelector('.steps').innerHTML = '<span>1 基本信息</span><span>2 参保信息</span><span class="on">3 完成</span>';
    toast(`提交成功，受理编号：${ans.receipt}`);
  }));
  app.append(form1, bar1, form2, bar2);
}

// a popper left in the DOM by an earlier page of the app: hidden, with the same items as 证件类型
const stale = EL ? h('<div class="el-select-dropdown el-popper" style="display:none"><ul class="el-select-dropdown__list">'
                     + DATA.id_types.map(o => `<li class="el-select-dropdown__item"><span>${o}</span></li>`).join('') + '</ul></div>')
                 : h('<div class="ant-select-dropdown ant-select-dropdown-hidden"><div class="rc-virtual-list">'
                     + DATA.id_types.map(o => `<div class="ant-select-item ant-select-item-option" title="${o}"><div class="ant-select-item-option-content">${o}</div></div>`).join('')
                     + '</div></div>');
document.body.append(stale);
const loading = mask('加载中');
setTimeout(() => { loading.remove(); render(); }, DATA.render_delay_ms);   // a single-page app renders late
})();
