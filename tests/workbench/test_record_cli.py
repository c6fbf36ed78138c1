"""`clerkdesk recipe record` needs a person at a terminal for web and desktop systems alike, and says so plainly."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.mark.parametrize("system", ["gjj", "hrss"])
def test_record_without_a_terminal_is_refused_plainly(system: str, home: Path, tmp_path: Path) -> None:
    sample = tmp_path / "sample.json"
    sample.write_text(json.dumps({"person": {"name": "测试员"}}), encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "clerkdesk", "--home", str(home), "recipe", "record", "--system", system,
                        "--record", str(sample), "--submit", "保存"], capture_output=True, text=True, timeout=120,
                       env=dict(os.environ), stdin=subprocess.DEVNULL)
    assert r.returncode == 1 and "needs a person at a terminal" in r.stderr and "Traceback" not in r.stderr, r.stderr
