"""The AMR (市场监管) matters: a 2008-era table layout with names txt_01…txt_NN."""

from __future__ import annotations

from dataclasses import dataclass

from . import codes
from .forms import PERSON_NAME, PHONE, Field, Matter, check_id_number, check_uscc, date_check, money_check

DATE = date_check("%Y%m%d", "yyyymmdd（8位数字，如20080808）")


@dataclass(frozen=True)
class TableMatter(Matter):
    """A matter laid out as table rows: each row holds one or two fields (label cell + input cell)."""

    rows: tuple[tuple[str, ...], ...] = ()
    save: str = ""  # the POST action


ENTERPRISE_CHANGE = TableMatter(
    id="enterprise_change",
    title="企业变更登记",
    path="/qybg/input.jsp",
    save="/qybg/save.do",
    fields=[
        Field("txt_01", "企业名称", required=True, maxlength=100),
        Field(
            "txt_02",
            "统一社会信用代码",
            required=True,
            check=check_uscc,
            maxlength=18,
            fmt="18位，GB 32100 校验位，字母大写",
        ),
        Field("txt_03", "企业类型", "select", required=True, options=codes.AMR_ENTERPRISE_TYPE),
        Field(
            "txt_04",
            "法定代表人",
            required=True,
            check=PERSON_NAME,
            maxlength=30,
            fmt="2–30个汉字/字母，可含·",
        ),
        Field(
            "txt_05",
            "法定代表人证件号码",
            required=True,
            check=check_id_number,
            maxlength=18,
            fmt="18位居民身份证号码，GB 11643 校验位，末位X须大写",
        ),
        Field(
            "txt_06",
            "注册资本（万元）",
            required=True,
            check=money_check(6),
            fmt="万元，大于0，最多6位小数，如 50 或 12.5",
        ),
        Field(
            "txt_07",
            "成立日期",
            required=True,
            check=DATE,
            maxlength=8,
            fmt="yyyymmdd，8位数字，如 20080808（不接受 2008-08-08 或 2008年08月08日）",
        ),
        Field("txt_08", "住所", required=True, maxlength=100),
        Field("txt_09", "经营范围", "textarea", required=True, maxlength=500, fmt="最多500字"),
        Field("txt_10", "联系电话", required=True, check=PHONE, fmt="手机号11位，或固定电话如 010-12345678"),
        Field("txt_11", "变更事项", "select", required=True, options=codes.AMR_CHANGE_ITEM),
        Field("txt_12", "变更前内容", "textarea", required=True, maxlength=500, fmt="最多500字"),
        Field("txt_13", "变更后内容", "textarea", required=True, maxlength=500, fmt="最多500字"),
    ],
    rows=(
        ("txt_01", "txt_02"),
        ("txt_03", "txt_07"),
        ("txt_04", "txt_05"),
        ("txt_06", "txt_10"),
        ("txt_08",),
        ("txt_09",),
        ("txt_11",),
        ("txt_12",),
        ("txt_13",),
    ),
)

INDIVIDUAL_OPENING = TableMatter(
    id="individual_opening",
    title="个体工商户开业登记",
    path="/gtkydj/input.jsp",
    save="/gtkydj/save.do",
    fields=[
        Field(
            "txt_01",
            "经营者姓名",
            required=True,
            check=PERSON_NAME,
            maxlength=30,
            fmt="2–30个汉字/字母，可含·",
        ),
        Field(
            "txt_02",
            "身份证号",
            required=True,
            check=check_id_number,
            maxlength=18,
            fmt="18位居民身份证号码，GB 11643 校验位，末位X须大写",
        ),
        Field("txt_03", "性别", "radio", required=True, options=codes.AMR_SEX),
        Field("txt_04", "民族", "select", required=True, options=codes.AMR_ETHNIC),
        Field("txt_05", "个体户名称", maxlength=60, fmt="可不填（无字号的个体户）"),
        Field("txt_06", "经营场所", required=True, maxlength=100),
        Field("txt_07", "经营范围", "textarea", required=True, maxlength=500, fmt="最多500字"),
        Field("txt_08", "组成形式", "select", required=True, options=codes.AMR_ORG_FORM),
        Field("txt_09", "资金数额", required=True, check=money_check(4), fmt="万元，大于0，最多4位小数"),
        Field("txt_10", "联系电话", required=True, check=PHONE, fmt="手机号11位，或固定电话如 010-12345678"),
    ],
    rows=(
        ("txt_01", "txt_02"),
        ("txt_03", "txt_04"),
        ("txt_05", "txt_08"),
        ("txt_06",),
        ("txt_07",),
        ("txt_09", "txt_10"),
    ),
)

MATTERS = {m.id: m for m in (ENTERPRISE_CHANGE, INDIVIDUAL_OPENING)}
