"""The real PP-OCR models (bundled in the rapidocr wheel) read known Chinese text."""

from __future__ import annotations

import socket

import numpy as np
import pytest
from _vision_helpers import render

from clerkdesk.errors import ConfigError
from clerkdesk.vision.ocr import OcrEngine, TextBox, detect, get_engine, read_line, sort_reading_order

pytestmark = pytest.mark.ocr


def test_reads_known_chinese_text_in_reading_order() -> None:
    img = render([(10, 10, "姓名：欧阳娜娜"), (10, 50, "户籍地址：北京市海淀区中关村大街27号"),
                  (330, 10, "性别：女"), (10, 90, "统一社会信用代码：91350100M000100Y43")])
    eng = get_engine()
    assert isinstance(eng, OcrEngine)
    boxes = eng.read(img)
    texts = [b.text for b in boxes]
    assert texts == ["姓名：欧阳娜娜", "性别：女", "户籍地址：北京市海淀区中关村大街27号",
                     "统一社会信用代码：91350100M000100Y43"]
    assert all(b.score > 0.8 for b in boxes)
    x0, y0, x1, _y1 = boxes[0].bbox
    assert 5 <= x0 <= 15 and 5 <= y0 <= 15 and x1 > 60


def test_read_line_and_detect() -> None:
    img = render([(6, 4, "北京市朝阳区建国路88号")], size=(220, 26))
    text, score = read_line(get_engine(), img)
    assert text == "北京市朝阳区建国路88号" and score > 0.8
    assert len(detect(get_engine(), img)) == 1


def test_blank_image_reads_nothing() -> None:
    assert get_engine().read(np.full((60, 200, 3), 240, np.uint8)) == []


def test_engine_is_shared_and_backend_chosen_by_env(monkeypatch: pytest.MonkeyPatch) -> None:
    assert get_engine() is get_engine("rapidocr")
    monkeypatch.setenv("CLERKDESK_OCR", "rapidocr")
    assert get_engine() is get_engine("rapidocr")
    monkeypatch.setenv("CLERKDESK_OCR", "tesseract")
    with pytest.raises(ConfigError, match="unknown OCR backend 'tesseract'"):
        get_engine()


def test_paddle_backend_names_the_extra_when_missing() -> None:
    try:
        import paddle  # noqa: F401
    except ImportError:
        pass
    else:
        pytest.skip("paddle is installed here")
    with pytest.raises(ConfigError, match=r"clerkdesk\[paddle\]"):
        get_engine("paddle").read(np.zeros((20, 20, 3), np.uint8))


def test_models_load_without_network(monkeypatch: pytest.MonkeyPatch) -> None:
    from clerkdesk.vision.rapidocr_engine import RapidOcrEngine

    def refuse(*args: object, **kw: object) -> None:
        raise AssertionError(f"network access attempted: {args[1:]}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    eng = RapidOcrEngine()  # a fresh engine: loads all three sessions now
    eng.warm_up()
    assert [b.text for b in eng.read(render([(10, 10, "受理编号")], size=(160, 40)))] == ["受理编号"]
    assert {p.name for p in eng.models.values()} == {
        "PP-OCRv6_det_small.onnx", "PP-OCRv6_rec_small.onnx", "ch_ppocr_mobile_v2.0_cls_mobile.onnx"}


def test_sort_reading_order_groups_lines() -> None:
    def tb(t: str, x: float, y: float) -> TextBox:
        return TextBox(t, 1.0, ((x, y), (x + 30, y), (x + 30, y + 14), (x, y + 14)))

    boxes = [tb("c", 10, 40), tb("b", 200, 12), tb("a", 10, 10)]
    assert [b.text for b in sort_reading_order(boxes)] == ["a", "b", "c"]
