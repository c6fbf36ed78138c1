"""The README's main-job command on a machine without a display: `clerkdesk demo` serves the sample case."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.browser


def test_demo_without_a_display_fills_every_sandbox_system(sandbox: object) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "CLERKDESK_HOME")}
    r = subprocess.run([sys.executable, "-m", "clerkdesk", "demo"], capture_output=True, text=True, timeout=300,
                       env=env, stdin=subprocess.DEVNULL)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    assert "✓ 就业登记" in r.stdout and "✓ 个体工商户开业登记" in r.stdout
    assert "hrss 系统收到 3 条记录" in r.stdout and "amr 系统收到 1 条记录" in r.stdout
    # the one discrepancy: 人社 still holds his student-years 户口性质; the demo updates the system with the profile
    assert "人力资源和社会保障业务经办系统 | 户口性质 | 非农业户口 | 农业户口 |" in r.stdout
    assert "✓ 人员基本信息变更" in r.stdout
    # the confirms in words, the target's code beside them, ticked boxes listed (Desk.confirm_text)
    for line in ("性别：男（代码 1）", "民族：维吾尔族（代码 5）", "户口性质：农业户口（代码 1）", "性别：男（代码 M）",
                 "民族：维吾尔族（代码 UG）", "养老：☑ 勾选", "区县：天山区（代码 650102）"):
        assert line in r.stdout, line
