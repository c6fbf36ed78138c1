"""The specimen cards the simulated 二代证 reader carries (demo and training), and the photo silhouette.

The product ships a simulated reader so a clerk can train on 从读卡器 without a device or anybody's card.
It needs a few plausible cards, not a generator: the random people and companies of the tests and the
benchmark live in ``clerkdesk.testing.fake``, which the product never imports. These four cards were drawn
once from that generator (seeds 0-3) and frozen: real GB/T 2260 counties, valid GB 11643 check digits,
validity periods as the 居民身份证法 (art. 5) sets them (10 / 20 years, 长期 from 46), one 长期 card.
``tests/capture/test_readers.py`` proves each passes the records rules.
"""

from __future__ import annotations

import random

from PIL import Image, ImageDraw

SPECIMEN_CARDS: tuple[dict[str, str | None], ...] = (
    {"name": "韦然", "sex": "女", "ethnicity": "彝", "birth_date": "1982-09-25",
     "address": "西藏自治区拉萨市当雄县迎宾大道932号", "id_number": "540122198209250541",
     "issuing_authority": "当雄县公安局", "valid_from": "2024-12-31", "valid_to": "2044-12-31"},
    {"name": "石俊志", "sex": "男", "ethnicity": "蒙古", "birth_date": "1996-01-25",
     "address": "辽宁省阜新市新邱区黄河巷东风社区623号", "id_number": "210903199601259711",
     "issuing_authority": "阜新市公安局新邱分局", "valid_from": "2023-03-06", "valid_to": "2043-03-06"},
    {"name": "尹平瑞", "sex": "男", "ethnicity": "汉", "birth_date": "1953-03-21",
     "address": "陕西省宝鸡市扶风县工农大道558号", "id_number": "610324195303211053",
     "issuing_authority": "扶风县公安局", "valid_from": "2009-10-05", "valid_to": None},
    {"name": "吴芳鹏", "sex": "男", "ethnicity": "土家", "birth_date": "1998-03-03",
     "address": "湖北省宜昌市远安县新华巷花园村554号", "id_number": "420525199803036933",
     "issuing_authority": "远安县公安局", "valid_from": "2024-10-19", "valid_to": "2044-10-19"},
)


def specimen_card(seed: int) -> dict[str, str | None]:
    """The card a simulated reader with SEED carries (seeds cycle through :data:`SPECIMEN_CARDS`)."""
    return dict(SPECIMEN_CARDS[seed % len(SPECIMEN_CARDS)])


def silhouette(img: Image.Image, box: tuple[int, int, int, int], rng: random.Random) -> None:
    """A grey head-and-shoulders silhouette where the photo goes: never a face, even a synthetic one.

    Shared by the simulated reader's chip photo and the rendered test cards (``clerkdesk.testing.render``).
    """
    d = ImageDraw.Draw(img)
    x0, y0, x1, y1 = box
    d.rectangle(box, fill=(222, 226, 232))
    cx, w = (x0 + x1) // 2, x1 - x0
    shade = rng.randint(90, 140)
    d.ellipse((cx - w * 0.22, y0 + w * 0.18, cx + w * 0.22, y0 + w * 0.72), fill=(shade,) * 3)
    d.pieslice((x0 + w * 0.05, y1 - w * 0.55, x1 - w * 0.05, y1 + w * 0.45), 180, 360, fill=(shade,) * 3)
