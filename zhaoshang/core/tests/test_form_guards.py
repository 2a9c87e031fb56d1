"""What every form refuses, whichever app it belongs to: invisible control characters in
text, and dates outside the plausible range (1949-10-01 to thirty years ahead)."""

import pytest
from django.urls import reverse

from zhaoshang.projects.models import Project
from zhaoshang.projects.tests.test_views import form_data

pytestmark = pytest.mark.django_db


def test_a_project_name_with_an_escape_character_is_refused_in_chinese(personas, client_for):
    response = client_for(personas.officer_a).post(
        reverse("projects:create"), form_data(personas, name="锂电池\x1b项目", token="c1")
    )
    assert response.status_code == 200
    assert "含有不可见的控制字符" in response.content.decode()
    assert Project.objects.count() == 0


def test_line_breaks_and_tabs_in_a_description_are_kept(personas, client_for):
    client_for(personas.officer_a).post(
        reverse("projects:create"), form_data(personas, description="一期：厂房\r\n二期：\t仓库", token="c2")
    )
    assert Project.objects.get().description == "一期：厂房\r\n二期：\t仓库"


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1900-01-01"])
def test_a_placeholder_date_is_refused_in_chinese(personas, client_for, day):
    response = client_for(personas.officer_a).post(
        reverse("projects:create"), form_data(personas, agreed_start_on=day, token=f"d{day}")
    )
    assert response.status_code == 200
    assert "不合理（应在 1949-10-01 至" in response.content.decode()
    assert Project.objects.count() == 0
