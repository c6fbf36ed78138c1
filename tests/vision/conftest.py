"""Fixtures for the vision tests: a private Xvfb screen."""

from __future__ import annotations





