"""Interactions (走访、接待、洽谈) and the reminders about key contacts, by persona."""

import datetime

import pytest
from django.urls import reverse

from zhaoshang.notifications.models import Notification
from zhaoshang.projects.tests.factories import company, project
from zhaoshang.relations.models import Contact, Interaction
from zhaoshang.relations.reminders import send_reminders

pytestmark = pytest.mark.django_db

PHONE = "13812345678"


def firm_with_contact(personas):
    firm = company(name="深圳安泰电子元件有限公司", unit=personas.town_a)
    contact = Contact.objects.create(company=firm, name="李总", phone=PHONE, keeping_unit=personas.town_a)
    return firm, contact


def visit_data(**overrides):
    data = {
        "kind": "reception",
        "date": "2024-05-06",
        "content": "介绍园区政策，对方关注用地指标",
        "leader_level": "county",
    }
    return {**data, **overrides}


def test_an_officer_logs_a_reception_from_the_company_page(personas, client):
    firm, contact = firm_with_contact(personas)
    signed = project(personas.officer_a, personas.town_a, name="城关镇电容器项目", investor=firm)
    client.force_login(personas.officer_a)
    url = reverse("relations:interaction_create") + f"?company={firm.pk}"
    form = client.get(url).content.decode()
    assert "李总" in form and PHONE not in form and firm.name in form
    data = visit_data(
        company_name=firm.name,
        contacts=[contact.pk],
        our_people=[personas.officer_a.pk],
        requests="希望三个月内完成供地",
        next_step="报县领导研究",
        next_contact_on="2024-05-20",
        received_by="县招商局局长",
        sites_seen="城关工业园、3号地块",
        project_code=signed.code,
    )
    response = client.post(url, data)
    assert response.status_code == 302
    interaction = Interaction.objects.get()
    assert interaction.unit == personas.town_a and interaction.project == signed and interaction.company == firm
    assert list(interaction.contacts.all()) == [contact]
    page = client.get(response["Location"]).content.decode()
    for shown in ("来访接待", "县（区）领导", "城关工业园", "希望三个月内完成供地", "城关镇电容器项目"):
        assert shown in page, shown
    company_page = client.get(reverse("relations:company_detail", args=[firm.pk])).content.decode()
    assert "介绍园区政策" in company_page[company_page.index('data-testid="company-timeline"') :]
    contact_page = client.get(reverse("relations:contact_detail", args=[contact.pk])).content.decode()
    assert "来访接待" in contact_page


def test_bad_interaction_input_is_refused_in_chinese(personas, client):
    firm_with_contact(personas)
    client.force_login(personas.officer_a)
    url = reverse("relations:interaction_create")
    for data, message in (
        (visit_data(), "请填写企业，或勾选对方人员"),
        (visit_data(company_name="不存在的企业有限公司"), "企业库中没有这家企业"),
        (visit_data(company_name="深圳安泰电子元件有限公司", next_contact_on="2024-05-01"), "下次联系日期不能早于"),
        (visit_data(company_name="深圳安泰电子元件有限公司", project_code="XM-NOPE"), "没有找到您可查看的该编号项目"),
    ):
        response = client.post(url, data)
        assert response.status_code == 200 and message in response.content.decode(), message
    assert not Interaction.objects.exists()


def test_another_towns_contact_cannot_be_named_as_a_participant(personas, client):
    firm, contact = firm_with_contact(personas)
    client.force_login(personas.officer_b)
    url = reverse("relations:interaction_create") + f"?company={firm.pk}"
    assert "李总" not in client.get(url).content.decode()
    response = client.post(url, visit_data(company_name=firm.name, contacts=[contact.pk]))
    assert response.status_code == 200 and not Interaction.objects.exists()


def test_another_town_does_not_see_the_interaction(personas, client):
    firm, _contact = firm_with_contact(personas)
    Interaction.objects.create(
        kind="visit", date=datetime.date(2024, 5, 6), unit=personas.town_a, company=firm, content="城关镇的走访"
    )
    client.force_login(personas.officer_b)
    assert "城关镇的走访" not in client.get(reverse("relations:interaction_list")).content.decode()
    assert "城关镇的走访" not in client.get(reverse("relations:company_detail", args=[firm.pk])).content.decode()
    client.force_login(personas.leader)
    assert "城关镇的走访" in client.get(reverse("relations:interaction_list")).content.decode()


# --- reminders ----------------------------------------------------------------------------


def test_a_silent_key_contact_and_a_due_next_contact_are_reminded_once(personas, settings):
    settings.KEY_CONTACT_SILENCE_DAYS = 30
    firm, contact = firm_with_contact(personas)
    contact.is_key, contact.keeping_officer = True, personas.officer_a
    contact.save()
    quiet = Contact.objects.create(name="陈乡贤", kind="notable", is_key=True, keeping_unit=personas.town_a)
    entered = datetime.datetime(2024, 1, 2, 9, tzinfo=datetime.UTC)
    Contact._base_manager.filter(pk__in=[quiet.pk, contact.pk]).update(created_at=entered)
    met = Interaction.objects.create(
        kind="visit",
        date=datetime.date(2024, 5, 6),
        unit=personas.town_a,
        company=firm,
        content="拜访",
        next_contact_on=datetime.date(2024, 5, 20),
        created_by=personas.officer_a,
    )
    met.contacts.add(contact)
    # 陈乡贤, entered in January and never met, is silent already; 李总 was met on 6 May.
    assert send_reminders(datetime.date(2024, 5, 19)) == (1, 0)
    assert send_reminders(datetime.date(2024, 5, 20)) == (0, 1)
    titles = list(Notification.objects.filter(recipient=personas.officer_a).values_list("title", flat=True))
    assert any("约定的下次联系日期到了" in title for title in titles)
    assert send_reminders(datetime.date(2024, 6, 4)) == (0, 0)  # 29 days after the visit
    assert send_reminders(datetime.date(2024, 6, 10)) == (1, 0)  # 35 days: 李总
    assert send_reminders(datetime.date(2024, 6, 11)) == (0, 0)  # each told once per silence
    silent = Notification.objects.filter(title__contains="李总").get()
    assert silent.recipient == personas.officer_a and PHONE not in silent.body
    # A key contact never met, and kept by no one in particular, goes to the unit's officers.
    assert Notification.objects.filter(title__contains="陈乡贤", recipient=personas.officer_a).exists()
    assert not Notification.objects.filter(recipient=personas.officer_b).exists()
