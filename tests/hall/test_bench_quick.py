"""bench/hall.py --quick: the load test's whole path (stations, queue, a worker, the checks) in under a minute."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
BENCH = Path(__file__).resolve().parents[2] / "bench" / "hall.py"


def test_the_hall_load_test_runs_quick_and_counts_nothing_lost_or_twice() -> None:
    from clerkdesk.drivers.web.browser import find_browser
    from clerkdesk.testing.postgres import pg_bindir

    if find_browser() is None or pg_bindir() is None:
        pytest.skip("needs Chromium and PostgreSQL (scripts/setup.sh installs both)")
    env = {k: v for k, v in os.environ.items() if k not in ("CLERKDESK_DATABASE_URL", "CLERKDESK_QUEUE_URL")}
    t = time.monotonic()
    p = subprocess.run([sys.executable, str(BENCH), "--quick"], capture_output=True, text=True, env=env,
                       timeout=120)
    took = time.monotonic() - t
    assert p.returncode == 0, p.stdout + p.stderr
    assert "machine: " in p.stdout and "load average" in p.stdout
    (row,) = [ln.split() for ln in p.stdout.splitlines() if ln.split()[:2] == ["2", "1"]]
    # N M nice ops/s lookup-p50 p99 capture-p50 start-p50 p99 fills/min queued ok back lost dup audit errors
    assert row[2] == "10" and row[10:12] + row[13:] == ["2", "2", "0", "0", "ok", "0"], p.stdout  # filed once
    assert took < 60, f"--quick took {took:.0f} s (the brief: under a minute)"
