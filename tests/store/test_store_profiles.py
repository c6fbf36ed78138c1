"""Profiles: versions, merges, bulk saves, deletion that really erases."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest
from storedata import ENTERPRISES, PEOPLE, make_id, raw_files

from clerkdesk.desk import Desk
from clerkdesk.errors import ConfigError
from clerkdesk.store import Store

P = PEOPLE[0]


def test_versions_and_merge(home: Path) -> None:
    desk = Desk(home)
    s1, _ = desk.save_profile("person", P)
    assert (s1.version, s1.created) == (1, True)
    assert {"name", "id_number", "sex", "birth_date", "native_region", "phone"} <= set(s1.changed)
    s2, _ = desk.save_profile("person", {"name": P["name"], "id_number": P["id_number"].lower(),
                                         "phone": "13700001111", "marital_status": "已婚"})
    assert (s2.profile_id, s2.version, s2.created) == (s1.profile_id, 2, False)
    assert s2.changed == ["marital_status", "phone"]
    s3, _ = desk.save_profile("person", {"name": P["name"], "id_number": P["id_number"]})
    assert (s3.version, s3.changed) == (3, [])  # re-confirmed at the counter, nothing changed

    prof = desk.profile("person", P["id_number"])
    assert prof is not None and prof.version == 3
    assert prof.record["phone"] == "13700001111"  # new value wins
    assert prof.record["hukou_address"] == P["hukou_address"]  # untouched values are kept
    assert prof.record["marital_status"] == "20"
    assert set(prof.verified) == set(prof.record)

    hist = desk.history("person", P["id_number"])
    assert [v.version for v in hist] == [1, 2, 3]
    assert hist[0].record["phone"] == P["phone"] and hist[1].record["phone"] == "13700001111"
    assert hist[1].changed == ["marital_status", "phone"] and hist[0].actor == "test-clerk"
    assert desk.store.profiles.count("person") == 1
    desk.close()


def test_15_digit_key_finds_the_18_digit_profile(home: Path) -> None:
    desk = Desk(home)
    desk.save_profile("person", {"name": "王小明", "id_number": "11010519491231002X"})
    assert desk.profile("person", "110105491231002") is not None
    assert desk.profile("person", "11010519491231002x") is not None
    assert desk.profile("enterprise", "11010519491231002X") is None  # kinds do not mix
    desk.close()


def test_enterprise_versions(home: Path) -> None:
    desk = Desk(home)
    e = ENTERPRISES[0]
    desk.save_profile("enterprise", e)
    s, _ = desk.save_profile("enterprise", {**e, "legal_rep": {"name": "司马懿", "id_number": PEOPLE[2]["id_number"]}})
    assert s.version == 2 and s.changed == ["legal_rep"]
    prof = desk.profile("enterprise", e["uscc"])
    assert prof is not None and prof.record["legal_rep"]["name"] == "司马懿"
    desk.close()


def test_save_many_is_one_transaction_audited_per_batch(store: Store) -> None:
    items = [(make_id("110105", date(1970, 1, 1), i), {"name": "测试", "n": i}) for i in range(50)]
    saved = store.profiles.save_many("person", items)
    assert len(saved) == 50 and all(x.created for x in saved)
    again = store.profiles.save_many("person", [*items[:5], (make_id("110105", date(1970, 1, 2), 1), {"name": "新"})])
    assert [x.created for x in again] == [False] * 5 + [True]
    assert store.profiles.count("person") == 51
    rows = [r for r in store.audit.rows() if r["action"] == "saved_batch"]
    assert len(rows) == 2
    import json
    first = json.loads(rows[0]["detail"])
    assert sorted(first["created"]) == sorted(x.profile_id for x in saved) and first["changed"] == []
    assert store.audit.verify().ok


def test_save_many_rolls_back_entirely_on_error(store: Store) -> None:
    items = [(make_id("110105", date(1970, 1, 1), i), {"name": "测试"}) for i in range(3)]
    items.append(("bad", {"unserialisable": object()}))
    try:
        store.profiles.save_many("person", items)
    except TypeError:
        pass
    else:
        raise AssertionError("expected a TypeError")
    assert store.profiles.count() == 0 and store.audit.rows() == []
    assert store.audit.verify().ok


def test_delete_erases_rows_versions_and_bytes(home: Path) -> None:
    desk = Desk(home)
    for p in PEOPLE:
        desk.save_profile("person", p)
    desk.save_profile("person", {**P, "phone": "13700001111"})
    conn = sqlite3.connect(home / "clerkdesk.db")
    pid, lookup = conn.execute("select id, lookup from profiles order by id limit 1").fetchone()
    blobs = [r[0] for r in conn.execute("select data from profiles where id = ?", [pid])]
    blobs += [r[0] for r in conn.execute("select data from profile_versions where profile_id = ?", [pid])]
    conn.close()
    assert len(blobs) == 3
    fragments = [b[13:45] for b in blobs] + [lookup.encode()]  # 32 bytes of each ciphertext, and the token
    assert all(any(f in data for data in raw_files(home).values()) for f in fragments)

    assert desk.delete_profile("person", P["id_number"]) is True
    assert desk.profile("person", P["id_number"]) is None
    assert desk.history("person", P["id_number"]) == []
    assert desk.delete_profile("person", P["id_number"]) is False
    conn = sqlite3.connect(home / "clerkdesk.db")
    assert conn.execute("select count(*) from profiles where id = ?", [pid]).fetchone() == (0,)
    assert conn.execute("select count(*) from profile_versions where profile_id = ?", [pid]).fetchone() == (0,)
    conn.close()
    # before any VACUUM, with the store still open: no copy in the file, the WAL or the shared memory
    for name, data in raw_files(home).items():
        for f in fragments:
            assert f not in data, f"erased bytes still in {name}"
    # the other people are untouched
    assert desk.profile("person", PEOPLE[1]["id_number"]) is not None
    actions = [(r["action"], r["subject"]) for r in desk.store.audit.rows()]
    assert ("deleted", f"person:{pid}") in actions
    assert desk.verify_audit().ok
    desk.close()


def test_delete_erases_the_applicant_from_cases(store: Store) -> None:
    saved = store.profiles.save("person", P["id_number"], {"name": P["name"], "id_number": P["id_number"]})
    cid = store.cases.create(matter="就业登记", applicant_kind="person", applicant_key=P["id_number"],
                             record={"name": P["name"]}, targets=["hrss"], fields={}, profile_id=saved.profile_id)
    store.cases.update(cid, result=("hrss.x", {"receipt": "SL-1"}))
    assert store.profiles.delete("person", P["id_number"])
    case = store.cases.get(cid)
    assert (case.record, case.applicant_key, case.profile_id) == ({}, "", None)
    assert case.matter == "就业登记" and case.results == {"hrss.x": {"receipt": "SL-1"}}
    assert store.audit.verify().ok


def test_credit_code_lookup_tolerates_spaces_dashes_and_case(home: Path) -> None:
    desk = Desk(home)
    e = ENTERPRISES[1]
    desk.save_profile("enterprise", e)
    code = e["uscc"]
    spaced = f"{code[:4]} {code[4:10]}-{code[10:]}".lower()
    assert desk.profile("enterprise", spaced) is not None
    assert desk.delete_profile("enterprise", spaced)
    desk.close()


def test_a_file_that_is_no_database_is_a_clear_error(home: Path) -> None:
    (home / "clerkdesk.db").write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(ConfigError, match="not a readable ClerkDesk database"):
        Store.open(home)
