from django.db import models


class NotificationKind(models.TextChoices):
    """What a notification is about. Other apps pass one of these to ``notify()``; each
    person chooses per kind and channel what reaches them (see ``DEFAULT_CHANNELS``)."""

    WARNING = "warning", "预警"
    ASSIGNMENT = "assignment", "交办督办"
    DEADLINE = "deadline", "临近办结期限"
    OVERDUE = "overdue", "逾期升级"
    VERIFICATION_RETURNED = "verification_returned", "审核退回"
    VERIFICATION_APPROVED = "verification_approved", "审核通过"
    REVIEW_WAITING = "review_waiting", "新的填报待审核"
    INSTRUCTION = "instruction", "领导批示"
    ROUND_OPENED = "round_opened", "调度开启"
    BULLETIN = "bulletin", "通报发布"
    SYSTEM = "system", "系统消息"
    # A key contact not met for a long time, or a next-contact date due (relations).
    CONTACT_REMINDER = "contact_reminder", "联络提醒"


class Channel(models.TextChoices):
    """Where a person receives notifications. The unit's group robot (webhook) is not a
    personal channel: the bureau sets it up per unit, with the kinds it forwards."""

    IN_APP = "in_app", "站内消息"
    EMAIL = "email", "电子邮件"


# Kinds that badge/colour the notification in lists.
KIND_BADGES = {
    NotificationKind.WARNING: "orange",
    NotificationKind.ASSIGNMENT: "blue",
    NotificationKind.DEADLINE: "yellow",
    NotificationKind.OVERDUE: "red",
    NotificationKind.VERIFICATION_RETURNED: "red",
    NotificationKind.VERIFICATION_APPROVED: "green",
    NotificationKind.REVIEW_WAITING: "yellow",
    NotificationKind.INSTRUCTION: "purple",
    NotificationKind.ROUND_OPENED: "cyan",
    NotificationKind.BULLETIN: "green",
    NotificationKind.SYSTEM: "secondary",
}

KIND_ICONS = {
    NotificationKind.WARNING: "alert-triangle",
    NotificationKind.ASSIGNMENT: "clipboard-list",
    NotificationKind.DEADLINE: "clock",
    NotificationKind.OVERDUE: "clock-exclamation",
    NotificationKind.VERIFICATION_RETURNED: "arrow-back-up",
    NotificationKind.VERIFICATION_APPROVED: "circle-check",
    NotificationKind.REVIEW_WAITING: "checks",
    NotificationKind.INSTRUCTION: "writing-sign",
    NotificationKind.ROUND_OPENED: "calendar-event",
    NotificationKind.BULLETIN: "file-text",
    NotificationKind.SYSTEM: "info-circle",
}

# What a person receives until they change it: everything in the application; by e-mail
# only what asks them to act (a daily warning scan by mail would soon be ignored).
DEFAULT_CHANNELS = {
    kind: {Channel.IN_APP}
    | (
        {Channel.EMAIL}
        if kind
        in (
            NotificationKind.ASSIGNMENT,
            NotificationKind.DEADLINE,
            NotificationKind.OVERDUE,
            NotificationKind.VERIFICATION_RETURNED,
            NotificationKind.INSTRUCTION,
        )
        else set()
    )
    for kind in NotificationKind
}

# What a unit's group robot forwards until the bureau changes it.
DEFAULT_WEBHOOK_KINDS = [
    NotificationKind.WARNING,
    NotificationKind.ASSIGNMENT,
    NotificationKind.DEADLINE,
    NotificationKind.OVERDUE,
    NotificationKind.VERIFICATION_RETURNED,
    NotificationKind.INSTRUCTION,
    NotificationKind.ROUND_OPENED,
]


class WebhookKind(models.TextChoices):
    DINGTALK = "dingtalk", "钉钉群机器人"
    WECOM = "wecom", "企业微信群机器人"
    GENERIC = "generic", "通用（JSON）"


class DeliveryChannel(models.TextChoices):
    EMAIL = "email", "电子邮件"
    WEBHOOK = "webhook", "群机器人"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "待发送"
    SENDING = "sending", "发送中"
    SENT = "sent", "已发送"
    FAILED = "failed", "发送失败（已放弃）"


DELIVERY_BADGES = {
    DeliveryStatus.PENDING: "yellow",
    DeliveryStatus.SENDING: "blue",
    DeliveryStatus.SENT: "green",
    DeliveryStatus.FAILED: "red",
}
