"""The engine's notices to the clerk, each a Chinese template with its English: one source for every shell.

The engine hands a shell a ``recipe.said.Said``: its text is what the CLI and the run log have always shown (the
Chinese, then the English in brackets), and its ``key``/``params`` let a window show it in one language — the
window's translation function (``ui.i18n.tr``) translates the Chinese template, whose English is listed here and
merged into the window's catalogue. ``{system}`` is the system's name (a window names it in its own language).
Pure: no I/O, no Qt.
"""

from __future__ import annotations

from typing import Any

from clerkdesk.recipe.said import Said

UNCERTAIN = "uncertain"
UNCERTAIN_AT_QUERY = "uncertain_at_query"
DISCREPANCY = "discrepancy"

NOTICES: dict[str, tuple[str, str]] = {
    UNCERTAIN: ("“{system}”的提交结果不确定：系统可能已经记录，也可能没有。ClerkDesk 不会自己再次提交。"
                "请在系统中查询（较慢的系统可能几分钟后才出现记录），然后选择“已记录”（填写回执号）或“未记录”。",
                "The submit to {system} may or may not have been recorded; ClerkDesk will not submit again by "
                "itself. Check the system (a slow one may show it minutes later), then answer Recorded (with the "
                "receipt) or Not recorded."),
    UNCERTAIN_AT_QUERY: ("“{system}”的提交结果不确定：系统可能已经记录，也可能没有。ClerkDesk 不会自己再次提交。"
                         "请在系统中查询（较慢的系统可能几分钟后才出现记录），然后选择“已记录”（填写回执号）或“未记录”。"
                         "系统窗口已打开到查询页，可直接在其中查询。",
                         "The submit to {system} may or may not have been recorded; ClerkDesk will not submit again "
                         "by itself. Check the system (a slow one may show it minutes later), then answer Recorded "
                         "(with the receipt) or Not recorded. The system's window is open at its query page: look "
                         "it up there."),
    DISCREPANCY: ("“{system}”中的 {n} 项信息与档案不一致，请逐项决定",
                  "{n} field(s) in {system} differ from the profile: decide each"),
}


def notice(which: str, **params: Any) -> Said:
    """Notice WHICH with PARAMS: as text, the Chinese then the English in brackets (the CLI, the run log)."""
    zh, en = NOTICES[which]
    return Said(f"{zh.format(**params)} ({en.format(**params)})", key=zh, params=params)


__all__ = ["NOTICES", "notice"]
