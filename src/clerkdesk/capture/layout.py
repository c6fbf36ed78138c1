"""Label-anchored field geometry over OCR boxes.

OCR gives text lines. A label may arrive alone (``姓名``), glued to its value
(``民族基诺``, ``法定代表人毛志华``), or split into characters (``名`` ``称``
when a licence spaces its labels). :func:`tokens` turns boxes into label and
value tokens; :func:`value_of` collects the value tokens that belong to a
label: same row to its right up to the next label, then (for multi-line
fields) the following lines of the same column, in reading order. A value
box between two rows of a column belongs to the label whose row it is nearer to.
"""

from __future__ import annotations

import statistics
import unicodedata
from dataclasses import dataclass

from clerkdesk.vision.ocr import TextBox

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class Token:
    text: str
    score: float
    box: Box
    label: str | None = None  # the printed label this token is, if any

    @property
    def h(self) -> float:
        return self.box[3] - self.box[1]

    @property
    def cy(self) -> float:
        return (self.box[1] + self.box[3]) / 2


def clean(text: str) -> str:
    """NFKC (full-width → half-width), no whitespace (incl. the ideographic space)."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text) if not ch.isspace())


def _width(ch: str) -> float:
    return 0.55 if ord(ch) < 0x2E80 else 1.0


def _split_box(box: Box, text: str, at: int) -> tuple[Box, Box]:
    """Split a box horizontally after AT characters, in proportion to character widths."""
    total = sum(_width(c) for c in text) or 1.0
    frac = sum(_width(c) for c in text[:at]) / total
    x = box[0] + (box[2] - box[0]) * frac
    return (box[0], box[1], x, box[3]), (x, box[1], box[2], box[3])


def _edit1(a: str, b: str) -> bool:
    """Equal up to one substituted, dropped or added character."""
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) <= 1
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def same_row(a: Box, b: Box, frac: float = 0.5) -> bool:
    overlap = min(a[3], b[3]) - max(a[1], b[1])
    return overlap > frac * min(a[3] - a[1], b[3] - b[1])


def tokens(boxes: list[TextBox], labels: tuple[str, ...], inline: tuple[str, ...] = (),
           lone: tuple[str, ...] | None = None) -> list[Token]:
    """Boxes → tokens, with labels recognised, merged (split characters) and split off (glued values).

    INLINE labels may also be found in the middle of a box (``女民族基诺``). LONE (default: all
    LABELS) are the two-character labels that one surviving character may stand for (field labels,
    not stoppers such as ``编号``, whose ``号`` also ends many addresses).
    """
    raw = [Token(clean(b.text), b.score, tuple(float(v) for v in b.bbox)) for b in boxes]  # type: ignore[misc]
    raw = [u for t in raw if t.text for u in _split_vertical(t)]
    by_len = sorted(labels, key=len, reverse=True)
    raw = _merge_split_labels(raw, by_len)
    out: list[Token] = []
    for t in raw:
        if "SPECIMEN" in t.text.upper() or t.text == "样本":
            out.append(Token(t.text, t.score, t.box, SPECIMEN))  # a stopper, never a value
            continue
        out.extend(_split_labels(t, by_len, inline))
    return _lone_characters(out, labels if lone is None else lone)


SPECIMEN = "样本"


def _lone_characters(toks: list[Token], labels: tuple[str, ...]) -> list[Token]:
    """A spaced two-character label whose other half OCR dropped (``所`` of ``住　所``) still anchors its field."""
    found = {t.label for t in toks if t.label}
    out = list(toks)
    for lab in labels:
        if len(lab) != 2 or lab in found:
            continue
        for i, t in enumerate(out):
            if t.label is None and len(t.text) == 1 and t.text in lab:
                box = t.box
                # the other half, misread, sits just right of it: part of the label, not of the value
                near = [u for u in out if u.label is None and len(u.text) == 1 and u is not t and same_row(u.box, t.box)
                        and 0 < u.box[0] - t.box[2] < 3 * t.h]
                if t.text == lab[0] and near:
                    u = min(near, key=lambda u: u.box[0])
                    box = (t.box[0], min(t.box[1], u.box[1]), u.box[2], max(t.box[3], u.box[3]))
                    out.remove(u)
                    i = out.index(t)
                out[i] = Token(lab, t.score * 0.9, box, lab)
                break
    return out


def _split_vertical(t: Token) -> list[Token]:
    """A tall box of N characters is N rows' first characters, which the detector joined into one
    vertical "line" (the 名/类/住 of justified licence labels stacked in a column): one token each."""
    w, n = t.box[2] - t.box[0], len(t.text)
    if n < 2 or t.h < 1.5 * w or t.h / n < 0.6 * w:
        return [t]
    step = t.h / n
    return [Token(ch, t.score, (t.box[0], t.box[1] + i * step, t.box[2], t.box[1] + (i + 1) * step))
            for i, ch in enumerate(t.text)]


def _merge_split_labels(raw: list[Token], labels: list[str]) -> list[Token]:
    """``名`` + ``称`` (same row, left to right) → one ``名称`` label token; ``名`` + ``称阜新…`` (the
    label's last character glued to the value) → ``名称`` + a value token ``阜新…``."""
    used: set[int] = set()
    merged: list[Token] = []
    order = sorted(range(len(raw)), key=lambda i: raw[i].box[0])  # partners lie to the right
    for i in order:
        if i in used:
            continue
        t = raw[i]
        if len(t.text) <= 2 and t.text not in labels:
            row = sorted(
                (j for j in range(len(raw)) if j not in used and j != i and same_row(raw[j].box, t.box)
                 and raw[j].box[0] > t.box[0]),
                key=lambda j: raw[j].box[0],
            )
            text, parts = t.text, [i]
            for j in row[:3]:
                glued = _glued_rest(text, raw[j], labels)
                if glued is not None:
                    lab, head, tail = glued
                    used.update((*parts, j))
                    bs = [raw[k].box for k in parts] + [head]
                    box = (min(b[0] for b in bs), min(b[1] for b in bs), max(b[2] for b in bs), max(b[3] for b in bs))
                    merged.append(Token(lab, min(raw[k].score for k in (*parts, j)), box, lab))
                    merged.append(Token(raw[j].text[len(lab) - len(text):], raw[j].score, tail))
                    break
                if len(raw[j].text) > 3 or not any(lab.startswith(text + raw[j].text) for lab in labels):
                    break
                text += raw[j].text
                parts.append(j)
                if text in labels:
                    used.update(parts)
                    bs = [raw[k].box for k in parts]
                    box = (min(b[0] for b in bs), min(b[1] for b in bs), max(b[2] for b in bs), max(b[3] for b in bs))
                    merged.append(Token(text, min(raw[k].score for k in parts), box, text))
                    break
            if i in used:
                continue
        used.add(i)
        merged.append(t)
    return merged


def _glued_rest(text: str, t: Token, labels: list[str]) -> tuple[str, Box, Box] | None:
    """TEXT + the start of T spell a whole label and T goes on: (label, box of its part, box of the rest)."""
    for lab in labels:
        rest = lab[len(text):]
        if lab.startswith(text) and rest and t.text.startswith(rest) and len(t.text) > len(rest):
            head, tail = _split_box(t.box, t.text, len(rest))
            return lab, head, tail
    return None


def _split_labels(t: Token, labels: list[str], inline: tuple[str, ...]) -> list[Token]:
    if t.label:
        return [t]
    text = t.text.lstrip(":")
    for lab in labels:
        if text == lab or (len(lab) >= 4 and len(text) <= len(lab) + 1 and _edit1(text, lab)):
            return [Token(lab, t.score, t.box, lab)]
    for lab in labels:
        # glued to its value; a long label may have one character misread (经营范圈 for 经营范围)
        if len(text) > len(lab) and (text.startswith(lab) or (len(lab) >= 4 and _edit1(text[:len(lab)], lab))):
            lbox, vbox = _split_box(t.box, text, len(lab))
            rest = Token(text[len(lab):].lstrip(":"), t.score, vbox)
            return [Token(lab, t.score, lbox, lab), *_split_labels(rest, labels, inline)]
    for lab in inline:
        k = text.find(lab)
        if k > 0:
            head_box, tail_box = _split_box(t.box, text, k)
            lbox, vbox = _split_box(tail_box, text[k:], len(lab))
            out = [Token(text[:k], t.score, head_box), Token(lab, t.score, lbox, lab)]
            if len(text) > k + len(lab):
                out.extend(_split_labels(Token(text[k + len(lab):], t.score, vbox), labels, inline))
            return out
    return [Token(text, t.score, t.box)]


@dataclass(frozen=True)
class Value:
    text: str
    score: float
    box: Box | None
    lines: int


def find_label(toks: list[Token], label: str) -> Token | None:
    found = [t for t in toks if t.label == label]
    return min(found, key=lambda t: (t.box[1], t.box[0])) if found else None


def _until_gap(row: list[Token], max_gap: float) -> list[Token]:
    """ROW (sorted left to right) up to the first gap wider than MAX_GAP."""
    out = row[:1]
    for t in row[1:]:
        if t.box[0] - out[-1].box[2] > max_gap:
            break
        out.append(t)
    return out


def value_of(toks: list[Token], label: Token, *, multiline: bool = False, below: bool = False,
             inline: tuple[str, ...] = (), gap: float | None = None) -> Value:
    """The value tokens that belong to LABEL (see module docstring); ``below``: the value sits under the label.

    INLINE labels (the ID card's 民族, a one-line value in the middle of 性别's row) head no column: the
    address lines under them are not theirs. GAP (in label heights): a row's value ends at the first gap
    wider than that — on an ID card the photo's blank area lies between every value and the card's right
    edge, so text printed beside the card (a receipt's ``收据`` after the name ``莫娟``) is never read on."""
    labels = [t for t in toks if t.label and t is not label]
    h = label.h
    values = [t for t in toks if t.label is None]
    if below:
        cands = [t for t in values if t.box[1] > label.box[1] + 0.5 * h and t.box[1] < label.box[3] + 2.5 * h
                 and t.box[0] < label.box[2] and t.box[2] > label.box[0]]
        if not cands:
            return Value("", 0.0, None, 0)
        first = min(cands, key=lambda t: t.box[1])
        row = [t for t in cands if same_row(t.box, first.box)]
        return _join([sorted(row, key=lambda t: t.box[0])])
    # the next label to the right on the label's row bounds the value
    right = [t.box[0] for t in labels if same_row(t.box, label.box, 0.3) and t.box[0] > label.box[2] - 2]
    x_end = min(right, default=float("inf"))
    # a line that has another label between it and ours, at or above it, belongs to that label's column
    # (two-column licences: the right column's address must not leak into the left column's scope)
    def owned_elsewhere(t: Token) -> bool:
        return any(o.box[0] > label.box[2] and o.box[2] <= t.box[0] + 0.5 * h and o.box[1] <= t.box[1] + h
                   and o.label not in inline for o in labels)

    # labels that head another row of our column: a value box between two rows (tight lines, a tall box, a
    # photo's perspective) belongs to the row it is nearer to — 有效期限's dates are not 签发机关's
    other_rows = [o for o in labels if abs(o.box[0] - label.box[0]) < 2.5 * h and not same_row(o.box, label.box)]

    def nearer_elsewhere(t: Token) -> bool:
        d = abs(t.cy - label.cy)
        return any(o.box[2] <= t.box[0] + 0.5 * h and abs(t.cy - o.cy) < d - 0.1 * h for o in other_rows)

    first_row = sorted(
        (t for t in values if same_row(t.box, label.box, 0.3) and t.box[0] >= label.box[2] - 0.6 * h
         and t.box[2] <= x_end + 0.5 * h and not owned_elsewhere(t) and not nearer_elsewhere(t)),
        key=lambda t: t.box[0],
    )
    # two lines stacked over each other, both reaching the label's row (the label stands between them: a
    # photo's perspective, tight lines) are two lines, not one: the upper one is the first, the lower one
    # follows it (bench phone fronts 1040014/1040015: `设路803号…室建`, `…苗族自治3单元604室`)
    stacked: list[Token] = []
    if len(first_row) > 1:
        top = min(first_row, key=lambda t: t.box[1])
        stacked = [t for t in first_row if not same_row(t.box, top.box)
                   and min(t.box[2], top.box[2]) - max(t.box[0], top.box[0]) > 0.5 * min(t.box[2] - t.box[0],
                                                                                          top.box[2] - top.box[0])]
        if stacked:
            first_row = [t for t in first_row if same_row(t.box, top.box)]
    if gap is not None and first_row:
        first_row = _until_gap(first_row, gap * max(h, min(t.h for t in first_row)))
    lines = [first_row] if first_row else []
    if not multiline or not first_row:
        return _join(lines)
    x0 = min(t.box[0] for t in first_row)
    # a value glued to its label was split off in proportion to character counts, which misplaces its
    # left edge when label and value differ in size or spacing: the second line sets the real indent
    glued = abs(first_row[0].box[0] - label.box[2]) < 0.5
    bottom, row_cy = max(t.box[3] for t in first_row), max(t.cy for t in first_row)
    # the next label in the same column stops the field (it may overlap ours when lines are tight)
    stops = [t.box[1] for t in labels if t.box[1] > label.cy and abs(t.box[0] - label.box[0]) < 2.5 * h]
    y_stop = min(stops, default=float("inf"))
    rest = [t for t in values if t not in first_row and (t.box[1] > label.box[1] + 0.5 * h or t in stacked)
            and t.cy < y_stop]
    while True:
        lo = label.box[0] + h if glued else x0 - 1.0 * h
        # the next line starts below this one's bottom, or (boxes made tall by a photo's slant overlap) at
        # least lies most of a line lower (bench phone front 1040019)
        nxt = [t for t in rest if (t.box[1] > bottom - 0.5 * h or t.cy > row_cy + 0.75 * h)
               and t.box[1] < bottom + 1.2 * h and lo <= t.box[0] <= x0 + (4.5 if glued else 1.5) * h]
        if not nxt:
            break
        top = min(nxt, key=lambda t: t.box[1])
        row = [t for t in rest if same_row(t.box, top.box) and t.box[0] >= lo]
        row = sorted((t for t in row if not owned_elsewhere(t)), key=lambda t: t.box[0])
        if gap is not None and row:
            row = _until_gap(row, gap * max(h, min(t.h for t in row)))
        if not row:
            break
        lines.append(row)
        if glued:
            x0, glued = row[0].box[0], False
        rest = [t for t in rest if t not in row]
        bottom, row_cy = max(t.box[3] for t in row), max(t.cy for t in row)
    return _join(lines)


def place_labels(toks: list[Token], column: tuple[str, ...], row_mates: dict[str, tuple[str, tuple[str, ...]]]
                 ) -> list[Token]:
    """Keep a label only where the document's layout puts labels; elsewhere its words are value text.

    Words, not positions, made a token a label: ``民族`` inside the address ``…兴庆区民族北街272号`` cut
    the address short, silently. On a document whose field labels stand in one left column (the ID card),
    a COLUMN label more than two label heights right of that column is inside a value. A ROW_MATES label
    (``民族`` → ``("性别", below)``) must share its mate's row; without the mate it must lie above the
    BELOW labels (出生, 住址 …). A demoted label keeps its text and box, so the value reads on unbroken.
    """
    col = [t for t in toks if t.label in column]
    if not col:
        return toks
    h = sorted(t.h for t in col)[len(col) // 2]
    # the column is where most column labels stand: a receipt's 住址变更 left of the card is a column word too,
    # and taking the left-most one for the column demoted every real label of the card (phone photo)
    aligned = max(([u for u in col if abs(u.box[0] - t.box[0]) <= 2 * h] for t in col), key=len)
    # its middle, not its left-most member: a desk's 住址 just under two label heights left of 姓名 is "aligned"
    # too, and the column taken from it lost the card's own 性别 … 公民身份号码, which a photo's perspective
    # slants to the right further down (bench phone front 1040019: address 变更, from the desk)
    x_col = statistics.median(t.box[0] for t in aligned)
    by_label: dict[str, list[Token]] = {}
    for t in toks:
        if t.label:
            by_label.setdefault(t.label, []).append(t)

    def in_column(t: Token) -> bool:
        return x_col - 2 * h <= t.box[0] <= x_col + 2 * h

    def placed(t: Token) -> bool:
        if t.label in column:
            return in_column(t)
        if t.label in row_mates:
            mate_label, below = row_mates[t.label]
            mates = [m for m in by_label.get(mate_label, []) if in_column(m)]
            if mates:
                return any(same_row(t.box, m.box, 0.3) and t.box[0] > m.box[2] for m in mates)
            lows = [b.box[1] for lab in below for b in by_label.get(lab, []) if in_column(b)]
            return not lows or t.cy < min(lows)
        return True

    return [t if t.label is None or t.label == SPECIMEN or placed(t) else Token(t.text, t.score, t.box) for t in toks]


def _dedupe_overlap(prev: Token, t: Token) -> str:
    """T's text without the leading characters that lie inside PREV's box: the detector sometimes returns
    two overlapping boxes for one line (``'1971'`` + ``'1年12 月 19 日'``), whose joint text repeats the
    overlapped characters (``19711年…`` → 1971-01-12). Character positions are estimated from widths."""
    overlap = prev.box[2] - t.box[0]
    if overlap <= 0.15 * t.h or not t.text:
        return t.text
    total = sum(_width(c) for c in t.text) or 1.0
    span = t.box[2] - t.box[0]
    x, drop = t.box[0], 0
    for ch in t.text:
        w = span * _width(ch) / total
        if x + w / 2 >= prev.box[2]:
            break
        x += w
        drop += 1
    return t.text[drop:]


def _join(lines: list[list[Token]]) -> Value:
    toks = [t for line in lines for t in line]
    if not toks:
        return Value("", 0.0, None, 0)
    box = (min(t.box[0] for t in toks), min(t.box[1] for t in toks), max(t.box[2] for t in toks), max(t.box[3] for t in toks))
    parts = []
    for line in lines:
        for i, t in enumerate(line):
            parts.append(_dedupe_overlap(line[i - 1], t) if i else t.text)
    return Value("".join(parts), min(t.score for t in toks), box, len(lines))
