"""The web driver's origin guard: every request, navigation and WebSocket checked against the system's origins,
and the egress proxy's refusals reported (see ``_egress``). Mixed into ``PlaywrightDriver``."""

from __future__ import annotations

import re
import time
from typing import Any

from clerkdesk.drivers.web.egress import host_port
from clerkdesk.recipe.systems import origin_of

# Chromium's own services (updates, sign-in, safe browsing): refused by the egress proxy like everything else,
# but not reported to the clerk as a page's attempt
BROWSER_SERVICES = ("google.com", "googleapis.com", "gstatic.com", "gvt1.com", "gvt2.com", "googleusercontent.com")

def foreign_pattern(origins: tuple[str, ...] | list[str]) -> re.Pattern[str]:
    """The URLs the route guard must see: every URL except those plainly on one of ORIGINS (the origin followed
    by ``/``, ``?``, ``#`` or nothing). Playwright matches this regex in its own process, so the system's own
    requests no longer make a round trip to Python; everything else still reaches ``_guard``, which decides
    with ``System.owns`` as before. Anything unusual (user info, another port, an origin as a prefix of a
    longer host) is matched, i.e. checked: the pattern can only send too much to the guard, never too little."""
    own = "|".join(re.escape(o) for o in origins)
    return re.compile(rf"^(?!(?:{own})(?:[/?#]|$))" if own else r"^")


class GuardMixin:
    """Needs ``ctx``, ``blocked``, ``_routed`` and ``_egress`` (set by ``PlaywrightDriver``)."""

    ctx: Any
    blocked: list[str]
    _routed: list[tuple[tuple[str, int], float]]
    _egress: Any

    def _report(self, origin: str, routed: bool = True) -> None:
        assert self.ctx is not None
        if routed:
            self._routed.append((host_port(origin), time.monotonic()))
        self.blocked.append(origin)
        if self.ctx.on_violation:
            self.ctx.on_violation(origin)

    def _guard(self, route: Any) -> None:
        url = route.request.url
        assert self.ctx is not None
        if self.ctx.system.owns(url):
            route.continue_()
            return
        self._report(origin_of(url))
        route.abort("blockedbyclient")

    def _ws_guard(self, ws: Any) -> None:
        """Every WebSocket a page opens: connected only to the system's own origins (ws:// as http://)."""
        url = ws.url
        assert self.ctx is not None
        if self.ctx.system.owns(re.sub(r"^ws(s?)://", r"http\1://", url)):
            ws.connect_to_server()
            return
        self._report(origin_of(url))
        ws.close(code=1008, reason="origin not allowed")

    def _report_egress(self, final: bool = False) -> None:
        """Connections the egress proxy refused (workers, WebRTC …), reported on this thread. Chromium also
        preconnects to a navigation's host before the route guard stops the request: a refusal within 2 s of
        a route block of the same host and port is that same attempt, reported once (so reports wait 0.5 s)."""
        if self._egress is None:
            return
        for hp, t in self._egress.drain(0.0 if final else 0.5):
            host, port = hp.rsplit(":", 1)
            if any(host == d or host.endswith("." + d) for d in BROWSER_SERVICES):
                continue
            if any(k == (host.strip("[]"), int(port)) and abs(t - when) < 2.0 for k, when in self._routed):
                continue
            self._report(hp, routed=False)
