"""The application layer: what a clerk can do, for both shells (the ``clerkdesk`` CLI and the Qt window).

Named ``desk`` (not ``app``) because ``clerkdesk.ui.app`` is the Qt application, and because
``clerkdesk.desk.Desk`` was already the one import path every shell and test used: the package keeps it.

``Desk`` (``facade``) composes small services over one :class:`~clerkdesk.desk.session.Session`:
``profiles`` (checks, records), ``cases`` (request → validated, planned, stored case), ``runs`` (fill,
resume, receipts), ``documents`` (读取证件), ``drafts`` and ``upkeep`` (audit, backup). A case travels as
one type, ``records.model.Case``: ``CaseRequest → Case → Plan → run → Outcome.receipts``.
"""

from clerkdesk.desk.cases import CaseRequest, FillOptions, FillResult
from clerkdesk.desk.facade import Desk
from clerkdesk.desk.profiles import Applicant, Checked

__all__ = ["Applicant", "CaseRequest", "Checked", "Desk", "FillOptions", "FillResult"]
