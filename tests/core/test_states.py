"""Run, submit and case states are Enums (``records.runstate``), one definition for the engine, the store and
the shells. Their values are what the store holds, so they must never change: the first test pins the stored
words, the second that the store writes no word the Enums do not define, the third that the product names the
states through the Enums rather than re-spelling them (a misspelt ``"needs_clerk"`` compares false silently).
"""

from __future__ import annotations

import ast
from pathlib import Path

import clerkdesk
from clerkdesk.records.runstate import SUBMIT_WORDS, CaseStatus, RunStatus, SubmitState

SRC = Path(clerkdesk.__file__).resolve().parent


def test_the_stored_words_never_change() -> None:
    assert [s.value for s in RunStatus] == ["planned", "running", "paused", "needs_clerk", "failed", "succeeded",
                                           "aborted", "dry_run", "superseded", "interrupted", "queued"]
    assert [s.value for s in SubmitState] == ["none", "armed", "clicked", "confirmed", "uncertain"]
    assert [s.value for s in CaseStatus] == ["open", "running", "done", "needs_clerk", "failed", "closed"]
    assert SubmitState.of("pending") is SubmitState.ARMED and SubmitState.of("done") is SubmitState.CONFIRMED
    assert set(SUBMIT_WORDS) == set(SubmitState)


def _written_statuses(tree: ast.AST) -> list[tuple[int, str]]:
    """Literal statuses a module writes to a run or a case: ``{"status": "x"}`` and ``status="x"`` (a keyword
    argument). A run event's row (it has a ``kind``) has statuses of its own (``ok``, ``taken_over``)."""
    out: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict) and not any(isinstance(k, ast.Constant) and k.value == "kind"
                                                  for k in node.keys):
            for k, v in zip(node.keys, node.values, strict=True):
                if isinstance(k, ast.Constant) and k.value == "status" and isinstance(v, ast.Constant):
                    out.append((v.lineno, v.value))
        elif isinstance(node, ast.keyword) and node.arg == "status" and isinstance(node.value, ast.Constant):
            out.append((node.value.lineno, node.value.value))
    return out


def test_the_store_writes_only_states_the_enums_define() -> None:
    """The store (its own helper's area) still spells some states as literals: they must be Enum values."""
    known = {s.value for s in RunStatus} | {s.value for s in CaseStatus}
    written = [(p.name, line, v) for p in sorted((SRC / "store").rglob("*.py"))
               for line, v in _written_statuses(ast.parse(p.read_text(encoding="utf-8")))]
    assert written, "the scan found the store's status writes"
    assert [w for w in written if w[2] not in known] == []


# Words that are run or submit states and nothing else (``failed``, ``running`` also name a report row's or an
# event's status, so they are not searched for).
DISTINCT = {"needs_clerk", "succeeded", "dry_run", "superseded", "interrupted", "armed", "clicked"}


def _exempt(path: Path) -> bool:
    rel = path.relative_to(SRC)
    # the Enums themselves; the store (the PostgreSQL work reshapes it); the command-line shells, which the
    # application-layer work moves into a cli/ package (they still compare with "succeeded")
    return (rel.parts[0] in ("store", "cli") or rel == Path("records/runstate.py")
            or rel.name.startswith("cli") or rel.name == "demo_console.py")


def test_the_product_names_states_through_the_enums() -> None:
    spelt = []
    for path in sorted(SRC.rglob("*.py")):
        if _exempt(path):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and node.value in DISTINCT:
                spelt.append(f"{path.relative_to(SRC)}:{node.lineno}: {node.value!r}")
    assert spelt == [], "use records.runstate's RunStatus / SubmitState / CaseStatus:\n" + "\n".join(spelt)
