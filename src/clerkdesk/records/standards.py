"""National standards for the values clerks type, with stable error codes.

Each checker returns the normalised value (or derived facts) and a list of
``Problem``s with a stable code and a Chinese and English message. Messages
never repeat the value itself, so they are safe to log.

Check digits come from python-stdnum; we add what it lacks: 15→18 digit
conversion, region codes judged against the birth year (a code created after
birth is normal, one retired before birth is suspicious), the organisation
code (GB 11714) inside a credit code, registration-authority parts (incl. the
letter authorities A/N/Y that stdnum rejects), a whitelist for pilot codes
that were really issued with bad check characters, phones, names and dates.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date

from stdnum.cn import ric

from clerkdesk.errors import Problem
from clerkdesk.records import regions


def _p(fld: str, code: str, zh: str, en: str, severity: str = "error") -> Problem:
    return Problem(fld, code, zh, en, severity)


# --- 公民身份号码 GB 11643-1999 -------------------------------------------------

@dataclass(frozen=True)
class IdNumber:
    number: str  # 18 characters, upper-case X
    birth_date: date
    sex: str  # GB/T 2261.1 code: "1" male, "2" female
    region_code: str
    region_name: str | None
    converted_from_15: bool = False
    warnings: tuple[Problem, ...] = ()


def id_check_digit(first17: str) -> str:
    """GB 11643-1999 check character of the first 17 digits (ISO 7064 MOD 11-2): sum(ai x Wi) + a18 ≡ 1
    (mod 11) with Wi = 2^(18-i) mod 11 (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2); 10 is written X.
    The standard's own example: 11010519491231002X."""
    # stdnum's calc_check_digit takes the whole number and drops its last character: pass a placeholder
    # so all 17 digits count (passing 17 characters silently used only the first 16).
    return ric.calc_check_digit(first17[:17] + "0")


def convert_15_to_18(number: str) -> str:
    """Old 15-digit numbers (19YYMMDD births) to the 18-digit form."""
    body = number[:6] + "19" + number[6:15]
    return body + id_check_digit(body)


def id_number_valid(number: str) -> bool:
    """Format, check character and a real calendar birth date of a normalised 18-character number — only
    what the number proves by itself (capture's OCR repair asks this for every candidate); the region and
    the plausibility of the date are :func:`check_id_number`'s."""
    if len(number) != 18 or not number[:17].isdigit() or id_check_digit(number[:17]) != number[17]:
        return False
    try:
        date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return True


