"""YAML with positions: every mapping key, value and list item knows its file:line:col.

ruamel.yaml's round-trip loader records 0-based line/column on mappings and
sequences (``.lc``); ``Src`` wraps a loaded value with its ``Mark`` so the
recipe loader can point every error at the exact place.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError

from clerkdesk.errors import Mark, RecipeError


@dataclass(frozen=True)
class Src:
    """A YAML value and where it is."""

    value: Any
    mark: Mark

    @property
    def is_map(self) -> bool:
        return isinstance(self.value, dict)

    @property
    def is_seq(self) -> bool:
        return isinstance(self.value, list)

    def items(self) -> Iterator[tuple[str, Src, Mark]]:
        """(key, value-with-mark, key mark) for a mapping."""
        m: CommentedMap = self.value
        for k in m:
            kl, kc = m.lc.key(k)
            vl, vc = m.lc.value(k)
            yield str(k), Src(m[k], Mark(self.mark.path, vl + 1, vc + 1)), Mark(self.mark.path, kl + 1, kc + 1)

    def get(self, key: str) -> Src | None:
        for k, v, _ in self.items():
            if k == key:
                return v
        return None

    def key_mark(self, key: str) -> Mark:
        for k, _, km in self.items():
            if k == key:
                return km
        return self.mark

    def elements(self) -> Iterator[Src]:
        s: CommentedSeq = self.value
        for i, v in enumerate(s):
            ln, col = s.lc.item(i)
            yield Src(v, Mark(self.mark.path, ln + 1, col + 1))

    def plain(self) -> Any:
        """The value as plain Python (dict/list/str/int/...)."""
        return _plain(self.value)


def _plain(v: Any) -> Any:
    if isinstance(v, dict):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_plain(x) for x in v]
    if isinstance(v, str):
        return str(v)
    return v


def load(path: Path, text: str | None = None) -> Src:
    """Parse a YAML file; syntax errors become RecipeError at the offending line:col."""
    if text is None:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as e:
            raise RecipeError(f"not UTF-8 text ({e.reason} at byte {e.start}); save the file as UTF-8",
                              Mark(path, 1, 1)) from None
    yaml = YAML(typ="rt")
    try:
        data = yaml.load(text)
    except MarkedYAMLError as e:
        pm = e.problem_mark
        mark = Mark(path, pm.line + 1, pm.column + 1) if pm else Mark(path, 1, 1)
        raise RecipeError(f"YAML syntax error: {e.problem}" + (f" ({e.context})" if e.context else ""),
                          mark) from None
    if data is None:
        raise RecipeError("the file is empty", Mark(path, 1, 1))
    if isinstance(data, CommentedMap):
        return Src(data, Mark(path, data.lc.line + 1, data.lc.col + 1))
    return Src(data, Mark(path, 1, 1))
