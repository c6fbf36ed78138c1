"""The browser's only way out: a loopback SOCKS5 proxy that connects to the system's own hosts and nothing else.

Playwright's ``route`` sees the page's HTTP requests and ``route_web_socket`` the page's WebSockets, but not
everything: a WebSocket opened by a (dedicated or shared) worker and WebRTC's TURN-over-TCP leave the browser
without passing either. So the browser is launched with every connection sent through this proxy
(``--proxy-server=socks5://…`` with loopback *not* bypassed, and WebRTC limited to proxied connections); the
proxy only opens connections to the ``host:port`` of the system's origins. Everything else is refused and
reported (``host:port`` only — never a path or a query, which could hold a citizen's data).

Halls on the 政务外网 reach the ministry systems only through the hall's HTTP proxy (policy ``upstream_proxy``):
then an allowed ``host:port`` is reached through a ``CONNECT host:port`` tunnel opened on that proxy, never
directly; a refused one never reaches the upstream proxy either. The proxy's refusal (407 authentication,
403, 502 …) is a connection failure, reported to the browser like a refused direct connection.

The proxy runs in daemon threads; refusals are queued here and handed to the driver's report callback on the
driver's own thread (``drain``), because the callback writes to the store.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
import time
from collections.abc import Iterable
from urllib.parse import urlsplit

DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}


def host_port(origin: str) -> tuple[str, int]:
    p = urlsplit(origin)
    return (p.hostname or "").lower(), p.port or DEFAULT_PORTS.get(p.scheme, 80)


class EgressProxy:
    """SOCKS5 (no authentication, CONNECT only) on 127.0.0.1, allowing only the given origins' host:port."""

    def __init__(self, origins: Iterable[str], upstream: str | None = None) -> None:
        self.allowed = {host_port(o) for o in origins}
        self.upstream = host_port(upstream) if upstream else None
        self._refused: list[tuple[str, float]] = []
        self._lock = threading.Lock()
        self._sock = socket.create_server(("127.0.0.1", 0))
        self.port = self._sock.getsockname()[1]
        self._closed = False
        threading.Thread(target=self._accept, name="clerkdesk-egress", daemon=True).start()

    @property
    def server(self) -> str:
        return f"socks5://127.0.0.1:{self.port}"

    def drain(self, min_age: float = 0.0) -> list[tuple[str, float]]:
        """Refusals (``host:port``, monotonic time) at least MIN_AGE seconds old, oldest first; they are
        handed out once."""
        now = time.monotonic()
        with self._lock:
            out = [r for r in self._refused if now - r[1] >= min_age]
            self._refused = [r for r in self._refused if now - r[1] < min_age]
        return out

    def close(self) -> None:
        self._closed = True
        with contextlib.suppress(OSError):
            self._sock.close()

    # --- the proxy ---------------------------------------------------------------------------------------
    def _accept(self) -> None:
        while not self._closed:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, c: socket.socket) -> None:
        try:
            c.settimeout(10)
            ver, n = _recv(c, 2)
            _recv(c, n)  # offered methods: we take "no authentication"
            if ver != 5:
                return c.close()
            c.sendall(b"\x05\x00")
            ver, cmd, _, atyp = _recv(c, 4)
            if atyp == 1:
                host = socket.inet_ntop(socket.AF_INET, _recv(c, 4))
            elif atyp == 4:
                host = socket.inet_ntop(socket.AF_INET6, _recv(c, 16))
            elif atyp == 3:
                host = _recv(c, _recv(c, 1)[0]).decode("idna").lower()
            else:
                return c.close()
            (port,) = struct.unpack("!H", _recv(c, 2))
            if cmd != 1 or (host.strip("[]"), port) not in self.allowed:
                with self._lock:
                    self._refused.append((f"{host}:{port}", time.monotonic()))
                c.sendall(b"\x05\x02\x00\x01" + bytes(6))  # 0x02: connection not allowed by ruleset
                return c.close()
            try:
                up = self._connect(host.strip("[]"), port)
            except OSError:
                c.sendall(b"\x05\x05\x00\x01" + bytes(6))  # 0x05: connection refused
                return c.close()
            c.sendall(b"\x05\x00\x00\x01" + bytes(6))
            c.settimeout(None)
            up.settimeout(None)
            for s in (c, up):
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            back = threading.Thread(target=_pipe, args=(up, c), daemon=True)
            back.start()
            _pipe(c, up)
            back.join()
            up.close()
            c.close()
        except (OSError, ValueError):
            with contextlib.suppress(OSError):
                c.close()


    def _connect(self, host: str, port: int) -> socket.socket:
        """A connection to HOST:PORT: direct, or a CONNECT tunnel through the upstream proxy."""
        if self.upstream is None:
            return socket.create_connection((host, port), timeout=10)
        up = socket.create_connection(self.upstream, timeout=10)
        try:
            name = host if ":" in host else host.encode("idna").decode("ascii")  # 政务.cn → xn--…
            target = f"[{name}]:{port}" if ":" in name else f"{name}:{port}"
            up.sendall(f"CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n\r\n".encode("ascii"))
            head = b""
            while b"\r\n\r\n" not in head:
                chunk = up.recv(1)  # byte by byte: nothing after the header may be read away from the tunnel
                if not chunk or len(head) > 16384:
                    raise OSError("the upstream proxy closed the connection")
                head += chunk
            status = head.split(b"\r\n", 1)[0].split()
            if len(status) < 2 or status[1] != b"200":
                raise OSError(f"the upstream proxy answered {b' '.join(status[1:]).decode('latin-1')}")
            return up
        except BaseException:
            up.close()
            raise


def _recv(s: socket.socket, n: int) -> bytes:
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            raise ValueError("SOCKS client went away")
        buf += chunk
    return buf


def _pipe(src: socket.socket, dst: socket.socket) -> None:
    """Copy until SRC ends, then end DST's sending side (the other direction goes on until it ends too)."""
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(data)
    except OSError:
        pass
    with contextlib.suppress(OSError):
        dst.shutdown(socket.SHUT_WR)
