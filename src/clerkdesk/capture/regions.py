"""GB/T 2260 region codes from python-stdnum's ``cn/loc.dat``, including retired codes.

Each 6-digit code maps to a province, a prefecture (the ``XXYY00`` row) and a
county, each possibly with several names over time (``[1983-1986]郊区,[1987-]白云区``).
Used to build synthetic addresses and to check that an ID number's region
agrees with the address printed beside it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

_NAME = re.compile(r"(?:\[(\d{4})?-(\d{4})?\])?([^,\[\]]+)")
# Prefecture rows that are groupings, not places one writes in an address.
_GROUPINGS = {
    "市辖区", "县", "省直辖县级行政区划", "省直辖县级行政单位", "自治区直辖县级行政区划", "自治区直辖县级行政单位",
    "省直辖行政单位",
}


@dataclass(frozen=True)
class Region:
    """One county-level code with every name it has carried; ``current`` is False for retired codes."""

    code: str
    province: str
    prefectures: tuple[str, ...]
    counties: tuple[str, ...]
    current: bool

    @property
    def prefecture(self) -> str:
        """The latest prefecture name usable in an address ('' for municipalities' 市辖区/县)."""
        names = [p for p in self.prefectures if p not in _GROUPINGS]
        return names[-1] if names else ""

    @property
    def county(self) -> str:
        return self.counties[-1] if self.counties else ""


def _names(raw: str) -> tuple[list[str], bool]:
    """Split ``[1983-1986]郊区,[1987-]白云区`` into names; second item: is a name still in use."""
    names, current = [], False
    for m in _NAME.finditer(raw):
        name = m.group(3).strip()
        if not name:
            continue
        names.append(name)
        if m.group(2) is None:
            current = True
    return names, current


@cache
def _table() -> dict[str, tuple[str, list[str], bool]]:
    text = resources.files("stdnum").joinpath("cn/loc.dat").read_text(encoding="utf-8")
    table: dict[str, tuple[str, list[str], bool]] = {}
    province = ""
    prov_code = ""
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        m = re.match(r'^(\s*)(\d+) (\w+)="(.*)"', line)
        if not m:
            continue
        indent, code, _kind, raw = m.groups()
        if not indent:
            prov_code, province = code, raw
            continue
        names, current = _names(raw)
        table[prov_code + code] = (province, names, current)
    return table


@cache
def lookup(code: str) -> Region | None:
    """The region for a 6-digit code, or None when the code was never assigned."""
    table = _table()
    row = table.get(code)
    if row is None or code.endswith("00"):
        return None
    province, counties, current = row
    pref = table.get(code[:4] + "00")
    prefectures = tuple(pref[1]) if pref else ()
    return Region(code, province, prefectures, tuple(counties), current)


@cache
def current_counties() -> tuple[Region, ...]:
    """Codes in use today whose names make a plausible address (used by the synthetic generator)."""
    out = []
    for code in sorted(_table()):
        region = lookup(code)
        if region is None or not region.current or region.county in _GROUPINGS:
            continue
        if code[:2] in {"71", "81", "82"}:
            continue
        if not (region.prefecture or code[:2] in MUNICIPALITIES):
            continue
        out.append(region)
    return tuple(out)


MUNICIPALITIES = {"11", "12", "31", "50"}


def address_prefix(region: Region) -> str:
    """``广东省深圳市南山区`` / ``北京市朝阳区``: how an address written in that county begins."""
    if region.code[:2] in MUNICIPALITIES:
        return region.province + region.county
    return region.province + region.prefecture + region.county


def _short(name: str) -> str:
    for suffix in ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "特别行政区", "省", "市"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def address_agrees(code: str, address: str) -> bool | None:
    """Does the address mention the code's province and (if any) prefecture, under any historical name?

    None when the code is unknown. Only province and prefecture are compared:
    people move within a city, and county names change more often.
    """
    region = lookup(code)
    if region is None:
        return None
    if _short(region.province) not in address:
        return False
    prefectures = [p for p in region.prefectures if p not in _GROUPINGS]
    if region.code[:2] in MUNICIPALITIES or not prefectures:
        return True
    return any(_short(p) in address for p in prefectures)


def prefixes(code: str) -> list[str]:
    """Every way an address in CODE's county can begin, under any of its historical names."""
    region = lookup(code)
    if region is None:
        return []
    prefectures = [p for p in region.prefectures if p not in _GROUPINGS] or [""]
    if code[:2] in MUNICIPALITIES:
        prefectures = [""]
    return sorted({region.province + p + c for p in prefectures for c in region.counties}, key=len, reverse=True)


def snap_region_prefix(address: str, code: str) -> str | None:
    """The address with a one-character OCR slip in its region names fixed, or None.

    Only when the address begins with exactly one of CODE's standard prefixes apart from a single
    CJK character (e.g. 涼山 read for 凉山), and CODE itself is checksum-proven by the caller.
    """
    if any(address.startswith(p) for p in prefixes(code)):
        return None
    hits = set()
    for p in prefixes(code):
        head = address[: len(p)]
        diff = [i for i, (a, b) in enumerate(zip(head, p, strict=False)) if a != b]
        if len(head) == len(p) and len(diff) == 1 and "\u3400" <= head[diff[0]] <= "\u9fff":
            if head in _all_prefixes():  # 河西区 for 河东区 is another real place (people move): never "fix" it
                return None
            hits.add(p + address[len(p):])
    return hits.pop() if len(hits) == 1 else None


@cache
def _all_prefixes() -> frozenset[str]:
    return frozenset(p for code in _table() for p in prefixes(code))
