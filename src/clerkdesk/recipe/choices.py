"""Values that are more than one text: the items of a multi-select and the two dates of a date range.

A recipe gives them as a YAML list (``value: [失业保险, 工伤保险]``, ``value: ["{{ case.from }}", "{{ case.to }}"]``),
as one template whose value is a list (``value: "{{ case.insurances }}"`` for a ``multi:`` case field), or as
one text (``失业保险、工伤保险``, ``2024-01-01 至 2024-12-31``). The step renders a list to one text — items joined
by ``、`` for ``choose``, the two dates by `` 至 `` for ``fill`` — so the driver protocol, the run log and the
clerk's confirm keep speaking in texts; the driver splits the text again only where the field on the page is a
multi-select or a date range (``split_items``, ``split_range``), and a single field gets the text unchanged.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

ITEM_JOIN = "、"  # a list chosen in a multi-select, as one text
RANGE_JOIN = " 至 "  # a date range [start, end], as one text
_ITEM_SEP = re.compile(r"\s*[、,，;；]\s*")
# between two dates: 至 / 到 / ~ / a dash with spaces around it (a dash inside 2024-01-01 is not a separator)
_RANGE = re.compile(r"^\s*(\S.*?)(\s*(?:至|到|~|～|—|–)\s*|\s+-\s+|\s*[,，、]\s*)(\S.*?)\s*$")


def split_items(value: str) -> list[str]:
    """The items of a multi-select value ``A、B``, ``A, B`` or ``A；B``: in order, each once, none empty."""
    return list(dict.fromkeys(p.strip() for p in _ITEM_SEP.split(value) if p.strip()))


def _squash(t: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", t))


def same_items(shown: str, value: str) -> bool:
    """Does a multi-select that shows the tags SHOWN (``、``-joined) hold exactly the items of VALUE, in any order?"""
    got = {_squash(t) for t in split_items(shown)}
    want = {_squash(t) for t in split_items(value)}
    return bool(want) and got == want


def split_range(value: str) -> tuple[str, str, str] | None:
    """A date range ``start 至 end`` (or ``~``, ``到``, `` - ``, a comma) as (start, the separator as written, end);
    None when VALUE is not two parts."""
    m = _RANGE.match(value)
    return (m.group(1), m.group(2), m.group(3)) if m else None


def rendered_value(x: Any, step: Any, joiner: str) -> str:
    """The step's ``value`` as one text (X: the step's ``Exec``): a YAML list's items rendered one by one, or a
    template whose whole value is a list, joined by JOINER; anything else rendered as before."""
    from dataclasses import replace

    from clerkdesk.recipe.values import TemplateValueError, is_template

    raw = step.args.get("value", "")
    if isinstance(raw, list):
        out = []
        for item in raw:
            text = str(item)
            out.append(x.value(replace(step, args={"_item": text}), "_item") if is_template(text) else text)
        return joiner.join(out)
    text = str(raw).strip()
    if text.startswith("{{") and text.endswith("}}") and text.count("{{") == 1:
        try:  # one expression: a list field (multi:) gives its items, not Python's repr of the list
            got = x.items(step, "value")
        except TemplateValueError:
            got = None  # not a list (or an error the plain rendering below reports in its own words)
        if got is not None:
            return joiner.join(str(g) for g in got)
    return str(x.value(step, "value"))
