"""The reference data loads with the counts and entries the statistics bureau publishes."""

import datetime

import pytest
from django.core.management import call_command

from zhaoshang.core.models import AuditLog
from zhaoshang.reference.models import CalendarYear, Division, Holiday, Industry

pytestmark = pytest.mark.django_db


def test_the_full_load_has_every_level_of_division_and_runs_twice_without_duplicates():
    call_command("load_reference", verbosity=0)
    counts = {level: Division.objects.filter(level=level).count() for level in (1, 2, 3, 4)}
    assert counts[1] == 31
    assert counts[2] == 342
    assert counts[3] > 2800
    assert counts[4] > 38000
    dongcheng = Division.objects.get(code="110101")
    assert (dongcheng.name, dongcheng.level, dongcheng.parent.code) == ("东城区", 3, "1101")
    assert Division.objects.get(code="110101001").name == "东华门街道"
    call_command("load_reference", verbosity=0)
    assert Division.objects.count() == sum(counts.values())
    assert AuditLog.objects.filter(action="import", detail__startswith="加载基础数据").count() == 1


def test_gb_t_4754_has_20_sections_and_97_divisions_with_their_sectors():
    call_command("load_reference", only="industries", verbosity=0)
    assert Industry.objects.filter(level=1).count() == 20
    assert Industry.objects.filter(level=2).count() == 97
    assert Industry.objects.get(code="C").name == "制造业"
    electronics = Industry.objects.get(code="39")
    assert (electronics.name, electronics.parent.code, electronics.sector) == (
        "计算机、通信和其他电子设备制造业",
        "C",
        2,
    )
    sectors = dict(Industry.objects.filter(level=2).values_list("code", "sector"))
    assert sectors["01"] == 1 and sectors["13"] == 2 and sectors["44"] == 2 and sectors["51"] == 3
    # The 2018 rule: these service-like divisions are tertiary although their sections are not.
    assert (sectors["05"], sectors["11"], sectors["43"]) == (3, 3, 3)
    assert all(sectors[code] == 2 for code in ("06", "12", "41", "42", "47", "50"))


def test_the_2026_holidays_and_make_up_workdays_are_seeded():
    call_command("load_reference", only="holidays", verbosity=0)
    assert CalendarYear.objects.filter(year=2026).exists()
    assert Holiday.objects.get(date=datetime.date(2026, 1, 1)).kind == "holiday"
    assert Holiday.objects.get(date=datetime.date(2026, 10, 1)).name == "国庆节"
    make_up = Holiday.objects.filter(date__year=2026, kind="workday")
    assert make_up.count() >= 4
    assert all(day.date.weekday() >= 5 for day in make_up)
    assert Holiday.objects.get(date=datetime.date(2026, 2, 28)).kind == "workday"


def test_a_day_the_administrator_edited_is_not_overwritten():
    call_command("load_reference", only="holidays", verbosity=0)
    day = Holiday.objects.get(date=datetime.date(2026, 6, 19))
    day.name = "端午节（本地调整）"
    day.save()
    call_command("load_reference", only="holidays", verbosity=0)
    assert Holiday.objects.get(date=datetime.date(2026, 6, 19)).name == "端午节（本地调整）"
