"""The sandbox portal: a modern 一网通办-style single-page wizard built the way Element UI 2 or Ant Design 4 render
their widgets (``static/portal.js``), for recipes, tests and the benchmark of component-kit pages.

    srv = PortalServer("element")          # or "antd"; serves on a free loopback port until srv.stop()
    srv.url + "/portal"                    # the wizard; every accepted submission is in srv.submissions

The page is written from the kits' documented DOM structure (class names, ARIA attributes, body-level poppers
left hidden after closing, virtual-scrolled lists in Ant, hidden real inputs under styled radios/checkboxes),
so the same recipe is tried against both markups; no kit code is shipped or downloaded.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

from clerkdesk.records import codes, regions

KITS = ("element", "antd")
_STATIC = Path(__file__).parent / "static"
# the regions the cascader offers: name paths of GB/T 2260 codes (province → city → district)
_REGION_CODES = ("370202", "370203", "370102", "440106", "440104", "110101", "110105", "330212", "330203", "330106",
                 "320106", "350102")
INSURANCES = ("企业职工基本养老保险", "职工基本医疗保险", "失业保险", "工伤保险", "生育保险", "城乡居民基本养老保险")
LEVEL_DELAY = 0.3  # seconds before a cascader level arrives (each level is fetched after its parent is clicked)


def _tree() -> dict[str, list[dict[str, Any]]]:
    """parent code ('' = root) → its children, from ClerkDesk's own region table (names as GB/T 2260 has them)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for code in _REGION_CODES:
        p, c, d = regions.split(code)
        pn, cn, dn = regions.names(code)
        for parent, node in (("", {"code": p, "name": pn, "leaf": False}), (p, {"code": c, "name": cn, "leaf": False}),
                             (c, {"code": d, "name": dn, "leaf": True})):
            kids = out.setdefault(parent, [])
            if node not in kids:
                kids.append(node)
    return out


def page(kit: str, render_delay_ms: int = 400, filterable: bool = True) -> str:
    """The portal's HTML for KIT ('element' or 'antd'): the app shell; portal.js renders the wizard into it.
    FILTERABLE: whether the 56-item 民族 list takes typing (else it must be scrolled: virtual in Ant)."""
    if kit not in KITS:
        raise ValueError(f"kit must be one of {', '.join(KITS)}")
    data = {
        "title": "灵活就业人员参保登记",
        "id_types": ["居民身份证", "临时居民身份证", "港澳居民来往内地通行证"],
        "sexes": [c.zh for c in codes.table("sex").codes if c.code in ("1", "2")],
        "ethnicities": [c.zh for c in codes.table("ethnicity").codes][:56],
        "levels": [["60", "60%"], ["80", "80%"], ["100", "100%"]],
        "insurances": list(INSURANCES),
        "insurance_preset": [INSURANCES[2]],  # the portal's default: a tag the recipe may have to remove
        "render_delay_ms": render_delay_ms,
        "filterable": filterable,
    }
    css = (_STATIC / "portal.css").read_text(encoding="utf-8")
    js = (_STATIC / "portal.js").read_text(encoding="utf-8")
    blob = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
    return (f'<!doctype html><html lang="zh-CN" data-kit="{kit}"><head><meta charset="utf-8">'
            f"<title>{data['title']}</title><style>{css}</style></head><body><div id=app></div>"
            f'<script type="application/json" id="portal-data">{blob}</script><script>{js}</script></body></html>')


class PortalServer:
    """The portal for one kit on a free loopback port (daemon thread). ``submissions`` holds each accepted
    submission's JSON, with its receipt (``WT000001`` …)."""

    def __init__(self, kit: str, render_delay_ms: int = 400, filterable: bool = True) -> None:
        self.kit = kit
        html = page(kit, render_delay_ms, filterable).encode()
        tree = _tree()
        self.submissions: list[dict[str, Any]] = []
        outer = self

        class H(BaseHTTPRequestHandler):
            def _send(self, body: bytes, ctype: str, status: int = 200) -> None:
                self.send_response(status)
                self.send_header("Content-Type", f"{ctype}; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                u = urlparse(self.path)
                if u.path == "/api/regions":
                    parent = parse_qs(u.query).get("parent", [""])[0]
                    time.sleep(LEVEL_DELAY)
                    self._send(json.dumps(tree.get(parent, []), ensure_ascii=False).encode(), "application/json")
                elif u.path in ("/", "/portal"):
                    self._send(html, "text/html")
                else:
                    self._send(b"not found", "text/plain", 404)

            def do_POST(self) -> None:
                if urlparse(self.path).path != "/api/submit":
                    self._send(b"not found", "text/plain", 404)
                    return
                rec = json.loads(self.rfile.read(int(self.headers["Content-Length"])) or b"{}")
                rec["receipt"] = f"WT{len(outer.submissions) + 1:06d}"
                outer.submissions.append(rec)
                self._send(json.dumps({"receipt": rec["receipt"]}).encode(), "application/json")

            def log_message(self, *a: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), H)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
