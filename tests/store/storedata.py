"""Shared test data for the store tests: valid numbers and distinctive personal values."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from clerkdesk.records.standards import id_check_digit, org_check_char, uscc_check_char


def make_id(region: str, birth: date, seq: int) -> str:
    body = f"{region}{birth:%Y%m%d}{seq:03d}"
    return body + id_check_digit(body)


def make_uscc(prefix: str, region: str, org8: str) -> str:
    body = prefix + region + org8 + org_check_char(org8)
    return body + uscc_check_char(body)


# Distinctive values that must never appear in the database file in clear.
PEOPLE = [
    {"name": "欧阳震华", "id_number": make_id("440106", date(1961, 3, 5), 17), "phone": "13987654321",
     "hukou_address": "广东省广州市天河区珠江新城华夏路八号", "hukou_type": "城镇"},
    {"name": "阿依古丽·买买提", "id_number": make_id("650102", date(1990, 7, 14), 28), "phone": "0991-4567890",
     "current_address": "新疆乌鲁木齐市天山区解放南路七十七号", "ethnicity": "维吾尔族"},
    {"name": "司马相如", "id_number": make_id("110103", date(1980, 2, 29), 33), "phone": "15011112222"},
]
ENTERPRISES = [
    {"name": "华夏星辰量子科技有限公司", "uscc": make_uscc("91", "110108", "MA01XK7Q"), "entity_type": "有限公司",
     "legal_rep": {"name": "诸葛孔明", "id_number": make_id("510107", date(1971, 8, 8), 51)},
     "address": "北京市海淀区中关村大街一百零一号"},
    {"name": "青藏高原牧歌农民专业合作社", "uscc": make_uscc("93", "630102", "3926PE18"), "entity_type": "合作社"},
]


def secrets_of(people: list[dict], enterprises: list[dict]) -> list[str]:
    out: list[str] = []
    for p in people:
        out += [v for k, v in p.items() if k in ("name", "id_number", "phone", "hukou_address", "current_address")]
    for e in enterprises:
        out += [e["name"], e["uscc"], e.get("address", "")]
        if "legal_rep" in e:
            out += [e["legal_rep"]["name"], e["legal_rep"]["id_number"]]
    return [s for s in out if s]


def encodings(text: str) -> list[bytes]:
    return [text.encode("utf-8"), text.encode("utf-16-le"), text.encode("utf-16-be")]


def raw_files(home: Path) -> dict[str, bytes]:
    """The database file and its WAL/shared-memory companions, as bytes."""
    out = {}
    for suffix in ("", "-wal", "-shm", "-journal"):
        f = home / f"clerkdesk.db{suffix}"
        if f.exists():
            out[f.name] = f.read_bytes()
    return out
