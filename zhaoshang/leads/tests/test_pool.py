"""线索池: the bureau holds leads, opens them to chosen units, a unit claims one (or the bureau
assigns it), an idle claimed lead goes back, and the pool's conversion is counted."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from zhaoshang.leads.models import PoolLead
from zhaoshang.leads.services import place_in_pool, pool_figures, return_idle_leads
from zhaoshang.projects.models import FollowUp, Project
from zhaoshang.projects.services import StageClaim, submit_stage, verify_event
from zhaoshang.projects.tests.factories import company, project

pytestmark = pytest.mark.django_db


def _pooled(personas, open_to=(), name="上海某新能源企业拟设区域总部"):
    lead = project(personas.bureau, personas.bureau_unit, name=name, stage="lead", investor=company())
    return place_in_pool(personas.bureau, lead, note="客商来访时提出，需用地约200亩", open_to=open_to)


def test_a_lead_opened_to_one_town_is_invisible_to_the_other(personas, client):
    entry = _pooled(personas, open_to=[personas.town_b])
    client.force_login(personas.officer_a)
    assert entry.project.name not in client.get(reverse("leads:pool_list")).content.decode()
    assert client.get(reverse("leads:pool_detail", args=[entry.pk])).status_code == 404
    assert client.post(reverse("leads:pool_claim", args=[entry.pk])).status_code == 404
    client.force_login(personas.officer_b)
    assert entry.project.name in client.get(reverse("leads:pool_list")).content.decode()


def test_opened_to_the_county_it_is_open_to_its_towns_and_a_claim_makes_it_theirs(personas, client):
    entry = _pooled(personas, open_to=[personas.county])
    client.force_login(personas.officer_a)
    page = client.get(reverse("leads:pool_detail", args=[entry.pk])).content.decode()
    assert "认领线索" in page and "示范县（含下级单位）" in page
    response = client.post(reverse("leads:pool_claim", args=[entry.pk]))
    assert response.status_code == 302 and response.url == reverse("projects:detail", args=[entry.project_id])
    lead = Project.objects.get(pk=entry.project_id)
    assert lead.responsible_unit == personas.town_a
    assert list(lead.credits.values_list("unit__code", "percent")) == [("SFX-CG", 100)]
    # Taken, it leaves the other town's view of the pool.
    client.force_login(personas.officer_b)
    assert client.get(reverse("leads:pool_detail", args=[entry.pk])).status_code == 404
    # A second claim is refused in words.
    client.force_login(personas.officer_a)
    page = client.post(reverse("leads:pool_claim", args=[entry.pk]), follow=True).content.decode()
    assert "已被认领或分配" in page


def test_only_the_bureau_places_and_assigns(personas, client):
    lead = project(personas.officer_a, personas.town_a, stage="lead")
    client.force_login(personas.officer_a)
    assert client.get(reverse("leads:pool_place", args=[lead.pk])).status_code == 404
    entry = _pooled(personas)
    client.post(reverse("leads:pool_assign", args=[entry.pk]), {"unit": personas.town_a.pk})
    assert PoolLead.objects.get(pk=entry.pk).status == "pooled"
    client.force_login(personas.bureau)
    client.post(reverse("leads:pool_assign", args=[entry.pk]), {"unit": personas.town_b.pk})
    entry.refresh_from_db()
    assert entry.status == "assigned" and entry.taken_by_unit == personas.town_b
    assert Project.objects.get(pk=entry.project_id).responsible_unit == personas.town_b


def test_the_bureau_places_a_lead_through_the_page_and_a_signed_project_is_refused(personas, client):
    lead = project(personas.bureau, personas.bureau_unit, stage="lead", name="市局线索")
    client.force_login(personas.bureau)
    response = client.post(
        reverse("leads:pool_place", args=[lead.pk]), {"note": "适合工业园区", "open_to": [personas.town_a.pk]}
    )
    entry = PoolLead.objects.get(project=lead)
    assert response.url == reverse("leads:pool_detail", args=[entry.pk]) and not entry.open_to_all
    signed = project(personas.bureau, personas.bureau_unit, name="已签约", stage="lead", investor=company())
    submit_stage(
        personas.bureau,
        signed,
        StageClaim(stage="signed", date=datetime.date(2024, 5, 6)),
    )
    verify_event(personas.bureau, signed.events.get(stage="signed"))
    page = client.post(reverse("leads:pool_place", args=[signed.pk]), {"note": ""}).content.decode()
    assert "已签约的项目不能放入线索池" in page and not PoolLead.objects.filter(project=signed).exists()


def test_a_claimed_lead_without_a_follow_up_goes_back_after_the_set_days(personas, client, settings):
    settings.ZHAOSHANG_LEAD_POOL_IDLE_DAYS = 30
    idle, followed = _pooled(personas, name="无人跟进的线索"), _pooled(personas, name="跟进中的线索")
    client.force_login(personas.officer_a)
    for entry in (idle, followed):
        client.post(reverse("leads:pool_claim", args=[entry.pk]))
    FollowUp.objects.create(
        project=followed.project, date=timezone.localdate(), kind="call", content="电话沟通用地需求"
    )
    assert return_idle_leads(force=True) == 0  # not yet 30 days
    later = timezone.now() + datetime.timedelta(days=31)
    assert return_idle_leads(now=later, force=True) == 1
    idle.refresh_from_db()
    followed.refresh_from_db()
    assert idle.status == "pooled" and idle.times_returned == 1
    assert Project.objects.get(pk=idle.project_id).responsible_unit == personas.bureau_unit
    assert followed.status == "claimed"


def test_the_pools_conversion_counts_verified_signings_of_taken_leads(personas, client):
    taken, _waiting = _pooled(personas, name="已认领"), _pooled(personas, name="待认领")
    client.force_login(personas.officer_a)
    client.post(reverse("leads:pool_claim", args=[taken.pk]))
    assert pool_figures(personas.bureau) == {"pooled": 1, "taken": 1, "signed": 0, "rate": 0}
    lead = Project.objects.get(pk=taken.project_id)
    submit_stage(
        personas.officer_a,
        lead,
        StageClaim(stage="signed", date=datetime.date(2024, 6, 1)),
    )
    verify_event(personas.bureau, lead.events.get(stage="signed"))
    figures = pool_figures(personas.bureau)
    assert (figures["signed"], str(figures["rate"])) == (1, "100.0")
    client.force_login(personas.bureau)
    assert "100.0%" in client.get(reverse("leads:pool_list")).content.decode()
