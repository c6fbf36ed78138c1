"""The build host's system libraries: left out of a frozen app for older systems, and declared as Depends instead.

    python packaging/glibc228/system_libs.py depends APP_FOLDER     → "libxcb1, libfontconfig1, …" on stdout

PyInstaller copies every shared library a bundled module links, the build host's system libraries included
(libxcb*, fontconfig, GLib, libstdc++ …). Those are built for the host's glibc (2.36 on Debian 12) and would not
load on UOS 20 / Kylin V10 (glibc 2.28). The UOS build (``packaging/build.sh deb228``) leaves them out instead —
:func:`split_binaries`, called from the PyInstaller spec when ``CLERKDESK_SYSTEM_LIBS=depend`` — so the target
uses its own copies, and the .deb names the packages that provide them: :func:`depends` reads the ``NEEDED``
entries (``readelf -d``) of every ELF file of the built folder, keeps the libraries no file in the folder provides
and glibc does not (``libc6 (>= …)`` covers those), and asks dpkg which package owns each on this host
(``dpkg -S``). A package renamed between Debian 10 (UOS 20 / Kylin V10's base) and 12 for the same library is
written as an alternative (``libgcc-s1 | libgcc1``).

Exit 0 with the Depends list; exit 1 (one line each, no traceback) when a needed library belongs to no package
on this host (it cannot be declared, so the .deb would not start), or the folder cannot be read.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

# where a Debian-family system keeps its libraries (with /lib → /usr/lib on merged-/usr systems)
SYSTEM_DIRS = ("/lib", "/lib64", "/usr/lib", "/usr/lib64")
# glibc's own libraries: the .deb's "libc6 (>= x.y)" covers them; the loader refuses nothing else of glibc
GLIBC_SONAMES = frozenset({
    "libc.so.6", "libm.so.6", "libpthread.so.0", "libdl.so.2", "librt.so.1", "libutil.so.1", "libresolv.so.2",
    "libanl.so.1", "libnsl.so.1", "libBrokenLocale.so.1", "libmvec.so.1", "ld-linux-x86-64.so.2",
    "ld-linux-aarch64.so.1", "ld-linux-loongarch-lp64d.so.1",
})
# same library (same soname), another package name on Debian 10 / UOS 20 / Kylin V10
RENAMED = {"libgcc-s1": "libgcc-s1 | libgcc1", "libgdk-pixbuf-2.0-0": "libgdk-pixbuf-2.0-0 | libgdk-pixbuf2.0-0"}
_NEEDED = re.compile(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]")


class LibsError(Exception):
    """Reported as one line naming the place, never as a traceback."""


def is_system_library(src: str | os.PathLike[str], keep_under: Sequence[str | os.PathLike[str]] = ()) -> bool:
    """Is ``src`` (a file PyInstaller collected) one of the host's system libraries? True for a file under
    /lib, /usr/lib (…64) once symbolic links are resolved, unless it lies under one of ``keep_under`` (the
    build's own Python and its packages, which may sit anywhere)."""
    path = Path(os.path.realpath(src))
    for keep in keep_under:
        if path.is_relative_to(os.path.realpath(keep)):
            return False
    return any(path.is_relative_to(os.path.realpath(d)) for d in SYSTEM_DIRS if os.path.isdir(d))


def split_binaries(binaries: Iterable[tuple[str, str, str]], keep_under: Sequence[str | os.PathLike[str]] = ()
                   ) -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str]]]:
    """PyInstaller's ``a.binaries`` (``(dest, src, typecode)`` entries) → (kept, left out: system libraries)."""
    kept, left_out = [], []
    for entry in binaries:
        (left_out if is_system_library(entry[1], keep_under) else kept).append(entry)
    return kept, left_out


def _is_elf(path: Path) -> bool:
    try:
        with path.open("rb") as f:
            return f.read(4) == b"\x7fELF"
    except OSError:
        return False


def needed(path: Path, readelf: str) -> list[str]:
    p = subprocess.run([readelf, "-d", "-W", str(path)], capture_output=True, text=True, errors="replace")
    if p.returncode != 0:
        raise LibsError(f"{path}: readelf cannot read it: {p.stderr.strip()[:200]}")
    return _NEEDED.findall(p.stdout)


def external_libraries(root: Path) -> dict[str, list[Path]]:
    """Each library some ELF file under ``root`` needs that neither the folder nor glibc provides → its users."""
    readelf = shutil.which("readelf")
    if not readelf:
        raise LibsError("readelf is missing (Debian/UOS package binutils)")
    if not root.is_dir():
        raise LibsError(f"{root}: not a folder (expected a built app folder)")
    files = [Path(d) / n for d, _, names in os.walk(root) for n in names]
    provided = {f.name for f in files}
    users: dict[str, list[Path]] = {}
    for f in sorted(files):
        if f.is_symlink() or not f.is_file() or not _is_elf(f):
            continue
        for soname in needed(f, readelf):
            if soname not in provided and soname not in GLIBC_SONAMES:
                users.setdefault(soname, []).append(f)
    return users


def owning_package(soname: str) -> str | None:
    """The Debian package that ships ``soname`` on this host (``dpkg -S``), without its ``:arch``."""
    p = subprocess.run(["dpkg", "-S", f"*/{soname}"], capture_output=True, text=True)
    for line in p.stdout.splitlines():
        if line.startswith("diversion "):
            continue
        pkgs, _, path = line.partition(": ")
        if Path(path.strip()).name == soname:
            return pkgs.split(",")[0].strip().split(":")[0]
    return None


def depends(root: Path) -> tuple[list[str], dict[str, list[Path]]]:
    """(the Depends entries for what ``root`` needs of the system, sorted; libraries no package ships → users)."""
    if not shutil.which("dpkg"):
        raise LibsError("dpkg is missing: the packages of the system libraries are read from dpkg's database")
    entries: set[str] = set()
    unowned: dict[str, list[Path]] = {}
    for soname, users in external_libraries(root).items():
        pkg = owning_package(soname)
        if pkg is None:
            unowned[soname] = users
        else:
            entries.add(RENAMED.get(pkg, pkg))
    return sorted(entries), unowned


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2 or args[0] != "depends":
        print("usage: system_libs.py depends APP_FOLDER", file=sys.stderr)
        return 1
    root = Path(args[1])
    try:
        entries, unowned = depends(root)
    except LibsError as e:
        print(f"system_libs: {e}", file=sys.stderr)
        return 1
    if unowned:
        for soname, users in sorted(unowned.items()):
            shown = ", ".join(str(u.relative_to(root)) for u in users[:3])
            print(f"system_libs: {soname} (needed by {shown}) belongs to no installed Debian package, so the .deb "
                  "cannot declare it: install the package that provides it on the build host, or bundle it",
                  file=sys.stderr)
        return 1
    print(", ".join(entries))
    return 0


if __name__ == "__main__":
    sys.exit(main())
