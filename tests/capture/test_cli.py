"""``clerkdesk capture``: output and exit codes, through CliRunner and as a subprocess."""

from __future__ import annotations

import dataclasses
import json
import random
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from clerkdesk.cli.capture import capture
from clerkdesk.testing.fake import fake_person
from clerkdesk.testing.render import MAIN, render_idcard_front
from clerkdesk.testing.synth import make_sample, write_sample

pytestmark = pytest.mark.ocr


@pytest.fixture(autouse=True)
def _data_folder(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``capture`` reads through Desk, which audits each read in the data folder: a fresh one per test."""
    monkeypatch.setenv("CLERKDESK_HOME", str(home))


@pytest.fixture(scope="module")
def images(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("capture-cli")
    front, meta = make_sample("idcard-front", 101)
    back, bmeta = make_sample("idcard-back", 101)
    person = fake_person(random.Random(7))
    bad = dataclasses.replace(person, id_number=person.id_number[:17] + ("1" if person.id_number[17] != "1" else "2"))
    bad_path = d / "bad.png"
    render_idcard_front(bad, MAIN, random.Random(7)).save(bad_path)
    (d / "not-an-image.png").write_text("hello")
    Image.new("RGB", (400, 250), (255, 255, 255)).save(d / "blank.png")
    return {
        "front": write_sample(d, "front", front, meta, jpeg=False),
        "back": write_sample(d, "back", back, bmeta, jpeg=False),
        "bad": bad_path,
        "text": d / "not-an-image.png",
        "blank": d / "blank.png",
    }


def test_clean_front_exits_0_and_prints_fields(images: dict[str, Path]) -> None:
    res = CliRunner().invoke(capture, ["--kind", "idcard-front", str(images["front"])])
    truth = json.loads(images["front"].with_suffix(".json").read_text(encoding="utf-8"))["truth"]
    assert res.exit_code == 0, res.output
    assert truth["id_number"] in res.output and truth["name"] in res.output
    assert res.output.rstrip().endswith("OK")


def test_json_output(images: dict[str, Path]) -> None:
    res = CliRunner().invoke(capture, ["--kind", "idcard-front", "--json", str(images["front"])])
    assert res.exit_code == 0
    data = json.loads(res.output)
    assert data["ok"] is True and data["kind"] == "idcard-front"
    assert set(data["fields"]) == {"name", "sex", "ethnicity", "birth_date", "address", "id_number"}
    assert 0 < data["fields"]["name"]["confidence"] <= 1


def test_failed_check_exits_1(images: dict[str, Path]) -> None:
    res = CliRunner().invoke(capture, ["--kind", "idcard-front", "--json", str(images["bad"])])
    assert res.exit_code == 1
    assert "ID_CHECKSUM" in {p["code"] for p in json.loads(res.output)["problems"]}


def test_no_document_in_the_image_exits_2_with_one_clear_problem(images: dict[str, Path]) -> None:
    res = CliRunner().invoke(capture, ["--kind", "license", str(images["blank"])])
    assert res.exit_code == 2
    assert "[no_document]" in res.output and "[missing]" not in res.output


def test_bad_input_exits_2(images: dict[str, Path]) -> None:
    res = CliRunner().invoke(capture, ["--kind", "license", str(images["text"])])
    assert res.exit_code == 2 and "not an image" in res.output
    res = CliRunner().invoke(capture, ["--kind", "passport", str(images["front"])])
    assert res.exit_code == 2


def test_a_read_is_audited_through_the_desk_without_values(images: dict[str, Path], home: Path) -> None:
    from clerkdesk.cli import main
    from clerkdesk.desk import Desk

    res = CliRunner().invoke(main, ["--home", str(home), "capture", "--kind", "idcard-front", str(images["front"])])
    assert res.exit_code == 0, res.output
    truth = json.loads(images["front"].with_suffix(".json").read_text(encoding="utf-8"))["truth"]
    desk = Desk(home)
    rows = [r for r in desk.store.audit.rows() if r["action"] == "document_read"]
    desk.close()
    assert len(rows) == 1 and rows[0]["subject"] == "document"
    detail = json.loads(rows[0]["detail"])
    assert detail == {"kind": "idcard-front", "source": "file", "fields": detail["fields"],
                      "doubtful": detail["doubtful"], "kept": False}
    assert "id_number" in detail["fields"]
    assert truth["id_number"] not in rows[0]["detail"] and truth["name"] not in rows[0]["detail"]
    assert images["front"].name not in rows[0]["detail"]  # nor the file name


def test_as_a_subprocess(images: dict[str, Path]) -> None:
    code = "from clerkdesk.cli.capture import capture; capture()"
    ok = subprocess.run([sys.executable, "-c", code, "--kind", "idcard-back", str(images["back"])],
                        capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0, ok.stderr
    assert "valid_from" in ok.stdout
    bad = subprocess.run([sys.executable, "-c", code, "--kind", "idcard-front", str(images["bad"])],
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 1
