"""Where things live and who may do what: the machine policy, then the user's settings, then defaults.

An IT admin configures a service-hall workstation with one machine-wide file that clerks cannot change:
``/etc/clerkdesk/config.toml`` on Linux, ``%ProgramData%\\ClerkDesk\\config.toml`` on Windows (see
packaging/README.md for every key). A setting the policy names is fixed: ``--home`` or a ``CLERKDESK_*``
variable that tries to change it is an error naming the policy file and key, never silently obeyed. Settings the
policy leaves out keep their per-user variables and defaults. ``allow_environment = true`` in the policy hands
every setting back to the variables (development and test machines only).

``CLERKDESK_POLICY`` names another policy file instead of the machine's; it is honoured only where there is no
machine policy or the machine policy allows the environment, so a clerk cannot point it at a file of their own.

Supervisors: when the policy names ``supervisor_groups``, a supervisor is an OS user in one of those groups
(Linux groups of the running process; Windows local or domain groups of the logged-on user's token). The clerk's
name (``--clerk`` / ``CLERKDESK_CLERK``) is only what the audit log calls them and grants nothing then.
Without such a policy, ``CLERKDESK_SUPERVISORS`` (names) remains for single-desk halls, development and tests.
"""

from __future__ import annotations

import getpass
import os
import re
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from clerkdesk.errors import ConfigError


def system_policy_path() -> Path:
    """The machine policy's fixed place (only an administrator can write there)."""
    if sys.platform == "win32":
        return Path(os.environ.get("PROGRAMDATA") or r"C:\ProgramData") / "ClerkDesk" / "config.toml"
    return Path("/etc/clerkdesk/config.toml")


# key → (type, the environment variable it locks, what it means). The variable of a key is what a user could
# otherwise use to change it; a policy key without a variable has no per-user counterpart.
KEYS: dict[str, tuple[type, str | None, str]] = {
    "data_dir": (str, "CLERKDESK_HOME", "data folder; {user} is the OS user's name"),
    "key_dir": (str, "CLERKDESK_KEY_FILE", "folder of the key files (<store id>.key); {user} as above"),
    "keyring": (bool, "CLERKDESK_KEYRING", "false: never keep the key in the OS keyring"),
    "recipes": (str, "CLERKDESK_RECIPES", "the published recipes folder (a read-only share)"),
    "browser": (str, "CLERKDESK_BROWSER", "the browser executable"),
    "upstream_proxy": (str, "CLERKDESK_UPSTREAM_PROXY", "http://host:port the egress proxy connects through"),
    "supervisor_groups": (list, "CLERKDESK_SUPERVISORS", "OS groups whose members are supervisors"),
    "audit_sinks": (list, None, "append-only copies of the audit head: file:/share/{host}.log, syslog, "
                                "syslog:/socket, syslog://host:port (store/sink.py)"),
    "allow_environment": (bool, None, "true: CLERKDESK_* variables override this file (test machines)"),
    "store.url": (str, "CLERKDESK_DATABASE_URL",
                  "the hall's shared store, postgresql://user@host:port/db (unset: the data folder's SQLite file)"),
}


@dataclass(frozen=True)
class Policy:
    """A parsed policy file (or none: ``path`` None and every value unset)."""

    path: Path | None = None
    values: dict[str, Any] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)

    @property
    def allow_environment(self) -> bool:
        return self.path is None or bool(self.values.get("allow_environment", False))

    def where(self, key: str) -> str:
        """``file:line: key`` for messages that must tell the admin exactly what to look at."""
        return f"{self.path}:{self.lines.get(key, 1)}: {key}"


def _line_of(text: str, key: str) -> int:
    m = re.search(rf"^[ \t]*{re.escape(key)}[ \t]*=", text, re.MULTILINE)
    if m is None and "." in key:  # written as a table: [store] … url = …
        m = re.search(rf"^[ \t]*{re.escape(key.rsplit('.', 1)[1])}[ \t]*=", text, re.MULTILINE)
    return text.count("\n", 0, m.start()) + 1 if m else 1


