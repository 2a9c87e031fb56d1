"""Object URLs of the webhooks app, for the generic scope check (zhaoshang/testing.py): town
B's subscription and its deliveries are 404 to town A's officer."""

from zhaoshang.testing import ScopeCheck


def _town_b_subscription(personas):
    from zhaoshang.webhooks.models import Subscription

    # Saved directly: the scope check runs without the allowed-hosts setting of these tests.
    return Subscription.objects.create(
        name="河口镇数据平台",
        unit=personas.town_b,
        created_by=personas.officer_b,
        target_url="https://data.example.gov.cn/hooks/hk",
        secret="whsec_town-b-secret",
        event_types=["stage.verified"],
    )


def town_b_subscription(personas):
    return {"pk": _town_b_subscription(personas).pk}


def town_b_delivery(personas):
    from zhaoshang.webhooks.choices import DeliveryStatus
    from zhaoshang.webhooks.models import Delivery

    delivery = Delivery.objects.create(
        subscription=_town_b_subscription(personas),
        event_id="0b6a3c2e-1111-4a4a-9b9b-123456789abc",
        event_type="stage.verified",
        payload={"version": 1},
        status=DeliveryStatus.ABANDONED,
    )
    return {"pk": delivery.pk}


SCOPE_CHECKS = [
    ScopeCheck("webhooks:deliveries", town_b_subscription),
    ScopeCheck("webhooks:edit", town_b_subscription),
    ScopeCheck("webhooks:delete", town_b_subscription),
    ScopeCheck("webhooks:test", town_b_subscription, method="post"),
    ScopeCheck("webhooks:resend", town_b_delivery, method="post"),
]
