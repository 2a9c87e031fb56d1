"""Write paths read the officer's scope once per request, not once per object."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from zhaoshang.core.models import AuditLog
from zhaoshang.projects.models import Project
from zhaoshang.projects.tests.factories import company, project

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


def _bulk_edit(personas, client, count: int) -> dict:
    """A bulk edit of ``count`` signed projects (with investors, so the roll-up and the
    search text have something to read) changing every field the form offers: the form
    to post, signed in as the county officer."""
    ids = [
        project(
            personas.county_officer, personas.town_a, name=f"项目{n}", stage="signed", investor=company(f"公司{n}")
        ).pk
        for n in range(count)
    ]
    client.force_login(personas.county_officer)
    return {
        "ids": ",".join(map(str, ids)),
        "responsible_unit": personas.town_b.pk,
        "responsible_leader": "王副县长",
        "leading_industry": "新能源",
        "chain_tag": "锂电池",
    }


def _post_bulk_edit(client, posted) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.post(reverse("projects:bulk_edit"), posted).status_code == 302
    _assert_edited(posted)
    return len(queries.captured_queries)


def _assert_edited(posted) -> None:
    ids = posted["ids"].split(",")
    assert Project.objects.filter(pk__in=ids, responsible_unit__code="SFX-HK", chain_tag="锂电池").count() == len(ids)


def test_a_bulk_edit_of_ten_projects_takes_at_most_forty_queries(personas, client, django_assert_max_num_queries):
    posted = _bulk_edit(personas, client, 10)
    with django_assert_max_num_queries(40):
        response = client.post(reverse("projects:bulk_edit"), posted)
    assert response.status_code == 302
    _assert_edited(posted)


def test_a_bulk_edit_of_twenty_projects_costs_no_more_queries_than_ten(personas, client):
    ten = _post_bulk_edit(client, _bulk_edit(personas, client, 10))
    twenty = _post_bulk_edit(client, _bulk_edit(personas, client, 20))
    assert twenty <= ten + 2


def test_a_bulk_edit_audits_each_changed_project_once_and_raises_its_version(personas, client):
    changed = project(personas.officer_a, personas.town_a, name="甲")
    same = project(personas.officer_a, personas.town_a, name="乙", responsible_leader="王副县长")
    client.force_login(personas.officer_a)
    client.post(reverse("projects:bulk_edit"), {"ids": f"{changed.pk},{same.pk}", "responsible_leader": "王副县长"})
    rows = AuditLog.objects.filter(action="update", object_type="projects.project")
    assert [row.object_id for row in rows] == [str(changed.pk)]
    assert rows.get().changes["responsible_leader"] == ["", "王副县长"]
    assert rows.get().changes["version"] == [1, 2]
    assert Project.objects.get(pk=changed.pk).version == 2
    assert Project.objects.get(pk=same.pk).version == 1