def load_policy(path: Path) -> Policy:
    """Parse and check a policy file. Every mistake is a ConfigError naming ``file:line``: a broken policy stops
    ClerkDesk instead of being skipped, because skipping it would quietly lift what it forbids."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise ConfigError(f"{path}: the machine policy cannot be read ({e.strerror or e})") from e
    except UnicodeDecodeError as e:
        raise ConfigError(f"{path}: the machine policy is not UTF-8 text") from e
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: not valid TOML: {e}") from e
    raw = _flat(raw)
    return _checked(Policy(path, {}, {k: _line_of(text, k) for k in raw}), raw)


def _flat(raw: dict[str, Any]) -> dict[str, Any]:
    """TOML tables as dotted keys: ``store.url = "…"`` and ``[store] url = "…"`` both give ``store.url``."""
    out: dict[str, Any] = {}
    for k, v in raw.items():
        if isinstance(v, dict):
            out.update({f"{k}.{sk}": sv for sk, sv in _flat(v).items()})
        else:
            out[k] = v
    return out


def _checked(pol: Policy, raw: dict[str, Any]) -> Policy:
    """``pol`` with the values of ``raw`` after checking each one (the same rules for a file and the registry)."""
    for key, value in raw.items():
        if key not in KEYS:
            near = [k for k in KEYS if k.split("_")[0] in key or key.split("_")[0] in k]
            hint = f" (did you mean {', '.join(near)}?)" if near else f" (known: {', '.join(KEYS)})"
            raise ConfigError(f"{pol.where(key)}: unknown setting{hint}")
        kind = KEYS[key][0]
        if not isinstance(value, kind):
            raise ConfigError(f"{pol.where(key)}: must be a {_kind_name(kind)}, not {_kind_name(type(value))}")
        if key == "supervisor_groups":
            if not all(isinstance(g, str) and g.strip() for g in value):
                raise ConfigError(f"{pol.where(key)}: must be a list of group names (strings)")
            value = tuple(g.strip() for g in value)
        elif key in ("data_dir", "key_dir", "recipes", "browser"):
            if not _is_absolute(value):
                raise ConfigError(f"{pol.where(key)}: must be an absolute path, not {value!r}")
        elif key == "upstream_proxy":
            _check_proxy(value, pol.where(key))
        elif key == "audit_sinks":
            from clerkdesk.store.sink import parse_sink

            if not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{pol.where(key)}: must be a list of sinks (strings)")
            value = tuple(parse_sink(v, pol.where(key)) for v in value)
        elif key == "store.url":
            _check_store_url(value, pol.where(key))
        pol.values[key] = value
    return pol


def _kind_name(kind: type) -> str:
    return {str: "string", bool: "true/false", list: "list", int: "number", float: "number",
            dict: "table"}.get(kind, kind.__name__)


def _is_absolute(p: str) -> bool:
    # a UNC share (\\server\share\recipes) is absolute on Windows; both forms are accepted in either file
    return Path(p).is_absolute() or p.startswith("\\\\") or bool(re.match(r"^[A-Za-z]:[\\/]", p))


def _check_store_url(value: str, where: str) -> None:
    if urlsplit(value).scheme not in ("postgresql", "postgres"):
        raise ConfigError(f"{where}: must be a postgresql://user@host:port/database URL, not {value!r}")


def redact_url(url: str) -> str:
    """URL without its password, for messages and ``clerkdesk config``."""
    parts = urlsplit(url)
    if parts.password:
        return parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@")).geturl()
    return url


def store_url() -> str | None:
    """The shared store's URL (machine policy ``store.url``, else ``CLERKDESK_DATABASE_URL``); None: the data
    folder's own SQLite file, as before."""
    value, source = _setting("store.url")
    if not value:
        return None
    if source == "environment":
        _check_store_url(str(value), "CLERKDESK_DATABASE_URL")
    return str(value)


def _check_proxy(value: str, where: str) -> None:
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError as e:
        raise ConfigError(f"{where}: not a proxy address ({e})") from e
    if parts.scheme not in ("http", "socks5") or not parts.hostname or not port:
        raise ConfigError(f"{where}: write it as http://host:port (or socks5://host:port), not {value!r}")


REGISTRY_KEY = r"Software\Policies\ClerkDesk"


