"""Records, national standards and code tables. Pure Python: no Qt, Playwright or I/O beyond package data."""

from clerkdesk.records.model import Case, Enterprise, Person, make_enterprise, make_person

__all__ = ["Case", "Enterprise", "Person", "make_enterprise", "make_person"]
