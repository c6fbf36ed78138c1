"""Phone photos and hard JPEGs of a rendered document, for the capture benchmark and tests.

Made without :mod:`clerkdesk.testing.degrade`'s photograph model, so the capture code is not scored on
the same picture of a desk it was tuned on: :func:`phone_photo` lays the card on a cluttered desk beside
receipts and notes whose printed text runs right up to the card's edges (the words a reader must never
take into a field: 收据, 8812 …), casts a shadow over part of the frame, tilts the card in perspective by
up to 12 % of its size and saves a JPEG of quality 60-80. :func:`jpeg` re-encodes at a given quality (25:
the blocky chroma that turned 汉 into ☑汉). :func:`clutter` is the same desk with no card on it.
"""

from __future__ import annotations

import random

import cv2
import numpy as np
from PIL import Image, ImageDraw

from clerkdesk.testing.degrade import desk
from clerkdesk.testing.render import font

# words on the papers around the card: a name, a number and label-like words that could leak into fields
WORDS = ("收据", "合计 88.00", "8812", "办事指南", "请排队", "叫号 A037", "莫娟", "回执", "2024年5月3日", "签字",
         "住址变更", "民族团结")


def jpeg(rgb: np.ndarray, quality: int) -> np.ndarray:
    """RGB → JPEG of QUALITY → RGB."""
    _ok, buf = cv2.imencode(".jpg", np.ascontiguousarray(rgb[:, :, ::-1]), [cv2.IMWRITE_JPEG_QUALITY, quality])
    return np.ascontiguousarray(cv2.imdecode(buf, cv2.IMREAD_COLOR)[:, :, ::-1])


def _papers(bg: Image.Image, rng: random.Random, n: int) -> None:
    draw = ImageDraw.Draw(bg)
    W, H = bg.size
    for _ in range(n):  # papers around (and under) the card
        px, py = rng.randint(0, max(1, W - 200)), rng.randint(0, max(1, H - 120))
        pw, ph = rng.randint(180, 420), rng.randint(100, 300)
        draw.rectangle((px, py, px + pw, py + ph), fill=tuple(rng.randint(225, 252) for _ in range(3)))
        for i in range(rng.randint(1, 4)):
            draw.text((px + 10, py + 10 + 34 * i), rng.choice(WORDS), fill=(35, 35, 40), font=font(rng.randint(22, 30)))


def _shadow(img: np.ndarray, rng: random.Random) -> np.ndarray:
    """A soft shadow (a hand or the phone) across part of the frame."""
    H, W = img.shape[:2]
    yy, xx = np.mgrid[0:H, 0:W]
    a, b = rng.uniform(-1, 1), rng.uniform(-1, 1)
    edge = (a * (xx - W / 2) + b * (yy - H / 2)) / max(W, H)
    return img.astype(np.float32) * (1 - 0.35 * np.clip((edge - rng.uniform(-0.1, 0.2)) * 6, 0, 1))[..., None]


def phone_photo(card: np.ndarray, rng: random.Random) -> np.ndarray:
    """CARD (RGB) photographed on a cluttered desk; returns RGB."""
    return phone_photo_with_corners(card, rng)[0]


def phone_photo_with_corners(card: np.ndarray, rng: random.Random) -> tuple[np.ndarray, np.ndarray]:
    """:func:`phone_photo` and where the card's corners (TL, TR, BR, BL) landed: the truth for card finding."""
    h, w = card.shape[:2]
    W, H = int(w * rng.uniform(1.7, 2.1)), int(h * rng.uniform(1.9, 2.4))
    bg = Image.fromarray(desk(H, W, rng))
    _papers(bg, rng, rng.randint(3, 6))
    draw = ImageDraw.Draw(bg)
    x0, y0 = int((W - w) * rng.uniform(0.35, 0.65)), int((H - h) * rng.uniform(0.35, 0.65))
    for side in range(2):  # a line of text running right up to the card's left or right edge
        y = y0 + int(h * rng.uniform(0.1, 0.8))
        text = rng.choice(WORDS)
        x = x0 - 30 * len(text) - 6 if side == 0 else x0 + w + 6
        draw.text((x, y), text, fill=(30, 30, 30), font=font(28))
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    j = lambda s: rng.uniform(-0.12, 0.12) * s  # noqa: E731
    dst = np.float32([[x0 + j(w), y0 + j(h)], [x0 + w + j(w), y0 + j(h)], [x0 + w + j(w), y0 + h + j(h)],
                      [x0 + j(w), y0 + h + j(h)]])
    m = cv2.getPerspectiveTransform(src, dst)
    warped = cv2.warpPerspective(card, m, (W, H), flags=cv2.INTER_LINEAR)
    mask = cv2.warpPerspective(np.full((h, w), 255, np.uint8), m, (W, H)) > 127
    out = np.where(mask[..., None], warped, np.asarray(bg))
    return jpeg(np.clip(_shadow(out, rng), 0, 255).astype(np.uint8), rng.randint(60, 80)), dst


def clutter(h: int, w: int, rng: random.Random) -> np.ndarray:
    """A cluttered desk with papers and text but no card: what "no card found" must be said for."""
    bg = Image.fromarray(desk(h, w, rng))
    _papers(bg, rng, rng.randint(4, 8))
    return jpeg(np.clip(_shadow(np.asarray(bg), rng), 0, 255).astype(np.uint8), 75)
