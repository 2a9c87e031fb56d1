"""The bureau's review queue (待审核): every waiting claim of every verifiable model in one
list, oldest first, the waiting time per claim and per unit, and decisions on many claims
at once that apply exactly the checks of one (``core.verification``)."""

import datetime
import statistics
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import CharField, QuerySet, Value
from django.urls import reverse
from django.utils import timezone

from zhaoshang.accounts.choices import Role
from zhaoshang.core.choices import Action, Verification
from zhaoshang.core.verification import (
    Verifiable,
    clean_return_reason,
    model_for_kind,
    return_for_correction,
    verifiable_models,
    verify,
)


def queue_action(user) -> str | None:
    """What the user may do with the queue: decide (the bureau, who may verify every
    kind), read it (the leader, who reads all business data), or nothing (officers, the
    system admin, the auditor)."""
    models = verifiable_models()
    if models and all(model.access.allows(user, Action.VERIFY) for model in models):
        return Action.VERIFY
    if getattr(user, "role", None) == Role.LEADER and all(model.access.allows(user, Action.VIEW) for model in models):
        return Action.VIEW
    return None


def home_pending(user) -> dict | None:
    """The waiting claims per kind (``{"event": 3, "tranche": 1}``) for the bureau's home
    page panel (apps.py), or None for whoever may not verify."""
    models = [model for model in verifiable_models() if model.access.allows(user, Action.VERIFY)]
    if not models:
        return None
    return {
        "counts": {
            model.review_kind: model.objects.restrict(user).filter(status=Verification.SUBMITTED).count()
            for model in models
        }
    }


def waiting_querysets(user, action: str, filters: dict | None = None, now=None) -> list[QuerySet]:
    """For each verifiable model, its waiting claims within the user's scope, filtered:
    ``unit`` (its subtree, by the unit that answers for the claim), ``kind``, ``stage``
    (models without a stage drop out), ``min_days`` waited, ``amount_min``/``amount_max``
    in 万元 (models without an amount drop out)."""
    filters = {key: value for key, value in (filters or {}).items() if value not in (None, "")}
    now = now or timezone.now()
    querysets = []
    for model in verifiable_models():
        if filters.get("kind") and filters["kind"] != model.review_kind:
            continue
        rows = model.objects.restrict(user, action).filter(status=Verification.SUBMITTED)
        if "unit" in filters:
            rows = rows.filter(**{f"{model.review_unit_field}__path__startswith": filters["unit"].path})
        if "stage" in filters:
            if not model.review_stage_field:
                continue
            rows = rows.filter(**{model.review_stage_field: filters["stage"]})
        if "min_days" in filters:
            rows = rows.filter(submitted_at__lte=now - datetime.timedelta(days=filters["min_days"]))
        # A model without an amount drops out of an amount filter (the loop breaks and
        # the else, which keeps the model, is skipped).
        for key, lookup in (("amount_min", "gte"), ("amount_max", "lte")):
            if key in filters:
                if not model.review_amount_field:
                    break
                rows = rows.filter(**{f"{model.review_amount_field}__{lookup}": filters[key]})
        else:
            querysets.append(rows)
    return querysets


def queue_rows(querysets: list[QuerySet]):
    """(pk, submitted_at, kind) of every waiting claim, oldest first, as one query (a
    UNION), so that the page and its count are the database's work at any size."""
    parts = [
        rows.annotate(review_kind=Value(rows.model.review_kind, output_field=CharField()))
        .values_list("pk", "submitted_at", "review_kind")
        .order_by()
        for rows in querysets
    ]
    if not parts:
        return []
    combined = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    return combined.order_by("submitted_at", "pk")


def waiting_text(waited: datetime.timedelta) -> str:
    """A waiting time as the bureau reads it: whole days, or hours under a day."""
    if waited.days >= 1:
        return f"{waited.days} 天"
    hours = int(waited.total_seconds() // 3600)
    return f"{hours} 小时" if hours else "不到 1 小时"


@dataclass
class QueueItem:
    record: Verifiable
    waited: datetime.timedelta

    @property
    def kind(self) -> str:
        return self.record.review_kind

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.record.pk}"

    @property
    def label(self) -> str:
        return self.record.review_label

    @property
    def amount(self) -> Decimal | None:
        field = self.record.review_amount_field
        return getattr(self.record, field) if field else None

    @property
    def stage_label(self) -> str:
        field = self.record.review_stage_field
        return getattr(self.record, f"get_{field}_display")() if field else ""

    @property
    def waiting(self) -> str:
        return waiting_text(self.waited)

    @property
    def evidence_url(self) -> str:
        return reverse(f"review:evidence_{self.kind}", args=[self.record.pk])


def hydrate(rows, now=None) -> list[QueueItem]:
    """The page's (pk, submitted_at, kind) rows as full claims, one query per kind."""
    now = now or timezone.now()
    ids: dict[str, list[int]] = {}
    for pk, _, kind in rows:
        ids.setdefault(kind, []).append(pk)
    loaded = {}
    for kind, pks in ids.items():
        model = model_for_kind(kind)
        for record in model._base_manager.filter(pk__in=pks).select_related(
            "project", "project__responsible_unit", "submitted_by"
        ):
            loaded[(kind, record.pk)] = record
    items = []
    for pk, _, kind in rows:
        record = loaded.get((kind, pk))
        if record is not None:
            items.append(QueueItem(record, record.waiting_time(now)))
    return items


