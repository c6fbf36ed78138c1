"""The step table of docs/recipes.md, generated from the step registry (``clerkdesk.recipe.steps``).

One source: the recipe words, what each does, its settings and an example are written once, in the registry;
the table between the ``<!-- steps:begin -->`` / ``<!-- steps:end -->`` markers is this module's output, a test
fails when the two differ, and another lints every example. Regenerate after changing a step::

    python -m clerkdesk.recipe.docgen docs/recipes.md      # rewrites the table in place
"""

from __future__ import annotations

import sys
from pathlib import Path

from clerkdesk.recipe.steps import COMMON, CONDITION_KEYS, RENDERED_TEXTS, STEPS, StepType

BEGIN = "<!-- steps:begin (generated from the step registry by `python -m clerkdesk.recipe.docgen`) -->"
END = "<!-- steps:end -->"


COMMON_DOCS = {"timeout": "seconds to wait before the step fails",
               "retry": "how many times a safe step is tried again after a transient error",
               "note": "a comment for the next supervisor; ignored by the engine"}


def _cell(text: str) -> str:
    """Markdown table cell: a pipe inside a template (``{{ x | code('t') }}``) must not end the cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def settings(st: StepType) -> str:
    """The settings column: locator / condition keys, then each parameter with its meaning."""
    parts: list[str] = []
    if st.locator:
        parts.append("a locator (section 4)" + (", optional" if st.optional_locator else ""))
    if st.condition:
        parts.append(" / ".join(f"`{k}`" for k in CONDITION_KEYS if k != "gone") + " (one of; templates work), "
                     "`gone: true`")
    if st.entries == "results":
        parts.append("one entry per value to keep: `NAME: {after: LABEL, pattern: REGEX}` or "
                     "`NAME: {element: LOCATOR}`; `after` may be a template; short form `NAME: LABEL`")
    elif st.entries == "profile":
        parts.append("one entry per profile field the system shows: `person.FIELD: {after: LABEL, pattern: "
                     "REGEX}` or `person.FIELD: {element: LOCATOR}`; short form `person.FIELD: LABEL`; before "
                     "every submit")
    for name, p in st.params.items():
        if p.type == "steps":
            parts.append(f"`{name}`: nested steps" + ("" if p.required else " (optional)"))
            continue
        what = p.doc or p.type
        if p.type == "condition":
            what += " — " + " / ".join(f"`{k}`" for k in CONDITION_KEYS) + " (templates work)"
        if name in RENDERED_TEXTS.get(st.name, ()):
            what += " (a template works)"
        req = "" if p.required or name in st.one_of else " (optional)"
        parts.append(f"`{name}`{req}: {what}")
    if st.one_of:
        parts.append("exactly one of " + " / ".join(f"`{k}`" for k in st.one_of))
    if st.scalar:
        parts.append(f"short form `{st.name}: <{st.scalar}>`")
    if st.kinds != frozenset({"web", "desktop"}):
        parts.append(f"**{' and '.join(sorted(st.kinds))} only**")
    return "; ".join(parts)


# The step's meanings (its flags in the registry) as the docs say them, in this order.
MEANING_DOCS = {"submits": "**the submit**: never retried, never repeated on resume",
                "person": "waits for the clerk",
                "navigates": "a resumed run starts again at the latest one",
                "verifies": "after a submit, waits for the system's answer",
                "confirms": "after a submit, its success records the submit",
                "reads": "keeps what it reads with the case",
                "observes": "compared with the profile before any write; the clerk decides each difference",
                "answers": "may follow a submit as part of its answer",
                "container": "runs nested steps",
                "decides": "its nested steps' values are checked when they run",
                "repeats": "once per item"}


def meanings(st: StepType) -> str:
    """The meanings column: the clerk's word for the step, then what the engine makes of it."""
    said = [MEANING_DOCS[k] for k in MEANING_DOCS if getattr(st, k)]
    if st.fills:
        said.append("its value is shown in the confirm" if st.fills == "value" else "its tick is shown in the confirm")
    return f"{st.zh} ({st.en})" + (": " + "; ".join(said) if said else "")


def steps_table() -> str:
    """The markdown table of every step type, in registry order."""
    rows = ["| step | what it does | settings | example | shown to the clerk as; meaning |", "|---|---|---|---|---|"]
    for name, st in STEPS.items():
        rows.append(f"| `{name}` | {_cell(st.doc)} | {_cell(settings(st))} | `{_cell(st.example)}` | "
                    f"{_cell(meanings(st))} |")
    assert set(COMMON_DOCS) == set(COMMON), "describe every common setting"
    rows.append("")
    rows.append("Every step also takes " + ", ".join(f"`{k}` ({COMMON_DOCS[k]})" for k in COMMON) + ".")
    return "\n".join(rows)


def replace_table(doc: str) -> str:
    """DOC with the text between the markers replaced by the generated table."""
    if BEGIN not in doc or END not in doc:
        raise ValueError(f"the document has no {BEGIN!r} … {END!r} markers")
    head, rest = doc.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{BEGIN}\n{steps_table()}\n{END}{tail}"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args:
        print(steps_table())
        return 0
    for name in args:
        path = Path(name)
        path.write_text(replace_table(path.read_text(encoding="utf-8")), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
