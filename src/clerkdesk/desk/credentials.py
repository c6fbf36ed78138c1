"""Stored credentials: a login without a person, for systems that ask no captcha (issue 12 item 5, issue 17).

Tests, canaries and back-office workers (``clerkdesk worker``) run where nobody sits at the screen; a system
that logs in by user name and password alone can be logged in to by the recipe's ``login`` step with a
credential stored here. A credential is kept per system *and origin* (a training server has its own account)

- in the OS keyring (service ``clerkdesk-login``) when one works and the machine policy allows it
  (``keyring = false`` in the policy, or ``CLERKDESK_KEYRING=0``, says no), else
- sealed with the store's key (AES-GCM, the same key as the records) in the data folder under
  ``credentials/<system>@<origin>.bin``, so it is encrypted at rest like every personal record.

Never in a recipe, a run log, an audit entry or on a command line: ``clerkdesk login set`` prompts for the
password. The list of what is stored (``credentials/index.json``) holds names and places, no secret.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SERVICE = "clerkdesk-login"


@dataclass(frozen=True)
class Credential:
    username: str
    password: str = field(repr=False)  # never shown by a repr in a log or a traceback


def credential_name(system: str, origin: str) -> str:
    return f"{system}@{origin}"


class Credentials:
    """Set, get and forget the credential of a (system, origin). SEAL / UNSEAL: the store's encryption."""

    def __init__(self, home: Path, seal: Callable[[bytes, str], bytes], unseal: Callable[[bytes, str], bytes],
                 keyring: Any = None, *, use_keyring: bool = True):
        self.home = Path(home)
        self.seal, self.unseal = seal, unseal
        self._keyring = keyring
        self._use_keyring = use_keyring

    def keyring(self) -> Any:
        """The OS keyring to use, or None (not installed, no real backend, or the machine policy says no)."""
        if not self._use_keyring:
            return None
        if self._keyring is None:
            from clerkdesk.store.crypto import _keyring  # the store's own test of a usable, allowed keyring

            self._keyring = _keyring() or False
        return self._keyring or None

    def _file(self, name: str) -> Path:
        from clerkdesk.config import under
        from clerkdesk.drivers.web.session import origin_slug

        system, _, origin = name.partition("@")
        return under(self.home, "credentials", f"{system}@{origin_slug(origin)}.bin")

    def _index(self) -> dict[str, str]:
        p = self.home / "credentials" / "index.json"
        try:
            return dict(json.loads(p.read_text("utf-8")))
        except (OSError, ValueError):
            return {}

    def _write_index(self, index: dict[str, str]) -> None:
        p = self.home / "credentials" / "index.json"
        p.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        p.write_text(json.dumps(index, ensure_ascii=False, indent=1, sort_keys=True), "utf-8")

    def set(self, system: str, origin: str, username: str, password: str) -> str:
        """Store the credential; returns where it went ("OS keyring" or the sealed file)."""
        if not username or not password:
            from clerkdesk.errors import ClerkDeskError

            raise ClerkDeskError("用户名和密码都不能为空 (a credential needs a user name and a password)")
        name = credential_name(system, origin)
        blob = json.dumps({"username": username, "password": password})
        kr = self.keyring()
        where = ""
        if kr is not None:
            try:
                kr.set_password(SERVICE, name, blob)
                where = "OS keyring"
                with contextlib.suppress(OSError):
                    self._file(name).unlink()  # one place only
            except Exception:
                where = ""  # a keyring that fails at use: the sealed file
        if not where:
            p = self._file(name)
            p.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            p.write_bytes(self.seal(blob.encode(), f"credential:{name}"))
            with contextlib.suppress(OSError):
                p.chmod(0o600)
            where = str(p)
        index = self._index()
        index[name] = where
        self._write_index(index)
        return where

    def get(self, system: str, origin: str) -> Credential | None:
        """The credential for SYSTEM at ORIGIN, or None (none stored, or unreadable: a person logs in)."""
        name = credential_name(system, origin)
        raw: str | None = None
        kr = self.keyring()
        if kr is not None:
            with contextlib.suppress(Exception):
                raw = kr.get_password(SERVICE, name)
        if raw is None:
            p = self._file(name)
            if p.exists():
                with contextlib.suppress(Exception):
                    raw = self.unseal(p.read_bytes(), f"credential:{name}").decode()
        if not raw:
            return None
        try:
            d = json.loads(raw)
            return Credential(str(d["username"]), str(d["password"]))
        except (ValueError, KeyError, TypeError):
            return None

    def forget(self, system: str, origin: str) -> bool:
        """Remove the credential from wherever it is; True if there was one."""
        name = credential_name(system, origin)
        found = False
        kr = self.keyring()
        if kr is not None:
            with contextlib.suppress(Exception):
                if kr.get_password(SERVICE, name) is not None:
                    kr.delete_password(SERVICE, name)
                    found = True
        p = self._file(name)
        if p.exists():
            p.unlink()
            found = True
        index = self._index()
        found = index.pop(name, None) is not None or found
        self._write_index(index)
        return found

    def list(self) -> list[dict[str, str]]:
        """What is stored: system, origin and where (never the secret)."""
        out = []
        for name, where in sorted(self._index().items()):
            system, _, origin = name.partition("@")
            out.append({"system": system, "origin": origin, "where": where})
        return out