def check_id_number(value: str, fld: str = "person.id_number", today: date | None = None, *,
                    allow_15: bool = True) -> tuple[IdNumber | None, list[Problem]]:
    """Validate a 公民身份号码; returns the normalised number with derived facts, or the problems.

    The region code (first 6 digits) is plausible when it existed at any time from the birth year to
    today: the number is assigned when the card is first issued, often decades after birth, so a code
    newer than the birth year is normal; only a code never in GB/T 2260 is an error, and one retired
    before the birth year (or valid only from a year after today) a warning. The table
    (``records/tables/gbt2260.tsv``) merges python-stdnum's list with the Ministry of Civil Affairs' yearly
    lists, so codes created since stdnum's data (杭州 330113 临平区, 2021) are known. ``allow_15=False`` (a 二代证 read by OCR always prints 18 characters)
    treats 15 characters as a length error instead of converting an old number.
    """
    today = today or date.today()
    raw = unicodedata.normalize("NFKC", value or "").strip().replace(" ", "").upper()
    if not raw:
        return None, [_p(fld, "ID_EMPTY", "公民身份号码为空", "ID number is empty")]
    converted = False
    if len(raw) == 15 and allow_15:
        if not raw.isdigit():
            return None, [_p(fld, "ID_CHARSET", "15位身份号码只能是数字", "a 15-digit ID number has digits only")]
        raw = convert_15_to_18(raw)
        converted = True
    if len(raw) != 18:
        return None, [_p(fld, "ID_LENGTH", f"公民身份号码应为18位（或15位旧号码），实为{len(raw)}位",
                         f"an ID number has 18 characters (or 15 for old numbers), got {len(raw)}")]
    if not (raw[:17].isdigit() and (raw[17].isdigit() or raw[17] == "X")):
        return None, [_p(fld, "ID_CHARSET", "公民身份号码只能是数字，最后一位可以是X",
                         "an ID number is digits, the last may be X")]
    problems: list[Problem] = []
    warnings: list[Problem] = []
    if raw[17] != id_check_digit(raw[:17]):
        problems.append(_p(fld, "ID_CHECKSUM", "公民身份号码校验码错误，请核对每一位",
                           "the ID number's check digit is wrong; check every digit"))
    birth: date | None = None
    try:
        birth = date(int(raw[6:10]), int(raw[10:12]), int(raw[12:14]))
    except ValueError:
        problems.append(_p(fld, "ID_BIRTH_INVALID", "公民身份号码中的出生日期不存在",
                           "the birth date inside the ID number does not exist"))
    if birth is not None:
        if birth > today:
            problems.append(_p(fld, "ID_BIRTH_FUTURE", "公民身份号码中的出生日期晚于今天",
                               "the birth date inside the ID number is in the future"))
        elif birth.year < 1850:  # GB 11643's own example is born 1880; nobody born before 1850 got a number
            problems.append(_p(fld, "ID_BIRTH_RANGE", "公民身份号码中的出生年份早于1850年",
                               "the birth year inside the ID number is before 1850"))
    code = raw[:6]
    reg = regions.region(code)
    if reg is None:
        problems.append(_p(fld, "ID_REGION_UNKNOWN", "公民身份号码前6位地址码不在GB/T 2260中",
                           "the first 6 digits are not a GB/T 2260 region code"))
    elif birth is not None and reg.retired is not None and reg.retired < birth.year:
        # Codes are assigned when the number is issued, usually years after birth, so a code
        # created after the birth year is normal; one retired before the person was born is not.
        warnings.append(_p(fld, "ID_REGION_RETIRED_BEFORE_BIRTH",
                           f"地址码在出生前（{reg.retired}年后）已撤销，请核对",
                           f"the region code was retired (after {reg.retired}) before the birth year; please check",
                           "warning"))
    elif reg.created is not None and reg.created > today.year:
        # the table knows a code announced for a later year: nobody can hold it yet
        warnings.append(_p(fld, "ID_REGION_NOT_YET_VALID", f"地址码自{reg.created}年起才启用，请核对",
                           f"the region code is valid only from {reg.created}; please check", "warning"))
    if problems or birth is None:
        return None, problems
    sex = "1" if int(raw[16]) % 2 else "2"
    name = regions.full_name(code, birth.year) if reg else None
    return IdNumber(raw, birth, sex, code, name, converted, tuple(warnings)), []


# --- 统一社会信用代码 GB 32100-2015 -------------------------------------------

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
# Registration authority (1st char) → allowed entity-type codes (2nd char), GB 32100-2015 annex A.
AUTHORITIES: dict[str, tuple[str, dict[str, str]]] = {
    "1": ("机构编制", {"1": "机关", "2": "事业单位", "3": "中央编办直接管理机构编制的群众团体", "9": "其他"}),
    "2": ("外交", {"1": "外国常驻新闻机构", "9": "其他"}),
    "3": ("司法行政", {"1": "律师执业机构", "2": "公证处", "3": "基层法律服务所", "4": "司法鉴定机构",
                   "5": "仲裁委员会", "9": "其他"}),
    "4": ("文化", {"1": "外国在华文化中心", "9": "其他"}),
    "5": ("民政", {"1": "社会团体", "2": "民办非企业单位", "3": "基金会", "9": "其他"}),
    "6": ("旅游", {"1": "外国旅游部门常驻代表机构", "2": "港澳台地区旅游部门常驻内地（大陆）代表机构", "9": "其他"}),
    "7": ("宗教", {"1": "宗教活动场所", "2": "宗教院校", "9": "其他"}),
    "8": ("工会", {"1": "基层工会", "9": "其他"}),
    "9": ("工商（市场监管）", {"1": "企业", "2": "个体工商户", "3": "农民专业合作社"}),
    "A": ("中央军委改革和编制办公室", {"1": "军队事业单位", "9": "其他"}),
    "N": ("农业", {"1": "组级集体经济组织", "2": "村级集体经济组织", "3": "乡镇级集体经济组织", "9": "其他"}),
    "Y": ("其他", {"1": "其他"}),
}


USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def org_char_value(c: str) -> int:
    """GB 11714-1997's value of one organisation-code character: digits 0-9, letters A=10 … Z=35.

    This is *not* the position in the USCC alphabet: GB 11714 predates GB 32100 and counts every Latin
    letter (I=18, J=19 …), while the USCC alphabet skips I, O, Z, S, V (J is its 18th character). Mixing
    the two gives a different check character whenever a letter from J on appears; real codes settle it
    (tests/core/test_standards.py: 11610923MB2900168E, 92510100MA61WJ3204, 52610500MJU60350X1 … pass only
    with A=10 … Z=35).
    """
    if len(c) != 1 or not (c.isdigit() or "A" <= c <= "Z"):
        raise ValueError(f"{c!r} is not an organisation-code character (0-9, A-Z)")
    return int(c, 36)


def org_check_char(first8: str) -> str:
    """GB 11714-1997 organisation code check character (0-9 or X) of the 8-character body.

    The standard's rule: C9 = 11 - MOD(sum(Ci x Wi), 11) with Wi = 3, 7, 9, 10, 5, 8, 4, 2 and the character
    values of :func:`org_char_value`; C9 = 10 is written X and C9 = 11 is written 0.
    """
    total = sum(org_char_value(c) * w for c, w in zip(first8, ORG_WEIGHTS, strict=True))
    c9 = 11 - total % 11
    return "X" if c9 == 10 else "0" if c9 == 11 else str(c9)


def org_code_valid(code9: str) -> bool:
    """An embedded organisation code (USCC positions 9-17): USCC characters and a right GB 11714 check."""
    return (len(code9) == 9 and all(c in USCC_ALPHABET for c in code9)
            and org_check_char(code9[:8]) == code9[8])


def uscc_check_char(first17: str) -> str:
    """GB 32100-2015 check character (position 18) of the first 17 characters.

    The standard's rule (after GB/T 17710, MOD 31): C18 = 31 - MOD(sum(Ci x Wi), 31), 31 written as 0,
    where Ci is the character's *position in the code character set* (table 1: 0-9 = 0-9, A=10 … H=17, J=18,
    K=19, L=20, M=21, N=22, P=23, Q=24, R=25, T=26, U=27, W=28, X=29, Y=30 — no I, O, Z, S, V) and
    Wi = MOD(3^(i-1), 31) (table 2: 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28). The
    standard's worked example: 91350100M000100Y4 → sum 1640, MOD 31 = 28, C18 = 3 (91350100M000100Y43).
    """
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def uscc_valid(code: str) -> bool:
    """Both checks of a normalised 18-character credit code: its MOD 31 character and the GB 11714 code inside.

    Only the check characters (capture's OCR repair asks this many times per read); :func:`check_uscc` adds
    the authority, entity type and region rules and says what is wrong.
    """
    return (len(code) == 18 and all(c in USCC_ALPHABET for c in code) and org_code_valid(code[8:17])
            and uscc_check_char(code[:17]) == code[17])


@dataclass(frozen=True)
class CreditCode:
    code: str
    authority: str
    entity_kind: str
    region_code: str
    region_name: str | None
    org_code: str
    whitelisted: bool = False
    warnings: tuple[Problem, ...] = field(default=())


def normalise_uscc(value: str) -> str:
    """Upper case, half-width, without spaces or dashes: the form codes are stored and looked up in."""
    return re.sub(r"[\s-]", "", unicodedata.normalize("NFKC", value or "")).upper()


