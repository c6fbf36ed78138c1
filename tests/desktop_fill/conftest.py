"""`clerkdesk fill` into the sandbox desktop client: Xvfb, the client as a real X11 program, real OCR."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from clerkdesk.sandbox.desktop import launch

pytestmark = [pytest.mark.desktop, pytest.mark.ocr]




class Client:
    def __init__(self, log: Path, *faults: str):
        self.log = log
        args = [a for f in faults for a in ("--fault", f)]
        self.proc = launch(log, "--operator", "0001", *args)

    def records(self) -> list[dict[str, Any]]:
        if not self.log.exists():
            return []
        return [json.loads(x) for x in self.log.read_text(encoding="utf-8").splitlines() if x.strip()]

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()


@pytest.fixture
def client(display: str, tmp_path: Path) -> Iterator[Any]:
    started: list[Client] = []

    def start(*faults: str) -> Client:
        c = Client(tmp_path / f"gjj{len(started)}.jsonl", *faults)
        started.append(c)
        return c

    yield start
    for c in started:
        c.stop()
    time.sleep(0.2)


@pytest.fixture
def desk(home: Path) -> Iterator[Any]:
    from clerkdesk.desk import Desk

    d = Desk(home)
    yield d
    d.close()
