"""A network that can be cut for real: a veth pair into a network namespace, with a TCP forwarder listening on
the far side. Connect to ``cut.host:cut.port`` and the bytes cross a real link to ``upstream``; ``cut.cut()``
takes the far end of the link down, so from then on the near side's packets are dropped in silence — no reset,
no error, exactly what a pulled cable or a dead switch does to a connection that is already open (a closed port
or a stopped server answers at once and tests nothing of this). ``restore()`` brings the link back.

Needs root (``ip netns``, ``ip link``, ``setns``); ``available()`` says why not where it cannot run.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import socket
import subprocess
import threading
import time
from types import TracebackType

CLONE_NEWNET = 0x40000000


def available() -> str | None:
    """None when a cut network can be made here; else why not."""
    if os.geteuid() != 0:
        return "cutting a network needs root (ip netns, veth)"
    if shutil.which("ip") is None:
        return "the `ip` command (Debian package iproute2) is not installed"
    probe = f"cdprobe{os.getpid()}"
    made = subprocess.run(["ip", "netns", "add", probe], capture_output=True, text=True, timeout=30)
    if made.returncode != 0:  # a container without CAP_NET_ADMIN
        return f"cannot make a network namespace here: {made.stderr.strip()}"
    subprocess.run(["ip", "netns", "del", probe], capture_output=True, timeout=30)
    return None


def _ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True, timeout=30)


def _setns(fd: int) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.setns(fd, CLONE_NEWNET) != 0:
        raise OSError(ctypes.get_errno(), "setns")


class NetCut:
    def __init__(self, upstream: tuple[str, int]):
        self.upstream = upstream
        tag = f"{os.getpid() % 100000}"
        self.ns, self.near, self.far = f"cdcut{tag}", f"cdn{tag}", f"cdf{tag}"
        octet = os.getpid() % 250 + 1
        self.near_ip, self.host = f"10.213.{octet}.1", f"10.213.{octet}.2"
        self.port = 0
        self._listener: socket.socket | None = None
        self._socks: list[socket.socket] = []
        self._stop = threading.Event()

    def __enter__(self) -> NetCut:
        _ip("netns", "add", self.ns)
        try:
            _ip("link", "add", self.near, "type", "veth", "peer", "name", self.far)
            _ip("link", "set", self.far, "netns", self.ns)
            _ip("addr", "add", f"{self.near_ip}/24", "dev", self.near)
            _ip("link", "set", self.near, "up")
            _ip("netns", "exec", self.ns, "ip", "addr", "add", f"{self.host}/24", "dev", self.far)
            _ip("netns", "exec", self.ns, "ip", "link", "set", self.far, "up")
            self._listen()
        except BaseException:
            self._teardown()
            raise
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def _listen(self) -> None:
        """The listening socket is made inside the namespace (a socket stays in the namespace it was made in);
        the forwarder's connections upstream are made back in this one. setns moves only the calling thread."""
        made: list[socket.socket | BaseException] = []

        def inside() -> None:
            home = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
            there = os.open(f"/run/netns/{self.ns}", os.O_RDONLY)
            try:
                _setns(there)
                try:
                    s = socket.socket()
                    s.bind((self.host, 0))
                    s.listen(16)
                    made.append(s)
                finally:
                    _setns(home)
            except BaseException as e:  # handed to the caller's thread
                made.append(e)
            finally:
                os.close(home)
                os.close(there)

        t = threading.Thread(target=inside)
        t.start()
        t.join()
        if isinstance(made[0], BaseException):
            raise made[0]
        self._listener = made[0]
        self.port = int(self._listener.getsockname()[1])

    def _accept(self) -> None:
        assert self._listener is not None
        while not self._stop.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(self.upstream, timeout=5)
            except OSError:
                client.close()
                continue
            server.settimeout(None)
            self._socks += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(src: socket.socket, dst: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := src.recv(65536):
                dst.sendall(data)
        with contextlib.suppress(OSError):
            dst.shutdown(socket.SHUT_WR)

    def cut(self) -> None:
        """The far end of the link goes down: everything sent from here on is dropped, nothing is answered."""
        _ip("netns", "exec", self.ns, "ip", "link", "set", self.far, "down")

    def restore(self) -> None:
        """The link back up, and answering (a neighbour entry that failed during the cut takes a moment)."""
        _ip("netns", "exec", self.ns, "ip", "link", "set", self.far, "up")
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection((self.host, self.port), timeout=1).close()
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def _teardown(self) -> None:
        self._stop.set()
        for s in [*self._socks, *([self._listener] if self._listener else [])]:
            with contextlib.suppress(OSError):
                s.close()
        with contextlib.suppress(subprocess.CalledProcessError):
            _ip("link", "del", self.near)
        with contextlib.suppress(subprocess.CalledProcessError):
            _ip("netns", "del", self.ns)

    def __exit__(self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        self._teardown()
