"""A recipe's health beside its matter, and which recipe set a run used, in the clerk's words.

The clerk picks a matter; if the last canary (``clerkdesk recipe canary``, run by a supervisor or a scheduled
task) found its system changed, the clerk should know before starting rather than at the broken step. The
health comes from the canary's state file (``CLERKDESK_CANARY_STATE``, else ``<home>/canary/state.json``,
written by ``workbench.canary``): ok (with the date of the check), changed since a date, could not be checked since a date
(unreachable, needs a login), or never checked. It is a hint, not a lock: a changed recipe may still fill, and
the clerk is not stopped from trying.

The run card's line about the recipe set lets a clerk (and a supervisor looking at a failed run) tell which
signed set and version filled it, and whether its recipe had been edited on the workstation after the pull.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import QListWidget

from clerkdesk.ui.i18n import tr
from clerkdesk.workbench.canary import Health, default_state_file, health, read_state

HEALTH_COLOURS = {"ok": "#1b7f3b", "changed": "#c62828", "unknown": "#b26a00", "never": "#9e9e9e"}
UNKNOWN_WORDS = {"unreachable": "系统无法访问", "needs login": "需要登录", "error": "检查出错"}
HEALTH_ROLE = Qt.ItemDataRole.UserRole + 7  # the matter item's Health, for tests and the tooltip


def state_file(home: Path) -> Path:
    """Where the canary keeps its results for the app to read: ``CLERKDESK_CANARY_STATE`` (a share the
    supervisor's scheduled canary writes), else ``<home>/canary/state.json``."""
    return default_state_file(home)


def _day(iso: str | None) -> str:
    return (iso or "")[:10] or "?"


def health_text(h: Health) -> str:
    """One line under the matter's title."""
    if h.status == "ok":
        return tr("配方状态：正常（{d} 检查）", d=_day(h.checked))
    if h.status == "changed":
        return tr("配方状态：{d} 起系统有变化，可能无法自动填报", d=_day(h.since))
    if h.status == "unknown":
        return tr("配方状态：{d} 起无法检查（{why}）", d=_day(h.since), why=tr(UNKNOWN_WORDS.get(h.detail, "检查出错")))
    return tr("配方状态：未检查")


def health_tip(h: Health) -> str:
    """The tooltip: what broke and when the recipe last worked (for the clerk to tell the supervisor)."""
    lines = [health_text(h)]
    if h.step:
        lines.append(tr("失效的步骤：{s}", s=h.step))
    if h.locator:
        lines.append(tr("定位：{loc}", loc=h.locator))
    if h.status != "ok":
        lines.append(tr("上次正常：{d}", d=_day(h.last_good) if h.last_good else tr("从未正常")))
    return "\n".join(lines)


def _dot(colour: str) -> QIcon:
    pm = QPixmap(10, 10)
    pm.fill(QColor(colour))
    return QIcon(pm)


def show_health(matters: QListWidget, model: Any, home: Path) -> None:
    """Add each matter item's health (a line, a coloured dot, a tooltip). MODEL maps a matter to its recipes
    (``desk.form.CaptureFormModel.targets``); the state file is read once per call."""
    state = read_state(state_file(home))
    for i in range(matters.count()):
        item = matters.item(i)
        h = health(state, model.targets([item.data(Qt.ItemDataRole.UserRole)]))
        item.setText(item.text() + "\n    " + health_text(h))
        item.setIcon(_dot(HEALTH_COLOURS[h.status]))
        item.setToolTip(health_tip(h))
        item.setData(HEALTH_ROLE, h)


def recipe_set_text(columns: dict[str, str | None]) -> str:
    """Which recipe set a run used (``store.runs.RunRow.recipe_set``), for the run card."""
    version = columns.get("set_version")
    if not version:
        return tr("配方：未发布的配方文件夹（未签名）")
    key = (columns.get("set_sig") or "").split(":")[0]
    if version.endswith("+local"):
        return tr("配方集 {v}，但本配方在本机被修改过", v=version.removesuffix("+local"))
    return tr("配方集 {v}（签名密钥 {k}）", v=version, k=key) if key else tr("配方集 {v}（未签名）", v=version)
