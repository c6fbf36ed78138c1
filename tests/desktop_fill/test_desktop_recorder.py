"""The desktop recorder on the 住房公积金 sandbox client under Xvfb, with real OCR and real mouse clicks.

The form is filled as a supervisor would before recording (here: the installed recipe's dry run, which stops
before 保存), the supervisor's clicks are real X11 button presses on the client's boxes and tabs, and the
recorded recipe must lint clean and then fill a fresh client so that the saved record is exactly the sample.
"""

from __future__ import annotations

import json
import shutil
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from gjj_case import CASE, PERSON

from clerkdesk.config import recipes_dir
from clerkdesk.desk import CaseRequest, Desk, FillOptions
from clerkdesk.drivers import make_driver
from clerkdesk.recipe.lint import is_warning, lint
from clerkdesk.sandbox.desktop import launch
from clerkdesk.sandbox.desktop import layout as L
from clerkdesk.vision import windows
from clerkdesk.vision.input import pyautogui
from clerkdesk.workbench.desktop_recorder import WINDOW_READ, ClickWatcher, box_at, record_window, snap
from clerkdesk.workbench.recipe_test import dry_run, load_for_test, sample_context
from tests.support.clerks import SandboxClerk

pytestmark = [pytest.mark.desktop, pytest.mark.ocr, pytest.mark.slow]

EXPECTED = {
    "姓名": "欧阳娜娜", "证件类型": "居民身份证", "证件号码": PERSON["id_number"], "性别": "女",
    "出生日期": "1949-12-31", "民族": "土家族", "手机号码": "13800138000", "固定电话": "", "婚姻状况": "已婚",
    "家庭住址": PERSON["current_address"], "单位名称": CASE["employer"], "单位账号": "100200300400",
    "个人缴存比例": "8%", "开户日期": "2026-11-01", "月缴存基数": "8500.50", "单位缴存比例": "12%"}


def _center(r: tuple[int, int, int, int]) -> tuple[int, int]:
    return r[0] + r[2] // 2, r[1] + r[3] // 2


class Supervisor:
    """Clicks like a person (the button held ~0.1 s), after the recorder said it has read the window."""

    def __init__(self) -> None:
        self.heard: list[str] = []
        self.reads = threading.Semaphore(0)
        self.error: BaseException | None = None

    def on_step(self, line: str) -> None:
        self.heard.append(line)
        if line.startswith(WINDOW_READ):
            self.reads.release()

    def click(self, x: int, y: int) -> None:
        pg = pyautogui()
        pg.moveTo(x, y)
        pg.mouseDown()
        time.sleep(0.12)
        pg.mouseUp()
        time.sleep(0.25)

    def run(self, at: tuple[int, int]) -> None:
        try:
            m = L.matter("open")
            tabs = L.tab_rects(m)
            ox, oy = at
            assert self.reads.acquire(timeout=120)
            self.click(*(p + o for p, o in zip(_center(tabs[0]), at, strict=True)))  # 基本信息
            for tab in (0, 1):
                assert self.reads.acquire(timeout=120)  # the tab's page has been read
                for f in m.fields:
                    if f.tab != tab or f.label in ("固定电话", "单位缴存比例"):  # empty; read-only
                        continue
                    bx, by = _center(L.field_rects(f)[1])
                    self.click(ox + bx, oy + by)
                    if f.kind == "combo":
                        pyautogui().press("esc")  # close the list the click opened, as a person would
                        time.sleep(0.2)
                if tab == 0:
                    self.click(*(p + o for p, o in zip(_center(tabs[1]), at, strict=True)))  # 单位信息
            self.click(ox - 8 if ox > 8 else ox + L.MAIN_SIZE[0] + 8, oy + 40)  # outside: done
        except BaseException as e:  # surfaced by the test
            self.error = e


