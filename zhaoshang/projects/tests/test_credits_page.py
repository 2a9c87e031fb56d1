"""The credit-shares page: everyone who sees the project reads them; only the bureau changes them."""

from decimal import Decimal

import pytest
from django.urls import reverse

from zhaoshang.core.models import AuditLog
from zhaoshang.projects.models import Project, ProjectCredit
from zhaoshang.projects.tests.factories import project

pytestmark = pytest.mark.django_db


def shares(rows):
    data = {
        "form-TOTAL_FORMS": str(len(rows)),
        "form-INITIAL_FORMS": "0",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "20",
    }
    for index, (unit, percent) in enumerate(rows):
        data[f"form-{index}-unit"] = str(unit.pk) if unit else ""
        data[f"form-{index}-percent"] = percent
        data[f"form-{index}-reason"] = "跨区域落地" if index else ""
    return data


def test_the_bureau_splits_the_credit_and_the_other_town_then_sees_the_project(personas, client):
    mine = project(personas.officer_a, personas.town_a, name="城关镇的项目")
    client.force_login(personas.bureau)
    response = client.post(
        reverse("projects:credits", args=[mine.pk]), shares([(personas.town_a, "60"), (personas.town_b, "40")])
    )
    assert response.status_code == 302
    assert {(c.unit_id, c.percent) for c in ProjectCredit.objects.filter(project=mine)} == {
        (personas.town_a.pk, Decimal(60)),
        (personas.town_b.pk, Decimal(40)),
    }
    assert Project.objects.restrict(personas.officer_b).filter(pk=mine.pk).exists()
    assert AuditLog.objects.filter(object_type="projects.projectcredit").exists()


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("90", "各单位比例之和须为 100%，当前为 90%"),
        ("repeat", "同一单位不能重复出现"),
        ("zero", "比例须大于 0"),
    ],
)
def test_bad_shares_are_refused_with_a_chinese_message_and_nothing_saved(personas, client, rows, message):
    mine = project(personas.officer_a, personas.town_a, name="城关镇的项目")
    a, b = personas.town_a, personas.town_b
    data = {
        "90": [(a, "50"), (b, "40")],
        "repeat": [(a, "50"), (a, "50")],
        "zero": [(a, "100"), (b, "0")],
    }[rows]
    client.force_login(personas.bureau)
    response = client.post(reverse("projects:credits", args=[mine.pk]), shares(data))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert list(ProjectCredit.objects.filter(project=mine).values_list("unit_id", "percent")) == [(a.pk, Decimal(100))]


def test_an_officer_reads_the_shares_but_cannot_change_them(personas, client):
    mine = project(personas.officer_a, personas.town_a, name="城关镇的项目")
    client.force_login(personas.officer_a)
    page = client.get(reverse("projects:credits", args=[mine.pk]))
    assert page.status_code == 200 and "100%" in page.content.decode() and "调整归属" not in page.content.decode()
    refused = client.post(reverse("projects:credits", args=[mine.pk]), shares([(personas.town_b, "100")]))
    assert refused.status_code == 403
    assert ProjectCredit.objects.get(project=mine).unit_id == personas.town_a.pk


def test_another_town_cannot_see_the_shares(personas, client):
    mine = project(personas.officer_a, personas.town_a, name="城关镇的项目")
    client.force_login(personas.officer_b)
    assert client.get(reverse("projects:credits", args=[mine.pk])).status_code == 404
