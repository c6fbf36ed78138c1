"""Photograph-like degradations for synthetic documents: desk + perspective, rotation, skew,
uneven light and glare, blur, noise, JPEG. Each returns what it did, for the ground truth."""

from __future__ import annotations

import random
from typing import Any

import cv2
import numpy as np

from clerkdesk.capture.preprocess import rotate90


def desk(h: int, w: int, rng: random.Random) -> np.ndarray:
    """A wood-ish or fabric-ish background, RGB."""
    nr = np.random.default_rng(rng.randrange(2**32))
    base = np.array(rng.choice([(120, 85, 55), (95, 95, 100), (60, 70, 60), (150, 140, 125), (40, 40, 48)]), float)
    yy = np.arange(h)[:, None]
    grain = np.sin(yy / rng.uniform(3, 9) + nr.normal(0, 0.6, (h, 1)).cumsum(axis=0) * 0.05) * 12
    img = base[None, None, :] + grain[..., None] + nr.normal(0, 6, (h, w, 1))
    return np.clip(np.broadcast_to(img, (h, w, 3)), 0, 255).astype(np.uint8)


def perspective(img: np.ndarray, rng: random.Random, strength: float = 0.08) -> tuple[np.ndarray, list[list[float]]]:
    """Place the document on a desk, its corners moved by up to STRENGTH of its size."""
    h, w = img.shape[:2]
    margin = int(max(h, w) * 0.18)
    H, W = h + 2 * margin, w + 2 * margin
    bg = desk(H, W, rng)
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    jit = lambda s: rng.uniform(-strength, strength) * s  # noqa: E731
    dst = np.float32([
        [margin + jit(w), margin + jit(h)],
        [margin + w + jit(w), margin + jit(h)],
        [margin + w + jit(w), margin + h + jit(h)],
        [margin + jit(w), margin + h + jit(h)],
    ])
    m = cv2.getPerspectiveTransform(src, dst)
    warped = cv2.warpPerspective(img, m, (W, H), flags=cv2.INTER_LINEAR)
    mask = cv2.warpPerspective(np.full((h, w), 255, np.uint8), m, (W, H))
    out = np.where(mask[..., None] > 127, warped, bg)
    return out, dst.tolist()


def skew(img: np.ndarray, degrees: float, rng: random.Random) -> np.ndarray:
    """Rotate by a small angle onto a desk background (canvas grows to fit)."""
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    cos, sin = abs(m[0, 0]), abs(m[0, 1])
    W, H = int(h * sin + w * cos) + 40, int(h * cos + w * sin) + 40
    m[0, 2] += W / 2 - w / 2
    m[1, 2] += H / 2 - h / 2
    bg = desk(H, W, rng)
    rotated = cv2.warpAffine(img, m, (W, H))
    mask = cv2.warpAffine(np.full((h, w), 255, np.uint8), m, (W, H))
    return np.where(mask[..., None] > 127, rotated, bg)


def lighting(img: np.ndarray, rng: random.Random, glare: bool = True) -> np.ndarray:
    h, w = img.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    angle = rng.uniform(0, 6.28)
    ramp = (np.cos(angle) * xx / w + np.sin(angle) * yy / h)
    ramp = (ramp - ramp.min()) / max(1e-6, float(np.ptp(ramp)))
    gain = 1.0 - rng.uniform(0.15, 0.35) * ramp
    out = img.astype(np.float32) * gain[..., None]
    if glare:
        cx, cy = rng.uniform(0.2, 0.8) * w, rng.uniform(0.2, 0.8) * h
        r = rng.uniform(0.06, 0.14) * max(h, w)
        blob = np.exp(-(((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * r * r)))
        out += blob[..., None] * rng.uniform(60, 110)
    return np.clip(out, 0, 255).astype(np.uint8)


def blur(img: np.ndarray, rng: random.Random) -> np.ndarray:
    if rng.random() < 0.5:
        return cv2.GaussianBlur(img, (0, 0), rng.uniform(0.6, 1.3))
    k = rng.choice((3, 5))
    kernel = np.zeros((k, k), np.float32)
    kernel[k // 2, :] = 1.0 / k
    if rng.random() < 0.5:
        kernel = kernel.T
    return cv2.filter2D(img, -1, kernel)


def noise(img: np.ndarray, rng: random.Random) -> np.ndarray:
    nr = np.random.default_rng(rng.randrange(2**32))
    return np.clip(img.astype(np.float32) + nr.normal(0, rng.uniform(3, 9), img.shape), 0, 255).astype(np.uint8)


def jpeg(img: np.ndarray, quality: int) -> np.ndarray:
    ok, buf = cv2.imencode(".jpg", img[:, :, ::-1], [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return cv2.imdecode(buf, cv2.IMREAD_COLOR)[:, :, ::-1].copy()


def degrade(img: np.ndarray, rng: random.Random, *, rotation: int | None = None,
            photo: bool | None = None) -> tuple[np.ndarray, dict[str, Any]]:
    """A random mix: photo on a desk (perspective) or flat with a small skew; then light, blur, noise, JPEG,
    then a 0/90/180/270 turn. Returns the image and a description for the ground truth."""
    info: dict[str, Any] = {}
    photo = rng.random() < 0.6 if photo is None else photo
    if photo:
        img, corners = perspective(img, rng)
        info["perspective"] = [[round(x, 1), round(y, 1)] for x, y in corners]
    else:
        angle = rng.uniform(-6, 6)
        img = skew(img, angle, rng)
        info["skew"] = round(angle, 2)
    if rng.random() < 0.7:
        glare = rng.random() < 0.6
        img = lighting(img, rng, glare=glare)
        info["light"] = "glare" if glare else "uneven"
    if rng.random() < 0.6:
        img = blur(img, rng)
        info["blur"] = True
    if rng.random() < 0.6:
        img = noise(img, rng)
        info["noise"] = True
    if rng.random() < 0.7:
        q = rng.randint(35, 75)
        img = jpeg(img, q)
        info["jpeg"] = q
    rot = rng.choice((0, 0, 90, 180, 270)) if rotation is None else rotation
    img = rotate90(img, rot)
    info["rotation"] = rot
    return img, info
