"""Fixtures for the vision tests: a private Xvfb screen."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from clerkdesk.xvfb import xvfb, xvfb_available


@pytest.fixture(scope="session")
def display() -> Iterator[str]:
    if not xvfb_available():
        pytest.skip("Xvfb is not installed (Debian package 'xvfb'): no X screen for desktop tests")
    with xvfb(1280, 800) as name:
        yield name
