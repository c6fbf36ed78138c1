"""Labels → field values for each document kind, then the cross-checks.

Cross-checks never guess a value: look-alike characters in a number are
changed only when the checksum proves it (``checks.repair_*``). Proven fields
win: when the ID number passes every rule of ``records.standards`` (check
digit, a real and plausible birth date, a region code that existed at some
time from the birth year on), birth date and sex are the number's, and a card
reading that disagrees is kept as the field's ``note`` — the number carries
its own proof, the printed date does not. When the number is not proven, a
disagreement is an error and the printed values stay as read. Region vs
address disagreements are warnings (people move).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from clerkdesk.capture import checks
from clerkdesk.capture.layout import Token, Value, clean, find_label, value_of
from clerkdesk.capture.model import CapturedField, CaptureResult
from clerkdesk.capture.problems import problem
from clerkdesk.errors import Problem
from clerkdesk.records import addresses, regions
from clerkdesk.records.codes import ethnic_group_names
from clerkdesk.records.hanzi import traditional_forms, traditional_to_simplified
from clerkdesk.records.standards import IdNumber, check_id_number, check_uscc, normalise_name
from clerkdesk.vision.normalize import levenshtein

LABELS = {
    "idcard-front": ("姓名", "性别", "民族", "出生", "住址", "公民身份号码"),
    "idcard-back": ("中华人民共和国", "居民身份证", "签发机关", "有效期限"),
    "license": (
        "统一社会信用代码", "名称", "类型", "法定代表人", "注册资本", "成立日期", "营业期限", "住所", "经营范围",
        "登记机关", "营业执照", "编号",
    ),
}
# the labels that anchor a field (LABELS also holds titles and stoppers)
FIELD_LABELS = {
    "idcard-front": ("姓名", "性别", "民族", "出生", "住址", "公民身份号码"),
    "idcard-back": ("签发机关", "有效期限"),
    "license": ("统一社会信用代码", "名称", "类型", "法定代表人", "注册资本", "成立日期", "住所", "经营范围"),
}
INLINE = {"idcard-front": ("民族",), "idcard-back": (), "license": ()}
# widest gap inside one value line, in label heights (layout.value_of): ID card values are followed by the
# photo's blank area or the card's edge, so anything after such a gap is not theirs. Licences space their
# values freely (营业期限 …至 长期), so no limit there.
GAP = {"idcard-front": 4.0, "idcard-back": 4.0, "license": None}
# where labels may stand (layout.place_labels): the left column of field labels, and labels that share a
# column label's row (the ID card's 民族 stands on 性别's row, above 出生). Licences have two columns: not used.
COLUMN = {"idcard-front": ("姓名", "性别", "出生", "住址", "公民身份号码"), "idcard-back": ("签发机关", "有效期限"),
          "license": ()}
ROW_MATES = {"idcard-front": {"民族": ("性别", ("出生", "住址", "公民身份号码"))}, "idcard-back": {}, "license": {}}
# which way is up: labels near the top / near the bottom of each document
ANCHORS = {
    "idcard-front": (("姓名", "性别", "民族", "出生"), ("公民身份号码",)),
    "idcard-back": (("中华人民共和国", "居民身份证"), ("签发机关", "有效期限")),
    "license": (("营业执照", "统一社会信用代码"), ("经营范围", "住所", "登记机关", "成立日期", "营业期限")),
}
# label words that never occur in a real value: found inside one, a neighbouring label was read into it
# (checks.label_in_value). 民族 is not one (民族路, 民族北街), nor the licence's short 名称/类型/住所/编号.
LEAK_LABELS = {
    "idcard-front": ("公民身份号码", "签发机关", "有效期限", "居民身份证", "姓名", "性别", "出生", "住址"),
    "idcard-back": ("公民身份号码", "签发机关", "有效期限", "居民身份证", "姓名", "性别", "出生", "住址"),
    "license": ("统一社会信用代码", "法定代表人", "注册资本", "成立日期", "营业期限", "登记机关", "经营范围"),
}
TEXT_FIELDS = {
    "idcard-front": ("name", "address"),
    "idcard-back": ("issuing_authority",),
    "license": ("name", "entity_type", "legal_rep", "registered_capital", "address", "business_scope"),
}
LOW_CONFIDENCE = 0.8  # the default doubt line; per field: capture.doubt
_DATE = re.compile(r"(\d{4})\D{0,2}?(\d{1,2})\D{0,2}?(\d{1,2})")
_CJK_NAME = re.compile(r"[^\u3400-\u9fff·]")


def iso_date(text: str) -> str | None:
    m = _DATE.search(text)
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
    except ValueError:
        return None


# traditional forms the recogniser sometimes returns (Kai/Song faces) for characters of the 56 names: the one
# table of traditional forms (records.hanzi), plus 畬, a variant of 畲 (畲族) rather than its traditional form
_ETHNIC_VARIANTS = str.maketrans({**traditional_to_simplified(), "畬": "畲"})
def _ethnic_name(text: str) -> str | None:
    """TEXT as one of GB 3304's 56 names (without 族; 漢 → 汉, the same name in its traditional form), or None."""
    names = ethnic_group_names()
    for t in (text, text.removesuffix("族")):
        if t in names:
            return t
        if t.translate(_ETHNIC_VARIANTS) in names:
            return t.translate(_ETHNIC_VARIANTS)
    return None


