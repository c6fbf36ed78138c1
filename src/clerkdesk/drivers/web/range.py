"""Kit date ranges (Element ``el-date-editor--daterange``, Ant Design ``ant-picker-range``) for ``fill``.

A date range is one field with two inputs — start and end — and one panel of two months that stays open over
the fields below it. ``fill {label: 参保期间, value: [2024-01-01, 2024-12-31]}`` (or ``2024-01-01 至 2024-12-31``)
types the start and commits it with Enter (Element closes the panel, Ant moves on to the end input), types the
end, commits it and waits for the panel to close (``settle_picker``: Enter, then Tab), and reads both inputs
back; the step compares them with the value, in the value's own shape (``start<separator>end``). The value's
two parts come from ``recipe.choices.split_range``. A collaborator ``PlaywrightDriver`` composes.
"""

from __future__ import annotations

import secrets
from typing import Any

from clerkdesk.drivers.web.kits import KitWidget
from clerkdesk.recipe.choices import split_range
from clerkdesk.recipe.driver import DriverError, Locator

RANGES = ".el-date-editor--daterange,.el-date-editor--datetimerange,.el-date-editor--monthrange,.el-range-editor,.ant-picker-range"

# Is the field one input of a kit date range?
IS_RANGE = f"e => !!e.closest('{RANGES}')"

# The range's two inputs, tagged `data-clerkdesk-range` = TOKEN-0 / TOKEN-1: {count, readonly}.
RANGE_INPUTS = r"""
(el, token) => {
  const root = el.closest('RANGES');
  const inputs = Array.from(root.querySelectorAll('input')).filter(i => i.type !== 'hidden' && (i.offsetWidth || i.offsetHeight));
  for (const old of document.querySelectorAll('[data-clerkdesk-range]')) old.removeAttribute('data-clerkdesk-range');
  inputs.slice(0, 2).forEach((i, n) => i.setAttribute('data-clerkdesk-range', `${token}-${n}`));
  return {count: inputs.length, readonly: inputs.some(i => i.readOnly || i.disabled)};
}
""".replace("RANGES", RANGES)


class DateRange(KitWidget):
    """A kit date range: start and end typed and committed, the panel closed, both read back."""

    def is_range(self, el: Any) -> bool:
        return bool(self._evaluate(el, IS_RANGE))

    def fill_range(self, el: Any, loc: Locator, value: str, timeout: float) -> str:
        """Type VALUE's start and end into the range's two inputs, commit them, close the panel; returns what the
        inputs hold, as ``start<the value's separator>end``."""
        parts = split_range(value)
        if parts is None:
            raise DriverError(f"{loc.describe()} is a date range: give two dates, as a list [start, end] or as "
                              "'start 至 end'", retryable=False)
        start, sep, end = parts
        token = secrets.token_hex(4)
        info = self._evaluate(el, RANGE_INPUTS, token)
        if info["count"] != 2:
            raise DriverError(f"{loc.describe()} is a date range with {info['count']} inputs (2 expected)",
                              retryable=False)
        if info["readonly"]:
            raise DriverError(f"{loc.describe()} is a date range that takes no typing: ClerkDesk fills a range by "
                              "typing its two dates", retryable=False)
        first = self._scope().locator(f"[data-clerkdesk-range='{token}-0']")
        second = self._scope().locator(f"[data-clerkdesk-range='{token}-1']")
        first.fill(start, timeout=timeout * 1000)
        first.press("Enter", timeout=timeout * 1000)  # commits the start (Element closes, Ant moves to the end)
        second.fill(end, timeout=timeout * 1000)
        self._kits.settle_picker(second, loc, timeout)  # commits the end and waits for the panel to close
        got = [str(x) for x in self._scope().locator(f"[data-clerkdesk-range^='{token}-']").evaluate_all(
            "es => es.map(e => e.value)")]
        return f"{got[0]}{sep}{got[1]}" if len(got) == 2 else " ".join(got)
