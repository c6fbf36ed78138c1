"""Synthetic applicants (fake people with valid check digits)."""

from __future__ import annotations

from clerkdesk.records.standards import id_check_digit


def id_number(body17: str) -> str:
    return body17 + id_check_digit(body17)


PERSON = {
    "name": "阿卜杜拉·买买提", "id_number": id_number("65010219900228123"), "ethnicity": "维吾尔族",
    "hukou_type": "农业", "education": "本科", "marital_status": "已婚", "hukou_region": "650102",
    "hukou_address": "新疆维吾尔自治区乌鲁木齐市天山区解放南路12号", "current_address": "四川省成都市武侯区科华北路65号",
    "phone": "13812345678",
}
EMPLOYMENT = {"employer": "成都蓉城科技有限公司", "employer_uscc": "91110000600037341L", "start_date": "2026年11月1日",
              "contract_term": "三年及以上", "post": "会计", "employment_form": "单位就业", "wage": "6500.50",
              "contract_signed": True, "postcode": "610041"}
INSURANCE = {"insurances": ["养老", "医疗"], "insured_from": "2026-12-01", "contribution_base": "5200"}

# What the HRSS log must hold for PERSON + EMPLOYMENT (the system's own codes, after mapping).
EMPLOYMENT_EXPECTED = {
    "aac003": "阿卜杜拉·买买提", "aac004": "1", "aac002": PERSON["id_number"], "aac006": "1990-02-28",
    "aac005": "5", "aac009": "1", "aac011": "21", "aac017": "2", "aac010_prov": "650000", "aac010_city": "650100",
    "aac010": "650102", "aac010_addr": "解放南路12号", "aab004": "成都蓉城科技有限公司", "aab998": "91110000600037341L",
    "aae030": "2026-11-01", "acc012": "03", "aca112": "会计", "acc010": "1", "aac040": "6500.50", "acc013": "1",
    "aae006": "四川省成都市武侯区科华北路65号", "aae005": "13812345678", "aae007": "610041",
}

ENTERPRISE = {
    "name": "成都锦官城餐饮管理有限公司", "uscc": "91110000600037341L", "entity_type": "有限责任公司",
    "registered_capital": "500", "established": "2015年6月18日", "address": "四川省成都市锦江区春熙路步行街8号",
    "business_scope": "餐饮服务；食品销售；企业管理咨询。", "phone": "028-86661234",
    "legal_rep": {"name": "欧阳娜娜", "id_number": id_number("51010719880706004")},
}
CHANGE = {"change_item": "住所变更", "before": "成都市锦江区红星路一段1号", "after": "四川省成都市锦江区春熙路步行街8号"}
CHANGE_EXPECTED = {
    "txt_01": ENTERPRISE["name"], "txt_02": "91110000600037341L", "txt_03": "1100", "txt_04": "欧阳娜娜",
    "txt_05": ENTERPRISE["legal_rep"]["id_number"], "txt_06": "500", "txt_07": "20150618",
    "txt_08": ENTERPRISE["address"], "txt_09": ENTERPRISE["business_scope"], "txt_10": "028-86661234",
    "txt_11": "02", "txt_12": CHANGE["before"], "txt_13": CHANGE["after"],
}
OPENING = {"shop_name": "买买提烤包子店", "premises": "新疆乌鲁木齐市天山区解放南路12号", "scope": "小吃服务",
           "org_form": "家庭经营", "capital": "3.5"}
OPENING_EXPECTED = {"txt_01": PERSON["name"], "txt_02": PERSON["id_number"], "txt_03": "M", "txt_04": "UG",
                    "txt_05": "买买提烤包子店", "txt_06": OPENING["premises"], "txt_07": "小吃服务", "txt_08": "2",
                    "txt_09": "3.5", "txt_10": "13812345678"}
