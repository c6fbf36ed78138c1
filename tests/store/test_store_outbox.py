"""An unreachable shared store: said at once, captures kept in the local encrypted outbox, synced when the store
is back, and a person edited at two windows kept as a conflict for the clerk (never overwritten silently)."""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from storedata import PEOPLE, encodings

from clerkdesk.errors import ConfigError
from clerkdesk.store import open_store
from clerkdesk.store.outbox import Outbox, open_for_capture
from clerkdesk.store.pg import StoreUnreachable
from clerkdesk.testing.postgres import pg_bindir

pytestmark = pytest.mark.own_backend
P = PEOPLE[0]


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """A PostgreSQL this test can stop and start again on the same port (the hall's server restarting)."""

    def __init__(self) -> None:
        bindir = pg_bindir()
        if bindir is None:
            pytest.skip("PostgreSQL is not installed (Debian package 'postgresql')")
        self.bin = bindir
        self.root = Path(tempfile.mkdtemp(prefix="clerkdesk-pg-outage-"))
        self.port = _closed_port()
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            pw = pwd.getpwnam("postgres")
            os.chown(self.root, pw.pw_uid, pw.pw_gid)
            self.as_user = ["runuser", "-u", "postgres", "--"]
        subprocess.run([*self.as_user, str(self.bin / "initdb"), "-D", str(self.root / "data"), "-U", "postgres",
                        "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync"], check=True, capture_output=True)
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def ctl(self, *args: str) -> None:
        subprocess.run([*self.as_user, str(self.bin / "pg_ctl"), "-D", str(self.root / "data"), "-w", *args],
                       check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        self.ctl("-l", str(self.root / "log"), "-o", f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
                 "-c fsync=off", "start")

    def stop(self) -> None:
        self.ctl("-m", "fast", "stop")


@pytest.fixture
def server() -> Iterator[Server]:
    s = Server()
    s.start()
    try:
        yield s
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):
            s.stop()
        shutil.rmtree(s.root, ignore_errors=True)


def test_outage_capture_offline_then_sync(tmp_path: Path, server: Server) -> None:
    home = tmp_path / "window-3"
    store, box, why = open_for_capture(home, url=server.url, clerk="clerk-a")
    assert store is not None and box is not None and why is None
    saved = store.profiles.save("person", P["id_number"], {"name": P["name"], "phone": P["phone"]})
    server.stop()
    t0 = time.monotonic()
    with pytest.raises(StoreUnreachable, match="共享数据库连接不上"):  # the open store says so at its next call
        store.profiles.get("person", P["id_number"])
    assert time.monotonic() - t0 < 10
    store.close()
    box.close()

    # the app starts again during the outage: told at once, captures go to the outbox
    t0 = time.monotonic()
    store2, box2, why = open_for_capture(home, url=server.url, clerk="clerk-a")
    assert store2 is None and box2 is not None and "共享数据库连接不上" in str(why)
    assert time.monotonic() - t0 < 10
    box2.save_profile("person", P["id_number"], {"hukou_address": P["hukou_address"]}, base_version=saved.version)
    new = PEOPLE[1]
    box2.save_profile("person", new["id_number"].lower(), {"name": new["name"], "phone": new["phone"]})
    assert box2.find("person", new["id_number"]) == {"name": new["name"], "phone": new["phone"]}
    raw = (home / "outbox.db").read_bytes() + ((home / "outbox.db-wal").read_bytes()
                                                if (home / "outbox.db-wal").exists() else b"")
    for secret in (P["hukou_address"], new["name"], new["id_number"], new["phone"]):
        assert not any(enc in raw for enc in encodings(secret)), f"{secret!r} in clear in the outbox"
    box2.close()

    server.start()  # back: the next start syncs, in order
    store3, box3, why = open_for_capture(home, url=server.url, clerk="clerk-a")
    assert store3 is not None and box3 is not None and why is None
    assert box3.pending() == [] and box3.conflicts() == []
    prof = store3.profiles.get("person", P["id_number"])
    assert prof is not None and prof.version == 2 and prof.record["hukou_address"] == P["hukou_address"]
    assert store3.profiles.get("person", new["id_number"]).record["name"] == new["name"]  # type: ignore[union-attr]
    assert [r["action"] for r in store3.audit.rows()][-5:] == ["changed", "created", "outbox_synced", "viewed", "viewed"]
    assert store3.audit.verify().ok
    store3.close()
    box3.close()


def test_an_open_store_reconnects_after_a_restart(tmp_path: Path, server: Server) -> None:
    s = open_store(tmp_path / "w", server.url)
    s.profiles.save("person", P["id_number"], {"name": P["name"]})
    server.stop()
    server.start()
    with contextlib.suppress(StoreUnreachable):  # the first call may meet the dropped connection
        s.profiles.count()
    assert s.profiles.get("person", P["id_number"]) is not None  # then it carries on by itself
    s.close()


