"""Start a private Xvfb screen for tests, benchmarks and headless demos.

Desktop automation needs a real X display. On a CI machine or a server there
is none, so we start ``Xvfb`` on a free display number and point ``DISPLAY``
at it for the duration.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def xvfb_available() -> bool:
    return shutil.which("Xvfb") is not None


def _free_display() -> int:
    for n in range(91, 200):
        if not Path(f"/tmp/.X11-unix/X{n}").exists() and not Path(f"/tmp/.X{n}-lock").exists():
            return n
    raise RuntimeError("no free X display number between :91 and :199")


@contextmanager
def xvfb(width: int = 1280, height: int = 800, depth: int = 24) -> Iterator[str]:
    """Run Xvfb for the block; yields the display name (``":91"``) and sets ``DISPLAY``."""
    if not xvfb_available():
        raise RuntimeError("Xvfb is not installed (Debian package 'xvfb')")
    Path.home().joinpath(".Xauthority").touch(exist_ok=True)  # python-xlib wants the file
    num = _free_display()
    proc = subprocess.Popen(
        ["Xvfb", f":{num}", "-screen", "0", f"{width}x{height}x{depth}", "-nolisten", "tcp", "-ac"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    sock = Path(f"/tmp/.X11-unix/X{num}")
    deadline = time.monotonic() + 10
    while not sock.exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError(f"Xvfb did not start on :{num}")
        time.sleep(0.02)
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
