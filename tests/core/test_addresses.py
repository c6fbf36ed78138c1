from __future__ import annotations

import random

from clerkdesk.records import addresses as regions
from clerkdesk.testing.fake import fake_company, fake_person  # the generator must agree with records/


def test_lookup_current_and_retired() -> None:
    r = regions.county("440305")
    assert r is not None and r.province == "广东省" and r.prefecture == "深圳市" and r.county == "南山区" and r.current
    old = regions.county("110103")  # 崇文区, merged into 东城区 in 2010
    assert old is not None and not old.current and old.county == "崇文区"
    assert regions.county("999999") is None


def test_address_agreement() -> None:
    assert regions.address_agrees("440305", "广东省深圳市南山区科技园")
    assert regions.address_agrees("110103", "北京市东城区某街")  # municipality: province is enough
    assert regions.address_agrees("440305", "广东省广州市天河区") is False
    assert regions.address_agrees("440305", "北京市朝阳区") is False
    assert regions.address_agrees("999999", "北京市") is None


def test_fake_addresses_agree_with_their_codes() -> None:
    rng = random.Random(7)
    for _ in range(50):
        p, c = fake_person(rng), fake_company(rng)
        assert regions.address_agrees(p.id_number[:6], p.address)
        assert regions.address_agrees(c.uscc[2:8], c.address)


def test_one_misread_region_character_is_snapped_only_when_no_real_place_matches() -> None:
    assert regions.snap_region_prefix("四川省涼山彝族自治州德昌县东风大道1号", "513424") == "四川省凉山彝族自治州德昌县东风大道1号"
    assert regions.snap_region_prefix("四川省凉山彝族自治州德昌县东风大道1号", "513424") is None  # already right
    assert regions.snap_region_prefix("天津市河西区某路1号", "120102") is None  # 河西区 is real: the person moved
    assert regions.snap_region_prefix("广东省深圳市南山区某路1号", "110105") is None  # far away: not a slip
