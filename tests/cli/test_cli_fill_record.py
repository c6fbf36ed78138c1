"""``clerkdesk fill`` by subprocess, up to the plan: the record stage accepts what ``person add`` /
``enterprise add`` accept. The plans here lack case fields on purpose, so no browser ever starts."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

CLI = str(Path(sys.executable).parent / "clerkdesk")
ID_18 = "11010519491231002X"
ID_15 = "110105491231002"
PILOT = "91110000600037341M"  # fails its MOD 31 check (the valid code ends in L)


def run(env: dict[str, str], *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CLI, *args], env=env, input=stdin, capture_output=True, text=True, timeout=120)


def record(tmp_path: Path, obj: object) -> str:
    f = tmp_path / "record.json"
    f.write_text(json.dumps(obj, ensure_ascii=False), encoding="utf-8")
    return str(f)


def plan_problems(p: subprocess.CompletedProcess[str]) -> list[str]:
    assert p.returncode == 2, p.stdout + p.stderr
    assert "cannot start the run" in p.stderr, p.stderr  # the record stage passed; the plan lists what is missing
    return [line.strip() for line in p.stderr.splitlines()[1:] if line.strip()]


def test_fill_a_whitelisted_pilot_credit_code(cli_env: dict[str, str], tmp_path: Path) -> None:
    company = {"enterprise": {"name": "试点时期登记有限公司", "uscc": PILOT, "entity_type": "有限公司",
                              "legal_rep": {"name": "王小明", "id_number": ID_18}}}
    before = run(cli_env, "fill", "--record", record(tmp_path, company), "--target", "amr.enterprise-change", "--yes")
    assert before.returncode == 2 and "[USCC_CHECKSUM]" in before.stderr
    assert run(cli_env, "whitelist-uscc", PILOT, "--note", "licence checked by hand").returncode == 0
    p = run(cli_env, "fill", "--record", record(tmp_path, company), "--target", "amr.enterprise-change", "--yes")
    problems = plan_problems(p)
    assert "USCC" not in p.stderr and problems
    assert all("missing" in x and "enterprise.uscc" not in x for x in problems)
    hist = json.loads(run(cli_env, "--json", "enterprise", "history", PILOT).stdout)
    assert len(hist["versions"]) == 1  # stored by the fill's record stage


def test_fill_a_person_by_the_15_digit_number(cli_env: dict[str, str], tmp_path: Path) -> None:
    person = {"name": "王小明", "id_number": ID_18, "hukou_type": "城镇", "phone": "13812345678"}
    assert run(cli_env, "person", "add", "--json", "-", stdin=json.dumps(person, ensure_ascii=False)).returncode == 0
    p = run(cli_env, "fill", "--record", record(tmp_path, {"person": {"id_number": ID_15}}),
            "--target", "hrss.insurance-enrollment", "--yes")
    problems = plan_problems(p)
    assert "FIELD_REQUIRED" not in p.stderr
    # only the case fields are missing: name, sex, birth date, hukou type and phone came from the profile
    assert problems and all("(case." in x for x in problems), problems
    hist = json.loads(run(cli_env, "--json", "person", "history", ID_15).stdout)
    assert len(hist["versions"]) == 2
