from __future__ import annotations

import json
from pathlib import Path

from clerkdesk.capture.model import FIELDS, KINDS
from clerkdesk.testing import synth


def test_same_seed_same_image_and_truth() -> None:
    a, ma = synth.make_sample("idcard-front", 5, degrade=True)
    b, mb = synth.make_sample("idcard-front", 5, degrade=True)
    assert (a == b).all() and ma == mb


def test_front_and_back_of_one_seed_are_one_person() -> None:
    _, front = synth.make_sample("idcard-front", 9)
    _, back = synth.make_sample("idcard-back", 9)
    assert front["truth"]["id_number"][:6] and back["truth"]["issuing_authority"]
    assert set(front["truth"]) == set(FIELDS["idcard-front"])
    assert set(back["truth"]) == set(FIELDS["idcard-back"])


def test_cli_writes_images_and_ground_truth(tmp_path: Path) -> None:
    assert synth.main(["--out", str(tmp_path), "--n", "1", "--seed", "3", "--degrade"]) == 0
    for kind in KINDS:
        meta = json.loads((tmp_path / f"0000-{kind}.json").read_text(encoding="utf-8"))
        assert meta["specimen"] is True and meta["kind"] == kind
        assert (tmp_path / meta["image"]).is_file() and meta["image"].endswith(".jpg")
        assert "rotation" in meta["degrade"]


def test_heldout_style_differs() -> None:
    a, _ = synth.make_sample("license", 4)
    b, _ = synth.make_sample("license", 4, style="heldout")
    assert a.shape == b.shape and (a != b).mean() > 0.2
