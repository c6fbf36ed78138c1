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
under it stays at N; and since Linux ranks a niceness only within its session's scheduling group (autogroup),
the worker lowers that group too where it is its own (``_lower_autogroup``). Windows: N > 0 is the
``BELOW_NORMAL`` priority class, which processes it starts inherit.
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
    notes = []
    if nice > 0 and sys.platform.startswith("linux"):
        if not _give_up_cap_sys_nice():
            # a root worker in a container without CAP_SETPCAP: Chromium will put its own threads back up
            notes.append("but the browsers it starts may raise their own (CAP_SYS_NICE could not be given up)")
        notes += filter(None, [_lower_autogroup(now)])
    return ", ".join([f"nice {now}", *notes])


def _lower_autogroup(now: int) -> str | None:
    """Put this process's scheduling group below the rest of the machine as well; None when done (or nothing to
    do), else what limits the niceness, in words for the start line.

    Linux schedules by **autogroup** (sched(7); on here and in Debian's kernels; UOS's and Kylin's not checked): every session
    (a service, a desktop session, a terminal) is a group, the groups share the CPUs equally, and a niceness ranks
    a process only within its own group. A worker started as a service is a session of its own, and so is every
    PostgreSQL backend (each calls ``setsid``): at niceness 10 alone the worker still took half of
    a CPU that PostgreSQL wanted (measured: 50/50; with the group lowered too, 11/89). So the worker lowers its
    group's niceness (``/proc/self/autogroup``) when the group is its own: it leads its session (a service), or it
    was started without a terminal (by a script or a service manager) and begins a session of its own here. One
    started from a terminal keeps the terminal's session (Ctrl+C still stops it) and says that its niceness counts
    within that session only. In a cgroup with the ``cpu`` controller (systemd with CPU accounting) the cgroups
    share the CPUs by weight and autogroup is not used: ``CPUWeight=`` in the worker's unit does it there."""
    where = _cpu_cgroup()
    if where is not None:
        return (f"within its cgroup {where} only (Linux cgroup cpu controller: CPUWeight= in its service unit puts "
                "it below the rest of the machine)")
    group = "/proc/self/autogroup"
    try:
        with open("/proc/sys/kernel/sched_autogroup_enabled") as f:
            if f.read().strip() != "1":
                return None
    except OSError:
        return None  # a kernel without autogroup: niceness counts machine-wide
    if os.getsid(0) != os.getpid():
        if _has_terminal():
            return ("within its terminal session only (Linux autogroup: started as a service it is below the whole "
                    "machine)")
        if os.getpgid(0) == os.getpid():  # a process group's leader may not begin a session (setsid(2))
            return ("within the session it was started in only (Linux autogroup: started as a service it is below "
                    "the whole machine)")
        os.setsid()  # started by a program, without a terminal: a session, and so a group, of its own
    try:
        with open(group) as f:
            current = int(f.read().split()[-1])  # "/autogroup-123 nice 0"
        if now > current:
            with open(group, "w") as f:
                f.write(str(now))
    except (OSError, ValueError, IndexError) as e:
        return f"within its session only (its autogroup could not be lowered: {e})"
    return None


def _has_terminal() -> bool:
    """Whether this process has a controlling terminal (Ctrl+C there reaches it)."""
    try:
        fd = os.open("/dev/tty", os.O_RDONLY | os.O_NOCTTY)
    except OSError:
        return False
    os.close(fd)
    return True


def _cpu_cgroup(proc: str = "/proc/self/cgroup", sysfs: str = "/sys/fs/cgroup") -> str | None:
    """The cgroup this process is in when the ``cpu`` controller shares the CPUs among it and its siblings (then a
    niceness counts within it only); None in the root or where no ``cpu`` controller is on. cgroup v1: the path on
    the ``cpu`` hierarchy's line; v2: the ``0::`` path, when its parent hands the ``cpu`` controller down."""
    try:
        with open(proc) as f:
            lines = f.read().splitlines()
    except OSError:
        return None
    for line in lines:
        num, _, rest = line.partition(":")
        controllers, _, path = rest.partition(":")
        if num != "0" and "cpu" in controllers.split(","):
            return path if path not in ("", "/") else None
    for line in lines:
        if line.startswith("0::"):
            path = line[3:]
            if path in ("", "/"):
                return None
            parent = os.path.dirname(path.rstrip("/")) or "/"
            try:
                with open(os.path.join(sysfs, parent.lstrip("/"), "cgroup.subtree_control")) as f:
                    return path if "cpu" in f.read().split() else None
            except OSError:
                return None
    return None


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
