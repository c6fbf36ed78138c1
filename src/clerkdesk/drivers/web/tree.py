"""Kit tree selects (Ant Design ``ant-tree-select``, Element Plus ``el-tree-select``) for ``choose`` with a path.

A tree select is a select whose popper holds a tree instead of a list: ``choose {label: 经常居住地, value:
浙江省/宁波市/鄞州区}`` expands 浙江省, waits for 宁波市 to appear *under it* (a lazy tree fetches each level when
its parent is expanded, showing a spinner meanwhile), expands it, waits for 鄞州区 under it and clicks it; a
node of the same name under another parent (南京市/鼓楼区, 福州市/鼓楼区) is never taken. The field shows the
leaf's name (or the path), which the step compares with the path (``shows_choice``). Cascaders, whose levels are
side-by-side menus, are the kits' (``web/kits.py``). A collaborator ``PlaywrightDriver`` composes.
"""

from __future__ import annotations

import time
from typing import Any

from clerkdesk.drivers.web import js
from clerkdesk.drivers.web.kits import CLOSE_WAIT, KitWidget, path_parts
from clerkdesk.drivers.web.scope import POLL
from clerkdesk.recipe.driver import DriverError, Locator

RECLICK = 2.0  # seconds after an expand click that changed nothing before it is clicked again

# Whether EL is a tree select by its kit's class, or its popper (open now) holds a tree.
IS_TREE = r"""
(el) => {
""" + js._KIT + r"""
  if (el.closest('.ant-tree-select,.el-tree-select,.ivu-select-tree')) return true;
  const pop = popperOf(el);
  return !!(pop && pop.querySelector('.ant-select-tree,.el-tree,[role=tree]'));
}
"""

# One step of the walk down the path A.parts in the open popper, at A.level: {expanded} (go on to the next
# level), {click: 'expand'|'pick'} (the node's switcher or the node itself tagged `data-clerkdesk-item`),
# {waiting} (a level loading) or {found: false, items, canScroll}; {closed} when the popper is gone.
TREE_STEP = r"""
(el, a) => {
""" + js._KIT + r"""
  let pop = document.querySelector(`[data-clerkdesk-pop='${a.token}']`);
  if (!laidOut(pop)) { pop = popperOf(el); if (pop) pop.setAttribute('data-clerkdesk-pop', a.token); }
  if (!pop) return {closed: true};
  const NODE = '.ant-select-tree-treenode,.el-tree-node,.ivu-tree li,[role=treeitem]';
  const nodes = Array.from(pop.querySelectorAll(NODE)).filter(n => !n.parentElement.closest('.ant-select-tree-treenode') && shownIn(n, pop));
  const own = n => n.querySelector(':scope > .el-tree-node__content, :scope > .ivu-tree-title') || n;
  const title = n => { const t = own(n).querySelector('.ant-select-tree-title,.el-tree-node__label,.ivu-tree-title') || own(n);
                       return (t.getAttribute('title') || t.innerText || '').trim(); };
  const flat = n => n.matches('.ant-select-tree-treenode');
  const depth = n => {
    if (n.hasAttribute('aria-level')) return +n.getAttribute('aria-level') - 1;
    if (flat(n)) return n.querySelectorAll('.ant-select-tree-indent-unit').length;
    let d = 0; for (let p = n.parentElement; p && p !== pop; p = p.parentElement) if (p.matches(NODE)) d++;
    return d;
  };
  const parentOf = n => {
    if (!flat(n)) { const p = n.parentElement && n.parentElement.closest(NODE); return p && pop.contains(p) ? p : null; }
    const d = depth(n);
    for (let i = nodes.indexOf(n) - 1; i >= 0; i--) if (depth(nodes[i]) === d - 1) return nodes[i];
    return null;
  };
  const pathOf = n => { const out = []; for (let p = n; p; p = parentOf(p)) out.unshift(squash(title(p))); return out; };
  const want = a.parts.slice(0, a.level + 1).map(squash);
  const atLevel = nodes.filter(n => depth(n) === a.level);
  const hit = atLevel.find(n => { const p = pathOf(n); return p.length === want.length && p.every((x, i) => x === want[i]); });
  for (const old of document.querySelectorAll('[data-clerkdesk-item]')) old.removeAttribute('data-clerkdesk-item');
  if (!hit) {
    const under = atLevel.filter(n => { const p = pathOf(n); return p.slice(0, -1).every((x, i) => x === want[i]); });
    const scroller = [pop, ...pop.querySelectorAll('*')].find(n => n.scrollHeight > n.clientHeight + 2
                        && /auto|scroll/.test(getComputedStyle(n).overflowY));
    return {found: false, items: under.slice(0, 12).map(title),
            canScroll: !!scroller && scroller.scrollTop + scroller.clientHeight < scroller.scrollHeight - 2};
  }
  if (hit.matches('.is-disabled,.ant-select-tree-treenode-disabled,[aria-disabled=true]')) return {disabled: true};
  const last = a.level === a.parts.length - 1;
  if (!last) {
    const sw = own(hit).querySelector('.ant-select-tree-switcher,.el-tree-node__expand-icon,.ivu-tree-arrow');
    if (hit.querySelector(':scope .ant-select-tree-switcher-loading-icon, :scope > .el-tree-node__content .el-tree-node__loading-icon')
        || (sw && sw.matches('.is-loading'))) return {waiting: true};
    const open = hit.matches('.is-expanded,[aria-expanded=true]') || /switcher-open|switcher_open/.test(hit.className)
                 || !!(sw && /switcher_open|expanded/.test(sw.className));
    if (open) return {expanded: true};
    if (sw && sw.matches('.is-leaf,.ant-select-tree-switcher-noop')) return {leaf: true};
    (sw || own(hit)).setAttribute('data-clerkdesk-item', a.token);
    return {click: 'expand'};
  }
  const target = own(hit).querySelector('.ant-select-tree-node-content-wrapper,.el-tree-node__label,.ivu-tree-title') || own(hit);
  target.setAttribute('data-clerkdesk-item', a.token);
  return {click: 'pick'};
}
"""


