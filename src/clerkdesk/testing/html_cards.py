"""An independent second source of SPECIMEN documents: HTML/CSS pages rendered by headless Chromium.

    .venv/bin/python -m clerkdesk.testing.html_cards --out tests/capture/data --n 4 --seed 7   # the committed test set

Nothing here is shared with ``clerkdesk.testing.render`` / ``degrade``: the page layout is
HTML/CSS laid out by Chromium (its own line breaking, letter spacing, ``text-align-last:
justify`` labels), the faces are other fonts (AR PL UMing/UKai = Song/Kai, Noto Serif/Sans CJK;
ID numbers in Liberation/DejaVu/Noto Mono), field positions, sizes, line spacing, colours and
backgrounds are drawn per sample, and a licence is either the two-column 2019 layout or the
older single-column one. The *data* comes from ``clerkdesk.testing.fake`` (valid MOD 11-2 ID
numbers, MOD 31 credit codes, real region codes): the point is a new *picture* of the same
kind of record, not new checksums.

"Photographed" samples are made here too, without ``clerkdesk.testing.degrade``: the card is placed
on a CSS desk (wood/cloth/paper gradients) with a CSS 3-D transform (perspective, rotateX/Y,
a few degrees of rotateZ), a drop shadow and a radial-gradient glare, screenshotted, then turned
by 0/90/180/270, re-sampled (camera resolution), blurred with Pillow, given shot noise and a
colour cast, and saved as a 4:2:0 JPEG of quality 40–80. Clean samples are the card element
alone, saved as JPEG 85 (a scanner's output).

Part of ``clerkdesk.testing`` (bench/ and tests use it; the import contracts keep the product from it):
it launches a browser (Playwright, system Chromium), which ``clerkdesk.capture`` must never do. Cards have
the real card's proportions (85.6 × 54 mm, ``CARD_ASPECT``).
"""

from __future__ import annotations

import argparse
import html
import io
import json
import random
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageFilter

from clerkdesk.capture.model import FIELDS, KINDS, Kind
from clerkdesk.testing.fake import FakeCompany, FakePerson, fake_company, fake_person

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync"]
# CJK faces: none of them is WenQuanYi (the only font the Pillow renderer uses)
CJK_FONTS = ("AR PL UMing CN", "AR PL UKai CN", "Noto Serif CJK SC", "Noto Sans CJK SC")
NUMBER_FONTS = ("Liberation Mono", "DejaVu Sans Mono", "Noto Sans Mono CJK SC", "Liberation Sans")
CARD_ASPECT = 85.6 / 54.0
LICENSE_ASPECT = 1600 / 1130


def _e(s: str) -> str:
    return html.escape(s, quote=True)


def _rgb(rng: random.Random, lo: int, hi: int) -> str:
    return f"rgb({rng.randint(lo, hi)},{rng.randint(lo, hi)},{rng.randint(lo, hi)})"


def _font(name: str) -> str:
    # no generic fallback to the system default (which is WenQuanYi here): every glyph these
    # documents use exists in each listed face
    return f"'{name}', 'Noto Sans CJK SC'"


def _paper(rng: random.Random) -> str:
    """A security-paper-like background: two pale tints, and a fine repeating pattern."""
    hue = rng.randint(0, 359)
    a = f"hsl({hue},{rng.randint(25, 60)}%,{rng.randint(90, 96)}%)"
    b = f"hsl({(hue + rng.randint(30, 140)) % 360},{rng.randint(20, 55)}%,{rng.randint(88, 95)}%)"
    line = f"hsla({(hue + 180) % 360},40%,60%,{rng.uniform(0.06, 0.14):.2f})"
    p = rng.randint(5, 14)
    pattern = rng.choice([
        f"repeating-radial-gradient(circle at {rng.randint(10, 90)}% {rng.randint(10, 90)}%, transparent 0 {p}px,"
        f" {line} {p}px {p + 1}px)",
        f"repeating-linear-gradient({rng.randint(0, 180)}deg, transparent 0 {p}px, {line} {p}px {p + 1}px)",
        f"repeating-conic-gradient(from {rng.randint(0, 90)}deg, transparent 0 {rng.randint(6, 12)}deg,"
        f" {line} 0 {rng.randint(13, 18)}deg)",
    ])
    return f"{pattern}, linear-gradient({rng.randint(0, 360)}deg, {a}, {b})"


