"""Kit multi-selects (Element ``el-select multiple``, Ant Design ``ant-select-multiple``, iView ``ivu-select-multiple``)
for ``choose`` with several items.

The chosen items are tags inside the field, each with its own remove icon; the list is a popper at the end of
<body> that stays open while items are toggled (a click on a chosen item unchooses it). ``choose`` makes the
field hold exactly the wanted items, as a person does: removes the tags not wanted with their own icons, opens
the list, picks each missing item (typing to filter where the field takes typing, scrolling a virtual list),
closes the list with Escape so it covers nothing, and reads the tags back. A collaborator ``PlaywrightDriver`` composes; the
value's items come from ``recipe.choices.split_items``.
"""

from __future__ import annotations

import time
from typing import Any

from clerkdesk.drivers.web import js
from clerkdesk.drivers.web.kits import CLOSE_WAIT, KitWidget
from clerkdesk.drivers.web.scope import POLL
from clerkdesk.recipe.choices import ITEM_JOIN, split_items
from clerkdesk.recipe.driver import DriverError, Locator

# The field's tags: {tags: [text…], collapsed} (collapsed: the kit shows "+ 3" instead of some tags). With
# A.remove: tags that tag's remove icon `data-clerkdesk-untag` and answers whether there was one.
TAGS = r"""
(el, a) => {
  const root = el.closest('.el-select,.ant-select,.ivu-select') || el;
  const TAG = '.el-select__tags .el-tag,.ant-select-selection-overflow-item:not(.ant-select-selection-overflow-item-suffix)'
            + ':not(.ant-select-selection-overflow-item-rest) .ant-select-selection-item,.ivu-select-multiple .ivu-tag';
  const textOf = t => { const x = t.querySelector('.el-select__tags-text,.ant-select-selection-item-content,.ivu-tag-text');
                        return ((x ? x.innerText : t.getAttribute('title') || t.innerText) || '').trim(); };
  const squash = s => (s || '').normalize('NFKC').replace(/[\s\u00a0\u3000]/g, '');
  const tags = Array.from(root.querySelectorAll(TAG)).filter(t => t.offsetWidth || t.offsetHeight);
  const collapsed = !!root.querySelector('.ant-select-selection-overflow-item-rest')
                    || tags.some(t => /^\+\s*\d+$/.test(textOf(t)));
  if (a && a.remove != null) {
    for (const old of document.querySelectorAll('[data-clerkdesk-untag]')) old.removeAttribute('data-clerkdesk-untag');
    const t = tags.find(t => squash(textOf(t)) === squash(a.remove));
    const x = t && t.querySelector('.el-tag__close,.ant-select-selection-item-remove,.ivu-icon-ios-close,.ivu-icon');
    if (!x) return false;
    x.setAttribute('data-clerkdesk-untag', a.token);
    return true;
  }
  return {tags: tags.filter(t => !/^\+\s*\d+$/.test(textOf(t))).map(textOf), collapsed};
}
"""

# Is the item POPPER_ITEM tagged chosen already (a click would unchoose it)?
ITEM_CHOSEN = r"""
(token) => {
  const i = document.querySelector(`[data-clerkdesk-item='${token}']`);
  return !!i && (i.matches('.selected,.is-selected,.ant-select-item-option-selected,.ivu-select-item-selected')
                 || i.getAttribute('aria-selected') === 'true');
}
"""


def _squash(t: str) -> str:
    return "".join(t.split())


