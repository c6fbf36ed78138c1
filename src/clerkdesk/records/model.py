"""Records: Person, Enterprise, Case, and the canonical field registry.

Canonical field names are stable English identifiers (``person.id_number``),
each with a Chinese label and a kind that says how it is validated. Records
are frozen dataclasses built only through ``make_person``/``make_enterprise``,
which validate everything and list *every* problem at once.
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass, field, fields, replace
from datetime import date
from typing import Any, NewType

from clerkdesk.errors import Problem, ValidationError
from clerkdesk.records import codes, standards

ProfileId = NewType("ProfileId", int)
CaseId = NewType("CaseId", str)
RunId = NewType("RunId", str)


@dataclass(frozen=True)
class FieldSpec:
    name: str  # canonical, e.g. "person.id_number"
    zh: str
    en: str
    kind: str  # text | name | date | code | id_number | uscc | phone | money | region | email | person
    table: str | None = None  # code table for kind == "code"
    derived: bool = False  # filled from the ID number when absent


def _f(name: str, zh: str, en: str, kind: str = "text", table: str | None = None, derived: bool = False) -> FieldSpec:
    return FieldSpec(name, zh, en, kind, table, derived)


PERSON_FIELDS: tuple[FieldSpec, ...] = (
    _f("person.name", "姓名", "name", "name"),
    _f("person.former_name", "曾用名", "former name", "name"),
    _f("person.sex", "性别", "sex", "code", "sex", derived=True),
    _f("person.ethnicity", "民族", "ethnic group", "code", "ethnicity"),
    _f("person.birth_date", "出生日期", "date of birth", "date", derived=True),
    _f("person.id_type", "证件类型", "ID document type", "code", "id_document_type"),
    _f("person.id_number", "公民身份号码", "ID number", "id_number"),
    _f("person.id_valid_from", "证件有效期起", "ID valid from", "date"),
    _f("person.id_valid_to", "证件有效期止", "ID valid to (empty: 长期)", "date"),
    _f("person.issuing_authority", "签发机关", "issuing authority"),
    _f("person.native_region", "籍贯地区码", "region code of the ID number", "region", derived=True),
    _f("person.hukou_region", "户籍地区划", "household register region code", "region"),
    _f("person.hukou_address", "户籍地址", "household register address"),
    _f("person.current_address", "现住址", "current address"),
    _f("person.hukou_type", "户口性质", "household registration type", "code", "hukou_type"),
    _f("person.phone", "联系电话", "phone", "phone"),
    _f("person.email", "电子邮箱", "e-mail", "email"),
    _f("person.marital_status", "婚姻状况", "marital status", "code", "marital_status"),
    _f("person.education", "文化程度", "education", "code", "education"),
)

ENTERPRISE_FIELDS: tuple[FieldSpec, ...] = (
    _f("enterprise.name", "名称", "registered name"),
    _f("enterprise.uscc", "统一社会信用代码", "unified social credit code", "uscc"),
    _f("enterprise.entity_type", "主体类型", "entity type", "code", "entity_type"),
    _f("enterprise.legal_rep", "法定代表人", "legal representative", "person"),
    _f("enterprise.registered_capital", "注册资本（万元）", "registered capital (10k CNY)", "money"),
    _f("enterprise.established", "成立日期", "date established", "date"),
    _f("enterprise.address", "住所", "registered address"),
    _f("enterprise.business_scope", "经营范围", "business scope"),
    _f("enterprise.phone", "联系电话", "phone", "phone"),
)

FIELDS: dict[str, FieldSpec] = {f.name: f for f in PERSON_FIELDS + ENTERPRISE_FIELDS}


def field_spec(name: str) -> FieldSpec | None:
    """Spec of a canonical field; ``enterprise.legal_rep.name`` resolves through the nested person."""
    if name in FIELDS:
        return FIELDS[name]
    if name.startswith("enterprise.legal_rep."):
        inner = FIELDS.get("person." + name.removeprefix("enterprise.legal_rep."))
        if inner:
            return replace(inner, name=name, zh="法定代表人" + inner.zh)
    return None


def suggest(name: str, candidates: list[str]) -> str:
    close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
    return f" Did you mean '{close[0]}'?" if close else ""


@dataclass(frozen=True)
class Person:
    name: str
    id_number: str
    sex: str | None = None
    birth_date: date | None = None
    former_name: str | None = None
    ethnicity: str | None = None
    id_type: str = "111"
    id_valid_from: date | None = None
    id_valid_to: date | None = None
    issuing_authority: str | None = None
    native_region: str | None = None
    hukou_region: str | None = None
    hukou_address: str | None = None
    current_address: str | None = None
    hukou_type: str | None = None
    phone: str | None = None
    email: str | None = None
    marital_status: str | None = None
    education: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict keyed by the short field names (dates as ISO strings, absent values left out)."""
        out: dict[str, Any] = {}
        for f in fields(self):
            v = getattr(self, f.name)
            if v is not None:
                out[f.name] = v.isoformat() if isinstance(v, date) else v
        return out


