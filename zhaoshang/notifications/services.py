"""Notifications for other apps to send, and the inbox, preferences and robots.

Other apps call two functions:

    notify(recipients, kind, title, *, url="", body="", unit=None) -> list[Notification]
    notify_unit(unit, kind, title, *, url="", body="") -> list[Notification]

Both store the in-app notifications at once, inside the caller's transaction (a rolled-back
action notifies nobody), and put e-mails and robot messages in the outbox
(``Delivery``); after the commit they are tried right away, and ``send_notifications``
retries what failed. Sending never raises into the caller: a robot that is down does not
stop a verification.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Count, Min, Q
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from zhaoshang.accounts.choices import Role
from zhaoshang.core.choices import Action, Verification
from zhaoshang.notifications.choices import (
    DEFAULT_CHANNELS,
    Channel,
    DeliveryChannel,
    DeliveryStatus,
    NotificationKind,
)
from zhaoshang.notifications.models import Delivery, Notification, NotificationPreference, UnitWebhook
from zhaoshang.notifications.webhooks import DeliveryError, Message, absolute, check_url, post

logger = logging.getLogger(__name__)

TITLE_MAX = 200


def _local_path(url: str) -> str:
    """Only links inside the site: a notification must not send anyone elsewhere."""
    url = (url or "").strip()
    if not url:
        return ""
    if not url.startswith("/") or not url_has_allowed_host_and_scheme(url, allowed_hosts=None):
        raise ValueError(f"notification links must be paths inside the site, got {url!r}")
    return url[:500]


def _users(recipients) -> list:
    """Active users, each once, in the order given (a single user is accepted too)."""
    from zhaoshang.accounts.models import User

    if recipients is None:
        return []
    if isinstance(recipients, User):
        recipients = [recipients]
    seen, users = set(), []
    for user in recipients:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        users.append(user)
    return users


def channels_for(users: list, kind: str) -> dict[int, set[str]]:
    """Each user's channels for ``kind``: the defaults with their own choices applied."""
    chosen = {user.pk: set(DEFAULT_CHANNELS[kind]) for user in users}
    rows = NotificationPreference.objects.filter(user_id__in=list(chosen), kind=kind).values_list(
        "user_id", "channel", "enabled"
    )
    for user_id, channel, enabled in rows:
        (chosen[user_id].add if enabled else chosen[user_id].discard)(channel)
    return chosen


def notify(recipients, kind, title: str, *, url: str = "", body: str = "", unit=None) -> list[Notification]:
    """Tell ``recipients`` (users; inactive ones and repeats are skipped) that something
    of ``kind`` (a ``NotificationKind``) happened.

    ``title`` is the line shown under the bell; ``body`` more detail (a reason, a
    deadline); ``url`` a path inside the site (``/projects/12/``) the notification opens.
    ``unit`` is the unit the event concerns: its group robots that forward ``kind`` get
    the message too (once, however many recipients). Each person's preferences decide
    in-app and e-mail; e-mail goes only to people with an address, and only when the
    deployment has e-mail configured. Returns the in-app notifications created.
    """
    kind = NotificationKind(kind)
    title = " ".join((title or "").split())[:TITLE_MAX]
    if not title:
        raise ValueError("a notification needs a title")
    url = _local_path(url)
    body = (body or "").strip()
    users = _users(recipients)
    channels = channels_for(users, kind)
    now = timezone.now()
    notifications = Notification.objects.bulk_create(
        [
            Notification(recipient=user, kind=kind, title=title, body=body, url=url, unit=unit, created_at=now)
            for user in users
            if Channel.IN_APP in channels[user.pk]
        ]
    )
    content = {"kind": kind, "title": title, "body": body, "url": url, "unit_name": unit.name if unit else ""}
    deliveries = []
    if settings.NOTIFY_EMAIL:
        deliveries += [
            Delivery(channel=DeliveryChannel.EMAIL, recipient=user, created_at=now, next_attempt_at=now, **content)
            for user in users
            if Channel.EMAIL in channels[user.pk] and user.email
        ]
    if unit is not None:
        deliveries += [
            Delivery(channel=DeliveryChannel.WEBHOOK, webhook=webhook, created_at=now, next_attempt_at=now, **content)
            for webhook in UnitWebhook.objects.filter(unit=unit, enabled=True).order_by("id")
            if webhook.forwards(kind)
        ]
    if deliveries:
        created = Delivery.objects.bulk_create(deliveries)
        if settings.NOTIFY_SEND_IMMEDIATELY:
            # After the commit (a rolled-back action sends nothing), through the job queue:
            # the request does not wait for a mail server or a robot's host.
            from zhaoshang.notifications.tasks import queue_first_try

            transaction.on_commit(partial(queue_first_try, [delivery.pk for delivery in created]), robust=True)
    return notifications


