"""One clerk's session over one data folder: the store and the recipe catalog, opened when first needed.

Every service of the application layer holds the same session, so they share one store connection and one
catalog without inheriting from each other (the services used to be mixins on ``Desk`` that each declared
``store: Any`` and hoped the host had one).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from clerkdesk.config import default_home, recipes_dir
from clerkdesk.recipe.catalog import Catalog
from clerkdesk.store import Store


class Session:
    """The data folder, the clerk, and the store and catalog opened lazily (the CLI's ``check-id`` needs neither)."""

    def __init__(self, home: Path | None = None, clerk: str | None = None, *, create: bool = True):
        """CREATE=False (the CLI without ``--create``) refuses a data folder that does not exist."""
        self.home = default_home(Path(home) if home else None)  # the machine policy may fix it
        self.clerk = clerk
        self.create = create
        self._store: Store | None = None
        self._catalog: Catalog | None = None
        # the hall's USCC whitelist as this workstation last saw it (the outbox's sealed copy, ``desk.offline``):
        # what a check uses while the shared store is away
        self.kept_whitelist: tuple[str, ...] = ()

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = Store.open(self.home, clerk=self.clerk, create=self.create)
        return self._store

    @property
    def opened(self) -> bool:
        return self._store is not None

    def examined(self) -> Store:
        """The store opened even when damaged (it then refuses writes): for checking and repairing it."""
        if self._store is None:
            self._store = Store.open(self.home, clerk=self.clerk, create=self.create, allow_damaged=True)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    @property
    def catalog(self) -> Catalog:
        if self._catalog is None:
            self._catalog = Catalog(recipes_dir())
        return self._catalog

    @catalog.setter
    def catalog(self, catalog: Catalog) -> None:
        """A catalog read from elsewhere (tests and the workbench try recipes that are not installed)."""
        self._catalog = catalog

    def uscc_whitelist(self) -> tuple[str, ...]:
        """Whitelisted pilot credit codes. Public data kept in clear: a check needs no key to read them, so a
        check before the store is opened reads the file directly rather than asking for the key. On a hall's
        shared store that does not answer: the copy kept while it did (``kept_whitelist``)."""
        from clerkdesk.config import store_url
        from clerkdesk.store.unreachable import StoreUnreachable

        if self._store is not None:
            try:
                return self._store.uscc_whitelist()
            except StoreUnreachable:
                return self.kept_whitelist
        if store_url():
            return self.kept_whitelist
        path = self.home / "clerkdesk.db"
        if not path.exists():
            return ()
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
        try:
            return tuple(r[0] for r in conn.execute("select code from uscc_whitelist"))
        except sqlite3.DatabaseError:  # no such table yet, or not a database: no whitelist
            return ()
        finally:
            conn.close()
