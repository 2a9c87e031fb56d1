"""Outbound webhooks: subscriptions (created, changed, deleted by their unit's officers or
the bureau), the events turned into deliveries for the subscriptions whose owner may see
them, and the signed POSTs the job worker makes (docs/api.md "Webhooks").

Events arrive through ``core.events.business_event`` (sent by the services after their
commit) and ``core.verification.verification_decided``; this app is the only one that
knows subscriptions exist.
"""

import hashlib
import hmac
import json
import logging
import secrets
import time
import uuid
from datetime import timedelta
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from zhaoshang.accounts.models import Unit, User
from zhaoshang.core.choices import Action, Verification
from zhaoshang.core.events import EventType, emit
from zhaoshang.core.models import StaleEditError
from zhaoshang.core.roles import Role
from zhaoshang.funds.models import FundsTranche
from zhaoshang.notifications.choices import WebhookKind
from zhaoshang.notifications.webhooks import DeliveryError, absolute, check_url, send_json
from zhaoshang.projects.models import StageEvent
from zhaoshang.webhooks.choices import TEST_EVENT, DeliveryStatus
from zhaoshang.webhooks.models import Delivery, Subscription
from zhaoshang.webhooks.payloads import data_of, envelope

logger = logging.getLogger(__name__)

NOUN = "事件推送"  # in the allowed-hosts refusal: 出于安全考虑，事件推送只能发送到允许的主机…
SECRET_PREFIX = "whsec_"  # noqa: S105 - a prefix that marks the secret, not a secret
# The pause after the n-th failed try; after the last one the delivery is given up (放弃).
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2), timedelta(hours=12))
MAX_ATTEMPTS = len(BACKOFF) + 1
LOCK = timedelta(minutes=5)  # longer than a try takes; a crashed worker's rows come back after it
CHUNK = 1000  # objects per scope query when an event concerns many (a warning scan)
TASK_IDS = 200  # deliveries per queued first try: a first warning scan makes thousands


# --- Subscriptions ---------------------------------------------------------------------------


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def check_target(url: str) -> None:
    """The group robots' rule (notifications.webhooks.check_url): http(s), no credentials
    in the address, a host in WEBHOOK_ALLOWED_HOSTS."""
    check_url(url, WebhookKind.GENERIC, noun=NOUN)


def _require(user, action: str) -> None:
    if not Subscription.access.allows(user, action):
        raise PermissionDenied("只有招商局和单位填报员可以设置事件推送。")


def _validate(user, subscription: Subscription) -> None:
    problems = {}
    subscription.name = (subscription.name or "").strip()
    subscription.target_url = (subscription.target_url or "").strip()
    if not subscription.name:
        problems["name"] = "请填写名称。"
    try:
        check_target(subscription.target_url)
    except ValidationError as error:
        problems["target_url"] = error.messages
    chosen = subscription.event_types or []
    if not chosen:
        problems["event_types"] = "请至少选择一种事件。"
    elif set(chosen) - set(EventType.values):
        problems["event_types"] = "事件类型不正确。"
    if subscription.unit_id is None:
        if user.role != Role.BUREAU:
            problems["unit"] = "请选择所属单位。"
    elif not Unit.objects.restrict(user).filter(pk=subscription.unit_id).exists():
        problems["unit"] = "该单位不在您的管理范围内。"
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def create_subscription(user, subscription: Subscription) -> tuple[Subscription, str]:
    """Save a new subscription with a new signing secret; returns it and the secret, which
    the caller shows once."""
    _require(user, Action.ADD)
    _validate(user, subscription)
    secret = new_secret()
    subscription.secret = secret
    subscription.created_by = user
    subscription.save()
    return subscription, secret


@transaction.atomic
def update_subscription(user, subscription: Subscription, expected_version: int) -> Subscription:
    _require(user, Action.CHANGE)
    current = Subscription.objects.select_for_update().get(pk=subscription.pk)
    if current.version != expected_version:
        raise StaleEditError(current)
    _validate(user, subscription)
    subscription.save_versioned(expected_version)
    return subscription


@transaction.atomic
def delete_subscription(user, subscription: Subscription) -> None:
    _require(user, Action.DELETE)
    subscription.delete()


# --- Events → deliveries ------------------------------------------------------------------------


