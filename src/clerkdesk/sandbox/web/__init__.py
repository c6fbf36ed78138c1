"""Sandbox web ministry systems: realistic stand-ins for the demo, training and tests.

Two systems, each on its own loopback port (its own origin):

- ``hrss``: 人社 人力资源和社会保障业务经办系统 (UTF-8, captcha login, tabs, cascading selects)
- ``amr``: 市场监管 企业登记业务系统 (GBK, frameset, table layout, confirm + popup receipt)

Every accepted submission is one JSON line in ``log_dir/<system>.jsonl``; see docs/sandbox-web.md.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ._http import LOOPBACK, SandboxApp, _Server, start_server
from .amr import AmrApp
from .faults import FAULTS, FaultError
from .hrss import HrssApp
from .ledger import Ledger, amr_receipt, hrss_receipt

__all__ = ["FAULTS", "SYSTEMS", "FaultError", "WebSandbox", "serve_forever", "start_web_sandbox"]

SYSTEMS = ("hrss", "amr")


class WebSandbox:
    """The running sandbox systems. Servers run in daemon threads until stop()."""

    def __init__(
        self, apps: dict[str, SandboxApp], servers: dict[str, _Server], threads: list[threading.Thread]
    ):
        self._apps = apps
        self._servers = servers
        self._threads = threads
        self.hrss_url = self.url("hrss")
        self.amr_url = self.url("amr")

    def url(self, system: str) -> str:
        port = self._servers[self._check(system)].server_port
        return f"http://{LOOPBACK}:{port}"

    def _check(self, system: str) -> str:
        if system not in self._apps:
            raise ValueError(f"unknown sandbox system {system!r}; known: {', '.join(SYSTEMS)}")
        return system

    def app(self, system: str) -> SandboxApp:
        return self._apps[self._check(system)]

    def set_fault(self, system: str, fault: str, **params: Any) -> None:
        """Inject FAULT (one of FAULTS) into SYSTEM, e.g. set_fault("hrss", "slow", ms=800)."""
        self.app(system).set_fault(fault, **params)

    def clear_faults(self, system: str | None = None) -> None:
        for name in [system] if system else list(self._apps):
            self.app(name).faults.clear()

    def submissions(self, system: str) -> list[dict[str, Any]]:
        """The accepted submissions of SYSTEM, oldest first (the parsed lines of its .jsonl log)."""
        return self.app(system).ledger.entries()

    def captcha_answer(self, system: str, session_cookie: str) -> str | None:
        """The captcha now shown to the session with this cookie value (debug mode only)."""
        app = self.app(system)
        if not app.debug:
            return None
        s = app.session_by_id(session_cookie)
        return s.captcha if s and s.captcha else None

    def server_threads(self) -> list[int]:
        """The OS thread ids of the servers' accept loops (a request's thread is started by one of them, and on
        Linux inherits its niceness: what a load test sets to stand the systems "on other machines")."""
        return [t.native_id for t in self._threads if t.native_id is not None]

    def stop(self) -> None:
        for server in self._servers.values():
            server.shutdown()
            server.server_close()
        for t in self._threads:
            t.join(timeout=5)

    def __enter__(self) -> WebSandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_web_sandbox(
    log_dir: Path,
    *,
    hrss_port: int = 0,
    amr_port: int = 0,
    debug: bool = False,
    idle_timeout: float = 600.0,
) -> WebSandbox:
    """Start both systems on 127.0.0.1 (port 0 = pick a free port) and return at once."""
    log_dir = Path(log_dir)
    apps: dict[str, SandboxApp] = {
        "hrss": HrssApp(Ledger(log_dir, "hrss", hrss_receipt), debug=debug, idle_timeout=idle_timeout),
        "amr": AmrApp(Ledger(log_dir, "amr", amr_receipt), debug=debug, idle_timeout=idle_timeout),
    }
    servers: dict[str, _Server] = {}
    threads: list[threading.Thread] = []
    try:
        for name, port in (("hrss", hrss_port), ("amr", amr_port)):
            servers[name], thread = start_server(apps[name], port)
            threads.append(thread)
    except OSError:
        for server in servers.values():
            server.shutdown()
            server.server_close()
        raise
    return WebSandbox(apps, servers, threads)


def parse_fault(spec: str) -> tuple[str, str, dict[str, Any]]:
    """ "hrss:slow:ms=800" → ("hrss", "slow", {"ms": 800}); "amr:expire" → ("amr", "expire", {})."""
    system, _, rest = spec.partition(":")
    fault, *pairs = rest.split(":")
    if system not in SYSTEMS or not fault:
        raise FaultError(
            f"bad fault spec {spec!r}; expected SYSTEM:FAULT[:key=value…], e.g. hrss:slow:ms=800"
        )
    params: dict[str, Any] = {}
    for pair in pairs:
        key, _, value = pair.partition("=")
        try:
            params[key] = json.loads(value)
        except json.JSONDecodeError:
            params[key] = value
    return system, fault, params


def serve_forever(
    log_dir: Path,
    hrss_port: int = 8601,
    amr_port: int = 8602,
    faults: Iterable[str] = (),
    debug: bool = False,
) -> None:
    """Run both systems until Ctrl+C (for `clerkdesk sandbox`). FAULTS: specs like "hrss:slow:ms=800"."""
    parsed = [parse_fault(spec) for spec in faults]
    if threading.current_thread() is threading.main_thread():
        import signal

        # A process can inherit SIGINT *ignored* (started in the background by a shell script, `cmd &`) or
        # *blocked* (spawned from a thread that masks signals), and then Ctrl+C does nothing: make Ctrl+C
        # (and a plain `kill`) stop us in any case.
        def _stop(signum: int, frame: Any) -> None:
            raise KeyboardInterrupt

        signal.signal(signal.SIGINT, _stop)
        signal.signal(signal.SIGTERM, _stop)
        if hasattr(signal, "pthread_sigmask"):
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})
    sandbox = start_web_sandbox(Path(log_dir), hrss_port=hrss_port, amr_port=amr_port, debug=debug)
    try:
        for name in SYSTEMS:
            sandbox.app(name).verbose = True
        for system, fault, params in parsed:
            sandbox.set_fault(system, fault, **params)
        print(f"人社 HRSS  {sandbox.hrss_url}/", flush=True)
        print(f"市场监管 AMR {sandbox.amr_url}/", flush=True)
        print(f"submissions → {Path(log_dir).resolve()}/{{hrss,amr}}.jsonl   (Ctrl+C stops)", flush=True)
        # Wait in slices: a process-directed SIGINT may be delivered to a server thread, and an untimed wait
        # in the main thread would then never return to let Python run the handler.
        forever = threading.Event()
        while not forever.wait(0.2):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        sandbox.stop()
