"""The application layer of 读取证件: Desk.read_document / read_card → canonical record fields, audit, evidence."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from clerkdesk.capture.specimen import specimen_card
from clerkdesk.desk import Desk
from clerkdesk.desk.documents import build, newest_image
from clerkdesk.errors import Problem
from clerkdesk.records import codes
from clerkdesk.testing.synth import make_sample, write_sample


@pytest.fixture
def desk(home: Path) -> Iterator[Desk]:
    d = Desk(home, clerk="tester")
    yield d
    d.close()


def _audit(desk: Desk) -> list[dict[str, str]]:
    return list(desk.store.db["audit"].rows_where("action like 'document_%'", order_by="id"))


@pytest.mark.ocr
def test_id_card_front_comes_back_canonical_and_nothing_is_kept(desk: Desk, tmp_path: Path) -> None:
    arr, meta = make_sample("idcard-front", 101)
    path = write_sample(tmp_path, "scan-of-applicant", arr, meta, jpeg=False)
    truth = meta["truth"]
    read = desk.read_document(path, "idcard-front")
    assert read.ok, read.problems
    assert read.values() == {
        "person.name": truth["name"], "person.sex": codes.table("sex").resolve(truth["sex"]),
        "person.ethnicity": codes.table("ethnicity").resolve(truth["ethnicity"] + "族"),
        "person.birth_date": truth["birth_date"], "person.hukou_address": truth["address"],
        "person.id_number": truth["id_number"],
    }
    assert read.values()["person.sex"] in ("1", "2")
    assert read.fields["person.sex"].text == truth["sex"]  # as printed, beside the code
    assert read.doubtful == []
    assert read.document_id is None and desk.store.db["documents"].count == 0  # PIPL: not kept unless asked
    [row] = _audit(desk)
    assert row["action"] == "document_read" and row["subject"] == "document"
    detail = json.loads(row["detail"])
    assert detail["kind"] == "idcard-front" and detail["kept"] is False
    assert truth["name"] not in row["detail"] and truth["id_number"] not in row["detail"]
    assert "scan-of-applicant" not in row["detail"]  # nor the file name


@pytest.mark.ocr
def test_licence_maps_type_and_capital_and_keeps_the_image_only_when_asked(desk: Desk, tmp_path: Path) -> None:
    arr, meta = make_sample("license", 102)  # 股份有限公司(非上市、自然人投资或控股), 贰仟零伍拾万元整
    path = write_sample(tmp_path, "licence", arr, meta, jpeg=False)
    truth = meta["truth"]
    read = desk.read_document(path, "license", keep_image=True)
    v = read.values()
    assert v["enterprise.uscc"] == truth["uscc"] and v["enterprise.name"] == truth["name"]
    assert v["enterprise.legal_rep.name"] == truth["legal_rep"]
    assert v["enterprise.entity_type"] == "jsc"
    assert v["enterprise.registered_capital"] == "2050"  # 万元, as the record wants
    assert v["enterprise.established"] == truth["established"]
    assert read.fields["enterprise.entity_type"].text == truth["entity_type"]
    assert read.document_id is not None
    raw = desk.store.db["documents"].get(read.document_id)
    assert raw["data"] and path.read_bytes()[:8] not in raw["data"]  # encrypted at rest
    assert desk.document_image(read.document_id) == path.read_bytes()
    desk.link_documents([read.document_id], case_id="C1")
    assert [d["id"] for d in desk.documents.kept("C1")] == [read.document_id]
    assert [r["action"] for r in _audit(desk)] == ["document_read", "document_viewed", "document_linked"]
    assert truth["uscc"] not in json.dumps(_audit(desk), ensure_ascii=False)


def test_card_reader_fields_are_canonical_and_the_photo_kept_only_when_asked(desk: Desk,
                                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLERKDESK_NO_PLUGINS", "1")
    card = specimen_card(0)  # what SimulatedReader(seed=0) carries
    read = desk.read_card("simulated")
    assert read.kind == "idcard" and read.source == "reader:simulated" and read.ok
    assert read.values()["person.id_number"] == card["id_number"]
    assert read.values()["person.sex"] == ("1" if card["sex"] == "男" else "2")
    assert read.values()["person.id_valid_from"] == card["valid_from"]
    assert read.values()["person.id_valid_to"] == card["valid_to"]
    assert read.doubtful == [] and desk.store.db["documents"].count == 0
    kept = desk.read_card("simulated", keep_image=True)
    assert kept.document_id is not None and desk.document_image(kept.document_id)[:4] == b"\x89PNG"


def test_unresolved_values_are_kept_as_read_and_doubtful() -> None:
    raw = {"entity_type": ("其他有限责任公司", 0.99, ()), "registered_capital": ("约五百万", 0.99, ()),
           "uscc": ("91110000600037341L", 0.5, ()), "name": ("某某公司", 0.97, ())}
    read = build("license", "file", raw, [Problem("uscc", "USCC_CHECKSUM", "统一社会信用代码校验码错误", "check character wrong")])
    f = read.fields
    assert f["enterprise.entity_type"].value == "其他有限责任公司" and f["enterprise.entity_type"].doubtful
    assert "unresolved" in f["enterprise.entity_type"].reasons
    assert f["enterprise.registered_capital"].value == "约五百万" and f["enterprise.registered_capital"].doubtful
    assert f["enterprise.uscc"].reasons == ("USCC_CHECKSUM", "low_confidence")
    assert not f["enterprise.name"].doubtful
    assert read.problems[0].field == "enterprise.uscc" and not read.ok


def test_newest_image_in_a_scan_folder(tmp_path: Path) -> None:
    assert newest_image(tmp_path / "missing") is None
    (tmp_path / "notes.txt").write_text("x")
    assert newest_image(tmp_path) is None
    old, new = tmp_path / "a.png", tmp_path / "b.JPG"
    old.write_bytes(b"1")
    new.write_bytes(b"2")
    os.utime(old, (1_000_000, 1_000_000))
    assert newest_image(tmp_path) == new


def test_erasing_the_profile_erases_its_kept_document_images(desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLERKDESK_NO_PLUGINS", "1")
    read = desk.read_card("simulated", keep_image=True)
    record = {k.removeprefix("person."): v for k, v in read.values().items() if v is not None}
    saved, _warnings = desk.save_profile("person", record)
    assert read.document_id is not None
    desk.link_documents([read.document_id], profile_id=saved.profile_id)
    assert desk.store.db["documents"].count == 1
    assert desk.delete_profile("person", record["id_number"])
    assert desk.store.db["documents"].count == 0
    assert "documents_erased" in [r["action"] for r in _audit(desk)]


def test_a_bad_file_is_a_clear_error_in_the_app_layer_and_nothing_is_stored(desk: Desk, tmp_path: Path) -> None:
    from clerkdesk.capture.imagefile import ImageFileError
    from clerkdesk.errors import ClerkDeskError

    empty = tmp_path / "张三-身份证.jpg"
    empty.write_bytes(b"")
    with pytest.raises(ImageFileError, match="empty") as e:
        desk.read_document(empty, "idcard-front", keep_image=True)
    assert isinstance(e.value, ClerkDeskError)  # the app shows str(e) (ui.errors.message_of), no traceback
    assert "张三" not in str(e.value)
    assert desk.store.db["documents"].count == 0
