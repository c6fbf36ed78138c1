"""A clerk's login to a web system, kept between runs as *encrypted* browser state (cookies, local storage).

The browser profile itself is thrown away after every run; what survives is Playwright's storage state, sealed
with the ``seal`` / ``unseal`` callables the application passes in ``DriverContext.options`` (the store's
encryption) and written under the app's home, one file per clerk, system *and origin*: a run against a
training server (``--system-url hrss=http://training…``) keeps its own login and never replaces the production
one, and cookies of one server are never offered to the other. Without a seal nothing is kept.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from clerkdesk.recipe.driver import DriverContext
from clerkdesk.recipe.systems import origin_of


def origin_slug(origin: str) -> str:
    """ORIGIN as a file-name part: ``http://127.0.0.1:8601`` → ``http_127.0.0.1_8601``."""
    return re.sub(r"[^\w.-]+", "_", origin).strip("_") or "none"


class SessionStore:
    """The sealed session state of CTX's clerk on CTX's system at the origin of its start URL."""

    def __init__(self, ctx: DriverContext) -> None:
        self.ctx = ctx
        self.origin = origin_of(ctx.system.start_url) if ctx.system.start_url else ""

    def _state_path(self) -> Path:
        from clerkdesk.config import under

        safe = re.sub(r"[^\w.-]", "_", self.ctx.clerk)
        name = f"{self.ctx.system.id}@{origin_slug(self.origin)}.bin"
        return under(self.ctx.home, "sessions", safe, name)  # verified inside home

    def _aad(self) -> str:
        return f"session:{self.ctx.clerk}:{self.ctx.system.id}@{self.origin}"

    def load(self) -> dict[str, Any] | None:
        """The storage state to start the browser context with, or None (no session kept, or unreadable)."""
        unseal = self.ctx.options.get("unseal")
        if unseal is None:
            return None
        p = self._state_path()
        if not p.exists():
            return None  # (a login kept per system only, by releases before the origin key, costs one login)
        try:
            return json.loads(unseal(p.read_bytes(), self._aad()))  # type: ignore[no-any-return]
        except Exception:
            return None  # an unreadable session only costs a login

    def save(self, context: Any) -> None:
        """Seal and write CONTEXT's storage state (a Playwright browser context), if the app gave a seal."""
        seal = self.ctx.options.get("seal")
        if seal is None:
            return
        state = context.storage_state()
        p = self._state_path()
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(seal(json.dumps(state).encode(), self._aad()))
