"""Write paths read the officer's scope once per request, not once per object."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from zhaoshang.projects.tests.factories import project

pytestmark = pytest.mark.django_db


SUBTREE_IDS = 'SELECT "accounts_unit"."id" AS "pk" FROM "accounts_unit" WHERE'


def _subtree_reads(queries) -> int:
    """Reads of the officer's subtree as ids (the dropdown's names are another, wanted query)."""
    return sum(1 for q in queries.captured_queries if q["sql"].startswith(SUBTREE_IDS))


def test_a_bulk_edit_of_ten_projects_reads_the_officers_subtree_once(personas, client):
    ids = [project(personas.officer_a, personas.town_a, name=f"项目{n}").pk for n in range(10)]
    client.force_login(personas.officer_a)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            reverse("projects:bulk_edit"), {"ids": ",".join(map(str, ids)), "responsible_leader": "王副县长"}
        )
    assert response.status_code == 302
    assert _subtree_reads(queries) == 1


def test_the_project_list_reads_the_officers_subtree_once(personas, client):
    project(personas.officer_a, personas.town_a)
    client.force_login(personas.officer_a)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("projects:list")).status_code == 200
    assert _subtree_reads(queries) == 1
