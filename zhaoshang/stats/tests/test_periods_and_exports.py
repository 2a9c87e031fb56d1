"""The default period is one for the dashboard and the table; a period not over yet is
read as of today; the Excel export holds numbers, not text."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from zhaoshang.dashboard.forms import PeriodForm
from zhaoshang.dashboard.services import build_dashboard
from zhaoshang.stats import services as stats
from zhaoshang.stats import tables
from zhaoshang.stats.choices import Indicator
from zhaoshang.stats.forms import TableForm
from zhaoshang.stats.services import Period
from zhaoshang.targets.models import Target

pytestmark = pytest.mark.django_db
FOURTH_OF_JULY = datetime.date(2024, 7, 4)


@pytest.fixture
def on_the_fourth(monkeypatch):
    monkeypatch.setattr(stats, "today", lambda: FOURTH_OF_JULY)


def test_the_dashboard_and_the_table_open_on_the_same_period_with_the_same_numbers(dataset, on_the_fourth):
    bureau = dataset.bureau
    form = TableForm(None, user=bureau)
    table = tables.build(
        bureau,
        year=form["year"].value(),
        first=form["first"].value(),
        last=form["last"].value(),
        parent=dataset.county,
        indicators=list(Indicator),
    )
    board = build_dashboard(bureau, PeriodForm().period(), dataset.county)

    assert (table.table.period.start, table.table.period.end) == (board.period.start, board.period.end)
    assert board.period.label == "2024年1—7月" and board.period.as_of == FOURTH_OF_JULY
    # 序时进度 counts the months completed by 4 July: six of twelve, on both.
    assert table.table.schedule == board.period.schedule == Decimal(6) / 12
    total = table.total.rows[0].cells
    for kpi in board.kpis:
        assert kpi.value == total[kpi.indicator].value, kpi.indicator


def test_a_finished_period_keeps_its_whole_months_for_the_schedule():
    period = Period.months(2024, 1, 7).so_far(datetime.date(2024, 8, 2))
    assert period.as_of is None and period.schedule == Decimal(7) / 12 and period.cutoff_text == "截至7月底"
    on_last_day = Period.months(2024, 1, 7).so_far(datetime.date(2024, 7, 31))
    assert on_last_day.as_of is None
    so_far = Period.months(2024, 1, 12).so_far(datetime.date(2024, 12, 4))
    assert so_far.cutoff_text == "截至12月4日" and so_far.schedule == Decimal(11) / 12


def test_the_table_export_stores_numbers_and_percentages_as_numbers(dataset, client):
    Target.objects.create(year=2024, unit=dataset.town_a, indicator=Indicator.CONTRACTED_INVESTMENT, value="40000")
    client.force_login(dataset.bureau)
    response = client.get(
        reverse("stats:table_export"), {"year": "2024", "first": "1", "last": "7", "unit": dataset.county.pk}
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert "（万元）" in str(sheet["B2"].value) or any("（万元）" in str(c.value) for c in sheet[2] if c.value)
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=4) if row[0].value}
    town_a = rows[dataset.town_a.name]
    header = [cell.value for cell in sheet[3]]
    groups = [cell.value for cell in sheet[2]]
    contracted = next(i for i, text in enumerate(groups) if text and text.startswith("协议引资额"))
    value, target, completion = town_a[contracted], town_a[contracted + 1], town_a[contracted + 2]
    assert header[contracted : contracted + 3] == ["完成值", "目标", "完成率"]
    assert value.data_type == "n" and value.number_format == "#,##0.00"
    assert Decimal(str(value.value)) == stats.value(
        Indicator.CONTRACTED_INVESTMENT, dataset.town_a, Period.months(2024, 1, 7)
    )
    assert target.data_type == "n" and target.value == 40000
    assert completion.data_type == "n" and "%" in completion.number_format
    assert not str(value.value).startswith("'")
    # A unit without a target says so in text: "—", not 0.
    assert rows[dataset.town_b.name][contracted + 2].value == "—"
