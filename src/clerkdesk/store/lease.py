"""Who owns a run: the process identity written into a run's lease, and whether that process still lives.

A run belongs to one process at a time. The lease names the owner by host, pid and the process's start time
(so a recycled pid is not taken for the owner), plus a heartbeat time moved with every step event. On the same
host a lease is alive exactly while its process is; a lease of another host (a shared store, later) is taken as
alive until its heartbeat is older than ``STALE_S``.
"""

from __future__ import annotations

import os
import socket
import sys
import time
from dataclasses import dataclass
from datetime import datetime

STALE_S = 15 * 60  # another host's lease without a heartbeat for this long is taken as dead


@dataclass(frozen=True)
class Owner:
    host: str
    pid: int
    started: str  # the process's start time as the OS reports it ("" where it cannot be read)

    def __str__(self) -> str:
        return f"pid {self.pid} on {self.host}"


def _start_time(pid: int) -> str | None:
    """The OS's start time of PID, or None when there is no such process."""
    if sys.platform == "win32":  # pragma: no cover - no Windows machine here
        import ctypes
        from ctypes import wintypes

        k32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        h = k32.OpenProcess(0x1000 | 0x00100000, False, pid)  # QUERY_LIMITED_INFORMATION | SYNCHRONIZE
        if not h:
            return None
        try:
            if k32.WaitForSingleObject(h, 0) == 0:  # signalled: the process has exited
                return None
            c, e, kt, ut = (wintypes.FILETIME() for _ in range(4))
            if not k32.GetProcessTimes(h, ctypes.byref(c), ctypes.byref(e), ctypes.byref(kt), ctypes.byref(ut)):
                return ""
            return f"{c.dwHighDateTime}:{c.dwLowDateTime}"
        finally:
            k32.CloseHandle(h)
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            stat = f.read().decode(errors="replace")
    except FileNotFoundError:
        return None
    except OSError:
        return ""
    fields = stat[stat.rfind(")") + 2:].split()
    if fields and fields[0] in ("Z", "X"):  # a zombie has finished running
        return None
    return fields[19] if len(fields) > 19 else ""


def me() -> Owner:
    return Owner(socket.gethostname(), os.getpid(), _start_time(os.getpid()) or "")


def alive(owner: Owner, heartbeat: str | None = None) -> bool:
    """Whether the lease OWNER still holds its run (its process runs; another host: a recent heartbeat)."""
    if owner.host != socket.gethostname():
        if not heartbeat:
            return True
        try:
            age = time.time() - datetime.fromisoformat(heartbeat).timestamp()
        except ValueError:
            return True
        return age < STALE_S
    started = _start_time(owner.pid)
    if started is None:
        return False
    return not (owner.started and started and started != owner.started)


__all__ = ["STALE_S", "Owner", "alive", "me"]
