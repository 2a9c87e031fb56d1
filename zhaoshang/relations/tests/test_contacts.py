"""Contacts (客商, 乡贤) by persona: personal information masked everywhere, revealed one
field at a time with a purpose and audited, each contact its keeping unit's own, and a
person's data exported for or erased on their request."""

import io

import openpyxl
import pytest
from django.urls import reverse

from zhaoshang.core.choices import AuditAction
from zhaoshang.core.models import AuditLog
from zhaoshang.projects.tests.factories import company, project
from zhaoshang.reference.models import Division
from zhaoshang.relations.models import Contact

pytestmark = pytest.mark.django_db

PHONE = "13812345678"
WECHAT = "lizong_szat88"
MASKED = "138****5678"


def town_a_contact(personas, **fields):
    firm = company(name="深圳安泰电子元件有限公司", unit=personas.town_a)
    values = {"name": "李总", "title": "总经理", "phone": PHONE, "wechat": WECHAT, "keeping_unit": personas.town_a}
    return Contact.objects.create(company=firm, **{**values, **fields})


def sheet_text(response) -> str:
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    return " ".join(str(cell) for row in book.active.iter_rows(values_only=True) for cell in row if cell is not None)


def reveal(client, contact, field="phone", purpose="约定下周走访时间"):
    return client.post(reverse("relations:contact_reveal", args=[contact.pk]), {"field": field, "purpose": purpose})


# --- masked everywhere --------------------------------------------------------------------


def test_the_keeping_officer_sees_phone_and_wechat_masked_on_every_page_and_export(personas, client):
    contact = town_a_contact(personas)
    project(personas.officer_a, personas.town_a, name="城关镇的项目", investor=contact.company)
    client.force_login(personas.officer_a)
    for url in (
        reverse("relations:company_detail", args=[contact.company_id]),
        reverse("relations:contact_list"),
        reverse("relations:contact_detail", args=[contact.pk]),
        reverse("relations:contact_edit", args=[contact.pk]),
        reverse("relations:contact_reveal", args=[contact.pk]),
        reverse("projects:detail", args=[contact.company.projects.get().pk]),
    ):
        content = client.get(url).content.decode()
        assert PHONE not in content and WECHAT not in content, url
        assert MASKED in content or "查看哪一项" in content, url
    exported = sheet_text(client.get(reverse("relations:contact_list"), {"export": "xlsx"}))
    assert "李总" in exported and MASKED in exported and PHONE not in exported and WECHAT not in exported
    assert not AuditLog.objects.filter(action=AuditAction.REVEAL).exists()


def test_a_search_finds_contacts_by_pinyin_initials_but_never_by_a_number(personas, client):
    town_a_contact(personas)
    client.force_login(personas.officer_a)
    url = reverse("relations:contact_list")
    for query in ("李总", "lz", "szat", "安泰"):
        assert "李总" in client.get(url, {"q": query}).content.decode(), query
    for query in (PHONE, "5678", WECHAT):
        assert "李总" not in client.get(url, {"q": query}).content.decode(), query


# --- reveal -------------------------------------------------------------------------------


def test_a_reveal_needs_a_purpose_shows_one_field_and_is_audited(personas, client):
    contact = town_a_contact(personas)
    client.force_login(personas.officer_a)
    refused = reveal(client, contact, purpose=" ")
    assert PHONE not in refused.content.decode() and "请填写查看目的" in refused.content.decode()
    assert not AuditLog.objects.filter(action=AuditAction.REVEAL).exists()
    shown = reveal(client, contact)
    content = shown.content.decode()
    assert shown.status_code == 200 and PHONE in content and WECHAT not in content
    assert "no-store" in shown["Cache-Control"]
    log = AuditLog.objects.get(action=AuditAction.REVEAL)
    assert log.user == personas.officer_a and log.object_id == str(contact.pk)
    assert log.changes == {"field": "phone", "purpose": "约定下周走访时间"}
    assert "约定下周走访时间" in log.detail and PHONE not in log.detail
    assert WECHAT in reveal(client, contact, field="wechat", purpose="加微信发资料").content.decode()
    assert AuditLog.objects.filter(action=AuditAction.REVEAL).count() == 2


def test_the_bureau_reveals_and_the_auditor_finds_it_in_the_audit_log(personas, client):
    contact = town_a_contact(personas)
    client.force_login(personas.bureau)
    assert PHONE in reveal(client, contact, purpose="市领导接见前核对联系方式").content.decode()
    client.force_login(personas.auditor)
    page = client.get(reverse("core:audit_list"), {"action": "reveal"}).content.decode()
    assert "市领导接见前核对联系方式" in page and PHONE not in page


