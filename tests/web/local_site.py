"""Tiny loopback web sites for tests that need a page built for one purpose (vocabulary, scopes, popups, origins).

    class H(QuietHandler):
        def do_GET(self) -> None:
            self.send_html("<p>…</p>")
    httpd, url = serve(H)      # stop with httpd.shutdown()
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class QuietHandler(BaseHTTPRequestHandler):
    """A handler that answers with ``send_html`` and keeps the test output clean."""

    def send_html(self, body: str | bytes, ctype: str = "text/html") -> None:
        data = body.encode() if isinstance(body, str) else body
        self.send_response(200)
        self.send_header("Content-Type", f"{ctype}; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *a: Any) -> None:
        pass


def serve(handler: type[BaseHTTPRequestHandler]) -> tuple[ThreadingHTTPServer, str]:
    """Serve HANDLER on a free loopback port in a daemon thread: (server, base URL)."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"
