"""Load test of a whole hall: N workstations and M back-office workers on one PostgreSQL.

Per N (default 10, 20, 40), in a fresh database of one private PostgreSQL (``clerkdesk.testing.postgres``):

- N **workstations**, each its own process with its own data folder and the hall's one key (as IT distributes
  it), sharing the PostgreSQL store. Each first *starts a case* for the back office (validate and store the
  record, plan, open the case, queue its run: ``hall.queue.open_and_queue``, what a front window's F5 does),
  then for ``--seconds`` does what a window does all day: *profile lookups* (by ID number, blind index, audited
  as the app audits them) and *captures* (a changed phone number saved as a new profile version), one every
  ``--pace`` seconds — a far busier window than a real clerk's, to load the server.
- M **workers** (``clerkdesk worker`` processes) fill the queued cases into the sandbox HRSS in real Chromium.

Reported per N: lookups+captures per second, p50/p99 of a lookup and of a case start, worker fills per minute
(from the first queued job to the last fill done), and at the end 0 lost / 0 duplicated records in the
sandbox's ledger and a valid audit chain. Then how each figure grows with N (relative to the smallest N).

    .venv/bin/python bench/hall.py [--n 10,20,40] [--workers 2] [--seconds 20] [--pace 0.1]
    .venv/bin/python bench/hall.py --quick      # N=2, one worker, two fills: a smoke run for the test suite
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _machine import cpu_model

ENROL = "hrss.insurance-enrollment"
INSURANCE = {"insurances": ["养老", "医疗"], "insured_from": "2026-12-01", "contribution_base": "5200"}


def person(i: int, phone: str = "13812345678") -> dict[str, Any]:
    """A synthetic applicant with a valid check digit, different for every I (up to 28 000)."""
    from clerkdesk.records.standards import id_check_digit

    body = f"320102{1950 + (i // 336) % 50}{(i // 28) % 12 + 1:02d}{i % 28 + 1:02d}{i // 16800 + 1:03d}"
    return {"name": "测试申请人", "id_number": body + id_check_digit(body), "ethnicity": "汉族",
            "hukou_type": "非农业", "education": "本科", "marital_status": "未婚", "hukou_region": "320102",
            "hukou_address": "江苏省南京市玄武区中山路1号", "current_address": "江苏省南京市玄武区中山路1号",
            "phone": phone}


def schedstat(pid: int | str = "thread-self") -> tuple[int, int]:
    """(ns on a CPU, ns waiting runnable for a CPU) of a thread (``thread-self``) or a process, from Linux's
    ``/proc/…/schedstat``; (0, 0) where there is none. What splits a lookup's wall time into its own work, the
    server backend's work, and waiting for a CPU — the scheduler's share, which a hall's hardware does not have."""
    try:
        on, wait, _ = Path(f"/proc/{pid}/schedstat").read_text().split()
        return int(on), int(wait)
    except (OSError, ValueError):
        return 0, 0


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, int(q * len(s)))]


