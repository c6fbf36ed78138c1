"""Case fields typed by the recipe and validated when the plan is made: every problem listed before any system
is touched, never quoting the value; free text in records and cases refused when it is unclean."""

from __future__ import annotations

from pathlib import Path

import pytest

from clerkdesk.engine.plan import plan_case
from clerkdesk.errors import PlanError, ValidationError
from clerkdesk.recipe.lint import lint
from clerkdesk.recipe.loader import load_recipe
from clerkdesk.recipe.systems import load_system
from clerkdesk.records.model import make_enterprise, make_person

SYSTEM = "system: s\ntitle: 系统\nkind: web\nstart_url: http://127.0.0.1:8601/\n"
RECIPE = """recipe: s.reg
title: 登记
system: s
fields:
  case.wage: {zh: 月工资, type: number, min: 0, max: 1000000}
  case.start: {zh: 就业日期, kind: date}
  case.form: {zh: 就业形式, kind: "choice:单位就业|灵活就业"}
  case.note: {zh: 备注, maxlength: 10, required: false}
steps:
  - open: /x
  - fill: {label: 工资, value: "{{ case.wage }}"}
  - fill: {label: 日期, value: "{{ case.start }}"}
  - fill: {label: 形式, value: "{{ case.form }}"}
  - fill: {label: 备注, value: "{{ case.note }}"}
"""
GOOD = {"wage": "6500", "start": "2026-11-01", "form": "单位就业", "note": "无"}
PERSON = {"name": "王小明", "id_number": "11010519491231002X"}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "systems").mkdir()
    (tmp_path / "s").mkdir()
    (tmp_path / "systems" / "s.yaml").write_text(SYSTEM, encoding="utf-8")
    (tmp_path / "s" / "reg.yaml").write_text(RECIPE, encoding="utf-8")
    return tmp_path


def plan(folder: Path, case: object) -> list[str]:
    systems = {"s": load_system(folder / "systems" / "s.yaml")}
    recipe = load_recipe(folder / "s" / "reg.yaml", systems)
    try:
        plan_case([recipe], systems, {"person": PERSON, "case": case})
    except PlanError as e:
        return e.lines
    return []


def test_good_values_plan(folder: Path) -> None:
    assert plan(folder, GOOD) == []
    assert plan(folder, {**GOOD, "wage": 6500.5, "note": ""}) == []


@pytest.mark.parametrize(("wage", "why"), [("六千五", "is a number written with digits"), ("NaN", "written with"),
                                           ("inf", "written with"), ("-6500", "is at least 0"),
                                           (True, "written with"), ("2000000", "is at most 1e+06")])
def test_number_fields(folder: Path, wage: object, why: str) -> None:
    problems = plan(folder, {**GOOD, "wage": wage})
    assert len(problems) == 1 and problems[0].startswith("s.reg (系统): 月工资 (case.wage) ") and why in problems[0]


def test_every_problem_is_listed_at_once_and_no_value_is_quoted(folder: Path) -> None:
    problems = plan(folder, {"wage": "-1", "start": "2026-13-40", "form": "其他", "note": "北京\u202e市" + "x" * 20})
    text = "\n".join(problems)
    assert "(case.wage) is at least 0" in text and "(case.start)" in text and "(case.form) is one of" in text
    assert "(case.note) contains the control or invisible character U+202E" in text
    assert "(case.note) too long" in text
    assert "北京" not in text and "其他" not in text


def test_case_must_be_an_object(folder: Path) -> None:
    for bad in ([1, 2], "employer", 3):
        assert plan(folder, bad) == ['the case is a JSON object of case fields, such as {"employer": "…"}']


def test_lint_reports_bad_declarations(folder: Path) -> None:
    (folder / "s" / "reg.yaml").write_text(RECIPE.replace("max: 1000000", "max: lots").replace(
        "maxlength: 10", "maxlen: 10").replace("kind: date}", "kind: date, min: 0}"), encoding="utf-8")
    got = [str(p).replace(f"{folder}/", "") for p in lint([folder], None)[0]]
    assert got == ["s/reg.yaml:5:51: case.wage: max is a number",
                   "s/reg.yaml:6:43: case.start: min needs type: number",
                   "s/reg.yaml:8:23: case.note has no setting 'maxlen'. Did you mean 'maxlength'?"]