class MultiSelect(KitWidget):
    """A kit multi-select: exactly the wanted tags, picked from its list, read back (the kits open and close it)."""

    def _tags(self, el: Any, loc: Locator) -> list[str]:
        st = self._evaluate(el, TAGS, None)
        if st.get("collapsed"):
            raise DriverError(f"{loc.describe()} shows only some of its chosen items (+ N): ClerkDesk cannot read "
                              "back what it holds", ["a multi-select with collapsed tags (collapse-tags / "
                                                     "maxTagCount)"], retryable=False)
        return [str(t) for t in st["tags"]]

    def choose_multi(self, el: Any, loc: Locator, value: str, timeout: float) -> str:
        """Make the multi-select hold exactly the items of VALUE; returns its tags, ``、``-joined, for the
        step's read-back."""
        import secrets

        wanted = split_items(value)
        if not wanted:
            raise DriverError(f"{loc.describe()} is a multi-select: give the items to choose", retryable=False)
        want = {_squash(w) for w in wanted}
        deadline = time.monotonic() + timeout
        token = secrets.token_hex(4)
        for _ in range(200):  # 1. the tags not wanted, each by its own remove icon
            extra = [t for t in self._tags(el, loc) if _squash(t) not in want]
            if not extra:
                break
            if not self._evaluate(el, TAGS, {"remove": extra[0], "token": token}):
                raise DriverError(f"the tag {extra[0]!r} of {loc.describe()} has no remove icon", retryable=False)
            self._scope().locator(f"[data-clerkdesk-untag='{token}']").click(
                timeout=max(0.5, deadline - time.monotonic()) * 1000)
            self._until(lambda t=extra[0]: _squash(t) not in {_squash(x) for x in self._tags(el, loc)}, deadline,
                        f"the tag {extra[0]!r} of {loc.describe()} stayed after its remove icon was clicked")
        have = {_squash(t) for t in self._tags(el, loc)}
        missing = [w for w in wanted if _squash(w) not in have]
        if missing:  # 2. the missing items, picked in the open list
            info, token = self._kits.kit_info(el)
            if info["open"] == "closed":  # opened beside its arrow: the middle of the field may be a tag's ×
                trigger = self._scope().locator(f"[data-clerkdesk-trigger='{token}']")
                box = trigger.bounding_box()
                where = {"x": max(1.0, box["width"] - 14), "y": box["height"] / 2} if box else None
                trigger.click(position=where, timeout=max(0.5, deadline - time.monotonic()) * 1000)
                info = dict(info, open="opening")  # not "closed": kits.wait_open then only waits for it
            self._kits.wait_open(el, loc, token, info, deadline)
            for item in missing:
                self._pick_one(el, loc, item, token, deadline)
                self._until(lambda t=item: _squash(t) in {_squash(x) for x in self._tags(el, loc)}, deadline,
                            f"{item!r} was clicked in the list of {loc.describe()} but shows no tag")
            if self._evaluate(el, js.POPPER_OPEN, token) != "closed":  # 3. closed, so that it covers nothing
                el.press("Escape", timeout=max(0.5, deadline - time.monotonic()) * 1000)
                self._kits.wait_closed(el, loc, token, max(deadline, time.monotonic()) + CLOSE_WAIT)
        return ITEM_JOIN.join(self._tags(el, loc))

    def _pick_one(self, el: Any, loc: Locator, item: str, token: str, deadline: float) -> None:
        """Click ITEM in the open list (typed to filter where the field takes typing; a virtual list scrolled)."""
        typed = rewound = False
        while True:
            self._check_dialog()
            res = self._evaluate(el, js.POPPER_ITEM, {"token": token, "want": item, "level": None})
            if res.get("closed"):
                raise DriverError(f"the list of {loc.describe()} closed before {item!r} was picked", retryable=True)
            if res.get("found"):
                if res.get("disabled"):
                    raise DriverError(f"option {item!r} is disabled in the list of {loc.describe()}",
                                      retryable=False)
                if self._evaluate(el, ITEM_CHOSEN, token):
                    return  # chosen already (its tag was not shown yet): a click would unchoose it
                try:
                    self._scope().locator(f"[data-clerkdesk-item='{token}']").click(
                        timeout=min(2.0, max(0.2, deadline - time.monotonic())) * 1000)
                    return
                except Exception:
                    if time.monotonic() >= deadline:
                        raise
                    continue  # the list re-rendered between finding and clicking: look again
            if not typed and self._evaluate(el, js.KIT_INFO, token)["editable"]:
                el.fill(item, timeout=max(0.5, deadline - time.monotonic()) * 1000)  # a filterable list
                typed = True
                continue
            if res.get("canScroll") and self._evaluate(el, js.SCROLL, {"token": token}):
                continue
            if not rewound:
                rewound = True
                if self._evaluate(el, js.SCROLL, {"token": token, "top": True}):
                    continue
            if time.monotonic() >= deadline:
                seen = ", ".join(res.get("items") or []) or "nothing"
                raise DriverError(f"option {item!r} did not appear in the list of {loc.describe()}",
                                  [f"the list shows: {seen}"], retryable=False)
            time.sleep(POLL)

    def _until(self, ok: Any, deadline: float, message: str) -> None:
        while True:
            began = time.monotonic()  # the polling rule: a failure only after a look begun at the deadline
            if ok():
                return
            if began >= deadline:
                raise DriverError(message, retryable=True)
            time.sleep(POLL)