def _specimen(rng: random.Random, css_pos: str, size: float) -> str:
    return (f'<div style="position:absolute;{css_pos};font:{size:.0f}px {_font(rng.choice(CJK_FONTS))};'
            f'color:rgba(200,30,30,0.85);transform:rotate({rng.uniform(-8, 8):.1f}deg)">样本 SPECIMEN</div>')


def _label_css(rng: random.Random, size: float, color: str, face: str) -> str:
    weight = rng.choice((400, 400, 700))
    return f"font:{weight} {size:.1f}px {_font(face)};color:{color};white-space:nowrap"


def front_html(p: FakePerson, rng: random.Random) -> tuple[str, int, int]:
    W = rng.randint(860, 1120)
    H = round(W / CARD_ASPECT)
    u = W / 100
    lface, vface = rng.choice(CJK_FONTS), rng.choice(CJK_FONTS)
    ls, vs = u * rng.uniform(2.5, 3.2), u * rng.uniform(3.0, 3.7)
    lcol, vcol = f"hsl({rng.randint(190, 230)},{rng.randint(40, 70)}%,{rng.randint(30, 45)}%)", _rgb(rng, 5, 40)
    spacing = rng.choice((0.0, 0.0, rng.uniform(0.4, 1.0)))  # 姓 名: real cards space two-character labels
    lab = _label_css(rng, ls, lcol, lface)
    val = f"font:{rng.choice((400, 400, 600))} {vs:.1f}px {_font(vface)};color:{vcol};white-space:nowrap"
    x0 = u * rng.uniform(4.5, 9)
    x1 = x0 + ls * (2 + 2 * spacing) + u * rng.uniform(3, 6)
    y = u * rng.uniform(5, 10)
    step = vs * rng.uniform(1.8, 2.5)
    photo_x = W * rng.uniform(0.62, 0.68)
    off = (vs - ls) / 2

    def label(x: float, yy: float, text: str) -> str:
        sp = f"letter-spacing:{spacing:.2f}em;" if len(text) == 2 else ""
        return f'<div style="position:absolute;left:{x:.0f}px;top:{yy + off:.0f}px;{lab};{sp}">{text}</div>'

    def value(x: float, yy: float, text: str, extra: str = "") -> str:
        return f'<div style="position:absolute;left:{x:.0f}px;top:{yy:.0f}px;{val};{extra}">{_e(text)}</div>'

    parts = [label(x0, y, "姓名"), value(x1, y, p.name)]
    y += step
    x_eth = x1 + vs * rng.uniform(2.8, 4.5)
    parts += [label(x0, y, "性别"), value(x1, y, p.sex), label(x_eth, y, "民族"),
              value(x_eth + ls * (2 + 2 * spacing) + u * rng.uniform(2, 4), y, p.ethnicity)]
    y += step
    yyyy, mm, dd = p.birth_date.split("-")
    gap = rng.uniform(0.2, 0.6)
    unit = f'<span style="font-size:{ls:.1f}px;color:{lcol};font-family:{_font(lface)};margin:0 {gap:.2f}em">'
    birth = f"{yyyy}{unit}年</span>{int(mm)}{unit}月</span>{int(dd)}{unit}日</span>"
    parts += [label(x0, y, "出生"),
              f'<div style="position:absolute;left:{x1:.0f}px;top:{y:.0f}px;{val}">{birth}</div>']
    y += step
    lh = rng.uniform(1.2, 1.6)
    addr_w = photo_x - x1 - u * rng.uniform(2, 5)
    parts += [label(x0, y, "住址"),
              value(x1, y, p.address, f"white-space:normal;width:{addr_w:.0f}px;line-height:{lh:.2f};"
                                     "word-break:break-all;line-break:strict")]
    ny = H - u * rng.uniform(8.5, 12.5)
    ns = u * rng.uniform(3.3, 4.2)
    nx = x0 + ls * 6 + u * rng.uniform(4, 9)
    parts += [f'<div style="position:absolute;left:{x0:.0f}px;top:{ny + (ns - ls) / 2:.0f}px;{lab}">公民身份号码</div>',
              f'<div style="position:absolute;left:{nx:.0f}px;top:{ny:.0f}px;font:{rng.choice((400, 700))} {ns:.1f}px '
              f"'{rng.choice(NUMBER_FONTS)}';color:{vcol};letter-spacing:{rng.uniform(0.04, 0.22):.2f}em\">"
              f"{p.id_number}</div>"]
    pw = W * rng.uniform(0.24, 0.29)
    py = H * rng.uniform(0.1, 0.18)
    grey = rng.randint(80, 150)
    parts.append(
        f'<div style="position:absolute;left:{photo_x:.0f}px;top:{py:.0f}px;width:{pw:.0f}px;height:{pw * 1.25:.0f}px;'
        f'background:radial-gradient(ellipse 30% 26% at 50% 36%, rgb({grey},{grey},{grey}) 98%, transparent 100%),'
        f'radial-gradient(ellipse 48% 40% at 50% 100%, rgb({grey},{grey},{grey}) 98%, transparent 100%),'
        f'{_rgb(rng, 200, 235)}"></div>')
    parts.append(_specimen(rng, f"left:{photo_x:.0f}px;top:{max(4, py - u * 6):.0f}px", u * 2.4))
    return _card(parts, W, H, rng), W, H


