"""Draw ID-card-like and business-licence-like SPECIMEN images (Pillow) from fake records.

Two styles: ``main`` (what the tests and most of the benchmark use) and
``heldout`` (other font face, sizes, offsets, colours and background), to
estimate accuracy on layouts the extractor was not tuned on. Every image says
样本 SPECIMEN on its face.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from clerkdesk.capture.specimen import silhouette
from clerkdesk.testing.fake import FakeCompany, FakePerson

WQY = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
_FONT_CANDIDATES = (
    WQY,
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/truetype/arphic/uming.ttc"),
)

RGB = tuple[int, int, int]


@dataclass(frozen=True)
class Style:
    name: str
    font_index: int  # face inside the .ttc (wqy: 0 Micro Hei, 1 Micro Hei Mono)
    label_size: int
    value_size: int
    number_size: int
    label_rgb: RGB
    value_rgb: RGB
    bg_top: RGB
    bg_bottom: RGB
    value_dx: int  # extra gap between label column and values
    dy: int  # vertical shift of the field block
    line_gap: float  # multi-line spacing, × value size
    address_chars: int  # characters per address line on the card


MAIN = Style("main", 0, 28, 32, 36, (40, 95, 160), (20, 20, 20), (236, 242, 248), (250, 240, 226), 0, 0, 1.35, 11)
HELDOUT = Style("heldout", 1, 25, 29, 33, (120, 70, 40), (45, 35, 60), (246, 238, 225), (228, 238, 232), 24, 14, 1.45, 12)
STYLES = {"main": MAIN, "heldout": HELDOUT}


def font_path() -> Path:
    for p in _FONT_CANDIDATES:
        if p.is_file():
            return p
    raise FileNotFoundError("no CJK font found; install fonts-wqy-microhei")


@cache
def font(size: int, index: int = 0) -> ImageFont.FreeTypeFont:
    path = font_path()
    try:
        return ImageFont.truetype(str(path), size, index=index)
    except OSError:
        return ImageFont.truetype(str(path), size, index=0)


def _background(w: int, h: int, style: Style, rng: random.Random) -> Image.Image:
    t = np.linspace(0.0, 1.0, h)[:, None, None]
    top = np.array(style.bg_top, float)
    bottom = np.array(style.bg_bottom, float)
    arr = np.broadcast_to(top * (1 - t) + bottom * t, (h, w, 3)).copy()
    # faint guilloche-like waves, as on security paper
    yy, xx = np.mgrid[0:h, 0:w]
    phase = rng.uniform(0, 6.28)
    period = rng.uniform(18, 30) if style.name == "main" else rng.uniform(9, 14)
    waves = np.sin(xx / period + 3 * np.sin(yy / (period * 2.5) + phase)) * np.sin(yy / (period * 0.7))
    arr -= (waves > 0.85)[..., None] * np.array([14, 10, 4])
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))


def _specimen(draw: ImageDraw.ImageDraw, xy: tuple[int, int], size: int, index: int) -> None:
    draw.text(xy, "样本 SPECIMEN", font=font(size, index), fill=(200, 40, 40))


_NO_LINE_START = set("，。、；：？！）》」』”’,.;:)")  # 避头尾: closing punctuation never starts a line


def _wrap(text: str, per_line: int) -> list[str]:
    lines: list[str] = []
    for ch in text:
        if not lines or (len(lines[-1]) >= per_line and ch not in _NO_LINE_START):
            lines.append("")
        lines[-1] += ch
    return lines


def _wrap_px(text: str, f: ImageFont.FreeTypeFont, width: int) -> list[str]:
    lines, cur = [], ""
    for ch in text:
        if cur and f.getlength(cur + ch) > width and ch not in _NO_LINE_START:
            lines.append(cur)
            cur = ""
        cur += ch
    return [*lines, cur] if cur else lines


def render_idcard_front(p: FakePerson, style: Style, rng: random.Random) -> Image.Image:
    w, h = 1000, 630
    img = _background(w, h, style, rng)
    d = ImageDraw.Draw(img)
    lf, vf, nf = font(style.label_size, style.font_index), font(style.value_size, style.font_index), font(style.number_size, style.font_index)
    x_label, x_value = 70 + rng.randint(-6, 6), 170 + style.value_dx + rng.randint(-4, 4)
    y = 60 + style.dy + rng.randint(-5, 5)
    step = int(style.value_size * 2.3)

    def label(x: int, yy: int, text: str) -> None:
        d.text((x, yy + (style.value_size - style.label_size) // 2), text, font=lf, fill=style.label_rgb)

    label(x_label, y, "姓名")
    d.text((x_value, y), p.name, font=vf, fill=style.value_rgb)
    y += step
    label(x_label, y, "性别")
    d.text((x_value, y), p.sex, font=vf, fill=style.value_rgb)
    x_eth = x_value + 150
    label(x_eth, y, "民族")
    d.text((x_eth + int(style.label_size * 2.6), y), p.ethnicity, font=vf, fill=style.value_rgb)
    y += step
    label(x_label, y, "出生")
    yyyy, mm, dd = p.birth_date.split("-")
    x = x_value
    for part, unit, gap in ((yyyy, "年", 12), (str(int(mm)), "月", 10), (str(int(dd)), "日", 0)):
        d.text((x, y), part, font=vf, fill=style.value_rgb)
        x += int(vf.getlength(part)) + 8
        label(x, y, unit)
        x += int(lf.getlength(unit)) + 8 + gap * 2
    y += step
    label(x_label, y, "住址")
    for line in _wrap(p.address, style.address_chars):
        d.text((x_value, y), line, font=vf, fill=style.value_rgb)
        y += int(style.value_size * style.line_gap)
    y_num = 520 + style.dy // 2 + rng.randint(-5, 5)
    label(x_label, y_num + 2, "公民身份号码")
    x_num = x_label + int(lf.getlength("公民身份号码")) + 50 + style.value_dx
    for ch in p.id_number:
        d.text((x_num, y_num), ch, font=nf, fill=style.value_rgb)
        x_num += int(nf.getlength(ch)) + 4
    silhouette(img, (700, 95, 900, 345), rng)
    _specimen(d, (720, 30), 26, style.font_index)
    return img


def _emblem(img: Image.Image, box: tuple[int, int, int, int]) -> None:
    d = ImageDraw.Draw(img)
    x0, y0, x1, y1 = box
    d.ellipse(box, fill=(200, 40, 40), outline=(230, 180, 40), width=8)
    cx, cy, r = (x0 + x1) / 2, (y0 + y1) / 2, (x1 - x0) / 6
    pts = []
    for i in range(10):
        rad = r if i % 2 == 0 else r * 0.4
        a = -math.pi / 2 + i * math.pi / 5
        pts.append((cx + rad * math.cos(a), cy - r * 0.6 + rad * math.sin(a)))
    d.polygon(pts, fill=(240, 200, 40))
    d.rectangle((cx - r * 1.5, cy + r * 0.6, cx + r * 1.5, cy + r * 1.1), fill=(240, 200, 40))


def render_idcard_back(p: FakePerson, style: Style, rng: random.Random) -> Image.Image:
    w, h = 1000, 630
    img = _background(w, h, style, rng)
    d = ImageDraw.Draw(img)
    _emblem(img, (60, 50, 230, 220))
    title1 = font(46 if style.name == "main" else 42, style.font_index)
    title2 = font(70 if style.name == "main" else 62, style.font_index)
    d.text((300 + rng.randint(-5, 5), 80 + style.dy), "中华人民共和国", font=title1, fill=(30, 30, 30))
    d.text((300 + rng.randint(-5, 5), 160 + style.dy), "居民身份证", font=title2, fill=(30, 30, 30))
    lf, vf = font(style.label_size, style.font_index), font(style.value_size, style.font_index)
    x_label = 170 + rng.randint(-6, 6)
    x_value = x_label + int(lf.getlength("签发机关")) + 40 + style.value_dx
    y = 420 + style.dy + rng.randint(-5, 5)
    off = (style.value_size - style.label_size) // 2
    d.text((x_label, y + off), "签发机关", font=lf, fill=style.label_rgb)
    d.text((x_value, y), p.issuing_authority, font=vf, fill=style.value_rgb)
    y += int(style.value_size * 2.3)
    d.text((x_label, y + off), "有效期限", font=lf, fill=style.label_rgb)
    start = p.valid_from.replace("-", ".")
    end = p.valid_to.replace("-", ".") if p.valid_to else "长期"
    d.text((x_value, y), f"{start}-{end}", font=vf, fill=style.value_rgb)
    _specimen(d, (740, 40), 26, style.font_index)
    return img


def _qr(img: Image.Image, box: tuple[int, int, int, int], rng: random.Random) -> None:
    x0, y0, x1, _ = box
    n = 25
    cell = (x1 - x0) // n
    d = ImageDraw.Draw(img)
    for i in range(n):
        for j in range(n):
            finder = (i < 7 and j < 7) or (i < 7 and j >= n - 7) or (i >= n - 7 and j < 7)
            on = (i in (0, 6) or j in (0, 6) or (2 <= i <= 4 and 2 <= j <= 4)) if finder else rng.random() < 0.5
            if finder and not (i < 7 and j < 7):
                ii, jj = i % (n - 7) if i >= n - 7 else i, j % (n - 7) if j >= n - 7 else j
                on = ii in (0, 6) or jj in (0, 6) or (2 <= ii <= 4 and 2 <= jj <= 4)
            if on:
                d.rectangle((x0 + j * cell, y0 + i * cell, x0 + (j + 1) * cell - 1, y0 + (i + 1) * cell - 1), fill=(0, 0, 0))


def _spaced(label: str, width_chars: int) -> str:
    """名称 → 名　　称: licence labels are justified over a fixed width."""
    if len(label) >= width_chars:
        return label
    gaps = len(label) - 1
    pad = width_chars - len(label)
    out = label[0]
    for i, ch in enumerate(label[1:]):
        out += "　" * (pad // gaps + (1 if i < pad % gaps else 0)) + ch
    return out


def render_license(c: FakeCompany, style: Style, rng: random.Random) -> Image.Image:
    w, h = 1600, 1130
    img = _background(w, h, style, rng)
    d = ImageDraw.Draw(img)
    border = (170, 120, 50) if style.name == "main" else (60, 110, 140)
    d.rectangle((25, 25, w - 25, h - 25), outline=border, width=10)
    d.rectangle((45, 45, w - 45, h - 45), outline=border, width=3)
    tf = font(96 if style.name == "main" else 84, style.font_index)
    title = "营业执照"
    tw = tf.getlength(title)
    d.text(((w - tw) / 2 + rng.randint(-10, 10), 120 + style.dy), title, font=tf, fill=(30, 30, 30))
    d.text(((w - 160) / 2, 240 + style.dy), "（副　本）", font=font(30, style.font_index), fill=(30, 30, 30))
    lf, vf = font(style.label_size + 2, style.font_index), font(style.value_size - 2, style.font_index)
    off = (vf.size - lf.size) // 2
    # top-left: 统一社会信用代码 with the code below it
    xl = 110 + rng.randint(-6, 6)
    d.text((xl, 110 + style.dy), "统一社会信用代码", font=lf, fill=(30, 30, 30))
    d.text((xl, 150 + style.dy), c.uscc, font=font(style.number_size - 2, style.font_index), fill=(20, 20, 20))
    d.text((w - 420, 120 + style.dy), "编号 S" + "".join(str(rng.randint(0, 9)) for _ in range(12)), font=font(22, style.font_index), fill=(30, 30, 30))
    _qr(img, (w - 300, 170 + style.dy, w - 125, 345 + style.dy), rng)
    col_gap = int(lf.size * 5.5) + style.value_dx
    step = int(vf.size * 2.2)

    def field(x: int, y: int, label: str, value: str, width: int) -> int:
        d.text((x, y + off), _spaced(label, 4), font=lf, fill=(30, 30, 30))
        for line in _wrap_px(value, vf, width):
            d.text((x + col_gap, y), line, font=vf, fill=style.value_rgb)
            y += int(vf.size * style.line_gap)
        return y + step - int(vf.size * style.line_gap)

    y = 390 + style.dy + rng.randint(-8, 8)
    x_left, x_right = 110 + rng.randint(-6, 6), 880 + rng.randint(-10, 10)
    left_w = x_right - x_left - col_gap - 60
    right_w = w - 110 - x_right - col_gap
    yl = field(x_left, y, "名称", c.name, left_w)
    yl = field(x_left, yl, "类型", c.entity_type, left_w)
    yl = field(x_left, yl, "法定代表人", c.legal_rep, left_w)
    field(x_left, yl, "经营范围", c.business_scope, left_w)
    yr = field(x_right, y, "注册资本", c.registered_capital, right_w)
    yyyy, mm, dd = c.established.split("-")
    yr = field(x_right, yr, "成立日期", f"{yyyy}年{mm}月{dd}日", right_w)
    yr = field(x_right, yr, "营业期限", f"{yyyy}年{mm}月{dd}日至长期", right_w)
    field(x_right, yr, "住所", c.address, right_w)
    # registration authority stamp and date, bottom right
    sx, sy = w - 420, h - 300
    d.ellipse((sx, sy, sx + 200, sy + 200), outline=(210, 50, 50), width=6)
    d.text((sx - 140, h - 150), "登记机关", font=lf, fill=(30, 30, 30))
    d.text((sx + 40, h - 110), f"{int(yyyy) + 1}年{mm}月{dd}日", font=font(26, style.font_index), fill=(30, 30, 30))
    _specimen(d, (80, h - 110), 34, style.font_index)
    return img.filter(ImageFilter.SMOOTH) if style.name == "heldout" else img
