"""Encryption at rest: AES-GCM with a key that never lives in the database.

The master key comes from the OS keyring where one works (extra
``clerkdesk[keyring]``), else from a key file with owner-only permissions:
``CLERKDESK_KEY_FILE`` or ``<config dir>/clerkdesk/keys/<store id>.key``.
Three keys are derived from it with HKDF: one encrypts records, one makes the
blind index (a keyed hash of ID numbers / credit codes for lookup) and one
signs the audit chain.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import sys
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from clerkdesk.errors import StoreKeyError

VERSION = b"\x01"


def config_dir() -> Path:
    if os.environ.get("CLERKDESK_CONFIG"):
        return Path(os.environ["CLERKDESK_CONFIG"])
    if sys.platform == "win32":
        return Path(os.environ.get("APPDATA", Path.home())) / "ClerkDesk"
    return Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "clerkdesk"


def key_file_path(store_id: str) -> Path:
    from clerkdesk.config import key_file  # the machine policy's key_dir, else CLERKDESK_KEY_FILE

    return key_file(store_id) or config_dir() / "keys" / f"{store_id}.key"


def _keyring():  # type: ignore[no-untyped-def]
    """The OS keyring if installed, enabled and backed by something real; else None."""
    from clerkdesk.config import keyring_allowed  # the machine policy, CLERKDESK_KEYRING

    if not keyring_allowed() or os.environ.get("CLERKDESK_KEY_FILE"):
        return None
    try:
        import keyring
        from keyring.backends import fail
    except ImportError:
        return None
    try:
        kr = keyring.get_keyring()
        if isinstance(kr, fail.Keyring) or getattr(kr, "priority", 0) <= 0:
            return None
        # keyrings.alt's file backends are no OS keyring (one is plaintext): only when an admin names one
        if type(kr).__module__.startswith("keyrings.alt") and not os.environ.get("PYTHON_KEYRING_BACKEND"):
            return None
        return keyring
    except Exception:
        return None


def load_key(store_id: str, *, create: bool) -> tuple[bytes, str]:
    """The master key for STORE_ID and where it came from. Creates one only when CREATE (a new database)."""
    kr = _keyring()
    if kr is not None:
        try:
            val = kr.get_password("clerkdesk", store_id)
            if val:
                return base64.b64decode(val), "OS keyring"
            if create:
                key = secrets.token_bytes(32)
                kr.set_password("clerkdesk", store_id, base64.b64encode(key).decode())
                return key, "OS keyring"
        except Exception:
            pass  # a keyring that fails at use falls back to the key file
    path = key_file_path(store_id)
    if path.is_dir():
        raise StoreKeyError(f"the key path {path} is a folder, not a key file: point CLERKDESK_KEY_FILE at the "
                            "key file itself (or remove the folder if it was made by mistake)")
    if path.exists():
        if os.name == "posix" and (mode := path.stat().st_mode) & 0o077:
            raise StoreKeyError(f"key file {path} has mode {mode & 0o777:04o}: {_who_can(mode)}; "
                                f"run: chmod 600 {path}")
        try:
            data = path.read_bytes().strip()
        except OSError as e:
            raise StoreKeyError(f"key file {path} cannot be read ({e.strerror})") from None
        try:
            key = base64.b64decode(data, validate=True)
        except ValueError:
            key = b""
        if len(key) != 32:
            raise StoreKeyError(f"key file {path} is damaged (expected 32 bytes, base64)")
        return key, str(path)
    if not create:
        raise StoreKeyError(
            f"the encryption key of this database was not found (looked in the OS keyring and at {path}). "
            "Restore the key file from your backup or point CLERKDESK_KEY_FILE at it; "
            "a new key would not open the existing data."
        )
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = secrets.token_bytes(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it a moment ago: use that one, never overwrite
        return load_key(store_id, create=False)
    with os.fdopen(fd, "wb") as fh:
        fh.write(base64.b64encode(key) + b"\n")
        fh.flush()
        os.fsync(fh.fileno())
    return key, str(path)


def _who_can(mode: int) -> str:
    """'other users can read and change it' for the group/other bits of MODE (why a key file is refused)."""
    can = [w for bits, w in ((0o044, "read"), (0o022, "change"), (0o011, "execute")) if mode & bits]
    return f"other users can {' and '.join(can)} it"


def _derive(master: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(master)


class Cipher:
    """Encrypts records, makes blind-index tokens and signs audit rows, all from one master key."""

    def __init__(self, master: bytes):
        self._aead = AESGCM(_derive(master, b"clerkdesk data v1"))
        self._index = _derive(master, b"clerkdesk blind index v1")
        self._audit = _derive(master, b"clerkdesk audit v1")
        self._checkpoint = _derive(master, b"clerkdesk audit checkpoint ed25519 v1")

    def encrypt(self, plaintext: bytes, aad: bytes = b"") -> bytes:
        nonce = secrets.token_bytes(12)
        return VERSION + nonce + self._aead.encrypt(nonce, plaintext, aad)

    def decrypt(self, blob: bytes, aad: bytes = b"") -> bytes:
        if not blob or blob[:1] != VERSION:
            raise StoreKeyError("encrypted value has an unknown format")
        try:
            return self._aead.decrypt(blob[1:13], blob[13:], aad)
        except InvalidTag:
            raise StoreKeyError("this key does not open the data (wrong key, or the data was altered)") from None

    def blind_index(self, kind: str, value: str) -> str:
        return hmac.new(self._index, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()

    def sign(self, text: str) -> str:
        return hmac.new(self._audit, text.encode(), hashlib.sha256).hexdigest()

    def checkpoint_key(self) -> Ed25519PrivateKey:
        """The Ed25519 key that signs audit checkpoints; its public half lets an auditor verify offline."""
        return Ed25519PrivateKey.from_private_bytes(self._checkpoint)
