"""Targets are set by the bureau, distributed to children that add up, and imported."""

import csv
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from zhaoshang.stats.choices import Indicator
from zhaoshang.targets.models import Target
from zhaoshang.targets.services import distribute, distribution_gaps, set_target

pytestmark = pytest.mark.django_db
MONEY = Indicator.CONTRACTED_INVESTMENT


def test_only_the_bureau_sets_targets(personas):
    with pytest.raises(PermissionDenied):
        set_target(personas.officer_a, 2024, personas.town_a, MONEY, 100)
    with pytest.raises(PermissionDenied):
        set_target(personas.leader, 2024, personas.town_a, MONEY, 100)
    assert set_target(personas.bureau, 2024, personas.town_a, MONEY, "100.5").value == Decimal("100.5")


def test_counts_must_be_whole_numbers(personas):
    with pytest.raises(ValidationError):
        set_target(personas.bureau, 2024, personas.town_a, Indicator.SIGNED_COUNT, "2.5")


def test_distribution_must_add_up_to_the_parent(personas):
    set_target(personas.bureau, 2024, personas.county, MONEY, 1000)
    with pytest.raises(ValidationError) as error:
        distribute(personas.bureau, 2024, personas.county, MONEY, {personas.town_a.pk: 600, personas.town_b.pk: 300})
    assert "相差 100" in str(error.value)
    assert Target.objects.filter(unit__parent=personas.county).count() == 0
    distribute(personas.bureau, 2024, personas.county, MONEY, {personas.town_a.pk: 600, personas.town_b.pk: 400})
    assert distribution_gaps(2024, MONEY, [personas.county]) == []
    set_target(personas.bureau, 2024, personas.town_b, MONEY, 300)
    assert distribution_gaps(2024, MONEY, [personas.county]) == [(personas.county, Decimal(1000), Decimal(900))]


def test_targets_import_by_unit_name_or_alias_all_or_nothing(personas, tmp_path):
    path = tmp_path / "targets.csv"
    rows = [
        ["单位", "年度", "指标", "目标值（万元）"],
        ["城关镇人民政府", "2024", "协议引资额", "50,000"],
        ["河口镇", "2024年", "签约项目数", "12"],
    ]
    path.write_text("\n".join(",".join(f'"{cell}"' for cell in row) for row in rows), encoding="utf-8")
    call_command("import_targets", str(path))
    assert Target.objects.get(unit=personas.town_a, indicator=MONEY).value == Decimal(50000)
    assert Target.objects.get(unit=personas.town_b, indicator=Indicator.SIGNED_COUNT).value == 12
    bad = tmp_path / "bad.csv"
    with open(bad, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(
            [rows[0], ["城关镇", "2025", "协议引资额", "1"], ["火星镇", "2025", "协议引资额", "1"]]
        )
    with pytest.raises(CommandError):
        call_command("import_targets", str(bad))
    assert not Target.objects.filter(year=2025).exists()


def _write_csv(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def test_a_bureau_sheet_headed_annual_target_in_wan_is_understood(personas, tmp_path):
    """GIVEN the bureau's own sheet, whose value column says 「年度目标（万元）」 and whose
    amounts are in 亿元 in another column header, WHEN it is imported, THEN each value lands."""
    path = _write_csv(
        tmp_path / "targets.csv",
        [
            ["单位", "年度", "指标", "年度目标（万元）"],
            ["城关镇", "2026", "协议引资额", "30,000"],
            ["河口镇", "2026", "签约项目数", "8"],
        ],
    )
    call_command("import_targets", str(path))
    assert Target.objects.get(unit=personas.town_a, year=2026, indicator=MONEY).value == Decimal(30000)
    assert Target.objects.get(unit=personas.town_b, year=2026, indicator=Indicator.SIGNED_COUNT).value == 8


@pytest.mark.parametrize("header", ["目标任务（亿元）", "年计划（亿元）", "计划数（亿元）", "任务数（亿元）"])
def test_the_unit_written_in_the_value_header_is_applied(personas, tmp_path, header):
    path = _write_csv(
        tmp_path / "targets.csv", [["单位", "年度", "指标", header], ["城关镇", "2026", "协议引资额", "1.5"]]
    )
    call_command("import_targets", str(path))
    assert Target.objects.get(unit=personas.town_a, year=2026, indicator=MONEY).value == Decimal(15000)


def test_a_one_indicator_sheet_takes_the_indicator_and_year_from_its_title(personas, tmp_path):
    """The sheet bureaus send out for one indicator: a title, 单位 and 年度目标 only, a total line."""
    path = _write_csv(
        tmp_path / "targets.csv",
        [
            ["2026年各乡镇协议引资额目标任务分解表", ""],
            ["单位", "年度目标（亿元）"],
            ["城关镇", "2"],
            ["河口镇", "1.2"],
            ["合计", "3.2"],
        ],
    )
    call_command("import_targets", str(path))
    assert Target.objects.get(unit=personas.town_a, year=2026, indicator=MONEY).value == Decimal(20000)
    assert Target.objects.get(unit=personas.town_b, year=2026, indicator=MONEY).value == Decimal(12000)
    assert Target.objects.count() == 2


def test_a_one_indicator_sheet_without_an_indicator_in_its_title_is_refused_in_chinese(personas, tmp_path):
    path = _write_csv(tmp_path / "targets.csv", [["2026年目标", ""], ["单位", "年度目标"], ["城关镇", "2"]])
    with pytest.raises(CommandError, match="没有说明是哪项指标"):
        call_command("import_targets", str(path))
    assert not Target.objects.exists()
