"""Which ELF files of a build need a glibc newer than the oldest system it is meant for?

    python packaging/glibc_ceiling.py PATH [--ceiling 2.28] [--newest]

PATH is a built app folder (``packaging/build.sh app``), a staged .deb tree, a ``.deb`` file (unpacked with
``dpkg-deb -x`` into a temporary folder) or one ELF file. Every ELF file in it is read with ``readelf`` (GNU
binutils; pyelftools is not one of ClerkDesk's dependencies) for the symbol versions it needs: the
``GLIBC_x.y`` entries of its version-needs section (``.gnu.version_r``) — what the dynamic loader checks when it
loads the file and what makes it fail with "version `GLIBC_2.34' not found" on an older system — and the
undefined dynamic symbols bound to each version (``__libc_start_main@GLIBC_2.34``), to name the culprits.

Exit 0: no file needs more than the ceiling (default 2.28: stock UOS 20 and Kylin V10). Exit 2: the files that
do, each with the newest version it needs, the library it needs it from and the symbols that need it. Exit 1:
nothing could be checked (no such path, not an ELF file / .deb / folder, an ELF file readelf cannot read, no
ELF file at all, readelf missing). ``--ceiling none`` only reports. ``--newest`` prints only the newest version
needed (``2.36``) on stdout, the report on stderr: ``packaging/build.sh deb`` writes it into ``Depends: libc6``.
Weak version needs (``Flags: WEAK``) are not counted: the loader does not refuse a file for them.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_CEILING = "2.28"  # stock UOS 20 (1050/1060) and Kylin V10 (SP1) ship glibc 2.28
ELF_MAGIC = b"\x7fELF"
DEB_MAGIC = b"!<arch>\n"
Version = tuple[int, ...]

_VERSION = re.compile(r"GLIBC_(\d+(?:\.\d+)+)$")
_NEED_FILE = re.compile(r"^\s*\S+:\s+Version:\s+\d+\s+File:\s+(\S+)\s+Cnt:")
_NEED_NAME = re.compile(r"^\s*\S+:\s+Name:\s+(\S+)\s+Flags:\s+(\S+(?: \| \S+)*)\s+Version:")
_UND_SYMBOL = re.compile(r"\sUND\s+([^@\s]+)@(GLIBC_[\d.]+)\b")


class CheckError(Exception):
    """Something a user gave or the machine lacks: reported as one line, never as a traceback."""


def parse_version(text: str) -> Version:
    """``"2.28"`` → ``(2, 28)``; a ``GLIBC_`` prefix is allowed."""
    raw = text.removeprefix("GLIBC_")
    if not re.fullmatch(r"\d+(\.\d+)+", raw):
        raise CheckError(f"not a glibc version: {text!r} (expected e.g. 2.28)")
    return tuple(int(n) for n in raw.split("."))


def show(version: Version) -> str:
    return ".".join(map(str, version))


@dataclass
class ElfNeeds:
    """What one ELF file needs of glibc: each GLIBC_ version with the library named for it and its symbols."""

    path: Path
    versions: dict[Version, str] = field(default_factory=dict)  # version → library (libc.so.6, libm.so.6 …)
    symbols: dict[Version, list[str]] = field(default_factory=dict)

    @property
    def newest(self) -> Version | None:
        return max(self.versions, default=None)

    def above(self, ceiling: Version) -> list[Version]:
        return sorted((v for v in self.versions if v > ceiling), reverse=True)


def parse_readelf(path: Path, text: str) -> ElfNeeds:
    """The GLIBC_ needs of ``readelf -V -W --dyn-syms`` output (the lines of binutils 2.40, Debian 12's)."""
    needs = ElfNeeds(path)
    in_needs, library = False, ""
    for line in text.splitlines():
        if line.startswith("Version needs section"):
            in_needs = True
            continue
        if in_needs:
            if not line.startswith(" "):  # a blank line or the next section's title ends it
                in_needs = False
                continue
            if m := _NEED_FILE.match(line):
                library = m.group(1)
            elif (m := _NEED_NAME.match(line)) and (v := _VERSION.match(m.group(1))) and "WEAK" not in m.group(2):
                needs.versions[parse_version(v.group(1))] = library
            continue
        if m := _UND_SYMBOL.search(line):
            version = parse_version(m.group(2))
            names = needs.symbols.setdefault(version, [])
            if m.group(1) not in names:
                names.append(m.group(1))
    return needs


def is_elf(path: Path) -> bool:
    try:
        with path.open("rb") as f:
            return f.read(4) == ELF_MAGIC
    except OSError:
        return False


def elf_files(root: Path) -> Iterator[Path]:
    """Every regular ELF file under ``root`` (symbolic links are skipped: their target is counted where it is)."""
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            path = Path(folder) / name
            if not path.is_symlink() and path.is_file() and is_elf(path):
                yield path


def read_needs(path: Path, readelf: str) -> ElfNeeds:
    p = subprocess.run([readelf, "-V", "-W", "--dyn-syms", str(path)], capture_output=True, text=True,
                       errors="replace")
    errors = [line.strip() for line in p.stderr.splitlines() if "Error:" in line]
    if p.returncode != 0 or errors:  # a truncated file: readelf says so on stderr, yet may exit 0
        why = " ".join(errors)[:300] or p.stderr.strip()[:300]
        raise CheckError(f"{path}: readelf cannot read this ELF file: {why or f'exit {p.returncode}'}")
    return parse_readelf(path, p.stdout)


@dataclass
class Report:
    root: Path
    ceiling: Version | None
    checked: list[ElfNeeds]
    unreadable: list[str]

    @property
    def newest(self) -> Version | None:
        return max((n.newest for n in self.checked if n.newest), default=None)

    @property
    def over(self) -> list[ElfNeeds]:
        if self.ceiling is None:
            return []
        over = [n for n in self.checked if n.newest and n.newest > self.ceiling]
        return sorted(over, key=lambda n: (tuple(-x for x in n.newest or ()), str(n.path)))

    def lines(self) -> list[str]:
        def rel(p: Path) -> str:
            return str(p.relative_to(self.root)) if p != self.root and p.is_relative_to(self.root) else str(p)

        newest = f"GLIBC_{show(self.newest)}" if self.newest else "no GLIBC_ version at all"
        out: list[str] = []
        if self.over and self.ceiling is not None:
            out.append(f"glibc_ceiling: {len(self.over)} of {len(self.checked)} ELF files in {self.root} need a glibc "
                       f"newer than {show(self.ceiling)} (the newest: {newest}):")
            for n in self.over:
                assert n.newest is not None
                culprits = []
                for v in n.above(self.ceiling):
                    names = n.symbols.get(v, [])
                    shown = ", ".join(names[:4]) + (f" +{len(names) - 4}" if len(names) > 4 else "")
                    culprits.append(f"GLIBC_{show(v)} from {n.versions[v]}" + (f" ({shown})" if shown else ""))
                out.append(f"  {rel(n.path)}: needs GLIBC_{show(n.newest)} — " + "; ".join(culprits))
            out.append(f"They do not load on a system whose glibc is {show(self.ceiling)} (\"version `GLIBC_…' not "
                       f"found\"). Build on a system with glibc {show(self.ceiling)} (packaging/README.md, \"The glibc "
                       "ceiling\").")
        else:
            verdict = "" if self.ceiling is None else f", within the ceiling {show(self.ceiling)}"
            out.append(f"glibc_ceiling: {len(self.checked)} ELF files in {self.root}; the newest they need: "
                       f"{newest}{verdict}")
        if self.unreadable:
            out.append(f"glibc_ceiling: {len(self.unreadable)} more ELF files could not be read, so they are not "
                       "checked:")
            out += [f"  {u}" for u in self.unreadable]
        return out


def check(root: Path, ceiling: Version | None, readelf: str | None = None) -> Report:
    """Read every ELF file under ``root`` (a folder or one ELF file; see :func:`check_path` for a .deb)."""
    readelf = readelf or shutil.which("readelf")
    if not readelf:
        raise CheckError("readelf is missing (Debian/UOS package binutils)")
    if root.is_dir():
        files = list(elf_files(root))
        if not files:
            raise CheckError(f"{root}: no ELF file in this folder (is it a built app?)")
    elif is_elf(root):
        files = [root]
    else:
        raise CheckError(f"{root}: not an ELF file, a .deb or a folder")
    checked, unreadable = [], []
    for path in files:
        try:
            checked.append(read_needs(path, readelf))
        except CheckError as e:
            unreadable.append(str(e))
    return Report(root, ceiling, checked, unreadable)


def check_path(path: Path, ceiling: Version | None) -> Report:
    """:func:`check` for anything a user names, a .deb included (unpacked into a temporary folder first)."""
    if not path.exists():
        raise CheckError(f"{path}: no such file or folder")
    if path.is_file() and not is_elf(path):
        try:
            with path.open("rb") as f:
                head = f.read(len(DEB_MAGIC))
        except OSError as e:
            raise CheckError(f"{path}: cannot read: {e.strerror}") from None
        if head == DEB_MAGIC:
            if not shutil.which("dpkg-deb"):
                raise CheckError(f"{path}: unpacking a .deb needs dpkg-deb (Debian package dpkg)")
            with tempfile.TemporaryDirectory(prefix="glibc-ceiling-") as tmp:
                p = subprocess.run(["dpkg-deb", "-x", str(path), tmp], capture_output=True, text=True)
                if p.returncode != 0:
                    raise CheckError(f"{path}: dpkg-deb cannot unpack it: {p.stderr.strip()}")
                report = check(Path(tmp), ceiling)
                report.checked = [ElfNeeds(path / n.path.relative_to(tmp), n.versions, n.symbols)
                                  for n in report.checked]
                report.unreadable = [u.replace(tmp, str(path)) for u in report.unreadable]
                report.root = path
                return report
    return check(path, ceiling)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="glibc_ceiling.py", description=__doc__.split("\n\n")[0])
    ap.add_argument("path", type=Path, help="a built app folder, a staged .deb tree, a .deb or one ELF file")
    ap.add_argument("--ceiling", default=DEFAULT_CEILING,
                    help=f"the newest glibc the targets have (default {DEFAULT_CEILING}: UOS 20, Kylin V10); "
                         "'none': only report")
    ap.add_argument("--newest", action="store_true",
                    help="print only the newest GLIBC version needed on stdout (the report goes to stderr)")
    args = ap.parse_args(argv)
    report_to = sys.stderr if args.newest else sys.stdout
    try:
        ceiling = None if args.ceiling == "none" else parse_version(args.ceiling)
        report = check_path(args.path, ceiling)
    except CheckError as e:
        print(f"glibc_ceiling: {e}", file=sys.stderr)
        return 1
    for line in report.lines():
        print(line, file=report_to)
    if args.newest and report.newest:
        print(show(report.newest))
    if report.unreadable:
        return 1
    return 2 if report.over else 0


if __name__ == "__main__":
    sys.exit(main())
