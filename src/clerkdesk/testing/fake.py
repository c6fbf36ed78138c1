"""Fake people and companies with valid checksums and real region codes. Synthetic data only."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import asdict, dataclass

from clerkdesk.records import addresses as regions
from clerkdesk.records.codes import ethnic_group_names
from clerkdesk.records.standards import USCC_ALPHABET, org_check_char, uscc_check_char
from clerkdesk.records.standards import id_check_digit as id_check_char

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
COMPOUND_SURNAMES = ("欧阳", "司马", "诸葛", "上官", "东方", "皇甫")
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂华建国志红文辉玉兰晓婷宇浩然思雨欣怡子轩梓涵一诺嘉俊博文佳琪天佑瑞丹蕾晨阳鹏飞振海春梅秋菊冬雪立新永康德胜金凤淑珍慧敏国庆卫东晶莹"
ETHNICITIES = list(ethnic_group_names())  # GB 3304, from records/ (the one list)
STREETS = ["人民", "解放", "建设", "中山", "和平", "胜利", "新华", "友谊", "光明", "朝阳", "文化", "长江", "黄河", "青年", "东风", "幸福", "团结", "振兴", "育才", "迎宾", "花园", "滨河", "学府", "工农"]
STREET_KINDS = ("路", "街", "大道", "巷")
VILLAGES = ("村", "社区", "小区")
TRADE_NAMES = ["华信", "恒达", "鑫源", "宏图", "博远", "盛世", "东方", "瑞丰", "金桥", "天成", "汇通", "永盛", "嘉禾", "中科", "云帆", "远航", "新创", "锦程", "正泰", "和润"]
INDUSTRIES = (
    ("科技", "技术开发、技术咨询、技术服务、技术转让；软件开发；信息系统集成服务；计算机系统服务；数据处理服务"),
    ("商贸", "日用百货、五金交电、服装鞋帽、办公用品、电子产品的销售；货物进出口；技术进出口；国内贸易代理"),
    ("餐饮管理", "餐饮服务；餐饮管理；食品经营；酒店管理；会议及展览服务；日用品销售；外卖递送服务"),
    ("建筑工程", "建设工程施工；建筑劳务分包；住宅室内装饰装修；园林绿化工程施工；建筑材料销售；机械设备租赁"),
    ("物流", "普通货物道路运输；国内货物运输代理；装卸搬运；仓储服务（不含危险化学品）；信息咨询服务"),
    ("文化传媒", "组织文化艺术交流活动；广告设计、代理；广告制作；企业形象策划；摄影扩印服务；会议及展览服务"),
)
ENTITY_TYPES = (
    "有限责任公司(自然人投资或控股)",
    "有限责任公司(自然人独资)",
    "其他有限责任公司",
    "股份有限公司(非上市、自然人投资或控股)",
)
_DIGITS_UPPER = "零壹贰叁肆伍陆柒捌玖"


@dataclass(frozen=True)
class FakePerson:
    name: str
    sex: str
    ethnicity: str
    birth_date: str  # ISO
    address: str
    id_number: str
    issuing_authority: str
    valid_from: str  # ISO
    valid_to: str | None  # ISO, None = 长期

    def as_dict(self) -> dict[str, str | None]:
        return asdict(self)


@dataclass(frozen=True)
class FakeCompany:
    uscc: str
    name: str
    entity_type: str
    legal_rep: str
    registered_capital: str
    established: str  # ISO
    address: str
    business_scope: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def fake_name(rng: random.Random) -> str:
    surname = rng.choice(COMPOUND_SURNAMES) if rng.random() < 0.03 else rng.choice(SURNAMES)
    return surname + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def fake_street_address(rng: random.Random, region: regions.County) -> str:
    street = rng.choice(STREETS) + rng.choice(STREET_KINDS)
    tail = f"{rng.randint(1, 999)}号"
    if rng.random() < 0.5:
        tail += f"{rng.randint(1, 30)}栋{rng.randint(1, 4)}单元{rng.randint(1, 30)}{rng.randint(1, 4):02d}室"
    elif rng.random() < 0.5:
        tail = rng.choice(STREETS) + rng.choice(VILLAGES) + tail
    return regions.address_prefix(region) + street + tail


def _random_date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def _add_years(d: dt.date, years: int) -> dt.date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 Feb
        return d.replace(year=d.year + years, day=28)


def fake_person(rng: random.Random, today: dt.date = dt.date(2026, 1, 1)) -> FakePerson:
    sex = rng.choice("男女")
    birth = _random_date(rng, dt.date(1945, 1, 1), dt.date(2007, 12, 31))
    seq = rng.randint(0, 99) * 10 + rng.choice((1, 3, 5, 7, 9) if sex == "男" else (0, 2, 4, 6, 8))
    while True:  # a code that existed in the birth year and still does (so the address is current)
        region = rng.choice(regions.current_counties())
        body = f"{region.code}{birth:%Y%m%d}{seq:03d}"
        if regions.existed_in(region.code, birth.year):
            break
    issued = _random_date(rng, max(_add_years(birth, 16), dt.date(2005, 1, 1)), today)
    age = (issued - birth).days // 365
    years = 10 if age < 26 else 20 if age < 46 else 0
    valid_to = _add_years(issued, years).isoformat() if years else None
    city = region.province if region.code[:2] in regions.MUNICIPALITIES else region.prefecture
    county = region.county
    if county.endswith("区") and len(county) > 2:
        authority = f"{city}公安局{county[:-1]}分局"
    else:
        authority = f"{county}公安局"
    return FakePerson(
        name=fake_name(rng),
        sex=sex,
        ethnicity=rng.choice(ETHNICITIES) if rng.random() < 0.3 else "汉",
        birth_date=birth.isoformat(),
        address=fake_street_address(rng, region),
        id_number=body + id_check_char(body),
        issuing_authority=authority,
        valid_from=issued.isoformat(),
        valid_to=valid_to,
    )


def upper_amount(wan: int) -> str:
    """500 → 伍佰万元整 (capital in 万元, written in financial numerals)."""
    units = [(1000, "仟"), (100, "佰"), (10, "拾"), (1, "")]
    out, zero = "", False
    for size, unit in units:
        d = wan // size % 10
        if d:
            if zero and out:
                out += "零"
            out += _DIGITS_UPPER[d] + unit
            zero = False
        elif out:
            zero = True
    return out + "万元整"


def fake_org_code(rng: random.Random) -> str:
    alphabet = USCC_ALPHABET[:10] * 3 + USCC_ALPHABET[10:]  # mostly digits, like real codes
    body = "".join(rng.choice(alphabet) for _ in range(8))
    return body + org_check_char(body)


def fake_company(rng: random.Random, today: dt.date = dt.date(2026, 1, 1)) -> FakeCompany:
    region = rng.choice(regions.current_counties())
    city = region.province[:-1] if region.code[:2] in regions.MUNICIPALITIES else region.prefecture
    trade = rng.choice(TRADE_NAMES)
    industry, scope = rng.choice(INDUSTRIES)
    scope += "。（依法须经批准的项目，经相关部门批准后方可开展经营活动）"
    body = "91" + region.code + fake_org_code(rng)
    return FakeCompany(
        uscc=body + uscc_check_char(body),
        name=f"{city.removesuffix('市')}{trade}{industry}有限公司",
        entity_type=rng.choice(ENTITY_TYPES),
        legal_rep=fake_name(rng),
        registered_capital=upper_amount(rng.choice((10, 30, 50, 100, 200, 300, 500, 1000, 1200, 2050, 5000))),
        established=_random_date(rng, dt.date(2000, 1, 1), today).isoformat(),
        address=fake_street_address(rng, region),
        business_scope=scope,
    )
