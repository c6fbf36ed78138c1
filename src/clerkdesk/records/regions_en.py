"""Region names in English, for the English window: the one table of how a GB/T 2260 name reads in English.

GB/T 2260 lists the names in Chinese only. The English form here is the one China's own maps and signs use: the
proper name in Hanyu pinyin, syllables joined (an apostrophe where a syllable starting with a vowel would run
into the one before: Xi'an), and the kind of division in English (省 Province, 自治区 Autonomous Region, 区
District, 县 County, 旗 Banner …). A city (市) is named by its proper name alone (Qingdao, Beijing). Names whose
English is not their pinyin (内蒙古 Inner Mongolia, 陕西 Shaanxi, 香港 Hong Kong) are listed in ``PROPER``.
Pure; pypinyin is the recipe filters' own dependency.
"""

from __future__ import annotations

from functools import cache

# the kind of division → its English word, longest first (自治州 before 州); "" = named by the proper name alone
SUFFIXES: tuple[tuple[str, str], ...] = (
    ("特别行政区", "Special Administrative Region"), ("自治区", "Autonomous Region"),
    ("自治州", "Autonomous Prefecture"), ("自治县", "Autonomous County"), ("自治旗", "Autonomous Banner"),
    ("林区", "Forestry District"), ("特区", "Special District"), ("新区", "New Area"), ("地区", "Prefecture"),
    ("省", "Province"), ("市", ""), ("区", "District"), ("县", "County"), ("旗", "Banner"), ("盟", "League"),
)
# proper names whose English is not their plain pinyin
PROPER: dict[str, str] = {
    "内蒙古": "Inner Mongolia", "陕西": "Shaanxi", "香港": "Hong Kong", "澳门": "Macao", "西藏": "Xizang",
    "新疆维吾尔": "Xinjiang Uygur", "广西壮族": "Guangxi Zhuang", "宁夏回族": "Ningxia Hui",
    "乌鲁木齐": "Urumqi", "呼和浩特": "Hohhot", "哈尔滨": "Harbin", "朝阳": "Chaoyang",
    "市辖区": "City districts", "县": "Counties",
}


def _pinyin(text: str, drop: int = 0) -> str:
    """TEXT in pinyin, without its last DROP syllables (read with them: 朝阳区 is Chaoyang, not Zhaoyang)."""
    from pypinyin import Style, lazy_pinyin

    syllables = lazy_pinyin(text, style=Style.NORMAL, errors="default")
    out = ""
    for syl in syllables[: len(syllables) - drop]:
        if out and syl[:1] in "aeo":
            out += "'"
        out += syl
    return out[:1].upper() + out[1:]


@cache
def english(name: str) -> str:
    """NAME (a GB/T 2260 name: 山东省, 青岛市, 市南区, 延边朝鲜族自治州) in English: Shandong Province, Qingdao,
    Shinan District, Yanbian Chaoxianzu Autonomous Prefecture. A name with no Chinese stays as it is."""
    name = name.strip()
    if not name or name.isascii():
        return name
    if name in PROPER:
        return PROPER[name]
    for zh, en in SUFFIXES:
        if name.endswith(zh) and len(name) > len(zh):
            proper = name[: -len(zh)]
            words = PROPER.get(proper) or _pinyin(name, len(zh))
            return f"{words} {en}".strip()
    return PROPER.get(name) or _pinyin(name)


__all__ = ["english"]
