"""The HRSS (人社) matters and their fields. Names follow the 金保工程 data dictionary style (aac003 = 姓名)."""

from __future__ import annotations

from . import codes
from .forms import (
    EMAIL,
    PERSON_NAME,
    PHONE,
    POSTCODE,
    Field,
    Matter,
    check_id_number,
    check_uscc,
    date_check,
    money_check,
)

DATE = date_check("%Y-%m-%d", "yyyy-mm-dd")
DATE_FMT = "yyyy-mm-dd，如 1990-03-07"

BASIC, JOB, CONTACT = "基本信息", "就业信息", "联系方式"
TABS = (BASIC, JOB, CONTACT)

EMPLOYMENT = Matter(
    id="employment",
    title="就业登记",
    path="/employment/new",
    fields=[
        Field(
            "aac003",
            "姓名",
            required=True,
            check=PERSON_NAME,
            fmt="2–30个汉字/字母，可含·",
            maxlength=30,
            tab=BASIC,
        ),
        Field(
            "aac004",
            "性别",
            "radio",
            required=True,
            options=codes.HRSS_SEX,
            tab=BASIC,
            hint="须与公民身份号码第17位一致",
        ),
        Field(
            "aac002",
            "公民身份号码",
            required=True,
            check=check_id_number,
            maxlength=18,
            fmt="18位，GB 11643 校验位，末位X须大写",
            tab=BASIC,
        ),
        Field(
            "aac006",
            "出生日期",
            "date",
            required=True,
            check=DATE,
            fmt=DATE_FMT,
            tab=BASIC,
            hint="须与公民身份号码一致",
        ),
        Field("aac005", "民族", "select", required=True, options=codes.HRSS_ETHNIC, tab=BASIC),
        Field("aac009", "户口性质", "select", required=True, options=codes.HRSS_HUKOU, tab=BASIC),
        Field("aac011", "文化程度", "select", required=True, options=codes.HRSS_EDUCATION, tab=BASIC),
        Field("aac017", "婚姻状况", "select", required=True, options=codes.HRSS_MARITAL, tab=BASIC),
        Field("aac024", "政治面貌", "select", options=codes.HRSS_POLITICAL, tab=BASIC),
        Field("aac033", "健康状况", "select", options=codes.HRSS_HEALTH, tab=BASIC),
        Field(
            "aac010_prov",
            "户籍地址",
            "region",
            required=True,
            region_level=1,
            tab=BASIC,
            fmt="GB/T 2260 省级代码，如 510000",
        ),
        Field(
            "aac010_city",
            "市",
            "region",
            required=True,
            region_level=2,
            tab=BASIC,
            fmt="GB/T 2260 地级代码，如 510100；选省后异步加载",
        ),
        Field(
            "aac010",
            "区县",
            "region",
            required=True,
            region_level=3,
            tab=BASIC,
            fmt="GB/T 2260 县级代码，如 510107；选市后异步加载",
        ),
        Field(
            "aac010_addr",
            "户籍详细地址",
            required=True,
            maxlength=100,
            plain_label=True,
            tab=BASIC,
            fmt="街道、门牌号，不含省市区",
        ),
        Field("aab004", "用工单位名称", required=True, maxlength=100, tab=JOB),
        Field(
            "aab998",
            "单位统一社会信用代码",
            required=True,
            check=check_uscc,
            maxlength=18,
            fmt="18位，GB 32100 校验位，字母大写",
            tab=JOB,
        ),
        Field("aab022", "单位所属行业", "select", options=codes.HRSS_INDUSTRY, tab=JOB),
        Field("aae030", "就业日期", "date", required=True, check=DATE, fmt=DATE_FMT, tab=JOB),
        Field("acc012", "合同期限", "select", required=True, options=codes.HRSS_CONTRACT_TERM, tab=JOB),
        Field("aca112", "岗位", required=True, maxlength=50, tab=JOB, fmt="岗位名称，如 会计"),
        Field("acc010", "就业形式", "select", required=True, options=codes.HRSS_EMPLOYMENT_FORM, tab=JOB),
        Field("acc011", "人员类别", "select", options=codes.HRSS_PERSON_CATEGORY, tab=JOB),
        Field(
            "aac040",
            "月工资",
            required=True,
            check=money_check(2),
            plain_label=True,
            tab=JOB,
            fmt="元，大于0，最多2位小数，如 6500 或 6500.50",
        ),
        Field(
            "acc013",
            "是否签订劳动合同",
            "checkbox",
            options=[("1", "是")],
            tab=JOB,
            fmt="勾选提交 1，不勾选为空",
        ),
        Field("acc014", "劳动合同开始日期", "date", check=DATE, fmt=DATE_FMT, tab=JOB),
        Field("acc015", "劳动合同终止日期", "date", check=DATE, fmt=DATE_FMT, tab=JOB),
        Field("aae006", "现住址", required=True, maxlength=100, tab=CONTACT, fmt="完整地址"),
        Field("aae007", "邮政编码", check=POSTCODE, plain_label=True, tab=CONTACT, fmt="6位数字"),
        Field(
            "aae005",
            "联系电话",
            required=True,
            check=PHONE,
            tab=CONTACT,
            fmt="手机号11位，或固定电话如 010-12345678",
        ),
        Field(
            "aae015",
            "电子邮箱",
            check=EMAIL,
            maxlength=60,
            tab=CONTACT,
            fmt="电子邮件地址，如 name@example.com",
        ),
        Field(
            "aae004", "紧急联系人", check=PERSON_NAME, maxlength=30, tab=CONTACT, fmt="2–30个汉字/字母，可含·"
        ),
        Field("aae004_tel", "紧急联系人电话", check=PHONE, plain_label=True, tab=CONTACT, fmt="同联系电话"),
        Field("aae013", "备注", "textarea", maxlength=200, tab=CONTACT, fmt="最多200字"),
    ],
)

