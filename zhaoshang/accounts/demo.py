"""The demo city's ground: a fictional 示范市 with 市本级 and five counties, and demo
accounts for every role. The first builder ``core.demo.build_city`` runs; the other apps'
demo modules then add projects, money, targets … for the units and the bureau it leaves
on the city.

Idempotent: units and accounts are found by code and user name; a second run changes
nothing. Every save goes through the models, so the audit log shows how it was built.
"""

import csv
import os
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from zhaoshang.accounts.choices import Role, UnitType
from zhaoshang.accounts.models import Unit, User

DEMO_PASSWORD_DEFAULT = "Demo@2026zs"  # noqa: S105 - the documented demo password
DATA = Path(__file__).parent / "demo_data"

CITY_LEVEL_UNITS = [
    ("SFS-TCJ", "市投资促进局", UnitType.DEPARTMENT, ["市投促局", "市招商局"]),
    ("SFS-FGW", "市发展和改革委员会", UnitType.DEPARTMENT, ["市发改委"]),
    ("SFS-GXJ", "市工业和信息化局", UnitType.DEPARTMENT, ["市工信局"]),
    ("SFS-SWJ", "市商务局", UnitType.DEPARTMENT, []),
    ("SFS-ZRJ", "市自然资源和规划局", UnitType.DEPARTMENT, ["市自规局"]),
    ("SFS-JKQ", "示范市经济技术开发区", UnitType.ZONE, ["市经开区", "经济技术开发区"]),
    ("SFS-GXQ", "示范市高新技术产业开发区", UnitType.ZONE, ["市高新区"]),
    ("SFS-ZBQ", "示范综合保税区", UnitType.ZONE, ["综保区"]),
    ("SFS-XNYQC", "新能源汽车产业专班", UnitType.INDUSTRY_TEAM, ["新能源汽车专班"]),
    ("SFS-SWYY", "市生物医药产业专班", UnitType.INDUSTRY_TEAM, []),
]
COUNTIES = [
    ("DHQ", "东湖区", ["东湖街道", "湖滨街道", "青云街道", "望江街道"], "东湖区产业园"),
    ("XSQ", "西山区", ["西山街道", "石门镇", "枫林镇", "桃源镇"], "西山工业园"),
    ("NJX", "南江县", ["南江镇", "白沙镇", "龙潭镇", "金桥乡", "新安镇"], "南江县经济开发区"),
    ("BCX", "北川县", ["北川镇", "马坪镇", "双河镇", "清泉乡"], "北川县工业集中区"),
]


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    unit_code: str | None
    name: str


DEMO_ACCOUNTS = [
    DemoAccount("demo_leader", Role.LEADER, "SFS", "王市长"),
    DemoAccount("demo_bureau", Role.BUREAU, "SFS-TCJ", "李科长"),
    DemoAccount("demo_town_a", Role.OFFICER, "SFX-CG", "城关镇招商办 张敏"),
    DemoAccount("demo_town_b", Role.OFFICER, "SFX-HK", "河口镇招商办 刘洋"),
    DemoAccount("demo_county", Role.OFFICER, "SFX", "示范县投促局 陈静"),
    DemoAccount("demo_zone", Role.OFFICER, "SFS-JKQ", "经开区招商局 赵磊"),
    DemoAccount("demo_sysadmin", Role.SYSADMIN, None, "系统管理员"),
    DemoAccount("demo_auditor", Role.AUDITOR, None, "审计员"),
]


def demo_password() -> str:
    return os.environ.get("ZHAOSHANG_DEMO_PASSWORD") or DEMO_PASSWORD_DEFAULT


def _unit(code, name, type_, parent=None, aliases=(), sort_order=0) -> Unit:
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        unit = Unit.objects.create(
            code=code, name=name, type=type_, parent=parent, aliases=list(aliases), sort_order=sort_order
        )
    return unit


@transaction.atomic
def build_units() -> list[Unit]:
    city = _unit("SFS", "示范市", UnitType.CITY)
    city_level = _unit("SFS-SBJ", "市本级", UnitType.CITY_LEVEL, city, sort_order=1)
    for order, (code, name, type_, aliases) in enumerate(CITY_LEVEL_UNITS):
        _unit(code, name, type_, city_level, aliases, sort_order=order)
    with open(DATA / "shifan_county_units.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    county = _unit("SFX", "示范县", UnitType.COUNTY, city, sort_order=2)
    for order, row in enumerate(rows):
        if row["code"] == "SFX":
            continue
        aliases = [alias for alias in row["aliases"].split(";") if alias]
        _unit(row["code"], row["name"], row["type"], county, aliases, sort_order=order)
    for index, (code, name, towns, zone) in enumerate(COUNTIES, start=3):
        county_unit = _unit(code, name, UnitType.COUNTY, city, sort_order=index)
        _unit(f"{code}-TCJ", f"{name}投资促进局", UnitType.DEPARTMENT, county_unit, [f"{name[:2]}投促局"], sort_order=0)
        _unit(f"{code}-YQ", zone, UnitType.ZONE, county_unit, [], sort_order=1)
        for order, town in enumerate(towns, start=2):
            _unit(f"{code}-{order:02d}", town, UnitType.TOWN, county_unit, [f"{town}人民政府"], sort_order=order)
    return list(Unit.objects.filter(path__startswith=city.path))


@transaction.atomic
def build_accounts(*, reset_passwords: bool = False) -> list[tuple[DemoAccount, User]]:
    result = []
    for account in DEMO_ACCOUNTS:
        unit = Unit.objects.get(code=account.unit_code) if account.unit_code else None
        user = User.objects.filter(username=account.username).first()
        if user is None:
            user = User(username=account.username, role=account.role, unit=unit, name=account.name, is_demo=True)
            user.set_password(demo_password())
            user.save()
        elif reset_passwords:
            user.set_password(demo_password())
            user.must_change_password = False
            user.save()
        result.append((account, user))
    return result


# Built first: every other demo module works on the units and with the accounts made here.
DEMO_AFTER: tuple[str, ...] = ()

# The units that get demo projects: towns, zones, industry and stationed teams, and two
# departments that promote investment themselves.
WORKING_UNIT_TYPES = (UnitType.TOWN, UnitType.ZONE, UnitType.INDUSTRY_TEAM, UnitType.STATIONED_TEAM)


def build(city) -> int:
    """The units and the demo accounts; leaves ``units``, ``accounts``, ``bureau`` and
    ``working_units`` on the city for the builders that follow."""
    units_before = Unit.objects.count()
    city.units = build_units()
    city.accounts = build_accounts(reset_passwords=city.reset_passwords)
    city.password = demo_password()
    city.bureau = next(user for account, user in city.accounts if account.role == Role.BUREAU)
    city.working_units = [
        unit
        for unit in Unit.objects.filter(active=True).order_by("path")
        if unit.type in WORKING_UNIT_TYPES or unit.code in ("SFX-SWJ", "SFS-TCJ")
    ]
    return Unit.objects.count() - units_before
