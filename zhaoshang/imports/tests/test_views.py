"""The import pages and the ledger export, by persona."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zhaoshang.imports.models import ImportBatch
from zhaoshang.imports.tests.conftest import sample_bytes
from zhaoshang.projects.models import Project

pytestmark = pytest.mark.django_db


def upload(client, unit, name="ledger-county-2024.xlsx", **extra):
    data = SimpleUploadedFile(name, sample_bytes(name))
    return client.post(reverse("imports:ledger_upload"), {"file": data, "unit": unit.pk, **extra})


def test_upload_preview_exclude_and_commit(shifan_units, client):
    client.force_login(shifan_units.bureau)
    response = upload(client, shifan_units.county)
    batch = ImportBatch.objects.get()
    assert response["Location"] == reverse("imports:ledger_preview", args=[batch.pk])
    preview = client.get(response["Location"]).content.decode()
    assert "无法识别的日期「2024年13月5日」" in preview and 'data-testid="count-create">36<' in preview
    # Committing without excluding the six bad rows saves nothing.
    client.post(reverse("imports:ledger_commit", args=[batch.pk]))
    assert Project.objects.count() == 0
    client.post(reverse("imports:ledger_commit", args=[batch.pk]), {"exclude": ["41", "42", "43", "44", "45", "46"]})
    assert Project.objects.count() == 36
    assert "新增" in client.get(reverse("imports:ledger_result", args=[batch.pk])).content.decode()


def test_the_error_workbook_is_the_original_sheet_with_an_error_column(shifan_units, client):
    client.force_login(shifan_units.bureau)
    upload(client, shifan_units.county)
    response = client.get(reverse("imports:ledger_errors", args=[ImportBatch.objects.get().pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "示范县2024年招商引资项目台账"  # the title is kept
    error_column = [cell.value for cell in sheet[4]].index("错误说明") + 1
    assert "无法识别的日期「2024年13月5日」" in sheet.cell(row=42, column=error_column).value
    assert sheet.cell(row=5, column=error_column).value is None


def test_a_gbk_csv_uploads_too(shifan_units, client):
    client.force_login(shifan_units.officer_b)
    upload(client, shifan_units.town_b, name="ledger-town-2024.csv")
    batch = ImportBatch.objects.get()
    client.post(reverse("imports:ledger_commit", args=[batch.pk]))
    assert Project.objects.filter(responsible_unit=shifan_units.town_b).count() == 15


def test_a_file_that_is_not_a_spreadsheet_is_refused_in_chinese(shifan_units, client):
    client.force_login(shifan_units.bureau)
    bad = SimpleUploadedFile("台账.xlsx", b"\x00\x01binary junk")
    response = client.post(reverse("imports:ledger_upload"), {"file": bad, "unit": shifan_units.county.pk})
    assert "无法识别的文件格式" in response.content.decode()
    assert ImportBatch.objects.count() == 0


def test_an_officer_cannot_import_into_another_town_or_commit_its_batch(shifan_units, client):
    client.force_login(shifan_units.officer_b)
    upload(client, shifan_units.town_b, name="ledger-town-2024.csv")
    batch = ImportBatch.objects.get()
    client.force_login(shifan_units.officer_a)
    assert client.post(reverse("imports:ledger_commit", args=[batch.pk])).status_code == 404
    response = upload(client, shifan_units.town_b, name="ledger-town-2024.csv")
    assert response.status_code == 200 and ImportBatch.objects.count() == 1  # town B not offered
    assert Project.objects.count() == 0


def test_only_the_bureau_is_offered_verified_at_import(shifan_units, client):
    client.force_login(shifan_units.officer_a)
    assert "导入即审核通过" not in client.get(reverse("imports:ledger_upload")).content.decode()
    client.force_login(shifan_units.bureau)
    assert "导入即审核通过" in client.get(reverse("imports:ledger_upload")).content.decode()


@pytest.mark.parametrize("persona", ["sysadmin", "auditor"])
def test_no_business_pages_for_the_system_admin_and_auditor(personas, client, persona):
    client.force_login(getattr(personas, persona))
    assert client.get(reverse("imports:ledger_upload")).status_code == 404
    assert client.get(reverse("imports:ledger_export")).status_code == 404
