"""packaging/glibc228/system_libs.py: the host's system libraries left out of the UOS build, declared as Depends.

On this machine's real files and dpkg database: which collected files count as system libraries (resolved through
the merged-/usr links, the build's own Python exempt), that the split PyInstaller's spec makes loses and invents
no entry, and that the Depends list is read from the real NEEDED entries of small libraries compiled here —
a library the folder ships is not declared, glibc is left to ``libc6 (>= …)``, zlib's and libgcc's packages are
found with dpkg (libgcc under both its Debian 12 and Debian 10 names), and a library no package owns stops the
build with one line naming it.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "packaging" / "glibc228" / "system_libs.py"

pytestmark = pytest.mark.skipif(not (shutil.which("readelf") and shutil.which("gcc") and shutil.which("dpkg")),
                                reason="needs binutils (readelf), gcc and dpkg")


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("clerkdesk_system_libs", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


sl = _load()


def host_lib(name: str) -> Path:
    found = subprocess.run(["gcc", f"-print-file-name={name}"], capture_output=True, text=True).stdout.strip()
    path = Path(found)
    if not path.is_absolute() or not path.exists():
        for d in ("/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64"):
            if (Path(d) / name).exists():
                return Path(d) / name
        pytest.skip(f"{name} is not on this machine")
    return path


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, SCRIPT, *map(str, args)], capture_output=True, text=True, timeout=120)


def compile_lib(out: Path, *libs: str, source: str = "int f(void) { return 1; }\n") -> Path:
    src = out.parent / (out.name + ".c")
    src.write_text(source, encoding="utf-8")
    subprocess.run(["gcc", "-shared", "-fPIC", "-o", str(out), str(src), f"-L{out.parent}", "-Wl,--no-as-needed",
                    *libs], check=True, capture_output=True)
    return out


def test_system_libraries_are_recognised_through_the_usr_merge(tmp_path: Path) -> None:
    libz = host_lib("libz.so.1")
    assert sl.is_system_library(libz)
    assert sl.is_system_library(Path("/lib") / "x86_64-linux-gnu" / "libz.so.1") or not Path("/lib").is_symlink()
    mine = tmp_path / "libz.so.1"
    shutil.copy(libz, mine)
    assert not sl.is_system_library(mine)
    (tmp_path / "link.so").symlink_to(libz)  # a link into the system counts as the system's file
    assert sl.is_system_library(tmp_path / "link.so")
    # the build's own Python may live under /usr/lib (a distribution's): what is under it stays in the bundle
    assert not sl.is_system_library(libz, keep_under=[libz.parent])


SYSTEM = [str(host_lib("libz.so.1")), str(host_lib("libgcc_s.so.1"))]


@given(st.lists(st.tuples(st.text("abcdef._", min_size=1, max_size=8), st.sampled_from([*SYSTEM, "OWN"]),
                          st.sampled_from(["BINARY", "EXTENSION"])), max_size=20))
def test_the_split_loses_and_invents_nothing(entries: list[tuple[str, str, str]]) -> None:
    own = str(ROOT / "packaging" / "glibc228" / "system_libs.py")  # any file outside the system folders
    binaries = [(dest, own if src == "OWN" else src, kind) for dest, src, kind in entries]
    kept, left_out = sl.split_binaries(binaries)
    assert [b for b in binaries if b in kept or b in left_out] == binaries
    assert len(kept) + len(left_out) == len(binaries)
    assert all(src in SYSTEM for _, src, _ in left_out) and all(src == own for _, src, _ in kept)
    assert [b for b in binaries if b[1] == own] == kept  # order kept: PyInstaller's TOC order matters


def test_depends_names_the_packages_of_what_the_bundle_needs_from_the_system(tmp_path: Path) -> None:
    app = tmp_path / "app"
    (app / "_internal").mkdir(parents=True)
    compile_lib(app / "_internal" / "libown.so")
    # needs: its neighbour (shipped: not declared), zlib and libgcc_s (system), libm and libc (glibc: libc6 >= …)
    compile_lib(app / "_internal" / "libuser.so", "-lown", "-lz", "-lgcc_s", "-lm")
    (app / "_internal" / "notes.txt").write_text("not ELF\n", encoding="utf-8")
    users = sl.external_libraries(app)
    assert set(users) == {"libz.so.1", "libgcc_s.so.1"}, users
    assert users["libz.so.1"] == [app / "_internal" / "libuser.so"]
    p = run("depends", app)
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == "libgcc-s1 | libgcc1, zlib1g"  # Debian 10 (UOS 20 / Kylin V10) calls it libgcc1


def test_a_library_no_package_owns_stops_with_its_name(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    compile_lib(elsewhere / "libnowhere.so")
    app = tmp_path / "app"
    app.mkdir()
    src = app / "x.c"
    src.write_text("int g(void) { return 2; }\n", encoding="utf-8")
    subprocess.run(["gcc", "-shared", "-fPIC", "-o", str(app / "libx.so"), str(src), f"-L{elsewhere}",
                    "-Wl,--no-as-needed", "-lnowhere"], check=True, capture_output=True)
    p = run("depends", app)
    assert p.returncode == 1 and p.stdout == ""
    assert "libnowhere.so (needed by libx.so) belongs to no installed Debian package" in p.stderr, p.stderr
    assert "Traceback" not in p.stderr


@pytest.mark.parametrize("case", ["missing", "a file", "usage"])
def test_odd_input_gets_one_line(tmp_path: Path, case: str) -> None:
    if case == "missing":
        p, said = run("depends", tmp_path / "nope"), "nope: not a folder"
    elif case == "a file":
        (tmp_path / "f").write_text("x", encoding="utf-8")
        p, said = run("depends", tmp_path / "f"), "f: not a folder"
    else:
        p, said = run("depend"), "usage: system_libs.py depends APP_FOLDER"
    assert p.returncode == 1 and said in p.stderr and "Traceback" not in p.stderr, p.stderr
    assert os.path.basename(SCRIPT) == "system_libs.py"
