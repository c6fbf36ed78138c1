"""A back-office worker runs below the hall's interactive work: it and every process it starts (Playwright's
driver, Chromium and its renderers) at the niceness it was given, so that on a machine shared with the hall's
PostgreSQL a fill waits for the CPU and a clerk's lookup does not (docs/hall.md, "Where a lookup's time goes")."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.support.hall import ENROL, cli, log_in, person, records_of, run_cli, write_record

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


def _stat(pid: int) -> tuple[str, int, int] | None:
    """(command name, parent pid, niceness) of a live process, from /proc/PID/stat."""
    return _stat_of(f"/proc/{pid}")


def _stat_of(path: str) -> tuple[str, int, int] | None:
    """(command name, parent pid, niceness) from PATH/stat (a process, or one thread: PATH/task/TID)."""
    try:
        raw = Path(f"{path}/stat").read_text()
    except OSError:
        return None
    name = raw[raw.index("(") + 1:raw.rindex(")")]
    rest = raw[raw.rindex(")") + 2:].split()
    return name, int(rest[1]), int(rest[16])  # fields 4 (ppid) and 19 (nice) of proc(5)


def _descendants(root: int) -> dict[int, tuple[str, int]]:
    """Every live process under ROOT: pid → (command name, the lowest niceness of any of its threads — Chromium
    sets its threads' niceness one by one, and /proc/PID/stat shows the main thread's only)."""
    table = {}
    for d in os.listdir("/proc"):
        if d.isdigit() and (st := _stat(int(d))) is not None:
            table[int(d)] = st
    out: dict[int, tuple[str, int]] = {}
    frontier = {root}
    while frontier:
        frontier = {p for p, (_, ppid, _) in table.items() if ppid in frontier and p not in out}
        for p in frontier:
            try:
                threads = [st[2] for t in os.listdir(f"/proc/{p}/task") if (st := _stat_of(f"/proc/{p}/task/{t}"))]
            except OSError:
                threads = []
            out[p] = (table[p][0], min([table[p][2], *threads]))
    return out


@pytest.mark.browser
def test_the_worker_and_the_browser_it_starts_run_at_its_niceness(home: Path, web: Any, cli_env: dict[str, str],
                                                                  pg_url: str, tmp_path: Path, base: int) -> None:
    env = {**cli_env, "CLERKDESK_QUEUE_URL": pg_url}
    env.pop("CLERKDESK_DATABASE_URL", None)
    log_in(home, web, None, base + 99)
    code, _, err = run_cli(env, "queue", "--record", str(write_record(tmp_path / "r.json", base + 1)),
                           "--target", ENROL, "--yes")
    assert code == 0, err
    mine = os.nice(0)
    worker = cli(env, "worker", "--once", "--nice", str(mine + 7), "--system-url", f"hrss={web.hrss_url}")
    seen: dict[int, tuple[str, int]] = {}
    while worker.poll() is None:
        for p, (name, nice) in _descendants(worker.pid).items():  # the lowest seen, in any look
            seen[p] = (name, min(nice, seen.get(p, (name, nice))[1]))
        time.sleep(0.05)
    _, err = worker.communicate()
    assert worker.returncode == 0, err
    assert f"CPU priority nice {mine + 7}" in err
    assert len(records_of(web, person(base + 1)["id_number"])) == 1  # the fill was done, once
    browsers = {p: s for p, s in seen.items() if "chrom" in s[0].lower()}
    assert browsers, sorted({s[0] for s in seen.values()})  # Chromium ran under the worker while we watched
    assert {p: s for p, s in seen.items() if s[1] < mine + 7} == {}  # no thread of any above the worker's niceness


def _in_a_process(code: str) -> str:
    # a session of its own, as a service: its output does not depend on the terminal the tests run in
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          start_new_session=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


CHILD = """
import os
print(os.nice(0))
try:
    os.setpriority(os.PRIO_PROCESS, 0, 0)  # what Chromium does to its threads
except PermissionError:
    pass
print(os.nice(0))
"""


def test_lower_priority_raises_the_niceness_and_a_child_keeps_it_even_as_root() -> None:
    mine = os.nice(0)
    got = _in_a_process(
        "import os, subprocess, sys\n"
        "from clerkdesk.hall.priority import lower_priority\n"
        f"print(lower_priority({mine + 5}))\n"
        f"child = subprocess.run([sys.executable, '-c', {CHILD!r}], capture_output=True, text=True)\n"
        "print(child.stdout.strip())\n")
    assert got.splitlines() == [f"nice {mine + 5}", str(mine + 5), str(mine + 5)]


def test_lower_priority_never_raises_a_priority_it_was_given_lower() -> None:
    # an IT admin who starts the worker under `nice -n 15` keeps 15; 0 leaves the priority as it is
    mine = os.nice(0)
    got = _in_a_process("import os\nfrom clerkdesk.hall.priority import lower_priority\n"
                        f"os.nice(6)\nprint(lower_priority({mine + 3}))\nprint(lower_priority(0))\n")
    assert got.splitlines() == [f"nice {mine + 6}", f"nice {mine + 6}"]


# A root process that has given up CAP_SETPCAP (a container's default set has it; some hardened ones do not): it may
# still drop CAP_SYS_NICE from its own sets, but not from the bounding set, so a program it starts as root gets it
# back and Chromium raises its threads again. The start line says so instead of a plain "nice N".
NO_SETPCAP = """
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
assert libc.prctl(24, 8, 0, 0, 0) == 0  # PR_CAPBSET_DROP CAP_SETPCAP (8)
class H(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]
class D(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]
h, d = H(0x20080522, 0), (D * 2)()
assert libc.capget(ctypes.byref(h), d) == 0
for f in ("effective", "permitted", "inheritable"):
    setattr(d[0], f, getattr(d[0], f) & ~(1 << 8))