class TreeSelect(KitWidget):
    """A kit tree select: the path walked level by level under its own parent (the kits open and close it)."""

    def maybe_tree(self, el: Any, info: dict[str, Any], value: str) -> bool:
        """Is this kit field (not a cascader) a tree select ``choose`` walks by path?"""
        if info["cascader"] or info["multiple"]:
            return False
        return bool(self._evaluate(el, IS_TREE)) or len(path_parts(value)) > 1

    def choose_tree(self, el: Any, loc: Locator, value: str, info: dict[str, Any], token: str,
                    timeout: float) -> str:
        """Walk VALUE (``省/市/区``) down the field's tree, level by level; returns what the field shows."""
        deadline = time.monotonic() + timeout
        self._kits.wait_open(el, loc, token, info, deadline)
        if not self._evaluate(el, IS_TREE):  # a plain list after all (a value with a slash in it): as a select
            info, token = self._kits.kit_info(el)
            return str(self._kits.choose_kit(el, loc, value, info, token, max(0.5, deadline - time.monotonic())))
        parts = path_parts(value)
        level = 0
        clicked: tuple[int, float] | None = None  # (level, when) of the last expand click
        while True:
            self._check_dialog()
            res = self._evaluate(el, TREE_STEP, {"token": token, "parts": parts, "level": level})
            where = f" (level {level + 1} of {len(parts)})" if len(parts) > 1 else ""
            if res.get("closed"):
                raise DriverError(f"the tree of {loc.describe()} closed before {value!r} was picked", retryable=True)
            if res.get("disabled"):
                raise DriverError(f"{parts[level]!r} is disabled in the tree of {loc.describe()}{where}",
                                  retryable=False)
            if res.get("leaf"):
                raise DriverError(f"{parts[level]!r} in the tree of {loc.describe()} has nothing under it{where}",
                                  retryable=False)
            if res.get("expanded"):
                level += 1
                continue
            click = res.get("click")
            now = time.monotonic()
            if click == "expand" and not (clicked and clicked[0] == level and now - clicked[1] < RECLICK):
                self._scope().locator(f"[data-clerkdesk-item='{token}']").click(
                    timeout=max(0.5, deadline - now) * 1000)
                clicked = (level, time.monotonic())
                continue
            if click == "pick":
                self._scope().locator(f"[data-clerkdesk-item='{token}']").click(
                    timeout=max(0.5, deadline - now) * 1000)
                self._kits.wait_closed(el, loc, token, max(deadline, time.monotonic()) + CLOSE_WAIT)
                return str(self._evaluate(el, js.SHOWN))
            if res.get("found") is False and res.get("canScroll") and self._evaluate(el, js.SCROLL, {"token": token}):
                continue  # a virtual tree renders the nodes in view only
            if now >= deadline:
                seen = ", ".join(res.get("items") or []) or "nothing"
                raise DriverError(f"{parts[level]!r} did not appear in the tree of {loc.describe()}{where}",
                                  [f"the tree shows there: {seen}"], retryable=False)
            time.sleep(POLL)