@dataclass(frozen=True)
class Enterprise:
    name: str
    uscc: str
    entity_type: str | None = None
    legal_rep: Person | None = None
    registered_capital: str | None = None
    established: date | None = None
    address: str | None = None
    business_scope: str | None = None
    phone: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in fields(self):
            v = getattr(self, f.name)
            if v is None:
                continue
            out[f.name] = v.to_dict() if isinstance(v, Person) else v.isoformat() if isinstance(v, date) else v
        return out


@dataclass(frozen=True)
class Case:
    """One matter handled for one applicant: the validated record, the targets, the case fields.

    The one shape a case has from the moment its record is validated: the planner reads ``context``, the
    store keeps it (``id`` and ``profile_id`` are set once it is stored), the runs fill from it, and
    ``results`` collects what each target answered (its receipts). Before this type a case travelled as
    four to seven positional arguments and its context dict was rebuilt in three places.
    """

    applicant_kind: str  # "person" | "enterprise"
    applicant_key: str  # the profile key: ID number or credit code (never shown in logs)
    record: dict[str, Any]  # the validated applicant record, short field names (``Person.to_dict()``)
    targets: tuple[str, ...]  # recipe ids, in the order the clerk chose them
    fields: dict[str, Any] = field(default_factory=dict)  # case.* values
    matter: str = ""  # what the clerk calls it (the matters' titles)
    id: CaseId | None = None  # set once stored
    profile_id: ProfileId | None = None
    status: str = "open"  # open | running | done | failed | needs_clerk | closed
    results: dict[str, dict[str, Any]] = field(default_factory=dict)  # recipe id → receipts read

    @property
    def context(self) -> dict[str, Any]:
        """What templates and the planner look values up in: ``{"person": record, "case": fields}``."""
        return {self.applicant_kind: self.record, "case": self.fields}


# --- clean text -----------------------------------------------------------------------------

# Longest value a field may hold, by kind (a ministry form's own limits are tighter; these stop a 1 MB
# "address" from being stored and sent). Names are limited by check_name.
MAX_LEN = {"text": 200, "email": 254, "money": 32, "phone": 32, "region": 12, "code": 64, "date": 32,
           "id_number": 32, "uscc": 32, "name": 64}
LONG_TEXT = {"enterprise.business_scope": 2000}
# Characters that are never part of a value a clerk typed: NUL and the other C0/C1 controls, DEL, bidi
# overrides/isolates/marks (U+202E can make "123" display as "321"), zero-width characters and the BOM.
_UNCLEAN = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]")
# Emoji and their modifiers: no ministry form's code page (GBK/GB 18030 tables, most Oracle/DB2 columns) stores
# them, and a system that does store them shows "?" or mojibake on the certificate. Not rejected: every CJK
# ideograph, including the rare ones outside the BMP (Extension B and later, U+20000 upwards), that names
# and addresses need (生僻字); the traditional symbols GBK itself holds (☆ ★ ※ ○ ● ◎ ◇ ◆ □ ■ △ ▲).
_EMOJI = re.compile("[\U0001f000-\U0001faff\U0001fc00-\U0001fffd\ufe0e\ufe0f\u20e3\U000e0000-\U000e007f"
                    "\u2600-\u27bf\u2b00-\u2bff\u3030\u303d]")


_MODIFIERS = "\ufe0e\ufe0f\u20e3"  # variation selectors and the keycap: they make the character before an emoji


def _emoji(value: str) -> tuple[int, str] | None:
    """(index, code point) of the first emoji in VALUE, at the start of its sequence ("1️⃣" at the "1"); a
    symbol of the dingbat blocks that GBK itself encodes (☆ ♀) is not one."""
    for m in _EMOJI.finditer(value):
        c, i = m.group(), m.start()
        if c in _MODIFIERS:
            return (i - 1, value[i - 1]) if i else (i, c)
        if c > "\uffff":
            return i, c
        try:
            c.encode("gbk")
        except UnicodeEncodeError:
            return i, c
    return None


