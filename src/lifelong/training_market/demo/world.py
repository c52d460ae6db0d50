"""The demo market's names, places and shared state: brands, kinds of institution and
their courses, roads, the loader's context, and registry rows for new institutions."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from lifelong.shared import clock
from lifelong.shared.ids import ric_check_character
from lifelong.training_market.demo.ledger import Batch
from lifelong.training_market.models import (
    Contract,
    ContractState,
    Institution,
)
from lifelong.training_market.services.contracts import (
    rule_in_force,
)

SUNSHINE = "阳光艺术培训中心"
OTHERS = 300
CONTRACTS_PER_INSTITUTION = (2, 4)
ESCROW_BANK = "上海示范银行"
TROUBLE = {"310104": "徐汇启航学科辅导中心", "310101": "黄浦未来星英语培训学校"}

BRANDS = [
    "星辰",
    "晨曦",
    "启明",
    "彩虹",
    "海韵",
    "青松",
    "博雅",
    "明德",
    "翰墨",
    "天籁",
    "飞鹰",
    "蓝天",
    "智慧",
    "乐学",
    "童心",
    "春晖",
    "思源",
    "卓越",
    "远航",
    "新苗",
]
KINDS = {
    "arts": ("艺术培训中心", ["少儿美术", "钢琴", "舞蹈基础", "书法", "声乐"]),
    "sports": ("体育培训中心", ["游泳", "篮球", "跆拳道", "乒乓球", "围棋"]),
    "science_technology": ("科技教育中心", ["机器人编程", "少儿编程", "航模", "科学实验"]),
    "vocational": ("职业技能培训学校", ["育婴员", "西式面点", "电工", "茶艺"]),
    "childcare": ("早期发展中心", ["亲子早教", "感统训练", "托育半日班"]),
    "subject": ("学科辅导中心", ["初中数学", "高中物理", "英语阅读", "语文写作"]),
    "other": ("文化培训中心", ["国学经典", "演讲与口才", "摄影"]),
}
ROADS = [
    "淮海中路",
    "漕溪北路",
    "南京东路",
    "四川北路",
    "长宁路",
    "延安西路",
    "曹杨路",
    "控江路",
    "沪闵路",
    "牡丹江路",
    "曹安公路",
    "世纪大道",
    "卫零路",
    "中山西路",
    "华新镇",
    "人民路",
    "八一路",
]


def day_at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=clock.SHANGHAI)


def demo_id_number(area: str, birth: dt.date, seq: int) -> str:
    first17 = f"{area}{birth:%Y%m%d}{seq % 1000:03d}"
    return first17 + ric_check_character(first17)


@dataclass(frozen=True)
class Extra:
    """What the loader knows of a demo institution beyond its registry row."""

    categories: list[str]
    lease_end: dt.date
    escrow: bool


@dataclass
class Ctx:
    today: dt.date
    rng: random.Random
    batch: Batch
    bank_id: int
    user_ids: dict[str, int]
    contracts: list[Contract] = field(default_factory=list)
    states: list[ContractState] = field(default_factory=list)
    stories: list = field(default_factory=list)
    extras: dict[str, Extra] = field(default_factory=dict)
    rules: dict = field(default_factory=dict)
    seq: int = 0

    def rule(self, category: str):
        if category not in self.rules:
            self.rules[category] = rule_in_force(category, self.today)
        return self.rules[category]


def new_institution(
    ctx: Ctx,
    org_id: int,
    name: str,
    uscc: str,
    district: str,
    *,
    for_profit: bool,
    categories: list[str],
    lease_end: dt.date,
    licence_until: dt.date,
    escrow: bool = True,
    monthly: bool = False,
) -> Institution:
    rng = ctx.rng
    institution = Institution(
        organisation_id=org_id,
        name=name,
        uscc=uscc,
        district_id=district,
        address=f"{rng.choice(ROADS)}{rng.randint(1, 999)}号",
        for_profit=for_profit,
        licence_number=f"教民{district}{rng.randint(10000000, 99999999)}号",
        licence_issued_by="上海市教育委员会" if district == "310000" else "区教育局",
        licence_valid_from=licence_until - dt.timedelta(days=5 * 365),
        licence_valid_until=licence_until,
        release_schedule="monthly" if monthly else "per_lesson",
    )
    ctx.extras[uscc] = Extra(categories, lease_end, escrow)
    return institution
