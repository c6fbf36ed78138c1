"""How ``open`` resolves its target against the system's start_url: standard URL rules (RFC 3986), as
docs/recipes.md says — ``/x`` from the origin's root, ``x`` next to the start page, foreign origins stopped."""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache
from pathlib import Path

import pytest

from clerkdesk.config import recipes_dir
from clerkdesk.engine.plan import Target
from clerkdesk.engine.run import Runner, _Execution
from clerkdesk.errors import StepError
from clerkdesk.recipe.catalog import Catalog
from clerkdesk.store import Store


@pytest.fixture
def store(home: Path):  # type: ignore[no-untyped-def]
    s = Store.open(home)
    yield s
    s.close()


@cache
def _catalog() -> Catalog:
    return Catalog(recipes_dir())


def _exe(store: Store, start_url: str) -> _Execution:
    cat = _catalog()
    recipe = cat.recipes["hrss.employment-registration"]
    system = replace(cat.systems["hrss"].at("http://127.0.0.1:8601/"), start_url=start_url)
    cid = store.cases.create(matter="t", applicant_kind="person", applicant_key="", record={}, targets=[], fields={},
                             profile_id=None)
    rid = store.runs.create(cid, recipe.id, system.id)
    runner = Runner(store.runs, None, None, home=store.path.parent, clerk_name="t")  # type: ignore[arg-type]
    return _Execution(runner, rid, Target(recipe, system), {})


@pytest.mark.parametrize(("start_url", "target", "url"), [
    ("http://127.0.0.1:8601/hrss/", "/employment/new", "http://127.0.0.1:8601/employment/new"),  # root-relative
    ("http://127.0.0.1:8601/hrss/", "employment/new", "http://127.0.0.1:8601/hrss/employment/new"),
    ("http://127.0.0.1:8601/hrss/login.jsp", "index.jsp", "http://127.0.0.1:8601/hrss/index.jsp"),  # next to it
    ("http://127.0.0.1:8601/hrss/", "../portal/", "http://127.0.0.1:8601/portal/"),
    ("http://127.0.0.1:8601/hrss/", "?tab=2", "http://127.0.0.1:8601/hrss/?tab=2"),
    ("http://127.0.0.1:8601/hrss/", "http://127.0.0.1:8601/other", "http://127.0.0.1:8601/other"),
])
def test_open_targets_resolve_like_links_on_the_start_page(store: Store, start_url: str, target: str,
                                                            url: str) -> None:
    x = _exe(store, start_url)
    assert x.check_url(x.recipe.steps[0], target) == url


def test_a_scheme_relative_target_on_another_host_is_stopped(store: Store) -> None:
    x = _exe(store, "http://127.0.0.1:8601/hrss/")
    with pytest.raises(StepError, match=re.escape("http://evil.example is not an origin of system hrss")):
        x.check_url(x.recipe.steps[0], "//evil.example/collect")
    assert [e["kind"] for e in store.runs.events(x.rid)] == ["blocked"]


@pytest.mark.parametrize("target", ["http://evil.example/collect", "//evil.example/collect",
                                    "HTTPS://evil.example/x"])
def test_lint_stops_a_foreign_open_however_it_is_written(tmp_path: Path, target: str) -> None:
    from clerkdesk.recipe.loader import load_recipe

    cat = _catalog()
    path = tmp_path / "leak.yaml"
    path.write_text("recipe: hrss.leak\ntitle: t\nsystem: hrss\nneeds: []\nsteps:\n"
                    f"  - open: '{target}'\n", encoding="utf-8")
    with pytest.raises(Exception, match=r"leak\.yaml:6:\d+: .*is not on an origin of system hrss") as e:
        load_recipe(path, cat.systems)
    assert "evil.example" in str(e.value)


def test_lint_lets_the_systems_own_paths_through(tmp_path: Path) -> None:
    from clerkdesk.recipe.loader import load_recipe

    cat = _catalog()
    path = tmp_path / "ok.yaml"
    path.write_text("recipe: hrss.ok\ntitle: t\nsystem: hrss\nneeds: []\nsteps:\n  - open: /employment/new\n"
                    "  - open: 'employment/new'\n  - open: 'http://127.0.0.1:8601/x'\n", encoding="utf-8")
    assert load_recipe(path, cat.systems).id == "hrss.ok"
