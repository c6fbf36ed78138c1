"""ClerkDesk: capture a record once, fill it into every ministry system."""

from __future__ import annotations

__version__ = "0.1.0"
