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
  sex: {"1": "1", "2": "2", "0": ~, "9": ~}   # ~: this system has no code for it (lint stays quiet)
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
from clerkdesk.recipe.ids import system_id_problem
from clerkdesk.recipe.yamlsrc import load

SYSTEM_KEYS = {"system", "title", "en", "kind", "start_url", "origins", "login", "session_expired", "codes", "window",
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
    no_code: dict[str, frozenset[str]] = field(default_factory=dict)  # table → canonical codes mapped to ~
    en: str = ""  # the title in the English UI ("" = the Chinese title there too)

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


INVALID = "invalid-url:"  # the "origin" of a URL that cannot be parsed: it matches no system's origins


def url_problem(url: str) -> str | None:
    """Why URL cannot be parsed (a port that is not a number, a broken [IPv6] host); None when it can."""
    try:
        urlsplit(url).port  # noqa: B018 - parsing the port is the check
    except ValueError as e:
        return f"{url[:80]!r} is not a valid URL ({e})"
    return None


def origin_of(url: str) -> str:
    """scheme://host[:port] of URL, the form origins are compared in; IPv6 hosts keep their brackets.

    Total: a URL that cannot be parsed (``http://127.0.0.1:18690.evil/``) gets an origin that no system owns,
    so it is refused as foreign rather than raising in the middle of a run or a route handler."""
    p = urlsplit(url)
    try:
        port = p.port
    except ValueError:
        return INVALID + url[:200]
    default = {"http": 80, "https": 443}.get(p.scheme)
    host = (p.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    return f"{p.scheme}://{host}" + (f":{port}" if port and port != default else "")


def load_system(path: Path) -> System:
    """Load one system file; raises its first error (warnings, such as an incomplete code map, are not errors)."""
    system, problems = check_system(path)
    errors = [p for p in problems if not getattr(p, "warning", False)]
    if errors:
        raise errors[0]
    assert system is not None
    return system


def check_system(path: Path) -> tuple[System | None, list[RecipeError]]:
    """Load one system file, collecting every error and warning (``clerkdesk recipe lint``).

    The System is returned whenever it can be built (possibly from a file with errors, so that recipes
    can still be linted against it); None when the file is unusable.
    """
    from clerkdesk.recipe.lint import LintWarning
    from clerkdesk.records.model import suggest

    problems: list[RecipeError] = []

    def err(message: str, mark: Mark, hint: str = "") -> None:
        problems.append(RecipeError(message, mark, hint.strip() or None))

    try:
        src = load(path)
    except RecipeError as e:
        return None, [e]
    if not src.is_map:
        return None, [RecipeError("a system file is a mapping with keys system, title, kind, …", src.mark)]
    for k, _, km in src.items():
        if k not in SYSTEM_KEYS:
            err(f"unknown key {k!r} in a system file.", km, suggest(k, sorted(SYSTEM_KEYS)))
    d = {k: v for k, v in src.plain().items() if k != "codes"}
    for req in ("system", "title", "kind"):
        if req not in d:
            err(f"a system file needs '{req}'", src.mark)
    kind = d.get("kind")
    usable = "system" in d and kind in ("web", "desktop")
    if "system" in d and (why := system_id_problem(src.get("system").value)):  # type: ignore[union-attr]
        err(why, src.get("system").mark)  # type: ignore[union-attr]
        usable = False  # never a System whose id could become a path outside the data folder
    if "kind" in d and kind not in ("web", "desktop"):
        err(f"kind must be 'web' or 'desktop', not {kind!r}", src.key_mark("kind"))
    for key in ("start_url", "origins"):
        for u in (d.get(key) if isinstance(d.get(key), list) else [d.get(key)] if d.get(key) else []):
            if (why := url_problem(str(u))) is not None:
                err(why, (src.get(key) or src).mark)
                usable = False
    origins = tuple(origin_of(str(o)) for o in d.get("origins") or [])
    if kind == "web":
        if not d.get("start_url"):
            err("a web system needs 'start_url'", src.mark)
            usable = False
        elif not origins:
            origins = (origin_of(str(d["start_url"])),)
        elif origin_of(str(d["start_url"])) not in origins:
            err("start_url is not on one of the system's origins", src.key_mark("start_url"))
    if kind == "desktop" and not d.get("window"):
        err("a desktop system needs 'window' (its main window title)", src.mark)
    en = d.get("en")
    if en is not None and (not isinstance(en, str) or not en.strip() or "\n" in en.strip()):
        err("en is the English title, one line of text (e.g. en: Human resources and social security)",
            src.key_mark("en"))
        en = None
    code_maps, no_code = _code_maps(src.get("codes"), str(d.get("system", path.stem)), err, problems, LintWarning)
    if not usable:
        return None, problems
    return System(id=str(d["system"]), title=str(d.get("title", d["system"])), kind=str(kind), mark=src.mark,
                  start_url=str(d.get("start_url", "")), origins=origins, login=str(d.get("login", "manual")),
                  session_expired={str(k): str(v) for k, v in (d.get("session_expired") or {}).items()},
                  codes=code_maps, window=str(d.get("window", "")), command=str(d.get("command", "")),
                  dismiss_dialogs=tuple(str(x) for x in d.get("dismiss_dialogs") or ()),
                  no_code=no_code, en=str(en or "").strip()), problems


def _code_maps(codes_src: Any, system_id: str, err: Any, problems: list[RecipeError], warning: type[RecipeError]
               ) -> tuple[dict[str, dict[str, str]], dict[str, frozenset[str]]]:
    """The ``codes:`` tables: canonical code → this system's code; ``~`` (null) = the system has no such code.

    Errors for unknown tables and codes; a warning for each canonical code a table leaves out, at the
    table's name: such a value would stop a run only when a record has it.
    """
    from clerkdesk.records import codes as canonical
    from clerkdesk.records.model import suggest

    code_maps: dict[str, dict[str, str]] = {}
    no_code: dict[str, frozenset[str]] = {}
    if codes_src is None:
        return code_maps, no_code
    if not codes_src.is_map:
        err("'codes' maps code tables to {canonical code: this system's code}", codes_src.mark)
        return code_maps, no_code
    for table, body, km in codes_src.items():
        if table not in canonical.TABLES:
            err(f"unknown code table {table!r}.", km, suggest(table, list(canonical.TABLES)))
            continue
        if not body.is_map:
            err(f"code table {table!r} maps canonical codes to this system's codes", body.mark)
            continue
        tbl = canonical.table(table)
        m: dict[str, str] = {}
        absent: set[str] = set()  # no warning for these: mapped to ~, or already an error
        nulls: set[str] = set()
        seen: dict[str, Mark] = {}
        for code, val, ckm in body.items():
            resolved = tbl.resolve(code)
            if resolved is None:
                err(f"{code!r} is not a code of table {table} (canonical codes: "
                    f"{', '.join(c.code for c in tbl.codes[:12])}…)", ckm)
                continue
            if resolved in seen:
                err(f"{code!r} is canonical code {resolved!r} of table {table}, already mapped at "
                    f"{seen[resolved].line}:{seen[resolved].col}", ckm)
                continue
            seen[resolved] = ckm
            if val.value is None:
                absent.add(resolved)
                nulls.add(resolved)
            elif isinstance(val.value, dict | list):
                err(f"the code for {code!r} in table {table} is one text or number (or ~ when the system "
                    "has none)", val.mark)
                absent.add(resolved)  # reported as an error already, not again as missing
            else:
                m[resolved] = str(val.value)
        code_maps[table] = m
        if nulls:
            no_code[table] = frozenset(nulls)
        for c in tbl.codes:
            if c.code not in m and c.code not in absent:
                problems.append(warning(
                    f"code map {table!r} has no value for canonical code {c.code!r} ({c.zh}): a record with it "
                    f"cannot be filled into {system_id}.", km,
                    f"Map it, or write {c.code!r}: ~ if the system has no such code."))
    return code_maps, no_code


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
