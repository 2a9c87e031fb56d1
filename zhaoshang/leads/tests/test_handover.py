"""项目信息共享: a unit hands a project to another, which accepts (and the passing unit keeps
its share of the credit) or declines with a reason; nobody else sees any of it."""

from decimal import Decimal

import pytest
from django.urls import reverse

from zhaoshang.core.models import AuditLog
from zhaoshang.leads.models import Handover
from zhaoshang.notifications.models import Notification
from zhaoshang.projects.models import Project
from zhaoshang.projects.tests.factories import project

pytestmark = pytest.mark.django_db


def _offer(client, personas, lead, to_unit, **fields):
    client.force_login(personas.officer_a)
    data = {
        "to_unit": to_unit.pk,
        "kept_percent": "20",
        "note": "深圳客商有意扩产，用地需求较大，适合河口镇园区。",
        **fields,
    }
    return client.post(reverse("leads:handover_create", args=[lead.pk]), data)


def test_a_town_hands_a_lead_to_another_which_accepts_and_the_credit_is_shared(
    personas, client, django_capture_on_commit_callbacks
):
    lead = project(personas.officer_a, personas.town_a, name="安泰电容扩产项目")
    with django_capture_on_commit_callbacks(execute=True):
        response = _offer(client, personas, lead, personas.town_b)
    handover = Handover.objects.get()
    assert response.status_code == 302 and response.url == reverse("leads:handover_detail", args=[handover.pk])
    assert Notification.objects.filter(recipient=personas.officer_b, title__contains="安泰电容扩产项目").exists()
    # Town B cannot open the project yet; the handover page shows it and offers to accept.
    client.force_login(personas.officer_b)
    assert client.get(reverse("projects:detail", args=[lead.pk])).status_code == 404
    page = client.get(reverse("leads:handover_detail", args=[handover.pk])).content.decode()
    assert "接收项目" in page and "20%" in page
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("leads:handover_accept", args=[handover.pk])).status_code == 302
    lead = Project.objects.get(pk=lead.pk)
    assert lead.responsible_unit == personas.town_b and lead.count_unit == personas.town_b
    shares = {credit.unit.code: credit.percent for credit in lead.credits.select_related("unit")}
    assert shares == {"SFX-HK": Decimal("80.00"), "SFX-CG": Decimal("20.00")}
    assert client.get(reverse("projects:detail", args=[lead.pk])).status_code == 200
    # The passing town still sees the project through its credit share, and is told.
    client.force_login(personas.officer_a)
    assert client.get(reverse("projects:detail", args=[lead.pk])).status_code == 200
    assert Notification.objects.filter(recipient=personas.officer_a, title__contains="已接收").exists()
    # Who accepted, and the project's move, are in the audit log as the accepting officer.
    accepted = AuditLog.objects.filter(object_type="leads.handover", object_id=str(handover.pk), action="update")
    assert accepted.filter(user=personas.officer_b).exists()
    assert AuditLog.objects.filter(
        object_type="projects.project", object_id=str(lead.pk), user=personas.officer_b
    ).exists()


def test_a_decline_needs_a_reason_and_leaves_the_project_where_it_was(
    personas, client, django_capture_on_commit_callbacks
):
    lead = project(personas.officer_a, personas.town_a)
    _offer(client, personas, lead, personas.town_b)
    handover = Handover.objects.get()
    client.force_login(personas.officer_b)
    client.post(reverse("leads:handover_decline", args=[handover.pk]), {"reason": ""})
    handover.refresh_from_db()
    assert handover.status == "offered"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("leads:handover_decline", args=[handover.pk]), {"reason": "不符合本镇产业定位"})
    handover.refresh_from_db()
    assert handover.status == "declined" and handover.decline_reason == "不符合本镇产业定位"
    assert Project.objects.get(pk=lead.pk).responsible_unit == personas.town_a
    assert Notification.objects.filter(recipient=personas.officer_a, title__contains="不符合本镇产业定位").exists()


def test_the_passing_unit_cannot_accept_its_own_offer_and_may_withdraw_it(personas, client):
    lead = project(personas.officer_a, personas.town_a)
    _offer(client, personas, lead, personas.town_b)
    handover = Handover.objects.get()
    page = client.get(reverse("leads:handover_detail", args=[handover.pk])).content.decode()
    assert "接收项目" not in page and "撤回移交" in page
    client.post(reverse("leads:handover_accept", args=[handover.pk]))
    assert Project.objects.get(pk=lead.pk).responsible_unit == personas.town_a
    client.post(reverse("leads:handover_withdraw", args=[handover.pk]))
    handover.refresh_from_db()
    assert handover.status == "withdrawn"


def test_a_second_open_offer_and_bad_input_are_refused_in_chinese(personas, client):
    lead = project(personas.officer_a, personas.town_a)
    page = _offer(client, personas, lead, personas.town_a, note="").content.decode()
    assert "请填写项目情况说明" in page or "请说明项目情况" in page
    assert not Handover.objects.exists()
    page = _offer(client, personas, lead, personas.town_b, kept_percent="150").content.decode()
    assert "99" in page and not Handover.objects.exists()
    _offer(client, personas, lead, personas.town_b)
    page = _offer(client, personas, lead, personas.county).content.decode()
    assert "已有一条待接收的移交" in page
    assert Handover.objects.count() == 1


def test_another_towns_officer_sees_no_handover_and_the_leader_only_reads(personas, client):
    lead = project(personas.officer_b, personas.town_b)
    client.force_login(personas.officer_b)
    client.post(
        reverse("leads:handover_create", args=[lead.pk]),
        {"to_unit": personas.county.pk, "kept_percent": "10", "note": "县里统筹"},
    )
    handover = Handover.objects.get()
    client.force_login(personas.officer_a)
    assert "县里统筹" not in client.get(reverse("leads:handover_list")).content.decode()
    client.force_login(personas.leader)
    page = client.get(reverse("leads:handover_detail", args=[handover.pk])).content.decode()
    assert "接收项目" not in page and "撤回移交" not in page
    for persona in (personas.sysadmin, personas.auditor):
        client.force_login(persona)
        assert client.get(reverse("leads:handover_list")).status_code == 404
        assert client.get(reverse("leads:handover_detail", args=[handover.pk])).status_code == 404


def test_the_offer_form_names_units_across_the_tree_but_never_their_people(personas, client):
    from zhaoshang.accounts.models import Unit, User
    from zhaoshang.core.choices import Action

    addressed = set(Unit.objects.restrict(personas.officer_a, Action.ADDRESS).values_list("code", flat=True))
    assert {"SFX-HK", "SFS-TCJ"} <= addressed  # outside town A's subtree
    assert not User.objects.restrict(personas.officer_a, Action.ADDRESS).exists()
    assert not Unit.objects.restrict(personas.leader, Action.ADDRESS).exists()  # leaders hand nothing over
    lead = project(personas.officer_a, personas.town_a)
    client.force_login(personas.officer_a)
    page = client.get(reverse("leads:handover_create", args=[lead.pk])).content.decode()
    assert "河口镇" in page and 'value="20"' in page