def registry_values(read: Any = None) -> dict[str, Any]:
    """The values under ``HKLM\\Software\\Policies\\ClerkDesk`` (Group Policy, or the MSI's RECIPES= and
    SUPERVISOR_GROUPS=), as policy keys. Strings as written; ``supervisor_groups`` comma-separated; DWORD 0/1 for
    true/false; an empty string is "not set" (the MSI always writes both values). ``read`` yields (name, value)
    pairs and replaces winreg, so the conversion is tested off Windows; the winreg part itself never ran here."""
    if read is None:
        if sys.platform != "win32":
            return {}
        read = _winreg_pairs  # pragma: no cover - Windows only
    raw: dict[str, Any] = {}
    for name, value in read():
        if isinstance(value, str):
            value = value.strip()
            if not value:
                continue
            if name == "supervisor_groups":
                value = [g.strip() for g in value.replace(";", ",").split(",") if g.strip()]
            elif KEYS.get(name, (str,))[0] is bool:
                value = value.lower() in ("1", "true", "yes")
        elif isinstance(value, int) and KEYS.get(name, (str,))[0] is bool:
            value = bool(value)
        raw[name] = value
    return raw


def _winreg_pairs() -> list[tuple[str, Any]]:  # pragma: no cover - Windows only, untested (no Windows machine)
    import winreg

    try:
        key = winreg.OpenKey(winreg.HKEY_LOCAL_MACHINE, REGISTRY_KEY, 0, winreg.KEY_READ | winreg.KEY_WOW64_64KEY)
    except OSError:
        return []
    pairs = []
    with key:
        i = 0
        while True:
            try:
                name, value, _ = winreg.EnumValue(key, i)
            except OSError:
                return pairs
            pairs.append((name, value))
            i += 1


def policy() -> Policy:
    """The policy in force: the machine's, or ``CLERKDESK_POLICY``'s where that is allowed, or none.
    On Windows the registry's policy values are added to the file's, and win where both set a key."""
    system = system_policy_path()
    pol = load_policy(system) if system.exists() else Policy()
    reg = registry_values()
    if reg:  # pragma: no cover - Windows only
        pol = _checked(Policy(pol.path or Path("HKLM") / REGISTRY_KEY, dict(pol.values), dict(pol.lines)), reg)
    override = os.environ.get("CLERKDESK_POLICY")
    if override and Path(override) != system:
        if not pol.allow_environment:
            raise ConfigError(f"CLERKDESK_POLICY is not allowed on this machine: its policy {system} does not "
                              f"say allow_environment = true (unset the variable)")
        pol = load_policy(Path(override))
    return pol


def _setting(key: str, env_value: Any | None = None) -> tuple[Any | None, str]:
    """The value of one setting and where it came from (``policy``, ``environment`` or ``default``).

    A policy value wins unless the policy allows the environment; a variable that disagrees with it then is an
    error, so a clerk (or a profile script) setting it learns at once that it has no effect here."""
    pol = policy()
    var = KEYS[key][1]
    if env_value is None and var:
        env_value = os.environ.get(var) or None
    if key in pol.values:
        if env_value is not None and pol.allow_environment:
            return env_value, "environment"
        if env_value is not None and not _same(key, env_value, pol.values[key]):
            raise ConfigError(f"{pol.where(key)} is set by the machine policy; {var or key} may not change it "
                              f"here (unset it, or ask IT to change the policy)")
        return pol.values[key], "policy"
    return env_value, ("environment" if env_value is not None else "default")


def _same(key: str, a: Any, b: Any) -> bool:
    if key in ("data_dir", "key_dir", "recipes", "browser"):
        return Path(_expand(str(a))) == Path(_expand(str(b)))
    return str(a).strip().lower() == str(b).strip().lower()


def os_user() -> str:
    """The logged-on OS user: who the OS says runs this process (never ``--clerk``)."""
    return getpass.getuser()


def _expand(p: str) -> str:
    return p.replace("{user}", os_user())


def default_home(explicit: Path | None = None) -> Path:
    """The data folder: the policy's ``data_dir``, else ``--home`` / ``CLERKDESK_HOME``, else the OS default."""
    value, _ = _setting("data_dir", str(explicit) if explicit else None)
    if value:
        return Path(_expand(str(value)))
    if sys.platform == "win32":
        return Path(os.environ.get("LOCALAPPDATA", Path.home())) / "ClerkDesk"
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "clerkdesk"