def viewer(subscription: Subscription) -> User:
    """Whose eyes the subscription sees with: an officer of its unit (that unit's subtree,
    exactly as the pages restrict an officer), or the bureau for the bureau's own. An
    unsaved user: never signed in, only handed to ``restrict()``."""
    if subscription.unit_id is None:
        return User(username="webhook", role=Role.BUREAU, is_active=True)
    return User(username="webhook", role=Role.OFFICER, unit=subscription.unit, is_active=True)


CLAIM_EVENTS = {
    (StageEvent, Verification.VERIFIED): EventType.STAGE_VERIFIED,
    (StageEvent, Verification.RETURNED): EventType.STAGE_RETURNED,
    (FundsTranche, Verification.VERIFIED): EventType.TRANCHE_VERIFIED,
}


def on_verification_decided(sender, *, user, record, decision, by_import, **kwargs) -> None:
    """Receiver of ``core.verification.verification_decided``. Ledgers the bureau confirms
    while importing them are history, not news: they are in the data feeds, not events."""
    event_type = CLAIM_EVENTS.get((type(record), decision))
    if event_type is not None and not by_import:
        emit(event_type, type(record), [record])


def on_business_event(sender, *, event_type, model, objects, occurred_at, **kwargs) -> None:
    """Receiver of ``core.events.business_event`` (after the action's commit): a delivery
    per object and per active subscription to ``event_type`` whose viewer may see it."""
    subscriptions = [
        subscription
        for subscription in Subscription.objects.filter(active=True).select_related("unit").order_by("id")
        if subscription.wants(event_type)
    ]
    if not subscriptions:
        return
    if isinstance(objects, QuerySet):
        ids = list(objects.order_by("pk").values_list("pk", flat=True))
    else:
        ids = [obj.pk for obj in objects]
    viewers = {subscription.pk: viewer(subscription) for subscription in subscriptions}
    created = []
    with transaction.atomic():
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            visible = {
                subscription.pk: model.objects.visible_ids(viewers[subscription.pk], Action.VIEW, chunk)
                for subscription in subscriptions
            }
            wanted = set().union(*visible.values())
            if not wanted:
                continue
            data = data_of(model, wanted)
            event_ids = {pk: str(uuid.uuid4()) for pk in data}  # one event, however many subscribers
            rows = [
                Delivery(
                    subscription=subscription,
                    event_id=event_ids[pk],
                    event_type=event_type,
                    payload=envelope(subscription.payload_version, event_ids[pk], event_type, occurred_at, data[pk]),
                )
                for pk in sorted(data)
                for subscription in subscriptions
                if pk in visible[subscription.pk]
            ]
            created += Delivery.objects.bulk_create(rows, batch_size=500)
    if created:
        transaction.on_commit(partial(queue_first_try, [row.pk for row in created]), robust=True)


def queue_first_try(delivery_ids: list[int]) -> None:
    """A queue row for the job worker, not a network call in anyone's request. If the
    queue cannot be written, the deliveries stay due and the worker's minute round sends them."""
    from zhaoshang.webhooks.tasks import deliver

    for start in range(0, len(delivery_ids), TASK_IDS):
        deliver.enqueue(delivery_ids[start : start + TASK_IDS])


# --- Signing and sending -----------------------------------------------------------------------


def body_of(delivery: Delivery) -> bytes:
    return json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":")).encode()


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """Hex HMAC-SHA256, keyed by the subscription's secret, over ``timestamp + "." + body``."""
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def headers_for(delivery: Delivery, body: bytes, timestamp: int) -> dict:
    return {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "zhaoshang-webhooks/1",
        "X-Zhaoshang-Event": delivery.event_type,
        "X-Zhaoshang-Delivery": str(delivery.pk),
        "X-Zhaoshang-Signature": f"t={timestamp},v1={signature(delivery.subscription.secret, timestamp, body)}",
    }


def post(delivery: Delivery) -> int:
    """One signed POST; returns the HTTP status, or raises DeliveryError (in Chinese, with
    the status when there was one). The address is checked again: the allowed hosts may
    have changed since the subscription was saved."""
    subscription = delivery.subscription
    try:
        check_target(subscription.target_url)
    except ValidationError as error:
        raise DeliveryError("；".join(error.messages)) from None
    body = body_of(delivery)
    headers = headers_for(delivery, body, int(time.time()))
    status, _ = send_json(
        subscription.target_url, body, headers, secrets=[subscription.target_url, subscription.secret]
    )
    return status


def _due(now) -> Q:
    waiting = Q(status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED], next_attempt_at__lte=now)
    return waiting & (Q(locked_until__isnull=True) | Q(locked_until__lt=now))