def unit_officers(unit):
    from zhaoshang.accounts.models import User

    return User.objects.filter(unit=unit, role=Role.OFFICER, is_active=True).order_by("pk")


def notify_unit(unit, kind, title: str, *, url: str = "", body: str = "") -> list[Notification]:
    """Tell a unit: its officers (their inbox and e-mail, as each chose) and its group robots."""
    return notify(unit_officers(unit), kind, title, url=url, body=body, unit=unit)


def _decision_recipients(actor, record, unit) -> list:
    """Whoever submitted the claim — or, when the bureau entered it itself or nobody is
    recorded, the unit's officers."""
    submitter = record.submitted_by
    if submitter is not None and submitter.is_active and submitter.pk != getattr(actor, "pk", None):
        return [submitter]
    return list(unit_officers(unit))


def notify_returned(actor, record, *, what: str, url: str, unit=None) -> list[Notification]:
    """The bureau returned a claim (a ``core.verification.Verifiable``: a stage event, a
    tranche): tell its submitter (or the unit's officers) and the unit's robots."""
    unit = unit or record.project.responsible_unit
    return notify(
        _decision_recipients(actor, record, unit),
        NotificationKind.VERIFICATION_RETURNED,
        f"招商局退回：{what}",
        url=url,
        body=f"退回原因：{record.return_reason}。请修改后重新提交。",
        unit=unit,
    )


def notify_verified(actor, record, *, what: str, url: str, unit) -> list[Notification]:
    """The bureau verified a claim: tell whoever submitted it that it now counts. A claim
    the bureau entered itself (or with no submitter recorded) tells nobody: unlike a
    return, an approval asks nothing of the unit, and nobody there is waiting for it."""
    submitter = record.submitted_by
    if submitter is None or submitter.pk == getattr(actor, "pk", None):
        return []
    return notify(
        [submitter],
        NotificationKind.VERIFICATION_APPROVED,
        f"招商局审核通过：{what}",
        url=url,
        body="已审核通过，计入统计。",
        unit=unit,
    )


def worker_upkeep() -> None:
    """The worker's once-a-minute round (registered in apps.py): send what is due, unless
    a ``send_notifications`` timer does it (``ZHAOSHANG_WORKER_SENDS_NOTIFICATIONS=0``)."""
    if settings.WORKER_SENDS_NOTIFICATIONS:
        send_due()


def on_verification_decided(sender, *, user, record, decision, by_import, **kwargs) -> None:
    """Receiver of ``core.verification.verification_decided`` (connected in apps.py): the
    submitter hears of a verification (not of ledgers the bureau confirms while importing
    them), the unit of a return."""
    what, url, unit = record.verification_subject(), record.get_absolute_url(), record.submitting_unit()
    if decision == Verification.RETURNED:
        notify_returned(user, record, what=what, url=url, unit=unit)
    elif not by_import:
        notify_verified(user, record, what=what, url=url, unit=unit)


# --- The inbox -------------------------------------------------------------------------------


def unread_count(user) -> int:
    """One count on the partial index of unread rows."""
    return Notification.objects.restrict(user).filter(read_at__isnull=True).count()