assert libc.capset(ctypes.byref(h), d) == 0
from clerkdesk.hall.priority import lower_priority
print(lower_priority(os.nice(0) + 2))
"""


@pytest.mark.skipif(os.geteuid() != 0, reason="a process gives up capabilities it has: only root has CAP_SETPCAP")
def test_a_root_worker_that_cannot_give_up_cap_sys_nice_says_so() -> None:
    got = _in_a_process(NO_SETPCAP)
    assert "may raise their own" in got and "CAP_SYS_NICE could not be given up" in got, got


def _autogroup_in_use() -> bool:
    from clerkdesk.hall.priority import _cpu_cgroup

    try:
        on = Path("/proc/sys/kernel/sched_autogroup_enabled").read_text().strip() == "1"
    except OSError:
        return False
    return on and _cpu_cgroup() is None


HOG = """
import os, sys, time
os.sched_setaffinity(0, {int(sys.argv[1])})
if sys.argv[2] != "normal":
    from clerkdesk.hall.priority import lower_priority
    print(lower_priority(int(sys.argv[2])), flush=True)
t = time.monotonic()
while time.monotonic() - t < 2.0:
    pass
print(time.process_time())
"""


@pytest.mark.skipif(not _autogroup_in_use(), reason="the kernel does not group by session here (no autogroup)")
@pytest.mark.parametrize("as_service", [True, False], ids=["a service (its own session)", "started by a program"])
def test_a_worker_yields_to_another_session_on_a_shared_cpu(as_service: bool) -> None:
    """Linux autogroup: sessions share the CPUs equally and a niceness ranks a process only within its session.
    A worker (a service: its own session) and a busy PostgreSQL (pg_ctl's own session) on one CPU: at niceness 10
    alone the worker still got half of it (before: 1.0 s each of 2 s). Now the worker's group is lowered too, also
    when a program started it without a terminal (it begins its own session): it gets a small share."""
    cpu = max(os.sched_getaffinity(0))
    want = min(19, os.nice(0) + 10)  # relative to the niceness the tests run at
    other = subprocess.Popen([sys.executable, "-c", HOG, str(cpu), "normal"], stdout=subprocess.PIPE, text=True,
                             start_new_session=True)
    worker = subprocess.Popen([sys.executable, "-c", HOG, str(cpu), str(want)], stdout=subprocess.PIPE, text=True,
                              start_new_session=as_service)
    said, used = worker.communicate(timeout=60)[0].split("\n")[:2]
    theirs = float(other.communicate(timeout=60)[0])
    assert said == f"nice {want}", said
    assert float(used) < 0.4 * theirs, (used, theirs)


TERMINAL = """
import fcntl, os, sys, termios
os.setsid()
master, slave = os.openpty()
fcntl.ioctl(slave, termios.TIOCSCTTY, 0)  # this session's terminal, as an admin's shell has
pid = os.fork()
if pid == 0:  # the worker, started from that shell
    from clerkdesk.hall.priority import lower_priority
    print(lower_priority(min(19, os.nice(0) + 10)))
    print(open("/proc/self/autogroup").read().split()[-1], flush=True)
    os._exit(0)
os.waitpid(pid, 0)
"""


@pytest.mark.skipif(not _autogroup_in_use(), reason="the kernel does not group by session here (no autogroup)")
def test_a_worker_started_from_a_terminal_keeps_its_session_and_says_so() -> None:
    # Ctrl+C in the terminal must still stop it, and the admin's shell must not be lowered with it
    said, group_nice = subprocess.run([sys.executable, "-c", TERMINAL], capture_output=True, text=True,
                                      timeout=60).stdout.splitlines()
    assert said.startswith(f"nice {min(19, os.nice(0) + 10)}, within its terminal session only"), said
    assert group_nice == "0"


def test_a_cpu_cgroup_is_found_where_the_niceness_counts_within_it_only(tmp_path: Path) -> None:
    from clerkdesk.hall.priority import _cpu_cgroup

    def where(proc: str, control: dict[str, str] | None = None) -> str | None:
        (tmp_path / "cgroup").write_text(proc)
        for d, text in (control or {}).items():
            (tmp_path / "sys" / d).mkdir(parents=True, exist_ok=True)
            (tmp_path / "sys" / d / "cgroup.subtree_control").write_text(text)
        return _cpu_cgroup(str(tmp_path / "cgroup"), str(tmp_path / "sys"))

    assert where("0::/\n") is None  # the root: niceness is machine-wide (or autogroup's)
    unit = "0::/system.slice/clerkdesk-worker.service\n"
    assert where(unit, {"system.slice": "memory pids"}) is None  # no cpu controller handed down
    assert where(unit, {"system.slice": "cpu memory pids"}) == "/system.slice/clerkdesk-worker.service"
    assert where("4:memory:/x\n1:cpu,cpuacct:/\n0::/\n") is None  # cgroup v1, cpu hierarchy at its root
    assert where("1:cpu,cpuacct:/system.slice/w.service\n") == "/system.slice/w.service"
    assert where("") is None
