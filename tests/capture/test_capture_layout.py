"""Label geometry on hand-made OCR boxes: the shapes justified licence labels produce (no OCR run)."""

from __future__ import annotations

from clerkdesk.capture.fields import FIELD_LABELS, LABELS
from clerkdesk.capture.layout import find_label, tokens, value_of
from clerkdesk.vision.ocr import TextBox

LIC = LABELS["license"]


def box(text: str, x0: float, y0: float, x1: float, y1: float) -> TextBox:
    return TextBox(text, 0.99, ((x0, y0), (x1, y0), (x1, y1), (x0, y1)))


def read(boxes: list[TextBox], label: str, multiline: bool = True) -> str:
    toks = tokens(boxes, LIC, lone=FIELD_LABELS["license"])
    tok = find_label(toks, label)
    assert tok is not None, label
    return value_of(toks, tok, multiline=multiline).text


def test_last_label_character_glued_to_the_value() -> None:
    # 名　　称 justified: OCR reads 名 alone and 称 glued to the company name
    boxes = [box("名", 85, 320, 118, 350), box("称阜新汇通文化传媒有限公司", 200, 321, 548, 350)]
    assert read(boxes, "名称") == "阜新汇通文化传媒有限公司"


def test_first_characters_stacked_into_one_tall_box() -> None:
    # the detector joined 名 and 类 (first characters of two rows) into one vertical "line"
    boxes = [box("名类", 85, 319, 118, 392), box("称", 200, 322, 229, 348), box("有限公司", 255, 321, 548, 350),
             box("型", 200, 359, 228, 387), box("其他有限责任公司", 256, 359, 453, 389),
             box("法定代表人", 85, 396, 231, 429), box("周志", 254, 397, 310, 429)]
    assert read(boxes, "名称") == "有限公司"
    assert read(boxes, "类型") == "其他有限责任公司"  # 法定代表人 below stops it
    assert read(boxes, "法定代表人", multiline=False) == "周志"


def test_misread_long_label_glued_to_its_value() -> None:
    boxes = [box("经营范圈组织文化艺术交流活动", 81, 611, 883, 650), box("扩印服务", 197, 650, 500, 685)]
    assert read(boxes, "经营范围") == "组织文化艺术交流活动扩印服务"


def test_glued_value_continues_at_its_own_indent() -> None:
    # "经营范围技术开发…" is one box; its split-off value starts left of where the text really starts,
    # the second line sits at the real indent (322), more than 1.5 line heights right of the estimate
    boxes = [box("经营范围技术开发、技术咨询、技术服务、技术转让", 165, 666, 1030, 694),
             box("服务；计算机系统服务", 322, 705, 1032, 735), box("关部门批准", 326, 747, 658, 773)]
    assert read(boxes, "经营范围") == "技术开发、技术咨询、技术服务、技术转让服务;计算机系统服务关部门批准"


def test_stopper_labels_are_not_anchored_by_a_lone_character() -> None:
    # a lone 号 wrapped onto the address's second line is not the 编号 stopper
    boxes = [box("住", 726, 435, 759, 466), box("所", 836, 434, 873, 467),
             box("山东省菏泽市曹县友谊巷584", 897, 436, 1206, 466), box("号", 897, 472, 926, 503)]
    assert read(boxes, "住所") == "山东省菏泽市曹县友谊巷584号"


def test_next_label_overlapping_ours_still_stops_the_field() -> None:
    # tight line spacing: 类型's box starts above the bottom of 名称's box
    boxes = [box("名称", 65, 311, 162, 346), box("郴州新创餐饮管理有限公司", 162, 311, 401, 343),
             box("类型", 64, 341, 170, 379), box("其他有限责任公司", 178, 347, 328, 373)]
    assert read(boxes, "名称") == "郴州新创餐饮管理有限公司"
