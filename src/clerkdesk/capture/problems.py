"""Stable problem codes for document capture, with Chinese and English messages."""

from __future__ import annotations

from clerkdesk.errors import Problem

# code: (severity, zh, en). Messages never contain the citizen's values.
MESSAGES: dict[str, tuple[str, str, str]] = {
    "missing": ("error", "未识别到该项", "field not found on the document"),
    "low_confidence": ("warning", "识别置信度低，请人工核对", "low OCR confidence, please check by eye"),
    "id_format": ("error", "身份证号码格式不正确（应为17位数字加1位校验码）", "ID number is not 17 digits + check character"),
    "id_checksum": ("error", "身份证号码校验位不符", "ID number check digit (MOD 11-2) does not match"),
    "id_ambiguous": ("error", "身份证号码有多种可能的纠正，未自动纠正", "several corrections of the ID number pass; none applied"),
    "id_corrected": ("warning", "已按校验位纠正易混字符", "look-alike characters corrected; the check digit proves it"),
    "id_region_unknown": ("warning", "身份证号码前6位不是出生年份有效的行政区划代码", "first 6 digits are not a region code valid in the birth year"),
    "region_address_mismatch": ("warning", "号码中的行政区划与住址的省市不一致", "the number's region differs from the address's province/city"),
    "address_corrected": ("warning", "已按行政区划代码纠正地名中的一个误识字符", "one misread character in a region name corrected from the region code"),
    "birth_date_mismatch": ("error", "出生日期与身份证号码不一致", "birth date differs from the one in the ID number"),
    "sex_mismatch": ("error", "性别与身份证号码不一致", "sex differs from the one the ID number encodes"),
    "sex_invalid": ("error", "性别应为“男”或“女”", "sex must be 男 or 女"),
    "ethnicity_unknown": ("error", "民族不在GB 3304的56个民族中", "ethnicity is not one of the 56 groups of GB 3304"),
    "date_invalid": ("error", "日期无法识别或不存在", "date is unreadable or does not exist"),
    "valid_period_order": ("error", "有效期限的截止日期早于起始日期", "validity ends before it starts"),
    "valid_period_unusual": ("warning", "有效期限长度不是5、10或20年", "validity is not 5, 10 or 20 years"),
    "expired": ("warning", "证件已过有效期", "the document has expired"),
    "uscc_format": ("error", "统一社会信用代码格式不正确", "credit code is not 18 valid characters"),
    "uscc_checksum": ("error", "统一社会信用代码校验位不符", "credit code check character (MOD 31) does not match"),
    "uscc_org_code": ("error", "统一社会信用代码中的组织机构代码校验位不符", "embedded GB 11714 organisation code check fails"),
    "uscc_ambiguous": ("error", "统一社会信用代码有多种可能的纠正，未自动纠正", "several corrections of the credit code pass; none applied"),
    "uscc_corrected": ("warning", "已按校验位纠正易混字符", "look-alike characters corrected; the check characters prove it"),
    "uscc_region_unknown": ("warning", "统一社会信用代码中的行政区划代码不存在", "the credit code's region code is unknown"),
}


def problem(field: str, code: str) -> Problem:
    severity, zh, en = MESSAGES[code]
    return Problem(field, code, zh, en, severity=severity)
