"""packaging/glibc_ceiling.py: which ELF files of a build need a glibc newer than UOS 20 / Kylin V10 have (2.28).

On this machine's real files: a Debian 12 system library that needs GLIBC_2.36 is found (cross-checked with
``objdump -T``, a second tool), small C libraries compiled here with gcc pass when they use only old symbols and
are named with their culprit symbols when they use new ones, a .deb is unpacked and checked, and every odd input
gets one clear line and exit 1, never a traceback. ``build.sh deb``'s refusal is tested in test_deb.py (it needs
the frozen app, which that test builds anyway); the last test checks a .deb already in dist/, if there is one.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "packaging" / "glibc_ceiling.py"

pytestmark = pytest.mark.skipif(not (shutil.which("readelf") and shutil.which("gcc")),
                                reason="needs binutils (readelf) and gcc")


def _load() -> ModuleType:
    """A packaging script, not a module of the product: loaded from its file (``packaging`` is PyPI's name)."""
    spec = importlib.util.spec_from_file_location("clerkdesk_glibc_ceiling", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


gc = _load()


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, SCRIPT, *map(str, args)], capture_output=True, text=True, timeout=300)


def compile_c(out: Path, source: str, *, shared: bool = True) -> Path:
    src = out.with_suffix(".c")
    src.write_text(source, encoding="utf-8")
    subprocess.run(["gcc", "-O1", *(["-shared", "-fPIC"] if shared else []), "-o", str(out), str(src)], check=True,
                   capture_output=True)
    return out


OLD_ONLY = '#include <stdio.h>\n#include <stdlib.h>\nint hello(void) { void *p = malloc(8); free(p); return puts("hi"); }\n'
# close_range: glibc 2.34; gettid: glibc 2.30 (both newer than UOS 20's 2.28)
NEW_SYMBOLS = ('#define _GNU_SOURCE\n#include <unistd.h>\n'
               "int closer(void) { return close_range(3, ~0U, 0) + (int)gettid(); }\n")


def objdump_newest(path: Path) -> tuple[int, ...]:
    """The newest GLIBC_ version of the undefined dynamic symbols, as ``objdump -T`` (not readelf) sees them."""
    out = subprocess.run(["objdump", "-T", str(path)], capture_output=True, text=True, check=True).stdout
    found = [tuple(map(int, m.group(1).split("."))) for line in out.splitlines() if "*UND*" in line
             for m in [re.search(r"\bGLIBC_(\d+(?:\.\d+)+)\b", line)] if m]
    return max(found)


def test_a_system_library_that_needs_more_than_2_28_is_found() -> None:
    libstdcxx = Path(subprocess.run(["gcc", "-print-file-name=libstdc++.so.6"], capture_output=True, text=True,
                                    check=True).stdout.strip()).resolve()
    assert libstdcxx.is_file(), libstdcxx
    expected = objdump_newest(libstdcxx)
    if expected <= (2, 28):
        pytest.skip(f"this machine's libstdc++ needs only glibc {expected}: an old system")
    p = run(libstdcxx)
    assert p.returncode == 2, p.stdout + p.stderr
    version = ".".join(map(str, expected))
    assert f"{libstdcxx}: needs GLIBC_{version} — GLIBC_{version} from libc.so.6 (" in p.stdout
    assert "newer than 2.28" in p.stdout and "Traceback" not in p.stderr
    # --newest: the one line build.sh writes into Depends: libc6 (>= …); the report goes to stderr
    p = run("--newest", libstdcxx)
    assert p.returncode == 2 and p.stdout == f"{version}\n" and libstdcxx.name in p.stderr
    assert run("--ceiling", version, libstdcxx).returncode == 0


def test_a_tiny_c_library_on_old_symbols_passes(tmp_path: Path) -> None:
    lib = compile_c(tmp_path / "libold.so", OLD_ONLY)
    p = run(lib)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "the newest they need: GLIBC_2.2.5, within the ceiling 2.28" in p.stdout
    assert run("--newest", lib).stdout == "2.2.5\n"


