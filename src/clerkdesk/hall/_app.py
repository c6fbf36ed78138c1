"""The few calls the hall makes into the application layer, in one place: options for a fill, opening a case
without running it, and (tests, the bench) a whole fill."""

from __future__ import annotations

from typing import Any

from clerkdesk.desk import CaseRequest, FillOptions


def fill_options(**kw: Any) -> FillOptions:
    return FillOptions(**kw)


def _request(kind: str, data: dict[str, Any], targets: list[str], case_fields: dict[str, Any],
             matter: str | None) -> CaseRequest:
    return CaseRequest(kind, data, tuple(targets), case_fields, matter)


def open_case(desk: Any, kind: str, data: dict[str, Any], targets: list[str], case_fields: dict[str, Any],
              opts: Any, matter: str | None = None) -> tuple[Any, Any]:
    """Validate and store the record, plan every target, store the case and its runs; nothing runs."""
    return desk.open_case(_request(kind, data, targets, case_fields, matter), opts)


def fill(desk: Any, kind: str, data: dict[str, Any], targets: list[str], case_fields: dict[str, Any], clerk: Any,
         opts: Any) -> Any:
    """A whole fill at this workstation (a supervisor logging a back-office account in, in tests and the bench)."""
    return desk.fill(_request(kind, data, targets, case_fields, None), clerk, opts)
