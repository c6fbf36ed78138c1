"""Field specifications shared by the sandbox systems: one list per matter drives
the rendered form, the server-side validation, the submission log and the docs."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from . import regions

# A check returns an error message (without the label) or None.
Check = Callable[[str], "str | None"]

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def id_check_char(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits."""
    return "10X98765432"[sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def uscc_check_char(first17: str) -> str:
    """The GB 32100 check character for the first 17 characters."""
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_CHARS[(31 - total % 31) % 31]


def check_id_number(value: str) -> str | None:
    if not re.fullmatch(r"\d{17}[\dX]", value):
        return "应为18位，末位可为数字或大写X"
    try:
        dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return "中的出生日期无效"
    if id_check_char(value[:17]) != value[17]:
        return "校验位错误"
    return None


def check_uscc(value: str) -> str | None:
    if not re.fullmatch(f"[{_USCC_CHARS}]{{18}}", value):
        return "应为18位数字或大写字母（不含I、O、Z、S、V）"
    if uscc_check_char(value[:17]) != value[17]:
        return "校验位错误"
    return None


def date_check(fmt: str, hint: str) -> Check:
    def check(value: str) -> str | None:
        try:
            day = dt.datetime.strptime(value, fmt).date()
        except ValueError:
            return f"格式应为{hint}"
        if len(value) != len(dt.date(2000, 12, 31).strftime(fmt)):  # strptime accepts 2024-1-5
            return f"格式应为{hint}"
        if not dt.date(1900, 1, 1) <= day <= dt.date(2099, 12, 31):
            return "超出有效范围"
        return None

    return check


def regex_check(pattern: str, message: str) -> Check:
    def check(value: str) -> str | None:
        return None if re.fullmatch(pattern, value) else message

    return check


def money_check(max_decimals: int) -> Check:
    def check(value: str) -> str | None:
        if not re.fullmatch(rf"\d{{1,12}}(\.\d{{1,{max_decimals}}})?", value) or float(value) <= 0:
            return f"应为大于0的数字，最多{max_decimals}位小数"
        return None

    return check


PHONE = regex_check(r"1[3-9]\d{9}|0\d{2,3}-?\d{7,8}", "格式不正确（手机号11位，或固定电话如010-12345678）")
PERSON_NAME = regex_check(r"[\u4e00-\u9fa5·A-Za-z]{2,30}", "应为2至30个汉字或字母（可含·）")
EMAIL = regex_check(r"[\w.+-]+@[\w-]+(\.[\w-]+)+", "格式不正确")
POSTCODE = regex_check(r"\d{6}", "应为6位数字")


@dataclass(frozen=True)
class Field:
    """One input of a matter's form."""

    name: str
    label: str
    kind: str = "text"  # text | textarea | date | select | radio | checkbox | checkboxes | region
    required: bool = False
    options: Sequence[tuple[str, str]] = ()
    check: Check | None = None
    fmt: str = ""  # the format as documented for recipe authors
    maxlength: int = 0
    tab: str = ""
    plain_label: bool = False  # a text next to the input, not a <label for>
    region_level: int = 0  # 1 province, 2 city, 3 county
    hint: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def multi(self) -> bool:
        return self.kind == "checkboxes"


@dataclass(frozen=True)
class Matter:
    """A matter (业务事项): its id, title, URL path and fields."""

    id: str
    title: str
    path: str
    fields: Sequence[Field]

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)


def collect(matter: Matter, form: dict[str, list[str]]) -> dict[str, str]:
    """The submitted value of every field of MATTER (checkbox groups joined with ",", absent = "")."""
    values: dict[str, str] = {}
    for f in matter.fields:
        got = [v.strip() if f.kind != "textarea" else v.strip("\r\n ") for v in form.get(f.name, [])]
        values[f.name] = ",".join(got) if f.multi else (got[0] if got else "")
    return values


def validate(matter: Matter, values: dict[str, str], labels: dict[str, str]) -> list[tuple[str, str]]:
    """(field name, Chinese message) for every problem, in field order."""
    errors: list[tuple[str, str]] = []
    for f in matter.fields:
        value, label = values[f.name], labels[f.name]
        if not value:
            if f.required:
                verb = "请选择" if f.kind in {"select", "radio", "checkboxes", "region"} else "请填写"
                errors.append((f.name, f"{verb}{label}"))
            continue
        if f.kind in {"select", "radio", "checkbox"} and f.options:
            if value not in {v for v, _ in f.options}:
                errors.append((f.name, f"{label}的选项无效"))
            continue
        if f.kind == "checkboxes":
            allowed = {v for v, _ in f.options}
            if any(v not in allowed for v in value.split(",")):
                errors.append((f.name, f"{label}的选项无效"))
            continue
        if f.kind == "region":
            up = {1: "", 2: "省", 3: "市"}[f.region_level]
            parent = next(
                (
                    values[g.name]
                    for g in matter.fields
                    if g.kind == "region" and g.region_level == f.region_level - 1
                ),
                "",
            )
            if value not in regions.REGIONS or regions.REGIONS[value][1] != parent:
                errors.append((f.name, f"{label}与所选{up}不符" if up else f"{label}无效"))
            continue
        if f.check and (message := f.check(value)):
            errors.append((f.name, f"{label}{message}"))
        elif f.maxlength and len(value) > f.maxlength:
            errors.append((f.name, f"{label}不能超过{f.maxlength}个字"))
    return errors