def mark_read(user, ids: Iterable[int] | None = None) -> int:
    """Mark the user's own notifications read (all of them when ``ids`` is None)."""
    rows = Notification.objects.restrict(user, Action.CHANGE).filter(read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    return rows.update(read_at=timezone.now())


# --- Preferences --------------------------------------------------------------------------------


def preferences_for(user) -> dict[tuple[str, str], bool]:
    """(kind, channel) → receives, for every kind and channel."""
    chosen = {(kind, channel): channel in DEFAULT_CHANNELS[kind] for kind in NotificationKind for channel in Channel}
    for kind, channel, enabled in NotificationPreference.objects.restrict(user).values_list(
        "kind", "channel", "enabled"
    ):
        if (kind, channel) in chosen:
            chosen[(kind, channel)] = enabled
    return chosen


@transaction.atomic
def save_preferences(user, wanted: set[tuple[str, str]]) -> int:
    """Store the user's choices: ``wanted`` holds every (kind, channel) they want. Only
    changed rows are written (each audited). Returns how many changed."""
    if not NotificationPreference.access.allows(user, Action.CHANGE):
        raise PermissionDenied("请先登录。")
    current = preferences_for(user)
    stored = {(row.kind, row.channel): row for row in NotificationPreference.objects.restrict(user, Action.CHANGE)}
    changed = 0
    for key, receives in current.items():
        want = key in wanted
        if want == receives:
            continue
        row = stored.get(key) or NotificationPreference(user=user, kind=key[0], channel=key[1])
        row.enabled = want
        row.save()
        changed += 1
    return changed


# --- Group robots ---------------------------------------------------------------------------------


def validate_webhook(webhook: UnitWebhook) -> None:
    problems = {}
    if not webhook.name.strip():
        problems["name"] = "请填写名称。"
    try:
        check_url(webhook.url, webhook.kind)
    except ValidationError as error:
        problems["url"] = error.messages
    unknown = set(webhook.kinds or []) - set(NotificationKind.values)
    if unknown:
        problems["kinds"] = "消息类型不正确。"
    if problems:
        raise ValidationError(problems)


def _require_settings_access(user, action: str = Action.CHANGE) -> None:
    if not UnitWebhook.access.allows(user, action):
        raise PermissionDenied("只有招商局可以设置群机器人。")


@transaction.atomic
def save_webhook(user, webhook: UnitWebhook) -> UnitWebhook:
    """Create or change a unit's robot (the bureau), after checking its address."""
    _require_settings_access(user)
    from zhaoshang.accounts.models import Unit

    if not Unit.objects.restrict(user).filter(pk=webhook.unit_id).exists():
        raise PermissionDenied("该单位不在您的管理范围内。")
    webhook.url = webhook.url.strip()
    webhook.secret = webhook.secret.strip()
    webhook.name = webhook.name.strip()
    validate_webhook(webhook)
    webhook.save()
    return webhook


@transaction.atomic
def delete_webhook(user, webhook: UnitWebhook) -> None:
    _require_settings_access(user, Action.DELETE)
    webhook.delete()


def send_test_message(user, webhook: UnitWebhook) -> None:
    """Post a test message now (not through the outbox); raises DeliveryError on failure."""
    _require_settings_access(user)
    post(
        webhook,
        Message(
            kind=NotificationKind.SYSTEM,
            title="测试消息",
            body=f"这是一条测试消息：{webhook.unit.name}的群机器人已接通。（由 {user} 发送）",
            url="/notifications/",
            unit_name=webhook.unit.name,
        ),
    )


# --- The outbox -----------------------------------------------------------------------------------


@dataclass
class SendResult:
    sent: int = 0
    retrying: int = 0
    failed: int = 0

    def add(self, status: str) -> None:
        if status == DeliveryStatus.SENT:
            self.sent += 1
        elif status == DeliveryStatus.FAILED:
            self.failed += 1
        elif status == DeliveryStatus.PENDING:
            self.retrying += 1


LOCK = timedelta(minutes=5)  # longer than any send takes; a crashed sender's rows come back after it


def backoff(attempts: int) -> timedelta:
    """Pause before the next try: 1, 2, 4 … minutes, at most 6 hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


def _claim(pk: int, now) -> bool:
    """Take one due delivery for sending; False when another sender has it or it is done."""
    due = Q(status=DeliveryStatus.PENDING, next_attempt_at__lte=now) | Q(
        status=DeliveryStatus.SENDING, locked_until__lt=now
    )
    return bool(Delivery.objects.filter(due, pk=pk).update(status=DeliveryStatus.SENDING, locked_until=now + LOCK))


def _send_email(delivery: Delivery) -> None:
    recipient = delivery.recipient
    if recipient is None or not recipient.email or not recipient.is_active:
        raise DeliveryError("收件人没有电子邮箱地址或已停用。")
    lines = [delivery.title]
    if delivery.body:
        lines += ["", delivery.body]
    if delivery.url:
        lines += ["", f"查看详情：{absolute(delivery.url)}"]
    lines += [
        "",
        "——",
        "招商引资综合管理平台（此邮件由系统自动发送，请勿回复）",
        "在平台的「通知设置」中可选择接收哪些邮件。",
    ]
    label = dict(NotificationKind.choices).get(delivery.kind, "通知")
    message = EmailMessage(
        subject=f"【{label}】{delivery.title}",
        body="\n".join(lines),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient.email],
    )
    try:
        message.send(fail_silently=False)
    except (OSError, ValueError) as error:  # smtplib's errors are OSErrors
        raise DeliveryError(f"邮件发送失败：{type(error).__name__}") from None


def attempt(delivery_id: int, now=None) -> str | None:
    """Try one delivery if it is due and nobody else has it; returns its new status."""
    now = now or timezone.now()
    if not _claim(delivery_id, now):
        return None
    delivery = Delivery.objects.select_related("recipient", "webhook", "webhook__unit").get(pk=delivery_id)
    error = ""
    try:
        if delivery.channel == DeliveryChannel.EMAIL:
            _send_email(delivery)
        elif delivery.webhook is None or not delivery.webhook.enabled:
            raise DeliveryError("群机器人已删除或停用。")
        else:
            message = Message(delivery.kind, delivery.title, delivery.body, delivery.url, delivery.unit_name)
            post(delivery.webhook, message)
    except DeliveryError as failure:
        error = str(failure)
    except Exception as failure:  # a bug in sending must not stop the other deliveries
        logger.exception("delivery %s: unexpected error", delivery_id)
        error = f"内部错误：{type(failure).__name__}"
    attempts = delivery.attempts + 1
    finished = max(now, timezone.now())  # a simulated later "now" (tests) counts from then
    if not error:
        status, fields = DeliveryStatus.SENT, {"sent_at": finished, "last_error": ""}
    elif attempts >= settings.NOTIFY_MAX_ATTEMPTS:
        status, fields = DeliveryStatus.FAILED, {"last_error": error[:500]}
    else:
        status = DeliveryStatus.PENDING
        fields = {"last_error": error[:500], "next_attempt_at": finished + backoff(attempts)}
    if error:
        # The id, the channel and the cleaned reason: never the address or the secret.
        logger.warning("delivery %s (%s) attempt %s failed: %s", delivery_id, delivery.channel, attempts, error)
    Delivery.objects.filter(pk=delivery_id).update(status=status, attempts=attempts, locked_until=None, **fields)
    return status


def send_now(delivery_ids: list[int]) -> SendResult:
    """Right after the commit that created them: one try each, never raising."""
    result = SendResult()
    for pk in delivery_ids:
        try:
            result.add(attempt(pk))
        except Exception:  # the user's action is done; the command will retry
            logger.exception("delivery %s: could not be attempted", pk)
    return result


def send_due(limit: int = 500, now=None) -> SendResult:
    """Every delivery that is due (new, waiting for a retry, or left by a crashed sender)."""
    now = now or timezone.now()
    due = Q(status=DeliveryStatus.PENDING, next_attempt_at__lte=now) | Q(
        status=DeliveryStatus.SENDING, locked_until__lt=now
    )
    ids = list(Delivery.objects.filter(due).order_by("next_attempt_at", "id").values_list("pk", flat=True)[:limit])
    result = SendResult()
    for pk in ids:
        result.add(attempt(pk, now))
    return result


def retry(user, delivery: Delivery) -> None:
    """Send a given-up or waiting delivery again at the next run (the bureau)."""
    _require_settings_access(user)
    Delivery.objects.restrict(user, Action.CHANGE).filter(
        pk=delivery.pk, status__in=[DeliveryStatus.FAILED, DeliveryStatus.PENDING]
    ).update(status=DeliveryStatus.PENDING, next_attempt_at=timezone.now(), attempts=0)


# --- Outbox health (what the system admin may see) --------------------------------------------


@dataclass
class DeliveryHealth:
    """The outbox in numbers: no title, recipient, robot or unit, only how many messages
    are in which state on which channel, and the kinds of error the failures share."""

    counts: list[dict]  # {"channel", "status", "count"}
    errors: list[tuple[str, int]]  # (kind of error, how many failed or waiting deliveries)
    oldest_pending_at: object | None


def error_class(message: str) -> str:
    """The kind of an error without its particulars: "机器人拒绝了消息（错误码 310000：…）"
    reads "机器人拒绝了消息", "网络错误：…" reads "网络错误". Robot replies and network
    texts may quote what was sent; the kind never does."""
    for mark in ("：", "（", ":"):
        message = message.split(mark, 1)[0]
    return message.strip().rstrip("。") or "未知错误"


def delivery_health(user) -> DeliveryHealth:
    rows = Delivery.objects.restrict(user, Action.MONITOR).order_by()
    counts = list(rows.values("channel", "status").annotate(count=Count("id")).order_by("channel", "status"))
    channel_labels, status_labels = dict(DeliveryChannel.choices), dict(DeliveryStatus.choices)
    for row in counts:
        row["channel_label"] = channel_labels.get(row["channel"], row["channel"])
        row["status_label"] = status_labels.get(row["status"], row["status"])
    errors: dict[str, int] = {}
    failing = rows.exclude(last_error="").exclude(status=DeliveryStatus.SENT)
    for message, count in failing.values_list("last_error").annotate(count=Count("id")):
        errors[error_class(message)] = errors.get(error_class(message), 0) + count
    oldest = rows.filter(status=DeliveryStatus.PENDING).aggregate(oldest=Min("created_at"))["oldest"]
    return DeliveryHealth(counts, sorted(errors.items(), key=lambda item: -item[1]), oldest)
