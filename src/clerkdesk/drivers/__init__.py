"""Drivers: adapters from the ``Driver`` protocol (``clerkdesk.recipe.driver``) to real systems.

``drivers.web`` (Playwright) and ``drivers.desktop`` (screen OCR + keyboard/mouse) are independent packages of
small collaborators composed by one driver class each; neither imports the other (an import contract says so).
They are imported only when a system of their kind runs, so the heavy packages load lazily.
"""

from __future__ import annotations

from clerkdesk.recipe.driver import Driver


def make_driver(kind: str) -> Driver:
    """A fresh driver for a system of KIND (``web`` or ``desktop``)."""
    if kind == "web":
        from clerkdesk.drivers.web import PlaywrightDriver

        return PlaywrightDriver()
    if kind == "desktop":
        from clerkdesk.drivers.desktop import DesktopDriver

        return DesktopDriver()
    raise ValueError(f"no driver for systems of kind {kind!r}")