INSURANCE = Matter(
    id="insurance",
    title="参保登记",
    path="/insurance/new",
    fields=[
        Field("aac003", "姓名", required=True, check=PERSON_NAME, fmt="2–30个汉字/字母，可含·", maxlength=30),
        Field(
            "aac002",
            "公民身份号码",
            required=True,
            check=check_id_number,
            maxlength=18,
            fmt="18位，GB 11643 校验位，末位X须大写",
        ),
        Field(
            "aac004",
            "性别",
            "radio",
            required=True,
            options=codes.HRSS_SEX,
            hint="须与公民身份号码第17位一致",
        ),
        Field(
            "aac006", "出生日期", "date", required=True, check=DATE, fmt=DATE_FMT, hint="须与公民身份号码一致"
        ),
        Field("aac009", "户口性质", "select", required=True, options=codes.HRSS_HUKOU),
        Field(
            "aae140",
            "参保险种",
            "checkboxes",
            required=True,
            options=codes.HRSS_INSURANCE,
            fmt="至少勾选一项；多项按页面顺序以英文逗号连接记录，如 110,310",
        ),
        Field("aae030", "参保日期", "date", required=True, check=DATE, fmt=DATE_FMT),
        Field("aae005", "联系电话", required=True, check=PHONE, fmt="手机号11位，或固定电话如 010-12345678"),
        Field(
            "aae180",
            "缴费基数",
            required=True,
            check=money_check(2),
            plain_label=True,
            fmt="元/月，大于0，最多2位小数",
        ),
    ],
)

# 人员基本信息变更: corrects what the system holds for a person (the query page shows it, hrss_query.py)
PERSON_CHANGE = Matter(
    id="person_change",
    title="人员基本信息变更",
    path="/person/change",
    fields=[
        Field("aac003", "姓名", required=True, check=PERSON_NAME, fmt="2–30个汉字/字母，可含·", maxlength=30),
        Field(
            "aac002",
            "公民身份号码",
            required=True,
            check=check_id_number,
            maxlength=18,
            fmt="18位，GB 11643 校验位，末位X须大写",
        ),
        Field("aac009", "户口性质", "select", required=True, options=codes.HRSS_HUKOU),
        Field("aae006", "现住址", required=True, maxlength=100, fmt="完整地址"),
        Field("aae005", "联系电话", required=True, check=PHONE, fmt="手机号11位，或固定电话如 010-12345678"),
        Field("aae013", "变更原因", "textarea", maxlength=200, fmt="最多200字"),
    ],
)

MATTERS = {m.id: m for m in (EMPLOYMENT, INSURANCE, PERSON_CHANGE)}