def key_file(store_id: str) -> Path | None:
    """Where the key file of ``store_id`` must be, when the policy or ``CLERKDESK_KEY_FILE`` says; None leaves
    it to the store's default (the OS keyring, else the user's config folder)."""
    pol = policy()
    env = os.environ.get("CLERKDESK_KEY_FILE") or None
    if "key_dir" in pol.values:
        fixed = Path(_expand(pol.values["key_dir"])) / f"{store_id}.key"
        if env is not None and pol.allow_environment:
            return Path(env)
        if env is not None and Path(env) != fixed:
            raise ConfigError(f"{pol.where('key_dir')} is set by the machine policy; CLERKDESK_KEY_FILE may not "
                              f"change it here (unset it, or ask IT to change the policy)")
        return fixed
    return Path(env) if env else None


def keyring_allowed() -> bool:
    """False when the policy fixes the key folder or says ``keyring = false``, or ``CLERKDESK_KEYRING=0``."""
    pol = policy()
    if "key_dir" in pol.values and not (pol.allow_environment and os.environ.get("CLERKDESK_KEY_FILE")):
        return False
    env = os.environ.get("CLERKDESK_KEYRING")
    value, _ = _setting("keyring", None if env is None else env not in ("0", "false", "no"))
    return value is None or bool(value)


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
    """The policy's ``recipes``, else ``CLERKDESK_RECIPES``, else the ``recipes/`` folder of the source
    checkout, else the one an install put beside its program (the offline bundle's ``<dest>/recipes`` beside
    ``<dest>/venv``; the self-contained build's ``recipes/`` beside its ``_internal``).

    When none holds recipes, the install's place is returned: the catalog's "no recipes at …" then names the
    folder IT staff should fill (the wheel ships no recipes of its own)."""
    value, _ = _setting("recipes")
    if value:
        return Path(value)
    here = Path(__file__).resolve()
    installed = Path(sys.prefix).parent / "recipes"
    for cand in (here.parents[2] / "recipes", installed):
        if (cand / "systems").is_dir():
            return cand
    return installed


def browser() -> str | None:
    """The configured browser executable (policy ``browser`` or ``CLERKDESK_BROWSER``); None: find one."""
    value, _ = _setting("browser")
    return str(value) if value else None


def upstream_proxy() -> str | None:
    """``http://host:port`` of the hall's upstream proxy (政务外网 halls reach ministry systems only through
    one), from the policy or ``CLERKDESK_UPSTREAM_PROXY``.

    The egress proxy (``drivers/web/egress.py``) uses it: an allowed ``host:port`` is reached through a
    ``CONNECT host:port`` tunnel on this proxy, never directly."""
    env = os.environ.get("CLERKDESK_UPSTREAM_PROXY") or None
    if env is not None:
        _check_proxy(env, "CLERKDESK_UPSTREAM_PROXY")
    value, _ = _setting("upstream_proxy")
    return str(value) if value else None


# --- supervisors --------------------------------------------------------------------------------------


def supervisor_groups() -> tuple[str, ...] | None:
    """The OS groups the policy makes supervisors, or None when the policy names none."""
    groups = policy().values.get("supervisor_groups")
    return tuple(groups) if groups is not None else None


def supervisors() -> frozenset[str] | None:
    """Clerk names allowed a supervisor's actions by ``CLERKDESK_SUPERVISORS`` (commas or spaces); None when
    unset, which leaves them to every clerk (a single-desk hall). Not consulted when the policy names groups."""
    raw = os.environ.get("CLERKDESK_SUPERVISORS")
    if raw is None or not raw.strip():
        return None
    return frozenset(n for n in raw.replace("，", ",").replace(",", " ").split() if n)


def os_groups() -> frozenset[str]:
    """Names of the groups the running process belongs to (Linux/macOS): its real and effective group and its
    supplementary groups, as the OS set them at login — not a name anyone typed. A user added to a group
    gets it at their next login, as with every other program."""
    import grp

    names = set()
    for gid in {*os.getgroups(), os.getgid(), os.getegid()}:
        try:
            names.add(grp.getgrgid(gid).gr_name)
        except KeyError:  # a gid without a name (a container's): it cannot match a named group
            continue
    return frozenset(names)


