"""The dashboard's 签约未开工 count arrives after the page (the rule reads every signed project
of the scope): the number the block shows is the engine's, within the viewer's scope only."""

import datetime

import pytest
from django.urls import reverse

from zhaoshang.alerts.tests.conftest import signed
from zhaoshang.stats import services as stats

D = datetime.date
JUDGED = D(2024, 7, 31)
URL = reverse("dashboard:not_started")


@pytest.fixture
def late_projects(personas, monkeypatch):
    """Two projects of 城关镇 past their agreed start day and one in time, judged 31 July 2024."""
    monkeypatch.setattr(stats, "today", lambda: JUDGED)
    signed(personas, name="过约定日期甲", agreed_start_on=D(2024, 6, 30))
    signed(personas, name="过约定日期乙", agreed_start_on=D(2024, 5, 31))
    signed(personas, name="约定当天", agreed_start_on=JUDGED)


def _count(client, user, **params):
    client.force_login(user)
    return client.get(URL, params)


def test_the_page_loads_the_count_after_itself(personas, client, late_projects):
    client.force_login(personas.bureau)
    page = client.get(reverse("dashboard:index")).content.decode()
    assert f'hx-get="{URL}' in page and "计算中" in page


def test_the_count_is_the_engines_for_the_viewers_scope(personas, client, late_projects):
    answer = _count(client, personas.bureau)
    assert answer.status_code == 200
    assert '<strong data-testid="not-started-count">2</strong>' in answer.content.decode()
    town_a = _count(client, personas.officer_a).content.decode()
    assert '<strong data-testid="not-started-count">2</strong>' in town_a
    town_b = _count(client, personas.officer_b).content.decode()
    assert '<strong data-testid="not-started-count">0</strong>' in town_b


def test_another_towns_count_is_not_there_and_the_sysadmin_reads_none(personas, client, late_projects):
    assert _count(client, personas.officer_b, unit=personas.town_a.pk).status_code == 404
    assert _count(client, personas.sysadmin).status_code == 403
    assert _count(client, personas.auditor).status_code == 403
