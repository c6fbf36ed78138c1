"""A small embedded subset of the GB/T 2260 administrative division codes.

Enough for the cascading 省 → 市 → 区县 selects of the HRSS sandbox; not a
complete table (the real one has about 3,200 counties).
"""

from __future__ import annotations

# code → (name, parent code); parent "" means a province.
REGIONS: dict[str, tuple[str, str]] = {}

_TREE: dict[tuple[str, str], dict[tuple[str, str], list[tuple[str, str]]]] = {
    ("110000", "北京市"): {
        ("110100", "市辖区"): [
            ("110101", "东城区"),
            ("110102", "西城区"),
            ("110105", "朝阳区"),
            ("110108", "海淀区"),
        ],
    },
    ("310000", "上海市"): {
        ("310100", "市辖区"): [("310101", "黄浦区"), ("310104", "徐汇区"), ("310115", "浦东新区")],
    },
    ("330000", "浙江省"): {
        ("330100", "杭州市"): [("330102", "上城区"), ("330105", "拱墅区"), ("330106", "西湖区")],
    },
    ("440000", "广东省"): {
        ("440100", "广州市"): [
            ("440103", "荔湾区"),
            ("440104", "越秀区"),
            ("440105", "海珠区"),
            ("440106", "天河区"),
            ("440111", "白云区"),
        ],
        ("440300", "深圳市"): [("440303", "罗湖区"), ("440304", "福田区"), ("440305", "南山区")],
    },
    ("510000", "四川省"): {
        ("510100", "成都市"): [
            ("510104", "锦江区"),
            ("510105", "青羊区"),
            ("510106", "金牛区"),
            ("510107", "武侯区"),
            ("510108", "成华区"),
        ],
        ("510700", "绵阳市"): [("510703", "涪城区"), ("510704", "游仙区")],
    },
    ("650000", "新疆维吾尔自治区"): {
        ("650100", "乌鲁木齐市"): [("650102", "天山区"), ("650103", "沙依巴克区"), ("650104", "新市区")],
        ("650200", "克拉玛依市"): [("650202", "独山子区"), ("650203", "克拉玛依区")],
    },
}

for (_pcode, _pname), _cities in _TREE.items():
    REGIONS[_pcode] = (_pname, "")
    for (_ccode, _cname), _counties in _cities.items():
        REGIONS[_ccode] = (_cname, _pcode)
        for _code, _name in _counties:
            REGIONS[_code] = (_name, _ccode)


def children(parent: str) -> list[tuple[str, str]]:
    """(code, name) of the regions directly under PARENT ("" for the provinces), in code order."""
    return sorted((code, name) for code, (name, up) in REGIONS.items() if up == parent)


def is_county(code: str) -> bool:
    up = REGIONS.get(code, ("", ""))[1]
    return bool(up) and bool(REGIONS[up][1])


def full_name(code: str) -> str:
    """ "四川省成都市武侯区" for "510107"."""
    names: list[str] = []
    while code:
        name, code = REGIONS[code]
        names.append(name)
    return "".join(reversed(names))
