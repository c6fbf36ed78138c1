"""Values of more than one text (recipe/choices.py): a multi-select's items and a date range's two dates — how
they are split and compared, how lint checks a list value at its file:line:col, what the editors' schema allows,
and that a list field renders to its items (fast: no browser; the real-browser side is
tests/web/test_portal_widgets.py)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from clerkdesk.recipe.choices import ITEM_JOIN, same_items, split_items, split_range
from clerkdesk.recipe.lint import lint_paths
from clerkdesk.recipe.loader import load_recipe
from clerkdesk.recipe.schema import recipe_schema
from clerkdesk.recipe.steps import shows_choice

ITEM = st.text(alphabet="企业职工基本养老医疗失业工伤生育保险", min_size=1, max_size=10).map(str.strip).filter(bool)


@given(st.lists(ITEM, min_size=1, max_size=5, unique=True), st.sampled_from(["、", ",", "，", "; ", " 、 "]))
def test_items_split_on_any_separator_in_order_each_once(items: list[str], sep: str) -> None:
    assert split_items(sep.join(items + items[:1])) == items


@given(st.lists(ITEM, min_size=2, max_size=5, unique=True), st.randoms())
def test_tags_match_the_items_in_any_order_and_only_exactly(items: list[str], rnd: object) -> None:
    shuffled = list(items)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    assert same_items(ITEM_JOIN.join(shuffled), "，".join(items))
    assert shows_choice(ITEM_JOIN.join(shuffled), ITEM_JOIN.join(items))
    assert not same_items(ITEM_JOIN.join(items[1:]), ITEM_JOIN.join(items))  # one missing
    assert not shows_choice(ITEM_JOIN.join([*items, "大病保险"]), ITEM_JOIN.join(items))  # one too many


def test_a_range_splits_between_its_dates_never_inside_one() -> None:
    assert split_range("2024-01-01 至 2024-12-31") == ("2024-01-01", " 至 ", "2024-12-31")
    assert split_range("2024-01-01~2024-12-31") == ("2024-01-01", "~", "2024-12-31")
    assert split_range("2024-01-01 - 2024-12-31") == ("2024-01-01", " - ", "2024-12-31")
    assert split_range("2024年1月1日到2024年12月31日") == ("2024年1月1日", "到", "2024年12月31日")
    assert split_range("2024-01-01") is None and split_range("2024-01-01 至 ") is None


def _folder(tmp_path: Path, steps: str) -> Path:
    (tmp_path / "systems").mkdir()
    (tmp_path / "systems" / "portal.yaml").write_text(
        "system: portal\ntitle: 门户\nkind: web\nstart_url: http://127.0.0.1:8000/\n", encoding="utf-8")
    (tmp_path / "portal").mkdir()
    f = tmp_path / "portal" / "r.yaml"
    f.write_text("recipe: portal.r\ntitle: 例子\nsystem: portal\nfields:\n"
                 "  case.kinds: {zh: 险种, kind: \"multi:失业保险|工伤保险\"}\n"
                 "  case.from: {zh: 起, kind: date}\n  case.to: {zh: 止, kind: date}\nsteps:\n" + steps,
                 encoding="utf-8")
    return f


def test_lint_accepts_the_list_shapes(tmp_path: Path) -> None:
    f = _folder(tmp_path, '  - choose: {label: 参保险种, value: [失业保险, "{{ case.kinds[0] }}"]}\n'
                          '  - choose: {label: 参保险种, value: "{{ case.kinds }}"}\n'
                          '  - fill: {label: 参保期间, value: ["{{ case.from }}", "{{ case.to }}"]}\n'
                          '  - fill: {label: 参保期间, value: "{{ case.from }} 至 {{ case.to }}"}\n')
    assert [str(p) for p in lint_paths([f], tmp_path)] == []
    recipe = load_recipe(f)
    assert recipe.steps[0].args["value"] == ["失业保险", "{{ case.kinds[0] }}"]
    # the plan renders every template before anything runs: the items of a list are templates too
    assert [w for w, _src, _m in recipe.steps[2].templates()] == ["value[0]", "value[1]"]


def test_lint_names_each_bad_list_where_it_is(tmp_path: Path) -> None:
    f = _folder(tmp_path, "  - choose: {label: 参保险种, value: []}\n"
                          "  - fill: {label: 参保期间, value: [2024-01-01, 2024-06-30, 2024-12-31]}\n"
                          "  - choose: {label: 参保险种, value: [失业保险, {a: 1}, 工伤、生育]}\n"
                          '  - fill: {label: 参保期间, value: ["{{ case.fro }}", "{{ case.to }}"]}\n')
    got = [str(p) for p in lint_paths([f], tmp_path)]
    assert got == [
        f"{f}:9:34: choose value: an empty list chooses nothing (give at least one item)",
        f"{f}:10:32: fill value: a list is a date range [start, end] of exactly two dates (this one has 3)",
        f"{f}:11:41: choose value: each item of the list is a text or a template, not a mapping",
        f"{f}:11:49: choose value: an item may not contain '、' (it joins the items)",
        f"{f}:12:33: unknown field 'case.fro': case fields must be declared under 'fields:'. Did you mean "
        "'case.from'?",
    ]


def test_the_schema_takes_a_list_for_fill_and_choose_only() -> None:
    steps = {next(iter(d["properties"])): d["properties"] for d in recipe_schema()["$defs"]["steps"]["items"]["oneOf"]}

    def value_of(name: str) -> dict[str, object]:
        body = steps[name][name]
        obj = body["oneOf"][1] if "oneOf" in body else body
        return obj["properties"]["value"]

    for name in ("fill", "choose"):
        assert {"type": "array", "items": {"type": ["string", "number"]}, "minItems": 1} in value_of(name)["oneOf"]
    assert value_of("check").get("type") == ["boolean", "string"]
