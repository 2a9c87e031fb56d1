"""The company profile (企业画像), its timeline, duplicates by former name, and the merge of
two records of one firm, by persona."""

from decimal import Decimal

import pytest
from django.urls import reverse

from zhaoshang.core.choices import AuditAction
from zhaoshang.core.models import AuditLog
from zhaoshang.core.validators import uscc_check_character
from zhaoshang.projects.models import Project
from zhaoshang.projects.tests.factories import company, project
from zhaoshang.reference.models import Industry
from zhaoshang.relations.models import Company, Contact
from zhaoshang.relations.services import investor_for

pytestmark = pytest.mark.django_db

FIRST17 = "91440300MA5F1234X"
USCC = FIRST17 + uscc_check_character(FIRST17)


def profile_data(**overrides):
    data = {"name": "安泰科技股份有限公司", "uscc": "", "nature": "private", "local_status": "external"}
    return {**data, **overrides}


# --- profile ------------------------------------------------------------------------------


def test_the_profile_is_saved_exactly_and_shown(personas, client):
    industry = Industry.objects.create(code="39", name="计算机、通信和其他电子设备制造业", level=2)
    client.force_login(personas.officer_a)
    data = profile_data(
        former_names="深圳安泰电子元件有限公司\n安泰电子",
        registered_capital="1,200.5",
        employee_band="300_999",
        revenue_band="1e4_1e5",
        listed_exchange="szse",
        stock_code="300999",
        industry=industry.pk,
        global_hq="安泰集团（中国深圳）",
        local_status="local",
    )
    assert client.post(reverse("relations:company_create"), data).status_code == 302
    firm = Company.objects.get()
    assert firm.registered_capital == Decimal("1200.5") and firm.former_names == [
        "深圳安泰电子元件有限公司",
        "安泰电子",
    ]
    assert "listed" in firm.flags and firm.local_status == "local"
    page = client.get(reverse("relations:company_detail", args=[firm.pk])).content.decode()
    for shown in (
        "1200.5",
        "深圳证券交易所",
        "300999",
        "已落户本地的存量企业",
        "300–999 人",
        "计算机、通信",
        "安泰电子",
    ):
        assert shown in page, shown
    assert "szse" not in page and "1e4_1e5" not in page


def test_bad_profile_input_is_refused_in_chinese_and_nothing_saved(personas, client):
    client.force_login(personas.officer_a)
    response = client.post(
        reverse("relations:company_create"), profile_data(registered_capital="一千万", stock_code="600000")
    )
    content = response.content.decode()
    assert response.status_code == 200 and not Company.objects.exists()
    assert "注册资本请填写以万元为单位的数字" in content and "请选择上市交易所" in content


def test_a_former_name_is_a_duplicate_and_links_a_typed_investor(personas, client):
    firm = Company.objects.create(name="安泰科技股份有限公司", former_names=["深圳安泰电子元件有限公司"])
    client.force_login(personas.officer_b)
    asked = client.post(reverse("relations:company_create"), profile_data(name="深圳安泰电子元件(有限公司)"))
    assert 'data-testid="company-duplicates"' in asked.content.decode() and Company.objects.count() == 1
    assert "名称与其曾用名相同" in asked.content.decode()
    assert investor_for(personas.officer_b, "深圳安泰电子元件有限公司").company == firm
    listed = client.get(reverse("relations:company_list"), {"q": "szat"}).content.decode()
    assert "安泰科技股份有限公司" in listed


def test_the_company_page_is_one_timeline_of_projects_and_changes(personas, client):
    firm = company(name="深圳安泰电子元件有限公司", unit=personas.town_a)
    project(personas.officer_a, personas.town_a, name="城关镇电容器项目", investor=firm)
    project(personas.officer_b, personas.town_b, name="河口镇的保密项目", investor=firm)
    client.force_login(personas.officer_a)
    edit = client.post(
        reverse("relations:company_edit", args=[firm.pk]), profile_data(name=firm.name, address="深圳南山", version=1)
    )
    assert edit.status_code == 302
    page = client.get(reverse("relations:company_detail", args=[firm.pk])).content.decode()
    timeline = page[page.index('data-testid="company-timeline"') :]
    assert "城关镇电容器项目" in timeline and "深圳南山" in timeline
    assert "河口镇的保密项目" not in page