Reread = Callable[[tuple[float, float, float, float]], tuple[str, float]]


class Builder:
    def __init__(self, result: CaptureResult, toks: list[Token], reread: Reread | None = None,
                 today: dt.date | None = None):
        self.r = result
        self.toks = toks
        self.reread = reread  # recognise one line in a box of the image (no detection)
        self.today = today or dt.date.today()

    def read_right_of(self, label: str) -> Value:
        """Re-read the space right of LABEL as one line, up to the next label on its row: for a short
        value (a lone 男/女) the text detector missed. Empty when the label itself was not read."""
        tok = find_label(self.toks, label)
        if tok is None or self.reread is None:
            return Value("", 0.0, None, 0)
        h = tok.h
        right = [t.box[0] for t in self.toks if t.label and t is not tok and t.box[0] > tok.box[2]
                 and abs(t.cy - tok.cy) < 0.5 * h]
        box = (tok.box[2] + 0.1 * h, tok.box[1] - 0.3 * h, min(right, default=tok.box[2] + 6 * h) - 0.1 * h,
               tok.box[3] + 0.3 * h)
        if box[2] - box[0] < 0.5 * h:
            return Value("", 0.0, None, 0)
        text, score = self.reread(box)
        return Value(clean(text), score, box, 1)

    def read(self, label: str, **kw: bool) -> Value:
        tok = find_label(self.toks, label)
        return (value_of(self.toks, tok, inline=INLINE[self.r.kind], gap=GAP[self.r.kind], **kw) if tok
                else Value("", 0.0, None, 0))

    def put(self, name: str, value: str | None, v: Value, conf: float | None = None, flags: tuple[str, ...] = ()) -> None:
        box = tuple(round(x) for x in v.box) if v.box else None
        c = v.score if conf is None else conf
        self.r.fields[name] = CapturedField(name, value, max(0.0, min(1.0, c)), box, v.text, flags)  # type: ignore[arg-type]

    def text_field(self, name: str, label: str, *, multiline: bool = False,
                   tidy: Callable[[str], str] = lambda s: s) -> None:
        v = self.read(label, multiline=multiline)
        value = tidy(v.text)
        self.put(name, value or None, v)

    def person_name(self, name: str, label: str) -> None:
        """A person's name: Chinese characters and the middle dot only. A reading with anything else (a digit, a
        ☑, a Latin letter) is re-read once on the crop of its own box; if that is clean it is the value,
        otherwise the stray characters are dropped and the field is flagged (``unexpected_characters``) —
        never silently stripped, because a stray character means the box may hold more than the name."""
        v = self.read(label)
        v = Value(normalise_name(v.text), v.score, v.box, v.lines)
        if not _CJK_NAME.search(v.text):
            self.put(name, v.text or None, v)
            return
        if self.reread is not None and v.box is not None:
            text, score = self.reread(v.box)
            again = normalise_name(clean(text))
            if again and not _CJK_NAME.search(again):
                self.put(name, again, Value(again, min(score, v.score), v.box, v.lines))
                return
        self.put(name, _CJK_NAME.sub("", v.text) or None, v)
        self.report(name, "unexpected_characters")

    def adjust(self, name: str, conf: float | None = None, cap: float | None = None, flag: str = "") -> None:
        f = self.r.fields.get(name)
        if f is None:
            return
        c = f.confidence if conf is None else max(f.confidence, conf)
        if cap is not None:
            c = min(c, cap)
        flags = (*f.flags, flag) if flag else f.flags
        self.r.fields[name] = CapturedField(f.name, f.value, c, f.box, f.raw, flags)

    def report(self, name: str, code: str) -> None:
        self.add(problem(name, code))

    def add(self, p: Problem) -> None:
        """Report P (capture's own or a ``records.standards`` problem already named after the field)."""
        self.r.problems.append(p)
        if p.severity == "error":
            self.adjust(p.field, cap=0.3)


