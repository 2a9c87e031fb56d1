"""The receiving end: the notifications tests' local robot (a threading HTTP server on
127.0.0.1 that records what it receives and answers as the test says, with the allowed
hosts set to it), posted to at ``HOOK``."""

import pytest

from zhaoshang.notifications.tests.conftest import robot  # noqa: F401 (the local HTTP server, as a fixture)

HOOK = "/hooks/zhaoshang"


@pytest.fixture
def receiver(robot, settings):  # noqa: F811
    settings.SITE_URL = "https://zs.example.gov.cn"
    return robot


@pytest.fixture
def subscribe(receiver):
    """``subscribe(user, unit, [event types])`` → (subscription, secret), through the service."""
    from zhaoshang.webhooks.models import Subscription
    from zhaoshang.webhooks.services import create_subscription

    def make(user, unit, event_types, *, name="县大数据平台", url=None):
        return create_subscription(
            user,
            Subscription(name=name, unit=unit, target_url=url or receiver.url(HOOK), event_types=list(event_types)),
        )

    return make
