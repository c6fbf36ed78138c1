"""The web driver (Playwright, Chromium family), as small collaborators composed by ``PlaywrightDriver``.

``from clerkdesk.drivers.web import WebDriver`` (or its technology name, ``PlaywrightDriver``) is the whole
public surface; the modules beside it are its parts (see ``driver.py`` for how they fit together).
"""

from clerkdesk.drivers.web.driver import PlaywrightDriver, playwright_error
from clerkdesk.drivers.web.guard import foreign_pattern

WebDriver = PlaywrightDriver  # the driver for systems of kind "web", named by kind like ``DesktopDriver``

__all__ = ["PlaywrightDriver", "WebDriver", "foreign_pattern", "playwright_error"]
