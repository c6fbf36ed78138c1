"""docs/sandbox-web.md carries the field tables generated from the servers' own specs."""

from __future__ import annotations

from pathlib import Path

from clerkdesk.sandbox.web import docgen

DOC = Path(__file__).resolve().parents[2] / "docs" / "sandbox-web.md"


def test_field_tables_are_current() -> None:
    text = DOC.read_text(encoding="utf-8")
    for key in [*docgen.MATTERS, "regions"]:
        assert f"<!-- BEGIN GENERATED: {key} -->" in text, key
    assert docgen.update(text) == text, (
        "run: .venv/bin/python -m clerkdesk.sandbox.web.docgen docs/sandbox-web.md"
    )


def test_every_field_and_code_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    for matter in docgen.MATTERS.values():
        assert matter.path in text
        for f in matter.fields:
            assert f"`{f.name}`" in text and f.label in text
            for value, label in f.options if f.kind != "checkbox" else ():
                assert f"| `{value}` | {label} |" in text
