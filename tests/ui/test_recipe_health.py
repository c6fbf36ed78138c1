"""The app shows each matter's recipe health (from the canary's last results) and each run's recipe set.

Offscreen Qt over a real data folder, the installed recipes and a real store; the canary's state file is the
one ``workbench.canary.run_canary`` writes (its browser test is tests/web/test_canary.py). The recipe set is
published and pulled for real (Ed25519), and the case opened through the application layer.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from clerkdesk.config import recipes_dir
from clerkdesk.desk import CaseRequest, Desk, FillOptions
from clerkdesk.records.standards import id_check_digit
from clerkdesk.ui import i18n
from clerkdesk.ui.qt_capture_form import CaptureForm
from clerkdesk.ui.qt_recipe_health import HEALTH_ROLE, state_file
from clerkdesk.ui.qt_run_monitor import RunMonitor, Runtime
from clerkdesk.workbench.recipe_sets import generate_key, key_id, publish, pull

EMP, INS, GJJ = "hrss.employment-registration", "hrss.insurance-enrollment", "gjj.open-account"
AMR = "amr.individual-business-opening"
STATE = {
    EMP: {"status": "changed", "checked": "2026-12-03T08:00:00+00:00", "since": "2026-12-02T08:00:00+00:00",
          "last_good": "2026-12-01T08:00:00+00:00", "step": "fill 联系电话 (employment-registration.yaml:7:5)",
          "locator": "label 联系电话"},
    INS: {"status": "ok", "checked": "2026-12-03T08:00:00+00:00", "since": None,
          "last_good": "2026-12-03T08:00:00+00:00", "step": "", "locator": ""},
    AMR: {"status": "unreachable", "checked": "2026-12-03T08:00:00+00:00", "since": "2026-12-03T08:00:00+00:00",
          "last_good": None, "step": "", "locator": ""},
}


@pytest.fixture
def desk(home: Path) -> Any:
    d = Desk(home)
    yield d
    d.close()


def _items(form: CaptureForm) -> dict[str, Any]:
    return {form.matters.item(i).data(Qt.ItemDataRole.UserRole): form.matters.item(i)
            for i in range(form.matters.count())}


def test_each_matter_shows_its_recipe_health_and_can_still_be_ticked(qtbot: Any, desk: Any) -> None:
    path = state_file(desk.home)
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(STATE, ensure_ascii=False), encoding="utf-8")
    form = CaptureForm(desk)
    qtbot.addWidget(form)
    items = _items(form)
    assert items[EMP].text().splitlines()[-1].strip() == "配方状态：2026-12-02 起系统有变化，可能无法自动填报"
    tip = items[EMP].toolTip()
    assert "label 联系电话" in tip and "employment-registration.yaml:7:5" in tip and "上次正常：2026-12-01" in tip
    assert items[INS].text().endswith("配方状态：正常（2026-12-03 检查）")
    assert items[AMR].text().endswith("配方状态：2026-12-03 起无法检查（系统无法访问）")
    assert "上次正常：从未正常" in items[AMR].toolTip()
    assert items[GJJ].text().endswith("配方状态：未检查")  # not in the state file
    # a bundle (一件事) is as fit as its weakest recipe
    assert items["employment-and-insurance"].data(HEALTH_ROLE).status == "changed"
    assert items["open-individual-business"].data(HEALTH_ROLE).status == "unknown"
    assert items[EMP].text().startswith(desk.catalog.get(EMP).title)  # the title still comes first
    assert not items[EMP].icon().isNull()
    # a hint, not a lock: the changed matter is ticked and its form built as before
    form.set_matters([EMP])
    assert form.checked_matters() == [EMP] and "person.name" in form.rows


def test_no_canary_yet_means_never_checked_and_english_reads_too(qtbot: Any, desk: Any) -> None:
    form = CaptureForm(desk)
    qtbot.addWidget(form)
    assert {i.text().splitlines()[-1].strip() for i in _items(form).values()} == {"配方状态：未检查"}
    path = state_file(desk.home)
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(STATE), encoding="utf-8")
    try:
        i18n.set_language("en")
        en = CaptureForm(desk)
        qtbot.addWidget(en)
        items = _items(en)
        assert items[EMP].text().endswith("Recipe: the system changed on 2026-12-02; filling may fail")
        assert "Locator: label 联系电话" in items[EMP].toolTip()
        assert items[INS].text().endswith("Recipe: ok (checked 2026-12-03)")
        assert items[GJJ].text().endswith("Recipe: never checked")
    finally:
        i18n.set_language("zh")


def test_a_damaged_state_file_shows_never_checked(qtbot: Any, desk: Any) -> None:
    path = state_file(desk.home)
    path.parent.mkdir(parents=True)
    path.write_text("{half a fi", encoding="utf-8")
    form = CaptureForm(desk)
    qtbot.addWidget(form)
    assert all(i.data(HEALTH_ROLE).status == "never" for i in _items(form).values())


def _person(n: int) -> dict[str, str]:
    base = f"11010519491231{n:03d}"
    return {"name": "司徒雅琴", "id_number": base + id_check_digit(base), "ethnicity": "汉族", "hukou_type": "非农业",
            "education": "本科", "marital_status": "已婚", "hukou_region": "110105",
            "hukou_address": "北京市朝阳区建国路1号", "current_address": "北京市朝阳区建国路1号", "phone": "13911112222"}


CASE = {"employer": "成都蓉城科技有限公司", "employer_uscc": "91110000600037341L", "start_date": "2026-11-01",
        "contract_term": "三年及以上", "post": "会计", "employment_form": "单位就业", "wage": "6500.50",
        "contract_signed": True, "postcode": "610041"}


def test_the_run_card_names_the_recipe_set_the_run_used(qtbot: Any, home: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    src = tmp_path / "src"
    shutil.copytree(recipes_dir(), src)
    pub = generate_key(tmp_path / "k.key")
    publish(src, tmp_path / "share", "2026.12.1", tmp_path / "k.key")
    into = tmp_path / "ws" / "recipes"
    pull(tmp_path / "share", into, [pub])
    shown: dict[str, str] = {}
    for n, folder in ((1, into), (2, src)):  # the pulled set, then the supervisor's unpublished working copy
        monkeypatch.setenv("CLERKDESK_RECIPES", str(folder))
        d = Desk(home)
        try:
            res, _ = d.open_case(CaseRequest("person", _person(n), [EMP], dict(CASE)), FillOptions())
            monitor = RunMonitor(d, Runtime())
            qtbot.addWidget(monitor)
            monitor.show_case(res.case_id)
            shown[str(n)] = monitor.cards[res.runs[EMP]].recipe_set.text()
        finally:
            d.close()
    assert shown == {"1": f"配方集 2026.12.1（签名密钥 {key_id(pub)}）", "2": "配方：未发布的配方文件夹（未签名）"}


def test_the_app_reads_the_canary_state_the_workstations_share(qtbot: Any, desk: Any, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """The supervisor's scheduled canary writes --state to a share; every workstation names it once."""
    shared = tmp_path / "share" / "canary.json"
    shared.parent.mkdir()
    shared.write_text(json.dumps(STATE), encoding="utf-8")
    monkeypatch.setenv("CLERKDESK_CANARY_STATE", str(shared))
    form = CaptureForm(desk)
    qtbot.addWidget(form)
    assert _items(form)[EMP].data(HEALTH_ROLE).status == "changed"
