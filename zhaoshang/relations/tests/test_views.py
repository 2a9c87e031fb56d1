"""The company and contact pages, by persona."""

import pytest
from django.urls import reverse

from zhaoshang.core.choices import AuditAction
from zhaoshang.core.models import AuditLog
from zhaoshang.core.validators import uscc_check_character
from zhaoshang.projects.tests.factories import company, project
from zhaoshang.reference.models import Division
from zhaoshang.relations.models import Company

pytestmark = pytest.mark.django_db

FIRST17 = "91440300MA5F1234X"
VALID_USCC = FIRST17 + uscc_check_character(FIRST17)
PHONE = "13812345678"


def wrong_check(code: str) -> str:
    return code[:17] + ("1" if code[17] != "1" else "2")


def company_data(**overrides):
    data = {"name": "深圳安泰电子元件有限公司", "uscc": "", "nature": "private", "address": "", "website": ""}
    return {**data, **overrides}


# --- list ---------------------------------------------------------------------------------


def test_the_list_finds_companies_by_name_code_and_pinyin_initials(personas, client):
    company(name="深圳安泰电子元件有限公司", uscc=VALID_USCC, unit=personas.town_b)
    company(name="宁波港湾物流有限公司", unit=personas.town_a)
    client.force_login(personas.officer_a)
    url = reverse("relations:company_list")
    for query in ("安泰", VALID_USCC.lower(), "szat"):
        content = client.get(url, {"q": query}).content.decode()
        assert "深圳安泰电子元件有限公司" in content and "宁波港湾物流" not in content, query


def test_the_list_filters_by_nature_flag_and_home_province(personas, client):
    guangdong = Division.objects.create(code="44", name="广东省", level=1, province_code="44")
    shenzhen = Division.objects.create(code="4403", name="深圳市", level=2, parent=guangdong, province_code="44")
    Division.objects.create(code="33", name="浙江省", level=1, province_code="33")
    listed = Company.objects.create(name="甲上市公司", nature="private", flags=["listed", "global500"])
    listed.home_division = shenzhen
    listed.save()
    Company.objects.create(name="乙国企", nature="local_soe", flags=["china500"])
    client.force_login(personas.leader)
    url = reverse("relations:company_list")
    assert "甲上市公司" in client.get(url, {"flag": "global500"}).content.decode()
    assert "甲上市公司" not in client.get(url, {"flag": "china500"}).content.decode()
    assert "乙国企" not in client.get(url, {"nature": "private"}).content.decode()
    by_province = client.get(url, {"province": "44"}).content.decode()
    assert "甲上市公司" in by_province and "乙国企" not in by_province
    assert "甲上市公司" not in client.get(url, {"province": "33"}).content.decode()


def test_the_list_pages_and_takes_few_queries(personas, client, django_assert_max_num_queries):
    for number in range(60):
        company(name=f"测试企业{number:02d}有限公司", unit=personas.town_a)
    client.force_login(personas.officer_b)
    with django_assert_max_num_queries(12):
        first = client.get(reverse("relations:company_list"))
    assert "共 60 条，第 1/2 页" in first.content.decode()
    assert "测试企业59" in client.get(reverse("relations:company_list"), {"page": 2}).content.decode()


def test_the_chosen_columns_are_kept_and_exported_exactly(personas, client):
    import io

    import openpyxl

    company(name="深圳安泰电子元件有限公司", uscc=VALID_USCC, unit=personas.town_a)
    client.force_login(personas.officer_b)
    url = reverse("relations:company_list")
    client.post(url, {"columns": ["uscc", "created_at"]})
    page = client.get(url).content.decode()
    assert "录入时间" in page and "来源地</a>" not in page
    rows = list(openpyxl.load_workbook(io.BytesIO(client.get(url, {"export": "xlsx"}).content)).active.values)
    assert rows[0] == ("企业名称", "统一社会信用代码", "录入时间")
    assert rows[1][:2] == ("深圳安泰电子元件有限公司", VALID_USCC)
    assert AuditLog.objects.filter(action=AuditAction.EXPORT, user=personas.officer_b).exists()


def test_system_admin_and_auditor_see_no_companies(personas, client):
    for user in (personas.sysadmin, personas.auditor):
        client.force_login(user)
        assert client.get(reverse("relations:company_list")).status_code == 404
        assert client.get(reverse("relations:company_create")).status_code == 404
        menu = client.get(reverse("core:home")).content.decode()
        assert reverse("relations:company_list") not in menu


# --- detail -------------------------------------------------------------------------------


def test_the_detail_shows_only_the_projects_the_user_may_see(personas, client):
    firm = company(name="深圳安泰电子元件有限公司", unit=personas.town_a)
    project(personas.officer_a, personas.town_a, name="城关镇的安泰项目", investor=firm)
    project(personas.officer_b, personas.town_b, name="河口镇的安泰项目", investor=firm)
    url = reverse("relations:company_detail", args=[firm.pk])
    client.force_login(personas.officer_b)
    content = client.get(url).content.decode()
    assert "河口镇的安泰项目" in content and "城关镇的安泰项目" not in content
    client.force_login(personas.leader)
    content = client.get(url).content.decode()
    assert "河口镇的安泰项目" in content and "城关镇的安泰项目" in content


# --- create and edit ----------------------------------------------------------------------


