"""A ``clerkdesk`` command starts without the heavy libraries it does not use.

Every clerk's and supervisor's command pays for each import at start; psycopg (the shared store's driver,
~0.2 s) was loaded by every command because the application layer took ``StoreUnreachable`` from the PostgreSQL
backend. The check runs the real CLI entry point in a fresh interpreter and lists what got imported.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("psycopg", "procrastinate", "cv2", "PySide6", "playwright", "rapidocr", "onnxruntime", "pyautogui")

PROBE = """
import json, sys
from clerkdesk.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps([m for m in {heavy!r} if m in sys.modules]), file=sys.stderr)
"""


@pytest.mark.parametrize("args", [["--help"], ["config"], ["person", "--help"], ["check", "id", "11010519491231002X"]])
def test_a_command_imports_no_heavy_library_it_does_not_use(args: list[str], tmp_path) -> None:
    out = subprocess.run([sys.executable, "-c", PROBE.format(heavy=HEAVY), *args], capture_output=True, text=True,
                         timeout=120, env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin",
                                           "CLERKDESK_HOME": str(tmp_path / "home")})
    loaded = json.loads(out.stderr.strip().splitlines()[-1])
    assert loaded == [], f"clerkdesk {' '.join(args)} imported {loaded}"


def test_the_store_error_is_one_class_wherever_it_is_imported_from() -> None:
    from clerkdesk.store import pg, unreachable

    assert pg.StoreUnreachable is unreachable.StoreUnreachable