def test_the_leader_reads_the_contact_masked_and_cannot_reveal(personas, client):
    contact = town_a_contact(personas)
    client.force_login(personas.leader)
    detail = client.get(reverse("relations:contact_detail", args=[contact.pk])).content.decode()
    assert MASKED in detail and "查看完整信息" not in detail
    assert reveal(client, contact).status_code == 404
    assert client.get(reverse("relations:contact_export", args=[contact.pk])).status_code == 404


# --- another town -------------------------------------------------------------------------


def test_another_town_cannot_see_the_contact_through_any_page_export_search_or_url(personas, client):
    contact = town_a_contact(personas)
    client.force_login(personas.officer_b)
    for name in ("contact_detail", "contact_edit", "contact_reveal", "contact_export", "contact_erase"):
        url = reverse(f"relations:{name}", args=[contact.pk])
        assert client.get(url).status_code == 404, name
        posted = client.post(url, {"field": "phone", "purpose": "试探", "request_note": "x", "confirm": "on"})
        assert posted.status_code == (405 if name == "contact_detail" else 404), name
    company_page = client.get(reverse("relations:company_detail", args=[contact.company_id])).content.decode()
    assert "李总" not in company_page and MASKED not in company_page
    for query in ("", "李总", "lz"):
        listed = client.get(reverse("relations:contact_list"), {"q": query}).content.decode()
        assert "没有符合条件的联系人" in listed and MASKED not in listed, query
    assert "李总" not in sheet_text(client.get(reverse("relations:contact_list"), {"export": "xlsx"}))
    assert Contact.objects.filter(pk=contact.pk).exists()
    assert not AuditLog.objects.filter(action=AuditAction.REVEAL).exists()


def test_another_town_keeps_its_own_contact_at_a_shared_company_unseen_by_the_first(personas, client):
    mine = town_a_contact(personas)
    client.force_login(personas.officer_b)
    response = client.post(
        reverse("relations:contact_add", args=[mine.company_id]),
        {"kind": "investor", "name": "赵总", "phone": "13900001111", "keeping_unit": personas.town_b.pk}
        | {"consent_basis": "business"},
    )
    assert response.status_code == 302
    client.get(response["Location"])  # the saved message is shown to officer B
    theirs = Contact.objects.get(name="赵总")
    assert theirs.keeping_unit == personas.town_b and theirs.company == mine.company
    client.force_login(personas.officer_a)
    assert "赵总" not in client.get(reverse("relations:company_detail", args=[mine.company_id])).content.decode()
    assert client.get(reverse("relations:contact_detail", args=[theirs.pk])).status_code == 404


def test_an_officer_cannot_give_a_contact_to_a_unit_outside_their_subtree(personas, client):
    client.force_login(personas.officer_b)
    response = client.post(
        reverse("relations:contact_create"),
        {"kind": "other", "name": "钱先生", "keeping_unit": personas.town_a.pk, "consent_basis": "public"},
    )
    assert response.status_code == 200 and not Contact.objects.exists()


# --- add and edit -------------------------------------------------------------------------


def test_contacts_are_added_and_edited_without_the_number_leaving_the_server(personas, client):
    firm = company(name="城关镇录入的企业有限公司", unit=personas.town_a)
    client.force_login(personas.officer_a)
    add = reverse("relations:contact_add", args=[firm.pk])
    assert f'value="{personas.town_a.pk}" selected' in client.get(add).content.decode()
    data = {"kind": "investor", "name": "张经理", "title": "投资总监", "phone": PHONE, "email": "zhang@example.com"}
    data.update(keeping_unit=personas.town_a.pk, consent_basis="business", source="恳谈会交换名片")
    assert client.post(add, data).status_code == 302
    contact = firm.contacts.get()
    assert (contact.phone, contact.email, contact.keeping_unit) == (PHONE, "zhang@example.com", personas.town_a)
    edit = reverse("relations:contact_edit", args=[contact.pk])
    assert PHONE not in client.get(edit).content.decode()
    assert client.post(edit, {**data, "phone": "", "title": "副总经理", "wechat": WECHAT}).status_code == 302
    contact.refresh_from_db()
    assert (contact.phone, contact.title, contact.wechat) == (PHONE, "副总经理", WECHAT)
    assert client.post(edit, {**data, "phone": "", "clear_phone": "on"}).status_code == 302
    contact.refresh_from_db()
    assert contact.phone == "" and contact.wechat == WECHAT
    for row in AuditLog.objects.filter(object_type="relations.contact"):
        assert PHONE not in str(row.changes) and WECHAT not in str(row.changes)
    bad = client.post(add, {**data, "name": "钱经理", "phone": "abc123", "wechat": "微信"})
    content = bad.content.decode()
    assert "请填写正确的电话号码" in content and "微信号由字母" in content and firm.contacts.count() == 1


