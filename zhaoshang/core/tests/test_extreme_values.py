"""No single stored value can make a page fail: an amount beyond what the forms allow or
a date at the edge of the calendar, written before the checks existed (or by a path
that bypassed them), still renders for everyone who can see it."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from zhaoshang.projects.models import Project
from zhaoshang.projects.tests.factories import project

pytestmark = pytest.mark.django_db

PAGES = ["core:home", "projects:list", "projects:kanban", "dashboard:index"]


@pytest.fixture
def extreme_project(personas):
    stored = project(personas.officer_a, personas.town_a, name="极端值项目", stage="started")
    # Written past every check, as the unbounded import once did. SQLite keeps any number
    # in a decimal column; PostgreSQL's numeric(18, 4) holds at most its largest value.
    huge = Decimal(10) ** 300 if connection.vendor == "sqlite" else Decimal("99999999999999.9999")
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Project._meta.db_table} SET total_investment = %s, fixed_asset_investment = %s,"  # noqa: S608
            " signed_on = %s, started_on = %s WHERE id = %s",
            [huge, huge, datetime.date(1, 1, 1), datetime.date(9999, 12, 31), stored.pk],
        )
    return stored


@pytest.mark.parametrize("persona", ["officer_a", "officer_b", "county_officer", "bureau", "leader"])
def test_pages_render_whatever_amount_or_date_a_project_holds(personas, client_for, extreme_project, persona):
    client = client_for(getattr(personas, persona))
    for name in PAGES:
        response = client.get(reverse(name))
        assert response.status_code == 200, name
    for name in ("projects:detail", "projects:credits"):
        response = client.get(reverse(name, args=[extreme_project.pk]))
        assert response.status_code == (404 if persona == "officer_b" else 200), name
    if persona == "officer_a":
        assert client.get(reverse("projects:edit", args=[extreme_project.pk])).status_code == 200


def test_the_ledger_export_writes_whatever_a_project_holds(personas, client_for, extreme_project):
    response = client_for(personas.bureau).get(reverse("imports:ledger_export"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
