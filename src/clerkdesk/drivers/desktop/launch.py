"""The window a desktop recipe works in: found by its title, and the client program started if it is not up.

``open: <title>`` waits for a window whose title is, contains or matches (``re:REGEX``) the text; if the system
(or ``ctx.options["command"]``) names the client's command, it is started once — in the clerk's session, off
ClerkDesk's own headless settings (``client_env``) — and a client that exits before its window appears is
reported at once rather than after the timeout.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import time

from clerkdesk.recipe.driver import DriverError
from clerkdesk.vision import windows
from clerkdesk.vision.windows import Window

POLL = 0.15


def client_env() -> dict[str, str]:
    """The environment for a system's client program: ours, less what would keep it off the clerk's screen
    (``QT_QPA_PLATFORM=offscreen``, set when ClerkDesk itself runs without a window, e.g. under tests)."""
    env = dict(os.environ)
    if env.get("QT_QPA_PLATFORM", "").lower() == "offscreen":
        del env["QT_QPA_PLATFORM"]
    return env


class ClientLauncher:
    """Finds the client's window; ``command`` (set from the run's options or the system) starts the client."""

    def __init__(self) -> None:
        self.command: str | None = None
        self._launched: subprocess.Popen[bytes] | None = None

    def find(self, where: str, timeout: float, deadline: float) -> Window:
        """The first window titled WHERE, waiting until DEADLINE (TIMEOUT seconds, for messages)."""
        tried = [f"window title = / contains {where!r}"]
        while True:
            found = windows.find_windows(where)
            if found:
                return found[0]
            command = self.command
            if command and self._launched is None:
                tried.append(f"started {command!r}")
                try:
                    self._launched = subprocess.Popen(shlex.split(command), env=client_env(),
                                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                except OSError as e:
                    raise DriverError(f"the system's client command could not start: {e}", tried,
                                      retryable=False) from None
            if self._launched is not None and self._launched.poll() not in (None, 0):
                raise DriverError(f"the system's client command {command!r} exited with code "
                                  f"{self._launched.returncode} before its window {where!r} appeared", tried,
                                  retryable=False)
            if time.monotonic() >= deadline:
                seen = sorted({w.title for w in windows.list_windows() if w.title})
                tried.append(f"open windows: {', '.join(map(repr, seen)) or 'none'}")
                raise DriverError(f"no window titled {where!r} within {timeout:g} s", tried)
            time.sleep(POLL)
