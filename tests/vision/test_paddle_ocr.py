"""The ``paddle`` OCR backend for real: the rapidocr wheel's PP-OCR models converted with x2paddle and run on
Paddle Inference, on the same rendered screens as the rapidocr tests (tests/vision/test_ocr.py).

The engine tests need the ``paddle`` extra (paddlepaddle, x2paddle, onnx<1.17) and skip, saying so, only when
it is not installed. The models come from ``scripts/paddle_models.py`` (setup.sh runs it); when the default
folder is missing or stale the session fixture converts them into a temporary folder (about a minute)."""

from __future__ import annotations

import importlib.util
import json
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from _vision_helpers import render

from clerkdesk.errors import ConfigError
from clerkdesk.vision.ocr import OcrEngine, detect, get_engine, read_line
from clerkdesk.vision.ocr_paddle_models import MANIFEST, default_models_dir, is_current

pytestmark = pytest.mark.ocr

ROOT = Path(__file__).resolve().parents[2]
NO_PADDLE = importlib.util.find_spec("paddle") is None
needs_paddle = pytest.mark.skipif(
    NO_PADDLE, reason="the paddle extra is not installed (pip install 'clerkdesk[paddle]', then "
    "python scripts/paddle_models.py; docs/desktop.md, 'PaddleOCR backend')")

SCREEN = [(10, 10, "姓名：欧阳娜娜"), (10, 50, "户籍地址：北京市海淀区中关村大街27号"),
          (330, 10, "性别：女"), (10, 90, "统一社会信用代码：91350100M000100Y43")]
SCREEN_TEXTS = ["姓名：欧阳娜娜", "性别：女", "户籍地址：北京市海淀区中关村大街27号",
                "统一社会信用代码：91350100M000100Y43"]


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if NO_PADDLE:
        pytest.skip("the paddle extra is not installed")
    from clerkdesk.vision.ocr_paddle_models import convert

    folder = default_models_dir()
    return folder if is_current(folder) else convert(tmp_path_factory.mktemp("paddle-models"))


@pytest.fixture(scope="module")
def engine(models: Path) -> OcrEngine:
    from clerkdesk.vision.ocr_paddle import PaddleOcrEngine

    eng = PaddleOcrEngine(models=models)
    eng.warm_up()
    return eng


@needs_paddle
def test_reads_chinese_labels_and_values_in_reading_order(engine: OcrEngine) -> None:
    boxes = engine.read(render(SCREEN))
    assert [b.text for b in boxes] == SCREEN_TEXTS
    assert all(b.score > 0.8 for b in boxes)
    x0, y0, x1, _y1 = boxes[0].bbox
    assert 5 <= x0 <= 15 and 5 <= y0 <= 15 and x1 > 60


@needs_paddle
def test_runs_on_paddle_and_reads_what_rapidocr_reads(engine: OcrEngine) -> None:
    from clerkdesk.vision.ocr_paddle import PaddleSession
    from clerkdesk.vision.rapidocr_engine import RapidOcrEngine

    ocr = engine._ocr  # type: ignore[attr-defined]
    assert all(isinstance(s.session, PaddleSession) for s in (ocr.text_det, ocr.text_rec, ocr.text_cls))
    img = render([*SCREEN, (330, 130, "受理号：GJJ2026112000017")], rects=[(400, 160, 620, 184)])
    ours = engine.read_screen(img)  # type: ignore[attr-defined]
    theirs = RapidOcrEngine().read_screen(img)
    assert [b.text for b in ours] == [b.text for b in theirs]
    for a, b in zip(ours, theirs, strict=True):
        assert max(abs(p - q) for p, q in zip(a.bbox, b.bbox, strict=True)) <= 1
        assert abs(a.score - b.score) < 0.01


@needs_paddle
def test_field_crop_batch_and_detection(engine: OcrEngine) -> None:
    img = render([(6, 4, "北京市朝阳区建国路88号")], size=(220, 26))
    text, score = read_line(engine, img)
    assert text == "北京市朝阳区建国路88号" and score > 0.8
    assert len(detect(engine, img)) == 1
    screen = render(SCREEN)
    quads = [((x0, y0), (x1, y0), (x1, y1), (x0, y1)) for x0, y0, x1, y1 in detect(engine, screen)]
    batch = engine.recognize(screen, quads)  # type: ignore[attr-defined]
    assert [b.text for b in batch] == SCREEN_TEXTS


@needs_paddle
def test_blank_image_reads_nothing(engine: OcrEngine) -> None:
    assert engine.read(np.full((60, 200, 3), 240, np.uint8)) == []


@needs_paddle
def test_get_engine_paddle_loads_without_network(models: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from clerkdesk.vision.ocr_paddle import PaddleOcrEngine

    def refuse(*args: object, **kw: object) -> None:
        raise AssertionError(f"network access attempted: {args[1:]}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setenv("CLERKDESK_PADDLE_MODELS", str(models))
    eng = get_engine("paddle")
    assert isinstance(eng, PaddleOcrEngine) and eng.name == "paddle"
    assert [b.text for b in eng.read(render([(10, 10, "受理编号")], size=(160, 40)))] == ["受理编号"]
    assert {p.parent for p in eng.models.values()} == {models}


@needs_paddle
@pytest.mark.slow
def test_paddleocr_pipeline_reads_the_converted_models(models: Path) -> None:
    if importlib.util.find_spec("paddleocr") is None:
        pytest.skip("paddleocr (PaddleOCR's own pipeline) is not installed; the paddle backend does not need it")
    from clerkdesk.vision.ocr_paddle import PaddleOcrPipelineEngine

    boxes = PaddleOcrPipelineEngine(models=models).read(render(SCREEN))
    assert [b.text for b in boxes] == SCREEN_TEXTS


# --- without the extra: clear errors ------------------------------------------------------------------


def test_missing_models_say_how_to_make_them(tmp_path: Path) -> None:
    from clerkdesk.vision.ocr_paddle import models_ready

    with pytest.raises(ConfigError, match=r"scripts/paddle_models\.py"):
        models_ready(tmp_path / "nowhere")
    (tmp_path / MANIFEST).write_text(json.dumps({"format": 0, "sources": {}}), encoding="utf-8")
    assert not is_current(tmp_path)


def test_the_paddle_backend_names_the_extra_when_paddle_is_missing() -> None:
    if not NO_PADDLE:
        pytest.skip("paddle is installed here (the engine tests above run instead)")
    from clerkdesk.vision.ocr_paddle import PaddleOcrEngine

    with pytest.raises(ConfigError, match=r"clerkdesk\[paddle\]"):
        PaddleOcrEngine().read(np.zeros((20, 20, 3), np.uint8))


def test_conversion_script_names_what_to_install(tmp_path: Path) -> None:
    if importlib.util.find_spec("x2paddle") and importlib.util.find_spec("onnx"):
        import onnx

        if hasattr(onnx, "mapping"):
            pytest.skip("x2paddle and a compatible onnx are installed here (the models are made for real)")
    proc = subprocess.run([sys.executable, str(ROOT / "scripts/paddle_models.py"), "--out", str(tmp_path / "m")],
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 2, proc.stderr
    assert "clerkdesk[paddle]" in proc.stderr or "onnx>=1.16,<1.17" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "m").exists()