def test_a_xiangxian_is_kept_with_a_native_place_in_our_area(personas, client):
    county = Division.objects.create(code="330101", name="示范县", level=3, province_code="33")
    town = Division.objects.create(code="330101001", name="城关镇", level=4, parent=county, province_code="33")
    elsewhere = Division.objects.create(code="440301", name="福田区", level=3, province_code="44")
    personas.city.division = Division.objects.create(code="3301", name="示范市", level=2, province_code="33")
    personas.city.save()
    client.force_login(personas.officer_a)
    form = client.get(reverse("relations:contact_create")).content.decode()
    assert "城关镇" in form and "福田区" not in form
    data = {"kind": "notable", "name": "陈乡贤", "keeping_unit": personas.town_a.pk, "consent_basis": "consent"}
    data.update(residence="上海", workplace="上海陈氏集团", sector="电子信息", standing="上海示范商会会长")
    refused = client.post(reverse("relations:contact_create"), {**data, "native_division": elsewhere.pk})
    assert refused.status_code == 200 and not Contact.objects.exists()
    assert client.post(reverse("relations:contact_create"), {**data, "native_division": town.pk}).status_code == 302
    notable = Contact.objects.get()
    assert notable.native_division == town and notable.company is None and notable.keeping_unit == personas.town_a
    page = client.get(reverse("relations:contact_detail", args=[notable.pk])).content.decode()
    assert "乡贤" in page and "城关镇" in page and "上海示范商会会长" in page and "本人同意" in page


# --- the person's requests ----------------------------------------------------------------


def test_a_persons_data_is_exported_on_request_in_full_and_audited(personas, client):
    contact = town_a_contact(personas, source="恳谈会")
    client.force_login(personas.officer_a)
    url = reverse("relations:contact_export", args=[contact.pk])
    asked = client.post(url, {"request_note": "本人来电要求"})
    assert asked.status_code == 200 and "xlsx" not in asked["Content-Type"]
    response = client.post(url, {"request_note": "本人来电要求", "confirm": "on"})
    text = sheet_text(response)
    assert PHONE in text and WECHAT in text and "恳谈会" in text and "工作往来中本人提供" in text
    log = AuditLog.objects.get(action=AuditAction.EXPORT, object_type="relations.contact")
    assert log.object_id == str(contact.pk) and "本人来电要求" in log.detail


def test_erasure_on_request_asks_first_and_leaves_no_data_in_the_log(personas, client):
    contact = town_a_contact(personas, email="li@example.com")
    client.force_login(personas.officer_a)
    url = reverse("relations:contact_erase", args=[contact.pk])
    assert "确认删除" in client.get(url).content.decode()
    assert client.post(url, {"request_note": "本人书面申请"}).status_code == 200
    assert Contact.objects.filter(pk=contact.pk).exists()
    response = client.post(url, {"request_note": "本人书面申请", "confirm": "on"})
    assert response.status_code == 302 and not Contact.objects.filter(pk=contact.pk).exists()
    erased = AuditLog.objects.get(action=AuditAction.DELETE, object_type="relations.contact")
    kept = f"{erased.object_repr} {erased.detail} {erased.changes}"
    assert erased.object_id == str(contact.pk) and "本人书面申请" in kept
    for personal in ("李总", PHONE, WECHAT, "li@example.com", "总经理"):
        assert personal not in kept


def test_the_leader_and_another_town_cannot_erase(personas, client):
    contact = town_a_contact(personas)
    for user in (personas.leader, personas.officer_b):
        client.force_login(user)
        url = reverse("relations:contact_erase", args=[contact.pk])
        assert client.post(url, {"request_note": "x", "confirm": "on"}).status_code == 404
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_one_search_finds_companies_people_and_intermediaries_by_initials(personas, client):
    from zhaoshang.relations.models import Intermediary

    contact = town_a_contact(personas)
    Intermediary.objects.create(name="深圳安泰商会", kind="chamber")
    url = reverse("relations:search")
    client.force_login(personas.officer_a)
    page = client.get(url, {"q": "szat"}).content.decode()
    for shown in (contact.company.name, "深圳安泰商会", MASKED):
        assert shown in page, shown
    client.force_login(personas.officer_b)
    page = client.get(url, {"q": "szat"}).content.decode()
    assert contact.company.name in page and "深圳安泰商会" in page and MASKED not in page
    assert "李总" not in page.split('data-testid="found-contacts"')[1].split("</div></div></div>")[0]
    client.force_login(personas.auditor)
    assert client.get(url, {"q": "szat"}).status_code == 404
