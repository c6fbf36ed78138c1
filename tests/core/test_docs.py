"""docs/records.md documents every error code, record field and code table, and nothing stale."""

from __future__ import annotations

import re
from pathlib import Path

import clerkdesk.records.model as model
import clerkdesk.records.standards as standards
from clerkdesk.records import codes

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "records.md").read_text(encoding="utf-8")
CODE = re.compile(r'"([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)"')
CLI_CODE = re.compile(r'Problem\([^,]+,\s*"([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)"')  # the CLI also names env variables
CLI = sorted((ROOT / "src" / "clerkdesk" / "cli").glob("*.py"))


def used_codes() -> set[str]:
    found = {c for src in (standards.__file__, model.__file__) for c in CODE.findall(Path(src).read_text("utf-8"))}
    return found | {c for src in CLI for c in CLI_CODE.findall(src.read_text(encoding="utf-8"))}


def documented_codes() -> set[str]:
    """Codes in the first column of the error-code tables: | `CODE` | …"""
    return set(re.findall(r"^\| `([A-Z][A-Z0-9_]+)` \|", DOC, re.MULTILINE))


def test_the_scan_finds_codes() -> None:
    assert {"ID_CHECKSUM", "USCC_ORG_CHECKSUM", "SEX_CONFLICT", "FIELD_UNKNOWN", "JSON_SYNTAX"} <= used_codes()


def test_every_error_code_is_documented() -> None:
    missing = sorted(used_codes() - documented_codes())
    assert not missing, f"add to docs/records.md: {missing}"


def test_no_stale_error_codes_in_the_docs() -> None:
    stale = sorted(documented_codes() - used_codes())
    assert not stale, f"documented but no longer used: {stale}"


def test_every_field_and_code_table_is_documented() -> None:
    for f in model.FIELDS.values():
        assert f"`{f.name}`" in DOC and f.zh in DOC, f.name
    for name in codes.TABLES:
        assert f"`{name}`" in DOC, name
    assert "`gbt2260`" in DOC
