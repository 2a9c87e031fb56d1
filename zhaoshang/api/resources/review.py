"""审核 and 到位资金 writes through the API: the bureau reads the review queue and decides
claims (stage claims, tranches, any ``core.verification.Verifiable``) one by one or in a batch
through the queue's one-claim services, with a Chinese outcome per item; a unit records a
tranche of money that arrived, through the tranche page's form and service."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from ninja import Query, Router, Status
from pydantic import ConfigDict, Field

from zhaoshang.api.api import (
    ERRORS,
    IDEMPOTENCY_KEY,
    _project,
    _replayed,
    exact,
    form_invalid,
    local,
    service_invalid,
    tranche_out,
)
from zhaoshang.api.resources.common import business
from zhaoshang.api.schemas import ErrorOut, Schema, TrancheOut
from zhaoshang.api.services import ApiError, idempotent
from zhaoshang.core.choices import Action

router = Router(tags=["审核"])

BATCH_LIMIT = 200  # as the queue page: more than this in one decision is refused whole


class QueueItemOut(Schema):
    key: str = Field(description="填报的标识「类型:编号」，用于审核")
    kind: str
    kind_label: str
    subject: str
    project_id: int
    project: str
    unit: str
    stage_label: str
    amount: str | None = Field(description="金额（万元），精确小数字符串")
    submitted_at: datetime.datetime | None
    waiting: str = Field(description="已等待，如「3 天」")


class QueuePage(Schema):
    results: list[QueueItemOut]
    count: int
    next_offset: int | None


class DecisionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    keys: list[str] = Field(..., min_length=1, max_length=BATCH_LIMIT, description="待审核列表中的 key")
    decision: str = Field(..., pattern="^(verify|return)$", description="verify 审核通过；return 退回")
    reason: str = Field("", max_length=300, description="退回原因（退回时必填）")


class OutcomeOut(Schema):
    key: str
    subject: str
    done: bool
    message: str


class TrancheIn(Schema):
    model_config = ConfigDict(extra="forbid")

    date: datetime.date = Field(description="到位日期")
    amount: str = Field(..., max_length=40, description="到位金额（万元），小数字符串")
    kind: str = Field(..., max_length=20, description="domestic 内资；foreign 外资")
    amount_usd: str | None = Field(None, max_length=40, description="外资金额（万美元），外资必填")
    source: str = Field(
        "", max_length=20, description="资金来源：outside_city 市外、outside_province 省外、abroad 境外"
    )
    source_region: str = Field("", max_length=100, description="资金来源地")
    voucher_no: str = Field("", max_length=100, description="凭证号")
    note: str = Field("", max_length=1000, description="说明")


def _require_bureau_queue(request, level: str) -> str:
    from zhaoshang.review.services import queue_action

    business(request, "review", level)
    action = queue_action(request.user)
    if action is None or (level == "write" and action != Action.VERIFY):
        raise ApiError(403, "forbidden", "只有招商局可以审核（领导可查看待审核列表）。")
    return action


@router.get("/review/queue", response={200: QueuePage, ERRORS: ErrorOut}, summary="待审核（最早提交的在前）")
def queue(request, offset: int = Query(0, ge=0, le=1_000_000), limit: int = Query(50, ge=1, le=BATCH_LIMIT)):
    from zhaoshang.review.services import hydrate, queue_rows, waiting_querysets

    action = _require_bureau_queue(request, "read")
    rows = queue_rows(waiting_querysets(request.user, action))
    count = rows.count() if hasattr(rows, "count") else len(rows)
    page = list(rows[offset : offset + limit])
    results = []
    for item in hydrate(page):
        record = item.record
        amount = item.amount
        results.append(
            {
                "key": item.key,
                "kind": item.kind,
                "kind_label": item.label,
                "subject": record.verification_subject(),
                "project_id": record.project_id,
                "project": record.project.name,
                "unit": record.project.responsible_unit.name,
                "stage_label": item.stage_label,
                "amount": exact(Decimal(amount)) if amount is not None else None,
                "submitted_at": local(record.submitted_at),
                "waiting": item.waiting,
            }
        )
    more = offset + limit < count
    return {"results": results, "count": count, "next_offset": offset + limit if more else None}


@router.post(
    "/review/decisions", response={200: list[OutcomeOut], ERRORS: ErrorOut}, summary="审核通过或退回（可批量）"
)
def decisions(request, payload: DecisionIn):
    """Each claim on its own through the one-claim services: one outside the scope, already
    decided or refused is reported and left; the others go through."""
    from zhaoshang.review.services import decide

    _require_bureau_queue(request, "write")
    try:
        outcomes = decide(request.user, payload.keys, payload.decision, payload.reason)
    except PermissionDenied as exc:
        raise ApiError(403, "forbidden", str(exc)) from None
    except ValidationError as exc:
        raise service_invalid(exc, {"reason": "退回原因"}) from None
    return [{"key": o.key, "subject": o.subject, "done": o.done, "message": o.message} for o in outcomes]


@router.post(
    "/projects/{project_id}/tranches",
    response={201: TrancheOut, ERRORS: ErrorOut},
    tags=["到位资金"],
    summary="登记到位资金（等待招商局审核）",
)
def tranche_create(
    request, project_id: int, payload: TrancheIn, response: HttpResponse, idempotency_key: str | None = IDEMPOTENCY_KEY
):
    from zhaoshang.funds.forms import TrancheForm
    from zhaoshang.funds.models import FundsTranche
    from zhaoshang.funds.services import record_tranche

    business(request, "funds", "write")
    project = _project(request.user, project_id, Action.CHANGE)

    def create():
        form = TrancheForm({key: value for key, value in payload.model_dump().items() if value is not None})
        if not form.is_valid():
            raise form_invalid(form)
        labels = {name: str(field.label) for name, field in form.fields.items()}
        tranche = form.save(commit=False)
        tranche.project = project
        try:
            record_tranche(request.user, tranche)
        except ValidationError as exc:
            raise service_invalid(exc, labels) from None
        except PermissionDenied as exc:
            raise ApiError(403, "forbidden", str(exc)) from None
        row = FundsTranche.objects.restrict(request.user).select_related("project", "project__responsible_unit")
        return 201, tranche_out(row.get(pk=tranche.pk))

    status, body, replayed = idempotent(request, request.auth, idempotency_key, create)
    _replayed(response, replayed)
    return Status(status, body)
