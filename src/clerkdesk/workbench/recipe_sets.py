"""Recipe sets: a recipes folder published as a versioned, signed set, and pulled by workstations that verify it.

A supervisor signs with an Ed25519 key (``clerkdesk recipe keygen``); ``publish`` lints the folder, copies it to
``SHARE/<version>/`` with ``SET.json`` (format, version, when, by which key, the SHA-256 of every file) and
``SET.sig`` (the Ed25519 signature of ``SET.json``'s exact bytes). Versions are dotted numbers (``2026.12.1``)
and only ever increase on a share; a published version is never rewritten.

A workstation pulls from the share its configuration names (``CLERKDESK_RECIPE_SHARE``) and trusts only the
public keys it is given (``CLERKDESK_RECIPE_KEYS``). ``pull`` takes the newest set on the share, copies it to a
folder beside the recipes folder, verifies the copy (signature by a trusted key, every file's hash, no file
missing or added) and only then swaps it in, keeping the previous folder as ``<recipes>.previous``. It refuses,
naming the reason, an unsigned set, a bad or untrusted signature, a changed, missing or extra file, and a
version older than the installed one (a downgrade: an old set could bring back a fixed mistake); the newest set
failing verification is never silently replaced by an older one.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from clerkdesk.errors import ClerkDeskError

MANIFEST = "SET.json"
SIGNATURE = "SET.sig"
KEY_PREFIX = "clerkdesk-ed25519:"
VERSION_RE = re.compile(r"\d+(\.\d+)*")


class SetError(ClerkDeskError):
    """A recipe set cannot be published, verified or installed; the message says why and where."""

    exit_code = 1


@dataclass(frozen=True)
class SetInfo:
    version: str
    created: str
    key_id: str
    files: dict[str, str]  # relative path → sha256 hex
    folder: Path


def parse_version(text: str) -> tuple[int, ...]:
    if not VERSION_RE.fullmatch(text or ""):
        raise SetError(f"version {text!r}: use dotted numbers such as 2026.12.1 (they are compared as numbers)")
    return tuple(int(p) for p in text.split("."))


# --- keys ---------------------------------------------------------------------------------------------------

def generate_key(path: Path) -> str:
    """Write a new private signing key to PATH (owner-only) and return its public key for workstations."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    if path.exists():
        raise SetError(f"{path} exists: a signing key is never overwritten (workstations trust its public key)")
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(pem)
    return public_key_text(key.public_key())


def public_key_text(pub: object) -> str:
    from cryptography.hazmat.primitives import serialization

    raw = pub.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)  # type: ignore[attr-defined]
    return KEY_PREFIX + base64.b64encode(raw).decode()


def key_id(public_text: str) -> str:
    return hashlib.sha256(public_text.encode()).hexdigest()[:16]


def _load_private(path: Path) -> object:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError) as e:
        raise SetError(f"cannot read the signing key {path}: {e}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise SetError(f"{path} is not an Ed25519 key (make one with `clerkdesk recipe keygen`)")
    return key


def _load_public(text: str) -> object:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    t = text.strip()
    if not t.startswith(KEY_PREFIX):
        raise SetError(f"trusted key {t[:24]!r}…: expected {KEY_PREFIX}<base64> as `recipe keygen` printed it")
    try:
        return Ed25519PublicKey.from_public_bytes(base64.b64decode(t[len(KEY_PREFIX):], validate=True))
    except ValueError as e:
        raise SetError(f"trusted key {t[:24]!r}… is malformed: {e}") from None


# --- files -------------------------------------------------------------------------------------------------

def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 16), b""):
            h.update(chunk)
    return h.hexdigest()


def _files(folder: Path) -> dict[str, str]:
    """Every file of a set folder (hidden files and the set's own SET.* excluded), as relative POSIX paths."""
    out: dict[str, str] = {}
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder)
        if any(part.startswith(".") or part == "__pycache__" for part in rel.parts):
            continue
        if p.is_file() and rel.as_posix() not in (MANIFEST, SIGNATURE):
            out[rel.as_posix()] = _digest(p)
    return out


def versions_on(share: Path) -> list[tuple[tuple[int, ...], Path]]:
    """The set folders of SHARE, newest first (folders named like a version)."""
    if not share.is_dir():
        raise SetError(f"the recipe share {share} is not a folder (CLERKDESK_RECIPE_SHARE or --from)")
    found = [(parse_version(p.name), p) for p in share.iterdir() if p.is_dir() and VERSION_RE.fullmatch(p.name)]
    return sorted(found, reverse=True)


# --- publish -----------------------------------------------------------------------------------------------

