"""`clerkdesk fill` as a subprocess into desktop clients: the worked example of docs/desktop.md (system file
and recipe copied from the page, run against the practice form), and the 住房公积金 sandbox client."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from clerkdesk.records.standards import id_check_digit
from clerkdesk.vision import windows

pytestmark = [pytest.mark.desktop, pytest.mark.ocr, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "desktop.md"
FORMAPP = ROOT / "tests" / "drivers_desktop" / "formapp.py"
GJJ_MAIN = "住房公积金业务管理系统 V3.2"


def cli(home: Path, *args: str, recipes: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if recipes is not None:
        env["CLERKDESK_RECIPES"] = str(recipes)
    return subprocess.run([sys.executable, "-m", "clerkdesk", "--home", str(home), *args], capture_output=True,
                          text=True, timeout=300, stdin=subprocess.DEVNULL, env=env)


def doc_block(first_line: str) -> str:
    """The ```yaml block of docs/desktop.md that starts with FIRST_LINE."""
    for m in re.finditer(r"```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL):
        if m.group(1).startswith(first_line):
            return m.group(1)
    raise AssertionError(f"docs/desktop.md has no yaml block starting with {first_line!r}")


def _wait_gone(title: str) -> None:
    for w in windows.find_windows(title):
        if w.pid:
            os.kill(w.pid, 15)
    deadline = time.monotonic() + 5
    while windows.find_windows(title) and time.monotonic() < deadline:
        time.sleep(0.1)


def _record(tmp_path: Path, person: dict[str, str], case: dict[str, str]) -> Path:
    record = tmp_path / "record.json"
    record.write_text(json.dumps({"person": person, "case": case}, ensure_ascii=False), encoding="utf-8")
    return record


def test_the_worked_example_of_the_docs_fills_the_practice_form(display: str, home: Path, tmp_path: Path) -> None:
    out = tmp_path / "testform.json"
    system = doc_block("# recipes/systems/testform.yaml")
    recipe = doc_block("# recipes/testform/person-entry.yaml")
    command = shlex.join([sys.executable, str(FORMAPP), str(out)])
    system, n = re.subn(r"^command: .*$", f"command: {json.dumps(command, ensure_ascii=False)}", system,
                        flags=re.MULTILINE)
    assert n == 1
    folder = tmp_path / "my-recipes"
    (folder / "systems").mkdir(parents=True)
    (folder / "testform").mkdir()
    (folder / "systems" / "testform.yaml").write_text(system, encoding="utf-8")
    (folder / "testform" / "person-entry.yaml").write_text(recipe, encoding="utf-8")
    lint = cli(home, "recipe", "lint", recipes=folder)
    assert lint.returncode == 0 and lint.stdout.startswith("ok") and "warning" not in lint.stdout, lint.stdout

    person = {"name": "韦小宝", "id_number": "450103198503071228", "hukou_address": "广西南宁市青秀区民族大道100号",
              "phone": "13977112345", "ethnicity": "壮族"}
    record = tmp_path / "test-person.json"
    record.write_text(json.dumps({"person": person, "case": {"employer": "南宁市青秀区人力资源和社会保障局"}},
                                 ensure_ascii=False), encoding="utf-8")
    assert not windows.find_windows("测试录入窗口")
    try:
        r = cli(home, "--json", "fill", "--record", str(record), "--target", "testform.person-entry", "--yes",
                recipes=folder)
    finally:
        time.sleep(0.5)
        got = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
        _wait_gone("测试录入窗口")  # `command` started it; the driver leaves the client open
    assert r.returncode == 0, r.stdout + r.stderr
    res = json.loads(r.stdout)
    assert res["targets"]["testform.person-entry"]["captures"] == {"account": "6222021001123456"}
    assert got == {"name": "韦小宝", "id_number": "450103198503071228", "address": person["hukou_address"],
                   "phone": "13977112345", "birth_date": "1985-03-07", "employer": "南宁市青秀区人力资源和社会保障局",
                   "ethnic": "壮族", "sex": "女", "agree": True, "submitted": True}


