"""The encrypted SQLite store (sqlite-utils): profiles, cases, runs, evidence, audit."""

from clerkdesk.store.db import Store

__all__ = ["Store"]
