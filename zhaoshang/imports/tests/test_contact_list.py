"""The contact list import (客商、乡贤名单) on the one pipeline, by persona: masked preview,
bad rows refused, all or nothing, kept by the chosen unit, a re-import changes nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from zhaoshang.imports.models import ImportBatch
from zhaoshang.relations.models import Company, Contact

pytestmark = pytest.mark.django_db

PHONE = "13812345678"
SHEET = (
    "姓名,类别,企业名称,职务,手机号,微信号,信息来源\n"
    f"李总,客商,深圳安泰电子元件有限公司,总经理,{PHONE},lizong_88,恳谈会\n"
    "陈乡贤,乡贤,,,13900001111,,春节座谈会\n"
).encode()


def upload(client, unit, data=SHEET):
    url = reverse("imports:upload", args=["contacts"])
    return client.post(url, {"file": SimpleUploadedFile("名单.csv", data), "unit": unit.pk})


def test_a_town_imports_its_list_masked_in_the_preview_and_kept_by_the_town(personas, client):
    client.force_login(personas.officer_a)
    response = upload(client, personas.town_a)
    assert response.status_code == 302
    preview = client.get(response["Location"]).content.decode()
    assert 'data-testid="count-create">2<' in preview
    assert PHONE not in preview and "138****5678" in preview and "lizong_88" not in preview
    batch = ImportBatch.objects.get()
    assert client.post(reverse("imports:commit", args=["contacts", batch.pk])).status_code == 302
    li = Contact.objects.get(name="李总")
    assert li.keeping_unit == personas.town_a and li.phone == PHONE and li.company.name == "深圳安泰电子元件有限公司"
    assert Contact.objects.get(name="陈乡贤").kind == "notable"
    assert Company.objects.get().created_by_unit == personas.town_a
    # The same list again changes nothing; town B sees none of it.
    upload(client, personas.town_a)
    again = client.get(reverse("imports:preview", args=["contacts", ImportBatch.objects.latest("pk").pk]))
    assert 'data-testid="count-unchanged">2<' in again.content.decode()
    client.force_login(personas.officer_b)
    listed = client.get(reverse("relations:contact_list"), {"q": "lz"}).content.decode()
    assert "没有符合条件的联系人" in listed and "138****5678" not in listed


def test_bad_rows_are_explained_and_nothing_is_imported(personas, client):
    client.force_login(personas.officer_a)
    bad = SHEET + "王某,商人,,,12ab,,\n".encode()
    upload(client, personas.town_a, bad)
    batch = ImportBatch.objects.get()
    preview = client.get(reverse("imports:preview", args=["contacts", batch.pk])).content.decode()
    assert "无法识别的类别「商人」" in preview and "请填写正确的电话号码" in preview
    response = client.post(reverse("imports:commit", args=["contacts", batch.pk]))
    assert response.status_code == 400 and not Contact.objects.exists() and not Company.objects.exists()


def test_an_officer_cannot_import_for_another_town(personas, client):
    client.force_login(personas.officer_b)
    response = upload(client, personas.town_a)
    assert response.status_code == 200 and not ImportBatch.objects.exists()