def test_cli_fill_enters_a_record_into_the_sandbox_desktop_client(client: Any, home: Path, tmp_path: Path) -> None:
    c = client()
    deadline = time.monotonic() + 30
    while not windows.find_windows(GJJ_MAIN) and time.monotonic() < deadline:
        time.sleep(0.2)  # the recipe's `human` step (log in) holds once the main window is up
    person = {"name": "欧阳娜娜", "id_number": "11010519491231002" + id_check_digit("11010519491231002"),
              "ethnicity": "土家族", "phone": "13800138000", "marital_status": "已婚",
              "current_address": "北京市朝阳区建国路88号SOHO现代城2号楼1单元1203室"}
    case = {"employer": "北京市朝阳区人力资源和社会保障局", "employer_account": "100200300400",
            "personal_rate": "8%", "monthly_base": "8500.50", "opened_on": "2026-11-01"}
    record = _record(tmp_path, person, case)
    r = cli(home, "--json", "fill", "--record", str(record), "--target", "gjj.open-account", "--yes",
            "--wait-human", "30")
    assert r.returncode == 0, r.stdout + r.stderr
    res = json.loads(r.stdout)
    (rec,) = c.records()
    assert res["targets"]["gjj.open-account"]["captures"]["account"] == rec["account"]
    assert rec["fields"] == {
        "姓名": "欧阳娜娜", "证件类型": "居民身份证", "证件号码": person["id_number"], "性别": "女",
        "出生日期": "1949-12-31", "民族": "土家族", "手机号码": "13800138000", "固定电话": "", "婚姻状况": "已婚",
        "家庭住址": person["current_address"], "单位名称": case["employer"], "单位账号": "100200300400",
        "个人缴存比例": "8%", "开户日期": "2026-11-01", "月缴存基数": "8500.50", "单位缴存比例": "12%"}
    runs = json.loads(cli(home, "--json", "runs").stdout)
    assert runs[0]["status"] == "succeeded" and "欧阳娜娜" not in json.dumps(runs, ensure_ascii=False)


def test_resume_waits_for_the_login_with_wait_human(client: Any, home: Path, tmp_path: Path) -> None:
    """A batch `fill` with no client logged in stops at the login (`a person must act`, nothing typed); once the
    person has logged in, `resume RUN --wait-human N` waits for the login it asks for and files the record once."""
    person = {"name": "司马相如", "id_number": "11010519491231002" + id_check_digit("11010519491231002"),
              "ethnicity": "汉族", "phone": "13800138001", "marital_status": "未婚",
              "current_address": "北京市东城区东长安街1号"}
    case = {"employer": "北京市东城区人力资源和社会保障局", "employer_account": "100200300401",
            "personal_rate": "12%", "monthly_base": "9000", "opened_on": "2026-11-02"}
    record = _record(tmp_path, person, case)
    assert not windows.find_windows(GJJ_MAIN)
    r = cli(home, "--json", "fill", "--record", str(record), "--target", "gjj.open-account", "--yes")
    assert r.returncode == 1 and "a person must act" in r.stdout + r.stderr, r.stdout + r.stderr
    (run,) = json.loads(cli(home, "--json", "runs").stdout)
    assert run["status"] == "needs_clerk"

    resume = subprocess.Popen([sys.executable, "-m", "clerkdesk", "--home", str(home), "--json", "resume", run["id"],
                               "--yes", "--wait-human", "90"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              stdin=subprocess.DEVNULL, text=True)
    try:
        time.sleep(6)  # `resume` is waiting at the login by now
        assert resume.poll() is None, resume.communicate()
        c = client()  # the person logs in: the client's main window comes up
        out, err = resume.communicate(timeout=240)
    finally:
        if resume.poll() is None:
            resume.kill()
    assert resume.returncode == 0, out + err
    (rec,) = c.records()
    assert rec["fields"]["姓名"] == "司马相如" and rec["fields"]["个人缴存比例"] == "12%"
    assert json.loads(cli(home, "--json", "runs").stdout)[0]["status"] == "succeeded"
