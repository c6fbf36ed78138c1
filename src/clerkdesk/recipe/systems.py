"""The target-system registry: ``recipes/systems/*.yaml``.

```yaml
system: hrss
title: 人社业务经办系统
kind: web                     # or desktop
start_url: http://127.0.0.1:8601/
origins: ["http://127.0.0.1:8601"]   # the only places its data may go
login: manual                 # manual (the clerk logs in; a `human` step) | none
session_expired: {text: 登录超时}     # how an expired session shows (optional)
codes:
  hukou_type: {urban: "2", rural: "1", resident: "2"}
```
Desktop systems name their main ``window`` (title) instead of URLs, optionally a
``command`` that starts the client, and ``dismiss_dialogs``: titles of notice boxes
that can pop up at any moment and are simply closed.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from clerkdesk.errors import Mark, RecipeError
from clerkdesk.recipe.yamlsrc import load

SYSTEM_KEYS = {"system", "title", "kind", "start_url", "origins", "login", "session_expired", "codes", "window",
               "command", "dismiss_dialogs", "description"}


@dataclass(frozen=True)
class System:
    id: str
    title: str
    kind: str
    mark: Mark
    start_url: str = ""
    origins: tuple[str, ...] = ()
    login: str = "manual"
    session_expired: dict[str, str] = field(default_factory=dict)
    codes: dict[str, dict[str, str]] = field(default_factory=dict)
    window: str = ""
    command: str = ""  # desktop: how to start the client when its window is not there
    dismiss_dialogs: tuple[str, ...] = ()  # desktop: notice boxes that may pop up at any time and are closed

    def owns(self, url: str) -> bool:
        """Is URL on one of this system's origins? (data:, about:, blob: of its own pages are local.)"""
        scheme = urlsplit(url).scheme
        if scheme in ("data", "about", "blob", "javascript"):
            return True
        return origin_of(url) in self.origins

    def at(self, base_url: str) -> System:
        """The same system served elsewhere (a sandbox on another port, a training server)."""
        o = origin_of(base_url)
        return replace(self, start_url=base_url.rstrip("/") + "/", origins=(o,))


def origin_of(url: str) -> str:
    p = urlsplit(url)
    port = p.port
    default = {"http": 80, "https": 443}.get(p.scheme)
    host = (p.hostname or "").lower()
    return f"{p.scheme}://{host}" + (f":{port}" if port and port != default else "")


def load_system(path: Path) -> System:
    src = load(path)
    if not src.is_map:
        raise RecipeError("a system file is a mapping with keys system, title, kind, …", src.mark)
    from clerkdesk.records.model import suggest

    for k, _, km in src.items():
        if k not in SYSTEM_KEYS:
            raise RecipeError(f"unknown key {k!r} in a system file.", km, suggest(k, sorted(SYSTEM_KEYS)).strip())
    d = src.plain()
    for req in ("system", "title", "kind"):
        if req not in d:
            raise RecipeError(f"a system file needs '{req}'", src.mark)
    kind = d["kind"]
    if kind not in ("web", "desktop"):
        raise RecipeError(f"kind must be 'web' or 'desktop', not {kind!r}", src.key_mark("kind"))
    origins = tuple(origin_of(o) for o in d.get("origins", []))
    if kind == "web":
        if not d.get("start_url"):
            raise RecipeError("a web system needs 'start_url'", src.mark)
        if not origins:
            origins = (origin_of(d["start_url"]),)
        elif origin_of(d["start_url"]) not in origins:
            raise RecipeError("start_url is not on one of the system's origins", src.key_mark("start_url"))
    if kind == "desktop" and not d.get("window"):
        raise RecipeError("a desktop system needs 'window' (its main window title)", src.mark)
    codes_src = src.get("codes")
    code_maps: dict[str, dict[str, str]] = {}
    if codes_src is not None:
        from clerkdesk.records import codes as canonical

        for table, body, km in codes_src.items():
            if table not in canonical.TABLES:
                raise RecipeError(f"unknown code table {table!r}.", km, suggest(table, list(canonical.TABLES)).strip())
            if not body.is_map:
                raise RecipeError(f"code table {table!r} maps canonical codes to this system's codes", body.mark)
            tbl = canonical.table(table)
            m: dict[str, str] = {}
            for code, val, ckm in body.items():
                resolved = tbl.resolve(code)
                if resolved is None:
                    raise RecipeError(f"{code!r} is not a code of table {table} (canonical codes: "
                                      f"{', '.join(c.code for c in tbl.codes[:12])}…)", ckm)
                m[resolved] = str(val.value)
            code_maps[table] = m
    return System(id=str(d["system"]), title=str(d["title"]), kind=kind, mark=src.mark,
                  start_url=str(d.get("start_url", "")), origins=origins, login=str(d.get("login", "manual")),
                  session_expired={str(k): str(v) for k, v in (d.get("session_expired") or {}).items()},
                  codes=code_maps, window=str(d.get("window", "")), command=str(d.get("command", "")),
                  dismiss_dialogs=tuple(str(x) for x in d.get("dismiss_dialogs") or ()))


def load_systems(folder: Path) -> dict[str, System]:
    out: dict[str, System] = {}
    for p in sorted((folder / "systems").glob("*.yaml")):
        s = load_system(p)
        if s.id in out:
            raise RecipeError(f"system {s.id!r} is defined twice (also in {out[s.id].mark.path})", s.mark)
        out[s.id] = s
    return out


def as_dict(s: System) -> dict[str, Any]:
    return {"id": s.id, "title": s.title, "kind": s.kind, "start_url": s.start_url, "origins": list(s.origins),
            "window": s.window, "login": s.login}
