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


def test_a_refused_commit_lists_every_reason_and_saves_nothing(shifan_units, client):
    client.force_login(shifan_units.bureau)
    upload(client, shifan_units.county)
    batch = ImportBatch.objects.get()
    response = client.post(reverse("imports:ledger_commit", args=[batch.pk]), {"exclude": ["41"]})
    assert response.status_code == 400
    page = response.content.decode()
    assert "未导入任何数据" in page and "第42行 签约时间：无法识别的日期「2024年13月5日」" in page
    assert page.count("<li>第") == 5  # rows 42–46, each with its reason; row 41 was excluded
    assert Project.objects.count() == 0
    batch.refresh_from_db()
    assert batch.status != "committed"


def test_excluding_all_error_rows_at_once_commits_the_rest(shifan_units, client):
    client.force_login(shifan_units.bureau)
    upload(client, shifan_units.county)
    batch = ImportBatch.objects.get()
    preview = client.get(reverse("imports:ledger_preview", args=[batch.pk])).content.decode()
    assert 'name="error_rows" value="41,42,43,44,45,46"' in preview
    client.post(
        reverse("imports:ledger_commit", args=[batch.pk]), {"exclude_all": "1", "error_rows": "41,42,43,44,45,46"}
    )
    assert Project.objects.count() == 36
    batch.refresh_from_db()
    assert batch.excluded_rows == [41, 42, 43, 44, 45, 46]


def test_the_result_page_links_every_created_and_updated_project(shifan_units, client):
    client.force_login(shifan_units.officer_b)
    upload(client, shifan_units.town_b, name="ledger-town-2024.csv")
    batch = ImportBatch.objects.get()
    response = client.post(reverse("imports:ledger_commit", args=[batch.pk]))
    page = client.get(response["Location"]).content.decode()
    assert "新增 15 个项目" in page
    for pk in Project.objects.values_list("pk", flat=True):
        assert reverse("projects:detail", args=[pk]) in page


def test_a_changed_ledger_previews_updates_with_old_and_new_values_in_chinese(shifan_units, client):
    client.force_login(shifan_units.officer_b)
    upload(client, shifan_units.town_b, name="ledger-town-2024.csv")
    client.post(reverse("imports:ledger_commit", args=[ImportBatch.objects.get().pk]))
    changed = sample_bytes("ledger-town-2024.csv").decode("gbk").replace('"30,250"', '"31,000"').encode("gbk")
    response = client.post(
        reverse("imports:ledger_upload"),
        {"file": SimpleUploadedFile("ledger-town-2024.csv", changed), "unit": shifan_units.town_b.pk},
    )
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="count-update">1<' in page
    assert "协议总投资（万元）" in page and "30250</del> → <strong>31000</strong>" in page


def test_the_error_workbook_of_a_csv_is_an_xlsx_of_its_cells(shifan_units, client):
    client.force_login(shifan_units.bureau)
    text = "项目名称,投资方,总投资（万元）,签约时间,责任单位\n好项目,甲公司,100,2024-01-02,城关镇\n坏项目,乙公司,一百,2024-13-01,城关镇\n"
    client.post(
        reverse("imports:ledger_upload"),
        {"file": SimpleUploadedFile("台账.csv", text.encode("gbk")), "unit": shifan_units.county.pk},
    )
    response = client.get(reverse("imports:ledger_errors", args=[ImportBatch.objects.get().pk]))
    assert "filename*=UTF-8''" in response["Content-Disposition"] and response["X-Content-Type-Options"] == "nosniff"
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [cell.value for cell in sheet[1]] == [
        "项目名称",
        "投资方",
        "总投资（万元）",
        "签约时间",
        "责任单位",
        "错误说明",
    ]
    assert sheet["A3"].value == "坏项目" and "无法识别的金额「一百」" in sheet["F3"].value
    assert sheet["C3"].fill.fgColor.rgb.endswith("FFC7CE") and sheet["F2"].value is None


def test_a_long_ledger_previews_a_hundred_rows_a_page(shifan_units, client):
    client.force_login(shifan_units.bureau)
    lines = ["项目名称,投资方,总投资（万元）,责任单位"] + [f"项目{n:03d},公司{n:03d},100,城关镇" for n in range(1, 151)]
    response = client.post(
        reverse("imports:ledger_upload"),
        {"file": SimpleUploadedFile("长台账.csv", "\n".join(lines).encode()), "unit": shifan_units.county.pk},
    )
    first = client.get(response["Location"]).content.decode()
    second = client.get(response["Location"] + "?page=2").content.decode()
    assert "项目100" in first and "项目101" not in first
    assert "项目150" in second and "项目100" not in second
    assert 'data-testid="count-create">150<' in second


def test_the_upload_form_offers_the_officers_own_unit_first(shifan_units, client):
    client.force_login(shifan_units.officer_a)
    page = client.get(reverse("imports:ledger_upload")).content.decode()
    assert f'<option value="{shifan_units.town_a.pk}" selected>' in page
    assert f'value="{shifan_units.town_b.pk}"' not in page


def test_a_bad_cell_is_marked_in_its_own_column_with_the_reason(shifan_units, client):
    client.force_login(shifan_units.bureau)
    text = "项目名称,投资方,总投资（万元）,签约时间,责任单位\n坏项目,乙公司,一百,2024-01-01,火星镇\n"
    response = client.post(
        reverse("imports:ledger_upload"),
        {"file": SimpleUploadedFile("台账.csv", text.encode()), "unit": shifan_units.county.pk},
    )
    page = client.get(response["Location"]).content.decode()
    assert 'title="无法识别的金额「一百」"' in page and 'title="未知单位「火星镇」"' in page
    assert 'id="commit-button" disabled' in page


def test_a_batch_whose_file_is_gone_says_so_instead_of_failing(shifan_units, client):
    client.force_login(shifan_units.officer_b)
    upload(client, shifan_units.town_b, name="ledger-town-2024.csv")
    batch = ImportBatch.objects.get()
    batch.file.storage.delete(batch.file.name)
    response = client.get(reverse("imports:ledger_preview", args=[batch.pk]), follow=True)
    assert "无法重新读取该批次的文件「ledger-town-2024.csv」" in response.content.decode()
    assert client.get(reverse("imports:ledger_errors", args=[batch.pk])).status_code == 302
    assert client.post(reverse("imports:ledger_commit", args=[batch.pk])).status_code == 302
    assert Project.objects.count() == 0
