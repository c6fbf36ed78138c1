"""Tiny loopback web sites for tests that need a page built for one purpose (vocabulary, scopes, popups, origins).

    class H(QuietHandler):
        def do_GET(self) -> None:
            self.send_html("<p>…</p>")
    httpd, url = serve(H)      # stop with httpd.shutdown()
    out, run_id = run_recipe(desk, write_system(tmp_path / "recipes", "local", url), "local", "r", RECIPE, ctx)
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
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


def write_system(folder: Path, sid: str, url: str) -> Path:
    """A web system SID at URL in FOLDER/systems (the test's own recipes folder); returns FOLDER."""
    (folder / "systems").mkdir(parents=True, exist_ok=True)
    (folder / "systems" / f"{sid}.yaml").write_text(
        f"system: {sid}\ntitle: 本地测试系统\nkind: web\nstart_url: {url}/\n", encoding="utf-8")
    return folder


def run_recipe(desk: Any, folder: Path, sid: str, name: str, text: str, context: dict[str, Any],
               on_event: Callable[[Any], None] | None = None) -> tuple[Any, str]:
    """Load recipe TEXT (as FOLDER/SID/NAME.yaml) against system SID, plan it, and run it with the real web driver
    and the engine, as ``clerkdesk fill`` would: (outcome, run id)."""
    from clerkdesk.drivers.web import PlaywrightDriver
    from clerkdesk.engine.plan import Target, plan_case
    from clerkdesk.engine.run import Runner
    from clerkdesk.recipe.loader import load_recipe
    from clerkdesk.recipe.systems import load_system
    from tests.support.clerks import SandboxClerk

    system = load_system(folder / "systems" / f"{sid}.yaml")
    path = folder / sid / f"{name}.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    recipe = load_recipe(path, {sid: system})
    plan_case([recipe], {sid: system}, context)
    cid = desk.store.cases.create(matter="t", applicant_kind="person", applicant_key="k", record={}, targets=[],
                                  fields={}, profile_id=None)
    rid = desk.store.runs.create(cid, recipe.id, sid)
    runner = Runner(desk.store.runs, SandboxClerk(), lambda t: PlaywrightDriver(), home=desk.home, clerk_name="t",
                    on_event=on_event)
    return runner.run(rid, Target(recipe, system), context), rid


DOCS_RECIPES = Path(__file__).resolve().parents[2] / "docs" / "recipes.md"


def docs_recipe() -> str:
    """The worked example of docs/recipes.md's "Modern portals" section: the recipe the portal tests and
    ``bench/portal_fill.py`` run, so the documented recipe is the one proven to work."""
    text = DOCS_RECIPES.read_text(encoding="utf-8")
    section = text[text.index("## 9. Modern portals"):]
    m = re.search(r"```yaml\n(recipe: portal\..*?)```", section, re.S)
    assert m, "docs/recipes.md section 9 has no portal recipe"
    return m.group(1)
