"""Inputs that used to end in a traceback now get a clear error naming the place."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from clerkdesk.recipe.lint import lint
from clerkdesk.recipe.systems import check_system, origin_of

CLI = [sys.executable, "-m", "clerkdesk"]


def cli(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, "--home", str(home), *args], capture_output=True, text=True, timeout=120)


def test_json_nested_200000_deep(home: Path, tmp_path: Path) -> None:
    f = tmp_path / "deep.json"
    f.write_text("[" * 200_000 + "]" * 200_000, encoding="utf-8")
    r = cli(home, "person", "add", "--json", str(f))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "[JSON_DEPTH]" in r.stderr and "nested too deeply" in r.stderr
    assert not (home / "clerkdesk.db").exists()


def test_case_as_a_list_or_a_string(home: Path, tmp_path: Path) -> None:
    for case in ("[1, 2]", '"employer"'):
        f = tmp_path / "r.json"
        f.write_text('{"person": {"name": "王小明", "id_number": "11010519491231002X"}, "case": ' + case + "}",
                     encoding="utf-8")
        r = cli(home, "fill", "--record", str(f), "--target", "hrss.employment-registration", "--yes", "--headless")
        assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
        assert 'case: [JSON_TYPE]' in r.stderr and 'expected "case" to be a JSON object' in r.stderr


def test_ipv6_origins_keep_their_brackets() -> None:
    assert origin_of("http://[::1]:8601/x") == "http://[::1]:8601"
    assert origin_of("https://[2001:DB8::1]/") == "https://[2001:db8::1]"


def test_a_port_that_is_no_number(tmp_path: Path) -> None:
    assert origin_of("http://127.0.0.1:18690.evil/").startswith("invalid-url:")  # owned by no system, no raise
    root = tmp_path / "recipes"
    (root / "systems").mkdir(parents=True)
    (root / "s").mkdir()
    (root / "systems" / "s.yaml").write_text("system: s\ntitle: S\nkind: web\nstart_url: http://[::1]:8601/\n",
                                             encoding="utf-8")
    (root / "s" / "r.yaml").write_text("recipe: s.r\ntitle: R\nsystem: s\nsteps:\n"
                                       "  - open: http://127.0.0.1:18690.evil/\n"
                                       "  - open: /ok\n  - open: ':18690.evil'\n", encoding="utf-8")
    system, problems = check_system(root / "systems" / "s.yaml")
    assert problems == [] and system is not None and system.origins == ("http://[::1]:8601",)
    got = [str(p).replace(f"{root}/", "") for p in lint([root], None)[0]]
    assert len(got) == 1 and "is not a valid URL (Port could not be cast" in got[0], got
    assert got[0].startswith("s/r.yaml:5:11: ")  # ':18690.evil' joins as a path on the system's own origin
    (root / "systems" / "s.yaml").write_text("system: s\ntitle: S\nkind: web\nstart_url: http://x:1.evil/\n",
                                             encoding="utf-8")
    _system, problems = check_system(root / "systems" / "s.yaml")
    assert [str(p).replace(f"{root}/", "") for p in problems] == [
        "systems/s.yaml:4:12: 'http://x:1.evil/' is not a valid URL (Port could not be cast to integer value as "
        "'1.evil')"]