def test_new_symbols_are_named_with_their_file_and_library(tmp_path: Path) -> None:
    app = tmp_path / "app"
    (app / "_internal").mkdir(parents=True)
    compile_c(app / "_internal" / "libold.so", OLD_ONLY)
    compile_c(app / "_internal" / "libnew.so", NEW_SYMBOLS)
    (app / "README.txt").write_text("not an ELF file\n", encoding="utf-8")
    (app / "_internal" / "libnew.so.1").symlink_to("libnew.so")  # counted once, where the file is
    p = run(app)
    assert p.returncode == 2, p.stdout + p.stderr
    assert p.stdout.splitlines()[0] == (f"glibc_ceiling: 1 of 2 ELF files in {app} need a glibc newer than 2.28 "
                                        "(the newest: GLIBC_2.34):")
    assert p.stdout.splitlines()[1] == ("  _internal/libnew.so: needs GLIBC_2.34 — GLIBC_2.34 from libc.so.6 "
                                        "(close_range); GLIBC_2.30 from libc.so.6 (gettid)")
    assert "libold" not in p.stdout
    assert run("--ceiling", "2.34", app).returncode == 0
    assert run("--ceiling", "2.33", app).returncode == 2
    assert run("--ceiling", "none", app).returncode == 0


def test_a_program_built_here_needs_2_34_even_without_new_calls(tmp_path: Path) -> None:
    """Why the build host matters: glibc 2.34 moved ``__libc_start_main``, so every program linked against it
    needs GLIBC_2.34, whatever it calls (a shared library without ``main`` does not)."""
    if gc.parse_version((os.confstr("CS_GNU_LIBC_VERSION") or "glibc 0.0").split()[-1]) < (2, 34):
        pytest.skip("this machine's glibc is older than 2.34")
    exe = compile_c(tmp_path / "hello", '#include <stdio.h>\nint main(void) { return puts("hi") < 0; }\n',
                    shared=False)
    p = run(exe)
    assert p.returncode == 2 and "GLIBC_2.34 from libc.so.6 (__libc_start_main)" in p.stdout, p.stdout


@pytest.mark.skipif(not shutil.which("dpkg-deb"), reason="needs dpkg-deb")
def test_a_deb_is_unpacked_and_checked(tmp_path: Path) -> None:
    debs = {}
    for name, source in (("old", OLD_ONLY), ("new", NEW_SYMBOLS)):
        tree = tmp_path / name
        (tree / "DEBIAN").mkdir(parents=True)
        (tree / "opt" / "apps" / "t" / "files").mkdir(parents=True)
        compile_c(tree / "opt" / "apps" / "t" / "files" / f"lib{name}.so", source)
        (tree / "DEBIAN" / "control").write_text(
            f"Package: t-{name}\nVersion: 1\nArchitecture: amd64\nMaintainer: t <t@example.org>\n"
            "Description: t\n t\n", encoding="utf-8")
        debs[name] = tmp_path / f"t-{name}.deb"
        subprocess.run(["dpkg-deb", "--root-owner-group", "--build", str(tree), str(debs[name])], check=True,
                       capture_output=True)
    assert run(debs["old"]).returncode == 0
    p = run(debs["new"])
    assert p.returncode == 2
    assert f"in {debs['new']} need a glibc" in p.stdout and "  opt/apps/t/files/libnew.so: needs GLIBC_2.34" in p.stdout


@pytest.mark.parametrize("case", ["missing", "text file", "empty folder", "truncated ELF", "bad ceiling",
                                  "broken .deb"])
def test_odd_input_gets_one_clear_line_and_no_traceback(tmp_path: Path, case: str) -> None:
    lib = compile_c(tmp_path / "libold.so", OLD_ONLY)
    args: list[str | Path]
    if case == "missing":
        args, said = [tmp_path / "nope"], f"{tmp_path / 'nope'}: no such file or folder"
    elif case == "text file":
        (tmp_path / "notes.txt").write_text("hello\n", encoding="utf-8")
        args, said = [tmp_path / "notes.txt"], "notes.txt: not an ELF file, a .deb or a folder"
    elif case == "empty folder":
        (tmp_path / "empty").mkdir()
        args, said = [tmp_path / "empty"], "empty: no ELF file in this folder (is it a built app?)"
    elif case == "truncated ELF":  # readelf complains on stderr yet exits 0: still not a pass
        (tmp_path / "app").mkdir()
        shutil.copy(lib, tmp_path / "app" / "libgood.so")
        (tmp_path / "app" / "libcut.so").write_bytes(lib.read_bytes()[:200])
        args, said = [tmp_path / "app"], "libcut.so: readelf cannot read this ELF file: readelf: Error:"
    elif case == "bad ceiling":
        args, said = ["--ceiling", "2.x", lib], "not a glibc version: '2.x' (expected e.g. 2.28)"
    else:
        (tmp_path / "broken.deb").write_bytes(b"!<arch>\nnot really\n")
        args, said = [tmp_path / "broken.deb"], "broken.deb: dpkg-deb cannot unpack it:"
    p = run(*args)
    assert p.returncode == 1, p.stdout + p.stderr
    assert said in p.stdout + p.stderr
    assert "Traceback" not in p.stderr and "Error" not in p.stderr.replace("readelf: Error", "")


