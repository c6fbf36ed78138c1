"""A back-office worker yields the CPU to the hall's interactive work.

A worker's fills are batch work: a browser (or a desktop client) rendering a ministry's pages for seconds at a
time. Where a worker shares a machine with what answers the windows — the hall's PostgreSQL on a small server,
or a window's own PC that also runs a worker after hours — a fill must never make a clerk's profile lookup wait
for a CPU. So ``clerkdesk worker`` lowers its own scheduling priority at start (``--nice``, default
``DEFAULT_NICE``), and every process it starts (Playwright's driver, Chromium and its renderers, a desktop
client) inherits it. It costs a worker nothing on a machine that is otherwise idle: a lower priority only
matters when something else wants the CPU at the same moment.

Linux (and every POSIX system): the process's niceness is raised to N (never lowered: an IT admin who starts the
worker with ``nice -n 15`` keeps 15). A process may not raise its priority again without the ``CAP_SYS_NICE``
capability, but a worker started as root has it, and Chromium sets its threads' niceness itself (its UI and
compositor threads to -8, the others back to 0: seen here). So on Linux the worker also gives that capability up —
from its own sets and from the bounding set, which is what a program it starts may ever have — and everything
under it stays at N. Windows: N > 0 is the ``BELOW_NORMAL`` priority class, which processes it starts inherit.
Nothing here was run on Windows.
"""

from __future__ import annotations

import os
import sys

DEFAULT_NICE = 10
BELOW_NORMAL_PRIORITY_CLASS = 0x4000


def lower_priority(nice: int) -> str:
    """Lower this process's CPU priority to niceness NICE (0: leave it); returns what it is now, in words for the
    worker's start line (``nice 10``, ``below normal``, ``normal``)."""
    if sys.platform == "win32":
        if nice <= 0:
            return "normal"
        import ctypes

        k32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        if k32.SetPriorityClass(k32.GetCurrentProcess(), BELOW_NORMAL_PRIORITY_CLASS):
            return "below normal"
        return "normal (Windows refused the lower priority)"
    now = os.nice(0)
    if nice > now:
        now = os.nice(nice - now)
    if nice > 0 and sys.platform.startswith("linux") and not _give_up_cap_sys_nice():
        # a root worker in a container without CAP_SETPCAP: Chromium will put its own threads back up
        return f"nice {now}, but the browsers it starts may raise their own (CAP_SYS_NICE could not be given up)"
    return f"nice {now}"


CAP_SYS_NICE = 23
PR_CAPBSET_READ = 23
PR_CAPBSET_DROP = 24
_LINUX_CAPABILITY_VERSION_3 = 0x20080522


def _give_up_cap_sys_nice() -> bool:
    """Drop ``CAP_SYS_NICE`` from this process's bounding set (so a program it starts never has it) and from its
    effective, permitted and inheritable sets (capget/capset, capabilities(7)). Without it a process can only
    lower its own priority. A process that does not have it (not root) has nothing to drop. Returns whether it is
    gone: False when the process still has it, or is root with it still in the bounding set (a program it starts
    gets it back) — a root process without ``CAP_SETPCAP`` may not drop it from the bounding set."""
    import ctypes

    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]

    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_CAPBSET_DROP, CAP_SYS_NICE, 0, 0, 0)  # EPERM without CAP_SETPCAP: then it is not root's
    head, data = Header(_LINUX_CAPABILITY_VERSION_3, 0), (Data * 2)()
    if libc.capget(ctypes.byref(head), data) != 0:
        return True  # no capabilities in this kernel: nothing to hold
    bit = 1 << CAP_SYS_NICE  # capability 23 is in the first 32-bit word
    data[0].effective &= ~bit & 0xFFFFFFFF
    data[0].permitted &= ~bit & 0xFFFFFFFF
    data[0].inheritable &= ~bit & 0xFFFFFFFF
    libc.capset(ctypes.byref(head), data)
    head = Header(_LINUX_CAPABILITY_VERSION_3, 0)
    if libc.capget(ctypes.byref(head), data) != 0:
        return True
    held = bool((data[0].effective | data[0].permitted) & bit)
    bounded = libc.prctl(PR_CAPBSET_READ, CAP_SYS_NICE, 0, 0, 0) == 1
    return not held and not (bounded and os.geteuid() == 0)
