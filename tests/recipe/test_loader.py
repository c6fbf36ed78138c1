"""Loading recipes: positions, needs, schema, and the bundled catalogue."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from clerkdesk.config import recipes_dir
from clerkdesk.errors import RecipeError
from clerkdesk.recipe.catalog import Catalog, recipe_files
from clerkdesk.recipe.loader import load_recipe
from clerkdesk.recipe.schema import recipe_schema
from clerkdesk.recipe.systems import load_systems
from clerkdesk.recipe.yamlsrc import load


def test_catalog_loads_every_recipe_with_its_needs() -> None:
    cat = Catalog(recipes_dir())
    emp = cat.recipes["hrss.employment-registration"]
    assert emp.applicant == "person" and emp.system == "hrss"
    assert "person.hukou_region" in emp.needs and "case.employer" in emp.needs
    assert emp.fields["case.contract_signed"].required is False
    chg = cat.recipes["amr.enterprise-change"]
    assert chg.applicant == "enterprise" and "enterprise.legal_rep.id_number" in chg.needs
    assert cat.matters["employment-and-insurance"].recipes == ("hrss.employment-registration",
                                                               "hrss.insurance-enrollment")


def test_every_step_knows_its_position() -> None:
    path = recipes_dir() / "hrss" / "employment-registration.yaml"
    r = load_recipe(path, load_systems(recipes_dir()))
    lines = path.read_text(encoding="utf-8").splitlines()
    for s in r.walk():
        assert lines[s.mark.line - 1][s.mark.col - 1:].startswith(s.kind), s


def test_schema_accepts_every_bundled_recipe_and_rejects_a_bad_one(tmp_path: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = recipe_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    for f in recipe_files(recipes_dir()):
        errors = list(validator.iter_errors(load(f).plain()))
        assert errors == [], (f, [e.message for e in errors[:3]])
    bad = {"recipe": "x", "title": "x", "system": "hrss", "steps": [{"fil": {"label": "姓名"}}]}
    assert list(validator.iter_errors(bad))
    json.dumps(schema)  # exportable


def test_load_raises_first_error_with_position(tmp_path: Path) -> None:
    p = tmp_path / "r.yaml"
    p.write_text("recipe: a\ntitle: b\nsystem: hrss\nsteps:\n  - clik: {text: 提交}\n", encoding="utf-8")
    with pytest.raises(RecipeError) as e:
        load_recipe(p, load_systems(recipes_dir()))
    assert str(e.value) == f"{p}:5:5: unknown step type 'clik'. Did you mean 'click'?"


def test_system_file_errors_have_positions(tmp_path: Path) -> None:
    (tmp_path / "systems").mkdir()
    f = tmp_path / "systems" / "x.yaml"
    f.write_text("system: x\ntitle: X\nkind: web\nstart_url: http://127.0.0.1:1/\ncodes:\n  hukou_type: {city: '1'}\n",
                 encoding="utf-8")
    with pytest.raises(RecipeError) as e:
        load_systems(tmp_path)
    assert str(e.value).startswith(f"{f}:6:16: 'city' is not a code of table hukou_type")
