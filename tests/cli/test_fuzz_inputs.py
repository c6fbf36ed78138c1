"""Fuzzing what users type and write: record JSON and recipe YAML. Whatever the input: no traceback, a clear
error (exit 2 for a record, lint's exit 1 for a recipe), nothing stored and no system started."""

from __future__ import annotations

import json
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clerkdesk.cli import main
from clerkdesk.config import recipes_dir
from clerkdesk.errors import RecipeError
from clerkdesk.recipe.loader import lint_recipe
from clerkdesk.recipe.steps import STEPS
from clerkdesk.recipe.systems import load_system
from clerkdesk.records.model import PERSON_FIELDS

FIELDS = [f.name.split(".", 1)[1] for f in PERSON_FIELDS]
NASTY = st.sampled_from(["\x00", "\x1b[31m", "\u202e", "\u200b", "\ufeff", "六千五", "NaN", "-6500", "9" * 400,
                         "[::1]", "http://127.0.0.1:18690.evil/", "../../x", "{{ 'A' * 100000000 }}"])
TEXT = st.one_of(st.text(max_size=30), NASTY, st.builds(lambda a, b: a + b, st.text(max_size=8), NASTY))
SCALAR = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), TEXT)
JSONV = st.recursive(SCALAR, lambda kids: st.lists(kids, max_size=4) | st.dictionaries(TEXT, kids, max_size=4),
                     max_leaves=12)
PERSON = st.dictionaries(st.one_of(st.sampled_from(FIELDS), TEXT), JSONV, max_size=8)
RECORD = st.one_of(PERSON, st.fixed_dictionaries({"person": JSONV, "case": JSONV}),
                   st.fixed_dictionaries({"enterprise": JSONV}), JSONV)
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                         HealthCheck.too_slow])


def stored(home: Path) -> int:
    db = home / "clerkdesk.db"
    if not db.exists():
        return 0
    conn = sqlite3.connect(db)
    try:
        return sum(conn.execute(f"select count(*) from {t}").fetchone()[0] for t in ("profiles", "cases", "runs"))
    finally:
        conn.close()


def invoke(*args: str) -> Any:
    return CliRunner().invoke(main, list(args), catch_exceptions=True)


def assert_clean_exit(result: Any, codes: tuple[int, ...]) -> None:
    exc = result.exception
    assert exc is None or isinstance(exc, SystemExit), f"traceback: {exc!r}\n{result.output}"
    assert result.exit_code in codes, result.output


@FUZZ
@given(RECORD)
def test_person_add_with_any_json(data: Any) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        home, f = Path(tmp) / "home", Path(tmp) / "r.json"
        home.mkdir()
        f.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        assert_clean_exit(invoke("--home", str(home), "person", "add", "--json", str(f)), (2,))
        assert stored(home) == 0


@FUZZ
@given(RECORD)
def test_fill_with_any_record(data: Any) -> None:
    """An invalid record or case stops before any system: exit 2, no case, no run, no browser."""
    with tempfile.TemporaryDirectory() as tmp:
        home, f = Path(tmp) / "home", Path(tmp) / "r.json"
        home.mkdir()
        f.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        r = invoke("--home", str(home), "fill", "--record", str(f), "--target", "hrss.employment-registration",
                   "--yes", "--headless")
        assert_clean_exit(r, (2,))
        assert stored(home) == 0


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=200) | st.sampled_from([b"[" * 200_000, b'{"a":' * 200_000, b'{"case": [1]}',
                                                   b'{"case": "x"}', b"\xef\xbb\xbf{}", b"\xff\xfe"]))
def test_any_bytes_as_a_record_file(raw: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        home, f = Path(tmp) / "home", Path(tmp) / "r.json"
        home.mkdir()
        f.write_bytes(raw)
        assert_clean_exit(invoke("--home", str(home), "person", "add", "--json", str(f)), (2,))
        assert stored(home) == 0


STEP = st.builds(lambda k, v: {k: v}, st.sampled_from(sorted(STEPS)), JSONV)
RECIPE = st.fixed_dictionaries({"recipe": st.one_of(TEXT, st.just("hrss.fuzz")), "title": JSONV,
                                "system": st.one_of(st.just("hrss"), TEXT), "steps": st.lists(STEP, max_size=4)},
                               optional={"fields": JSONV, "needs": JSONV, "description": JSONV})
REAL = (recipes_dir() / "hrss" / "employment-registration.yaml").read_text(encoding="utf-8")


@st.composite
def mutated(draw: Any) -> str:
    """The bundled recipe with a few characters deleted, replaced or inserted."""
    text = REAL
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(text) - 1))
        text = text[:i] + draw(st.sampled_from(["", ":", "-", "{", "[", "&a", "*a", "\t", "'", "{{", "\x00", "\n  "]))\
            + text[i + draw(st.integers(0, 3)):]
    return text


@FUZZ
@given(st.one_of(RECIPE.map(lambda d: json.dumps(d, ensure_ascii=False)), mutated(), st.text(max_size=300)))
def test_any_recipe_yaml(text: str) -> None:
    systems = {"hrss": load_system(recipes_dir() / "systems" / "hrss.yaml")}
    with tempfile.TemporaryDirectory() as tmp:
        f = Path(tmp) / "hrss" / "fuzz.yaml"
        f.parent.mkdir()
        f.write_text(text, encoding="utf-8")
        problems = lint_recipe(f, systems)  # raises nothing: every problem is a RecipeError with its place
        assert all(isinstance(p, RecipeError) for p in problems)
        assert_clean_exit(invoke("recipe", "lint", str(f)), (0, 1))
