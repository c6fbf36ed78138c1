"""Benchmark the profile store and the validators.

    .venv/bin/python bench/store.py [--n 100000] [--batch 1000] [--lookups 5000]

1. Insert N synthetic, valid person profiles (validated through make_person, encrypted, blind-indexed,
   one version row each, audited with one audit row per batch) in transactions of BATCH.
2. Look profiles up by ID number: p50/p99 in µs, without and with the audit row a clerk's view writes.
3. Validation throughput: ID numbers/s, credit codes/s, whole person records/s.

Uses a temporary data folder and key file unless --home is given. Prints the figures and ratios.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from _machine import cpu_model


def percentile(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, round(q / 100 * (len(s) - 1)))]


def synthetic_people(n: int, rng: random.Random) -> list[dict[str, str]]:
    from clerkdesk.records import regions
    from clerkdesk.records.standards import id_check_digit

    codes = sorted(c for c, r in regions.all_regions().items() if r.current and not c.endswith("00"))
    surnames, given = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗", "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英"
    seen: set[str] = set()
    out: list[dict[str, str]] = []
    start = date(1930, 1, 1)
    while len(out) < n:
        body = f"{rng.choice(codes)}{start + timedelta(days=rng.randrange(80 * 365)):%Y%m%d}{rng.randrange(1000):03d}"
        number = body + id_check_digit(body)
        if number in seen:
            continue
        seen.add(number)
        out.append({"name": rng.choice(surnames) + rng.choice(given) + rng.choice(given), "id_number": number,
                    "phone": f"1{rng.choice('3578')}{rng.randrange(10**9):09d}", "hukou_type": rng.choice(["城镇", "农业"]),
                    "hukou_address": "某省某市某区某街道" + str(rng.randrange(1, 999)) + "号"})
    return out


def synthetic_usccs(n: int, rng: random.Random) -> list[str]:
    from clerkdesk.records import regions
    from clerkdesk.records.standards import USCC_ALPHABET, org_check_char, uscc_check_char

    codes = sorted(c for c, r in regions.all_regions().items() if r.current)
    out = []
    for _ in range(n):
        org8 = "".join(rng.choice(USCC_ALPHABET) for _ in range(8))
        body = rng.choice(["91", "92", "93", "12", "52"]) + rng.choice(codes) + org8 + org_check_char(org8)
        out.append(body + uscc_check_char(body))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--batch", type=int, default=1000)
    ap.add_argument("--lookups", type=int, default=5000)
    ap.add_argument("--home", type=Path)
    args = ap.parse_args()

    tmp = tempfile.TemporaryDirectory(prefix="clerkdesk-bench-")
    home = args.home or Path(tmp.name) / "home"
    os.environ.setdefault("CLERKDESK_CONFIG", str(Path(tmp.name) / "config"))
    os.environ["CLERKDESK_KEYRING"] = "0"
    os.environ.setdefault("CLERKDESK_CLERK", "bench")

    from clerkdesk.records.model import make_person
    from clerkdesk.records.standards import check_id_number, check_uscc
    from clerkdesk.store import Store

    rng = random.Random(2026)
    print(f"machine: {os.cpu_count()} CPUs ({cpu_model()}), Python {platform.python_version()}, "
          f"SQLite {__import__('sqlite3').sqlite_version}, {platform.system()} {platform.release()}")
    t = time.perf_counter()
    people = synthetic_people(args.n, rng)
    print(f"generated {len(people):,} synthetic people in {time.perf_counter() - t:.1f} s")

    # --- validation throughput ---------------------------------------------------------------------
    today = date.today()
    sample = people[: min(len(people), 50_000)]
    t = time.perf_counter()
    for p in sample:
        info, problems = check_id_number(p["id_number"], today=today)
        assert info is not None, problems
    id_rate = len(sample) / (time.perf_counter() - t)
    usccs = synthetic_usccs(len(sample), rng)
    t = time.perf_counter()
    for u in usccs:
        cc, problems = check_uscc(u)
        assert cc is not None, problems
    uscc_rate = len(usccs) / (time.perf_counter() - t)
    t = time.perf_counter()
    persons = [make_person(p, today=today)[0] for p in people]
    person_rate = len(people) / (time.perf_counter() - t)

    # --- insert ----------------------------------------------------------------------------------------
    store = Store.open(home)
    t = time.perf_counter()
    for i in range(0, len(persons), args.batch):
        chunk = persons[i:i + args.batch]
        store.profiles.save_many("person", [(p.id_number, p.to_dict()) for p in chunk])
    insert_s = time.perf_counter() - t
    insert_rate = len(persons) / insert_s
    assert store.profiles.count("person") == len(persons)

    # single saves (each its own transaction and audit row), for comparison
    extra = synthetic_people(200, random.Random(7))
    t = time.perf_counter()
    single = 0
    for p in extra:
        per = make_person(p, today=today)[0]
        if store.profiles.get("person", per.id_number, audit=False) is None:
            store.profiles.save("person", per.id_number, per.to_dict())
            single += 1
    single_rate = single / (time.perf_counter() - t)

    # --- lookups -----------------------------------------------------------------------------------------
    keys = [rng.choice(persons).id_number for _ in range(args.lookups)]
    lat: list[float] = []
    for k in keys:
        t0 = time.perf_counter_ns()
        prof = store.profiles.get("person", k, audit=False)
        lat.append((time.perf_counter_ns() - t0) / 1000)
        assert prof is not None
    lat_audit: list[float] = []
    for k in keys[: min(1000, len(keys))]:
        t0 = time.perf_counter_ns()
        store.profiles.get("person", k)
        lat_audit.append((time.perf_counter_ns() - t0) / 1000)
    miss: list[float] = []
    for p in extra[:500]:
        t0 = time.perf_counter_ns()
        store.profiles.get("person", p["id_number"][:-1] + "0", audit=False)
        miss.append((time.perf_counter_ns() - t0) / 1000)
    t = time.perf_counter()
    rep = store.audit.verify()
    verify_s = time.perf_counter() - t
    store.close()
    size = sum(f.stat().st_size for f in home.glob("clerkdesk.db*"))

    p50, p99 = percentile(lat, 50), percentile(lat, 99)
    a50, a99 = percentile(lat_audit, 50), percentile(lat_audit, 99)
    print()
    print(f"insert   {len(persons):>9,} profiles in {insert_s:6.1f} s = {insert_rate:9,.0f} profiles/s "
          f"(batches of {args.batch}, one audit row per batch)")
    print(f"         single saves (own transaction + audit row): {single_rate:9,.0f} profiles/s "
          f"→ batching is {insert_rate / single_rate:.0f}× faster")
    print(f"lookup   by ID number, {len(lat):,} random hits: p50 {p50:7.0f} µs  p99 {p99:7.0f} µs  "
          f"(mean {statistics.mean(lat):.0f} µs; p99/p50 {p99 / p50:.1f})")
    print(f"         misses: p50 {percentile(miss, 50):7.0f} µs;  with the audit row of a clerk's view: "
          f"p50 {a50:7.0f} µs  p99 {a99:7.0f} µs ({a50 / p50:.1f}× a plain lookup)")
    print(f"validate ID numbers {id_rate:10,.0f} /s   credit codes {uscc_rate:10,.0f} /s   "
          f"person records {person_rate:9,.0f} /s")
    print(f"         a whole record costs {id_rate / person_rate:.1f} ID checks; validation is "
          f"{person_rate / insert_rate:.1f}× the batched insert rate")
    print(f"audit    verify {rep.rows:,} rows in {verify_s * 1000:.0f} ms, ok={rep.ok}")
    print(f"file     {size / 1e6:.1f} MB for {len(persons) + single:,} profiles "
          f"({size / (len(persons) + single):.0f} bytes each incl. version row and indexes)")
    if not rep.ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