def _fallback(toks: list[Token], pattern: str) -> Value:
    """A value found anywhere on the page by its shape (used when its label was not read)."""
    rx = re.compile(pattern)
    for t in toks:
        if t.label is None and rx.fullmatch(t.text):
            return Value(t.text, t.score, t.box, 1)
    return Value("", 0.0, None, 0)


def parse_front(b: Builder) -> None:
    b.person_name("name", "姓名")
    v = b.read("性别")
    if not v.text:
        v = b.read_right_of("性别")  # a lone character is the detector's weak spot
    sex = next((c for c in v.text if c in "男女"), None)
    b.put("sex", sex, v)
    if v.text and not sex:
        b.report("sex", "sex_invalid")
    v = b.read("民族")
    if not v.text:
        v = b.read_right_of("民族")
    eth = _ethnic_name(v.text)
    if v.text and eth is None and b.reread is not None:
        # outside the closed vocabulary (☑汉 on a JPEG q25 card, 回8812 with text beside the card):
        # re-read the space right of the label once; a reading that is one of the 56 names is proof
        again = b.read_right_of("民族")
        if _ethnic_name(again.text) is not None:
            v = again
            eth = _ethnic_name(again.text)
    if v.text and eth is None:
        stripped = _ethnic_name(_CJK_NAME.sub("", v.text))
        if stripped is not None:  # a name of the list once the stray characters go: kept, but flagged
            b.put("ethnicity", stripped, v)
            b.report("ethnicity", "unexpected_characters")
        else:
            b.put("ethnicity", v.text.removesuffix("族") or None, v)
            b.report("ethnicity", "ethnicity_unknown")
    else:
        b.put("ethnicity", eth, v)
    v = b.read("出生")
    b.put("birth_date", iso_date(v.text), v)
    if v.text and not iso_date(v.text):
        b.report("birth_date", "date_invalid")
    b.text_field("address", "住址", multiline=True)
    v = b.read("公民身份号码")
    if len(checks.normalize(v.text)) < 15:
        v = _fallback(b.toks, r"[0-9OISZBXx×]{17,19}")
    _id_number(b, v)
    address = b.r.value("address")  # after _id_number: a slip the proven region code fixes is no longer there
    if address and addresses.unknown_region_name(address) is not None:
        b.report("address", "address_region_unknown")
    leaked_labels(b)