def check_uscc(value: str, fld: str = "enterprise.uscc", whitelist: Collection[str] = ()
               ) -> tuple[CreditCode | None, list[Problem]]:
    raw = normalise_uscc(value)
    if not raw:
        return None, [_p(fld, "USCC_EMPTY", "统一社会信用代码为空", "credit code is empty")]
    if len(raw) != 18:
        return None, [_p(fld, "USCC_LENGTH", f"统一社会信用代码应为18位，实为{len(raw)}位",
                         f"a credit code has 18 characters, got {len(raw)}")]
    bad = sorted({c for c in raw if c not in USCC_ALPHABET})
    if bad:
        return None, [_p(fld, "USCC_CHARSET", "统一社会信用代码含有不允许的字符（不使用I、O、Z、S、V）",
                         "credit code has characters outside its alphabet (no I, O, Z, S, V)")]
    problems: list[Problem] = []
    auth = AUTHORITIES.get(raw[0])
    if auth is None:
        problems.append(_p(fld, "USCC_AUTHORITY", "第1位登记管理部门代码无效",
                           "1st character is not a registration authority code"))
    elif raw[1] not in auth[1]:
        problems.append(_p(fld, "USCC_ENTITY_TYPE", f"第2位机构类别代码对登记管理部门“{auth[0]}”无效",
                           "2nd character is not an entity type of that authority"))
    region_code = raw[2:8]
    reg_name = None
    if not region_code.isdigit():
        problems.append(_p(fld, "USCC_REGION", "第3-8位登记管理机关行政区划码应为数字",
                           "characters 3-8 (region code) must be digits"))
    elif region_code != "100000":  # 100000: registered by a national-level authority
        reg_name = regions.full_name(region_code)
        if reg_name is None:
            problems.append(_p(fld, "USCC_REGION", "第3-8位登记管理机关行政区划码不在GB/T 2260中",
                               "characters 3-8 are not a GB/T 2260 region code"))
    else:
        reg_name = "国家级"
    checks: list[Problem] = []
    org = raw[8:17]
    if org[8] != org_check_char(org[:8]):
        checks.append(_p(fld, "USCC_ORG_CHECKSUM", "第9-17位组织机构代码（GB 11714）校验码错误",
                         "the embedded organisation code (GB 11714) check character is wrong"))
    if raw[17] != uscc_check_char(raw[:17]):
        checks.append(_p(fld, "USCC_CHECKSUM", "统一社会信用代码校验码错误，请核对每一位",
                         "the credit code's check character is wrong; check every character"))
    listed = raw in {normalise_uscc(w) for w in whitelist}
    warnings: list[Problem] = []
    if checks and listed:
        warnings.append(_p(fld, "USCC_WHITELISTED", "校验未通过，但该代码已由主管列入白名单（试点期实际颁发）",
                           "fails its check but a supervisor whitelisted it (issued during the pilot)", "warning"))
    else:
        problems.extend(checks)
    if problems:
        return None, problems
    kind = auth[1][raw[1]] if auth else ""
    return CreditCode(raw, auth[0] if auth else "", kind, region_code, reg_name, org, listed, tuple(warnings)), []


# --- phone numbers ------------------------------------------------------------

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_EXT = re.compile(r"(?:转|分机|ext\.?|x|#)(\d{1,6})$", re.IGNORECASE)
_DASH_EXT = re.compile(r"^(0\d{2,3}-\d{7,8})-(\d{1,6})$")  # 010-62345678-123


def _area_len(digits: str) -> int:
    """China's numbering plan: 010 and 020-029 have 3-digit area codes, all others 4."""
    return 3 if digits.startswith(("010", "02")) else 4


