"""A unit's company list and intermediary list, imported as the bureau's clerks keep them:
labels written the clerks' way, new firms owned by the unit, firms the unit maintains
completed (never cleared), firms another unit maintains only reported; all or nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zhaoshang.imports.models import ImportBatch
from zhaoshang.relations.models import Company, Intermediary
from zhaoshang.relations.services import create_company

pytestmark = pytest.mark.django_db

COMPANIES = (
    "城关镇重点企业名单\n"
    "序号,企业名称,统一社会信用代码,企业性质,企业类别,注册资本,本地/外地,上市地,股票代码,曾用名\n"
    "1,深圳安泰电子元件有限公司,,民营企业,专精特新、高新技术企业,5000,外地,,,安泰电子（深圳）有限公司\n"
    "2,城关镇本地机械有限公司,,国有控股,,1.2亿元,本地,,,\n"
    "3,上海某新能源股份有限公司,,民营,,,,上交所,688001,\n"
)


def _upload(client, kind, text, unit):
    return client.post(
        reverse("imports:upload", args=[kind]), {"file": SimpleUploadedFile("名单.csv", text.encode()), "unit": unit.pk}
    )


def test_a_towns_company_list_is_read_the_clerks_way_and_imported_once(personas, client):
    client.force_login(personas.officer_a)
    response = _upload(client, "companies", COMPANIES, personas.town_a)
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and batch.summary["create"] == 3, batch.summary
    client.post(reverse("imports:commit", args=["companies", batch.pk]))
    anta = Company.objects.get(name="深圳安泰电子元件有限公司")
    assert anta.nature == "private" and anta.flags == ["specialised", "high_tech"]
    assert anta.registered_capital == 5000 and anta.local_status == "external"
    assert anta.former_names == ["安泰电子（深圳）有限公司"] and anta.created_by_unit == personas.town_a
    local = Company.objects.get(name="城关镇本地机械有限公司")
    assert (local.nature, local.registered_capital, local.local_status) == ("local_soe", 12000, "local")
    listed = Company.objects.get(name="上海某新能源股份有限公司")
    assert listed.listed_exchange == "sse" and "listed" in listed.flags
    _upload(client, "companies", COMPANIES, personas.town_a)
    again = ImportBatch.objects.latest("pk")
    assert again.summary["create"] == 0 and again.summary["update"] == 0  # nothing new the second time


def test_another_units_firm_is_only_reported_and_a_bad_label_refuses_the_file(personas, client):
    theirs = create_company(personas.officer_b, Company(name="河口镇维护的企业有限公司"))
    client.force_login(personas.officer_a)
    text = "企业名称,企业性质,注册资本\n河口镇维护的企业有限公司,民营,300\n"
    _upload(client, "companies", text, personas.town_a)
    batch = ImportBatch.objects.get()
    assert batch.summary["unchanged"] == 1
    client.post(reverse("imports:commit", args=["companies", batch.pk]))
    theirs.refresh_from_db()
    assert theirs.nature == "" and theirs.registered_capital is None
    bad = "企业名称,企业性质\n某某有限公司,街道集体\n"
    page = client.get(
        reverse(
            "imports:preview",
            args=["companies", _upload(client, "companies", bad, personas.town_a).url.rstrip("/").split("/")[-1]],
        )
    )
    assert "无法识别的企业性质「街道集体」" in page.content.decode()


def test_an_intermediary_list_reads_the_kind_from_the_name_when_the_column_is_missing(personas, client):
    client.force_login(personas.bureau)
    text = "机构名称,覆盖地区,重点行业\n深圳湖南商会,粤港澳大湾区,电子信息\n上海某招商咨询有限公司,长三角,新能源\n"
    _upload(client, "intermediaries", text, personas.bureau_unit)
    batch = ImportBatch.objects.get()
    client.post(reverse("imports:commit", args=["intermediaries", batch.pk]))
    kinds = dict(Intermediary.objects.values_list("name", "kind"))
    assert kinds == {"深圳湖南商会": "chamber", "上海某招商咨询有限公司": "agency"}


def test_the_lists_offer_their_imports_to_who_may_add(personas, client):
    client.force_login(personas.officer_a)
    for name, kind in (("relations:company_list", "companies"), ("relations:contact_list", "contacts")):
        page = client.get(reverse(name)).content.decode()
        assert reverse("imports:upload", args=[kind]) in page
    client.force_login(personas.leader)
    assert 'data-testid="import-link"' not in client.get(reverse("relations:company_list")).content.decode()
