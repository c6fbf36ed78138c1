"""Where things live: the data folder (``--home`` / ``CLERKDESK_HOME``) and the recipes folder."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def default_home() -> Path:
    if os.environ.get("CLERKDESK_HOME"):
        return Path(os.environ["CLERKDESK_HOME"])
    if sys.platform == "win32":
        return Path(os.environ.get("LOCALAPPDATA", Path.home())) / "ClerkDesk"
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "clerkdesk"


def recipes_dir() -> Path:
    """``CLERKDESK_RECIPES``, else the ``recipes/`` folder of the source checkout, else the one an offline
    install put beside its venv (``<dest>/venv`` + ``<dest>/recipes``, see packaging/), else the bundled copy."""
    if os.environ.get("CLERKDESK_RECIPES"):
        return Path(os.environ["CLERKDESK_RECIPES"])
    here = Path(__file__).resolve()
    for cand in (here.parents[2] / "recipes", Path(sys.prefix).parent / "recipes"):
        if (cand / "systems").is_dir():
            return cand
    return here.parent / "resources" / "recipes"


def supervisors() -> frozenset[str] | None:
    """Clerks allowed a supervisor's actions (``CLERKDESK_SUPERVISORS``: names separated by commas or spaces, as
    in the audit log); None when unset, which leaves them to every clerk (a single-desk hall)."""
    raw = os.environ.get("CLERKDESK_SUPERVISORS")
    if raw is None or not raw.strip():
        return None
    return frozenset(n for n in raw.replace("，", ",").replace(",", " ").split() if n)