def leaked_labels(b: Builder) -> None:
    """Flag a text value that holds another field's label (``label_in_value``): its box ran into that field."""
    for name in TEXT_FIELDS[b.r.kind]:
        value = b.r.value(name)
        if value and checks.label_in_value(value, LEAK_LABELS[b.r.kind]) is not None:
            b.report(name, "label_in_value")


def _id_number(b: Builder, v: Value) -> None:
    if not v.text:
        b.put("id_number", None, v)
        return
    rep = checks.repair_id(v.text)
    info, rules = check_id_number(rep.value, "id_number", b.today, allow_15=False)
    if rep.valid:
        b.put("id_number", rep.value, v, conf=0.9 if rep.changed else max(v.score, 0.99),
              flags=("corrected",) if rep.changed else ())
        if rep.changed:
            b.report("id_number", "id_corrected")
    else:
        b.put("id_number", rep.value, v)
    if rep.passing > 1:
        b.report("id_number", "id_ambiguous")
        return
    for p in rules:  # the records rules, as `clerkdesk check id` states them (ID_CHECKSUM, ID_REGION_UNKNOWN …)
        b.add(p)
    if info is not None:
        for p in info.warnings:
            b.add(p)
        _cross_check_person(b, info, proven=not info.warnings)
    elif rep.valid:  # the check digit holds but a rule fails (unknown region, future date): not proof
        _cross_check_person(b, None, proven=False, number=rep.value)


def _cross_check_person(b: Builder, info: IdNumber | None, *, proven: bool, number: str = "") -> None:
    """Birth date and sex against the number. PROVEN: the number's values win and the card's reading becomes
    the field's note; otherwise a disagreement is an error and the reading stays."""
    number = info.number if info else number
    birth = f"{number[6:10]}-{number[10:12]}-{number[12:14]}"
    sex = "男" if int(number[16]) % 2 else "女"
    for name, derived in (("birth_date", birth), ("sex", sex)):
        f = b.r.fields.get(name)
        read = f.value if f else None
        if read == derived:
            b.adjust(name, conf=0.99)
        elif proven:
            raw = f.raw if f else ""
            shown = read if read is not None else (raw or "nothing readable")
            box = f.box if f else None
            b.r.fields[name] = CapturedField(name, derived, 0.99, box, raw, ("from_id_number",), f"card shows {shown}")
            b.report(name, f"{name}_from_number")
        elif read is not None:
            b.report(name, f"{name}_mismatch")
    _snap_address(b, number[:6])
    address = b.r.value("address")
    if address and addresses.address_agrees(number[:6], address) is False:
        b.report("address", "region_address_mismatch")


def _snap_address(b: Builder, code: str) -> None:
    """涼山 → 凉山: one misread character in the region names the (checksum-proven) code spells out."""
    f = b.r.fields.get("address")
    fixed = addresses.snap_region_prefix(f.value, code) if f and f.value else None
    if f is None or fixed is None:
        return
    b.r.fields["address"] = CapturedField(f.name, fixed, min(f.confidence, 0.9), f.box, f.raw, (*f.flags, "corrected"))
    b.report("address", "address_corrected")


_PERIOD = re.compile(r"(\d{4}\D?\d{1,2}\D?\d{1,2})\D{0,3}?(\d{4}\D?\d{1,2}\D?\d{1,2}|长期)")


def _authority_place_known(authority: str) -> bool | None:
    """签发机关 is a public-security bureau named after its place (旺苍县公安局, 阜新市公安局新邱分局): the text
    before 公安局 must end with a name GB/T 2260 has had. None: not of that shape (nothing to say)."""
    place = authority.split("公安局", 1)[0] if "公安局" in authority else ""
    if not place:
        return None
    known = regions.place_names()
    return any(place[i:] in known for i in range(len(place) - 1))  # a suffix of two or more characters