# --- one workstation (its own process) -------------------------------------------------------------------------
def station(k: int, env: dict[str, str], seeded: int, fills: list[int], seconds: float, pace: float,
            start: Any, out: Any, nice: int = 0) -> None:
    if nice:
        os.nice(nice)  # a simulated window below the server it talks to: in a hall it is another PC
    os.environ.update(env)
    os.environ["CLERKDESK_HOME"] = env["BENCH_ROOT"] + f"/station{k}"
    os.environ["CLERKDESK_CLERK"] = f"window-{k}"
    from clerkdesk.desk import Desk
    from clerkdesk.hall import queue as q
    from clerkdesk.hall._app import fill_options

    rnd = random.Random(k)
    desk = Desk(Path(os.environ["CLERKDESK_HOME"]), f"window-{k}")
    desk.store  # noqa: B018  (open the store before the clock starts, as the app does at launch)
    app = q.make_app(env["CLERKDESK_QUEUE_URL"], pool_size=1)
    lookups: list[float] = []
    captures: list[float] = []
    starts: list[float] = []
    queued: dict[str, str] = {}
    errors: list[str] = []
    desk.catalog.get(ENROL)  # the app has its recipes loaded long before the first F5 of the day
    with app.open():
        start.wait()
        for i in fills:
            t = time.perf_counter()
            try:
                res = q.open_and_queue(desk, app, "person", person(i), [ENROL], dict(INSURANCE), fill_options())
                queued[res.runs[ENROL]] = person(i)["id_number"]
            except Exception as e:  # counted and shown, never hidden
                errors.append(f"case start: {type(e).__name__}: {e}"[:300])
            starts.append(time.perf_counter() - t)
    backend = desk.store.db.raw.info.backend_pid  # the PostgreSQL server process serving this station's lookups
    parts: list[tuple[float, ...]] = []  # per lookup: wall, own CPU, own CPU wait, server CPU, server CPU wait (s)
    t_end = time.monotonic() + seconds
    n = 0
    while time.monotonic() < t_end:
        i = rnd.randrange(seeded)
        key = person(i)["id_number"]
        t0 = time.perf_counter()
        try:
            if n % 5 == 4:
                desk.save_profile("person", person(i, phone=f"138{rnd.randrange(10**8):08d}"))
                captures.append(time.perf_counter() - t0)
            else:
                own0, srv0 = schedstat(), schedstat(backend)
                t0 = time.perf_counter()
                found = desk.profile("person", key)
                wall = time.perf_counter() - t0
                own1, srv1 = schedstat(), schedstat(backend)
                lookups.append(wall)
                parts.append((wall, (own1[0] - own0[0]) / 1e9, (own1[1] - own0[1]) / 1e9,
                              (srv1[0] - srv0[0]) / 1e9, (srv1[1] - srv0[1]) / 1e9))
                if found is None:
                    errors.append("lookup: a seeded profile was not found")
        except Exception as e:
            errors.append(f"{type(e).__name__}: {e}"[:300])
        n += 1
        time.sleep(max(0.0, pace - (time.perf_counter() - t0)))
    desk.close()
    out.put({"station": k, "lookups": lookups, "parts": parts, "captures": captures, "starts": starts, "queued": queued,
             "errors": errors[:5], "n_errors": len(errors)})


# --- one round ---------------------------------------------------------------------------------------------------
def seed(env: dict[str, str], count: int) -> None:
    os.environ.update(env)
    from clerkdesk.desk import Desk

    d = Desk(Path(env["BENCH_ROOT"]) / "seed", "seeder")
    for i in range(count):
        d.save_profile("person", person(i))
    d.close()


class Supervisor:
    """A person at the back office's screen: logs in (reading the training captcha), confirms, and answers an
    uncertain submit with DECISION — what they read in the system's own records."""

    def __init__(self, decision: tuple[str, str | None] = ("abort", None)):
        self.decision = decision

    def confirm(self, *a: Any) -> bool:
        return True

    def human(self, info: Any, message: str, driver: Any, check: Any) -> None:
        from clerkdesk.sandbox.web.training import login

        login(driver.page, driver.ctx.system.start_url, driver.ctx.system.id)

    def uncertain(self, *a: Any) -> tuple[str, str | None]:
        return self.decision


def settle(env: dict[str, str], web: Any, rid: str, idn: str) -> str:
    """What a supervisor does with a run the workers handed back: an uncertain submit is answered from the
    system's own ledger (recorded, with its receipt, or not recorded: filled once more), anything else resumed."""
    from clerkdesk.desk import Desk
    from clerkdesk.hall._app import fill_options

    d = Desk(Path(env["CLERKDESK_HOME"]), env["CLERKDESK_CLERK"])
    try:
        row = d.store.runs.get(rid)
        decision: tuple[str, str | None] | None = None
        if row.submit_state in ("armed", "clicked", "uncertain"):
            got = [s for s in web.submissions("hrss") if idn in s["fields"].values()]
            decision = ("recorded", got[-1]["receipt"]) if got else ("not_recorded", None)
        out = d.resume(rid, Supervisor(decision or ("abort", None)),
                       fill_options(headless=True, system_urls={"hrss": web.hrss_url}),
                       decision=decision[0] if decision else None, receipt=decision[1] if decision else None)
        return str(out.status)
    finally:
        d.close()


