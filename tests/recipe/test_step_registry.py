"""The step registry is the one source of what each step type means.

The engine, the lint, the confirm's words, the shells and the docs ask the registry (``StepType`` flags,
``steps.kinds(...)``) instead of keeping their own lists of step names: a list kept elsewhere goes stale the day
a step is added (the UI's old word list lacked ``key`` and ``window`` and named steps that never existed). The
first test scans the product's source for such lists; the others check that every registered step carries
what the shells and the docs show for it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import clerkdesk
from clerkdesk.recipe.docgen import steps_table
from clerkdesk.recipe.steps import STEPS, StepType, kinds

SRC = Path(clerkdesk.__file__).resolve().parent
REGISTRY = SRC / "recipe" / "steps.py"


def step_name_lists(tree: ast.AST, names: set[str]) -> list[tuple[int, list[str]]]:
    """(line, members) of every set, tuple, list or dict literal in TREE whose members (a dict's keys) are
    mostly string literals naming steps: more than half of them, and at least one."""
    found: list[tuple[int, list[str]]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Set | ast.Tuple | ast.List):
            members = list(node.elts)
        elif isinstance(node, ast.Dict):
            members = [k for k in node.keys if k is not None]
        else:
            continue
        texts = [m.value for m in members if isinstance(m, ast.Constant) and isinstance(m.value, str)]
        hits = [t for t in texts if t in names]
        if hits and len(hits) * 2 > len(members):
            found.append((node.lineno, texts))
    return found


def test_the_scan_finds_a_list_of_step_names() -> None:
    """The scan itself: it catches the shapes the old code had, and leaves other words alone."""
    names = set(STEPS)
    code = ('A = ("expect", "capture")\nB = {"fill": 1, "choose": 2, "other": 3}\nC = ("check",)\n'
            'if kind in ["fill", "choose", "check", "read"]: pass\n'
            'D = ("choose", "radio")\nE = {"key": 1, "value": 2}\nF = ("accept", "dismiss")\n')
    got = [line for line, _ in step_name_lists(ast.parse(code), names)]
    assert got == [1, 2, 3, 4]


def test_no_module_outside_the_registry_lists_step_names() -> None:
    names = set(STEPS)
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        if path == REGISTRY or path.relative_to(SRC).parts[0] == "store":  # tables and columns ("key"), not steps
            continue
        for line, texts in step_name_lists(ast.parse(path.read_text(encoding="utf-8")), names):
            offenders.append(f"{path.relative_to(SRC)}:{line}: {texts}")
    assert offenders == [], "ask the step registry (a StepType flag or steps.kinds(...)) instead:\n" + \
        "\n".join(offenders)


@pytest.mark.parametrize("name", list(STEPS))
def test_every_step_has_its_words_a_docs_row_and_a_ui_word(name: str) -> None:
    from clerkdesk.ui.errors import STEP_WORDS, step_words
    from clerkdesk.ui.i18n import EN

    st = STEPS[name]
    assert st.zh and any("\u4e00" <= ch <= "\u9fff" for ch in st.zh), "a Chinese label for the clerk"
    assert st.en and st.en.isascii(), "and its English"
    assert f"| `{name}` |" in steps_table() and st.zh in steps_table(), "a row of the docs' step table"
    assert STEP_WORDS[name] == st.zh and step_words(name, f"{name} 姓名") == f"{st.zh} 姓名"
    assert EN[st.zh] == st.en, "the UI's English for it"


def test_labels_are_distinct() -> None:
    """Two steps read alike would make the run monitor ambiguous."""
    zh = [t.zh for t in STEPS.values()]
    en = [t.en for t in STEPS.values()]
    assert len(set(zh)) == len(zh) and len(set(en)) == len(en)


@pytest.mark.parametrize("name", list(STEPS))
def test_the_meanings_hang_together(name: str) -> None:
    st: StepType = STEPS[name]
    if st.verifies or st.confirms:
        assert st.answers, "what looks at the answer may follow a submit"
    if st.submits:
        assert not st.safe_to_retry and st.irreversible and not st.answers
    if st.decides or st.repeats:
        assert st.container
    if st.container:
        assert "steps" in st.params
    if st.optional_locator:
        assert st.locator
    assert st.fills in (None, "value", "tick")


def test_the_meanings_are_the_recipe_language_of_the_docs() -> None:
    """The sets the engine and the shells derive, spelled out once: a change here is a change of behaviour."""
    assert kinds(submits=True) == {"submit"}
    assert kinds(confirms=True) == {"expect", "capture"}
    assert kinds(answers=True) == {"expect", "wait", "capture", "dialog", "screenshot"}
    assert kinds(verifies=True) == {"expect", "wait", "capture", "dialog"}
    assert kinds(reads=True) == {"capture"}
    assert kinds(person=True) == {"confirm", "human", "login"}
    assert kinds(navigates=True) == {"open"}
    assert kinds(container=True) == {"frame", "window", "when", "each", "login"}
    assert kinds(decides=True) == {"when", "each", "login"}
    assert kinds(repeats=True) == {"each"}
    assert kinds(fills="value") == {"fill", "choose"} and kinds(fills="tick") == {"check"}
