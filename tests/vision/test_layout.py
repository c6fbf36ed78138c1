"""Label → input box by OCR and image analysis, on rendered forms (real OCR)."""

from __future__ import annotations

import io

import numpy as np
import pytest
from _vision_helpers import render
from PIL import Image

from clerkdesk.vision import layout
from clerkdesk.vision.layout import NotFound
from clerkdesk.vision.ocr import get_engine

pytestmark = pytest.mark.ocr


@pytest.fixture(scope="module")
def form() -> tuple[np.ndarray, list]:
    img = render(
        [(20, 24, "姓名："), (20, 64, "身份证号："), (360, 24, "性别："), (20, 110, "户籍地址"),
         (20, 200, "联系电话："), (360, 200, "联系电话：")],
        size=(700, 260),
        rects=[(110, 18, 300, 44), (110, 58, 300, 84), (420, 18, 600, 44), (20, 132, 500, 158),
               (110, 194, 300, 220), (450, 194, 650, 220)],
    )
    return img, get_engine().read(img)


def test_label_finds_input_to_the_right(form: tuple[np.ndarray, list]) -> None:
    img, boxes = form
    b, score = layout.find_label(boxes, "姓名")
    assert score == 1.0
    box, side = layout.input_beside(img, layout.box_rect(b))
    assert side == "right" and abs(box.x0 - 110) <= 2 and abs(box.x1 - 301) <= 2
    b, _ = layout.find_label(boxes, "性别")
    box, _ = layout.input_beside(img, layout.box_rect(b))
    assert abs(box.x0 - 420) <= 2  # its own box, not the one of the left column


def test_label_finds_input_below(form: tuple[np.ndarray, list]) -> None:
    img, boxes = form
    b, _ = layout.find_label(boxes, "户籍地址")
    box, side = layout.input_beside(img, layout.box_rect(b))
    assert side == "below" and abs(box.y0 - 132) <= 2


def test_ambiguous_label_needs_nth_or_within(form: tuple[np.ndarray, list]) -> None:
    img, boxes = form
    with pytest.raises(NotFound, match="ambiguous"):
        layout.find_label(boxes, "联系电话")
    second, _ = layout.find_label(boxes, "联系电话", nth=1)
    assert second.bbox[0] > 300
    right_half = layout.parse_within("0.5,0,1,1", img.shape[1], img.shape[0])
    b, _ = layout.find_label(boxes, "联系电话", within=right_half)
    assert b.bbox == second.bbox


def test_missing_label_lists_near_misses(form: tuple[np.ndarray, list]) -> None:
    _, boxes = form
    with pytest.raises(NotFound) as e:
        layout.find_label(boxes, "民族")
    assert "no text matching label '民族'" in str(e.value)
    assert any("nearest OCR texts" in t for t in e.value.tried)


def test_text_inside_a_longer_box() -> None:
    img = render([(8, 6, "文件  编辑  业务办理  帮助")], size=(400, 30))
    boxes = get_engine().read(img)
    m = layout.find_text(boxes, "业务办理")
    whole = layout.box_rect(boxes[0])
    assert whole.x0 + whole.width * 0.3 < m.point[0] < whole.x0 + whole.width * 0.8


def test_image_template(tmp_path) -> None:  # type: ignore[no-untyped-def]
    img = render([(60, 40, "查询")], size=(300, 120), rects=[(50, 30, 110, 64)])
    Image.fromarray(img[30:65, 50:111]).save(tmp_path / "btn.png")
    m = layout.find_image(img, tmp_path / "btn.png")
    assert abs(m.target.x0 - 50) <= 1 and abs(m.target.y0 - 30) <= 1
    with pytest.raises(NotFound, match="does not exist"):
        layout.find_image(img, tmp_path / "nope.png")


def test_annotate_draws_every_box(form: tuple[np.ndarray, list]) -> None:
    img, boxes = form
    png = layout.annotate(img, boxes, [layout.box_rect(boxes[0])], note="test")
    out = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))
    assert out.shape == img.shape
    blue = (out[:, :, 2] > 200) & (out[:, :, 0] < 60)
    assert blue.sum() > 100


def test_bad_within() -> None:
    with pytest.raises(NotFound, match="bad within"):
        layout.parse_within("0.5,0.5", 100, 100)