# --- merge --------------------------------------------------------------------------------


def two_spellings(personas):
    first = company(name="深圳安泰电子元件有限公司", uscc=USCC, unit=personas.town_a)
    second = company(name="深圳安泰电子元件股份有限公司", unit=personas.town_b)
    project(personas.officer_a, personas.town_a, name="城关镇电容器项目", investor=first)
    project(personas.officer_b, personas.town_b, name="河口镇电容器二期", investor=second)
    Contact.objects.create(company=second, name="赵总", phone="13900001111", keeping_unit=personas.town_b)
    return first, second


def test_merging_two_spellings_keeps_every_project_and_contact(personas, client):
    first, second = two_spellings(personas)
    client.force_login(personas.bureau)
    url = reverse("relations:company_merge", args=[first.pk])
    compare = client.get(url, {"other": second.pk}).content.decode()
    assert "深圳安泰电子元件股份有限公司" in compare and "确认合并" in compare
    unconfirmed = client.post(url, {"other": second.pk, "keep": first.pk, "reason": "同一企业两种写法"})
    assert unconfirmed.status_code == 200 and Company.objects.get(pk=second.pk).merged_into is None
    merged = client.post(url, {"other": second.pk, "keep": first.pk, "reason": "同一企业两种写法", "confirm": "on"})
    assert merged.status_code == 302
    assert "已将「深圳安泰电子元件股份有限公司」合并至" in client.get(merged["Location"]).content.decode()
    first.refresh_from_db()
    second.refresh_from_db()
    assert second.merged_into == first and "深圳安泰电子元件股份有限公司" in first.former_names
    assert set(Project.objects.filter(investor=first).values_list("name", flat=True)) == {
        "城关镇电容器项目",
        "河口镇电容器二期",
    }
    assert Contact.objects.get(name="赵总").company == first
    log = AuditLog.objects.filter(action=AuditAction.MERGE, object_id=str(first.pk)).get()
    assert log.user == personas.bureau and "同一企业两种写法" in log.detail and "项目 1 条" in log.detail
    # The duplicate is gone from the list but its page says where it went.
    assert "深圳安泰电子元件股份有限公司" not in client.get(reverse("relations:company_list")).content.decode()
    page = client.get(reverse("relations:company_detail", args=[second.pk])).content.decode()
    assert 'data-testid="merged-into"' in page
    # A ledger still writing the old spelling finds the survivor.
    assert investor_for(personas.officer_b, "深圳安泰电子元件股份有限公司").company == first


def test_the_survivor_may_be_the_second_and_takes_the_credit_code(personas, client):
    first, second = two_spellings(personas)
    client.force_login(personas.bureau)
    url = reverse("relations:company_merge", args=[first.pk])
    client.post(url, {"other": second.pk, "keep": second.pk, "reason": "保留后录入的", "confirm": "on"})
    second.refresh_from_db()
    first.refresh_from_db()
    assert first.merged_into == second and second.uscc == USCC and first.uscc is None
    assert Project.objects.filter(investor=second).count() == 2


def test_only_the_bureau_merges_and_finds_the_duplicate_groups(personas, client):
    first, second = two_spellings(personas)
    for user in (personas.officer_a, personas.leader, personas.county_officer):
        client.force_login(user)
        url = reverse("relations:company_merge", args=[first.pk])
        assert client.get(url, {"other": second.pk}).status_code == 404
        posted = client.post(url, {"other": second.pk, "keep": first.pk, "reason": "x", "confirm": "on"})
        assert posted.status_code == 404
        assert client.get(reverse("relations:company_duplicate_groups")).status_code == 404
    assert Company.objects.get(pk=second.pk).merged_into is None
    client.force_login(personas.bureau)
    groups = client.get(reverse("relations:company_duplicate_groups")).content.decode()
    assert "深圳安泰电子元件有限公司" in groups and "深圳安泰电子元件股份有限公司" in groups