@pytest.mark.parametrize("bad", ["北京市\x00朝阳区", "北京市\x1b[31m朝阳区", "北京市\u202e区阳朝", "北京\u200b市",
                                 "北京\x85市", "\ufeff北京市", "北京\u2066市"])
def test_unclean_record_text_is_refused_naming_the_field(bad: str) -> None:
    with pytest.raises(ValidationError) as ei:
        make_person({**PERSON, "hukou_address": bad})
    (p,) = ei.value.problems
    assert p.field == "person.hukou_address" and p.code == "TEXT_UNCLEAN" and bad not in str(p)


def test_record_text_length_limits() -> None:
    with pytest.raises(ValidationError) as ei:
        make_person({**PERSON, "current_address": "北" * 1_000_000})
    assert [(p.field, p.code) for p in ei.value.problems] == [("person.current_address", "TEXT_TOO_LONG")]
    make_enterprise({"name": "某某有限公司", "uscc": "91110000600037341L", "business_scope": "餐饮" * 900})
    make_person({**PERSON, "hukou_address": "  北京市东城区\n"})  # a pasted line break at the end is no error


def test_english_labels_on_recipes_systems_bundles_and_case_fields(folder: Path) -> None:
    """``en:`` labels are accepted (and linted) beside the Chinese; without them the Chinese stays the name."""
    from clerkdesk.recipe.catalog import Catalog
    from clerkdesk.recipe.model import in_language

    (folder / "systems" / "s.yaml").write_text(SYSTEM + 'en: "HR system"\n', encoding="utf-8")
    (folder / "s" / "reg.yaml").write_text(RECIPE.replace("title: 登记\n", 'title: 登记\nen: "Registration"\n').replace(
        "{zh: 月工资,", '{zh: 月工资, en: "Monthly wage",'), encoding="utf-8")
    (folder / "bundles.yaml").write_text('- id: both\n  title: 一件事\n  en: "One-stop"\n  recipes: [s.reg]\n',
                                         encoding="utf-8")
    assert lint([folder], None)[0] == []
    cat = Catalog(folder)
    r = cat.get("s.reg")
    assert (r.en, cat.systems["s"].en, cat.matters["both"].en, cat.matters["s.reg"].en) == (
        "Registration", "HR system", "One-stop", "Registration")
    assert (r.fields["case.wage"].en, r.fields["case.start"].en) == ("Monthly wage", "")
    assert [in_language(f.zh, f.en, lang) for f in (r.fields["case.wage"], r.fields["case.start"])
            for lang in ("zh", "en")] == ["月工资", "Monthly wage", "就业日期", "就业日期"]
    assert cat.broken == []


def test_a_bad_english_label_is_named_where_it_stands(folder: Path) -> None:
    (folder / "s" / "reg.yaml").write_text(RECIPE.replace("title: 登记\n", "title: 登记\nen: [a, b]\n").replace(
        "{zh: 月工资,", '{zh: 月工资, en: "",'), encoding="utf-8")
    got = [str(p).replace(f"{folder}/", "") for p in lint([folder], None)[0]]
    assert got == ["s/reg.yaml:6:28: case.wage: en is the English label, one line of text (e.g. en: Monthly wage)",
                   "s/reg.yaml:3:5: en is the English label, one line of text (e.g. en: Employment registration)"]


def test_the_shipped_recipes_name_themselves_in_english() -> None:
    from clerkdesk.config import recipes_dir
    from clerkdesk.recipe.catalog import Catalog

    cat = Catalog(recipes_dir())
    assert cat.broken == []
    assert all(m.en for m in cat.matters.values()) and all(s.en for s in cat.systems.values())
    assert all(f.en for r in cat.recipes.values() for f in r.fields.values())


