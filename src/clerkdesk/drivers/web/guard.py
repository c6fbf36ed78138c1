"""The web driver's origin guard: every request, navigation and WebSocket checked against the system's origins,
and the egress proxy's refusals reported (see ``egress``). ``PlaywrightDriver`` owns one ``OriginGuard`` and
hands its ``route`` and ``web_socket`` to the browser context."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

from clerkdesk.drivers.web.egress import EgressProxy, host_port
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


class OriginGuard:
    """One system's origins, enforced: Playwright's route and WebSocket handlers (``route``, ``web_socket``) and the
    egress proxy below them (``open`` starts it). Every blocked origin goes to ``blocked`` and to ON_VIOLATION
    (the engine's report of a foreign request), on the driver's thread."""

    def __init__(self) -> None:
        self.system: Any = None  # clerkdesk.recipe.systems.System, set by ``open``
        self.on_violation: Callable[[str], None] | None = None
        self.blocked: list[str] = []
        self._routed: list[tuple[tuple[str, int], float]] = []  # (host, port), when: blocked by a route guard
        self._egress: EgressProxy | None = None
        self._adopted = False  # the egress proxy is a lender's (``adopt``), not this guard's to close

    def open(self, system: Any, on_violation: Callable[[str], None] | None) -> str:
        """Guard SYSTEM's origins; returns the egress proxy's address for the browser's command line."""
        self.system, self.on_violation = system, on_violation
        from clerkdesk.config import upstream_proxy

        self._egress = EgressProxy(system.origins, upstream=upstream_proxy())
        return self._egress.server

    def adopt(self, system: Any, on_violation: Callable[[str], None] | None, egress: EgressProxy) -> None:
        """Guard SYSTEM's origins for one job on a lent browser (``shared.Lender``), whose egress proxy EGRESS
        belongs to the lender and outlives the job: its refusals are reported to this job, ``close`` leaves
        it running for the next one."""
        self.system, self.on_violation = system, on_violation
        self.blocked, self._routed = [], []
        egress.drain(0.0)  # what the last job's pages tried was reported to that job (or is past)
        self._egress, self._adopted = egress, True

    def close(self) -> None:
        """Stop the egress proxy (unless adopted: then the lender's), reporting what it refused until now."""
        if self._egress is not None:
            self.report_egress(final=True)
            if not self._adopted:
                self._egress.close()
            self._egress = None
            self._adopted = False

    def _report(self, origin: str, routed: bool = True) -> None:
        if routed:
            self._routed.append((host_port(origin), time.monotonic()))
        self.blocked.append(origin)
        if self.on_violation:
            self.on_violation(origin)

    def route(self, route: Any) -> None:
        url = route.request.url
        if self.system.owns(url):
            route.continue_()
            return
        self._report(origin_of(url))
        route.abort("blockedbyclient")

    def web_socket(self, ws: Any) -> None:
        """Every WebSocket a page opens: connected only to the system's own origins (ws:// as http://)."""
        url = ws.url
        if self.system.owns(re.sub(r"^ws(s?)://", r"http\1://", url)):
            ws.connect_to_server()
            return
        self._report(origin_of(url))
        ws.close(code=1008, reason="origin not allowed")

    def report_egress(self, final: bool = False) -> None:
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
