"""Loading masks of component kits: a page the app is still loading is not judged.

Single-page portals cover the page — or the part being refreshed — with a loading mask (Element's
``.el-loading-mask``, Ant Design's spinning ``.ant-spin`` over ``.ant-spin-nested-loading``, iView's
``.ivu-spin-fix``) while they fetch. Under the mask the DOM still holds the *previous* state: the form just
submitted, the last query's rows, the shell's 登录 link. An ``expect``, ``wait`` or ``human … until`` that
looked through the mask would pass or fail on what the app is about to replace. So while a mask covers most of
the window, or covers the condition's own text or element, the condition is not judged: ``wait_for`` keeps
waiting (within its timeout, and says so when the mask outlives it) and ``probe`` (``human``'s ``until``,
``when … shown``) waits a bounded while before it looks. A collaborator ``PlaywrightDriver`` composes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from clerkdesk.drivers.web.scope import POLL
from clerkdesk.recipe.driver import Condition

PROBE_MASK_WAIT = 5.0  # seconds a one-look probe (human's until, when … shown) waits for a mask to go
PAGE_SHARE = 0.5  # a mask over at least this share of the window covers "the page"

# The region each shown mask covers, and what is under it. ARGS: {text}: the condition's text, if any.
# Answers a short description of the first mask that covers the page (PAGE_SHARE of the viewport) or an element
# holding TEXT (outside the mask itself), else null.
MASK_OVER = r"""
(a) => {
  const SEL = '.el-loading-mask,.ant-spin-spinning,.ivu-spin-fix';
  const shown = e => {
    if (!e.isConnected || !(e.offsetWidth || e.offsetHeight)) return false;
    for (let n = e; n && n.nodeType === 1; n = n.parentElement) {
      const s = getComputedStyle(n);
      if (s.display === 'none' || s.visibility === 'hidden' || +s.opacity < 0.05) return false;
    }
    return true;
  };
  const masks = Array.from(document.querySelectorAll(SEL)).filter(shown).map(m => {
    // Ant's spinner is small: what it covers is its nested-loading container (the content blurred beside it)
    const region = (m.matches('.ant-spin') && m.closest('.ant-spin-nested-loading')) || m;
    return {m, region, r: region.getBoundingClientRect()};
  });
  if (!masks.length) return null;
  const say = x => {
    const cls = x.m.matches('.el-loading-mask') ? '.el-loading-mask' : x.m.matches('.ant-spin') ? '.ant-spin-spinning' : '.ivu-spin-fix';
    const t = (x.m.innerText || '').trim().replace(/\s+/g, ' ').slice(0, 20);   // its own words, never the content
    return t ? `${cls} "${t}"` : cls;
  };
  const vw = innerWidth, vh = innerHeight;
  for (const x of masks) {
    const w = Math.max(0, Math.min(x.r.right, vw) - Math.max(x.r.left, 0));
    const h = Math.max(0, Math.min(x.r.bottom, vh) - Math.max(x.r.top, 0));
    if (w * h >= PAGE_SHARE * vw * vh) return say(x);
  }
  if (!a.text || !document.body) return null;
  const under = (e, x) => {
    if (x.m.contains(e)) return false;   // the mask's own words (加载中) are not under it
    if (x.region !== x.m && !x.region.contains(e)) return false;
    const r = e.getBoundingClientRect(), cx = r.left + r.width / 2, cy = r.top + r.height / 2;
    return cx >= x.r.left && cx <= x.r.right && cy >= x.r.top && cy <= x.r.bottom;
  };
  const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let n, seen = 0;
  while ((n = w.nextNode()) && seen < 5000) {
    seen++;
    if (!n.textContent.includes(a.text) || !n.parentElement) continue;
    const hit = masks.find(x => under(n.parentElement, x));
    if (hit) return say(hit);
  }
  return null;
}
""".replace("PAGE_SHARE", str(PAGE_SHARE))

# A shown mask that covers ELEMENT (its centre), described as MASK_OVER does, else null.
MASK_OVER_ELEMENT = r"""
(e) => {
  const SEL = '.el-loading-mask,.ant-spin-spinning,.ivu-spin-fix';
  const r = e.getBoundingClientRect(), cx = r.left + r.width / 2, cy = r.top + r.height / 2;
  for (const m of document.querySelectorAll(SEL)) {
    if (!(m.offsetWidth || m.offsetHeight) || m.contains(e)) continue;
    let hidden = false;
    for (let n = m; n && n.nodeType === 1; n = n.parentElement) {
      const s = getComputedStyle(n);
      if (s.display === 'none' || s.visibility === 'hidden' || +s.opacity < 0.05) { hidden = true; break; }
    }
    if (hidden) continue;
    const region = (m.matches('.ant-spin') && m.closest('.ant-spin-nested-loading')) || m;
    if (region !== m && !region.contains(e)) continue;
    const q = region.getBoundingClientRect();
    if (cx >= q.left && cx <= q.right && cy >= q.top && cy <= q.bottom) {
      const t = (m.innerText || '').trim().replace(/\s+/g, ' ').slice(0, 20);
      const cls = m.matches('.el-loading-mask') ? '.el-loading-mask' : m.matches('.ant-spin') ? '.ant-spin-spinning' : '.ivu-spin-fix';
      return t ? `${cls} "${t}"` : cls;
    }
  }
  return null;
}
"""


class MaskWatcher:
    """Whether a kit's loading mask covers the page or a condition's target (what is under it is not judged)."""

    def __init__(self, pages: Callable[[], list[Any]], find: Callable[[Any], tuple[Any, list[str], str | None]]) -> None:
        self._pages = pages
        self._try = find

    def mask_over(self, cond: Condition) -> str | None:
        """The loading mask that covers the page or COND's target now (described for messages), else None."""
        for p in self._pages():
            for fr in p.frames:
                try:
                    got = fr.evaluate(MASK_OVER, {"text": cond.text})
                except Exception:  # a frame navigating or detached: it has no mask to report
                    continue
                if got:
                    return str(got)
        if cond.element is not None:
            try:
                found, _, _ = self._try(cond.element)
                if found is not None:
                    got = found.evaluate(MASK_OVER_ELEMENT)
                    if got:
                        return str(got)
            except Exception:
                return None
        return None

    def wait_unmasked(self, cond: Condition, limit: float) -> str | None:
        """Wait at most LIMIT seconds for no mask to cover the page or COND's target; the mask still there, or
        None."""
        deadline = time.monotonic() + limit
        while True:
            began = time.monotonic()  # the polling rule: still masked only by a look begun at the deadline
            mask = self.mask_over(cond)
            if mask is None or began >= deadline:
                return mask
            time.sleep(POLL)