def test_an_officer_creates_a_company_for_their_unit(personas, client):
    client.force_login(personas.officer_a)
    response = client.post(reverse("relations:company_create"), company_data(uscc=VALID_USCC, flags=["listed"]))
    created = Company.objects.get()
    assert response["Location"] == reverse("relations:company_detail", args=[created.pk])
    assert created.created_by_unit == personas.town_a and created.flags == ["listed"]
    assert AuditLog.objects.filter(action=AuditAction.CREATE, object_type="relations.company").exists()


def test_a_wrong_check_character_is_explained_and_nothing_is_saved(personas, client):
    client.force_login(personas.officer_a)
    response = client.post(reverse("relations:company_create"), company_data(uscc=wrong_check(VALID_USCC)))
    content = response.content.decode()
    assert response.status_code == 200 and Company.objects.count() == 0
    assert f"第 18 位应为「{VALID_USCC[17]}」" in content and "GB 32100" in content
    short = client.post(reverse("relations:company_create"), company_data(uscc="91440300")).content.decode()
    assert "应为 18 位，填写的是 8 位" in short
    nameless = client.post(reverse("relations:company_create"), company_data(name=""))
    assert nameless.status_code == 200 and "请填写企业名称。" in nameless.content.decode()
    assert Company.objects.count() == 0


def test_a_same_name_company_is_warned_and_needs_confirmation(personas, client):
    existing = company(name="深圳安泰电子元件有限公司", unit=personas.town_b)
    client.force_login(personas.officer_a)
    url = reverse("relations:company_create")
    warned = client.post(url, company_data(name="深圳安泰电子元件（有限公司）")).content.decode()
    assert (
        'data-testid="company-duplicates"' in warned
        and reverse("relations:company_detail", args=[existing.pk]) in warned
    )
    assert Company.objects.count() == 1
    client.post(url, company_data(name="深圳安泰电子元件（有限公司）", confirm_duplicate="on"))
    assert Company.objects.count() == 2
    hints = client.get(reverse("relations:company_duplicates"), {"name": "深圳安泰电子元件 有限公司"}).content.decode()
    assert "深圳安泰电子元件有限公司" in hints


def test_a_credit_code_already_used_is_refused_with_the_holder_named(personas, client):
    company(name="深圳安泰电子元件有限公司", uscc=VALID_USCC, unit=personas.town_b)
    client.force_login(personas.officer_a)
    content = client.post(
        reverse("relations:company_create"), company_data(name="另一家公司", uscc=VALID_USCC, confirm_duplicate="on")
    ).content.decode()
    assert "已属于企业「深圳安泰电子元件有限公司」" in content and Company.objects.count() == 1


def test_the_entering_unit_edits_and_a_stale_edit_is_refused(personas, client):
    firm = company(name="城关镇录入的企业有限公司", unit=personas.town_a)
    client.force_login(personas.officer_a)
    url = reverse("relations:company_edit", args=[firm.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, company_data(name=firm.name, address="城关镇工业园1号", version=1))
    assert response.status_code == 302
    firm.refresh_from_db()
    assert firm.address == "城关镇工业园1号" and firm.version == 2
    firm.flags = ["listed"]
    firm.save_versioned(2)  # someone else tags it meanwhile
    stale = client.post(url, company_data(name=firm.name, address="别处", version=2)).content.decode()
    assert 'data-testid="stale-warning"' in stale
    # What the other person saved, in words beside what this user typed: no stored codes.
    assert "<td>城关镇工业园1号</td><td>别处</td>" in stale and "<td>上市公司</td>" in stale
    assert "listed" not in stale.split('data-testid="stale-warning"')[1].split("</table>")[0]
    firm.refresh_from_db()
    assert firm.address == "城关镇工业园1号"


def test_who_may_edit_a_company(personas, client):
    firm = company(name="城关镇录入的企业有限公司", unit=personas.town_a)
    url = reverse("relations:company_edit", args=[firm.pk])
    expected = {
        personas.officer_a: 200,
        personas.county_officer: 200,  # the county's subtree holds the town
        personas.bureau: 200,
        personas.officer_b: 404,
        personas.leader: 404,
        personas.sysadmin: 404,
        personas.auditor: 404,
    }
    for user, status in expected.items():
        client.force_login(user)
        assert client.get(url).status_code == status, user.username


def test_renaming_to_an_existing_company_asks_for_confirmation_but_other_edits_do_not(personas, client):
    company(name="宁波港湾物流有限公司", unit=personas.town_b)
    firm = company(name="宁波港湾物流股份有限公司", unit=personas.town_a)  # an old look-alike
    mine = company(name="城关镇录入的企业有限公司", unit=personas.town_a)
    client.force_login(personas.officer_a)
    assert (
        client.post(
            reverse("relations:company_edit", args=[firm.pk]), company_data(name=firm.name, address="宁波", version=1)
        ).status_code
        == 302
    )
    url = reverse("relations:company_edit", args=[mine.pk])
    asked = client.post(url, company_data(name="宁波港湾物流有限公司", version=1))
    assert asked.status_code == 200 and 'data-testid="company-duplicates"' in asked.content.decode()
    mine.refresh_from_db()
    assert mine.name == "城关镇录入的企业有限公司"
    assert (
        client.post(url, company_data(name="宁波港湾物流有限公司", version=1, confirm_duplicate="on")).status_code
        == 302
    )
