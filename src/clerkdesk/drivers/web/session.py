"""A clerk's login to a web system, kept between runs as *encrypted* browser state (cookies, local storage).

The browser profile itself is thrown away after every run; what survives is Playwright's storage state, sealed
with the ``seal`` / ``unseal`` callables the application passes in ``DriverContext.options`` (the store's
encryption) and written under the app's home, one file per clerk and system. Without them nothing is kept.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from clerkdesk.recipe.driver import DriverContext


class SessionStore:
    """The sealed session state of CTX's clerk on CTX's system."""

    def __init__(self, ctx: DriverContext) -> None:
        self.ctx = ctx

    def _state_path(self) -> Path:
        from clerkdesk.config import under

        safe = re.sub(r"[^\w.-]", "_", self.ctx.clerk)
        return under(self.ctx.home, "sessions", safe, f"{self.ctx.system.id}.bin")  # verified inside home

    def load(self) -> dict[str, Any] | None:
        """The storage state to start the browser context with, or None (no session kept, or unreadable)."""
        unseal = self.ctx.options.get("unseal")
        p = self._state_path()
        if unseal is None or not p.exists():
            return None
        try:
            return json.loads(unseal(p.read_bytes(), f"session:{self.ctx.clerk}:{self.ctx.system.id}"))  # type: ignore[no-any-return]
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
        p.write_bytes(seal(json.dumps(state).encode(), f"session:{self.ctx.clerk}:{self.ctx.system.id}"))
