"""Looking after the store: the audit chain, integrity checks, backup and restore (``clerkdesk audit|store``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from clerkdesk.config import default_home
from clerkdesk.desk.session import Session
from clerkdesk.errors import StoreDamaged
from clerkdesk.store import backup


class Upkeep:
    """What a supervisor does to the data folder itself; works on a damaged store where that makes sense."""

    def __init__(self, session: Session):
        self.session = session

    def verify_audit_offline(self, public_key: bytes, db_file: Path | None = None) -> Any:
        """The audit log of DB_FILE (default: this data folder's) checked with the exported PUBLIC_KEY alone:
        an auditor's check that needs no master key and opens no store."""
        from clerkdesk.store.audit import verify_offline

        return verify_offline(db_file or self.session.home / "clerkdesk.db", public_key)

    def verify_audit(self) -> Any:
        """The audit log against its chain, signed head, anchor and checkpoints; works on a damaged store."""
        return self.session.examined().audit.verify()

    def check_store(self) -> Any:
        """Full integrity check of the file plus the audit verification (``clerkdesk store check``)."""
        return backup.check(self.session.examined())

    def backup_store(self, dest: Path) -> dict[str, Any]:
        return backup.backup(self.session.store, dest)

    def restore_store(self, src: Path) -> dict[str, Any]:
        s = self.session
        s.close()
        return backup.restore(s.home, src, s.clerk, create=s.create)

    def accept_audit_loss(self) -> dict[str, Any]:
        return backup.accept_loss(self.session.examined())

    def audit_checkpoint(self) -> int:
        return self.session.store.audit.checkpoint()

    def audit_public_key(self) -> str:
        return self.session.examined().audit.public_key_pem()


def damage_of(home: Path | None, e: BaseException) -> StoreDamaged | None:
    """The clear error for a database file that went bad under a read (E is SQLite's), or None when E is not
    damage (busy, or a bug in a query) and must be raised as it is."""
    from clerkdesk.store.db import damage_message, damaged_error

    if not damaged_error(e):
        return None
    return StoreDamaged(damage_message(default_home(home) / "clerkdesk.db", [str(e)], pages=True))
