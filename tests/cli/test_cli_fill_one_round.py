"""`clerkdesk fill` with a bad record and missing case fields lists both in one round (exit 2, nothing stored)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

CLI = str(Path(sys.executable).parent / "clerkdesk")


def test_record_errors_and_missing_inputs_come_together(cli_env: dict[str, str], tmp_path: Path) -> None:
    f = tmp_path / "record.json"
    # a check digit typed wrong, and none of the case fields the 就业登记 needs
    f.write_text(json.dumps({"person": {"name": "王小明", "id_number": "110105194912310021", "phone": "1381234"}},
                            ensure_ascii=False), encoding="utf-8")
    p = subprocess.run([CLI, "--json", "fill", "--record", str(f), "--target", "hrss.employment-registration",
                        "--yes"], env=cli_env, capture_output=True, text=True, timeout=120)
    assert p.returncode == 2, p.stdout + p.stderr
    got = [(x["field"], x["code"]) for x in json.loads(p.stdout)["problems"]]
    assert ("person.id_number", "ID_CHECKSUM") in got and ("person.phone", "PHONE_FORMAT") in got
    assert ("case.employer", "FIELD_REQUIRED") in got  # from the recipe, in the same answer
    assert ("person.hukou_type", "FIELD_REQUIRED") in got
    fields = [f for f, _ in got]
    assert len(fields) == len(set(fields))  # the phone is reported once, as malformed, not also as missing
    assert not {"person.sex", "person.birth_date", "person.id_type"} & set(fields)  # the record fills those
    show = subprocess.run([CLI, "--json", "person", "show", "110105194912310021"], env=cli_env,
                          capture_output=True, text=True)
    assert show.returncode != 0  # nothing was stored
