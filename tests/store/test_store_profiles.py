"""Profiles: versions, merges, bulk saves, deletion that really erases."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from storedata import ENTERPRISES, PEOPLE, encodings, make_id, raw_conn, stored_bytes

from clerkdesk.desk import CaseRequest, Desk
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
    conn = raw_conn(home)
    pid, lookup = conn.execute("select id, lookup from profiles order by id limit 1").fetchone()
    blobs = [r[0] for r in conn.execute("select data from profiles where id = ?", [pid])]
    blobs += [r[0] for r in conn.execute("select data from profile_versions where profile_id = ?", [pid])]
    conn.close()
    assert len(blobs) == 3
    fragments = [b[13:45] for b in blobs] + [lookup.encode()]  # 32 bytes of each ciphertext, and the token
    assert all(any(f in data for data in stored_bytes(home).values()) for f in fragments)

    assert desk.delete_profile("person", P["id_number"]) is True
    assert desk.profile("person", P["id_number"]) is None
    assert desk.history("person", P["id_number"]) == []
    assert desk.delete_profile("person", P["id_number"]) is False
    conn = raw_conn(home)
    assert conn.execute("select count(*) from profiles where id = ?", [pid]).fetchone() == (0,)
    assert conn.execute("select count(*) from profile_versions where profile_id = ?", [pid]).fetchone() == (0,)
    conn.close()
    # before any VACUUM, with the store still open: no copy in the file, the WAL or the shared memory (on
    # PostgreSQL: in a pg_dump; the server's own files keep dead tuples until autovacuum, ciphertext only)
    for name, data in stored_bytes(home).items():
        for f in fragments:
            assert f not in data, f"erased bytes still in {name}"
    # the other people are untouched
    assert desk.profile("person", PEOPLE[1]["id_number"]) is not None
    actions = [(r["action"], r["subject"]) for r in desk.store.audit.rows()]
    assert ("deleted", f"person:{pid}") in actions
    assert desk.verify_audit().ok
    desk.close()


def _png_naming(text: str) -> bytes:
    """A real PNG (a filled form's screenshot stand-in) whose text chunk quotes personal data."""
    import io

    from PIL import Image, PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", text)
    buf = io.BytesIO()
    Image.new("RGB", (64, 32), (250, 250, 250)).save(buf, format="PNG", pnginfo=info)
    return buf.getvalue()


def _plaintexts(desk: Desk) -> list[str]:
    """Every encrypted value left in the database, decrypted (what someone with the key could still read)."""
    import base64

    s = desk.store
    out = [json.dumps(s.unseal(r["data"], f"case:{r['id']}"), ensure_ascii=False) for r in s.db["cases"].rows]
    out += [json.dumps(s.unseal(r["data"], f"run:{r['id']}"), ensure_ascii=False) for r in s.db["runs"].rows]
    out += [s.cipher.decrypt(base64.b64decode(r["message"][4:]), f"event:{r['run_id']}".encode()).decode()
            for r in s.db["run_events"].rows if r["message"]]
    out += [s.cipher.decrypt(r["data"], f"evidence:{r['id']}".encode()).decode("latin-1")
            for r in s.db["evidence"].rows]
    out += [s.cipher.decrypt(r["data"], f"document:{r['id']}".encode()).decode("latin-1")
            for r in s.db["documents"].rows]
    return out


def _blobs(conn: Any, sql: str, args: list) -> list[bytes]:
    """32-byte fragments of each ciphertext SQL selects (text columns hold base64 text: its bytes)."""
    out = []
    for (v,) in conn.execute(sql, args):
        b = v.encode() if isinstance(v, str) else v
        if b:
            out.append(b[13:45] if len(b) >= 45 else b)
    return out


def test_delete_erases_the_applicant_from_cases_runs_events_evidence_and_documents(
        home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """PIPL erasure: after ``person delete`` nothing in the file holds the person's data, in clear or
    encrypted, before and after VACUUM; what stays is a skeleton of matter, statuses and counts."""
    from clerkdesk.desk import FillOptions

    monkeypatch.setenv("CLERKDESK_NO_PLUGINS", "1")
    desk = Desk(home)
    # the clerk reads the 二代证 (keeping the chip photo), completes the record and opens a case: real rows
    read = desk.read_card("simulated", keep_image=True)
    card = {k.removeprefix("person."): v for k, v in read.values().items() if v is not None}
    person = {**card, "hukou_type": "城镇", "phone": "13912345678"}
    name, idn = person["name"], person["id_number"]
    case_fields = {"insurances": ["养老", "医疗"], "insured_from": "2026-12-01", "contribution_base": "5200"}
    result, _plan = desk.open_case(CaseRequest("person", person, ["hrss.insurance-enrollment"], case_fields), FillOptions())
    cid, rid = result.case_id, result.runs["hrss.insurance-enrollment"]
    desk.link_documents([read.document_id], case_id=cid)  # type: ignore[list-item]
    # what a run leaves: events quoting the page, a payload, evidence screenshots, a captured receipt
    runs = desk.store.runs
    runs.event(rid, 1, "fill", "succeeded", f"姓名 {name} 已填写")
    runs.event(rid, 2, "dialog", "succeeded", f"{name}（{idn}）已登记")
    runs.event(rid, 3, "submit", "started")
    runs.add_evidence(rid, 3, "提交前", _png_naming(f"{name} {idn}"))
    runs.add_evidence(rid, 4, "受理回执", _png_naming(f"回执 {name}"))
    runs.update(rid, status="succeeded", checkpoint=5, submit_state="confirmed",
                data={"captures": {"receipt": "SB2026001"}, "message": f"{name} 受理成功"})
    desk.store.cases.update(cid, status="done", result=("hrss.insurance-enrollment", {"receipt": "SB2026001"}))
    # someone else's case must survive untouched
    other = desk.save_profile("person", PEOPLE[1])[0]
    other_cid = desk.store.cases.create(matter="就业登记", applicant_kind="person", applicant_key=PEOPLE[1]["id_number"],
                                        record={"name": PEOPLE[1]["name"]}, targets=["hrss"], fields={},
                                        profile_id=other.profile_id)
    other_rid = runs.create(other_cid, "hrss.x", "hrss")
    runs.add_evidence(other_rid, 1, "x", _png_naming("other"))
    runs.event(other_rid, 1, "fill", "succeeded", f"{PEOPLE[1]['name']} 已填写")
    pid = desk.profile("person", idn).id  # type: ignore[union-attr]
    assert any(name in t for t in _plaintexts(desk)) and any(idn in t for t in _plaintexts(desk))

    conn = raw_conn(home)
    fragments = (_blobs(conn, "select data from profiles where id = ?", [pid])
                 + _blobs(conn, "select data from profile_versions where profile_id = ?", [pid])
                 + _blobs(conn, "select data from cases where id = ?", [cid])
                 + _blobs(conn, "select data from runs where id = ?", [rid])
                 + _blobs(conn, "select message from run_events where run_id = ?", [rid])
                 + _blobs(conn, "select data from evidence where run_id = ?", [rid])
                 + _blobs(conn, "select data from documents where case_id = ?", [cid]))
    conn.close()
    assert len(fragments) == 1 + 1 + 1 + 1 + 2 + 2 + 1  # profile, version, case, run, 2 events, 2 images, 证件
    assert all(any(f in data for data in stored_bytes(home).values()) for f in fragments)

    assert desk.delete_profile("person", idn) is True

    # no row refers to the person any more, and nothing decrypts to their data
    s = desk.store
    assert desk.profile("person", idn) is None
    assert s.db["documents"].count_where("case_id = ? or profile_id = ?", [cid, pid]) == 0
    assert s.db["evidence"].count_where("run_id = ?", [rid]) == 0
    assert s.db["cases"].count_where("profile_id = ?", [pid]) == 0
    for text in _plaintexts(desk):
        assert name not in text and idn not in text and "SB2026001" not in text
    # the audit skeleton: matter, statuses, which values were captured (names only), the step timeline
    case = s.cases.get(cid)
    assert (case.record, case.applicant_key, case.profile_id, case.fields, case.results) == ({}, "", None, {}, {})
    assert (case.matter, case.status, case.targets) == ("社会保险参保登记", "done", ["hrss.insurance-enrollment"])
    run = s.runs.get(rid)
    assert (run.status, run.submit_state, run.checkpoint, run.data) == ("succeeded", "confirmed", 5,
                                                                      {"captures": {}, "erased": True})
    assert [(e["step"], e["kind"], e["message"]) for e in s.runs.events(rid)] == [
        (1, "fill", ""), (2, "dialog", ""), (3, "submit", "")]
    # the other applicant keeps everything
    assert s.cases.get(other_cid).record == {"name": PEOPLE[1]["name"]}
    assert len(s.runs.evidence(other_rid)) == 1 and PEOPLE[1]["name"] in s.runs.events(other_rid)[0]["message"]
    # audited in the same transaction: what went, as ids and counts
    rows = [r for r in s.audit.rows() if r["subject"] == f"person:{pid}"]
    assert [r["action"] for r in rows][-2:] == ["deleted", "documents_erased"]
    assert json.loads(rows[-2]["detail"]) == {"cases_erased": [cid], "runs_erased": 1, "event_messages_erased": 2,
                                              "evidence_erased": 2}
    assert json.loads(rows[-1]["detail"]) == {"documents": [read.document_id]}
    assert s.audit.verify().ok

    def scan(when: str) -> None:
        for fname, data in stored_bytes(home).items():
            for secret in (name, idn):
                for enc in encodings(secret):
                    assert enc not in data, f"{when}: plaintext personal data in {fname}"
            for f in fragments:
                assert f not in data, f"{when}: erased ciphertext still in {fname}"

    scan("before VACUUM, store open")  # secure_delete zeroed the freed space; the WAL was truncated
    if not s.shared:
        s.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        s.db.execute("VACUUM")
        scan("after VACUUM")
    desk.close()
    scan("after close")


def test_credit_code_lookup_tolerates_spaces_dashes_and_case(home: Path) -> None:
    desk = Desk(home)
    e = ENTERPRISES[1]
    desk.save_profile("enterprise", e)
    code = e["uscc"]
    spaced = f"{code[:4]} {code[4:10]}-{code[10:]}".lower()
    assert desk.profile("enterprise", spaced) is not None
    assert desk.delete_profile("enterprise", spaced)
    desk.close()


@pytest.mark.sqlite_only("about the data folder's SQLite file")
def test_a_file_that_is_no_database_is_a_clear_error(home: Path) -> None:
    (home / "clerkdesk.db").write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(ConfigError, match=r"is damaged; nothing will be written to it\): file is not a database"):
        Store.open(home)
