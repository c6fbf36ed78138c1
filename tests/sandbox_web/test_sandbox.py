"""The sandbox as a whole: loopback binding, unique receipts, restarts, the CLI entry point."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sandbox_helpers import EMPLOYMENT_OK, ENTERPRISE_CHANGE_OK, AmrClient, HrssClient

from clerkdesk.sandbox.web import FaultError, WebSandbox, start_web_sandbox
from clerkdesk.sandbox.web import parse_fault as parse


def test_binds_loopback_only(sandbox: WebSandbox) -> None:
    for url in (sandbox.hrss_url, sandbox.amr_url):
        parts = urllib.parse.urlsplit(url)
        assert parts.hostname == "127.0.0.1"
        assert parts.port
        with socket.create_connection(("127.0.0.1", parts.port), timeout=2):
            pass
        # 127.0.0.2 reaches this host too; a server bound to 0.0.0.0 would answer there.
        with pytest.raises(OSError), socket.create_connection(("127.0.0.2", parts.port), timeout=2):
            pass
    assert sandbox.hrss_url != sandbox.amr_url  # two origins


def test_receipts_are_unique_under_concurrency(sandbox: WebSandbox) -> None:
    def one_hrss(_: int) -> str:
        c = HrssClient(sandbox)
        c.login()
        r = c.submit("/employment/new", EMPLOYMENT_OK)
        assert r.status == 303
        return r.location.split("=")[1]

    def one_amr(_: int) -> str:
        c = AmrClient(sandbox)
        c.login()
        r = c.post("/qybg/save.do", ENTERPRISE_CHANGE_OK)
        assert "提交成功" in r.text
        return ""

    with ThreadPoolExecutor(8) as pool:
        hrss_receipts = list(pool.map(one_hrss, range(12)))
        list(pool.map(one_amr, range(12)))
    assert len(set(hrss_receipts)) == 12
    for system, pattern in (("hrss", r"RS\d{8}\d{6}"), ("amr", r"SC110000\d{4}\d{6}")):
        receipts = [e["receipt"] for e in sandbox.submissions(system)]
        assert len(receipts) == len(set(receipts))
        assert all(re.fullmatch(pattern, r) for r in receipts)


def test_receipt_numbers_continue_after_a_restart(tmp_path: Path) -> None:
    receipts = []
    for _ in range(2):
        sb = start_web_sandbox(tmp_path)
        try:
            c = AmrClient(sb)
            c.login()
            assert "提交成功" in c.post("/qybg/save.do", ENTERPRISE_CHANGE_OK).text
            receipts = [e["receipt"] for e in sb.submissions("amr")]
        finally:
            sb.stop()
    assert len(receipts) == 2 and receipts[0][-6:] == "000001" and receipts[1][-6:] == "000002"


def test_fixed_ports_and_a_busy_port(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        free = s.getsockname()[1]
    sb = start_web_sandbox(tmp_path, hrss_port=free)
    try:
        assert sb.hrss_url == f"http://127.0.0.1:{free}"
        with pytest.raises(OSError):
            start_web_sandbox(tmp_path, amr_port=free)
    finally:
        sb.stop()


def test_parse_fault_specs() -> None:
    assert parse("hrss:slow:ms=800") == ("hrss", "slow", {"ms": 800})
    assert parse("amr:layout:seed=3") == ("amr", "layout", {"seed": 3})
    assert parse("amr:expire") == ("amr", "expire", {})
    with pytest.raises(FaultError):
        parse("tax:slow")


def _inherit_deaf_signals() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})


def test_serve_forever_prints_urls_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    ports = []
    for _ in range(2):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            ports.append(s.getsockname()[1])
    code = (
        "import sys; from pathlib import Path; from clerkdesk.sandbox.web import serve_forever; "
        f"serve_forever(Path(sys.argv[1]), {ports[0]}, {ports[1]}, faults=['hrss:slow:ms=10'])"
    )
    env = os.environ | {"PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        # started like `clerkdesk sandbox &` from a script (SIGINT ignored) by a thread that masks signals
        # (SIGINT blocked): Ctrl+C must still stop it
        preexec_fn=_inherit_deaf_signals,
    )
    try:
        assert proc.stdout is not None
        lines = [proc.stdout.readline() for _ in range(3)]
        assert f"http://127.0.0.1:{ports[0]}/" in lines[0] and f"http://127.0.0.1:{ports[1]}/" in lines[1]
        with socket.create_connection(("127.0.0.1", ports[0]), timeout=5):
            pass
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_two_sandboxes_sharing_a_log_dir_never_reuse_a_receipt(tmp_path: Path) -> None:
    first, second = start_web_sandbox(tmp_path), start_web_sandbox(tmp_path)
    try:
        clients = []
        for sb in (first, second):
            c = AmrClient(sb)
            c.login()
            clients.append(c)
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(lambda i: clients[i % 2].post("/qybg/save.do", ENTERPRISE_CHANGE_OK), range(10)))
        receipts = [e["receipt"] for e in first.submissions("amr")]
        assert len(receipts) == 10 and len(set(receipts)) == 10
    finally:
        first.stop()
        second.stop()
