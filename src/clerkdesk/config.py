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


def under(root: Path, *parts: str) -> Path:
    """ROOT/PARTS..., verified after resolution to stay inside ROOT (the data folder).

    Names that become paths (system ids, clerk names) are checked where they are read
    (``clerkdesk.recipe.ids``); this is the second check, after symlinks and ``..`` are resolved, so no
    name can make ClerkDesk write outside its data folder. Raises ConfigError naming both paths.
    """
    from clerkdesk.errors import ConfigError

    base = Path(root).resolve()
    path = base.joinpath(*parts).resolve()
    if path == base or not path.is_relative_to(base):
        raise ConfigError(f"refusing to use {path}: it is not inside the data folder {base} "
                          f"(built from the names {', '.join(map(repr, parts))})")
    return path


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