def test_messages_and_choice_options_take_english_words_and_old_recipes_stay_valid(folder: Path) -> None:
    """``en:`` on a confirm's, a human's and a login's message and ``en_choices`` on a choice field: the English
    window's words; the step hands its clerk a ``Said`` that carries them (the text itself stays the Chinese)."""
    from clerkdesk.recipe.catalog import Catalog
    from clerkdesk.recipe.said import Said

    text = RECIPE.replace('kind: "choice:单位就业|灵活就业"}', 'kind: "choice:单位就业|灵活就业", '
                          'en_choices: {单位就业: "Employed by a unit"}}') + (
        '  - human: {message: 请登录, en: "Log in", until: {text: 退出}}\n'
        '  - confirm: {message: 请核对后提交, en: "Check, then submit"}\n'
        '  - confirm: 请再核对\n')
    (folder / "s" / "reg.yaml").write_text(text, encoding="utf-8")
    assert lint([folder], None)[0] == []
    r = Catalog(folder).get("s.reg")
    form = r.fields["case.form"]
    assert [form.option_words(o, lang) for o in form.options for lang in ("zh", "en")] == [
        "单位就业", "Employed by a unit", "灵活就业", "灵活就业"]
    human, confirm, plain = r.steps[-3:]

    class Catcher:
        def __init__(self) -> None:
            self.got: list[str] = []

        def human(self, s: object, message: str, until: object) -> None:
            self.got.append(message)

        def confirm(self, s: object, message: str) -> None:
            self.got.append(message)

    x = Catcher()
    for s in (confirm, plain):
        s.type.perform(x, s)  # type: ignore[arg-type]
    assert x.got == ["请核对后提交", "请再核对"]
    assert isinstance(x.got[0], Said) and x.got[0].en == "Check, then submit"
    assert not getattr(x.got[1], "en", "")  # no en: the Chinese as written everywhere
    assert human.args["en"] == "Log in"


def test_a_malformed_english_message_or_choice_is_named_where_it_stands(folder: Path) -> None:
    text = RECIPE.replace('kind: "choice:单位就业|灵活就业"}', 'kind: "choice:单位就业|灵活就业", '
                          'en_choices: {单位: "Unit", 灵活就业: [a]}}') + (
        '  - confirm: {message: 请核对, en: "{{ person.name }}"}\n'
        '  - human: {message: 请登录, en: ""}\n')
    (folder / "s" / "reg.yaml").write_text(text, encoding="utf-8")
    got = [str(p).replace(f"{folder}/", "") for p in lint([folder], None)[0]]
    assert got == [
        "s/reg.yaml:7:64: case.form: en_choices names '单位', which is not one of its options. Did you mean '单位就业'?",
        "s/reg.yaml:7:82: case.form: en_choices 灵活就业 is its English words, one line of text",
        's/reg.yaml:15:33: confirm en is the message in the English window, one line of plain text (e.g. en: '
        '"Log in to the system")',
        's/reg.yaml:16:31: human en is the message in the English window, one line of plain text (e.g. en: '
        '"Log in to the system")'], got


def test_a_screenshot_names_its_evidence_in_both_languages(tmp_path: Path) -> None:
    """``screenshot: {name: 受理回执, en: Receipt}`` keeps both (stored as ``受理回执 (Receipt)``, shown in the window's
    language); the scalar form stays valid; an en that is a template is refused at its place."""
    (tmp_path / "systems").mkdir()
    (tmp_path / "s").mkdir()
    (tmp_path / "systems" / "s.yaml").write_text(SYSTEM, encoding="utf-8")
    shots = ["受理回执", "{name: 受理回执, en: Receipt}", '{name: 受理回执, en: "{{ person.name }}"}']
    body = "".join(f"  - screenshot: {x}\n" for x in shots)
    path = tmp_path / "s" / "shot.yaml"
    path.write_text(f"recipe: s.shot\ntitle: 截图\nsystem: s\nsteps:\n  - open: /form\n{body}", encoding="utf-8")
    got = [str(p).replace(f"{tmp_path}/", "") for p in lint([tmp_path], None)[0]]
    assert len(got) == 1 and got[0].startswith("s/shot.yaml:8:") and "screenshot en" in got[0], got
    path.write_text(path.read_text(encoding="utf-8").rsplit("  - screenshot", 1)[0], encoding="utf-8")
    recipe = load_recipe(path, {"s": load_system(tmp_path / "systems" / "s.yaml")})
    assert [s.args for s in recipe.steps[1:]] == [{"name": "受理回执"}, {"name": "受理回执", "en": "Receipt"}]
