"""The HTTP plumbing shared by the sandbox systems: requests, responses, sessions,
the fault endpoints, and a loopback-only threading server."""

from __future__ import annotations

import json
import secrets
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from email.message import Message
from http import HTTPStatus
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .faults import FaultError, Faults
from .ledger import Ledger

LOOPBACK = "127.0.0.1"


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    body: bytes
    headers: Message
    cookies: dict[str, str]
    charset: str

    def arg(self, name: str, default: str = "") -> str:
        return self.query.get(name, [default])[0]

    def form(self) -> dict[str, list[str]]:
        """The url-encoded body, percent-decoded in the system's charset."""
        text = self.body.decode("latin-1")
        return urllib.parse.parse_qs(text, keep_blank_values=True, encoding=self.charset, errors="replace")

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8") or "{}")


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: list[tuple[str, str]] = field(default_factory=list)

    @classmethod
    def redirect(cls, location: str, status: int = 303) -> Response:
        return cls(status, b"", "text/plain; charset=utf-8", [("Location", location)])

    @classmethod
    def text(cls, text: str, status: int = 200) -> Response:
        return cls(status, text.encode("utf-8"), "text/plain; charset=utf-8")

    @classmethod
    def json(cls, data: Any, status: int = 200) -> Response:
        return cls(
            status, json.dumps(data, ensure_ascii=False).encode("utf-8"), "application/json; charset=utf-8"
        )


@dataclass
class Session:
    sid: str
    user: str = ""
    captcha: str = ""
    token: str = field(default_factory=lambda: secrets.token_hex(8))
    last_seen: float = field(default_factory=time.monotonic)
    expired: bool = False


class SandboxApp:
    """One sandbox system: sessions, faults, ledger; subclasses implement route()."""

    system = ""
    cookie_name = "SID"
    charset = "utf-8"
    verbose = False  # log each request to stderr (the `clerkdesk sandbox` command turns it on)

    def __init__(self, ledger: Ledger, *, debug: bool = False, idle_timeout: float = 600.0) -> None:
        self.ledger = ledger
        self.debug = debug
        self.idle_timeout = idle_timeout
        self.faults = Faults()
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()
        self.receipts: dict[str, tuple[str, str]] = {}  # a page key → (receipt, matter title)

    # -- sessions -------------------------------------------------------------------
    def session(self, req: Request) -> Session | None:
        with self._lock:
            return self._sessions.get(req.cookies.get(self.cookie_name, ""))

    def session_by_id(self, sid: str) -> Session | None:
        with self._lock:
            return self._sessions.get(sid)

    def new_session(self) -> Session:
        s = Session(secrets.token_urlsafe(18))
        with self._lock:
            if len(self._sessions) >= 2000:  # a long demo: forget sessions idle for an hour or more
                cutoff = time.monotonic() - max(self.idle_timeout, 3600.0)
                self._sessions = {k: v for k, v in self._sessions.items() if v.last_seen > cutoff}
            self._sessions[s.sid] = s
        return s

    def drop_session(self, s: Session) -> None:
        with self._lock:
            self._sessions.pop(s.sid, None)

    def set_cookie(self, resp: Response, s: Session) -> Response:
        resp.headers.append(("Set-Cookie", f"{self.cookie_name}={s.sid}; Path=/; HttpOnly; SameSite=Lax"))
        return resp

    def auth(self, req: Request) -> tuple[str, Session | None]:
        """("ok", session) for a live login, ("timeout", session) for an expired one (now logged
        out), ("anonymous", session-or-None) otherwise."""
        s = self.session(req)
        if s is None or not s.user:
            return "anonymous", s
        now = time.monotonic()
        if s.expired or now - s.last_seen > self.idle_timeout:
            s.user, s.expired = "", False
            return "timeout", s
        s.last_seen = now
        return "ok", s

    def expire_all(self) -> None:
        with self._lock:
            for s in self._sessions.values():
                if s.user:
                    s.expired = True

    # -- faults ---------------------------------------------------------------------
    def set_fault(self, fault: str, **params: Any) -> None:
        self.faults.set(fault, **params)
        if fault == "expire":
            self.expire_all()

    def layout(self) -> tuple[bool, int]:
        """Whether the `layout` fault is on, and its shuffle seed."""
        params = self.faults.get("layout")
        return (params is not None, int(params.get("seed", 7)) if params is not None else 0)

    def _sandbox_endpoint(self, req: Request) -> Response:
        if req.path == "/__sandbox/faults":
            if req.method == "POST":
                try:
                    params = req.json()
                    if not isinstance(params, dict) or not isinstance(params.get("fault"), str):
                        raise FaultError('expected a JSON object {"fault": NAME, ...params}')
                    self.set_fault(params.pop("fault"), **params)
                except (FaultError, ValueError, TypeError) as e:
                    return Response.json({"error": str(e)}, 400)
            elif req.method == "DELETE":
                self.faults.clear()
            return Response.json({"faults": self.faults.active()})
        if req.path == "/__sandbox/captcha" and req.method == "GET" and self.debug:
            s = self.session(req)
            if s and s.captcha:
                return Response.text(s.captcha)
        return Response.text("not found", 404)

    # -- dispatch -------------------------------------------------------------------
    def dispatch(self, req: Request) -> Response:
        if req.path.startswith("/__sandbox/"):
            return self._sandbox_endpoint(req)
        slow = self.faults.get("slow")
        if slow:
            time.sleep(float(slow["ms"]) / 1000)
        return self.route(req)

    def route(self, req: Request) -> Response:
        raise NotImplementedError


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    server_version = "SandboxHTTP/1.0"

    def _serve(self) -> None:
        app = self.server.app
        parts = urllib.parse.urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        jar = SimpleCookie()
        try:
            jar.load(self.headers.get("Cookie", ""))
        except Exception:  # a malformed cookie header is ignored like browsers' servers do
            jar = SimpleCookie()
        req = Request(
            self.command,
            parts.path or "/",
            urllib.parse.parse_qs(
                parts.query, keep_blank_values=True, encoding=app.charset, errors="replace"
            ),
            body,
            self.headers,
            {k: m.value for k, m in jar.items()},
            app.charset,
        )
        try:
            resp = app.dispatch(req)
        except Exception as e:  # a bug in the sandbox must still answer, and say so
            resp = Response.text(f"sandbox internal error: {type(e).__name__}: {e}", 500)
            if app.debug:
                import traceback

                traceback.print_exc()
        self.send_response(resp.status, HTTPStatus(resp.status).phrase)
        self.send_header("Content-Type", resp.content_type)
        self.send_header("Content-Length", str(len(resp.body)))
        self.send_header("Cache-Control", "no-store")
        for k, v in resp.headers:
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(resp.body)

    do_GET = do_POST = do_DELETE = do_HEAD = _serve

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.app.verbose:
            sys.stderr.write(f"[{self.server.app.system}] {format % args}\n")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, app: SandboxApp, port: int) -> None:
        self.app = app
        super().__init__((LOOPBACK, port), _Handler)


def start_server(app: SandboxApp, port: int) -> tuple[_Server, threading.Thread]:
    """Serve APP on 127.0.0.1:PORT (0 = a free port) from a daemon thread."""
    server = _Server(app, port)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.1}, name=f"sandbox-{app.system}", daemon=True
    )
    thread.start()
    return server, thread