def test_recorded_desktop_recipe_lints_and_fills_the_same_dialog(client: Any, home: Path, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    c = client()
    folder = tmp_path / "recipes"
    shutil.copytree(recipes_dir(), folder)
    monkeypatch.setenv("CLERKDESK_RECIPES", str(folder))
    sample = {"person": dict(PERSON), "case": dict(CASE)}
    _, context = sample_context(sample)
    # the supervisor fills the form with the sample and leaves it unsaved
    recipe, system = load_for_test("gjj.open-account", folder, {})
    filled = dry_run(recipe, system, context, SandboxClerk(), make_driver, home=home, clerk_name="t")
    assert filled.ok, filled.outcome.message
    assert c.records() == []

    win = windows.find_windows(L.MAIN_TITLE)[0]
    sup = Supervisor()
    watcher = ClickWatcher().start()
    clicker = threading.Thread(target=sup.run, args=((win.rect.x0, win.rect.y0),), daemon=True)
    clicker.start()
    try:
        text = record_window(L.MAIN_TITLE, context, dict(system.codes), system.id, watcher.next, submit="保存",
                             expect="个人账号", on_step=sup.on_step, idle=180)
    finally:
        watcher.stop()
    clicker.join(30)
    assert sup.error is None, sup.error
    assert c.records() == []  # recording never saved anything
    steps = [line.strip() for line in text.splitlines() if line.strip().startswith("- ")]
    assert steps[:3] == ['- open: "住房公积金业务管理系统 V3.2"', "- click: {text: 基本信息, exact: true}",
                         '- fill: {label: 姓名, value: "{{ person.name }}"}'], text
    for want in ("- choose: {label: 证件类型, value: \"{{ person.id_type | code('id_document_type') }}\"}",
                 "- choose: {label: 性别, value: \"{{ person.sex | code('sex') }}\"}",
                 "- fill: {label: 出生日期, value: \"{{ person.birth_date | date('%Y-%m-%d') }}\"}",
                 "- choose: {label: 民族, value: \"{{ person.ethnicity | label('ethnicity') }}\"}",
                 "- choose: {label: 婚姻状况, value: \"{{ person.marital_status | code('marital_status') }}\"}",
                 "- click: {text: 单位信息, exact: true}",
                 "- fill: {label: 开户日期, value: \"{{ case.opened_on | date('%Y-%m-%d') }}\"}",
                 "- choose: {label: 个人缴存比例, value: \"{{ case.personal_rate }}\"}",
                 "- submit: {click: {text: 保存, exact: true}}"):
        assert any(s.startswith(want) for s in steps), (want, text)
    assert "literal" not in text, text  # every value bound to its field
    assert steps[-3:] == ["- confirm: 请核对后保存", "- submit: {click: {text: 保存, exact: true}}",
                          "- expect: {text: 个人账号}"]
    out = folder / "gjj" / "recorded.yaml"
    out.write_text(text, encoding="utf-8")
    problems, _ = lint([out], folder)
    assert [p for p in problems if not is_warning(p)] == [], problems

    # the recorded recipe fills the same dialog, opened afresh in a new client, exactly as the hand-written one
    c.stop()
    log = tmp_path / "fresh.jsonl"
    fresh = launch(log, "--operator", "0001", "--open", "open")
    try:
        deadline = time.monotonic() + 20
        while not windows.find_windows(L.MAIN_TITLE) and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(0.5)
        d = Desk(home)
        try:
            res = d.fill(CaseRequest("person", dict(PERSON), ["gjj.recorded"], dict(CASE)), SandboxClerk(),
                         FillOptions())
            outcome = res.outcomes["gjj.recorded"]
            assert outcome.status == "succeeded", outcome.message
        finally:
            d.close()
        (rec,) = [json.loads(x) for x in log.read_text(encoding="utf-8").splitlines() if x.strip()]
    finally:
        fresh.terminate()
        fresh.wait(5)
    assert rec["matter"] == "个人开户" and rec["fields"] == EXPECTED


def test_a_value_ocr_misread_or_clipped_binds_to_the_one_field_it_nearly_equals() -> None:
    offers = [("{{ person.name }}", "欧阳娜娜"), ("{{ person.current_address }}", "北京市朝阳区建国路88号SOHO现代城2号楼"),
              ("{{ case.employer }}", "北京市朝阳区人力资源和社会保障局")]
    assert snap("欧阳娜娜", offers) == ("欧阳娜娜", "")
    got, note = snap("北京市朝阳区建国路88号SOHO现代城2号楼", offers)
    assert note == ""
    got, note = snap("北京市朝阳区建国路88号S0HO现代城2号楼", offers)  # O read as 0
    assert got == "北京市朝阳区建国路88号SOHO现代城2号楼" and "OCR read" in note
    got, note = snap("北京市朝阳区", offers)  # a narrow box shows the start only: two fields start so
    assert (got, note) == ("北京市朝阳区", "")
    got, note = snap("北京市朝阳区人力资源", offers)
    assert got == "北京市朝阳区人力资源和社会保障局" and note


def test_box_at_tells_input_check_and_text_apart() -> None:
    from clerkdesk.drivers.desktop.probe import ProbedText, ProbeResult

    texts = [ProbedText(0, "姓名：", 0.99, [10, 10, 50, 30], [0, 0], "label",
                        {"side": "right", "box": [60, 8, 200, 32], "dropdown": False}, {"label": "姓名"}),
             ProbedText(1, "欧阳娜娜", 0.99, [66, 12, 130, 28], [0, 0], "content"),
             ProbedText(2, "民族", 0.99, [10, 40, 50, 60], [0, 0], "label",
                        {"side": "right", "box": [60, 38, 200, 62], "dropdown": True}, {"label": "民族"}),
             ProbedText(3, "土家族", 0.99, [66, 42, 110, 58], [0, 0], "content"),
             ProbedText(4, "同意", 0.99, [40, 70, 80, 90], [0, 0], "check", None, {"label": "同意"}),
             ProbedText(5, "单位信息", 0.99, [300, 10, 360, 30], [0, 0], "text", None, {"text": "单位信息", "exact": True})]
    probe = ProbeResult({"title": "w", "size": [400, 100], "at": [0, 0]}, texts, 0.0)
    got = box_at(probe, 150, 20)
    assert got is not None and (got.kind, got.locator, got.value) == ("fill", {"label": "姓名"}, "欧阳娜娜")
    got = box_at(probe, 190, 50)
    assert got is not None and (got.kind, got.value) == ("choose", "土家族")
    got = box_at(probe, 25, 80)  # the check box's square, left of its text
    assert got is not None and got.kind == "check"
    got = box_at(probe, 330, 20)
    assert got is not None and got.kind == "click" and got.locator == {"text": "单位信息", "exact": True}
    assert box_at(probe, 250, 95) is None
