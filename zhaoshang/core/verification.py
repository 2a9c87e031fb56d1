"""Verification by the bureau, written once for every kind of claim a unit submits.

A unit submits a claim (a stage reached, money that arrived …); the bureau verifies it,
after which it counts, or returns it with a reason, after which the unit corrects and
resubmits. The fields live in ``Verifiable``; the two decisions are ``verify`` and
``return_for_correction``, which check the permission, lock the row, write the status,
raise the version where the model is versioned, write the audit row, send
``verification_decided`` (the notifications app connects to it and tells the unit) and
call the model's ``after_verification`` hook, all in one transaction.

A model joins by inheriting ``Verifiable`` and filling in the ``review_*`` attributes and
the few methods below (see docs/adding-a-model.md); the bureau's review queue
(``zhaoshang.review``) then lists it with the others.
"""

import datetime

from django.apps import apps
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.dispatch import Signal
from django.utils import timezone

from zhaoshang.core.choices import VERIFICATION_BADGES, Action, AuditAction, Verification

RETURN_REASON_MAX = 300

# Sent inside the deciding transaction once a claim is verified or returned, with
# ``user`` (the bureau's person), ``record``, ``decision`` (a ``Verification``) and
# ``by_import``. Core sends it and does not know who listens: the notifications app (a
# layer above) connects its receiver in its AppConfig.ready().
verification_decided = Signal()


class Verifiable(models.Model):
    """A claim that waits for the bureau's verification.

    Subclasses set ``review_kind`` (a short key used in the queue's URLs and filters),
    ``review_label`` (what the bureau reads, e.g. 「到位资金」), ``review_unit_field`` (the
    path to the unit that submitted it), ``review_amount_field`` and ``review_stage_field``
    (``None`` when the model has none), and implement ``verification_subject``,
    ``submitting_unit``, ``get_absolute_url`` and, where needed, ``evidence_files`` and
    ``after_verification``.
    """

    status = models.CharField(
        "审核状态", max_length=20, choices=Verification.choices, default=Verification.SUBMITTED, db_index=True
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="填报人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField("填报时间", auto_now_add=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    verified_at = models.DateTimeField("审核时间", null=True, blank=True)
    verified_by_import = models.BooleanField(
        "导入时审核", default=False, help_text="历史台账迁移时由招商局确认为已审核。"
    )
    return_reason = models.CharField("退回原因", max_length=RETURN_REASON_MAX, blank=True)

    review_kind: str = ""
    review_label: str = ""
    review_unit_field: str = ""
    review_amount_field: str | None = None
    review_stage_field: str | None = None

    class Meta:
        abstract = True

    @property
    def status_badge(self) -> str:
        return VERIFICATION_BADGES.get(self.status, "secondary")

    @property
    def is_waiting(self) -> bool:
        return self.status == Verification.SUBMITTED

    def waiting_time(self, now=None):
        """How long the claim waited for the bureau: until now while it waits, until the
        decision once made (docs/counting-rules.md, 审核等待时间)."""
        end = self.verified_at if self.status != Verification.SUBMITTED and self.verified_at else None
        end = end or now or timezone.now()
        return max(end - self.submitted_at, datetime.timedelta(0))

    # --- Hooks each model implements ---------------------------------------------------------

    def verification_subject(self) -> str:
        """The claim in a few words for messages: 「某项目「签约」（2024-05-01）」."""
        raise NotImplementedError

    def submitting_unit(self):
        """The unit that answers for the claim: it is told of the decision."""
        raise NotImplementedError

    def evidence_files(self) -> list:
        """The attachments proving the claim (``projects.Attachment`` rows)."""
        return []

    def after_verification(self, previous: str) -> None:
        """What else changes once the claim is decided (e.g. the project's verified stage)."""

    def returned_refusal(self) -> str:
        """Why a returned claim cannot be verified, and what to do instead."""
        return f"该{self.review_label}已退回，须由填报单位修改后重新提交。"


def verifiable_models() -> list[type[Verifiable]]:
    """Every installed model the bureau verifies, in app order."""
    return [model for model in apps.get_models() if issubclass(model, Verifiable)]


def model_for_kind(kind: str) -> type[Verifiable] | None:
    return next((model for model in verifiable_models() if model.review_kind == kind), None)


def _locked(user, record: Verifiable) -> Verifiable:
    """The record locked for the decision, after the role and scope checks."""
    model = type(record)
    if not model.access.allows(user, Action.VERIFY):
        raise PermissionDenied("只有招商局可以审核。")
    if not model.objects.restrict(user, Action.VERIFY).filter(pk=record.pk).exists():
        raise PermissionDenied(f"该{model.review_label}不在您的管理范围内。")
    # The row lock makes two bureau staff deciding the same claim at once take turns, so
    # the second sees the first's decision instead of writing over it.
    return model._base_manager.select_for_update().get(pk=record.pk)


def _decide(user, record: Verifiable, status: str, *, detail: str, reason: str = "", by_import: bool = False):
    """Write the decision on the locked ``record``, run its hook and write the audit row."""
    from zhaoshang.core.models import AuditLog, VersionedModel

    previous = record.status
    record.status = status
    record.verified_by = user
    record.verified_at = timezone.now()
    record.return_reason = reason
    if status == Verification.VERIFIED:
        record.verified_by_import = by_import
    if isinstance(record, VersionedModel):
        record.version += 1  # a correction form opened before the decision is now stale
    record.save()
    record.after_verification(previous)
    AuditLog.record(AuditAction.VERIFY, record, changes={"status": [previous, status]}, detail=detail)


def clean_return_reason(reason: str | None) -> str:
    """The reason given for a return, stripped; 1 to 300 characters."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"return_reason": "退回须说明原因。"})
    if len(reason) > RETURN_REASON_MAX:
        raise ValidationError(
            {"return_reason": f"退回原因不能超过 {RETURN_REASON_MAX} 个字（当前 {len(reason)} 个字）。"}
        )
    return reason


@transaction.atomic
def verify(user, record: Verifiable, *, by_import: bool = False) -> Verifiable:
    """The bureau confirms a waiting claim; from now on it counts.

    Refused (``ValidationError``) when the claim is already verified or was returned: a
    returned claim comes back once its unit has corrected and resubmitted it.
    ``by_import``: the bureau confirms historical ledgers while importing them; nobody is
    notified of those.
    """
    record = _locked(user, record)
    if record.status == Verification.VERIFIED:
        raise ValidationError(f"该{record.review_label}已审核通过，无需重复审核。")
    if record.status == Verification.RETURNED:
        raise ValidationError(record.returned_refusal())
    detail = "导入时确认审核通过" if by_import else f"{record.review_label}审核通过"
    _decide(user, record, Verification.VERIFIED, detail=detail, by_import=by_import)
    verification_decided.send(
        type(record), user=user, record=record, decision=Verification.VERIFIED, by_import=by_import
    )
    return record


@transaction.atomic
def return_for_correction(user, record: Verifiable, reason: str) -> Verifiable:
    """The bureau sends a claim back with a reason (1–300 characters); the unit corrects
    and resubmits. A verified claim may be returned too (it then stops counting); a claim
    already returned is refused."""
    reason = clean_return_reason(reason)
    record = _locked(user, record)
    if record.status == Verification.RETURNED:
        raise ValidationError(f"该{record.review_label}已退回，等待填报单位修改。")
    _decide(user, record, Verification.RETURNED, detail=f"退回：{reason}", reason=reason)
    verification_decided.send(type(record), user=user, record=record, decision=Verification.RETURNED, by_import=False)
    return record
