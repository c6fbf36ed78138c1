"""The desktop driver (screen OCR + keyboard/mouse), as small collaborators composed by ``DesktopDriver``.

``from clerkdesk.drivers.desktop import DesktopDriver`` is the public surface; the modules beside it are its
parts (see ``driver.py`` for how they fit together).
"""

from clerkdesk.drivers.desktop.driver import DesktopDriver, client_env

__all__ = ["DesktopDriver", "client_env"]
