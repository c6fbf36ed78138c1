"""Where an interrupted run resumes: never before a done submit, at the latest page opening otherwise."""

from __future__ import annotations

from typing import Any

from clerkdesk.config import recipes_dir
from clerkdesk.engine.plan import Target
from clerkdesk.engine.run import _Execution
from clerkdesk.recipe.catalog import Catalog


def _exe(recipe_id: str) -> Any:
    cat = Catalog(recipes_dir())
    r = cat.recipes[recipe_id]
    return _Execution(runner=None, run_id="R", target=Target(r, cat.systems[r.system]), context={})  # type: ignore[arg-type]


def test_resume_before_submit_goes_back_to_the_form_opening() -> None:
    x = _exe("hrss.employment-registration")
    kinds = [s.kind for s in x.recipe.steps]
    assert x.resume_point(10) == kinds.index("open")


def test_resume_after_a_recorded_submit_skips_its_answer_page() -> None:
    x = _exe("hrss.employment-registration")
    kinds = [s.kind for s in x.recipe.steps]
    sub = kinds.index("submit")
    x.done_submits = {str(sub)}
    assert x.resume_point(sub + 1) == sub + 1
    assert not x.work_after(sub + 1)  # nothing left to do after expect/capture/screenshot


def test_resume_in_a_frame_recipe_never_repeats_the_frame_holding_the_submit() -> None:
    x = _exe("amr.enterprise-change")
    kinds = [s.kind for s in x.recipe.steps]
    main = 3  # the frame step holding fills + submit
    assert kinds[main] == "frame"
    subs = [p for p, st, _ in __import__("clerkdesk.engine.run", fromlist=["_walk"])._walk(x.recipe.steps)
            if st.kind == "submit"]
    assert subs and subs[0].startswith(f"{main}/")  # the submit's path names the frame it sits in
    x.done_submits = set(subs)
    assert x.resume_point(main + 1) == main + 1
    assert not x.work_after(main + 1)
