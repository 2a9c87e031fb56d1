"""Refused access leaves a trace (等保): another town's project asked for by id, a page the
role may not open. Each refusal goes to the ``zhaoshang.security`` logger; the auditor
reads them counted by user, path and hour, apart from the append-only audit log."""

import logging

import pytest
from django.db import DatabaseError
from django.urls import reverse

from zhaoshang.core.models import AuditLog, SecurityEvent
from zhaoshang.projects.tests.factories import project

pytestmark = pytest.mark.django_db


def test_another_towns_project_asked_for_by_id_is_logged_once_an_hour_with_a_count(personas, client_for, caplog):
    theirs = project(personas.officer_b, personas.town_b)
    client = client_for(personas.officer_a)
    audit_rows = AuditLog.objects.count()
    url = reverse("projects:detail", args=[theirs.pk])
    with caplog.at_level(logging.WARNING, logger="zhaoshang.security"):
        for _ in range(3):
            assert client.get(url, REMOTE_ADDR="10.1.2.3").status_code == 404
    event = SecurityEvent.objects.get()
    assert (event.username, event.path, event.status, event.count, event.ip) == ("officer_a", url, 404, 3, "10.1.2.3")
    assert [r for r in caplog.records if r.name == "zhaoshang.security" and "officer_a" in r.getMessage()]
    assert AuditLog.objects.count() == audit_rows  # the business audit trail is not touched


def test_a_mistyped_address_is_not_a_security_event(personas, client_for):
    assert client_for(personas.officer_a).get("/no-such-page/").status_code == 404
    assert not SecurityEvent.objects.exists()


def test_a_forbidden_page_is_logged(personas, client_for):
    # The dashboard is for leaders, the bureau and the units; the system admin is refused.
    assert client_for(personas.sysadmin).get(reverse("dashboard:index")).status_code == 403
    assert SecurityEvent.objects.filter(username="sysadmin", status=403, path=reverse("dashboard:index")).exists()


def test_only_the_auditor_reads_the_security_events(personas, client_for):
    theirs = project(personas.officer_b, personas.town_b)
    client_for(personas.officer_a).get(reverse("projects:detail", args=[theirs.pk]))
    for persona in ("officer_a", "bureau", "leader", "sysadmin"):
        assert client_for(getattr(personas, persona)).get(reverse("core:security_events")).status_code == 404
    page = client_for(personas.auditor).get(reverse("core:security_events")).content.decode()
    assert "officer_a" in page and "不在范围内或不存在" in page


def test_a_failing_database_does_not_turn_the_refusal_into_a_500(personas, client_for, monkeypatch):
    theirs = project(personas.officer_b, personas.town_b)

    def locked(*args, **kwargs):
        raise DatabaseError("database is locked")

    monkeypatch.setattr(SecurityEvent.objects, "create", locked)
    response = client_for(personas.officer_a).get(reverse("projects:detail", args=[theirs.pk]))
    assert response.status_code == 404
