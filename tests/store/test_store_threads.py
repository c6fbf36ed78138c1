"""One store, many threads: the app reads on the UI thread while workers write and roll back.

Found by CI: ``audit.rows()`` on the UI thread died with "abort due to ROLLBACK" while a worker thread's
write on the same connection was rolled back. Each thread now has its own connection to the store.
"""

from __future__ import annotations

import threading
from typing import Any

from clerkdesk.store.db import Store


class Boom(Exception):
    pass


def test_reads_on_one_thread_survive_rollbacks_and_see_only_commits_of_another(store: Store) -> None:
    store.audit.append("seed", "test", {})
    stop = threading.Event()
    seen: list[Any] = []
    problems: list[BaseException] = []

    def writer() -> None:
        try:
            for i in range(300):
                try:
                    with store.tx():
                        store.audit.append("never_committed", "test", {"i": i})
                        raise Boom
                except Boom:
                    pass
        except BaseException as e:  # pragma: no cover - the failure being tested for
            problems.append(e)
        finally:
            stop.set()

    def reader() -> None:
        try:
            while not stop.is_set():
                seen.extend(r["action"] for r in store.audit.rows())
        except BaseException as e:
            problems.append(e)

    threads = [threading.Thread(target=writer), threading.Thread(target=reader)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not problems, problems
    assert "seed" in seen
    assert "never_committed" not in seen  # another thread's open transaction is never read
    assert [r["action"] for r in store.audit.rows()].count("never_committed") == 0
    report = store.audit.verify()
    assert report.ok, report.problems


def test_a_thread_that_writes_is_seen_by_the_opening_thread_at_once(store: Store) -> None:
    def write() -> None:
        store.audit.append("from_a_worker", "test", {})

    t = threading.Thread(target=write)
    t.start()
    t.join(30)
    assert "from_a_worker" in [r["action"] for r in store.audit.rows()]
    report = store.audit.verify()  # the chain and the anchor moved on from the worker's commit
    assert report.ok, report.problems
