"""The funds ledger imported through the web: upload, preview row by row, commit all or
nothing, the result — matching the shared sample's expected tranches."""

import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zhaoshang.funds.models import FundsTranche
from zhaoshang.imports.models import ImportBatch
from zhaoshang.imports.services import commit_ledger, preview_ledger
from zhaoshang.imports.tests.conftest import SAMPLES, sample_bytes
from zhaoshang.stats.choices import Indicator
from zhaoshang.stats.services import CountingRules, Period, value

pytestmark = pytest.mark.django_db
EXPECTED = json.loads((SAMPLES / "expected" / "funds-2024.json").read_text(encoding="utf-8"))
EXPECTED_TOTAL = sum((Decimal(row["amount_wan"]) for row in EXPECTED), Decimal(0))


@pytest.fixture
def county_projects(shifan_units):
    preview = preview_ledger(
        shifan_units.bureau, sample_bytes("ledger-county-2024.xlsx"), "county.xlsx", shifan_units.county
    )
    commit_ledger(shifan_units.bureau, preview.batch, exclude_rows=[row.number for row in preview.error_rows])
    return shifan_units


def upload(client, unit, data=None, name="funds-2024.xlsx", **extra):
    file = SimpleUploadedFile(name, data if data is not None else sample_bytes("funds-2024.xlsx"))
    return client.post(reverse("funds:import"), {"file": file, "unit": unit.pk, **extra})


def test_the_sample_imports_through_the_web_to_the_expected_tranches(county_projects, client):
    client.force_login(county_projects.bureau)
    response = upload(client, county_projects.county, mark_verified="on")
    batch = ImportBatch.objects.get(kind="funds")
    assert response["Location"] == reverse("funds:import_preview", args=[batch.pk])
    preview = client.get(response["Location"]).content.decode()
    assert f'data-testid="count-create">{len(EXPECTED)}<' in preview
    assert f'data-testid="create-amount">{EXPECTED_TOTAL.normalize():f}<' in preview
    assert 'data-testid="count-error">0<' in preview
    assert "嘉禾冷链物流园项目" in preview and "2024-10-04" in preview  # rows as they will be saved

    response = client.post(reverse("funds:import_commit", args=[batch.pk]))
    assert response["Location"] == reverse("funds:import_result", args=[batch.pk])
    assert FundsTranche.objects.count() == len(EXPECTED) == 48
    assert sum(t.amount for t in FundsTranche.objects.all()) == EXPECTED_TOTAL
    assert set(FundsTranche.objects.values_list("status", "verified_by_import")) == {("verified", True)}
    got = sorted((t.project.name, t.date.isoformat(), t.amount) for t in FundsTranche.objects.select_related("project"))
    want = sorted((row["project"], row["date"], Decimal(row["amount_wan"])) for row in EXPECTED)
    assert got == want
    result = client.get(response["Location"]).content.decode()
    assert f'data-testid="result-amount">{EXPECTED_TOTAL.normalize():f}' in result
    # Verified at import, the money counts at once, to the 万元.
    assert value(Indicator.FUNDS_IN_PLACE, county_projects.county, Period.year(2024), CountingRules()) == EXPECTED_TOTAL
    # The list says the same total.
    listed = client.get(reverse("funds:list")).content.decode()
    assert f'data-testid="total-amount">{EXPECTED_TOTAL.normalize():f}<' in listed


def test_importing_the_same_file_again_adds_nothing(county_projects, client):
    client.force_login(county_projects.bureau)
    upload(client, county_projects.county)
    client.post(reverse("funds:import_commit", args=[ImportBatch.objects.get(kind="funds").pk]))
    upload(client, county_projects.county)
    again = ImportBatch.objects.order_by("-pk").first()
    assert (
        'data-testid="count-create">0<' in client.get(reverse("funds:import_preview", args=[again.pk])).content.decode()
    )
    client.post(reverse("funds:import_commit", args=[again.pk]))
    assert FundsTranche.objects.count() == 48
    assert set(FundsTranche.objects.values_list("status", flat=True)) == {"submitted"}


def test_a_file_with_unknown_projects_shows_each_error_in_its_cell_and_saves_nothing(shifan_units, client):
    client.force_login(shifan_units.bureau)
    upload(client, shifan_units.county)
    batch = ImportBatch.objects.get()
    page = client.get(reverse("funds:import_preview", args=[batch.pk])).content.decode()
    assert "未找到项目「嘉禾冷链物流园项目」" in page and 'class="bg-red-lt text-danger small"' in page
    response = client.post(reverse("funds:import_commit", args=[batch.pk]))
    assert response.status_code == 400
    assert "未导入任何数据" in response.content.decode()
    assert FundsTranche.objects.count() == 0


def upload_town_a_csv(personas, client, *rows: str) -> ImportBatch:
    """Officer A uploads a small funds CSV for a project of town A."""
    from zhaoshang.projects.tests.factories import project

    project(personas.officer_a, personas.town_a, name="城关镇电容器项目")
    data = "\n".join(["项目名称,到位时间,到位金额（万元）,资金来源", *rows]).encode()
    client.force_login(personas.officer_a)
    upload(client, personas.town_a, data=data, name="到位资金.csv")
    return ImportBatch.objects.get()


def test_bad_cells_are_named_in_chinese(shifan_units, client):
    upload_town_a_csv(
        shifan_units,
        client,
        "城关镇电容器项目,2024年13月1日,100,宁波（省外）",
        "城关镇电容器项目,2024-05-01,一百,宁波（省外）",
        "城关镇电容器项目,2024-05-02,100,火星",
    )
    page = client.get(reverse("funds:import_preview", args=[ImportBatch.objects.get().pk])).content.decode()
    assert "无法识别的日期「2024年13月1日」" in page
    assert "无法识别的金额「一百」" in page
    assert "无法识别的资金来源「火星」" in page
    assert 'data-testid="count-error">3<' in page


def test_excluding_the_bad_rows_imports_the_rest(shifan_units, client):
    batch = upload_town_a_csv(
        shifan_units, client, "城关镇电容器项目,2024-05-01,100,宁波（省外）", "不存在的项目,2024-05-01,100,宁波（省外）"
    )
    client.post(reverse("funds:import_commit", args=[batch.pk]), {"exclude": ["3"]})
    assert [t.amount for t in FundsTranche.objects.all()] == [Decimal(100)]


def test_only_the_bureau_may_verify_at_import_and_an_officer_only_imports_for_their_town(shifan_units, client):
    client.force_login(shifan_units.officer_a)
    page = client.get(reverse("funds:import")).content.decode()
    assert "导入即审核" not in page
    response = upload(client, shifan_units.town_b, mark_verified="on")
    assert response.status_code == 200 and ImportBatch.objects.count() == 0  # town B is not offered
    client.force_login(shifan_units.bureau)
    assert "导入即审核" in client.get(reverse("funds:import")).content.decode()


def test_a_spreadsheet_without_a_funds_header_is_refused_in_chinese(shifan_units, client):
    client.force_login(shifan_units.bureau)
    response = upload(client, shifan_units.county, data="姓名,电话\n张三,1\n".encode(), name="x.csv")
    assert "未找到到位资金表头" in response.content.decode()
    assert ImportBatch.objects.count() == 0
