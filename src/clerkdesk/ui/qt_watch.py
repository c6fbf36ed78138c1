"""What the status line says about the hall's shared store, from one place: online, offline (and how many
cases wait in the outbox), or sending n.

Why a small object of its own: several things learn about the store at different moments (the poll timer, a
call that met the store gone, the send of the outbox), and each used to write the status line itself, so a
later "就绪" could hide that the store was away, or "已恢复连接" stand while cases were still being sent. The
watcher keeps the facts (``down``, ``waiting``, ``sending``) and derives the one line from them; the main
window shows ``line()`` whenever it changes (and while the store is away, over any other message).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from clerkdesk.ui.i18n import tr

ONLINE, OFFLINE, SENDING = "online", "offline", "sending"


class StatusWatcher(QObject):
    changed = Signal(str)  # the state: online | offline | sending

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.down = ""  # why the store is away ("" while it answers)
        self.waiting = 0  # offline cases in the outbox not yet sent
        self.sending = 0  # being sent right now
        self.held = 0  # offline cases not sent because another window opened the same matter: the clerk decides
        self.recovered = False  # the store was away during this session and answers again

    @property
    def state(self) -> str:
        return OFFLINE if self.down else SENDING if self.sending else ONLINE

    def line(self) -> str:
        """The status line for the store: never "online" while it is away or cases are being sent."""
        if self.down:
            text = tr("共享档案库连不上：{e}", e=self.down[:160])
            if self.waiting:
                text += tr("（离线受理中，{n} 件待发送）", n=self.waiting)
            return text
        if self.sending:
            return tr("正在发送离线受理的案件 {n} 件…", n=self.sending)
        if self.waiting:
            return tr("离线受理的案件 {n} 件待发送", n=self.waiting)
        if self.held:
            return tr("离线受理的案件 {n} 件已在其他窗口受理，请在离线案件（Ctrl+Shift+O）中并入或放回表单", n=self.held)
        return tr("共享档案库已恢复连接") if self.recovered else tr("共享档案库已连接")

    def short(self) -> str:
        """The status bar's standing mark ("" while online with nothing waiting)."""
        if self.down:
            return tr("离线") + (tr("（{n} 件待发送）", n=self.waiting) if self.waiting else "")
        if self.sending:
            return tr("正在发送 {n} 件", n=self.sending)
        if self.waiting:
            return tr("{n} 件待发送", n=self.waiting)
        return tr("{n} 件待处理", n=self.held) if self.held else ""

    def set(self, *, down: str | None = None, waiting: int | None = None, sending: int | None = None,
            held: int | None = None) -> None:
        before = (self.state, self.line())
        if down is not None:
            self.recovered = self.recovered or bool(self.down and not down)
            self.down = down
        if waiting is not None:
            self.waiting = waiting
        if sending is not None:
            self.sending = sending
        if held is not None:
            self.held = held
        if (self.state, self.line()) != before:
            self.changed.emit(self.state)