def check_phone(value: str, fld: str = "person.phone") -> tuple[str | None, list[Problem]]:
    """Mobile (11 digits) or landline with area code; returns ``13812345678`` or ``010-62345678[-ext]``."""
    raw = unicodedata.normalize("NFKC", value or "").strip()
    if not raw:
        return None, [_p(fld, "PHONE_EMPTY", "电话号码为空", "phone number is empty")]
    s = re.sub(r"[\s()（）]", "", raw)
    ext = None
    m = _EXT.search(s)
    if m:
        ext, s = m.group(1), s[: m.start()].rstrip("-")
    intl = bool(re.match(r"^(?:\+|00)86", s) or (s.startswith("86") and len(s.replace("-", "")) > 12))
    if intl:
        s = re.sub(r"^(?:\+|00)?86-?", "", s)
    m = _DASH_EXT.match(s) if ext is None else None
    if m:
        s, ext = m.group(1), m.group(2)
    digits = s.replace("-", "")
    if ext is None and _MOBILE.match(digits):
        return digits, []
    if intl and digits.isdigit() and not digits.startswith("0") and 9 <= len(digits) <= 11:
        digits = "0" + digits  # +86 10 1234 5678 drops the trunk 0
    if digits.isdigit() and digits.startswith("0"):
        n = _area_len(digits)
        area, local = digits[:n], digits[n:]
        valid_area = n == 3 or digits[1] in "3456789"  # 01x other than 010 is no area code
        # 3-digit areas (Beijing, Shanghai, …) have 8-digit local numbers; others 7 or 8. Never 0/1 first.
        if valid_area and len(local) in ((8,) if n == 3 else (7, 8)) and local[0] not in "01":
            out = f"{area}-{local}"
            return (f"{out}-{ext}" if ext else out), []
    return None, [_p(fld, "PHONE_FORMAT", "电话号码格式不正确：手机为11位，固话需带区号（如010-62345678）",
                     "not a phone number: mobiles have 11 digits, landlines need an area code (010-62345678)")]


# --- names --------------------------------------------------------------------

_DOTS = "·•・･．.‧∙⋅⸱\u0387"
_CJK = r"\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_NAME = re.compile(rf"^[{_CJK}]+(?:·[{_CJK}]+)*$")


def normalise_name(value: str) -> str:
    """NFC, trimmed, any look-alike dot (•, ・, ．…) as the middle dot U+00B7 of ethnic names."""
    return re.sub(rf"\s*[{re.escape(_DOTS)}]\s*", "·", unicodedata.normalize("NFC", value or "").strip())


def check_name(value: str, fld: str = "person.name") -> tuple[str | None, list[Problem]]:
    """Chinese names, with the middle dot of ethnic names (any look-alike dot is normalised to U+00B7)."""
    raw = unicodedata.normalize("NFC", value or "").strip()
    if not raw:
        return None, [_p(fld, "NAME_EMPTY", "姓名为空", "name is empty")]
    s = normalise_name(raw)
    if _NAME.match(s) and 2 <= len(s) <= 50:
        return s, []
    if re.search(r"\s", s):
        return None, [_p(fld, "NAME_SPACE", "姓名中不能有空格（少数民族姓名用间隔号·）",
                         "a name has no spaces (ethnic names use the middle dot ·)")]
    return None, [_p(fld, "NAME_FORMAT", "姓名应为2个以上汉字，可含间隔号·",
                     "a name is 2 or more Chinese characters, optionally with the middle dot ·")]


# --- dates --------------------------------------------------------------------

_DATE_FORMS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
)


def parse_date(value: str | date, fld: str = "date") -> tuple[date | None, list[Problem]]:
    """2026-11-22, 2026/11/22, 2026.11.22, 20261122, 2026年11月22日."""
    if isinstance(value, date):
        return value, []
    raw = unicodedata.normalize("NFKC", value or "").strip().replace(" ", "")
    if not raw:
        return None, [_p(fld, "DATE_EMPTY", "日期为空", "date is empty")]
    for rx in _DATE_FORMS:
        m = rx.match(raw)
        if m:
            try:
                return date(int(m[1]), int(m[2]), int(m[3])), []
            except ValueError:
                return None, [_p(fld, "DATE_INVALID", "日期不存在（请检查月份和日）",
                                 "no such date (check month and day)")]
    return None, [_p(fld, "DATE_FORMAT", "日期格式应为 2026-11-22、2026/11/22、20261122 或 2026年11月22日",
                     "dates are written 2026-11-22, 2026/11/22, 20261122 or 2026年11月22日")]
