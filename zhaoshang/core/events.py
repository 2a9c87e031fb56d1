"""Business events for outside systems: a project created, a stage claimed or decided, a
warning raised … (the outbound webhooks, docs/api.md "Webhooks").

The apps that make these things happen sit below the webhooks app and must not import it
(pyproject's import-linter layers). So a service calls ``emit(...)`` here, in core, and
the webhooks app connects its receiver to ``business_event`` in its AppConfig.ready().
``emit`` sends the signal after the caller's transaction commits: a rolled-back action
announces nothing, and a receiver that fails cannot undo the user's action.

Decisions on claims (stage verified or returned, tranche verified) are not emitted here:
the webhooks app hears them through ``core.verification.verification_decided``, which
carries the record and the decision already.
"""

from functools import partial

from django.db import models, transaction
from django.dispatch import Signal
from django.utils import timezone


class EventType(models.TextChoices):
    """The fixed list a subscription chooses from; the value is the payload's ``type``."""

    PROJECT_CREATED = "project.created", "项目新建"
    STAGE_SUBMITTED = "stage.submitted", "阶段填报"
    STAGE_VERIFIED = "stage.verified", "阶段审核通过"
    STAGE_RETURNED = "stage.returned", "阶段审核退回"
    TRANCHE_VERIFIED = "tranche.verified", "到位资金审核通过"
    WARNING_RAISED = "warning.raised", "新增预警"
    WARNING_RED = "warning.red", "预警转为红色"
    PROBLEM_ESCALATED = "problem.escalated", "问题逾期升级"
    BULLETIN_PUBLISHED = "bulletin.published", "通报发布"


# Sent on commit with ``event_type`` (an EventType), ``model`` (the objects' model),
# ``objects`` (instances, or a queryset read only if somebody subscribed) and
# ``occurred_at`` (when the action happened, an aware datetime).
business_event = Signal()


def emit(event_type: str, model, objects) -> None:
    """Announce that ``event_type`` happened to ``objects`` (of ``model``), after the commit."""
    occurred_at = timezone.now()
    transaction.on_commit(
        partial(
            business_event.send,
            model,
            event_type=EventType(event_type),
            model=model,
            objects=objects,
            occurred_at=occurred_at,
        ),
        robust=True,
    )