def text_problems(fld: str, zh: str, value: str, max_len: int) -> list[Problem]:
    """Problems of a free-text VALUE of field FLD: unclean characters and length (never quoting the value)."""
    out: list[Problem] = []
    value = value.strip(" \t\r\n")  # a pasted value's line break at either end is dropped, not an error
    m = _UNCLEAN.search(value)
    if m:
        code = f"U+{ord(m.group()):04X}"
        out.append(Problem(fld, "TEXT_UNCLEAN", f"“{zh}”含有控制字符或不可见字符 {code}（第{m.start() + 1}个字符），请重新输入",
                           f"contains the control or invisible character {code} at position {m.start() + 1}; "
                           "retype the value"))
    e = _emoji(value)
    if e and not m:
        code = f"U+{ord(e[1]):04X}"
        out.append(Problem(fld, "TEXT_EMOJI", f"“{zh}”含有表情或图形符号 {code}（第{e[0] + 1}个字符），业务系统无法保存，请删除",
                           f"contains the emoji or pictograph {code} at position {e[0] + 1}, which the "
                           "ministry systems cannot store; delete it"))
    if len(value) > max_len:
        out.append(Problem(fld, "TEXT_TOO_LONG", f"“{zh}”过长（{len(value)}字，最多{max_len}字）",
                           f"too long ({len(value)} characters, at most {max_len})"))
    return out


# --- building validated records -----------------------------------------------------------

def _text(v: Any) -> str:
    return "" if v is None else str(v).strip()


def _normalise(spec: FieldSpec, value: Any, problems: list[Problem], today: date,
               whitelist: tuple[str, ...] = ()) -> Any:
    """One field's normalised value, appending problems. Empty → None."""
    fld = spec.name
    if isinstance(value, dict | list | tuple | set | bool):
        problems.append(Problem(fld, "FIELD_TYPE", f"“{spec.zh}”应为文字或数字", "expected text or a number"))
        return None
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        unclean = text_problems(fld, spec.zh, str(value), LONG_TEXT.get(fld, MAX_LEN.get(spec.kind, 200)))
        if unclean:  # before any other check: strip() would quietly drop some of these characters
            problems.extend(unclean)
            return None
    s = _text(value) if not isinstance(value, date) else value
    if s in ("", None):
        return None
    if spec.kind == "name":
        v, pr = standards.check_name(str(s), fld)
    elif spec.kind == "date":
        v, pr = standards.parse_date(s, fld)
        if v and v > today and not fld.endswith(("valid_to",)):
            pr = [Problem(fld, "DATE_FUTURE", "日期晚于今天", "the date is in the future")]
            v = None
    elif spec.kind == "phone":
        v, pr = standards.check_phone(str(s), fld)
    elif spec.kind == "code":
        assert spec.table
        tbl = codes.table(spec.table)
        v = tbl.resolve(str(s))
        pr = [] if v else [Problem(fld, "CODE_UNKNOWN", f"“{spec.zh}”不是代码表 {spec.table} 中的值",
                                   f"not a value of code table {spec.table}")]
    elif spec.kind == "region":
        from clerkdesk.records import regions
        v = str(s)
        pr = [] if regions.region(v) else [Problem(fld, "REGION_UNKNOWN", "区划代码不在GB/T 2260中",
                                                   "not a GB/T 2260 region code")]
    elif spec.kind == "email":
        v = str(s)
        pr = [] if "@" in v and "." in v.split("@")[-1] else [
            Problem(fld, "EMAIL_FORMAT", "电子邮箱格式不正确", "not an e-mail address")]
    elif spec.kind == "money":
        v = str(s).replace(",", "").replace("万元", "").replace("万", "")
        try:
            ok = math.isfinite(float(v)) and float(v) >= 0
        except ValueError:
            ok = False
        pr = [] if ok else [Problem(fld, "MONEY_FORMAT", "金额应为非负数字（单位万元）",
                                    "an amount is a non-negative number (10k CNY)")]
    elif spec.kind == "uscc":
        cc, pr = standards.check_uscc(str(s), fld, whitelist)
        v = cc.code if cc else None
        if cc:
            problems.extend(cc.warnings)
    else:
        v, pr = str(s), []
    problems.extend(pr)
    return v


def canonical(name: str, value: Any, today: date | None = None) -> Any:
    """FIELD NAME's VALUE as a record stores it (the code for a label or an alias, the date for any date
    spelling, …), or None when it is empty or not valid. Lets a shell tell a changed value from another
    spelling of the same one (汉 / 汉族 / 01) without its own rules."""
    spec = field_spec(name)
    if spec is None:
        return _text(value) or None
    problems: list[Problem] = []
    v = _normalise(spec, value, problems, today or date.today())
    if any(p.severity == "error" for p in problems):
        return None
    return v