def back_html(p: FakePerson, rng: random.Random) -> tuple[str, int, int]:
    W = rng.randint(860, 1120)
    H = round(W / CARD_ASPECT)
    u = W / 100
    tface, lface, vface = rng.choice(CJK_FONTS), rng.choice(CJK_FONTS), rng.choice(CJK_FONTS)
    e = u * rng.uniform(14, 19)
    ex, ey = u * rng.uniform(5, 9), u * rng.uniform(5, 9)
    emblem = (f'<div style="position:absolute;left:{ex:.0f}px;top:{ey:.0f}px;width:{e:.0f}px;height:{e:.0f}px;'
              f'border-radius:50%;background:radial-gradient(circle at 50% 40%, #f2c53d 0 18%, #c8232c 19% 100%);'
              f'border:{u * 0.6:.0f}px solid #e3b73a"></div>')
    tx = ex + e + u * rng.uniform(4, 9)
    t1, t2 = u * rng.uniform(4.2, 5.2), u * rng.uniform(6.5, 8.0)
    ty = ey + u * rng.uniform(0, 3)
    tcol = _rgb(rng, 10, 50)
    parts = [emblem,
             f'<div style="position:absolute;left:{tx:.0f}px;top:{ty:.0f}px;font:{t1:.0f}px {_font(tface)};'
             f'color:{tcol};letter-spacing:{rng.uniform(0, 0.3):.2f}em">中华人民共和国</div>',
             f'<div style="position:absolute;left:{tx + rng.uniform(-10, 30):.0f}px;top:{ty + t1 * rng.uniform(1.6, 2.0):.0f}px;'
             f'font:700 {t2:.0f}px {_font(tface)};color:{tcol};letter-spacing:{rng.uniform(0.05, 0.35):.2f}em">居民身份证</div>']
    ls, vs = u * rng.uniform(2.6, 3.2), u * rng.uniform(3.0, 3.6)
    lab = _label_css(rng, ls, _rgb(rng, 20, 80), lface)
    val = f"font:{vs:.1f}px {_font(vface)};color:{_rgb(rng, 5, 40)};white-space:nowrap"
    x0 = u * rng.uniform(10, 20)
    x1 = x0 + ls * 4 + u * rng.uniform(2.5, 6)
    y = H * rng.uniform(0.64, 0.7)
    step = vs * rng.uniform(1.8, 2.5)
    off = (vs - ls) / 2
    start = p.valid_from.replace("-", ".")
    end = p.valid_to.replace("-", ".") if p.valid_to else "长期"
    dash = rng.choice(("-", "-", "－"))
    parts += [f'<div style="position:absolute;left:{x0:.0f}px;top:{y + off:.0f}px;{lab}">签发机关</div>',
              f'<div style="position:absolute;left:{x1:.0f}px;top:{y:.0f}px;{val}">{_e(p.issuing_authority)}</div>',
              f'<div style="position:absolute;left:{x0:.0f}px;top:{y + step + off:.0f}px;{lab}">有效期限</div>',
              f'<div style="position:absolute;left:{x1:.0f}px;top:{y + step:.0f}px;{val}">{start}{dash}{end}</div>',
              _specimen(rng, f"right:{u * rng.uniform(4, 8):.0f}px;top:{u * rng.uniform(3, 6):.0f}px", u * 2.4)]
    return _card(parts, W, H, rng), W, H


