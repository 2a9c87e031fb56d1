"""The credit-shares page: everyone in scope reads it, only the bureau changes it."""

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from zhaoshang.projects.models import Project, ProjectCredit
from zhaoshang.projects.tests.factories import project

pytestmark = pytest.mark.django_db


def shares(*rows):
    """POST data of the credits formset: rows of (unit, percent[, reason])."""
    data = {
        "credits-TOTAL_FORMS": str(len(rows)),
        "credits-INITIAL_FORMS": "0",
        "credits-MIN_NUM_FORMS": "0",
        "credits-MAX_NUM_FORMS": "1000",
    }
    for index, (unit, percent, *reason) in enumerate(rows):
        data[f"credits-{index}-unit"] = str(unit.pk)
        data[f"credits-{index}-percent"] = str(percent)
        data[f"credits-{index}-reason"] = reason[0] if reason else ""
    return data


def current(p):
    return {(credit.unit.code, credit.percent) for credit in ProjectCredit.objects.filter(project=p)}


def test_the_bureau_splits_a_project_60_40_and_it_counts_in_both_towns(personas, client):
    p = project(personas.officer_a, personas.town_a)
    assert not Project.objects.restrict(personas.officer_b).filter(pk=p.pk).exists()
    client.force_login(personas.bureau)
    page = client.get(reverse("projects:credits", args=[p.pk]))
    assert page.status_code == 200 and "credit-sum" in page.content.decode()
    response = client.post(
        reverse("projects:credits", args=[p.pk]),
        shares((personas.town_a, 60), (personas.town_b, 40, "跨区域落地")),
    )
    assert response.status_code == 302 and response["Location"] == reverse("projects:detail", args=[p.pk])
    assert "已保存业绩归属。" in [str(m) for m in get_messages(response.wsgi_request)]
    assert current(p) == {("SFX-CG", Decimal(60)), ("SFX-HK", Decimal(40))}
    assert Project.objects.restrict(personas.officer_a).filter(pk=p.pk).exists()
    assert Project.objects.restrict(personas.officer_b).filter(pk=p.pk).exists()
    # Town B's officer now reads the shares too, and the detail page links to them.
    client.force_login(personas.officer_b)
    page = client.get(reverse("projects:credits", args=[p.pk]))
    assert page.status_code == 200 and "河口镇" in page.content.decode()
    assert "credit-form" not in page.content.decode()
    detail = client.get(reverse("projects:detail", args=[p.pk]))
    assert reverse("projects:credits", args=[p.pk]) in detail.content.decode()


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ((("town_a", 60), ("town_b", 30)), "各单位比例之和须为 100%，当前为 90%。"),
        ((("town_a", 50), ("town_a", 50)), "同一单位不能重复出现。"),
    ],
    ids=["sum-90", "repeated-unit"],
)
def test_a_bad_split_is_refused_with_a_message_and_nothing_is_saved(personas, client, rows, message):
    p = project(personas.officer_a, personas.town_a)
    before = current(p)
    client.force_login(personas.bureau)
    data = shares(*((getattr(personas, unit), percent) for unit, percent in rows))
    response = client.post(reverse("projects:credits", args=[p.pk]), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert current(p) == before


@pytest.mark.parametrize("percent", ["0", "-10", "120", "abc"])
def test_a_percent_outside_0_to_100_is_refused(personas, client, percent):
    p = project(personas.officer_a, personas.town_a)
    before = current(p)
    client.force_login(personas.bureau)
    response = client.post(
        reverse("projects:credits", args=[p.pk]), shares((personas.town_a, percent), (personas.town_b, 100))
    )
    assert response.status_code == 200
    assert "比例须" in response.content.decode()
    assert current(p) == before


def test_an_officer_cannot_change_the_shares_of_their_own_project(personas, client):
    p = project(personas.officer_a, personas.town_a)
    before = current(p)
    client.force_login(personas.officer_a)
    assert client.get(reverse("projects:credits", args=[p.pk])).status_code == 200
    response = client.post(
        reverse("projects:credits", args=[p.pk]), shares((personas.town_a, 60), (personas.town_b, 40))
    )
    assert response.status_code in (403, 404)
    assert current(p) == before


def test_another_towns_officer_cannot_see_the_credits_page(personas, client):
    p = project(personas.officer_a, personas.town_a)
    client.force_login(personas.officer_b)
    assert client.get(reverse("projects:credits", args=[p.pk])).status_code == 404
    response = client.post(reverse("projects:credits", args=[p.pk]), shares((personas.town_b, 100)))
    assert response.status_code in (403, 404)
