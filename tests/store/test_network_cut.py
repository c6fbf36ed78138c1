"""A network cut, for real, between a window and the shared store (a pulled cable: packets dropped, no reset).

Before: the window's next statement waited for the OS's TCP give-up (about 15 minutes) — its poll too, so 离线
never came — and a window cut off inside a transaction held the hall's write lock until the server's own
keepalive noticed (2 hours): every other window's save queued behind it. Now the window is told within
``TCP_TIMEOUT_MS`` and the server ends the dead window's transaction after ``IDLE_IN_TRANSACTION_MS``
(rolled back: nothing half-written), so the rest of the hall carries on.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
from storedata import PEOPLE

from clerkdesk.store import open_store
from clerkdesk.store.pg import IDLE_IN_TRANSACTION_MS, TCP_TIMEOUT_MS, StoreUnreachable
from tests.support import netcut

pytestmark = pytest.mark.own_backend


class Timed:
    """FN on a daemon thread (one left hanging on a dead socket must not hold the test run at exit), timed."""

    def __init__(self, fn: Any):
        self.fn, self.took, self.out = fn, float("nan"), None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        t0 = time.monotonic()
        try:
            self.out = self.fn()
        except Exception as e:  # the outcome is what the test looks at
            self.out = e
        self.took = time.monotonic() - t0

    def result(self, timeout: float) -> tuple[float, Any]:
        self.thread.join(timeout)
        assert not self.thread.is_alive(), f"still waiting after {timeout:.0f} s"
        return self.took, self.out


def test_a_cut_window_is_told_in_seconds_and_frees_the_halls_write_lock(tmp_path: Path, pg_server: Any,
                                                                        pg_url: str) -> None:
    why = netcut.available()
    if why:
        pytest.skip(why)
    direct = pg_url
    with netcut.NetCut(upstream=(pg_server.host, pg_server.port)) as link:
        via_link = direct.replace(f"{pg_server.host}:{pg_server.port}", f"{link.host}:{link.port}")
        a = open_store(tmp_path / "window-a", via_link, clerk="clerk-a")  # the window whose cable is pulled
        b = open_store(tmp_path / "window-b", direct, clerk="clerk-b")  # another window of the hall
        p, q, r = PEOPLE[0], PEOPLE[1], PEOPLE[2]
        a.profiles.save("person", p["id_number"], {"name": p["name"]})

        inside, release = threading.Event(), threading.Event()

        def a_inside_a_transaction() -> None:  # window a is saving (holds the hall's write lock) when the cut comes
            with a.tx(durable=True):
                a.profiles.save("person", r["id_number"], {"name": r["name"]})
                inside.set()
                release.wait(60)

        a_tx = Timed(a_inside_a_transaction)
        assert inside.wait(30)
        link.cut()
        release.set()  # its COMMIT goes into the void
        b_save = Timed(lambda: b.profiles.save("person", q["id_number"], {"name": q["name"]}))
        a_poll = Timed(lambda: a.db.execute("select 1").fetchone())  # the window's 5-s poll

        limit = TCP_TIMEOUT_MS / 1000 + 10  # the OS checks the limit at its next retransmission
        took, out = a_poll.result(timeout=limit + 30)
        assert isinstance(out, StoreUnreachable), f"the cut window's poll answered {out!r}"
        assert took < limit, f"the cut window was told after {took:.1f} s"
        assert "共享数据库连接不上" in str(out)

        took, out = a_tx.result(timeout=limit + 30)
        assert isinstance(out, StoreUnreachable), f"the cut window's save ended with {out!r}, not a failure"

        took, out = b_save.result(timeout=IDLE_IN_TRANSACTION_MS / 1000 + 40)
        assert not isinstance(out, Exception), f"the other window's save failed: {out!r}"
        assert took < IDLE_IN_TRANSACTION_MS / 1000 + 10, f"the other window waited {took:.1f} s for the lock"
        assert b.profiles.get("person", r["id_number"], audit=False) is None  # a's cut save: rolled back whole
        assert b.profiles.get("person", q["id_number"], audit=False) is not None

        link.restore()  # the cable back: window a carries on by itself
        deadline = time.monotonic() + 30
        while True:
            try:
                got = a.profiles.get("person", p["id_number"], audit=False)
                break
            except StoreUnreachable:
                assert time.monotonic() < deadline, "window a did not come back after the link did"
                time.sleep(0.5)
        assert got is not None and got.record["name"] == p["name"]
        assert b.audit.verify().ok
        a.close()
        b.close()