def publish(source: Path, share: Path, version: str, key_file: Path, *, strict: bool = False) -> SetInfo:
    """Lint SOURCE, then write it to SHARE/VERSION as a signed set. VERSION must be above every set on SHARE."""
    from clerkdesk.recipe.lint import is_warning, lint

    wanted = parse_version(version)
    if not (source / "systems").is_dir():
        raise SetError(f"{source} is not a recipes folder (no systems/ in it)")
    problems, _ = lint([source], None)
    errors = [p for p in problems if strict or not is_warning(p)]
    if errors:
        raise SetError(f"{source} does not lint clean, nothing was published:\n  " + "\n  ".join(map(str, errors)))
    key = _load_private(key_file)
    share.mkdir(parents=True, exist_ok=True)
    existing = versions_on(share)
    if existing and existing[0][0] >= wanted:
        raise SetError(f"version {version} is not above the newest set on {share} ({existing[0][1].name}): "
                       "published versions only increase")
    files = _files(source)
    pub = public_key_text(key.public_key())  # type: ignore[attr-defined]
    manifest = {"format": 1, "version": version, "created": datetime.now(UTC).isoformat(timespec="seconds"),
                "key": key_id(pub), "files": files}
    body = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
    staging = Path(tempfile.mkdtemp(prefix=f".{version}.", dir=share))
    try:
        for rel in files:
            dst = staging / rel
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source / rel, dst)
        if _files(staging) != files:  # the folder changed while it was copied
            raise SetError(f"{source} changed while it was being published; try again")
        (staging / MANIFEST).write_bytes(body)
        (staging / SIGNATURE).write_text(base64.b64encode(key.sign(body)).decode() + "\n")  # type: ignore[attr-defined]
        os.rename(staging, share / version)  # the set appears whole or not at all
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return SetInfo(version, manifest["created"], manifest["key"], files, share / version)  # type: ignore[arg-type]


# --- verify and pull ---------------------------------------------------------------------------------------

def verify(folder: Path, trusted: list[str]) -> SetInfo:
    """Check FOLDER is a complete set signed by one of TRUSTED; raise SetError naming the first problem."""
    if not trusted:
        raise SetError("no trusted signing keys configured (CLERKDESK_RECIPE_KEYS or --key): every set is refused")
    mpath, spath = folder / MANIFEST, folder / SIGNATURE
    if not mpath.is_file():
        raise SetError(f"{folder} is not a published recipe set (no {MANIFEST})")
    if not spath.is_file():
        raise SetError(f"{folder} is unsigned (no {SIGNATURE}): refused")
    body = mpath.read_bytes()
    try:
        sig = base64.b64decode(spath.read_text().strip(), validate=True)
    except ValueError:
        raise SetError(f"{spath} is not a signature") from None
    from cryptography.exceptions import InvalidSignature

    signer = None
    for t in trusted:
        try:
            _load_public(t).verify(sig, body)  # type: ignore[attr-defined]
            signer = t
            break
        except InvalidSignature:
            continue
    if signer is None:
        raise SetError(f"{folder}: the signature is not by a trusted key, or {MANIFEST} was changed: refused")
    manifest = json.loads(body)
    version = str(manifest.get("version", ""))
    parse_version(version)
    if folder.name != version and VERSION_RE.fullmatch(folder.name):
        raise SetError(f"{folder}: the folder says version {folder.name} but the signed set is {version}: refused")
    want: dict[str, str] = dict(manifest.get("files") or {})
    got = _files(folder)
    changed = sorted(r for r in want if r in got and got[r] != want[r])
    missing = sorted(set(want) - set(got))
    extra = sorted(set(got) - set(want))
    if changed or missing or extra:
        what = "; ".join(x for x in (f"changed: {', '.join(changed)}" if changed else "",
                                     f"missing: {', '.join(missing)}" if missing else "",
                                     f"not in the signed list: {', '.join(extra)}" if extra else "") if x)
        raise SetError(f"{folder} does not match its signed list ({what}): refused")
    return SetInfo(version, str(manifest.get("created", "")), key_id(signer), want, folder)


def installed_version(into: Path) -> str | None:
    """The version of the set installed in INTO (from its SET.json), None if none was installed by pull."""
    m = into / MANIFEST
    if not m.is_file():
        return None
    try:
        return str(json.loads(m.read_bytes()).get("version")) or None
    except ValueError:
        return None


@dataclass(frozen=True)
class Pulled:
    installed: SetInfo | None  # None: nothing to do
    previous: str | None
    message: str


