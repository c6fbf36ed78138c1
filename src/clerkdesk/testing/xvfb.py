"""Start a private Xvfb screen for tests, benchmarks and headless demos.

Desktop automation needs a real X display. On a CI machine or a server there
is none, so we start ``Xvfb`` on a free display number and point ``DISPLAY``
at it for the duration.
"""

from __future__ import annotations

import os
import select
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def xvfb_available() -> bool:
    return shutil.which("Xvfb") is not None


@contextmanager
def xvfb(width: int = 1280, height: int = 800, depth: int = 24) -> Iterator[str]:
    """Run Xvfb for the block; yields the display name (``":91"``) and sets ``DISPLAY``."""
    if not xvfb_available():
        raise RuntimeError("Xvfb is not installed (Debian package 'xvfb')")
    Path.home().joinpath(".Xauthority").touch(exist_ok=True)  # python-xlib wants the file
    # -displayfd: Xvfb picks a free display number itself and writes it to the pipe, so parallel starts
    # (two test sessions, a demo and a test) never race for the same number. -noreset: an X server resets when
    # its last client leaves, and a program connecting during the reset is refused ("could not connect to
    # display"; seen in CI between two tests, when one test's client had exited and the next one's started).
    rfd, wfd = os.pipe()
    proc = subprocess.Popen(
        ["Xvfb", "-displayfd", str(wfd), "-screen", "0", f"{width}x{height}x{depth}", "-nolisten", "tcp", "-ac",
         "-noreset"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, pass_fds=(wfd,),
    )
    os.close(wfd)
    buf = b""
    deadline = time.monotonic() + 15
    with os.fdopen(rfd, "rb", buffering=0) as r:
        while not buf.endswith(b"\n"):
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise RuntimeError("Xvfb did not start")
            ready, _, _ = select.select([r], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                continue
            chunk = r.read(16)
            if not chunk:
                proc.kill()
                raise RuntimeError("Xvfb exited before telling its display number")
            buf += chunk
    num = int(buf.strip())
    old = os.environ.get("DISPLAY")
    os.environ["DISPLAY"] = f":{num}"
    try:
        yield f":{num}"
    finally:
        if old is None:
            os.environ.pop("DISPLAY", None)
        else:
            os.environ["DISPLAY"] = old
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
