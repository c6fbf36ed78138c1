"""The capture form's side of the application: the unfinished form kept as a draft (and the form's model)."""

from __future__ import annotations

from typing import Any

from clerkdesk.desk.session import Session
from clerkdesk.store.drafts import Draft


class Drafts:
    """The form the clerk is typing, kept encrypted so a crash before F5 costs no retype."""

    def __init__(self, session: Session):
        self.session = session

    def save(self, data: dict[str, Any]) -> None:
        self.session.store.drafts.save(data)

    def get(self) -> Draft | None:
        """This clerk's unfinished form, if any (drafts older than three days are dropped first)."""
        drafts = self.session.store.drafts
        drafts.purge()
        return drafts.get()

    def restored(self) -> None:
        self.session.store.drafts.restored()

    def discard(self, why: str = "case started") -> bool:
        return self.session.store.drafts.clear(why)