def _card(parts: list[str], w: int, h: int, rng: random.Random) -> str:
    radius = rng.uniform(0.02, 0.045) * w
    return (f'<div id="doc" style="position:relative;width:{w}px;height:{h}px;border-radius:{radius:.0f}px;'
            f'overflow:hidden;background:{_paper(rng)}">{"".join(parts)}</div>')


def license_html(c: FakeCompany, rng: random.Random) -> tuple[str, int, int]:
    W = rng.randint(1250, 1650)
    H = round(W / LICENSE_ASPECT)
    u = W / 100
    face, tface = rng.choice(CJK_FONTS), rng.choice(CJK_FONTS)
    ls, vs = u * rng.uniform(1.55, 1.95), u * rng.uniform(1.6, 2.0)
    ink = _rgb(rng, 10, 45)
    lab = f"font:{rng.choice((400, 700))} {ls:.1f}px {_font(face)};color:{ink};white-space:nowrap"
    val = f"font:{vs:.1f}px {_font(rng.choice(CJK_FONTS))};color:{ink}"
    lw = ls * rng.uniform(5.0, 5.8)  # justified label box: 名　　称 spread over the width of 法定代表人
    gap = u * rng.uniform(1.2, 3.0)
    lh = rng.uniform(1.3, 1.75)
    step = vs * rng.uniform(1.6, 2.4)
    border = f"hsl({rng.randint(0, 359)},{rng.randint(30, 60)}%,{rng.randint(30, 50)}%)"
    m = u * rng.uniform(1.5, 2.5)
    parts = [f'<div style="position:absolute;inset:{m:.0f}px;border:{u * 0.55:.0f}px double {border}"></div>']
    ux, uy = u * rng.uniform(6, 9), H * rng.uniform(0.06, 0.08)
    ty = uy + H * rng.uniform(0.09, 0.11)  # the title sits below the credit-code row
    ts = u * rng.uniform(5.0, 6.5)
    parts.append(f'<div style="position:absolute;left:0;right:0;top:{ty:.0f}px;text-align:center;'
                 f'font:700 {ts:.0f}px {_font(tface)};color:{ink};letter-spacing:{rng.uniform(0.1, 0.5):.2f}em">营业执照</div>')
    if rng.random() < 0.6:
        parts.append(f'<div style="position:absolute;left:0;right:0;top:{ty + ts * 1.35:.0f}px;text-align:center;'
                     f'font:{u * 1.6:.0f}px {_font(face)};color:{ink}">（副　本）</div>')
    # 统一社会信用代码: value on the same line (2019 style) or under the label
    num = f"font:{u * rng.uniform(1.8, 2.2):.1f}px '{rng.choice(NUMBER_FONTS)}';color:{ink};letter-spacing:0.05em"
    parts.append(f'<div style="position:absolute;left:{ux:.0f}px;top:{uy:.0f}px;{lab}">统一社会信用代码</div>')
    if rng.random() < 0.5:
        parts.append(f'<div style="position:absolute;left:{ux:.0f}px;top:{uy + ls * 1.7:.0f}px;{num}">{c.uscc}</div>')
    else:
        parts.append(f'<div style="position:absolute;left:{ux + ls * 8 + u:.0f}px;top:{uy - 2:.0f}px;{num}">{c.uscc}</div>')
    q = u * rng.uniform(9, 11)
    parts.append(f'<div style="position:absolute;right:{u * rng.uniform(6, 9):.0f}px;top:{H * 0.07:.0f}px;width:{q:.0f}px;'
                 f'height:{q:.0f}px;background:repeating-conic-gradient(#111 0 25%, #fff 0 50%) 0 0/{q / 9:.1f}px {q / 9:.1f}px;'
                 f'outline:{q / 12:.0f}px solid #111"></div>')
    yyyy, mm, dd = c.established.split("-")
    date = f"{yyyy}年{mm}月{dd}日" if rng.random() < 0.7 else f"{yyyy}年{int(mm)}月{int(dd)}日"

    def field(label: str, value: str) -> str:
        return (f'<div style="display:flex;align-items:baseline;margin-bottom:{step - vs * lh:.0f}px">'
                f'<div style="{lab};width:{lw:.0f}px;flex:none;text-align:justify;text-align-last:justify">{label}</div>'
                f'<div style="{val};margin-left:{gap:.0f}px;line-height:{lh:.2f};word-break:break-all;'
                f'line-break:strict">{_e(value)}</div></div>')

    top = H * rng.uniform(0.33, 0.38)
    left = u * rng.uniform(6, 9)
    if rng.random() < 0.6:  # 2019 layout: two columns
        split = rng.uniform(0.5, 0.56)
        col_l = [("名称", c.name), ("类型", c.entity_type), ("法定代表人", c.legal_rep), ("经营范围", c.business_scope)]
        col_r = [("注册资本", c.registered_capital), ("成立日期", date), ("营业期限", f"{date}至长期"), ("住所", c.address)]
        wl = W * split - left - u * 3
        xr = W * split + u * rng.uniform(0, 2)
        parts.append(f'<div style="position:absolute;left:{left:.0f}px;top:{top:.0f}px;width:{wl:.0f}px">'
                     + "".join(field(a, b) for a, b in col_l) + "</div>")
        parts.append(f'<div style="position:absolute;left:{xr:.0f}px;top:{top:.0f}px;width:{W - xr - u * 7:.0f}px">'
                     + "".join(field(a, b) for a, b in col_r) + "</div>")
        layout = "two-column"
    else:  # older single-column layout
        rows = [("名称", c.name), ("类型", c.entity_type), ("住所", c.address), ("法定代表人", c.legal_rep),
                ("注册资本", c.registered_capital), ("成立日期", date), ("营业期限", f"{date}至长期"),
                ("经营范围", c.business_scope)]
        parts.append(f'<div style="position:absolute;left:{left + u * rng.uniform(0, 6):.0f}px;top:{top:.0f}px;'
                     f'width:{W * rng.uniform(0.62, 0.72):.0f}px">' + "".join(field(a, b) for a, b in rows) + "</div>")
        layout = "single-column"
    sx, sy, sd = W * rng.uniform(0.68, 0.74), H * rng.uniform(0.72, 0.76), u * rng.uniform(11, 13)
    parts += [f'<div style="position:absolute;left:{sx:.0f}px;top:{sy:.0f}px;width:{sd:.0f}px;height:{sd:.0f}px;'
              f'border-radius:50%;border:{u * 0.4:.0f}px solid rgba(210,40,40,0.8)"></div>',
              f'<div style="position:absolute;left:{sx - ls * 6:.0f}px;top:{sy + sd * 0.55:.0f}px;{lab}">登记机关</div>',
              f'<div style="position:absolute;left:{sx + sd * 0.05:.0f}px;top:{sy + sd + u:.0f}px;{lab}">'
              f"{int(yyyy) + 1}年{mm}月{dd}日</div>",
              _specimen(rng, f"left:{u * 6:.0f}px;bottom:{u * 4:.0f}px", u * 2.2)]
    page = (f'<div id="doc" data-layout="{layout}" style="position:relative;width:{W}px;height:{H}px;overflow:hidden;'
            f'background:{_paper(rng)}">{"".join(parts)}</div>')
    return page, W, H


