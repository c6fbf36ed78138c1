"""Which pending view rows a flush chains, for every shape of row and every alteration (Hypothesis, no server).

A pending view on the shared store is written without the hall's write lock and MAC'd with the audit key
(store/audit.py ``record_view``, ``view_by_lookup``). A lookup's view is MAC'd before its profile id is known:
over ``KIND:?`` and the lookup token, the id filled in by the statement. What must hold at the flush
(``AuditLog._genuine``): every row a ClerkDesk wrote is chained — also when its profile was erased meanwhile —
and a row with any column changed without the key is not, with the one exception docs/security.md states: a
lookup's id pointed at a profile that is not there (erased, or never was) cannot be told from an erasure; the
row still proves who looked up *something* when, which is more than deleting it (also undetectable) leaves.
The chained row never carries the token. The real-server tests are in test_audit_views.py.
"""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clerkdesk.store.audit import AuditLog
from clerkdesk.store.crypto import Cipher

pytestmark = pytest.mark.own_backend  # no store is opened: the server-free half of test_audit_views.py

COLUMNS = ("at", "actor", "action", "subject", "detail", "nonce", "mac")
LOG = AuditLog(SimpleNamespace(cipher=Cipher(b"k" * 32), clerk="window-3"))  # type: ignore[arg-type]
OTHER = Cipher(b"x" * 32)  # someone with another key (or none)


class FakeDb:
    """What ``_genuine`` asks the database: the lookup token of each profile id still there."""

    def __init__(self, profiles: dict[int, str]):
        self.profiles = profiles

    def query(self, sql: str, params: list[Any]) -> list[dict[str, Any]]:
        assert "from profiles" in sql
        return [{"id": i, "lookup": self.profiles[i]} for i in params[0] if i in self.profiles]


def token(i: int) -> str:
    return LOG.s.cipher.blind_index("person", f"id-{i}")


def written(kind: str, pid: int, lookup: bool) -> dict[str, Any]:
    """A row as ClerkDesk writes it: a lookup's (statement-filled id) or any other view's."""
    if lookup:
        row = LOG._pending_row("viewed", f"{kind}:?", {"lookup": token(pid)})
        return {**row, "subject": f"{kind}:{pid}"}
    return LOG._pending_row("viewed_history", f"{kind}:{pid}", None)


rows = st.lists(st.tuples(st.sampled_from(["person", "company"]), st.integers(1, 8), st.booleans()),
                min_size=1, max_size=6)
present = st.sets(st.integers(1, 8))  # the profile ids still in the store (the others erased)


def altered_value(draw: st.DrawFn, column: str, row: dict[str, Any]) -> str | None:
    kind = row["subject"].partition(":")[0]
    choices = {
        "subject": st.one_of(st.builds(lambda j: f"{kind}:{j}", st.integers(1, 12)),
                             st.builds(lambda j: f"company:{j}" if kind == "person" else f"person:{j}",
                                       st.integers(1, 8)),
                             st.just(f"{kind}:?"), st.just(f"{kind}:{10**20}"), st.none(), st.text(max_size=12)),
        "detail": st.one_of(st.builds(lambda j: json.dumps({"lookup": token(j)}), st.integers(1, 12)),
                            st.just("{}"), st.just("x"), st.none(), st.text(max_size=12)),
        "mac": st.one_of(st.just(OTHER.sign(json.dumps(["pending", *(row[k] for k in COLUMNS[:-1])],
                                                        ensure_ascii=False))),
                         st.text(alphabet="0123456789abcdef", min_size=64, max_size=64)),
    }
    return draw(choices.get(column, st.text(max_size=24)))


@st.composite
def flush_input(draw: st.DrawFn) -> tuple[list[dict[str, Any]], list[bool], set[int]]:
    """Rows as written, some altered in one column; each with whether it must be chained."""
    ids = draw(present)
    out, expect = [], []
    for kind, pid, lookup in draw(rows):
        row = written(kind, pid, lookup)
        if draw(st.booleans()):
            column = draw(st.sampled_from(COLUMNS))
            value = altered_value(draw, column, row)
            if value != row[column]:
                # the stated exception: a lookup's id moved to a profile of its kind that is not there
                kind_, _, new = str(value).partition(":")
                gap = (lookup and column == "subject" and kind_ == kind and new.isdigit() and len(new) < 19
                       and int(new) not in ids)
                out.append({**row, column: value})
                expect.append(gap)
                continue
        out.append(row)
        expect.append(True)
    return out, expect, ids


@settings(max_examples=400, deadline=None)
@given(flush_input())
def test_a_flush_chains_exactly_the_rows_written_with_the_key_and_never_a_token(
        case: tuple[list[dict[str, Any]], list[bool], set[int]]) -> None:
    pending, expect, ids = case
    db = FakeDb({i: token(i) for i in ids})
    assert LOG._genuine(db, pending) == expect
    for row, ok in zip(pending, expect, strict=True):
        if ok:
            chained = LOG._as_chained(row)
            assert "lookup" not in chained["detail"] and chained["subject"] == row["subject"]