@dataclass
class UnitWaiting:
    """Waiting claims of one unit (docs/counting-rules.md, 审核等待时间)."""

    unit: object
    count: int
    median: datetime.timedelta
    longest: datetime.timedelta

    @property
    def median_text(self) -> str:
        return waiting_text(self.median)

    @property
    def longest_text(self) -> str:
        return waiting_text(self.longest)


def waiting_by_unit(querysets: list[QuerySet], now=None) -> list[UnitWaiting]:
    """Per unit that answers for waiting claims: how many, the median and the longest
    wait; longest first."""
    from zhaoshang.accounts.models import Unit

    now = now or timezone.now()
    waits: dict[int, list[datetime.timedelta]] = {}
    for rows in querysets:
        for unit_id, submitted_at in rows.values_list(rows.model.review_unit_field, "submitted_at").order_by():
            waits.setdefault(unit_id, []).append(max(now - submitted_at, datetime.timedelta(0)))
    units = Unit._base_manager.in_bulk(list(waits))
    table = [
        UnitWaiting(units[unit_id], len(found), statistics.median(found), max(found))
        for unit_id, found in waits.items()
        if unit_id in units
    ]
    return sorted(table, key=lambda row: (-row.longest, row.unit.path))


# --- Decisions, one or many --------------------------------------------------------------------


@dataclass
class Outcome:
    key: str
    subject: str
    done: bool
    message: str


def _record_for(user, key: str) -> tuple[Verifiable | None, str]:
    kind, _, pk = key.partition(":")
    model = model_for_kind(kind)
    if model is None or not pk.isdigit():
        return None, f"无法识别的填报「{key[:40]}」"
    record = (
        model.objects.restrict(user, Action.VERIFY)
        .select_related("project", "project__responsible_unit", "submitted_by")
        .filter(pk=int(pk))
        .first()
    )
    if record is None:
        return None, f"{model.review_label}（编号 {pk}）不存在或不在您的管理范围内"
    return record, ""


def decide(user, keys: list[str], decision: str, reason: str = "") -> list[Outcome]:
    """Verify (``decision="verify"``) or return (``"return"``, with ``reason``) each claim
    named by a key ``"kind:pk"``, each on its own through the one-claim services, so the
    same checks apply: a claim outside the user's scope, already decided or otherwise
    refused is reported and left as it was, and the others go through. The reason is
    checked once first: a batch return with a bad reason changes nothing."""
    if queue_action(user) != Action.VERIFY:
        raise PermissionDenied("只有招商局可以审核。")
    if decision not in ("verify", "return"):
        raise ValidationError("请选择审核通过或退回。")
    if decision == "return":
        reason = clean_return_reason(reason)
    outcomes = []
    for key in dict.fromkeys(keys):  # each claim once, in the order given
        record, refusal = _record_for(user, key)
        if record is None:
            outcomes.append(Outcome(key, "", False, refusal))
            continue
        subject = record.verification_subject()
        try:
            if decision == "verify":
                verify(user, record)
            else:
                return_for_correction(user, record, reason)
        except (ValidationError, PermissionDenied) as error:
            outcomes.append(Outcome(key, subject, False, "；".join(getattr(error, "messages", [str(error)]))))
        else:
            outcomes.append(Outcome(key, subject, True, "已审核通过" if decision == "verify" else "已退回"))
    return outcomes


# --- The bureau's digest of new submissions ------------------------------------------------------


@dataclass
class DigestResult:
    created: int = 0
    updated: int = 0


def send_review_digest(now=None) -> DigestResult:
    """Tell each bureau member, in ONE unread notification, how many claims were
    submitted since their last digest and are still waiting: not one message per claim.

    A member with an unread digest has it brought up to date (count, time), so the bell
    keeps one line however often this runs; once they have read it, the next new
    submission starts a new one. Nothing is sent while nothing new waits. Idempotent: run
    it from a timer (docs/deploy.md)."""
    from zhaoshang.accounts.models import User
    from zhaoshang.notifications.choices import NotificationKind
    from zhaoshang.notifications.models import Notification
    from zhaoshang.notifications.services import notify

    now = now or timezone.now()
    result = DigestResult()
    for member in User.objects.filter(role=Role.BUREAU, is_active=True).order_by("pk"):
        if queue_action(member) != Action.VERIFY:
            continue
        digests = Notification.objects.filter(recipient=member, kind=NotificationKind.REVIEW_WAITING)
        unread = digests.filter(read_at__isnull=True).order_by("-created_at").first()
        last_read = digests.filter(read_at__isnull=False).order_by("-created_at").first()
        # Claims counted by a digest already read are not news; everything after it is.
        since = last_read.created_at if last_read else None
        querysets = waiting_querysets(member, Action.VERIFY, now=now)
        new = sum(rows.filter(submitted_at__gt=since).count() if since else rows.count() for rows in querysets)
        if not new:
            continue
        total = sum(rows.count() for rows in querysets)
        title = f"{new} 条新的填报待审核"
        body = f"待审核共 {total} 条，请在「待审核」中处理。"
        if unread is not None:
            if (unread.title, unread.body) != (title, body):
                # Not audited (see notifications.models): an inbox line brought up to date.
                digests.filter(pk=unread.pk).update(title=title, body=body, created_at=now)
                result.updated += 1
        elif notify([member], NotificationKind.REVIEW_WAITING, title, url=reverse("review:queue"), body=body):
            result.created += 1
    return result