_DESKS = (
    "repeating-linear-gradient({a}deg, #7a5434 0 7px, #6d4a2d 7px 11px, #80593a 11px 19px)",  # wood
    "repeating-linear-gradient({a}deg, #5c6066 0 2px, #676b71 2px 4px), #5c6066",  # cloth
    "linear-gradient({a}deg, #d9d4c8, #bfb8a8)",  # paper / counter top
    "radial-gradient(circle at 30% 20%, #48505a, #23272d)",  # dark mat
)


def _photo_page(doc: str, w: int, h: int, rng: random.Random) -> tuple[str, int, int, dict[str, Any]]:
    """The document on a desk, seen by a camera: CSS perspective, tilt, shadow and glare."""
    margin = int(max(w, h) * rng.uniform(0.12, 0.22))
    W, H = w + 2 * margin, h + 2 * margin
    rx, ry, rz = rng.uniform(-14, 14), rng.uniform(-14, 14), rng.uniform(-5, 5)
    persp = rng.uniform(1.6, 3.0) * max(w, h)
    gx, gy, gr = rng.uniform(15, 85), rng.uniform(15, 85), rng.uniform(10, 25)
    glare = (f'<div style="position:absolute;inset:0;pointer-events:none;mix-blend-mode:screen;'
             f'background:radial-gradient(circle at {gx:.0f}% {gy:.0f}%, rgba(255,255,250,{rng.uniform(0.35, 0.7):.2f}),'
             f' transparent {gr:.0f}%)"></div>') if rng.random() < 0.6 else ""
    desk = rng.choice(_DESKS).format(a=rng.randint(0, 180))
    page = (f'<div id="desk" style="position:relative;width:{W}px;height:{H}px;background:{desk};overflow:hidden">'
            f'<div style="position:absolute;left:{margin}px;top:{margin}px;transform:perspective({persp:.0f}px) '
            f'rotateX({rx:.1f}deg) rotateY({ry:.1f}deg) rotateZ({rz:.1f}deg);'
            f'box-shadow:{rng.randint(6, 20)}px {rng.randint(6, 20)}px {rng.randint(12, 30)}px rgba(0,0,0,0.45)">'
            f'{doc}</div>{glare}</div>')
    return page, W, H, {"rotate_x": round(rx, 1), "rotate_y": round(ry, 1), "rotate_z": round(rz, 1),
                        "glare": bool(glare)}