def parse_back(b: Builder, today: dt.date) -> None:
    b.text_field("issuing_authority", "签发机关")
    authority = b.r.value("issuing_authority")
    if authority and _authority_place_known(authority) is False:  # 旺荟县 for 旺苍县: one misread character
        place, _, rest = authority.partition("公安局")
        fixed = addresses.snap_place_name(place)
        if fixed is not None:  # the one name GB/T 2260 has had one character away: fixed, still to be checked
            b.adjust("issuing_authority", cap=0.9, flag="corrected")
            f = b.r.fields["issuing_authority"]
            b.r.fields["issuing_authority"] = CapturedField(f.name, f"{fixed}公安局{rest}", f.confidence, f.box,
                                                            f.raw, f.flags)
            b.report("issuing_authority", "authority_corrected")
        else:
            b.report("issuing_authority", "authority_place_unknown")
    if authority and checks.authority_has_digits(authority):  # 慈利县公安局035.02.13: the validity read into it
        b.report("issuing_authority", "authority_has_digits")
    leaked_labels(b)
    v = b.read("有效期限")
    m = _PERIOD.search(v.text.replace("至", "-"))
    if not m:
        for t in b.toks:
            m = _PERIOD.search(t.text)
            if m and t.label is None:
                v = Value(t.text, t.score, t.box, 1)
                break
    if not m:
        b.put("valid_from", None, v)
        b.put("valid_to", None, v)
        return
    start = iso_date(m.group(1))
    b.put("valid_from", start, v)
    if start is None:
        b.report("valid_from", "date_invalid")
    if m.group(2) == "长期":
        b.put("valid_to", None, v, flags=("long_term",))
        return
    end = iso_date(m.group(2))
    b.put("valid_to", end, v)
    if end is None:
        b.report("valid_to", "date_invalid")
    elif start is not None:
        s, e = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
        if e <= s:
            b.report("valid_to", "valid_period_order")
        else:
            same_day = (e.month, e.day) == (s.month, s.day) or (s.month, s.day) == (2, 29)
            if (e.year - s.year) not in (5, 10, 20) or not same_day:
                b.report("valid_to", "valid_period_unusual")
        if e < today:
            b.report("valid_to", "expired")


def parse_license(b: Builder) -> None:
    v = b.read("统一社会信用代码")
    if len(checks.normalize(v.text)) < 15:
        v = b.read("统一社会信用代码", below=True)
    if len(checks.normalize(v.text)) < 15:
        v = _fallback(b.toks, r"[0-9A-Z]{17,19}")
    _uscc(b, v)
    b.text_field("name", "名称", multiline=True)
    b.text_field("entity_type", "类型", multiline=True)
    b.person_name("legal_rep", "法定代表人")
    b.text_field("registered_capital", "注册资本")
    v = b.read("成立日期")
    b.put("established", iso_date(v.text), v)
    if v.text and not iso_date(v.text):
        b.report("established", "date_invalid")
    b.text_field("address", "住所", multiline=True)
    b.text_field("business_scope", "经营范围", multiline=True)
    leaked_labels(b)
    _closing_sentence(b)
    _scope_colons(b)
    _traditional_forms(b)
    code = b.r.value("uscc")
    if code and "uscc" not in {p.field for p in b.r.errors}:  # proven: every check of check_uscc passed
        _snap_address(b, code[2:8])
        address = b.r.value("address")
        if address and addresses.address_agrees(code[2:8], address) is False:
            b.report("address", "region_address_mismatch")


# The fixed sentences a business scope closes with (NFKC: full-width brackets and commas are ASCII), as printed on
# licences under the 经营范围 registration rules; the synthetic licences (testing.fake) print the first.
CLOSING_SENTENCES = (
    "(依法须经批准的项目,经相关部门批准后方可开展经营活动)",
    "(依法须经批准的项目,经相关部门批准后方可开展经营活动,具体经营项目以相关部门批准文件或许可证件为准)",
    "(除依法须经批准的项目外,凭营业执照依法自主开展经营活动)",
)
CLOSING_EDITS = 3  # at most this many characters misread, lost or added in the sentence


