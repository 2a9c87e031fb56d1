"""Demo accounts get a few unread notifications, once."""

import pytest

from zhaoshang.notifications.demo import build_notifications
from zhaoshang.notifications.services import unread_count
from zhaoshang.projects.demo import DEMO_CODE_MARK, build_projects
from zhaoshang.projects.models import Project

pytestmark = pytest.mark.django_db


def test_demo_accounts_get_unread_notifications_once(personas, client_for):
    for user in (personas.officer_a, personas.bureau, personas.leader):
        user.is_demo = True
        user.save()
    build_projects(personas.bureau, [personas.town_a], per_unit=3)
    created = build_notifications(Project.objects.filter(remarks__contains=DEMO_CODE_MARK))
    assert created == unread_count(personas.officer_a) + unread_count(personas.bureau) + unread_count(personas.leader)
    assert unread_count(personas.officer_a) == 3
    assert unread_count(personas.bureau) == 2 and unread_count(personas.leader) == 1
    assert unread_count(personas.officer_b) == 0  # not a demo account
    assert build_notifications(Project.objects.filter(remarks__contains=DEMO_CODE_MARK)) == 0
    # Every demo link opens for its reader.
    client = client_for(personas.officer_a)
    from zhaoshang.notifications.models import Notification

    for notification in Notification.objects.filter(recipient=personas.officer_a):
        assert client.get(notification.url or "/notifications/").status_code == 200
