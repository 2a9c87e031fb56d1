"""Notifications: a person's inbox (the bell), their choices of what reaches them, the
units' group robots (DingTalk/WeCom webhooks), and the outbox of e-mails and robot
messages waiting to go out.

The inbox and the outbox are not audited: they are messages about business events that
are audited where they happen (a verification, an assignment), written in bulk, and a
"read" mark is not a change anyone needs to trace. Preferences and robot settings are
edited by people, so they are audited — with the robot's address and secret masked,
since they are credentials.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from zhaoshang.accounts.choices import Role
from zhaoshang.core.access import AccessRule, OwnRows, _role
from zhaoshang.core.choices import Action
from zhaoshang.core.fields import EncryptedTextField
from zhaoshang.core.models import AuditedModel, RestrictedManager
from zhaoshang.notifications.choices import (
    DEFAULT_WEBHOOK_KINDS,
    DELIVERY_BADGES,
    KIND_BADGES,
    KIND_ICONS,
    Channel,
    DeliveryChannel,
    DeliveryStatus,
    NotificationKind,
    WebhookKind,
)


class NotificationSettingsRule(AccessRule):
    """The units' group robots and the outbox: the bureau's alone.

    Robot messages and e-mails name projects, units and verifications (business data), and
    a robot's address decides who receives them: whoever may point a robot reads the
    business. So the system admin neither sets up robots nor reads the outbox (三权分立);
    with ``Action.MONITOR`` the admin may count deliveries by channel, status and kind of
    error (``services.delivery_health``), which selects no contents."""

    def __init__(self, *, admin_monitors: bool = False):
        self.admin_monitors = admin_monitors

    def allows(self, user, action):
        role = _role(user)
        if role == Role.BUREAU:
            return True
        return self.admin_monitors and role == Role.SYSADMIN and action == Action.MONITOR

    def filter(self, queryset, user, action):
        return queryset if self.allows(user, action) else queryset.none()


class Notification(models.Model):
    """One message in one person's inbox."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="接收人", on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField("类型", max_length=30, choices=NotificationKind.choices)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    url = models.CharField("链接", max_length=500, blank=True, help_text="站内地址，例如 /projects/12/")
    unit = models.ForeignKey(
        "accounts.Unit", verbose_name="相关单位", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("时间", default=timezone.now)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    access = OwnRows("recipient")
    objects = RestrictedManager()

    class Meta:
        verbose_name = "消息"
        verbose_name_plural = "消息"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox"),
            # The bell asks "how many unread" every minute for every open page: a partial
            # index holds only unread rows, so the count reads a handful of index entries.
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def badge(self) -> str:
        return KIND_BADGES.get(self.kind, "secondary")

    @property
    def icon(self) -> str:
        return KIND_ICONS.get(self.kind, "bell")


class NotificationPreference(AuditedModel):
    """A person's choice for one kind on one channel. Missing rows mean the default
    (``choices.DEFAULT_CHANNELS``)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField("类型", max_length=30, choices=NotificationKind.choices)
    channel = models.CharField("渠道", max_length=20, choices=Channel.choices)
    enabled = models.BooleanField("接收", default=True)

    access = OwnRows("user")

    class Meta:
        verbose_name = "通知偏好"
        verbose_name_plural = "通知偏好"
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "channel"], name="notification_preference_unique")
        ]

    def __str__(self):
        state = "接收" if self.enabled else "不接收"
        return f"{self.user} {self.get_kind_display()} {self.get_channel_display()} {state}"


def default_webhook_kinds() -> list[str]:
    return [str(kind) for kind in DEFAULT_WEBHOOK_KINDS]


class UnitWebhook(AuditedModel):
    """A unit's group robot (钉钉/企业微信 群机器人, or any JSON endpoint): notifications
    about the unit are posted to it as well as to its people.

    The address carries the robot's token (DingTalk ``access_token``, WeCom ``key``) and
    the secret signs DingTalk messages: both are credentials, encrypted in the database,
    masked in pages and in the audit log, and never written to the application log."""

    unit = models.ForeignKey("accounts.Unit", verbose_name="单位", on_delete=models.CASCADE, related_name="webhooks")
    name = models.CharField("名称", max_length=100, help_text="例如：城关镇招商工作群")
    kind = models.CharField("机器人类型", max_length=20, choices=WebhookKind.choices, default=WebhookKind.DINGTALK)
    # Encrypted at rest (core/crypto.py): a database copy or backup does not give them away.
    url = EncryptedTextField("Webhook 地址", max_length=500)
    secret = EncryptedTextField("加签密钥", max_length=200, blank=True)
    kinds = models.JSONField("推送的消息类型", default=default_webhook_kinds, blank=True)
    enabled = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    audit_masked_fields = ("url", "secret")
    access = NotificationSettingsRule()

    class Meta:
        verbose_name = "群机器人"
        verbose_name_plural = "群机器人"
        ordering = ["unit__path", "name", "id"]

    def __str__(self):
        return f"{self.unit} · {self.name}"

    def forwards(self, kind: str) -> bool:
        return self.enabled and kind in (self.kinds or [])

    @property
    def masked_url(self) -> str:
        from zhaoshang.notifications.webhooks import mask_url

        return mask_url(self.url)

    @property
    def masked_secret(self) -> str:
        from zhaoshang.notifications.webhooks import mask_secret

        return mask_secret(self.secret)

    def kind_labels(self) -> list[str]:
        labels = dict(NotificationKind.choices)
        return [labels.get(kind, kind) for kind in self.kinds or []]


class Delivery(models.Model):
    """One e-mail or one robot message in the outbox: written with the notification (in
    the same transaction), tried right after the commit, retried with growing pauses by
    ``send_notifications`` until it goes or the attempts run out. The content is copied
    in, so the message says what it said when the event happened."""

    channel = models.CharField("渠道", max_length=20, choices=DeliveryChannel.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="收件人",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    webhook = models.ForeignKey(
        UnitWebhook, verbose_name="群机器人", null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    kind = models.CharField("类型", max_length=30, choices=NotificationKind.choices)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    url = models.CharField("链接", max_length=500, blank=True)
    unit_name = models.CharField("相关单位", max_length=100, blank=True)
    status = models.CharField("状态", max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    last_error = models.CharField("最近错误", max_length=500, blank=True)
    next_attempt_at = models.DateTimeField("下次尝试", default=timezone.now)
    locked_until = models.DateTimeField("发送锁定至", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)

    access = NotificationSettingsRule(admin_monitors=True)
    objects = RestrictedManager()

    class Meta:
        verbose_name = "发送记录"
        verbose_name_plural = "发送记录"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due")]

    def __str__(self):
        return f"{self.get_channel_display()} {self.title}"

    @property
    def status_badge(self) -> str:
        return DELIVERY_BADGES.get(self.status, "secondary")

    @property
    def target(self) -> str:
        if self.channel == DeliveryChannel.WEBHOOK:
            return str(self.webhook) if self.webhook_id else ""
        return str(self.recipient) if self.recipient_id else ""
