"""The project list explains a filter value it cannot use, in Chinese, instead of ignoring it silently."""

import pytest
from django.urls import reverse

from zhaoshang.projects.tests.factories import project

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("query", "label"),
    [("amount=bogus", "协议总投资"), ("signed_from=2024-13-40", "签约自"), ("stage=bogus", "阶段")],
)
def test_an_invalid_filter_value_is_explained_above_the_table(personas, client, query, label):
    project(personas.officer_a, personas.town_a)
    client.force_login(personas.officer_a)
    response = client.get(f"{reverse('projects:list')}?{query}")
    assert response.status_code == 200
    html = response.content.decode()
    assert "筛选条件有误：" in html and f"{label}：" in html
    partial = client.get(f"{reverse('projects:list')}?{query}", headers={"HX-Request": "true"})
    assert "筛选条件有误：" in partial.content.decode()


def test_valid_filters_show_no_warning(personas, client):
    project(personas.officer_a, personas.town_a)
    client.force_login(personas.officer_a)
    for url in (reverse("projects:list"), f"{reverse('projects:list')}?signed_from=2024-01-01&amount="):
        assert "筛选条件有误" not in client.get(url).content.decode()
