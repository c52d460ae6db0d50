"""The region tree: Shanghai's 16 districts (GB/T 2260) built in, streets and towns loaded
from a CSV (code,name,district_code)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from lifelong.shared.errors import Invalid
from lifelong.shared.models import Region

CITY_CODE = "310000"
CITY_NAME = "上海市"

# GB/T 2260 codes of Shanghai's districts in force today.
SHANGHAI_DISTRICTS: tuple[tuple[str, str, str], ...] = (
    ("310101", "黄浦区", "Huangpu"),
    ("310104", "徐汇区", "Xuhui"),
    ("310105", "长宁区", "Changning"),
    ("310106", "静安区", "Jing'an"),
    ("310107", "普陀区", "Putuo"),
    ("310109", "虹口区", "Hongkou"),
    ("310110", "杨浦区", "Yangpu"),
    ("310112", "闵行区", "Minhang"),
    ("310113", "宝山区", "Baoshan"),
    ("310114", "嘉定区", "Jiading"),
    ("310115", "浦东新区", "Pudong"),
    ("310116", "金山区", "Jinshan"),
    ("310117", "松江区", "Songjiang"),
    ("310118", "青浦区", "Qingpu"),
    ("310120", "奉贤区", "Fengxian"),
    ("310151", "崇明区", "Chongming"),
)


@dataclass(frozen=True)
class RegionInfo:
    code: str
    name: str
    name_en: str
    level: str
    parent_code: str | None


def _info(r: Region) -> RegionInfo:
    return RegionInfo(r.code, r.name, r.name_en, r.level, r.parent_id)


def scope_prefix_for(code: str, level: str) -> str:
    if level == Region.Level.CITY:
        return code[:2]
    return code


@transaction.atomic
def ensure_city_regions() -> int:
    """Create the city and its 16 districts; idempotent. Returns how many were created."""
    created = 0
    city, made = Region.objects.get_or_create(
        code=CITY_CODE,
        defaults={
            "name": CITY_NAME,
            "name_en": "Shanghai",
            "level": Region.Level.CITY,
            "scope_prefix": "31",
        },
    )
    created += made
    for code, name, name_en in SHANGHAI_DISTRICTS:
        _, made = Region.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "level": Region.Level.DISTRICT,
                "parent": city,
                "scope_prefix": code,
            },
        )
        created += made
    return created


@transaction.atomic
def load_streets_csv(path: Path) -> int:
    """Load streets/towns from a CSV with columns code,name,district_code (idempotent)."""
    districts = {r.code: r for r in Region.objects.filter(level=Region.Level.DISTRICT)}
    created = 0
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for line_no, row in enumerate(csv.DictReader(fh), start=2):
            parent = districts.get((row.get("district_code") or "").strip())
            code = (row.get("code") or "").strip()
            if parent is None or not code.startswith(parent.code) or len(code) != 9:
                raise Invalid(
                    f"第{line_no}行：街道代码或所属区不正确 / line {line_no}: bad street code or district",
                    fields={"line": str(line_no)},
                )
            _, made = Region.objects.update_or_create(
                code=code,
                defaults={
                    "name": row["name"].strip(),
                    "level": Region.Level.STREET,
                    "parent": parent,
                    "scope_prefix": code,
                },
            )
            created += made
    return created


def list_districts() -> list[RegionInfo]:
    return [_info(r) for r in Region.objects.filter(level=Region.Level.DISTRICT).order_by("code")]


def list_streets(district_code: str) -> list[RegionInfo]:
    return [_info(r) for r in Region.objects.filter(parent_id=district_code).order_by("code")]


def list_all_streets() -> list[RegionInfo]:
    """Every street and town of the city in one query, grouped by district (codes start
    with their district's)."""
    return [_info(r) for r in Region.objects.filter(level=Region.Level.STREET).order_by("code")]


def get_region(code: str) -> RegionInfo | None:
    r = Region.objects.filter(code=code).first()
    return _info(r) if r else None
