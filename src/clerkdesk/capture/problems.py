"""Problem codes of reading a document (missing, low confidence, look-alike repair, cross-checks), with Chinese
and English messages.

The rules of the numbers themselves (GB 11643 check digit, region code, GB 32100 / GB 11714 check characters,
authority and entity type) are :mod:`clerkdesk.records.standards`'s, reported with its codes (``ID_CHECKSUM``,
``USCC_ORG_CHECKSUM`` …) exactly as ``clerkdesk check`` reports them; this catalogue holds only what is
capture's own. Severity ``info`` is a note (a proven value replaced what the card showed): it neither blocks
nor makes the field doubtful.
"""

from __future__ import annotations

from clerkdesk.errors import Problem

# code: (severity, zh, en). Messages never contain the citizen's values.
MESSAGES: dict[str, tuple[str, str, str]] = {
    "missing": ("error", "未识别到该项", "field not found on the document"),
    "low_confidence": ("warning", "识别置信度低，请人工核对", "low OCR confidence, please check by eye"),
    "id_ambiguous": ("error", "身份证号码有多种可能的纠正，未自动纠正", "several corrections of the ID number pass; none applied"),
    "id_corrected": ("warning", "已按校验位纠正易混字符", "look-alike characters corrected; the check digit proves it"),
    "region_address_mismatch": ("warning", "号码中的行政区划与住址的省市不一致", "the number's region differs from the address's province/city"),
    "birth_date_mismatch": ("error", "出生日期与身份证号码不一致", "birth date differs from the one in the ID number"),
    "sex_mismatch": ("error", "性别与身份证号码不一致", "sex differs from the one the ID number encodes"),
    "birth_date_from_number": ("info", "出生日期取自校验通过的身份证号码；卡面读数不同或未读出，已作为备注保留",
                               "birth date taken from the checksum-proven ID number; the card's reading is kept as a note"),
    "sex_from_number": ("info", "性别取自校验通过的身份证号码；卡面读数不同或未读出，已作为备注保留",
                        "sex taken from the checksum-proven ID number; the card's reading is kept as a note"),
    "no_document": ("error", "图像中没有找到所选类型的证件（未读到该证件的项目名称），请检查图像和证件类型",
                    "no document of the chosen kind found in this image (its field labels were not read); check the image and the kind"),
    "address_corrected": ("warning", "已按行政区划代码纠正地名中的一个误识字符", "one misread character in a region name corrected from the region code"),
    "authority_corrected": ("warning", "已按行政区划名称纠正签发机关地名中的一个误识字符，请核对",
                            "one misread character in the issuing authority's place corrected from the region "
                            "names; check it"),
    "authority_place_unknown": ("warning", "签发机关中的地名不是任何行政区划名称，请核对（可能有误识字）",
                                "the place in the issuing authority is no region's name; check it (a misread character?)"),
    "authority_has_digits": ("warning", "签发机关中含有数字（可能混入了有效期限），请核对",
                             "the issuing authority contains digits (the validity period read into it?); check it"),
    "label_in_value": ("warning", "识别结果中混入了其他项目的名称，请核对该项",
                       "another field's label was read into this value; check it"),
    "address_region_unknown": ("warning", "住址开头的省、市、区县名称不是任何行政区划名称，请核对（可能有误识字）",
                               "the province, city or county at the start of the address is no region's name; check it"),
    "scope_corrected": ("warning", "已按固定表述恢复经营范围末尾的说明句（其中有误识字符），请核对",
                        "the business scope's fixed closing sentence, misread, restored from its known text; check it"),
    "scope_colon": ("warning", "经营范围中有冒号不在“许可项目/一般项目”之后（可能是误识的分号），请核对",
                    "a colon in the business scope outside 许可项目/一般项目 (a misread semicolon?); check it"),
    "traditional_character": ("warning", "识别结果含有繁体字形（证照以简化字印制，可能是误识），请核对",
                              "the reading holds a traditional character form (the document is printed in "
                              "simplified characters: a misreading?); check it"),
    "sex_invalid": ("error", "性别应为“男”或“女”", "sex must be 男 or 女"),
    "unexpected_characters": ("warning", "识别结果含有该项不应有的字符（已去除），请人工核对",
                              "the reading had characters this field cannot contain (removed); please check by eye"),
    "ethnicity_unknown": ("error", "民族不在GB 3304的56个民族中", "ethnicity is not one of the 56 groups of GB 3304"),
    "date_invalid": ("error", "日期无法识别或不存在", "date is unreadable or does not exist"),
    "valid_period_order": ("error", "有效期限的截止日期早于起始日期", "validity ends before it starts"),
    "valid_period_unusual": ("warning", "有效期限长度不是5、10或20年", "validity is not 5, 10 or 20 years"),
    "expired": ("warning", "证件已过有效期", "the document has expired"),
    "uscc_ambiguous": ("error", "统一社会信用代码有多种可能的纠正，未自动纠正", "several corrections of the credit code pass; none applied"),
    "uscc_corrected": ("warning", "已按校验位纠正易混字符", "look-alike characters corrected; the check characters prove it"),
}


def problem(field: str, code: str) -> Problem:
    severity, zh, en = MESSAGES[code]
    return Problem(field, code, zh, en, severity=severity)
