"""The ``clerkdesk`` command by subprocess: checks, profiles, bad input, audit."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from clerkdesk.records.standards import id_check_digit, org_check_char, uscc_check_char

CLI = str(Path(sys.executable).parent / "clerkdesk")
ID = "11010519491231002X"
USCC = "91110000600037341L"


def make_id(region: str, birth: date, seq: int) -> str:
    body = f"{region}{birth:%Y%m%d}{seq:03d}"
    return body + id_check_digit(body)


def make_uscc(prefix: str, region: str, org8: str) -> str:
    body = prefix + region + org8 + org_check_char(org8)
    return body + uscc_check_char(body)


def run(env: dict[str, str], *args: str, stdin: str | bytes | None = None) -> subprocess.CompletedProcess[str]:
    data = stdin.encode() if isinstance(stdin, str) else stdin
    p = subprocess.run([CLI, *args], env=env, input=data, capture_output=True, timeout=120)
    return subprocess.CompletedProcess(p.args, p.returncode, p.stdout.decode(), p.stderr.decode())


def as_json(p: subprocess.CompletedProcess[str]) -> dict:
    return json.loads(p.stdout)


def profile_count(home: Path) -> int:
    db = home / "clerkdesk.db"
    if not db.exists():
        return 0
    conn = sqlite3.connect(db)
    n = conn.execute("select count(*) from profiles").fetchone()[0]
    conn.close()
    return n


def write(tmp_path: Path, obj: object, name: str = "in.json") -> str:
    f = tmp_path / name
    f.write_text(json.dumps(obj, ensure_ascii=False), encoding="utf-8")
    return str(f)


# --- check ----------------------------------------------------------------------------------------------

def test_check_id_valid(cli_env: dict[str, str]) -> None:
    p = run(cli_env, "check", "id", ID.lower())
    assert p.returncode == 0, p.stderr
    assert f"有效 (valid): {ID}" in p.stdout
    assert "1949-12-31" in p.stdout and "女" in p.stdout and "北京市朝阳区" in p.stdout
    j = as_json(run(cli_env, "--json", "check", "id", "110105491231002"))
    assert j["ok"] is True and j["value"] == ID and j["converted_from_15"] is True
    assert (j["birth_date"], j["sex"], j["region_code"], j["problems"]) == ("1949-12-31", "2", "110105", [])


def test_check_id_invalid(cli_env: dict[str, str]) -> None:
    p = run(cli_env, "check", "id", "110105194912310021")
    assert p.returncode == 1
    assert "无效 (invalid)" in p.stdout and "[ID_CHECKSUM]" in p.stdout
    j = as_json(run(cli_env, "--json", "check", "id", "990101198013010011"))
    assert j["ok"] is False and j["value"] is None
    assert {x["code"] for x in j["problems"]} >= {"ID_BIRTH_INVALID", "ID_REGION_UNKNOWN"}


def test_check_id_warning_still_valid(cli_env: dict[str, str]) -> None:
    p = run(cli_env, "check", "id", make_id("110103", date(2015, 1, 1), 1))
    assert p.returncode == 0 and "warning [ID_REGION_RETIRED_BEFORE_BIRTH]" in p.stdout


def test_check_uscc(cli_env: dict[str, str]) -> None:
    p = run(cli_env, "check", "uscc", USCC)
    assert p.returncode == 0 and "工商（市场监管）" in p.stdout and "600037341" in p.stdout
    p = run(cli_env, "check", "uscc", "91110000600037341M")
    assert p.returncode == 1 and "[USCC_CHECKSUM]" in p.stdout
    j = as_json(run(cli_env, "--json", "check", "uscc", "9111000060003734IL"))
    assert j["ok"] is False and [x["code"] for x in j["problems"]] == ["USCC_CHARSET"]


def test_whitelisted_pilot_code(cli_env: dict[str, str], home: Path) -> None:
    bad = "91110000600037341M"
    p = run(cli_env, "whitelist-uscc", bad, "--note", "licence checked by hand")
    assert p.returncode == 0, p.stderr
    j = as_json(run(cli_env, "--json", "check", "uscc", bad))
    assert j["ok"] is True and j["whitelisted"] is True
    assert [x["code"] for x in j["problems"]] == ["USCC_WHITELISTED"]
    # the whitelist is public data: checking a code needs no key
    for key in (Path(os.environ["CLERKDESK_CONFIG"]) / "keys").iterdir():
        key.unlink()
    j = as_json(run(cli_env, "--json", "check", "uscc", bad.lower()))
    assert j["ok"] is True and j["whitelisted"] is True


# --- person profiles ----------------------------------------------------------------------------------------

def test_person_add_update_show_history_delete(cli_env: dict[str, str], home: Path, tmp_path: Path) -> None:
    f = write(tmp_path, {"name": "王小明", "id_number": ID.lower(), "hukou_type": "城镇", "phone": "138 1234 5678"})
    p = run(cli_env, "person", "add", "--json", f)
    assert p.returncode == 0, p.stderr
    assert "已建档" in p.stdout and "version 1" in p.stdout

    j = as_json(run(cli_env, "--json", "person", "add", "--json", "-",
                    stdin=json.dumps({"name": "王小明", "id_number": ID, "hukou_type": "农业"})))
    assert j["ok"] is True and j["created"] is False and j["version"] == 2 and j["changed"] == ["hukou_type"]

    p = run(cli_env, "person", "show", "110105491231002")
    assert p.returncode == 0 and "户口性质 (hukou_type): rural" in p.stdout and "version 2" in p.stdout
    j = as_json(run(cli_env, "--json", "person", "show", ID))
    assert j["record"]["phone"] == "13812345678" and j["record"]["sex"] == "2" and j["version"] == 2

    j = as_json(run(cli_env, "--json", "person", "history", ID))
    assert [v["version"] for v in j["versions"]] == [1, 2]
    assert j["versions"][0]["record"]["hukou_type"] == "urban" and j["versions"][1]["changed"] == ["hukou_type"]
    assert j["versions"][0]["actor"] == "test-clerk"
    p = run(cli_env, "person", "history", ID)
    assert p.returncode == 0 and "v2" in p.stdout

    p = run(cli_env, "person", "delete", ID)
    assert p.returncode == 0 and "已删除" in p.stdout
    assert profile_count(home) == 0
    assert run(cli_env, "person", "show", ID).returncode == 1
    assert run(cli_env, "person", "history", ID).returncode == 1
    assert as_json(run(cli_env, "--json", "person", "delete", ID)) == {"ok": False}

    j = as_json(run(cli_env, "--json", "audit", "verify"))
    # created, changed, viewed ×2, viewed_history ×2, deleted
    assert j["ok"] is True and j["rows"] == 7 and j["problems"] == []


def test_home_option_and_env(cli_env: dict[str, str], tmp_path: Path) -> None:
    other = tmp_path / "elsewhere"
    f = write(tmp_path, {"name": "王小明", "id_number": ID})
    r = run(cli_env, "--home", str(other), "person", "add", "--json", f)
    assert r.returncode == 2 and "--create" in r.stderr and not other.exists()  # a mistyped folder is no new store
    assert run(cli_env, "--home", str(other), "--create", "person", "add", "--json", f).returncode == 0
    assert profile_count(other) == 1
    assert run(cli_env, "person", "show", ID).returncode == 1  # CLERKDESK_HOME is another folder


# --- enterprise profiles --------------------------------------------------------------------------------------

def test_enterprise_with_legal_rep(cli_env: dict[str, str], home: Path, tmp_path: Path) -> None:
    rep = {"name": "李四", "id_number": make_id("440106", date(1975, 6, 1), 11)}
    f = write(tmp_path, {"name": "北京某某科技有限公司", "uscc": USCC.lower(), "entity_type": "有限责任公司",
                         "legal_rep": rep, "registered_capital": "100万元", "established": "2010年5月4日"})
    j = as_json(run(cli_env, "--json", "enterprise", "add", "--json", f))
    assert j["ok"] is True and j["created"] is True
    f = write(tmp_path, {"name": "北京某某科技有限公司", "uscc": USCC, "phone": "010-62345678"}, "v2.json")
    assert as_json(run(cli_env, "--json", "enterprise", "add", "--json", f))["version"] == 2
    j = as_json(run(cli_env, "--json", "enterprise", "show", USCC))
    assert j["record"]["legal_rep"] == {**rep, "sex": "1", "birth_date": "1975-06-01", "native_region": "440106",
                                        "id_type": "111"}
    assert j["record"]["entity_type"] == "llc" and j["record"]["phone"] == "010-62345678"
    p = run(cli_env, "enterprise", "show", USCC)
    assert "法定代表人" in p.stdout
    assert len(as_json(run(cli_env, "--json", "enterprise", "history", USCC))["versions"]) == 2
    assert run(cli_env, "enterprise", "delete", USCC).returncode == 0
    assert profile_count(home) == 0


# --- bad input: exit 2, every problem by field, nothing stored ------------------------------------------------

def test_malformed_json(cli_env: dict[str, str], home: Path) -> None:
    p = run(cli_env, "person", "add", "--json", "-", stdin='{"name": "王小明",\n "id_number": }')
    assert p.returncode == 2
    assert "(input):2:15: [JSON_SYNTAX]" in p.stderr and "nothing was stored" in p.stderr
    j = as_json(run(cli_env, "--json", "person", "add", "--json", "-", stdin="[1, 2]"))
    assert j["ok"] is False and j["problems"][0]["code"] == "JSON_TYPE"
    assert profile_count(home) == 0


def test_unreadable_and_non_utf8_files(cli_env: dict[str, str], home: Path, tmp_path: Path) -> None:
    p = run(cli_env, "person", "add", "--json", str(tmp_path / "missing.json"))
    assert p.returncode == 2 and "[FILE_UNREADABLE]" in p.stderr
    gbk = tmp_path / "gbk.json"
    gbk.write_bytes(json.dumps({"name": "王小明", "id_number": ID}, ensure_ascii=False).encode("gbk"))
    p = run(cli_env, "person", "add", "--json", str(gbk))
    assert p.returncode == 2 and "[FILE_ENCODING]" in p.stderr
    assert profile_count(home) == 0
    bom = tmp_path / "bom.json"
    bom.write_bytes(json.dumps({"name": "王小明", "id_number": ID}, ensure_ascii=False).encode("utf-8-sig"))
    assert run(cli_env, "person", "add", "--json", str(bom)).returncode == 0


def test_invalid_fields_all_listed_nothing_stored(cli_env: dict[str, str], home: Path, tmp_path: Path) -> None:
    bad = {"name": "王", "id_number": "110105194912310021", "hukou_type": "外星", "phone": "12345",
           "birth_date": "2026-02-30", "hukuo_type": "城镇"}
    p = run(cli_env, "person", "add", "--json", write(tmp_path, bad))
    assert p.returncode == 2
    for line in ("person.name: [NAME_FORMAT]", "person.id_number: [ID_CHECKSUM]", "person.hukou_type: [CODE_UNKNOWN]",
                 "person.phone: [PHONE_FORMAT]", "person.birth_date: [DATE_INVALID]",
                 "person.hukuo_type: [FIELD_UNKNOWN]", "Did you mean 'hukou_type'?"):
        assert line in p.stderr
    assert "外星" not in p.stderr and "110105194912310021" not in p.stderr
    j = as_json(run(cli_env, "--json", "person", "add", "--json", write(tmp_path, bad)))
    assert j["ok"] is False and len(j["problems"]) == 6
    assert profile_count(home) == 0


def test_invalid_update_keeps_the_stored_version(cli_env: dict[str, str], home: Path, tmp_path: Path) -> None:
    assert run(cli_env, "person", "add", "--json", write(tmp_path, {"name": "王小明", "id_number": ID})).returncode == 0
    p = run(cli_env, "person", "add", "--json", write(tmp_path, {"name": "王小明", "id_number": ID, "sex": "男",
                                                                 "phone": "12"}))
    assert p.returncode == 2
    assert "person.sex: [SEX_CONFLICT]" in p.stderr and "person.phone: [PHONE_FORMAT]" in p.stderr
    j = as_json(run(cli_env, "--json", "person", "show", ID))
    assert j["version"] == 1 and "phone" not in j["record"]


def test_enterprise_bad_input(cli_env: dict[str, str], home: Path, tmp_path: Path) -> None:
    bad = {"name": "", "uscc": "91110000600037341M", "entity_type": "钱庄",
           "legal_rep": {"name": "李四", "id_number": "44010619750601011"}}
    p = run(cli_env, "enterprise", "add", "--json", write(tmp_path, bad))
    assert p.returncode == 2
    for line in ("enterprise.name: [FIELD_REQUIRED]", "enterprise.uscc: [USCC_CHECKSUM]",
                 "enterprise.entity_type: [CODE_UNKNOWN]", "enterprise.legal_rep.id_number: [ID_LENGTH]"):
        assert line in p.stderr
    assert profile_count(home) == 0


# --- audit and keys ------------------------------------------------------------------------------------------

def test_audit_verify_detects_tampering(cli_env: dict[str, str], home: Path, tmp_path: Path) -> None:
    f = write(tmp_path, {"name": "王小明", "id_number": ID})
    run(cli_env, "person", "add", "--json", f)
    run(cli_env, "person", "show", ID)
    p = run(cli_env, "audit", "verify")
    assert p.returncode == 0 and "audit log intact" in p.stdout and "2 rows" in p.stdout
    conn = sqlite3.connect(home / "clerkdesk.db")
    conn.execute("update audit set action = 'nothing' where id = 1")
    conn.commit()
    conn.close()
    p = run(cli_env, "audit", "verify")
    assert p.returncode == 1 and "row 1: content was changed" in p.stdout
    j = as_json(run(cli_env, "--json", "audit", "verify"))
    assert j["ok"] is False and j["problems"] == ["row 1: content was changed after it was written"]


def test_missing_key_is_exit_2_with_a_clear_message(cli_env: dict[str, str], home: Path, tmp_path: Path) -> None:
    run(cli_env, "person", "add", "--json", write(tmp_path, {"name": "王小明", "id_number": ID}))
    keys = list((Path(os.environ["CLERKDESK_CONFIG"]) / "keys").glob("*.key"))
    assert len(keys) == 1
    keys[0].rename(tmp_path / "backup.key")
    p = run(cli_env, "person", "show", ID)
    assert p.returncode == 2 and "encryption key of this database was not found" in p.stderr
    assert "Traceback" not in p.stderr
    j = as_json(run(cli_env, "--json", "person", "show", ID))
    assert j == {"ok": False, "error": j["error"], "type": "StoreKeyError"}
    assert not keys[0].exists()  # no new key was made
    p = run({**cli_env, "CLERKDESK_KEY_FILE": str(tmp_path / "backup.key")}, "person", "show", ID)
    assert p.returncode == 0 and "王小明" in p.stdout


@pytest.mark.parametrize("args", [["check", "id", ID], ["person", "show", ID]])
def test_json_flag_output_is_parseable(cli_env: dict[str, str], args: list[str]) -> None:
    p = run(cli_env, "--json", *args)
    json.loads(p.stdout)
