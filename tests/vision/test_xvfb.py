"""The tests' X screen (``clerkdesk.testing.xvfb``) takes a new client at once after its last one left.

An X server resets when its last client disconnects, and a client connecting during the reset is refused: in CI
the sandbox client of one test failed to start ("could not connect to display") right after the previous test's
client had exited. The screen runs with ``-noreset``; without it this test fails within a few tries here."""

from __future__ import annotations

import pytest

from clerkdesk.testing.xvfb import xvfb, xvfb_available

pytestmark = [pytest.mark.desktop,
              pytest.mark.skipif(not xvfb_available(), reason="Xvfb is not installed (Debian package 'xvfb')")]


def test_a_client_connects_right_after_the_last_one_left() -> None:
    from Xlib.display import Display

    with xvfb(320, 240) as name:
        for _ in range(200):
            Display(name).close()  # the only client: the server is left without any
        d = Display(name)
        assert d.screen().width_in_pixels == 320
        d.close()