def _windows_member_of(group: str) -> bool:  # pragma: no cover - needs Windows; never run on this project's CI
    """Whether the logged-on user's token holds ``group`` (``NAME``, ``COMPUTER\\NAME`` or ``DOMAIN\\NAME``).

    LookupAccountNameW turns the name into a SID (local groups and, on a domain member, AD groups);
    CheckTokenMembership asks the process's own token, so it sees exactly the groups Windows granted at logon,
    including nested domain groups. Untested: no Windows machine was available (see packaging/README.md)."""
    import ctypes
    from ctypes import wintypes

    advapi = ctypes.WinDLL("advapi32", use_last_error=True)
    sid_size, dom_size, use = wintypes.DWORD(0), wintypes.DWORD(0), wintypes.DWORD(0)
    advapi.LookupAccountNameW(None, group, None, ctypes.byref(sid_size), None, ctypes.byref(dom_size),
                              ctypes.byref(use))
    if not sid_size.value:
        return False  # no such group
    sid = ctypes.create_string_buffer(sid_size.value)
    dom = ctypes.create_unicode_buffer(dom_size.value)
    if not advapi.LookupAccountNameW(None, group, sid, ctypes.byref(sid_size), dom, ctypes.byref(dom_size),
                                     ctypes.byref(use)):
        return False
    member = wintypes.BOOL(False)
    if not advapi.CheckTokenMembership(None, sid, ctypes.byref(member)):
        return False
    return bool(member.value)


def supervisor_refusal(clerk: str) -> str | None:
    """Why ``clerk`` (as named in the audit log) may not act as a supervisor here; None when they may."""
    groups = supervisor_groups()
    if groups is not None:
        if sys.platform == "win32":  # pragma: no cover - Windows only
            if any(_windows_member_of(g) for g in groups):
                return None
        elif os_groups() & set(groups):
            return None
        return (f"the OS user {os_user()} is in none of the supervisor groups {', '.join(groups) or '(none)'} "
                f"named by {policy().where('supervisor_groups')}")
    names = supervisors()
    if names is not None and clerk not in names:
        return f"{clerk} is not named in CLERKDESK_SUPERVISORS"
    return None


def describe() -> list[tuple[str, str, str]]:
    """Every setting as (key, value, source) for ``clerkdesk config``: what an admin checks after a rollout."""
    pol = policy()
    rows = [("policy", str(pol.path) if pol.path else f"(none; would be {system_policy_path()})",
             "environment" if pol.path and pol.path != system_policy_path() else "machine")]
    for key in KEYS:
        if key in ("allow_environment", "supervisor_groups", "key_dir"):
            continue
        value, source = _setting(key)
        if key == "data_dir":
            value = default_home()
        elif key == "recipes":
            value = recipes_dir()
        elif key == "keyring":
            value = "yes" if keyring_allowed() else "no"
        elif key == "audit_sinks":
            value = ", ".join(value or ()) or "(none: the anchor beside the key only)"
        elif not value:
            value = {"browser": "(found at run time: Chromium, Chrome or Edge)",
                     "upstream_proxy": "(none: direct connections)",
                     "store.url": "(none: the data folder's own SQLite file)"}[key]
        elif key == "store.url":
            value = redact_url(str(value))
        rows.append((key, str(value), source))
    kf = key_file("<store id>")  # also refuses a CLERKDESK_KEY_FILE the policy forbids
    rows.append(("key_file", str(kf) if kf else "(OS keyring, else the user's config folder)",
                 "policy" if "key_dir" in pol.values and not (pol.allow_environment and
                                                              os.environ.get("CLERKDESK_KEY_FILE"))
                 else "environment" if kf else "default"))
    groups = supervisor_groups()
    if groups is not None:
        mine = os_groups() if sys.platform != "win32" else frozenset()
        rows.append(("supervisor_groups", ", ".join(groups), "policy"))
        rows.append(("you are a supervisor", "yes" if supervisor_refusal("") is None else "no",
                     f"OS user {os_user()}, groups {', '.join(sorted(mine)) or '?'}"))
    else:
        names = supervisors()
        rows.append(("supervisors", "every clerk" if names is None else ", ".join(sorted(names)),
                     "environment" if names is not None else "default"))
    rows.append(("allow_environment", str(pol.allow_environment).lower(), "policy" if pol.path else "default"))
    return rows