def pull(share: Path, into: Path, trusted: list[str]) -> Pulled:
    """Install the newest set of SHARE into INTO if it verifies and is newer than the installed one."""
    sets = versions_on(share)
    if not sets:
        raise SetError(f"no recipe sets on {share} (folders named like 2026.12.1)")
    newest_v, newest = sets[0]
    current = installed_version(into)
    if current is not None and parse_version(current) > newest_v:
        raise SetError(f"the newest set on {share} is {newest.name}, older than the installed {current}: "
                       "a downgrade is refused (ask the supervisor to publish a higher version)")
    if current is not None and parse_version(current) == newest_v:
        verify(into, trusted)  # same version: make sure the installed copy is still intact
        return Pulled(None, current, f"already up to date: {current}")
    verify(newest, trusted)  # fail early, before copying anything
    into = into.resolve()
    into.parent.mkdir(parents=True, exist_ok=True)  # a first pull to a new place (the staging goes beside it)
    staging = Path(tempfile.mkdtemp(prefix=f".{into.name}.incoming.", dir=into.parent))
    try:
        shutil.rmtree(staging)
        shutil.copytree(newest, staging, symlinks=False)
        info = verify(staging, trusted)  # verify the copy itself: the share may change under us
        if info.version != newest.name:
            raise SetError(f"{newest}: signed version {info.version} ≠ folder {newest.name}: refused")
        previous = into.with_name(into.name + ".previous")
        if previous.exists():
            shutil.rmtree(previous)
        if into.exists():
            os.rename(into, previous)
        os.rename(staging, into)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Pulled(SetInfo(info.version, info.created, info.key_id, info.files, into), current,
                  f"installed recipe set {info.version}" + (f" (was {current})" if current else ""))


def trusted_keys(given: tuple[str, ...] = ()) -> list[str]:
    """Keys given on the command line, else ``CLERKDESK_RECIPE_KEYS`` (separated by commas, spaces or lines)."""
    if given:
        return [k for g in given for k in re.split(r"[\s,]+", g) if k]
    return [k for k in re.split(r"[\s,]+", os.environ.get("CLERKDESK_RECIPE_KEYS", "")) if k]


# --- which set a run used ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class SetStamp:
    """Which recipe set a run used, as kept with the run (the ``runs`` columns ``set_id``, ``set_version``,
    ``set_sig``). All three are None for a recipes folder that was never published and pulled (a supervisor's
    working copy, a test): nothing is claimed that was not signed.

    - ``set_id``: the first 16 hex digits of the SHA-256 of the set's ``SET.json``. The manifest lists every
      file's hash, so this names the exact files, even between two sets that reuse a version on different shares.
    - ``set_version``: the signed version; ``+local`` is appended when the run's own recipe or system file no
      longer matches the signed list (edited on the workstation after the pull), so a run is never credited to a
      set whose files it did not use.
    - ``set_sig``: ``<signing key id>:<first 16 hex digits of the SHA-256 of SET.sig>``, so an auditor can tell
      which key signed what the run used without the share at hand.
    """

    set_id: str | None = None
    set_version: str | None = None
    set_sig: str | None = None

    def columns(self) -> dict[str, str | None]:
        return {"set_id": self.set_id, "set_version": self.set_version, "set_sig": self.set_sig}

    def words(self) -> str:
        """One line for a person: ``2026.12.1 (set 1a2b…, key 3c4d…)`` or that the folder is not a signed set."""
        if self.set_version is None:
            return "unpublished recipes folder (not a signed set)"
        local = " — its recipe was changed on this workstation after the pull" if self.local else ""
        key = (self.set_sig or "").split(":")[0]
        return f"{self.set_version} (set {self.set_id}" + (f", key {key}" if key else ", unsigned") + ")" + local

    @property
    def local(self) -> bool:
        return bool(self.set_version and self.set_version.endswith("+local"))


def stamp(folder: Path, used: list[Path]) -> SetStamp:
    """The stamp of the set installed in FOLDER for a run that uses the files USED (its recipe, its system).

    Only USED are hashed, not the whole set: this runs at every case opening, and the recipes folder may be a
    read-only network share. The signature was verified when the set was pulled; here a changed file of the
    run's own recipe shows as ``+local`` rather than being refused, so a hot-fixed recipe still fills and its
    runs say so.
    """
    mpath = folder / MANIFEST
    if not mpath.is_file():
        return SetStamp()
    body = mpath.read_bytes()
    try:
        manifest = json.loads(body)
        version = str(manifest["version"])
        files: dict[str, str] = dict(manifest.get("files") or {})
    except (ValueError, KeyError, TypeError):
        return SetStamp(hashlib.sha256(body).hexdigest()[:16], "?+local", None)
    sig_file = folder / SIGNATURE
    sig = None
    if sig_file.is_file():
        sig = f"{manifest.get('key', '?')}:{hashlib.sha256(sig_file.read_bytes().strip()).hexdigest()[:16]}"
    root = folder.resolve()
    for p in used:
        try:
            rel = Path(p).resolve().relative_to(root).as_posix()
        except ValueError:  # a file from outside the set
            version += "+local"
            break
        if not Path(p).is_file() or files.get(rel) != _digest(Path(p)):
            version += "+local"
            break
    return SetStamp(hashlib.sha256(body).hexdigest()[:16], version, sig)
