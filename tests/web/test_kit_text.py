"""Kit button texts (``drivers/web/kit_text``): the Han text with or without spaces between its Han characters,
both ways round, and nothing else."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from clerkdesk.drivers.web.kit_text import spaced_pattern, unspaced

HAN = st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=2, max_size=6)
GAP = st.sampled_from(["", " ", "  ", "\u3000", "\u00a0"])


@given(HAN, st.lists(GAP, min_size=5, max_size=5), st.booleans())
def test_any_spacing_between_han_characters_matches_both_ways(word: str, gaps: list[str], spaced_recipe: bool) -> None:
    shown = "".join(c + (gaps[i] if i + 1 < len(word) else "") for i, c in enumerate(word))
    wanted, page = (shown, word) if spaced_recipe else (word, shown)
    pat = spaced_pattern(wanted)
    assert pat is not None and pat.fullmatch(page) and unspaced(shown) == word


@given(HAN, st.text(min_size=1, max_size=3).filter(lambda s: s.strip() and unspaced(s) == s))
def test_a_longer_or_other_text_never_matches(word: str, extra: str) -> None:
    pat = spaced_pattern(word)
    assert pat is not None and not pat.fullmatch(word + extra) and not pat.fullmatch(extra + word)


def test_texts_without_two_han_characters_in_a_row_are_left_alone() -> None:
    assert spaced_pattern("OK") is None and spaced_pattern("提") is None and spaced_pattern("提 OK") is None
    assert unspaced("OK 提交") == "OK 提交" and unspaced("提 交 申 请") == "提交申请"