def test_edits_at_two_windows_are_kept_as_a_conflict(tmp_path: Path, pg_url: str) -> None:
    a = open_store(tmp_path / "a", pg_url, clerk="clerk-a")
    b = open_store(tmp_path / "b", pg_url, clerk="clerk-b")
    base = a.profiles.save("person", P["id_number"], {"name": P["name"], "phone": "13900000000",
                                                     "hukou_address": "旧地址", "education": "本科"})
    # window a was offline: it changed phone and address from version 1
    box = Outbox.open(tmp_path / "a", "clerk-a")
    box.save_profile("person", P["id_number"], {"name": P["name"], "phone": "13911111111",
                                               "hukou_address": "新地址甲", "education": "本科"},
                     base_version=base.version)
    # meanwhile window b changed the address to something else, and the education
    b.profiles.save("person", P["id_number"], {"hukou_address": "新地址乙", "education": "硕士"})
    rep = box.sync(a)
    assert rep.applied == [] and len(rep.conflicts) == 1
    prof = a.profiles.get("person", P["id_number"], audit=False)
    assert prof is not None and prof.version == 2  # nothing of the clashing entry was written
    assert (prof.record["hukou_address"], prof.record["education"], prof.record["phone"]) == \
        ("新地址乙", "硕士", "13900000000")
    (c,) = box.conflicts()
    assert c.clash == {"hukou_address": {"here": "新地址甲", "there": "新地址乙", "base": "旧地址"}}
    assert box.sync(a).conflicts == []  # kept for the clerk, not retried behind their back
    box.resolve(c.id, {"hukou_address": "新地址甲", "phone": "13911111111"}, a)  # the clerk chose
    prof = a.profiles.get("person", P["id_number"], audit=False)
    assert prof is not None and (prof.record["hukou_address"], prof.record["education"],
                                 prof.record["phone"]) == ("新地址甲", "硕士", "13911111111")
    assert box.conflicts() == [] and a.audit.verify().ok
    with pytest.raises(ConfigError, match="no conflict"):
        box.resolve(c.id, {}, a)
    box.close()
    a.close()
    b.close()


def test_changes_to_different_fields_merge_without_losing_either(tmp_path: Path, pg_url: str) -> None:
    a = open_store(tmp_path / "a", pg_url, clerk="clerk-a")
    base = a.profiles.save("person", P["id_number"], {"name": P["name"], "phone": "1", "education": "本科"})
    box = Outbox.open(tmp_path / "a", "clerk-a")
    box.save_profile("person", P["id_number"], {"name": P["name"], "phone": "2", "education": "本科"},
                     base_version=base.version)
    a.profiles.save("person", P["id_number"], {"education": "硕士"})  # another window, another field
    rep = box.sync(a)
    assert len(rep.applied) == 1 and rep.conflicts == [] and rep.kept_theirs[rep.applied[0]] == ["education"]
    prof = a.profiles.get("person", P["id_number"], audit=False)
    assert prof is not None and (prof.record["phone"], prof.record["education"]) == ("2", "硕士")
    box.close()
    a.close()


def test_an_outbox_needs_the_store_once_and_the_right_key(tmp_path: Path, pg_url: str) -> None:
    with pytest.raises(ConfigError, match="never reached the hall's shared store"):
        Outbox.open(tmp_path / "fresh")
    open_store(tmp_path / "w", pg_url).close()
    Outbox.open(tmp_path / "w").close()
    for k in (Path(os.environ["CLERKDESK_CONFIG"]) / "keys").glob("*.key"):
        k.write_text("A" * 43 + "=\n")
    from clerkdesk.errors import StoreKeyError

    with pytest.raises(StoreKeyError, match="not the hall key"):
        Outbox.open(tmp_path / "w")


def test_a_dropped_connection_is_said_not_a_traceback(tmp_path: Path, pg_url: str) -> None:
    s = open_store(tmp_path / "w", pg_url)
    with psycopg.connect(pg_url, autocommit=True) as dba:
        dba.execute("select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'clerkdesk'")
    with contextlib.suppress(StoreUnreachable):
        s.profiles.count()
    assert s.profiles.count() == 0
    s.close()


def test_two_syncs_of_one_outbox_at_once_save_each_capture_once(tmp_path: Path, pg_url: str) -> None:
    """The window's start and its poll each sync the outbox, through their own connections: at once, every
    capture is still saved once (it was saved twice, a second version, when both read it pending)."""
    import threading

    home = tmp_path / "a"
    stores = [open_store(home, pg_url, clerk="clerk-a") for _ in range(2)]
    people = PEOPLE[:6]
    bases = {p["id_number"]: stores[0].profiles.save("person", p["id_number"], {"name": p["name"], "phone": "1"})
             for p in people}
    boxes = [Outbox.open(home, "clerk-a") for _ in range(2)]
    for p in people:
        boxes[0].save_profile("person", p["id_number"], {"name": p["name"], "phone": "2"},
                              base_version=bases[p["id_number"]].version)
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def sync(i: int) -> None:
        start.wait()
        try:
            boxes[i].sync(stores[i])
        except BaseException as e:  # pragma: no cover - shown below
            errors.append(e)

    threads = [threading.Thread(target=sync, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    for p in people:
        prof = stores[0].profiles.get("person", p["id_number"], audit=False)
        assert prof is not None and prof.record["phone"] == "2"
        assert prof.version == bases[p["id_number"]].version + 1, "a capture was saved twice"
    assert boxes[0].pending() == [] and boxes[0].conflicts() == []
    for x in (*boxes, *stores):
        x.close()
