"""A hall behind an upstream HTTP proxy (政务外网): the browser reaches the system's own origin only through a
CONNECT tunnel on that proxy; a foreign host reaches neither the proxy nor the host; a proxy that refuses is a
failed connection, never a direct one."""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from clerkdesk.drivers.web.egress import EgressProxy, _pipe
from clerkdesk.errors import Mark
from clerkdesk.recipe.driver import Condition, DriverContext
from clerkdesk.recipe.systems import System
from tests.support.local_site import QuietHandler, serve


class ConnectProxy:
    """A real HTTP CONNECT proxy on loopback, as a hall's Squid would be: logs each CONNECT target."""

    def __init__(self, answer: bytes = b"HTTP/1.1 200 Connection established\r\n\r\n"):
        self.targets: list[str] = []
        self.answer = answer
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(c,), daemon=True).start()

    def _serve(self, c: socket.socket) -> None:
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = c.recv(4096)
            if not chunk:
                return c.close()
            head += chunk
        method, target = head.split(b"\r\n")[0].split()[:2]
        self.targets.append(target.decode())
        if method != b"CONNECT" or not self.answer.startswith(b"HTTP/1.1 200"):
            c.sendall(self.answer)
            return c.close()
        host, port = target.decode().rsplit(":", 1)
        up = socket.create_connection((host, int(port)))
        c.sendall(self.answer)
        threading.Thread(target=_pipe, args=(up, c), daemon=True).start()
        _pipe(c, up)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.close()


@pytest.fixture
def site() -> Iterator[str]:
    class H(QuietHandler):
        def do_GET(self) -> None:
            self.send_html("<p>社保系统 就绪</p>")

    httpd, url = serve(H)
    yield url
    httpd.shutdown()


def socks_get(proxy: EgressProxy, host: str, port: int) -> tuple[int, bytes]:
    """SOCKS5 CONNECT through the egress proxy, then one HTTP GET: (SOCKS reply code, response bytes)."""
    s = socket.create_connection(("127.0.0.1", proxy.port), timeout=10)
    s.sendall(b"\x05\x01\x00")
    assert s.recv(2) == b"\x05\x00"
    s.sendall(b"\x05\x01\x00\x03" + bytes([len(host)]) + host.encode() + struct.pack("!H", port))
    rep = s.recv(10)
    if rep[1] != 0:
        s.close()
        return rep[1], b""
    s.sendall(f"GET / HTTP/1.0\r\nHost: {host}:{port}\r\n\r\n".encode())
    body = b""
    while chunk := s.recv(65536):
        body += chunk
    s.close()
    return 0, body


def test_allowed_origin_goes_through_the_upstream_tunnel_and_a_foreign_one_nowhere(site: str) -> None:
    up = ConnectProxy()
    port = int(site.rsplit(":", 1)[1])
    egress = EgressProxy([site], upstream=up.url)
    try:
        code, body = socks_get(egress, "127.0.0.1", port)
        assert code == 0 and "社保系统 就绪".encode() in body
        assert up.targets == [f"127.0.0.1:{port}"]
        code, _ = socks_get(egress, "127.0.0.2", port)  # not the system's: refused before any proxy sees it
        assert code == 2 and up.targets == [f"127.0.0.1:{port}"]
        assert [h for h, _ in egress.drain()] == [f"127.0.0.2:{port}"]
    finally:
        egress.close()
        up.close()


def test_a_chinese_host_is_asked_of_the_upstream_proxy_in_idna() -> None:
    """The hall proxy is asked for the ASCII (IDNA) name of a ministry host such as 人社.政务.cn."""
    up = ConnectProxy(answer=b"HTTP/1.1 502 Bad Gateway\r\n\r\n")
    egress = EgressProxy(["http://人社.政务.cn:8080"], upstream=up.url)
    try:
        code, _ = socks_get(egress, "人社.政务.cn".encode("idna").decode(), 8080)
        assert code == 5 and up.targets == [f"{'人社.政务.cn'.encode('idna').decode()}:8080"], up.targets
    finally:
        egress.close()
        up.close()


def test_a_refusing_upstream_proxy_is_a_failed_connection_never_a_direct_one(site: str) -> None:
    up = ConnectProxy(answer=b"HTTP/1.1 407 Proxy Authentication Required\r\n\r\n")
    egress = EgressProxy([site], upstream=up.url)
    try:
        code, _ = socks_get(egress, "127.0.0.1", int(site.rsplit(":", 1)[1]))
        assert code == 5 and len(up.targets) == 1
    finally:
        egress.close()
        up.close()


@pytest.mark.browser
def test_chromium_reaches_the_system_through_the_hall_proxy(site: str, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from clerkdesk.drivers.web import PlaywrightDriver

    up = ConnectProxy()
    monkeypatch.setenv("CLERKDESK_UPSTREAM_PROXY", up.url)
    system = System("own", "本系统", "web", Mark(tmp_path / "own.yaml", 1, 1), start_url=site + "/",
                    origins=(site,))
    drv: Any = PlaywrightDriver()
    drv.start(DriverContext(system=system, home=tmp_path, clerk="t", headless=True, on_violation=lambda _: None))
    try:
        drv.open(site + "/", 15)
        drv.wait_for(Condition(text="就绪"), 10)
    finally:
        drv.close()
        up.close()
    assert f"127.0.0.1:{site.rsplit(':', 1)[1]}" in up.targets
