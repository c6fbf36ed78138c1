"""Drivers: adapters from the engine's Driver protocol to real systems (web: Playwright; desktop: OCR + input)."""

from __future__ import annotations

from typing import Any


def make_driver(kind: str) -> Any:
    if kind == "web":
        from clerkdesk.drivers.web import PlaywrightDriver

        return PlaywrightDriver()
    if kind == "desktop":
        from clerkdesk.drivers.desktop import DesktopDriver

        return DesktopDriver()
    raise ValueError(f"no driver for systems of kind {kind!r}")
