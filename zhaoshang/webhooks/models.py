"""Outbound webhooks: a unit's (or the bureau's) subscription to business events, and the
outbox of signed deliveries to it (docs/api.md "Webhooks").

The signing secret must be known to the server at every delivery (HMAC needs the key
itself, unlike an API token, which is checked against its hash). So it is stored
encrypted at rest (core/crypto.py, like the group robots' secrets), shown once when the
subscription is created, and never shown again nor written to the audit log. The target
address may carry a credential of the receiving system too: encrypted and masked alike.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from zhaoshang.core.access import UnitScoped, _role
from zhaoshang.core.fields import EncryptedTextField
from zhaoshang.core.models import AuditedModel, RestrictedManager, VersionedModel
from zhaoshang.core.roles import Role
from zhaoshang.webhooks.choices import DELIVERY_BADGES, EVENT_LABELS, DeliveryStatus, EventType, PayloadVersion


class SubscriptionRule(UnitScoped):
    """The bureau manages every subscription (its own, with no unit, and the units'); a
    unit officer manages those of units in their subtree. Nobody else: a subscription
    decides where business data goes, so the leader (who reads but does not configure),
    the system admin and the auditor (三权分立) have none."""

    def allows(self, user, action):
        return _role(user) != Role.LEADER and super().allows(user, action)


def default_event_types() -> list[str]:
    return [str(EventType.STAGE_VERIFIED)]


class Subscription(VersionedModel, AuditedModel):
    """Where to POST which business events, and with whose eyes: the events sent are those
    about objects the owning unit's officers could see (the whole city for the bureau)."""

    name = models.CharField("名称", max_length=100, help_text="例如：县大数据平台")
    unit = models.ForeignKey(
        "accounts.Unit",
        verbose_name="所属单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="只推送该单位及下级单位能看到的事件；留空为招商局（全部单位）。",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="创建人", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    target_url = EncryptedTextField("推送地址", max_length=500)
    secret = EncryptedTextField("签名密钥", max_length=200)
    event_types = models.JSONField("订阅的事件", default=default_event_types)
    active = models.BooleanField("启用", default=True)
    payload_version = models.PositiveSmallIntegerField(
        "消息版本", choices=PayloadVersion.choices, default=PayloadVersion.V1
    )
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    audit_masked_fields = ("target_url", "secret")
    audit_choices = {"event_types": EventType.choices}
    access = SubscriptionRule("unit")

    class Meta:
        verbose_name = "事件订阅"
        verbose_name_plural = "事件订阅"
        ordering = ["name", "id"]

    def __str__(self):
        return self.name

    @property
    def owner_label(self) -> str:
        return self.unit.name if self.unit_id else "招商局（全部单位）"

    @property
    def masked_url(self) -> str:
        from zhaoshang.notifications.webhooks import mask_url

        return mask_url(self.target_url)

    def event_labels(self) -> list[str]:
        return [EVENT_LABELS.get(kind, kind) for kind in self.event_types or []]

    def wants(self, event_type: str) -> bool:
        return self.active and event_type in (self.event_types or [])


class Delivery(models.Model):
    """One event for one subscription: its payload fixed when the event happened, tried by
    the job worker until it succeeds or the tries run out (``services.BACKOFF``). Not
    audited: the events are audited where they happen, and the log is this table."""

    subscription = models.ForeignKey(
        Subscription, verbose_name="订阅", on_delete=models.CASCADE, related_name="deliveries"
    )
    event_id = models.CharField("事件编号", max_length=36, db_index=True)
    event_type = models.CharField("事件类型", max_length=40)
    payload = models.JSONField("消息内容")
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    status = models.CharField("状态", max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    last_status = models.PositiveSmallIntegerField("最近 HTTP 状态", null=True, blank=True)
    last_error = models.CharField("最近错误", max_length=500, blank=True)
    next_attempt_at = models.DateTimeField("下次尝试", null=True, blank=True, default=timezone.now)
    locked_until = models.DateTimeField("发送锁定至", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    last_attempt_at = models.DateTimeField("最近尝试", null=True, blank=True)
    delivered_at = models.DateTimeField("送达时间", null=True, blank=True)

    access = SubscriptionRule("subscription__unit")
    objects = RestrictedManager()

    class Meta:
        verbose_name = "推送记录"
        verbose_name_plural = "推送记录"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due"),
            models.Index(fields=["subscription", "-created_at"], name="webhook_delivery_log"),
        ]

    def __str__(self):
        return f"{self.event_label} {self.event_id}"

    @property
    def event_label(self) -> str:
        return EVENT_LABELS.get(self.event_type, self.event_type)

    @property
    def status_badge(self) -> str:
        return DELIVERY_BADGES.get(self.status, "secondary")

    @property
    def can_resend(self) -> bool:
        return self.status in (DeliveryStatus.FAILED, DeliveryStatus.ABANDONED)
