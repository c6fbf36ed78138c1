"""`whitelist-uscc` is a supervisor's action once IT names the supervisors (CLERKDESK_SUPERVISORS)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

CLI = str(Path(sys.executable).parent / "clerkdesk")
PILOT = "91110000600037341M"  # fails its MOD 31 check; the real, valid code ends in L


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CLI, *args], env=env, capture_output=True, text=True, timeout=60)


def test_only_a_named_supervisor_whitelists_and_a_refusal_is_audited(cli_env: dict[str, str]) -> None:
    env = dict(cli_env, CLERKDESK_SUPERVISORS="王主管, 李组长")
    p = run(dict(env, CLERKDESK_CLERK="窗口三号"), "whitelist-uscc", PILOT, "--note", "核对原件")
    assert p.returncode == 1 and "只有主管可以" in p.stderr and "窗口三号" in p.stderr
    assert run(env, "check", "uscc", PILOT).returncode == 1  # still refused by the check
    p = run(dict(env, CLERKDESK_CLERK="李组长"), "whitelist-uscc", PILOT, "--note", "已核对营业执照原件")
    assert p.returncode == 0, p.stderr
    assert run(env, "check", "uscc", PILOT).returncode == 0
    assert run(env, "audit", "verify").returncode == 0
    from clerkdesk.store import Store

    s = Store.open(Path(cli_env["CLERKDESK_HOME"]))
    actions = [(r["actor"], r["action"]) for r in s.audit.rows()]
    s.close()
    assert ("窗口三号", "uscc_whitelist_refused") in actions and ("李组长", "uscc_whitelisted") in actions


def test_a_reason_is_required(cli_env: dict[str, str]) -> None:
    p = run(cli_env, "--json", "whitelist-uscc", PILOT, "--note", "  ")
    assert p.returncode == 2
    assert [x["field"] for x in json.loads(p.stdout)["problems"]] == ["note"]
