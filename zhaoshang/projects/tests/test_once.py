"""Back → 保存 or a double click on a project's create forms opens what was saved
instead of saving a copy, even from another tab or window (another session)."""

import pytest
from django.test import Client
from django.urls import reverse

from zhaoshang.projects.models import FollowUp, Project
from zhaoshang.projects.tests.factories import company, project
from zhaoshang.projects.tests.test_views import form_data

pytestmark = pytest.mark.django_db


def two_windows(user):
    """Two browsers signed in as the same person: the session cannot tell them apart."""
    first, second = Client(), Client()
    first.force_login(user)
    second.force_login(user)
    return first, second


def test_the_same_project_form_saved_twice_creates_one_project(personas):
    first, second = two_windows(personas.officer_a)
    token = first.get(reverse("projects:create")).context["form"]["token"].value()
    one = first.post(reverse("projects:create"), form_data(personas, token=token))
    again = second.post(reverse("projects:create"), form_data(personas, token=token), follow=True)
    created = Project.objects.get()
    assert one["Location"] == reverse("projects:detail", args=[created.pk])
    assert again.redirect_chain[-1][0] == reverse("projects:detail", args=[created.pk])
    assert "该表单已经保存过" in again.content.decode()


def test_a_refused_project_form_can_be_corrected_and_saved_with_its_token(personas, client):
    client.force_login(personas.officer_a)
    client.post(reverse("projects:create"), form_data(personas, name="", token="tok-fix"))
    client.post(reverse("projects:create"), form_data(personas, token="tok-fix"))
    assert Project.objects.count() == 1


def test_the_same_follow_up_saved_twice_is_recorded_once(personas):
    p = project(personas.officer_a, personas.town_a)
    first, second = two_windows(personas.officer_a)
    token = first.get(reverse("projects:detail", args=[p.pk])).context["follow_up_form"]["token"].value()
    data = {"date": "2024-05-10", "kind": "visit", "content": "赴深圳洽谈二期用地", "token": token}
    first.post(reverse("projects:follow_up_add", args=[p.pk]), data)
    response = second.post(reverse("projects:follow_up_add", args=[p.pk]), data)
    assert response["Location"] == reverse("projects:detail", args=[p.pk])
    assert FollowUp.objects.count() == 1


def test_the_same_stage_claim_saved_twice_is_claimed_once(personas):
    p = project(personas.officer_a, personas.town_a, investor=company())
    first, second = two_windows(personas.officer_a)
    token = first.get(reverse("projects:detail", args=[p.pk])).context["claim_form"]["token"].value()
    data = {"stage": "signed", "date": "2024-05-01", "amount": "60000", "token": token}
    first.post(reverse("projects:advance", args=[p.pk]), data)
    response = second.post(reverse("projects:advance", args=[p.pk]), data, follow=True)
    assert "该表单已经保存过" in response.content.decode()  # not "不能重复填报"
    assert p.events.count() == 1


def test_another_officers_token_opens_nothing_of_theirs(personas, client):
    client.force_login(personas.officer_a)
    client.post(reverse("projects:create"), form_data(personas, token="tok-a"))
    client.force_login(personas.officer_b)
    data = form_data(personas, responsible_unit=personas.town_b.pk, name="河口镇项目", token="tok-a")
    response = client.post(reverse("projects:create"), data)
    assert response.status_code == 200 and "该表单已失效" in response.content.decode()
    assert Project.objects.count() == 1
