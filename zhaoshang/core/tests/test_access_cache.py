"""The officer's subtree is read once per user object (one request) and follows a moved unit."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhaoshang.accounts.models import Unit
from zhaoshang.core.access import scope_unit_ids
from zhaoshang.projects.models import Project

pytestmark = pytest.mark.django_db


def test_restricting_several_querysets_reads_the_subtree_once(personas):
    officer = personas.county_officer
    officer.unit  # noqa: B018 (the unit row itself is read once by Django's cache)
    with CaptureQueriesContext(connection) as queries:
        for _ in range(5):
            list(Project.objects.restrict(officer, "view"))
    subtree = [q for q in queries.captured_queries if "accounts_unit" in q["sql"] and "LIKE" in q["sql"]]
    assert len(subtree) == 1


def test_the_cached_subtree_holds_the_towns_below_the_county(personas):
    ids = set(scope_unit_ids(personas.county_officer))
    assert {personas.county.pk, personas.town_a.pk, personas.town_b.pk} <= ids
    assert personas.bureau_unit.pk not in ids


def test_a_fresh_user_object_sees_a_unit_added_since(personas):
    from zhaoshang.accounts.choices import UnitType
    from zhaoshang.accounts.models import User

    before = set(scope_unit_ids(personas.county_officer))
    new = Unit.objects.create(name="新设镇", code="SFX-XS", parent=personas.county, type=UnitType.TOWN)
    assert new.pk not in before
    assert new.pk in scope_unit_ids(User.objects.get(pk=personas.county_officer.pk))
