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
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.reader import ReaderError

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


MAX_BYTES = 1_000_000  # a recipe is a few KB; the biggest bundled one is ~6 KB
MAX_NODES = 100_000  # values after aliases are expanded: a 9×9 "billion laughs" has 387,420,489


def _expanded_size(data: Any, path: Path) -> int:
    """How many values DATA holds once every YAML alias is expanded (``_plain`` expands them); a RecipeError
    as soon as it passes MAX_NODES or an alias refers to itself. Shared subtrees are counted once per use,
    through a memo, so this costs the size of the file, not of the expansion."""
    memo: dict[int, int] = {}
    busy: set[int] = set()

    def size(v: Any) -> int:
        if not isinstance(v, dict | list):
            return 1
        key = id(v)
        if key in memo:
            return memo[key]
        if key in busy:
            raise RecipeError("a YAML alias refers to itself (a recursive anchor): write the values out",
                              Mark(path, 1, 1))
        busy.add(key)
        n = 1 + sum(size(x) for x in (v.values() if isinstance(v, dict) else v))
        busy.discard(key)
        if n > MAX_NODES:
            line = getattr(getattr(v, "lc", None), "line", 0) or 0
            raise RecipeError(f"the file expands to more than {MAX_NODES:,} values (YAML anchors and aliases "
                              "repeated into each other, an 'alias bomb'?): write the values out",
                              Mark(path, line + 1, 1))
        memo[key] = n
        return n

    return size(data)


def load(path: Path, text: str | None = None) -> Src:
    """Parse a YAML file; syntax errors become RecipeError at the offending line:col.

    Bounded: at most MAX_BYTES of text and MAX_NODES values after alias expansion, so one hostile or broken
    file costs a clear error, not the memory of the machine.
    """
    if text is None:
        try:
            if path.stat().st_size > MAX_BYTES:
                raise RecipeError(f"the file is larger than {MAX_BYTES:,} bytes: not a recipe", Mark(path, 1, 1))
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as e:
            raise RecipeError(f"not UTF-8 text ({e.reason} at byte {e.start}); save the file as UTF-8",
                              Mark(path, 1, 1)) from None
    if len(text) > MAX_BYTES:
        raise RecipeError(f"the file is larger than {MAX_BYTES:,} characters: not a recipe", Mark(path, 1, 1))
    yaml = YAML(typ="rt")
    try:
        data = yaml.load(text)
    except MarkedYAMLError as e:
        pm = e.problem_mark
        mark = Mark(path, pm.line + 1, pm.column + 1) if pm else Mark(path, 1, 1)
        raise RecipeError(f"YAML syntax error: {e.problem}" + (f" ({e.context})" if e.context else ""),
                          mark) from None
    except ReaderError as e:  # a control character the YAML spec forbids: at its line:col, by its code
        pos = max(0, int(getattr(e, "position", 0) or 0))
        line = text.count("\n", 0, pos) + 1
        col = pos - (text.rfind("\n", 0, pos) + 1) + 1
        raise RecipeError(f"character U+{int(getattr(e, 'character', 0) or 0):04X} is not allowed in YAML "
                          "(a control character): delete it", Mark(path, line, col)) from None
    except YAMLError as e:  # any other parser complaint without a position
        raise RecipeError(f"YAML error: {e}", Mark(path, 1, 1)) from None
    except RecursionError:
        raise RecipeError("the YAML is nested too deeply", Mark(path, 1, 1)) from None
    if data is None:
        raise RecipeError("the file is empty", Mark(path, 1, 1))
    try:
        _expanded_size(data, path)
    except RecursionError:
        raise RecipeError("the YAML is nested too deeply", Mark(path, 1, 1)) from None
    if isinstance(data, CommentedMap):
        return Src(data, Mark(path, data.lc.line + 1, data.lc.col + 1))
    return Src(data, Mark(path, 1, 1))
