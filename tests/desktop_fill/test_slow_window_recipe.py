"""A recipe for a desktop system that starts slowly: the system's `command` starts the client, `open` polls
for its window (no fixed sleep) and the fill lands; a window that never comes fails within the step's
timeout, naming the window title and the recipe line."""

from __future__ import annotations

import json
import os
import shlex
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from clerkdesk.desk import CaseRequest, FillOptions
from clerkdesk.records.standards import id_check_digit
from clerkdesk.vision import windows
from tests.support.clerks import SandboxClerk

pytestmark = [pytest.mark.desktop, pytest.mark.ocr]

FORMAPP = Path(__file__).resolve().parents[1] / "drivers_desktop" / "formapp.py"
TITLE = "测试录入窗口"
PERSON = {"name": "司马相如", "id_number": "51010219800101001" + id_check_digit("51010219800101001")}

SYSTEM = """\
system: slowform
title: 慢启动的测试客户端
kind: desktop
window: {title}
login: manual
"""
RECIPE = """\
recipe: slowform.name
title: 测试录入
system: slowform
applicant: person
needs: [person.name, person.id_number]
steps:
  - open: {{target: {window}, timeout: {timeout}, retry: 0}}
  - fill: {{label: 姓名, value: "{{{{ person.name }}}}"}}
  - fill: {{label: 身份证号, value: "{{{{ person.id_number }}}}"}}
  - submit: {{click: {{text: 保存}}}}
  - expect: {{text: 保存成功}}
"""


def _recipes(folder: Path, out: Path, window: str, timeout: float, start: bool) -> None:
    system = SYSTEM.format(title=TITLE)
    if start:  # how to start the client when its window is not there
        command = shlex.join([sys.executable, str(FORMAPP), str(out), "--delay", "2.5"])
        system += f"command: {json.dumps(command, ensure_ascii=False)}\n"
    (folder / "systems").mkdir(parents=True)
    (folder / "slowform").mkdir()
    (folder / "systems" / "slowform.yaml").write_text(system, encoding="utf-8")
    (folder / "slowform" / "name.yaml").write_text(RECIPE.format(window=window, timeout=timeout), encoding="utf-8")


def _kill_form() -> None:
    for w in windows.find_windows(TITLE):
        if w.pid:
            os.kill(w.pid, 15)


@pytest.fixture
def desk_for(display: str, home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    from clerkdesk.desk import Desk

    opened: list[Any] = []

    def make(window: str, timeout: float, start: bool = True) -> tuple[Any, Path]:
        out = tmp_path / "values.json"
        folder = tmp_path / f"recipes{len(opened)}"
        _recipes(folder, out, window, timeout, start)
        monkeypatch.setenv("CLERKDESK_RECIPES", str(folder))
        d = Desk(home)
        opened.append(d)
        return d, out

    yield make
    for d in opened:
        d.close()
    _kill_form()  # the form the driver started through `command` (the driver leaves the clerk's client open)
    deadline = time.monotonic() + 5
    while windows.find_windows(TITLE) and time.monotonic() < deadline:
        time.sleep(0.1)


def test_open_starts_the_client_and_waits_for_its_slow_window(desk_for: Any) -> None:
    assert not windows.find_windows(TITLE)
    desk, out = desk_for(TITLE, 20)
    t0 = time.monotonic()
    res = desk.fill(CaseRequest("person", dict(PERSON), ["slowform.name"], {}), SandboxClerk(), FillOptions())
    outcome = res.outcomes["slowform.name"]
    assert outcome.status == "succeeded", outcome.message
    assert time.monotonic() - t0 >= 2.5  # the window came 2.5 s after the start: open waited for it
    got = json.loads(out.read_text(encoding="utf-8"))
    assert (got["name"], got["id_number"]) == (PERSON["name"], PERSON["id_number"])


def test_a_window_that_never_comes_fails_within_the_step_timeout(desk_for: Any) -> None:
    desk, out = desk_for("不动产登记系统 V5", 3, start=False)
    t0 = time.monotonic()
    res = desk.fill(CaseRequest("person", dict(PERSON), ["slowform.name"], {}), SandboxClerk(), FillOptions())
    took = time.monotonic() - t0
    outcome = res.outcomes["slowform.name"]
    assert outcome.status == "failed"
    assert "no window titled '不动产登记系统 V5' within 3 s" in outcome.message
    assert "name.yaml:" in outcome.message  # the recipe line
    assert took < 3 + 6, took  # one try of 3 s (retry: 0) plus the run's own bookkeeping
    assert PERSON["name"] not in outcome.message and not out.exists()


def test_the_client_opens_on_screen_even_when_clerkdesk_runs_offscreen(desk_for: Any,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """ClerkDesk's own QT_QPA_PLATFORM=offscreen (tests, a headless service) is not passed to the client."""
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    desk, _out = desk_for(TITLE, 20)
    res = desk.fill(CaseRequest("person", dict(PERSON), ["slowform.name"], {}), SandboxClerk(), FillOptions())
    assert res.outcomes["slowform.name"].status == "succeeded", res.outcomes["slowform.name"].message


def test_a_client_command_that_dies_fails_at_once(desk_for: Any, tmp_path: Path) -> None:
    desk, _out = desk_for(TITLE, 20, start=False)
    system = Path(os.environ["CLERKDESK_RECIPES"]) / "systems" / "slowform.yaml"
    command = shlex.join([sys.executable, "-c", "import sys; sys.exit(3)"])
    system.write_text(system.read_text(encoding="utf-8") + f"command: {json.dumps(command)}\n", encoding="utf-8")
    t0 = time.monotonic()
    res = desk.fill(CaseRequest("person", dict(PERSON), ["slowform.name"], {}), SandboxClerk(), FillOptions())
    outcome = res.outcomes["slowform.name"]
    assert outcome.status == "failed" and time.monotonic() - t0 < 10  # not the whole 20 s
    assert "exited with code 3 before its window '测试录入窗口' appeared" in outcome.message
