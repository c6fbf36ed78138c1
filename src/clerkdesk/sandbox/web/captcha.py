"""A 4-character captcha drawn as an inline SVG with distortion and noise.

The characters are emitted in a shuffled document order (their x positions put
them back in visual order), so the page text is not the answer.
"""

from __future__ import annotations

import random

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L


def new_answer(rng: random.Random | None = None) -> str:
    rng = rng or random.SystemRandom()
    return "".join(rng.choice(ALPHABET) for _ in range(4))


def render_svg(answer: str, rng: random.Random | None = None) -> str:
    rng = rng or random.Random()
    width, height = 120, 40
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="captcha" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="图形校验码">',
        f'<rect width="{width}" height="{height}" fill="#f3f1e7"/>',
    ]
    chars = []
    for i, ch in enumerate(answer):
        x = 12 + i * 26 + rng.randint(-3, 3)
        y = 28 + rng.randint(-4, 4)
        angle = rng.randint(-30, 30)
        color = f"#{rng.randint(0, 120):02x}{rng.randint(0, 120):02x}{rng.randint(60, 160):02x}"
        skew = rng.randint(-12, 12)
        chars.append(
            f'<text x="{x}" y="{y}" font-size="{rng.randint(22, 27)}" font-family="monospace" '
            f'font-weight="bold" fill="{color}" transform="rotate({angle} {x + 8} {y - 8}) '
            f'skewX({skew / 4:.1f})">{ch}</text>'
        )
    rng.shuffle(chars)
    parts += chars
    for _ in range(6):
        x1, y1, x2, y2 = (
            rng.randint(0, width),
            rng.randint(0, height),
            rng.randint(0, width),
            rng.randint(0, height),
        )
        cx, cy = rng.randint(0, width), rng.randint(0, height)
        color = f"#{rng.randint(80, 200):02x}{rng.randint(80, 200):02x}{rng.randint(80, 200):02x}"
        parts.append(
            f'<path d="M{x1} {y1} Q{cx} {cy} {x2} {y2}" stroke="{color}" stroke-width="1.5" fill="none"/>'
        )
    for _ in range(30):
        parts.append(
            f'<circle cx="{rng.randint(0, width)}" cy="{rng.randint(0, height)}" r="1" fill="#{rng.randint(0, 0xFFFFFF):06x}"/>'
        )
    parts.append("</svg>")
    return "".join(parts)