def login_backoffice(env: dict[str, str], web: Any, account: str, i: int) -> None:
    """A back-office ACCOUNT logs in to the sandbox once (a supervisor reads the training captcha); its worker
    reuses the kept, encrypted login. One account per worker: one login session keeps one form at a time."""
    os.environ.update(env)
    from clerkdesk.desk import Desk
    from clerkdesk.hall._app import fill, fill_options

    d = Desk(Path(env["CLERKDESK_HOME"]), account)
    res = fill(d, "person", person(i), [ENROL], dict(INSURANCE), Supervisor(),
               fill_options(headless=True, system_urls={"hrss": web.hrss_url}))
    d.close()
    if not res.ok:
        raise SystemExit(f"the back office could not log in to the sandbox: {res.outcomes}")


def one_round(server: Any, web: Any, root: Path, n: int, m: int, fills_total: int, seconds: float, pace: float,
              seeded: int, round_no: int, nice: int, stations_nice: int = 0) -> dict[str, Any]:
    url = server.create_database(f"hall_r{round_no}_n{n}_m{m}")
    base = root / f"r{round_no}n{n}m{m}"
    base.mkdir()
    env = {"CLERKDESK_DATABASE_URL": url, "CLERKDESK_QUEUE_URL": url, "CLERKDESK_CONFIG": str(root / "config"),
           "CLERKDESK_KEYRING": "0", "BENCH_ROOT": str(base), "CLERKDESK_HOME": str(base / "backoffice"),
           "CLERKDESK_CLERK": "backoffice-0"}
    saved = {k: os.environ.get(k) for k in env}
    try:
        seed(env, seeded)
        for j in range(m):
            login_backoffice(env, web, f"backoffice-{j}", 27_000 + round_no * 10 + j)
        from clerkdesk.hall import queue as q

        q.ensure_schema(url)
        wenv = {**os.environ, **env}
        workers = [subprocess.Popen([sys.executable, "-m", "clerkdesk", "--clerk", f"backoffice-{j}", "worker",
                                     "--system-url", f"hrss={web.hrss_url}", "--stalled-after", "15",
                                     "--nice", str(nice)], env=wenv,
                                    stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                    stderr=(base / f"worker{j}.log").open("w"), text=True) for j in range(m)]
        ctx = mp.get_context("spawn")
        start, out = ctx.Event(), ctx.Queue()
        first = 1_000 + round_no * 500  # applicants nobody filed before in this sandbox
        plan = {k: [first + j for j in range(fills_total) if j % n == k] for k in range(n)}
        procs = [ctx.Process(target=station, args=(k, env, seeded, plan[k], seconds, pace, start, out,
                                                          stations_nice))
                 for k in range(n)]
        for p in procs:
            p.start()
        time.sleep(1.0 + 0.15 * n)  # every process imported and opened its store
        load0 = os.getloadavg()
        t_go = time.monotonic()
        start.set()
        results = [out.get(timeout=seconds + 600) for _ in procs]
        for p in procs:
            p.join(timeout=60)
        queued = {rid: idn for r in results for rid, idn in r["queued"].items()}
        # wait for the workers to finish the queue
        t_last = time.monotonic()
        deadline = time.monotonic() + 120 + 60 * len(queued) / max(1, m)
        done: dict[str, str] = {}
        from clerkdesk.store import Store

        watcher = Store.open(base / "watcher", clerk="supervisor", url=url)
        while time.monotonic() < deadline:
            status = {r["id"]: r["status"] for r in watcher.runs.list(100_000) if r["id"] in queued}
            finished = {rid: s for rid, s in status.items() if s in ("succeeded", "failed", "needs_clerk")}
            if len(finished) > len(done):
                t_last = time.monotonic()
            done = finished
            if len(done) == len(queued):
                break
            time.sleep(0.5)
        load1 = os.getloadavg()
        for w in workers:
            w.terminate()
        for w in workers:
            try:
                w.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                w.kill()
                w.communicate()
        back = {}
        for rid, st in done.items():
            if st != "succeeded":
                row = watcher.runs.get(rid)
                first = str(row.data.get("message") or "").strip().splitlines()
                back[rid] = f"{st}/{row.submit_state}: {first[0][:160] if first else ''}"
        time.sleep(1.0)  # a slow answer lands in the system in its own time
        settled = {rid: settle(env, web, rid, queued[rid]) for rid in back}
        final = {r["id"]: r["status"] for r in watcher.runs.list(100_000) if r["id"] in queued}
        counts = {idn: sum(idn in s["fields"].values() for s in web.submissions("hrss")) for idn in queued.values()}
        audit = watcher.audit.verify()
        watcher.close()
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    lookups = [x for r in results for x in r["lookups"]]
    captures = [x for r in results for x in r["captures"]]
    starts = [x for r in results for x in r["starts"]]
    parts = sorted((x for r in results for x in r["parts"]), reverse=True)
    slow = parts[:max(1, len(parts) // 100)]  # the slowest 1 %: what makes the p99
    split = {name: (sum(x[j] for x in slow) / len(slow) * 1000 if slow else float("nan"))
             for j, name in enumerate(("wall", "own_cpu", "own_wait", "server_cpu", "server_wait"))}
    # what a station on its own PC would see from this server: each lookup's wall time less the time the station's
    # own process waited for one of this machine's two CPUs (the server's own waits stay in)
    own_pc = [x[0] - x[2] for x in parts]
    busy = max(1e-9, t_last - t_go)
    return {"n": n, "m": m, "nice": nice, "ops_per_s": (len(lookups) + len(captures)) / seconds,
            "lookup_p50_ms": pct(lookups, 0.5) * 1000, "lookup_p99_ms": pct(lookups, 0.99) * 1000,
            "capture_p50_ms": pct(captures, 0.5) * 1000, "start_p50_ms": pct(starts, 0.5) * 1000,
            "start_p99_ms": pct(starts, 0.99) * 1000, "queued": len(queued),
            "succeeded": sum(s == "succeeded" for s in final.values()),
            "handed_back": len(back), "settled": sum(s == "succeeded" for s in settled.values()),
            "fills_per_min": sum(s == "succeeded" for s in done.values()) / busy * 60,
            "lost": sum(c == 0 for c in counts.values()),
            "duplicated": sum(c > 1 for c in counts.values()), "handed_back_why": list(back.values())[:5],
            "audit_ok": bool(audit.ok), "audit_rows": audit.rows, "audit_problems": audit.problems[:3],
            "errors": sum(r["n_errors"] for r in results),
            "error_samples": [e for r in results for e in r["errors"]][:3],
            "slowest_1pct_ms": split, "own_pc_p50_ms": pct(own_pc, 0.5) * 1000,
            "own_pc_p99_ms": pct(own_pc, 0.99) * 1000, "load_before": load0, "load_after": load1}


def machine() -> str:
    mem = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f", {int(line.split()[1]) // 1024 // 1024} GiB RAM"
    except OSError:
        pass
    return (f"{cpu_model()}, {os.cpu_count()} logical CPUs{mem}; {platform.system()} {platform.release()}; "
            f"Python {platform.python_version()}; load average now {os.getloadavg()[0]:.2f}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", default="10,20,40", help="workstation counts, comma-separated")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--fills", type=int, default=12, help="cases queued per round (spread over the stations)")
    ap.add_argument("--seconds", type=float, default=20.0, help="lookup/capture phase per round")
    ap.add_argument("--pace", type=float, default=0.1, help="seconds between one station's operations")
    ap.add_argument("--seeded", type=int, default=300, help="profiles in the store before a round")
    ap.add_argument("--worker-series", default="", metavar="M,M,…",
                    help="extra rounds at the smallest N with these worker counts (how fills/min grow with M)")
    ap.add_argument("--worker-nice", default="10", metavar="N,N,…",
                    help="the workers' CPU priority (`clerkdesk worker --nice`); several values: a round of each per "
                         "N, one after the other (0 = the workers compete with the windows' lookups)")
    ap.add_argument("--systems-nice", default="0", metavar="N,N,…",
                    help="the simulated ministry systems' CPU priority (the sandbox's server threads, in this "
                         "process; in a hall they are other machines); several values: a round of each")
    ap.add_argument("--stations-nice", default="0", metavar="N,N,…",
                    help="the simulated workstations' CPU priority (in a hall each is its own PC: at 19 their CPU "
                         "use no longer stands in for the server's, and 'own PC' below is the server's answer); "
                         "several values: a round of each")
    ap.add_argument("--repeat", type=int, default=1, help="run the whole plan this many times, interleaved")
    ap.add_argument("--quick", action="store_true", help="N=2, 1 worker, 2 fills, 5 s: a smoke run (< 60 s)")
    ap.add_argument("--json", action="store_true", help="print the rows as JSON as well")
    a = ap.parse_args(argv)
    if a.quick:
        a.n, a.workers, a.fills, a.seconds, a.seeded, a.worker_series = "2", 1, 2, 5.0, 40, ""
    ns = [int(x) for x in a.n.split(",") if x.strip()]
    series = [int(x) for x in a.worker_series.split(",") if x.strip()]
    nices = [int(x) for x in a.worker_nice.split(",") if x.strip()]
    snices = [int(x) for x in a.systems_nice.split(",") if x.strip()]
    stnices = [int(x) for x in a.stations_nice.split(",") if x.strip()]
    from clerkdesk.drivers.web.browser import find_browser
    from clerkdesk.sandbox.web import start_web_sandbox
    from clerkdesk.testing.postgres import pg_bindir, pg_server

    if pg_bindir() is None or find_browser() is None:
        print("needs PostgreSQL (Debian 'postgresql') and Chromium: see scripts/setup.sh", file=sys.stderr)
        return 2
    print(f"machine: {machine()}")
    rows = []
    with tempfile.TemporaryDirectory(prefix="clerkdesk-hall-bench-") as tmp, pg_server() as server:
        root = Path(tmp)
        (root / "config").mkdir()
        import psycopg

        with psycopg.connect(server.url()) as c:
            print(f"server: {c.execute('select version()').fetchone()[0].split(',')[0]} on loopback "
                  "(fsync off: a test server)")
        web = start_web_sandbox(root / "sandbox", debug=True, idle_timeout=3600)  # debug: the training captcha
        try:
            plan = ([(n, a.workers, v, sv, tv) for n in ns for v in nices for sv in snices for tv in stnices]
                    + [(ns[0], m, nices[0], snices[0], stnices[0]) for m in series if m != a.workers]
                    ) * max(1, a.repeat)
            for k, (n, m, v, sv, tv) in enumerate(plan):
                for tid in web.server_threads():  # Linux: per thread; the request threads they start inherit it
                    os.setpriority(os.PRIO_PROCESS, tid, sv)
                t = time.monotonic()
                row = one_round(server, web, root, n, m, a.fills, a.seconds, a.pace, a.seeded, k, v, tv)
                row["systems_nice"], row["stations_nice"] = sv, tv
                rows.append(row)
                print(f"  N={n} M={m} nice={v} systems nice={sv} stations nice={tv}: done in {time.monotonic() - t:.0f} s, load {row['load_before'][0]:.1f} → "
                      f"{row['load_after'][0]:.1f}", flush=True)
        finally:
            web.stop()
    print(f"\nM = {a.workers} workers, {a.fills} queued fills per round, stations pace {a.pace} s, "
          f"{a.seconds:.0f} s of lookups/captures per round\n")
    head = (f"{'N':>3} {'M':>2} {'nice':>4} {'ops/s':>7} {'lookup p50':>10} {'p99 ms':>7} {'capture p50':>11} {'start p50':>9} "
            f"{'p99 ms':>7} {'fills/min':>9} {'queued':>6} {'ok':>3} {'back':>4} {'lost':>4} {'dup':>3} "
            f"{'audit':>5} {'errors':>6}")
    print(head)
    for r in rows:
        print(f"{r['n']:>3} {r['m']:>2} {r['nice']:>4} {r['ops_per_s']:>7.1f} {r['lookup_p50_ms']:>10.1f} {r['lookup_p99_ms']:>7.1f} "
              f"{r['capture_p50_ms']:>11.1f} {r['start_p50_ms']:>9.1f} {r['start_p99_ms']:>7.1f} "
              f"{r['fills_per_min']:>9.1f} {r['queued']:>6} {r['succeeded']:>3} {r['handed_back']:>4} "
              f"{r['lost']:>4} {r['duplicated']:>3} {'ok' if r['audit_ok'] else 'BAD':>5} {r['errors']:>6}")
    print("\nwhere the slowest 1 % of lookups spend their time (mean ms; Linux schedstat of the station's thread "
          "and of its PostgreSQL backend):")
    print(f"{'N':>3} {'M':>4} {'nice':>4} {'wall':>7} {'station CPU':>11} {'station waits for a CPU':>23} {'server CPU':>10} "
          f"{'server waits for a CPU':>22} {'rest':>7}")
    for r in rows:
        sp = r["slowest_1pct_ms"]
        rest = sp["wall"] - sp["own_cpu"] - sp["own_wait"] - sp["server_cpu"] - sp["server_wait"]
        print(f"{r['n']:>3} {'M=' + str(r['m']):>4} {r['nice']:>4} {sp['wall']:>7.1f} {sp['own_cpu']:>11.1f} {sp['own_wait']:>23.1f} "
              f"{sp['server_cpu']:>10.1f} {sp['server_wait']:>22.1f} {rest:>7.1f}")
    print("(rest: neither process on or waiting for a CPU: network, locks, the server's disk)")
    print("\nlookup less the station's own wait for a CPU (what a window on its own PC would see from this server):")
    for r in rows:
        print(f"{r['n']:>3} M={r['m']} nice={r['nice']} systems nice={r['systems_nice']} stations nice="
              f"{r['stations_nice']}: p50 {r['own_pc_p50_ms']:.1f} ms, p99 {r['own_pc_p99_ms']:.1f} ms")
    for r in rows:
        if r["n"] == 40:  # the target (docs/hall.md, "One round trip, measured")
            sp = r["slowest_1pct_ms"]
            share = sp["own_wait"] / sp["wall"] if sp["wall"] else float("nan")
            print(f"the target, lookup p99 <= 20 ms at N = 40 (M={r['m']}, workers at nice {r['nice']}, systems at "
                  f"nice {r['systems_nice']}, stations at nice {r['stations_nice']}): "
                  f"{'met' if r['lookup_p99_ms'] <= 20 else 'NOT met'} wall-clock on this one machine "
                  f"(p99 {r['lookup_p99_ms']:.1f} ms); "
                  f"{'met' if r['own_pc_p99_ms'] <= 20 else 'NOT met'} for a window on its own PC "
                  f"(p99 {r['own_pc_p99_ms']:.1f} ms); {share:.0%} of the slowest lookups' time the simulated "
                  "stations waiting for a CPU")
    print("(ok: runs succeeded at the end, after a supervisor settled the handed-back ones from the system's "
          "ledger; back: runs the workers handed back to a person)")
    first = rows[:len(ns) * len(nices) * len(snices) * len(stnices)]  # the first pass of the plan
    by_n = [r for r in first if r["m"] == a.workers and r["nice"] == nices[0] and r["systems_nice"] == snices[0]
            and r["stations_nice"] == stnices[0]]
    by_m = [r for r in rows if r["n"] == ns[0] and r["nice"] == nices[0] and (r["m"] != a.workers or r in by_n)]
    if len(by_n) > 1:
        b = by_n[0]
        print(f"\ngrowth with N, relative to N={b['n']} (×):")
        print(f"{'N':>3} {'ops/s':>7} {'lookup p50':>10} {'p99':>7} {'start p50':>9} {'p99':>7} {'fills/min':>9}")
        for r in by_n:
            def x(key: str, r: dict[str, Any] = r) -> str:
                return f"{r[key] / b[key]:.2f}" if b[key] else "-"
            print(f"{r['n']:>3} {x('ops_per_s'):>7} {x('lookup_p50_ms'):>10} {x('lookup_p99_ms'):>7} "
                  f"{x('start_p50_ms'):>9} {x('start_p99_ms'):>7} {x('fills_per_min'):>9}")
    if len(by_m) > 1:
        by_m.sort(key=lambda r: r["m"])
        b = by_m[0]
        print(f"\nworker throughput with M at N={b['n']}:")
        for r in by_m:
            print(f"  M={r['m']}: {r['fills_per_min']:.1f} fills/min ({r['fills_per_min'] / b['fills_per_min']:.2f}× "
                  f"M={b['m']}; linear would be {r['m'] / b['m']:.2f}×)")
    for r in rows:
        for e in r["error_samples"]:
            print(f"  N={r['n']} error: {e}")
        for why in r["handed_back_why"]:
            print(f"  N={r['n']} handed back to the front: {why}")
    if a.json:
        print(json.dumps(rows, default=str, indent=1))
    bad = [r for r in rows if r["lost"] or r["duplicated"] or not r["audit_ok"] or r["errors"]
           or r["succeeded"] != r["queued"]]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