def _claim(pk: int, now) -> bool:
    """Take one due delivery; False when another worker has it, or it is not due."""
    return bool(Delivery.objects.filter(_due(now), pk=pk).update(locked_until=now + LOCK))


def attempt(delivery_id: int, now=None) -> str | None:
    """Try one delivery if it is due and free; returns its new status (None: not tried)."""
    now = now or timezone.now()
    if not _claim(delivery_id, now):
        return None
    delivery = Delivery.objects.select_related("subscription").get(pk=delivery_id)
    error, status_code = "", None
    try:
        if not delivery.subscription.active:
            raise DeliveryError("订阅已停用。")
        status_code = post(delivery)
    except DeliveryError as failure:
        error, status_code = str(failure), failure.status
    except Exception as failure:  # a bug must not stop the other deliveries
        logger.exception("webhook delivery %s: unexpected error", delivery_id)
        error = f"内部错误：{type(failure).__name__}"
    attempts = delivery.attempts + 1
    finished = max(now, timezone.now())  # a simulated later "now" (tests) counts from then
    fields = {"attempts": attempts, "last_status": status_code, "last_attempt_at": finished, "locked_until": None}
    if not error:
        fields.update(status=DeliveryStatus.SUCCEEDED, last_error="", delivered_at=finished, next_attempt_at=None)
    elif attempts >= MAX_ATTEMPTS:
        fields.update(status=DeliveryStatus.ABANDONED, last_error=error[:500], next_attempt_at=None)
    else:
        fields.update(
            status=DeliveryStatus.FAILED, last_error=error[:500], next_attempt_at=finished + BACKOFF[attempts - 1]
        )
    if error:  # the id and the cleaned reason, never the address or the secret
        logger.warning("webhook delivery %s attempt %s failed: %s", delivery_id, attempts, error)
    Delivery.objects.filter(pk=delivery_id).update(**fields)
    return fields["status"]


def send(delivery_ids: list[int]) -> dict:
    """Right after the commit that made them: one try each, never raising."""
    counts = {}
    for pk in delivery_ids:
        try:
            status = attempt(pk)
        except Exception:  # the worker's minute round will try again
            logger.exception("webhook delivery %s: could not be attempted", pk)
            continue
        if status:
            counts[status] = counts.get(status, 0) + 1
    return counts


def send_due(limit: int = 500, now=None) -> dict:
    """Every delivery that is due: new, waiting for its retry, or left by a crashed worker.
    The job worker runs this once a minute."""
    now = now or timezone.now()
    ids = list(
        Delivery.objects.filter(_due(now)).order_by("next_attempt_at", "id").values_list("pk", flat=True)[:limit]
    )
    counts = {}
    for pk in ids:
        status = attempt(pk, now)
        if status:
            counts[status] = counts.get(status, 0) + 1
    return counts


def resend(user, delivery: Delivery) -> Delivery:
    """「重新发送」: a failed or given-up delivery starts its tries again, now, with the
    payload it had (the same event id, so the receiver can tell it is a repeat)."""
    _require(user, Action.CHANGE)
    changed = (
        Delivery.objects.restrict(user, Action.CHANGE)
        .filter(pk=delivery.pk, status__in=[DeliveryStatus.FAILED, DeliveryStatus.ABANDONED])
        .update(status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=timezone.now(), locked_until=None)
    )
    if not changed:
        raise ValidationError("只有发送失败或已放弃的推送可以重新发送。")
    transaction.on_commit(partial(queue_first_try, [delivery.pk]), robust=True)
    return delivery


@transaction.atomic
def send_test_event(user, subscription: Subscription) -> Delivery:
    """「发送测试事件」: a ``webhook.test`` delivery, in the log like any other, queued for
    the worker (and retried like any other)."""
    _require(user, Action.CHANGE)
    event_id = str(uuid.uuid4())
    data = {
        "object": "subscription",
        "id": subscription.pk,
        "name": subscription.name,
        "unit": {"code": subscription.unit.code, "name": subscription.unit.name} if subscription.unit_id else None,
        "message": f"这是一条测试事件，由 {user} 发送。",
        "url": absolute("/"),
    }
    delivery = Delivery.objects.create(
        subscription=subscription,
        event_id=event_id,
        event_type=TEST_EVENT,
        payload=envelope(subscription.payload_version, event_id, TEST_EVENT, timezone.now(), data),
    )
    transaction.on_commit(partial(queue_first_try, [delivery.pk]), robust=True)
    return delivery