@given(st.lists(st.tuples(st.integers(2, 2), st.integers(0, 40), st.none() | st.integers(1, 9)), min_size=1,
                max_size=12), st.integers(0, 40))
def test_versions_compare_as_numbers_not_strings(raw: list[tuple[int, int, int | None]], minor: int) -> None:
    """2.9 < 2.10 < 2.28 < 2.2.5? No: 2.2.5 < 2.9 < 2.10. The newest and the files over the ceiling are found by
    numeric order whatever readelf's order of the entries (a plain ``sort`` of the strings gets it wrong)."""
    versions = [(a, b) if c is None else (a, b, c) for a, b, c in raw]
    lines = ["Version needs section '.gnu.version_r' contains 1 entry:",
             " Addr: 0x0000000000000498  Offset: 0x000498  Link: 7 (.dynstr)",
             f"  000000: Version: 1  File: libc.so.6  Cnt: {len(versions)}"]
    lines += [f"  0x{16 * (i + 1):04x}:   Name: GLIBC_{'.'.join(map(str, v))}  Flags: none  Version: {i + 2}"
              for i, v in enumerate(versions)]
    needs = gc.parse_readelf(Path("x.so"), "\n".join([*lines, ""]))
    assert needs.newest == max(versions)
    ceiling = (2, minor)
    assert needs.above(ceiling) == sorted({v for v in versions if v > ceiling}, reverse=True)
    report = gc.Report(Path("."), ceiling, [needs], [])
    assert bool(report.over) == (max(versions) > ceiling)


def test_a_weak_need_does_not_count() -> None:
    text = ("Version needs section '.gnu.version_r' contains 1 entry:\n"
            "  000000: Version: 1  File: libc.so.6  Cnt: 2\n"
            "  0x0010:   Name: GLIBC_2.34  Flags: WEAK  Version: 3\n"
            "  0x0020:   Name: GLIBC_2.2.5  Flags: none  Version: 2\n")
    assert gc.parse_readelf(Path("x.so"), text).newest == (2, 2, 5)


def built_debs() -> list[Path]:
    return sorted((ROOT / "dist").glob("*.deb"))


@pytest.mark.slow
@pytest.mark.skipif(not built_debs(), reason="no .deb in dist/ (packaging/build.sh deb makes one)")
@pytest.mark.parametrize("deb", built_debs() or [None], ids=lambda d: d.name if d else "none")
def test_a_built_deb_says_the_glibc_it_needs(deb: Path) -> None:
    """A .deb in dist/: its ``Depends: libc6 (>= X)`` is exactly the newest glibc its ELF files need, and only a
    build labelled host-only (DEB_GLIBC=host) needs more than the UOS/Kylin ceiling."""
    control = subprocess.run(["dpkg-deb", "-f", str(deb), "Depends", "Description"], capture_output=True,
                             text=True, check=True).stdout
    m = re.search(r"libc6 \(>= ([\d.]+)\)", control)
    assert m, control
    p = run("--newest", "--ceiling", "none", deb)
    assert p.returncode == 0 and p.stdout.strip() == m.group(1), p.stderr[-2000:]
    host_only = "Host-only build (DEB_GLIBC=host)" in control
    assert host_only == (gc.parse_version(m.group(1)) > (2, 28)), control


@pytest.mark.parametrize("value", ["2.x", "hosts", "2.28.1"])
def test_build_sh_names_a_bad_deb_glibc_before_building(value: str, tmp_path: Path) -> None:
    """A mistyped DEB_GLIBC stops ``build.sh deb`` at once (before the minutes of the app build), saying why."""
    env = dict(os.environ, DEB_GLIBC=value, PYTHON=sys.executable, DIST=str(tmp_path / "dist"))
    p = subprocess.run([ROOT / "packaging" / "build.sh", "deb"], env=env, capture_output=True, text=True, timeout=60)
    assert p.returncode == 1 and p.stdout == ""
    assert p.stderr == f"build: DEB_GLIBC={value}: expected a glibc version (2.28, the default) or host\n"
    assert not (tmp_path / "dist").exists()