def _camera(img: Image.Image, rng: random.Random, info: dict[str, Any]) -> bytes:
    """Turn, re-sample, blur, colour cast, shot noise, JPEG: Pillow and numpy, not degrade.py."""
    turn = rng.choice((0, 0, 90, 180, 270))
    img = img.rotate(-turn, expand=True) if turn else img  # PIL rotates anticlockwise
    info["rotation"] = turn
    s = rng.uniform(0.55, 0.9)
    w, h = img.size
    img = img.resize((round(w * s), round(h * s)), Image.Resampling.BILINEAR)
    info["scale"] = round(s, 2)
    if rng.random() < 0.6:
        r = rng.uniform(0.4, 1.1)
        img = img.filter(ImageFilter.GaussianBlur(r))
        info["blur"] = round(r, 2)
    arr = np.asarray(img).astype(np.float32)
    cast = np.array([rng.uniform(0.9, 1.08), rng.uniform(0.95, 1.05), rng.uniform(0.85, 1.08)], np.float32)
    arr *= cast * rng.uniform(0.8, 1.05)
    nr = np.random.default_rng(rng.randrange(2**32))
    sigma = rng.uniform(2, 7)
    arr += nr.normal(0, 1, arr.shape[:2])[..., None] * sigma * np.sqrt(np.clip(arr, 1, 255) / 128)
    info["noise"] = round(sigma, 1)
    img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    q = rng.randint(40, 80)
    info["jpeg"] = q
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=q, subsampling=2)
    return buf.getvalue()


