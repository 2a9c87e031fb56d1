"""The shared sample ledgers import to exactly the expected values."""

import json
from decimal import Decimal
from pathlib import Path

import pytest

from zhaoshang.imports.choices import RowAction
from zhaoshang.imports.services import commit_ledger, preview_ledger
from zhaoshang.imports.spec import ImportRefused
from zhaoshang.imports.tests.conftest import SAMPLES, sample_bytes
from zhaoshang.projects.models import Project

pytestmark = pytest.mark.django_db
SHARED = Path(__file__).resolve().parents[3].parent / "shared" / "samples"


def expected(name):
    return json.loads((SAMPLES / "expected" / name).read_text(encoding="utf-8"))


def as_expected(row):
    values = row.values
    return {
        "row": row.number,
        "name": values["name"],
        "investor": values["investor"],
        "uscc": values["uscc"],
        "total_investment_wan": values["total_investment"],
        "stage": values["stage"],
        "signed_on": values["signed_on"].isoformat() if values.get("signed_on") else None,
        "started_on": values["started_on"].isoformat() if values.get("started_on") else None,
        "unit": values["responsible_unit"].code,
        "leader": values["responsible_leader"],
    }


def normalised(expected_row):
    return {**expected_row, "total_investment_wan": Decimal(expected_row["total_investment_wan"])}


@pytest.mark.skipif(not SHARED.exists(), reason="../shared/samples is not beside the project")
def test_the_copied_samples_match_the_shared_ones():
    for path in SHARED.rglob("*"):
        if path.is_file() and path.name != "README.md":
            assert (SAMPLES / path.relative_to(SHARED)).read_bytes() == path.read_bytes(), path.name


def test_the_county_ledger_parses_36_valid_rows_to_the_expected_values(shifan_units):
    preview = preview_ledger(
        shifan_units.bureau, sample_bytes("ledger-county-2024.xlsx"), "ledger-county-2024.xlsx", shifan_units.county
    )
    want = expected("ledger-county-2024.json")
    valid = [as_expected(row) for row in preview.rows if row.ok]
    assert valid == [normalised(row) for row in want["valid_rows"]]


def test_the_county_ledger_refuses_six_rows_with_field_and_reason(shifan_units):
    preview = preview_ledger(
        shifan_units.bureau, sample_bytes("ledger-county-2024.xlsx"), "ledger-county-2024.xlsx", shifan_units.county
    )
    errors = [(row.number, label, reason) for row in preview.error_rows for label, reason in row.errors.items()]
    want = expected("ledger-county-2024.json")["error_rows"]
    assert [(number, label) for number, label, _ in errors] == [(row["row"], row["field"]) for row in want]
    for (_, _, reason), row in zip(errors, want, strict=True):
        assert row["reason"] in reason
    assert "第42行 签约时间：无法识别的日期「2024年13月5日」" in preview.messages()


def test_the_county_ledger_is_refused_whole_until_the_bad_rows_are_excluded(shifan_units):
    preview = preview_ledger(
        shifan_units.bureau, sample_bytes("ledger-county-2024.xlsx"), "ledger-county-2024.xlsx", shifan_units.county
    )
    with pytest.raises(ImportRefused) as refused:
        commit_ledger(shifan_units.bureau, preview.batch)
    assert len(refused.value.messages) == 6
    assert Project.objects.count() == 0  # nothing half-saved
    result = commit_ledger(shifan_units.bureau, preview.batch, exclude_rows=[row.number for row in preview.error_rows])
    assert result.count(RowAction.CREATE) == 36
    assert Project.objects.count() == 36


def test_re_importing_the_same_file_changes_nothing(shifan_units):
    data = sample_bytes("ledger-town-2024.csv")
    first = preview_ledger(shifan_units.bureau, data, "ledger-town-2024.csv", shifan_units.county)
    commit_ledger(shifan_units.bureau, first.batch)
    snapshot = list(Project.objects.order_by("pk").values())
    again = preview_ledger(shifan_units.bureau, data, "ledger-town-2024.csv", shifan_units.county)
    assert {row.action for row in again.rows} == {RowAction.UNCHANGED}
    commit_ledger(shifan_units.bureau, again.batch)
    assert list(Project.objects.order_by("pk").values()) == snapshot


def test_the_town_csv_in_gbk_parses_to_the_expected_values(shifan_units):
    preview = preview_ledger(
        shifan_units.officer_b, sample_bytes("ledger-town-2024.csv"), "ledger-town-2024.csv", shifan_units.town_b
    )
    assert [as_expected(row) for row in preview.rows] == [normalised(row) for row in expected("ledger-town-2024.json")]
    commit_ledger(shifan_units.officer_b, preview.batch)
    stored = Project.objects.get(name="数据中心及算力服务项目")
    assert (stored.total_investment, stored.stage, stored.responsible_unit.code) == (
        Decimal("50000"),
        "registered",
        "SFX-HK",
    )
    assert stored.events.filter(stage="signed", status="submitted").count() == 1


def test_a_town_officer_cannot_import_for_another_town(shifan_units):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        preview_ledger(shifan_units.officer_a, sample_bytes("ledger-town-2024.csv"), "x.csv", shifan_units.town_b)


def test_rows_naming_units_outside_the_importers_scope_are_unknown_units(shifan_units):
    # 城关镇's officer imports the town ledger that names 河口镇 in every row.
    preview = preview_ledger(shifan_units.officer_a, sample_bytes("ledger-town-2024.csv"), "x.csv", shifan_units.town_a)
    assert all("未知单位「河口镇" in " ".join(row.errors.values()) for row in preview.rows)


def test_the_bureau_may_mark_imported_events_verified_and_the_audit_says_so(shifan_units):
    from zhaoshang.core.models import AuditLog

    preview = preview_ledger(
        shifan_units.bureau, sample_bytes("ledger-town-2024.csv"), "x.csv", shifan_units.county, mark_verified=True
    )
    commit_ledger(shifan_units.bureau, preview.batch)
    stored = Project.objects.get(name="数据中心及算力服务项目")
    assert stored.verified_stage == "signed"  # the only event a ledger row with a 签约日期 yields
    assert AuditLog.objects.filter(action="verify", detail="导入时确认审核通过").count() > 0
    assert "导入时确认审核通过" in AuditLog.objects.get(action="import").detail
