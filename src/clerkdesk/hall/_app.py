"""The few calls the hall makes into the application layer, in one place.

The application layer is being restructured into services (``clerkdesk.desk`` as a package with
``CaseRequest`` and ``FillOptions``; ``clerkdesk.filling`` goes away). The hall needs only: options for a
fill, opening a case without running it, and (tests, the bench) a whole fill. Each call uses the new shape
when it is there and the current one otherwise; once both branches are merged the fallbacks can go.
"""

from __future__ import annotations

from typing import Any


def fill_options(**kw: Any) -> Any:
    try:
        from clerkdesk.desk import FillOptions  # type: ignore[attr-defined]
    except ImportError:
        from clerkdesk.filling import FillOptions
    return FillOptions(**kw)


def _request(kind: str, data: dict[str, Any], targets: list[str], case_fields: dict[str, Any],
             matter: str | None) -> Any | None:
    try:
        from clerkdesk.desk import CaseRequest  # type: ignore[attr-defined]
    except ImportError:
        return None
    return CaseRequest(kind, data, tuple(targets), case_fields, matter)


def open_case(desk: Any, kind: str, data: dict[str, Any], targets: list[str], case_fields: dict[str, Any],
              opts: Any, matter: str | None = None) -> tuple[Any, Any]:
    """Validate and store the record, plan every target, store the case and its runs; nothing runs."""
    req = _request(kind, data, targets, case_fields, matter)
    if req is None:
        return desk.open_case(kind, data, targets, case_fields, opts, matter)
    return desk.open_case(req, opts)


def fill(desk: Any, kind: str, data: dict[str, Any], targets: list[str], case_fields: dict[str, Any], clerk: Any,
         opts: Any) -> Any:
    """A whole fill at this workstation (a supervisor logging a back-office account in, in tests and the bench)."""
    req = _request(kind, data, targets, case_fields, None)
    if req is None:
        return desk.fill(kind, data, targets, case_fields, clerk, opts)
    return desk.fill(req, clerk, opts)