class HtmlRenderer:
    """One headless Chromium for many documents: ``with HtmlRenderer() as r: jpeg, meta = r.sample(kind, seed)``."""

    def __init__(self, executable: str = CHROMIUM):
        self.executable = executable
        self._pw: Any = None
        self._browser: Any = None
        self._page: Any = None

    def __enter__(self) -> HtmlRenderer:
        from playwright.sync_api import sync_playwright

        self._pw = sync_playwright().start()
        self._browser = self._pw.chromium.launch(headless=True, executable_path=self.executable, args=ARGS)
        self._page = self._browser.new_page(viewport={"width": 800, "height": 600}, device_scale_factor=1)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._browser is not None:
            self._browser.close()
        if self._pw is not None:
            self._pw.stop()

    def _shoot(self, body: str, w: int, h: int, selector: str) -> Image.Image:
        self._page.set_viewport_size({"width": w, "height": h})
        self._page.set_content(f'<!doctype html><html><head><meta charset="utf-8"><style>html,body{{margin:0;'
                               f'background:#fff}}</style></head><body>{body}</body></html>')
        self._page.evaluate("document.fonts.ready")
        png = self._page.locator(selector).screenshot(type="png", animations="disabled")
        return Image.open(io.BytesIO(png)).convert("RGB")

    def sample(self, kind: Kind, seed: int, *, degrade: bool = False) -> tuple[bytes, dict[str, Any]]:
        """A JPEG of KIND (the same SEED gives the same person on both card sides) and its ground truth."""
        rng = random.Random(f"html-{kind}-{seed}")
        data_rng = random.Random(seed)
        if kind == "license":
            company = fake_company(data_rng)
            record: dict[str, Any] = company.as_dict()
            doc, w, h = license_html(company, rng)
        else:
            person = fake_person(data_rng)
            record = person.as_dict()
            doc, w, h = (front_html if kind == "idcard-front" else back_html)(person, rng)
        meta: dict[str, Any] = {"kind": kind, "seed": seed, "source": "html-chromium", "specimen": True,
                                "layout": "two-column" if 'data-layout="two-column"' in doc else None,
                                "degrade": None}
        if degrade:
            page, W, H, info = _photo_page(doc, w, h, rng)
            data = _camera(self._shoot(page, W, H, "#desk"), rng, info)
            meta["degrade"] = info
        else:
            buf = io.BytesIO()
            self._shoot(doc, w, h, "#doc").save(buf, "JPEG", quality=85)
            data = buf.getvalue()
        meta["truth"] = {k: record[k] for k in FIELDS[kind]}
        return data, meta


def decode(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="write HTML-rendered SPECIMEN documents (+ .json truth)")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--n", type=int, default=4, help="per kind; odd-numbered ones are photographed")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    with HtmlRenderer() as r:
        for i in range(args.n):
            for kind in KINDS:
                data, meta = r.sample(kind, args.seed * 1000 + i, degrade=i % 2 == 1)
                stem = f"html-{i:02d}-{kind}"
                (args.out / f"{stem}.jpg").write_bytes(data)
                meta["image"] = f"{stem}.jpg"
                (args.out / f"{stem}.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n",
                                                       encoding="utf-8")
    print(f"wrote {args.n * len(KINDS)} images to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
