"""The funds sample imports to exactly the expected tranches, matched to their projects;
a tranche the tranche form would refuse is refused in the preview too."""

import datetime
import json
from decimal import Decimal

import pytest

from zhaoshang.core.context import acting_as
from zhaoshang.funds.import_specs import commit_funds, parse_source, preview_funds
from zhaoshang.funds.models import FundsTranche
from zhaoshang.imports.choices import RowAction
from zhaoshang.imports.services import commit_ledger, preview_ledger
from zhaoshang.imports.spec import ImportRefused
from zhaoshang.imports.tests.conftest import SAMPLES, sample_bytes
from zhaoshang.imports.tests.test_formats import xlsx
from zhaoshang.projects.models import Project
from zhaoshang.projects.tests.factories import project

pytestmark = pytest.mark.django_db
KINDS = {"domestic": "内资", "foreign": "外资"}
SOURCES = {"outside_city": "市外", "outside_province": "省外", "abroad": "境外"}


@pytest.fixture
def county_projects(shifan_units):
    preview = preview_ledger(
        shifan_units.bureau, sample_bytes("ledger-county-2024.xlsx"), "county.xlsx", shifan_units.county
    )
    commit_ledger(shifan_units.bureau, preview.batch, exclude_rows=[row.number for row in preview.error_rows])
    return shifan_units


def test_the_funds_sample_parses_to_the_expected_48_tranches(county_projects):
    preview = preview_funds(
        county_projects.bureau, sample_bytes("funds-2024.xlsx"), "funds.xlsx", county_projects.county
    )
    want = json.loads((SAMPLES / "expected" / "funds-2024.json").read_text(encoding="utf-8"))
    got = [
        {
            "row": row.number,
            "project": row.values["name"],
            "investor": row.values["investor"],
            "date": row.values["date"].isoformat(),
            "amount_wan": row.values["amount"],
            "source": SOURCES[row.values["source"]],
            "kind": KINDS[row.values["kind"]],
        }
        for row in preview.rows
    ]
    assert got == [{**row, "amount_wan": Decimal(row["amount_wan"])} for row in want]
    assert preview.error_rows == []


def test_tranches_match_projects_by_name_and_investor_where_names_repeat(county_projects):
    preview = preview_funds(
        county_projects.bureau, sample_bytes("funds-2024.xlsx"), "funds.xlsx", county_projects.county
    )
    commit_funds(county_projects.bureau, preview.batch)
    assert FundsTranche.objects.count() == 48
    cold_chain = Project.objects.get(name="冷链物流园项目", investor__name="杭州德晟供应链管理有限公司")
    assert sorted(t.amount for t in cold_chain.tranches.all()) == [Decimal("1512"), Decimal("4538"), Decimal("4538")]
    assert all(t.status == "submitted" for t in FundsTranche.objects.all())


def test_re_importing_the_funds_file_adds_nothing(county_projects):
    first = preview_funds(county_projects.bureau, sample_bytes("funds-2024.xlsx"), "funds.xlsx", county_projects.county)
    commit_funds(county_projects.bureau, first.batch)
    again = preview_funds(county_projects.bureau, sample_bytes("funds-2024.xlsx"), "funds.xlsx", county_projects.county)
    assert {row.action for row in again.rows} == {RowAction.UNCHANGED}
    commit_funds(county_projects.bureau, again.batch)
    assert FundsTranche.objects.count() == 48


def test_a_tranche_for_an_unknown_project_refuses_the_file(shifan_units):
    preview = preview_funds(shifan_units.bureau, sample_bytes("funds-2024.xlsx"), "funds.xlsx", shifan_units.county)
    assert "第3行 项目名称：未找到项目「嘉禾冷链物流园项目」" in preview.messages()[0]
    with pytest.raises(ImportRefused):
        commit_funds(shifan_units.bureau, preview.batch)
    assert FundsTranche.objects.count() == 0


def test_the_bureau_may_mark_imported_tranches_verified(county_projects):
    preview = preview_funds(
        county_projects.bureau,
        sample_bytes("funds-2024.xlsx"),
        "funds.xlsx",
        county_projects.county,
        mark_verified=True,
    )
    commit_funds(county_projects.bureau, preview.batch)
    assert FundsTranche.objects.filter(status="verified", verified_by_import=True).count() == 48


@pytest.mark.parametrize(
    ("text", "source", "region"),
    [
        ("宁波（省外）", "outside_province", "宁波"),
        ("合肥(市外)", "outside_city", "合肥"),
        ("境外", "abroad", ""),
        ("香港 境外", "abroad", "香港"),
    ],
)
def test_the_source_cell_gives_source_and_region(text, source, region):
    assert parse_source(text) == (source, region)


def test_a_tranche_dated_tomorrow_or_too_large_is_refused_in_the_funds_preview(personas):
    project(personas.officer_a, personas.town_a, name="锂电池项目", stage="signed")
    tomorrow = datetime.date.today() + datetime.timedelta(days=2)
    data = xlsx(
        (
            "到位资金",
            [
                ["项目名称", "到位时间", "到位金额（万元）", "资金来源"],
                ["锂电池项目", tomorrow, 100, "省外"],
                ["锂电池项目", "2025-05-01", 10**20, "省外"],
            ],
        )
    )
    with acting_as(personas.officer_a, source="web"):
        result = preview_funds(personas.officer_a, data, "到位.xlsx", personas.town_a)
    messages = result.messages()
    assert any(m.startswith("第2行") and "晚于今天" in m for m in messages), messages
    assert any(m.startswith("第3行") and "金额过大" in m for m in messages), messages
    assert FundsTranche.objects.count() == 0
