"""An import keeps the limits the forms keep: an amount beyond its column, a date from
before 1949 or after the next thirty years, a name longer than the field — each is refused in the preview with the row and the column named, and
nothing is written."""

from decimal import Decimal

import pytest

from zhaoshang.core.context import acting_as
from zhaoshang.imports.services import commit_ledger, preview_ledger
from zhaoshang.imports.tests.test_formats import xlsx
from zhaoshang.projects.models import Project
from zhaoshang.projects.tests.factories import project

pytestmark = pytest.mark.django_db

HEADER = ["项目名称", "投资方", "协议总投资（万元）", "项目进展", "签约时间", "开工时间", "责任单位"]


def ledger(*rows) -> bytes:
    return xlsx(("台账", [HEADER, *rows]))


def preview(personas, data):
    with acting_as(personas.officer_a, source="web"):
        return preview_ledger(personas.officer_a, data, "台账.xlsx", personas.town_a)


def test_a_town_officers_row_of_ten_to_the_twentieth_wan_is_refused_with_the_largest_amount(personas):
    result = preview(
        personas, ledger(["锂电池项目", "甲新能源有限公司", 10**20, "已签约", "2025-03-10", None, "城关镇"])
    )
    assert result.messages() == ["第2行 协议总投资：金额过大（最多 99,999,999,999,999万元）"]
    assert Project.objects.count() == 0


def test_the_largest_amount_the_column_holds_is_accepted(personas):
    result = preview(
        personas, ledger(["锂电池项目", "甲新能源有限公司", "99999999999999", "已签约", "2025-03-10", None, "城关镇"])
    )
    assert result.messages() == []
    commit_ledger(personas.officer_a, result.batch)
    # 14 digits: SQLite keeps 15 significant digits of a decimal column, PostgreSQL all 18.
    assert Project.objects.get().total_investment == Decimal("99999999999999")


@pytest.mark.parametrize(
    ("signed", "started"),
    [("0001-01-01", None), ("2025-03-10", "9999-12-31"), ("1900-01-01", None)],
)
def test_placeholder_and_epoch_dates_are_refused(personas, signed, started):
    result = preview(personas, ledger(["锂电池项目", "甲新能源有限公司", 5000, "已签约", signed, started, "城关镇"]))
    [message] = result.messages()
    assert message.startswith("第2行 ") and "不合理（应在 1949-10-01 至" in message
    assert Project.objects.count() == 0


def test_a_name_longer_than_the_field_is_refused_with_its_length(personas):
    result = preview(personas, ledger(["项" * 201, "甲新能源有限公司", 5000, "已签约", "2025-03-10", None, "城关镇"]))
    assert result.messages() == ["第2行 项目名称：过长（最多 200 个字符，现有 201 个）"]


def test_a_correct_amount_reimports_over_a_project_holding_an_extreme_one(personas):
    """The bad value of an earlier import does not block its correction."""
    from django.db import connection

    stored = project(personas.officer_a, personas.town_a, name="锂电池项目", stage="negotiating")
    huge = Decimal(10) ** 20 if connection.vendor == "sqlite" else Decimal("99999999999999.9999")
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {Project._meta.db_table} SET total_investment = %s WHERE id = %s", [huge, stored.pk])  # noqa: S608
    data = xlsx(
        ("台账", [["项目编号", *HEADER], [stored.code, "锂电池项目", "", 5000, "洽谈中", None, None, "城关镇"]])
    )
    result = preview(personas, data)
    assert result.messages() == []
    commit_ledger(personas.officer_a, result.batch)
    stored.refresh_from_db()
    assert stored.total_investment == Decimal(5000)


def test_the_bulk_create_service_refuses_an_amount_beyond_the_column(personas):
    from django.core.exceptions import ValidationError

    from zhaoshang.projects.services import create_projects_bulk

    new = Project(name="锂电池项目", responsible_unit=personas.town_a, stage="negotiating", total_investment=10**20)
    with pytest.raises(ValidationError) as refused:
        create_projects_bulk(personas.officer_a, [new])
    assert "锂电池项目：金额过大（最多 99,999,999,999,999万元）" in refused.value.messages
    assert Project.objects.count() == 0


def test_control_characters_in_ledger_cells_are_dropped_on_import(personas):
    # A CSV, since openpyxl refuses to write such cells (an .xlsx written by another program may hold them).
    rows = [HEADER, ["锂电池\x1b项目\x07", "甲新能源\x0b有限公司", "5000", "已签约", "2025-03-10", "", "城关镇"]]
    data = "\n".join(",".join(row) for row in rows).encode()
    with acting_as(personas.officer_a, source="web"):
        result = preview_ledger(personas.officer_a, data, "台账.csv", personas.town_a)
    assert result.messages() == []
    commit_ledger(personas.officer_a, result.batch)
    stored = Project.objects.select_related("investor").get()
    assert (stored.name, stored.investor.name) == ("锂电池项目", "甲新能源有限公司")
