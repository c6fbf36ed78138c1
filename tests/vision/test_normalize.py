from __future__ import annotations

from clerkdesk.vision.normalize import (
    digits,
    label_score,
    levenshtein,
    matches,
    norm,
    norm_value,
    same_value,
    to_halfwidth,
)


def test_halfwidth_colons_spaces_and_trailing_colon() -> None:
    assert to_halfwidth("ＡＢＣ１２３：　") == "ABC123: "
    assert norm(" 联系 电话 ： ") == "联系电话"
    assert norm("*姓名:") == "姓名"
    assert norm("个人账号∶") == "个人账号"
    assert norm_value("北京市 朝阳区 ８８号") == "北京市朝阳区88号"


def test_label_score_prefers_exact_and_rejects_other_labels() -> None:
    assert label_score("姓名", "姓名：") == 1.0
    assert label_score("姓名", "姓名：张三") == 0.97
    assert label_score("出生日期", "出生日明") == 0.75  # one misread character in four
    assert not matches("地址", "户籍地址")  # never a different, longer label
    assert not matches("姓名", "姓名拼音")
    assert matches("个人账号：", "个人帐号")
    assert matches("身份证号", "身份证号:", exact=True)
    assert not matches("身份证号", "身份证号码", exact=True)


def test_levenshtein() -> None:
    assert levenshtein("", "abc") == 3
    assert levenshtein("户籍地址", "户籍地扯") == 1


def test_masked_values_compare_digits() -> None:
    assert digits("2024年01月05日") == "20240105"
    assert same_value("1990-05-17", "1990/05/17", masked=True)
    assert not same_value("1990-05-17", "1990-05-18", masked=True)
    assert same_value("张三", " 张 三 ")
