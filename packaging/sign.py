"""Sign and verify ClerkDesk's release artefacts: ``SHA256SUMS`` plus a detached minisign signature per file.

    python packaging/sign.py keygen KEYDIR              # KEYDIR/clerkdesk.key (secret) + KEYDIR/clerkdesk.pub
    python packaging/sign.py sign --key K.key DIST      # DIST/SHA256SUMS, DIST/<file>.minisig for each artefact
    python packaging/sign.py verify --pub K.pub DIST    # exit 0 only if every sum and signature checks

Signatures are minisign's own format (py-minisign writes them), so an IT admin without Python verifies with the
``minisign`` tool (Debian/UOS package ``minisign``; a single .exe on Windows): ``minisign -Vm FILE -p K.pub``.
Large files are signed prehashed (BLAKE2b-512, minisign's default since 0.8), so nothing is read into memory
whole. The secret key may be password-protected: its password comes from the variable ``MINISIGN_PASSWORD``.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
from pathlib import Path

import minisign

SUMS = "SHA256SUMS"
SKIP = (".minisig", ".pub", ".key")


def artefacts(dist: Path) -> list[Path]:
    """The files a release ships: every regular file of DIST except the sums, signatures and keys."""
    return sorted(p for p in dist.iterdir() if p.is_file() and p.name != SUMS and not p.name.endswith(SKIP)
                  and not p.name.startswith("."))  # a tool's temporary file is no artefact


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def keygen(keydir: Path) -> None:
    keydir.mkdir(parents=True, exist_ok=True)
    pair = minisign.KeyPair.generate()
    password = os.environ.get("MINISIGN_PASSWORD")
    if password:
        pair.secret_key.encrypt(password)
    secret = keydir / "clerkdesk.key"
    secret.write_bytes(b"untrusted comment: ClerkDesk release signing key (secret)\n"
                       + pair.secret_key.to_base64() + b"\n")
    secret.chmod(0o600)
    (keydir / "clerkdesk.pub").write_bytes(b"untrusted comment: ClerkDesk release signing key\n"
                                           + pair.public_key.to_base64() + b"\n")
    print(f"keys: {secret} (keep it off the build machine's shares) and {keydir / 'clerkdesk.pub'}")


def sign(key: Path, dist: Path) -> None:
    sk = minisign.SecretKey.from_file(key)
    if sk.is_encrypted():
        password = os.environ.get("MINISIGN_PASSWORD")
        if not password:
            sys.exit(f"sign: {key} is password-protected: set MINISIGN_PASSWORD")
        sk.decrypt(password)
    files = artefacts(dist)
    if not files:
        sys.exit(f"sign: nothing to sign in {dist}")
    sums = "".join(f"{sha256(f)}  {f.name}\n" for f in files)
    (dist / SUMS).write_text(sums, encoding="ascii")
    for f in [*files, dist / SUMS]:
        sig = sk.sign_file(f, prehash=True, trusted_comment=f"file:{f.name}")
        Path(f"{f}.minisig").write_bytes(bytes(sig))
        print(f"signed {f.name}")


def verify(pub: Path, dist: Path) -> list[str]:
    """Every problem found (empty: all good): a sum that differs, a file without a signature or sum, a bad
    signature, a signature whose trusted comment names another file (a renamed artefact)."""
    pk = minisign.PublicKey.from_file(pub)
    problems: list[str] = []
    sums_file = dist / SUMS
    if not sums_file.exists():
        return [f"{sums_file}: missing"]
    listed: dict[str, str] = {}
    for n, line in enumerate(sums_file.read_text(encoding="ascii").splitlines(), 1):
        digest, _, name = line.partition("  ")
        if not name:
            problems.append(f"{sums_file}:{n}: not 'SHA256  NAME'")
            continue
        listed[name] = digest
    for f in [*artefacts(dist), sums_file]:
        if f != sums_file:
            if f.name not in listed:
                problems.append(f"{f.name}: not in {SUMS}")
            elif sha256(f) != listed[f.name]:
                problems.append(f"{f.name}: SHA-256 differs from {SUMS}")
        sig_path = Path(f"{f}.minisig")
        if not sig_path.exists():
            problems.append(f"{f.name}: no signature ({sig_path.name})")
            continue
        try:
            sig = minisign.Signature.from_file(sig_path)
            pk.verify_file(f, sig)
        except minisign.Error as e:
            problems.append(f"{f.name}: bad signature ({e})")
            continue
        if sig.trusted_comment != f"file:{f.name}":
            problems.append(f"{f.name}: the signature was made for {sig.trusted_comment!r}")
    for name in listed:
        if not (dist / name).exists():
            problems.append(f"{name}: listed in {SUMS} but missing")
    return problems


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("keygen").add_argument("keydir", type=Path)
    s = sub.add_parser("sign")
    s.add_argument("--key", type=Path, required=True)
    s.add_argument("dist", type=Path)
    v = sub.add_parser("verify")
    v.add_argument("--pub", type=Path, required=True)
    v.add_argument("dist", type=Path)
    a = ap.parse_args(argv)
    if a.cmd == "keygen":
        keygen(a.keydir)
    elif a.cmd == "sign":
        sign(a.key, a.dist)
    else:
        problems = verify(a.pub, a.dist)
        for p in problems:
            print(f"verify: {p}", file=sys.stderr)
        if problems:
            return 1
        print(f"verified: {len(artefacts(a.dist))} artefacts in {a.dist}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
