from django.db import models

from zhaoshang.core.events import EventType

__all__ = ["DELIVERY_BADGES", "TEST_EVENT", "DeliveryStatus", "EventType", "PayloadVersion"]

# The type of the test event (「发送测试事件」): never emitted by the business, not in the
# list a subscription chooses from.
TEST_EVENT = "webhook.test"
EVENT_LABELS = {**dict(EventType.choices), TEST_EVENT: "测试事件"}


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "待发送"
    SUCCEEDED = "succeeded", "成功"
    FAILED = "failed", "失败"  # the last try failed; another is scheduled
    ABANDONED = "abandoned", "放弃"  # every try failed; only 重新发送 tries again


DELIVERY_BADGES = {
    DeliveryStatus.PENDING: "secondary",
    DeliveryStatus.SUCCEEDED: "green",
    DeliveryStatus.FAILED: "orange",
    DeliveryStatus.ABANDONED: "red",
}


class PayloadVersion(models.IntegerChoices):
    V1 = 1, "第 1 版"
