"""How an address written in a GB/T 2260 county begins, and whether an address agrees with a region code.

Built on :mod:`clerkdesk.records.regions` (the one region table, current and retired codes with every
name they carried), so the record checks, document capture and the synthetic generator read the same
rows. A county's names over time (``[1983-1989]南头区办事处``, ``[1990-]南山区``) all count: an old card
prints the name of its day.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from clerkdesk.records import regions

MUNICIPALITIES = frozenset({"11", "12", "31", "50"})
# Prefecture rows that are groupings, not places one writes in an address.
GROUPINGS = frozenset({
    "市辖区", "县", "省直辖县级行政区划", "省直辖县级行政单位", "自治区直辖县级行政区划", "自治区直辖县级行政单位",
    "省直辖行政单位",
})


@dataclass(frozen=True)
class County:
    """One county-level code with every name it and its province/prefecture have carried."""

    code: str
    province: str
    prefectures: tuple[str, ...]
    counties: tuple[str, ...]
    current: bool

    @property
    def prefecture(self) -> str:
        """The latest prefecture name usable in an address ('' for municipalities' 市辖区/县)."""
        names = [p for p in self.prefectures if p not in GROUPINGS]
        return names[-1] if names else ""

    @property
    def county(self) -> str:
        return self.counties[-1] if self.counties else ""


def _names(code: str) -> tuple[str, ...]:
    r = regions.region(code)
    return tuple(dict.fromkeys(p.name for p in r.periods)) if r else ()


@cache
def county(code: str) -> County | None:
    """The county for a 6-digit code (retired codes included), or None for a prefecture row or an unknown code."""
    r = regions.region(code)
    if r is None or code.endswith("00"):
        return None
    province = regions.region(code[:2] + "0000")
    return County(code, province.name() if province else "", _names(code[:4] + "00"), _names(code), r.current)


@cache
def current_counties() -> tuple[County, ...]:
    """Codes in use today whose names make a plausible address (the synthetic generator's choices)."""
    out = []
    for code in sorted(regions.all_regions()):
        c = county(code)
        if c is None or not c.current or c.county in GROUPINGS or code[:2] in {"71", "81", "82"}:
            continue
        if not (c.prefecture or code[:2] in MUNICIPALITIES):
            continue
        out.append(c)
    return tuple(out)


def existed_in(code: str, year: int) -> bool:
    """Did CODE carry a name in YEAR (the generator wants codes a person born then could have)?"""
    r = regions.region(code)
    return r is not None and any(p.covers(year) for p in r.periods)


def address_prefix(c: County) -> str:
    """``广东省深圳市南山区`` / ``北京市朝阳区``: how an address written in that county begins."""
    if c.code[:2] in MUNICIPALITIES:
        return c.province + c.county
    return c.province + c.prefecture + c.county


def _short(name: str) -> str:
    for suffix in ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "特别行政区", "省", "市"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def address_agrees(code: str, address: str) -> bool | None:
    """Does the address mention the code's province and (if any) prefecture, under any historical name?

    None when the code is unknown. Only province and prefecture are compared: people move within a
    city, and county names change more often.
    """
    c = county(code)
    if c is None:
        return None
    if _short(c.province) not in address:
        return False
    prefectures = [p for p in c.prefectures if p not in GROUPINGS]
    if code[:2] in MUNICIPALITIES or not prefectures:
        return True
    return any(_short(p) in address for p in prefectures)


def prefixes(code: str) -> list[str]:
    """Every way an address in CODE's county can begin, under any of its historical names (longest first)."""
    c = county(code)
    if c is None:
        return []
    prefectures = [p for p in c.prefectures if p not in GROUPINGS] or [""]
    if code[:2] in MUNICIPALITIES:
        prefectures = [""]
    return sorted({c.province + p + n for p in prefectures for n in c.counties}, key=len, reverse=True)


def snap_region_prefix(address: str, code: str) -> str | None:
    """The address with a one-character OCR slip in its region names fixed, or None.

    Only when the address begins with exactly one of CODE's standard prefixes apart from a single
    CJK character (e.g. 涼山 read for 凉山), and CODE itself is checksum-proven by the caller. A
    different real place (河西区 for 河东区: the person moved) is never changed.
    """
    if any(address.startswith(p) for p in prefixes(code)):
        return None
    hits: dict[str, int] = {}
    for p in prefixes(code):
        head = address[: len(p)]
        diff = [i for i, (a, b) in enumerate(zip(head, p, strict=False)) if a != b]
        if len(head) == len(p) and len(diff) == 1 and "\u3400" <= head[diff[0]] <= "\u9fff":
            if head in _all_prefixes():
                return None
            hits[p + address[len(p):]] = len(p)
    # 维西傈傈族自治县 is one slip from 维西傈僳族自治县 and, cut short, from 维西县 (傈 for 县): the longer name
    # explains more of what was read
    longest = max(hits.values(), default=0)
    best = [fixed for fixed, n in hits.items() if n == longest]
    return best[0] if len(best) == 1 else None


def snap_place_name(place: str) -> str | None:
    """PLACE with one misread character fixed (旺荟县 → 旺苍县), or None.

    Only when PLACE is no name GB/T 2260 has had (``regions.place_names``) and exactly one such name has
    PLACE's length and differs from it in one CJK character. No region code proves it (an ID card's back
    carries none), so the caller must keep the field doubtful; a real name is never changed, and a slip that
    two names explain is left as read.
    """
    if place in regions.place_names() or len(place) < 2:
        return None
    hits = {name for i, ch in enumerate(place) if "\u3400" <= ch <= "\u9fff"
            for name in _one_slip_index().get((place[:i], place[i + 1:]), ())}
    return next(iter(hits)) if len(hits) == 1 else None


@cache
def _one_slip_index() -> dict[tuple[str, str], frozenset[str]]:
    """(head, tail) around one character → the GB/T 2260 names that are head + that character + tail."""
    index: dict[tuple[str, str], set[str]] = {}
    for name in regions.place_names():
        for i in range(len(name)):
            index.setdefault((name[:i], name[i + 1:]), set()).add(name)
    return {k: frozenset(v) for k, v in index.items()}


@cache
def _all_prefixes() -> frozenset[str]:
    return frozenset(p for code in regions.all_regions() for p in prefixes(code))


_LONGEST_NAME = 16
# the shape of a division's name where one is due: a few characters and the division's word, nothing of a street
_PREFECTURE_SHAPE = re.compile(r"^([\u3400-\u9fff]{1,8}?(?:自治州|地区|盟|州|市))")
_COUNTY_SHAPE = re.compile(r"^([\u3400-\u9fff]{1,6}?(?:自治县|自治旗|林区|特区|新区|区|县|旗|市))")
_NOT_A_DIVISION = set("路街道巷镇乡村号弄栋楼室组屯社")


def unknown_region_name(address: str) -> str | None:
    """The part of ADDRESS's head that should name a GB/T 2260 division but names none, or None.

    An address begins with its province (or municipality), prefecture and county under a name GB/T 2260 has
    had (``regions.name_levels``: one table for the record checks and capture). The head is read greedily,
    longest known name first; the address must begin with a known name, and where it stops before reaching a
    county, the next characters must not be shaped like the division that is due (``南由区`` where a county
    is due, misread for 南山区). Street words (路, 街, 镇 …) are never taken for a division."""
    levels = regions.name_levels()
    rest, seen = address, set[str]()
    while rest and "county" not in seen:
        hit = next((rest[:k] for k in range(min(_LONGEST_NAME, len(rest)), 1, -1) if rest[:k] in levels), None)
        if hit is None:
            break
        seen |= levels[hit]
        rest = rest[len(hit):]
    if not seen:
        return address[:_LONGEST_NAME] if address else None
    if "county" in seen:
        return None
    shapes = [_COUNTY_SHAPE] if "prefecture" in seen else [_PREFECTURE_SHAPE, _COUNTY_SHAPE]
    for shape in shapes:
        m = shape.match(rest)
        if m and not _NOT_A_DIVISION & set(m.group(1)):
            return m.group(1)
    return None
