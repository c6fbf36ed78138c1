"""Errors for the clerk: one place turns exceptions and failed runs into Chinese messages."""

from __future__ import annotations

import contextlib
import sys
import traceback
from typing import Any

from clerkdesk.errors import ClerkDeskError, PlanError, Problem, ValidationError
from clerkdesk.recipe.steps import STEPS
from clerkdesk.records.runstate import RunStatus
from clerkdesk.ui.i18n import language, tr

# What the clerk reads for each step type: its label in the step registry (one source; English through ``tr``).
STEP_WORDS = {name: t.zh for name, t in STEPS.items()}

def step_words(kind: str, what: str, field: str = "", en: str = "") -> str:
    """``fill 姓名`` → ``填写 姓名`` (the recipe's own labels are already Chinese). In English the field the step
    enters by its English name (``Fill name``) and a message step by the recipe's ``en:`` (EN); a target's label
    with neither stays as the target shows it."""
    rest = what[len(kind):].strip() if what.startswith(kind) else what
    if language() == "en" and (en or field):
        from clerkdesk.records.model import field_spec

        spec = field_spec(field) if field else None
        rest = en or (spec.en if spec is not None else "") or rest
    return f"{tr(STEP_WORDS.get(kind, kind))} {rest}".strip()


def failure_headline(kind: str, index: int | None, what: str, status: str) -> str:
    """A one-line Chinese summary of why a run stopped, from the failed step's kind."""
    if status == RunStatus.NEEDS_CLERK:
        return tr("提交结果不确定：请在系统中核对是否已记录")
    rest = what[len(kind):].strip() if what.startswith(kind) else what
    st = STEPS.get(kind)
    if st is not None and st.navigates:
        return tr("无法打开系统页面（系统可能暂时不可用）")
    if st is not None and st.locator and not st.optional_locator:  # it acts on a control of the page
        return tr("在系统页面上找不到或无法操作“{what}”（页面可能已改版，请通知管理员更新配方）", what=rest or kind)
    if st is not None and st.confirms:
        return tr("提交后没有看到系统的受理结果")
    if kind == "start":
        return tr("无法启动浏览器")
    return tr("第 {n} 步（{what}）出错", n=index or "?", what=step_words(kind, what))


def problem_text(p: Problem) -> str:
    return p.en if language() == "en" else p.zh


def plan_line(p: Problem) -> str:
    """One problem of a plan for the clerk: in Chinese the system's own words (``人社系统需要联系电话``), in
    English the line the CLI prints (recipe and system first)."""
    return p.line if language() == "en" else p.zh


def plan_fields(err: PlanError) -> dict[str, str]:
    """Field path → message for each field a plan found missing (the form marks them red)."""
    out: dict[str, str] = {}
    for p in err.problems:
        if p.code == "FIELD_REQUIRED" and p.field:  # a wrong case value the form already marks itself, in Chinese
            out.setdefault(p.field, tr("必填"))
    return out


def message_of(e: BaseException) -> str:
    if isinstance(e, ValidationError):
        return tr("输入有误，请修正红色字段") + "\n" + "\n".join(f"• {problem_text(p)}" for p in e.problems)
    if isinstance(e, PlanError):
        return tr("办理无法开始") + "\n" + "\n".join(f"• {plan_line(p)}" for p in e.problems)
    if isinstance(e, ClerkDeskError):
        return str(e)
    return f"{type(e).__name__}: {e}"


def show_error(parent: Any, e: BaseException) -> None:
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(QMessageBox.Icon.Warning, tr("出错了"), message_of(e), parent=parent)
    if not isinstance(e, ClerkDeskError):
        box.setDetailedText("".join(traceback.format_exception(e)))
    box.open()


def install_excepthook() -> None:
    """Uncaught exceptions in the UI thread become a dialog instead of a silent crash (installed once)."""
    old = sys.excepthook
    if getattr(old, "clerkdesk", False):
        return

    def hook(tp: type[BaseException], value: BaseException, tb: Any) -> None:
        old(tp, value, tb)
        with contextlib.suppress(Exception):
            show_error(None, value)

    hook.clerkdesk = True  # type: ignore[attr-defined]
    sys.excepthook = hook