def make_person(data: dict[str, Any], *, prefix: str = "person", today: date | None = None) -> tuple[Person, list[Problem]]:
    """Validate DATA (short field names) into a Person; raises ValidationError listing every problem.

    Returns the person and its warnings. Birth date, sex and native region are derived from the
    ID number; a typed value that conflicts with the number is an error.
    """
    today = today or date.today()
    problems: list[Problem] = []
    known = {f.name.split(".", 1)[1]: f for f in PERSON_FIELDS}
    for key in data:
        if key not in known:
            problems.append(Problem(f"{prefix}.{key}", "FIELD_UNKNOWN", "未知字段",
                                    "unknown field." + suggest(str(key).rsplit(".", 1)[-1], list(known))))
    vals: dict[str, Any] = {}
    for key, spec in known.items():
        if key in data:
            s = replace(spec, name=f"{prefix}.{key}") if prefix != "person" else spec
            vals[key] = _normalise(s, data[key], problems, today)
    for req in ("name", "id_number"):
        if not _text(data.get(req)):
            zh = known[req].zh
            problems.append(Problem(f"{prefix}.{req}", "FIELD_REQUIRED", f"{zh}不能为空", f"{known[req].en} is required"))
    id_type = vals.get("id_type") or "111"
    raw_id = _text(data.get("id_number"))
    if raw_id and id_type in ("111", "112"):
        info, pr = standards.check_id_number(raw_id, f"{prefix}.id_number", today)
        problems.extend(pr)
        if info:
            problems.extend(info.warnings)
            vals["id_number"] = info.number
            for key, derived, code, zh, en in (
                ("birth_date", info.birth_date, "BIRTH_DATE_CONFLICT", "出生日期与公民身份号码不一致",
                 "birth date conflicts with the ID number"),
                ("sex", info.sex, "SEX_CONFLICT", "性别与公民身份号码不一致", "sex conflicts with the ID number"),
                ("native_region", info.region_code, "NATIVE_REGION_CONFLICT", "籍贯地区码与公民身份号码前6位不一致",
                 "native region code conflicts with the first 6 digits of the ID number"),
            ):
                if vals.get(key) is not None and vals[key] != derived:
                    problems.append(Problem(f"{prefix}.{key}", code, zh, en))
                vals[key] = derived
    vf, vt = vals.get("id_valid_from"), vals.get("id_valid_to")
    if vf is not None and vt is not None and vt < vf:
        problems.append(Problem(f"{prefix}.id_valid_to", "DATE_ORDER", "证件有效期止早于有效期起",
                                "the ID's valid-to date is before its valid-from date"))
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise ValidationError(problems)
    vals["id_type"] = id_type
    return Person(**{k: v for k, v in vals.items() if v is not None}), [p for p in problems if p.severity != "error"]


def make_enterprise(data: dict[str, Any], *, today: date | None = None, whitelist: tuple[str, ...] = ()
                    ) -> tuple[Enterprise, list[Problem]]:
    """Validate DATA into an Enterprise (legal_rep: a nested person object); raises ValidationError."""
    today = today or date.today()
    problems: list[Problem] = []
    known = {f.name.split(".", 1)[1]: f for f in ENTERPRISE_FIELDS}
    for key in data:
        if key not in known:
            problems.append(Problem(f"enterprise.{key}", "FIELD_UNKNOWN", "未知字段",
                                    "unknown field." + suggest(str(key).rsplit(".", 1)[-1], list(known))))
    vals: dict[str, Any] = {}
    for key, spec in known.items():
        if key in data and spec.kind != "person":
            vals[key] = _normalise(spec, data[key], problems, today, whitelist)
    for req in ("name", "uscc"):
        if not _text(data.get(req)):
            problems.append(Problem(f"enterprise.{req}", "FIELD_REQUIRED", f"{known[req].zh}不能为空",
                                    f"{known[req].en} is required"))
    rep = data.get("legal_rep")
    if rep is not None:
        if isinstance(rep, dict):
            try:
                vals["legal_rep"], warns = make_person(rep, prefix="enterprise.legal_rep", today=today)
                problems.extend(warns)
            except ValidationError as e:
                problems.extend(e.problems)
        else:
            problems.append(Problem("enterprise.legal_rep", "FIELD_TYPE", "法定代表人应为一个人员对象（含姓名、证件号码）",
                                    "legal_rep is an object with the person's fields"))
    if any(p.severity == "error" for p in problems):
        raise ValidationError(problems)
    return Enterprise(**{k: v for k, v in vals.items() if v is not None}), [p for p in problems if p.severity != "error"]


def person_from_dict(d: dict[str, Any]) -> Person:
    """Rebuild a stored (already validated) person without re-validating."""
    kw = dict(d)
    for k in ("birth_date", "id_valid_from", "id_valid_to"):
        if isinstance(kw.get(k), str):
            kw[k] = date.fromisoformat(kw[k])
    return Person(**kw)


def enterprise_from_dict(d: dict[str, Any]) -> Enterprise:
    kw = dict(d)
    if isinstance(kw.get("established"), str):
        kw["established"] = date.fromisoformat(kw["established"])
    if isinstance(kw.get("legal_rep"), dict):
        kw["legal_rep"] = person_from_dict(kw["legal_rep"])
    return Enterprise(**kw)