def closing_sentence(scope: str) -> str | None:
    """SCOPE with its closing sentence restored when its end is a near-copy (1 … CLOSING_EDITS edits) of exactly
    one of CLOSING_SENTENCES and nearer to it than to any other (``挫准`` for 批准, a comma or a bracket lost);
    None when it ends with one exactly or with none of them."""
    best: list[tuple[int, int, str]] = []  # (edits, length of the end replaced, sentence)
    for sentence in CLOSING_SENTENCES:
        n = len(sentence)
        ends = range(max(1, n - CLOSING_EDITS), min(len(scope), n + CLOSING_EDITS) + 1)
        if ends:
            d, k = min((levenshtein(scope[-k:], sentence), k) for k in ends)
            best.append((d, k, sentence))
    if not best:
        return None
    best.sort()
    d, k, sentence = best[0]
    if d == 0 or d > CLOSING_EDITS or (len(best) > 1 and best[1][0] == d):
        return None
    return scope[:-k] + sentence


def _closing_sentence(b: Builder) -> None:
    """The business scope's fixed closing sentence, misread, is restored from its known text: flag ``corrected``,
    confidence ≤ 0.9 and ``scope_corrected`` (warning), as every correction no check character proves."""
    f = b.r.fields.get("business_scope")
    fixed = closing_sentence(f.value) if f and f.value else None
    if f is None or fixed is None:
        return
    b.r.fields["business_scope"] = CapturedField(f.name, fixed, min(f.confidence, 0.9), f.box, f.raw,
                                                 (*f.flags, "corrected"), f.note)
    b.report("business_scope", "scope_corrected")


_HEADED = re.compile(r"项目:")  # 许可项目： / 一般项目： head the parts of a scope; no other colon stands in one


def _scope_colons(b: Builder) -> None:
    """A colon in a business scope other than after 许可项目/一般项目 is a misread ``；`` (the list's separator,
    read surely as ``:`` on phone photos and JPEG q25 licences): ``scope_colon`` (warning), value as read."""
    scope = b.r.value("business_scope")
    if scope and scope.count(":") > len(_HEADED.findall(scope)):
        b.report("business_scope", "scope_colon")


def _traditional_forms(b: Builder) -> None:
    """A licence is printed in simplified characters: a traditional-only form in a text value (``蔣`` for 蒋,
    ``貨`` for 货) is a misreading. ``traditional_character`` (warning); the value stays as read and the field's
    note names the characters (``蔣 → 蒋?``)."""
    table = traditional_to_simplified()
    for name in TEXT_FIELDS[b.r.kind]:
        f = b.r.fields.get(name)
        found = traditional_forms(f.value) if f and f.value else []
        if f is None or not found:
            continue
        note = "traditional form read: " + ", ".join(f"{ch} → {table[ch]}?" for ch in found)
        b.r.fields[name] = CapturedField(f.name, f.value, f.confidence, f.box, f.raw, f.flags,
                                         f"{f.note}; {note}" if f.note else note)
        b.report(name, "traditional_character")


def _uscc(b: Builder, v: Value) -> None:
    if not v.text:
        b.put("uscc", None, v)
        return
    rep = checks.repair_uscc(v.text)
    if rep.valid:
        b.put("uscc", rep.value, v, conf=0.9 if rep.changed else max(v.score, 0.99),
              flags=("corrected",) if rep.changed else ())
        if rep.changed:
            b.report("uscc", "uscc_corrected")
    else:
        b.put("uscc", rep.value, v)
    if rep.passing > 1:
        b.report("uscc", "uscc_ambiguous")
        return
    info, rules = check_uscc(rep.value, "uscc")  # the records rules: check characters, authority, region
    for p in rules:
        b.add(p)
    for p in info.warnings if info else ():
        b.add(p)
