"""The 人社 person query page (人员信息查询): what the system already holds for a person, stale values included.

A real 人社 system keeps what was entered years ago until someone re-enters it: a citizen registered while at
university (with a collective 非农业户口 at the school) who later moved his 户口 back home still shows
非农业户口 here. The sandbox starts with one such record — the demo applicant's — so that ClerkDesk's
discrepancy report (a recipe's ``read`` step) has something to find; every accepted submission then updates the
person's record, as the real system does, so a second query shows the new values.
"""

from __future__ import annotations

import threading
from html import escape

from .codes import HRSS_HUKOU
from .forms import id_check_char
from .hrss_pages import page

DEMO_ID = "65010219900228123" + id_check_char("65010219900228123")  # the demo applicant (cli/demo_console.py)
# The fields the query page lists: (field name in the system, label); codes shown in words like the real page.
SHOWN = (("aac003", "姓名"), ("aac002", "公民身份号码"), ("aac009", "户口性质"), ("aae006", "现住址"),
         ("aae005", "联系电话"))
_WORDS = {"aac009": dict(HRSS_HUKOU)}


def seed() -> dict[str, dict[str, str]]:
    """The records the sandbox starts with: the demo applicant, registered in 2009 as a student with the
    school's collective 非农业户口; his 户口 moved back home (农业户口) later, and nobody re-entered it here."""
    return {DEMO_ID: {"aac003": "阿卜杜拉·买买提", "aac002": DEMO_ID, "aac009": "2",
                      "aae006": "四川省成都市武侯区科华北路65号", "aae005": "13812345678",
                      "updated": "2009-09-01"}}


class People:
    """The persons the system holds, by ID number; thread-safe (the sandbox serves from several threads)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._people = seed()

    def reset(self) -> None:
        """Back to the records the sandbox started with (tests and training share one running sandbox)."""
        with self._lock:
            self._people = seed()

    def get(self, idn: str) -> dict[str, str] | None:
        with self._lock:
            got = self._people.get(idn)
            return dict(got) if got else None

    def remember(self, values: dict[str, str], today: str) -> None:
        """An accepted submission updates the person's record with the fields the page shows."""
        idn = values.get("aac002", "")
        if not idn:
            return
        with self._lock:
            rec = self._people.setdefault(idn, {"aac002": idn})
            rec.update({k: v for k, _ in SHOWN if (v := values.get(k))})
            rec["updated"] = today


def query_page(user: str, idn: str, people: People, asked: bool) -> str:
    """The query form, and the person's record when one was asked for."""
    form = ('<form method="post" action="/person/query" class="query">'
            f'<label for="q_aac002">公民身份号码</label><input type="text" id="q_aac002" name="aac002" '
            f'value="{escape(idn)}" maxlength="18"><button type="submit">查询</button></form>')
    result = ""
    if asked:
        rec = people.get(idn.strip().upper())
        if rec is None:
            result = '<p class="none" role="status">未查到该人员的信息</p>'
        else:
            rows = "".join(f'<tr><th>{label}</th><td id="r-{name}">'
                           f'{escape(_WORDS.get(name, {}).get(rec.get(name, ""), rec.get(name, "")))}</td></tr>'
                           for name, label in SHOWN)
            rows += f'<tr><th>信息更新时间</th><td id="r-updated">{escape(rec.get("updated", ""))}</td></tr>'
            result = f'<section class="query-result"><h3>查询结果</h3><table class="person">{rows}</table></section>'
    return page("人员信息查询", f"<main><h2>人员信息查询</h2>{form}{result}</main>", user)
