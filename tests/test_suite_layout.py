"""The test suite's own layout: helpers are imported as modules, never by editing the import path.

``sys.path.insert`` in a test makes a helper's name depend on which test ran first and lets two helpers with
the same basename shadow each other; shared helpers live in ``tests.support`` instead (pyproject's pytest
``pythonpath``). This test reads every Python file under ``tests/`` so a new path edit fails here, by name.
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from pathlib import Path

TESTS = Path(__file__).resolve().parent
_IN_TEXT = re.compile(r"^\s*sys\.path\s*(\.(insert|append|extend)\(|\+?=)", re.MULTILINE)


def _edits_path(node: ast.AST) -> bool:
    """``sys.path.insert/append/extend(…)``, ``sys.path = …`` or ``sys.path += …``."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return node.func.attr in ("insert", "append", "extend") and ast.unparse(node.func.value) == "sys.path"
    if isinstance(node, ast.Assign):
        return any(ast.unparse(t) == "sys.path" for t in node.targets)
    return isinstance(node, ast.AugAssign) and ast.unparse(node.target) == "sys.path"


def _path_edits(source: str) -> list[int]:
    """Line numbers of path edits, in code or in a string (a worker script a test writes and runs), found by
    parsing the code, so a comment or a mere mention (``print(sys.path)``) does not count."""
    lines: list[int] = []
    for node in ast.walk(ast.parse(source)):
        if _edits_path(node):
            lines.append(node.lineno)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and _IN_TEXT.search(node.value):
            lines.append(node.lineno)  # a script template ({…} placeholders): matched as text
    return sorted(lines)


def test_no_test_edits_sys_path() -> None:
    found = {str(p.relative_to(TESTS)): lines for p in sorted(TESTS.rglob("*.py"))
             if p != Path(__file__).resolve() and (lines := _path_edits(p.read_text(encoding="utf-8")))}
    assert found == {}, f"sys.path edited in tests (use tests.support or a local helper module): {found}"


def test_the_check_finds_each_form_of_path_edit() -> None:
    """The check above can fail: each form it must catch, in code and in a worker script written as a string."""
    assert _path_edits("import sys\nsys.path.insert(0, 'x')\n") == [2]
    assert _path_edits("import sys\nsys.path.append('x')\nsys.path.extend(['y'])\n") == [2, 3]
    assert _path_edits("import sys\nsys.path = ['x']\nsys.path += ['y']\n") == [2, 3]
    assert _path_edits('W = """\nimport sys\nsys.path.insert(0, {tests!r})\n"""\n') == [1]
    assert _path_edits("# sys.path.insert(0, 'x') in a comment\nprint(sys.path)\n") == []


def test_test_module_basenames_are_unique() -> None:
    """Test directories are plain folders, imported by basename: two test files with one name would collide."""
    names = Counter(p.name for p in TESTS.rglob("*.py") if p.parent != TESTS / "support" and p.name != "__init__.py"
                    and p.name != "conftest.py")
    assert [n for n, c in names.items() if c > 1] == []


def test_no_test_module_imports_another() -> None:
    """Importing a test module from another re-runs its module code under a second name and ties two files'
    fates together: data both need lives in a helper module (``tests/web/probe_pages.py``, ``tests.support``)."""
    found = {}
    for p in sorted(TESTS.rglob("*.py")):
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else \
                [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if any(n.rsplit(".", 1)[-1].startswith("test_") for n in names):
                found.setdefault(str(p.relative_to(TESTS)), []).append(node.lineno)
    assert found == {}, f"test modules imported by other modules: {found}"


def test_no_test_imports_a_conftest() -> None:
    """``from conftest import …`` names whichever folder's conftest pytest loaded first: two folders collected in
    one run then shadow each other (tests/hall and tests/web did). Shared helpers go in ``tests.support``."""
    found = sorted(str(p.relative_to(TESTS)) for p in TESTS.rglob("*.py")
                   if re.search(r"^\s*(from conftest import|import conftest\b)", p.read_text(encoding="utf-8"),
                                re.MULTILINE))
    assert found == [], f"tests import a conftest module (move the helpers to tests/support): {found}"
