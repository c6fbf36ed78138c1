"""Emoji never reach a ministry form; every CJK ideograph and the symbols GBK itself holds still do."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clerkdesk.errors import ValidationError
from clerkdesk.records.model import make_person, text_problems

TODAY = date(2026, 12, 5)
PERSON = {"name": "王小明", "id_number": "11010519491231002X"}

# Emoji as clerks' keyboards and phones produce them: single code points, skin-tone and ZWJ sequences, flags,
# keycaps and the text/emoji variation selectors.
EMOJI = ["😀", "👍🏽", "❤️", "🇨🇳", "1️⃣", "🏠", "✅", "⭐", "〰"]


@pytest.mark.parametrize("emoji", EMOJI)
def test_emoji_in_an_address_is_refused_naming_field_and_position(emoji: str) -> None:
    with pytest.raises(ValidationError) as ei:
        make_person({**PERSON, "hukou_address": f"北京市{emoji}东城区"}, today=TODAY)
    (p,) = ei.value.problems
    assert p.field == "person.hukou_address" and p.code in ("TEXT_EMOJI", "TEXT_UNCLEAN")
    assert "第4个字符" in str(p.zh) and emoji not in str(p)


@given(st.sampled_from(EMOJI), st.text(alphabet="北京市东城区幸福路一二三号", max_size=20),
       st.text(alphabet="北京市东城区幸福路一二三号", max_size=20))
def test_an_emoji_anywhere_is_found(emoji: str, before: str, after: str) -> None:
    probs = text_problems("person.current_address", "现住址", before + emoji + after, 200)
    assert [p.code for p in probs] in (["TEXT_EMOJI"], ["TEXT_UNCLEAN"])


# Rare ideographs (生僻字) outside the BMP, in Extensions B–G, and GBK's own symbols: never refused.
@given(st.text(alphabet=st.characters(min_codepoint=0x20000, max_codepoint=0x2A6DF), min_size=1, max_size=5))
def test_rare_ideographs_outside_the_bmp_are_kept(rare: str) -> None:
    assert text_problems("person.current_address", "现住址", "北京" + rare, 200) == []


@pytest.mark.parametrize("sym", list("☆★※○●◎◇◆□■△▲♀♂"))
def test_symbols_gbk_encodes_are_kept(sym: str) -> None:
    sym.encode("gbk")
    p, _ = make_person({**PERSON, "current_address": f"幸福小区{sym}3栋"}, today=TODAY)
    assert sym in str(p.current_address)
