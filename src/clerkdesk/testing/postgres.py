"""A private PostgreSQL server in a temporary folder, for tests and benchmarks (no system service needed).

Debian's ``postgresql`` package provides the binaries (``/usr/lib/postgresql/<major>/bin``); this starts
``initdb`` + ``pg_ctl`` in a fresh data directory on a free loopback port with ``trust`` authentication, and
stops and deletes it afterwards. PostgreSQL refuses to run as root, so as root the server runs as the
``postgres`` system user (created by the Debian package).
"""

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
from dataclasses import dataclass
from pathlib import Path


def pg_bindir() -> Path | None:
    """The newest installed PostgreSQL server's bin folder, or None."""
    env = os.environ.get("CLERKDESK_PG_BINDIR")
    if env:
        return Path(env) if (Path(env) / "initdb").exists() else None
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"),
                   key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0)
    return found[-1].parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class PgServer:
    host: str
    port: int
    user: str = "postgres"
    ctl: tuple[str, ...] = ()  # pg_ctl with its data folder, log and options (run as the server's user)

    def stop(self, mode: str = "fast") -> None:
        """Stop the server (MODE ``fast``: sessions are told and closed, as a service restart does;
        ``immediate``: as a crash). Every client connection is dropped."""
        subprocess.run([*self.ctl, "-m", mode, "-w", "stop"], check=True, capture_output=True)

    def start(self) -> None:
        """Start it again on the same port and data folder (after ``stop``)."""
        subprocess.run([*self.ctl, "-w", "-t", "60", "start"], check=True, capture_output=True)

    def restart(self, down_s: float = 0.0, mode: str = "fast") -> None:
        """Stop, stay down DOWN_S seconds, start: what a hall's server does when IT patches it."""
        self.stop(mode)
        time.sleep(down_s)
        self.start()

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://{self.user}@{self.host}:{self.port}/{dbname}"

    def create_database(self, name: str) -> str:
        """A fresh, empty database; returns its URL."""
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


@contextlib.contextmanager
def pg_server(*, crash_safe: bool = False) -> Iterator[PgServer]:
    """Run a throwaway PostgreSQL for the block.

    It trades durability for speed (fsync, synchronous_commit and full-page writes off): a crash of the server
    (``stop("immediate")``) then loses the last commits, which ClerkDesk's audit anchor reports as lost rows —
    rightly. CRASH_SAFE keeps synchronous_commit on (a commit is in the OS's hands before it is confirmed), for
    tests that crash the server and expect every confirmed commit back, as on a real hall server."""
    bindir = pg_bindir()
    if bindir is None:
        raise RuntimeError("PostgreSQL is not installed (Debian package 'postgresql')")
    root = Path(tempfile.mkdtemp(prefix="clerkdesk-pg-"))
    data, sock = root / "data", root / "sock"
    sock.mkdir()
    as_user: list[str] = []
    if os.geteuid() == 0:  # initdb refuses root: run the server as the Debian package's `postgres` user
        pw = pwd.getpwnam("postgres")
        for p in (root, sock):
            os.chown(p, pw.pw_uid, pw.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    port = _free_port()
    log = root / "server.log"
    subprocess.run([*as_user, str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust",
                    "-E", "UTF8", "--no-locale", "--no-sync"], check=True, capture_output=True)
    opts = (f"-p {port} -k {sock} -c listen_addresses=127.0.0.1 -c fsync=off "
            f"-c synchronous_commit={'on' if crash_safe else 'off'} -c full_page_writes=off -c max_connections=200")
    started = subprocess.run([*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", opts,
                              "-w", "-t", "60", "start"], capture_output=True, text=True)
    if started.returncode != 0:
        text = log.read_text(errors="replace") if log.exists() else started.stderr
        shutil.rmtree(root, ignore_errors=True)
        raise RuntimeError(f"PostgreSQL did not start: {text[-2000:]}")
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield PgServer("127.0.0.1", port, ctl=(*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log),
                                                "-o", opts))
    finally:
        subprocess.run([*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                       capture_output=True)
        shutil.rmtree(root, ignore_errors=True)
