"""GB/T 2260 administrative divisions, current and retired.

Codes are six digits: province (2) + prefecture (2) + county (2). A code may
have had several names over the years; ``Region.periods`` keeps them with
the years they were valid, so an old ID number's address code still resolves.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources


@dataclass(frozen=True)
class Period:
    name: str
    start: int | None  # first year valid; None = before the records begin
    end: int | None  # last year valid; None = still valid

    def covers(self, year: int) -> bool:
        return (self.start is None or self.start <= year) and (self.end is None or year <= self.end)


@dataclass(frozen=True)
class Region:
    code: str
    periods: tuple[Period, ...]

    @property
    def current(self) -> bool:
        return any(p.end is None for p in self.periods)

    @property
    def created(self) -> int | None:
        starts = [p.start for p in self.periods]
        return None if None in starts else min(s for s in starts if s is not None)

    @property
    def retired(self) -> int | None:
        """The last year the code was valid, or None if it still is."""
        return None if self.current else max(p.end for p in self.periods if p.end is not None)

    def name(self, year: int | None = None) -> str:
        """The name valid in YEAR (or the latest name)."""
        if year is not None:
            for p in self.periods:
                if p.covers(year):
                    return p.name
        return max(self.periods, key=lambda p: (p.end is None, p.end or 0)).name


@cache
def _table() -> dict[str, Region]:
    text = resources.files("clerkdesk.records").joinpath("tables", "gbt2260.tsv").read_text(encoding="utf-8")
    periods: dict[str, list[Period]] = {}
    for line in text.splitlines():
        if line.startswith("#") or line.startswith("code\t") or not line.strip():
            continue
        code, name, start, end = ([*line.split("\t"), "", ""])[:4]
        periods.setdefault(code, []).append(Period(name, int(start) if start else None, int(end) if end else None))
    return {c: Region(c, tuple(p)) for c, p in periods.items()}


def region(code: str) -> Region | None:
    return _table().get(code)


def all_regions() -> dict[str, Region]:
    return dict(_table())


def split(code: str) -> tuple[str, str, str]:
    """(province, prefecture, county) codes of a six-digit code."""
    return code[:2] + "0000", code[:4] + "00", code


_GENERIC = ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划")


@lru_cache(maxsize=65536)  # every ID check asks for it; the table never changes at run time
def full_name(code: str, year: int | None = None) -> str | None:
    """``广东省广州市天河区`` for 440106; None for an unknown code."""
    r = region(code)
    if r is None:
        return None
    out: list[str] = []
    for part in dict.fromkeys(split(code)):
        pr = region(part)
        if pr is None:
            continue
        nm = pr.name(year)
        if nm in _GENERIC or (out and nm == out[-1]):
            continue
        out.append(nm)
    return "".join(out)


@cache
def place_names() -> frozenset[str]:
    """Every name any code ever had (旺苍县, 阜新市, 北京市 …), without the generic 市辖区/县 entries: what a
    place named on a document (an ID card's issuing authority) must be one of."""
    return frozenset(p.name for r in _table().values() for p in r.periods if p.name not in _GENERIC)


def names(code: str, year: int | None = None) -> tuple[str, str, str]:
    """Province, prefecture and county names (municipalities repeat the province name as the city)."""
    p, c, d = split(code)
    pn = region(p).name(year) if region(p) else ""
    cr = region(c)
    cn = cr.name(year) if cr else ""
    if cn in _GENERIC or not cn:
        cn = pn
    dr = region(d) if d != c else None
    dn = dr.name(year) if dr else ""
    return pn, cn, dn


@cache
def name_levels() -> dict[str, frozenset[str]]:
    """Every name any code ever had → the levels it was used at (``province``, ``prefecture``, ``county``):
    吉林省 a province, 吉林市 a prefecture, 朝阳区 a county (of Beijing and of Changchun)."""
    levels: dict[str, set[str]] = {}
    for code, r in _table().items():
        level = "province" if code[2:] == "0000" else "prefecture" if code[4:] == "00" else "county"
        for p in r.periods:
            if p.name not in _GENERIC:
                levels.setdefault(p.name, set()).add(level)
    return {n: frozenset(v) for n, v in levels.items()}
