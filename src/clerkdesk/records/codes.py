"""Canonical code tables (shipped in ``clerkdesk/records/tables``, beside the rules that use them).

A value can be given as the canonical code, its Chinese label or an alias
(``城镇`` → ``urban``); ``CodeTable.resolve`` returns the canonical code or
None. Target systems map canonical codes to their own in their system file.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources

TABLES = ("sex", "ethnicity", "hukou_type", "marital_status", "education", "id_document_type", "entity_type")


@dataclass(frozen=True)
class Code:
    code: str
    zh: str
    en: str
    aliases: tuple[str, ...] = ()


def _key(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().lower()


@dataclass(frozen=True)
class CodeTable:
    name: str
    source: str
    codes: tuple[Code, ...]

    def resolve(self, value: str) -> str | None:
        """The canonical code for a code, a Chinese label or an alias; None if unknown."""
        return self._index.get(_key(value))

    @cached_property
    def _index(self) -> dict[str, str]:
        """Every spelling → canonical code. Earlier spellings win (a code never loses to another's alias)."""
        index: dict[str, str] = {}
        for rank in range(4):  # codes, then Chinese labels, then English names, then aliases
            for c in self.codes:
                for spelling in ((c.code,), (c.zh,), (c.en,), c.aliases)[rank]:
                    index.setdefault(_key(spelling), c.code)
        return index

    def label(self, code: str) -> str:
        for c in self.codes:
            if c.code == code:
                return c.zh
        raise KeyError(f"{code!r} is not a code of table {self.name}")

    def __contains__(self, code: object) -> bool:
        return any(c.code == code for c in self.codes)


def _read(name: str) -> str:
    return resources.files("clerkdesk.records").joinpath("tables", f"{name}.tsv").read_text(encoding="utf-8")


@cache
def table(name: str) -> CodeTable:
    """Load one canonical code table by name (see ``TABLES``)."""
    if name not in TABLES:
        raise KeyError(f"no code table {name!r}; tables: {', '.join(TABLES)}")
    source_lines: list[str] = []
    codes: list[Code] = []
    header_seen = False
    for line in _read(name).splitlines():
        if line.startswith("#"):
            source_lines.append(line[1:].strip())
            continue
        if not line.strip():
            continue
        if not header_seen:
            header_seen = True
            continue
        parts = ([*line.split("\t"), "", "", ""])[:4]
        aliases = tuple(a for a in parts[3].split(",") if a)
        codes.append(Code(parts[0], parts[1], parts[2], aliases))
    return CodeTable(name, " ".join(source_lines), tuple(codes))


@cache
def ethnic_group_names() -> tuple[str, ...]:
    """The 56 names of GB 3304 (codes 01-56) as an ID card prints them, without 族 (汉, 蒙古 … 基诺).

    Derived from the ``ethnicity`` table, the one list: capture checks a card's 民族 against it and the
    synthetic generator draws from it. (97 其他 / 98 外国血统 are table codes, never printed on a card.)
    """
    return tuple(c.zh.removesuffix("族") for c in table("ethnicity").codes if c.code.isdigit() and 1 <= int(c.code) <= 56)
