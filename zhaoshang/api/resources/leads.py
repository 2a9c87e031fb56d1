"""线索共享 through the API: handovers between units (项目信息共享) and the lead pool (线索池),
read as their pages read them; the receiving unit accepts or declines a handover, a unit
claims a pool lead — through the pages' services, with their Chinese messages."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from ninja import Query, Router
from pydantic import ConfigDict, Field

from zhaoshang.api.api import ERRORS, Keyset, _datetime, exact, listed, local, service_invalid
from zhaoshang.api.resources.common import business, one
from zhaoshang.api.schemas import ErrorOut, Schema
from zhaoshang.api.services import ApiError
from zhaoshang.core.choices import Action

router = Router(tags=["线索共享"])


class HandoverOut(Schema):
    id: int
    project_id: int
    project: str
    from_unit_id: int
    from_unit: str
    to_unit_id: int
    to_unit: str
    kept_percent: str = Field(description="移交单位保留业绩（%），精确小数字符串")
    note: str
    status: str
    status_label: str
    offered_at: datetime.datetime
    decided_at: datetime.datetime | None
    decline_reason: str


class HandoverPage(Schema):
    results: list[HandoverOut]
    next: str | None


class DeclineIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(..., max_length=300, description="拒绝原因")


class PoolLeadOut(Schema):
    id: int
    project_id: int
    project: str
    investor: str
    leading_industry: str
    total_investment: str | None = Field(description="意向投资（万元），精确小数字符串")
    note: str
    open_to_all: bool
    status: str
    status_label: str
    taken_by_unit_id: int | None
    taken_by_unit: str
    placed_at: datetime.datetime
    taken_at: datetime.datetime | None
    times_returned: int


class PoolPage(Schema):
    results: list[PoolLeadOut]
    next: str | None


def handover_out(handover) -> dict:
    return {
        "id": handover.pk,
        "project_id": handover.project_id,
        "project": handover.project.name,
        "from_unit_id": handover.from_unit_id,
        "from_unit": handover.from_unit.name,
        "to_unit_id": handover.to_unit_id,
        "to_unit": handover.to_unit.name,
        "kept_percent": exact(Decimal(handover.kept_percent)),
        "note": handover.note,
        "status": handover.status,
        "status_label": handover.get_status_display(),
        "offered_at": local(handover.offered_at),
        "decided_at": local(handover.decided_at),
        "decline_reason": handover.decline_reason,
    }


def pool_out(entry) -> dict:
    project = entry.project
    return {
        "id": entry.pk,
        "project_id": entry.project_id,
        "project": project.name,
        "investor": project.investor.name if project.investor_id else "",
        "leading_industry": project.leading_industry,
        "total_investment": exact(project.total_investment),
        "note": entry.note,
        "open_to_all": entry.open_to_all,
        "status": entry.status,
        "status_label": entry.get_status_display(),
        "taken_by_unit_id": entry.taken_by_unit_id,
        "taken_by_unit": entry.taken_by_unit.name if entry.taken_by_unit_id else "",
        "placed_at": local(entry.placed_at),
        "taken_at": local(entry.taken_at),
        "times_returned": entry.times_returned,
    }


def _handovers(user, action=Action.VIEW):
    from zhaoshang.leads.models import Handover

    return Handover.objects.restrict(user, action).select_related("project", "from_unit", "to_unit")


def _pool(user, action=Action.VIEW):
    from zhaoshang.leads.models import PoolLead

    return PoolLead.objects.restrict(user, action).select_related("project", "project__investor", "taken_by_unit")


def _decided(request, handover_id: int, decide):
    business(request, "leads", "write")
    handover = one(_handovers(request.user), handover_id)
    try:
        decided = decide(handover)
    except PermissionDenied as exc:
        raise ApiError(403, "forbidden", str(exc)) from None
    except ValidationError as exc:
        raise service_invalid(exc, {"reason": "拒绝原因"}) from None
    return handover_out(one(_handovers(request.user), decided.pk))


@router.get("/leads/handovers", response={200: HandoverPage, ERRORS: ErrorOut}, summary="项目信息共享（最新在前）")
def handovers(request, cursor: str | None = None, limit: int = Query(50, ge=1, le=100)):
    """The handovers the user's units sent or received (the bureau, leaders: all)."""
    from zhaoshang.leads.filtersets import HandoverFilterSet

    keyset = Keyset("offered_at", True, _datetime)
    base = _handovers(request.user)
    return listed(request, "leads", HandoverFilterSet, base, keyset, "-offered_at", cursor, limit, handover_out)


@router.get("/leads/handovers/{handover_id}", response={200: HandoverOut, ERRORS: ErrorOut}, summary="项目移交详情")
def handover_detail(request, handover_id: int):
    business(request, "leads")
    return handover_out(one(_handovers(request.user), handover_id))


@router.post(
    "/leads/handovers/{handover_id}/accept", response={200: HandoverOut, ERRORS: ErrorOut}, summary="接收移交的项目"
)
def handover_accept(request, handover_id: int):
    from zhaoshang.leads.services import accept_handover

    return _decided(request, handover_id, lambda handover: accept_handover(request.user, handover))


@router.post(
    "/leads/handovers/{handover_id}/decline",
    response={200: HandoverOut, ERRORS: ErrorOut},
    summary="拒绝接收（须说明原因）",
)
def handover_decline(request, handover_id: int, payload: DeclineIn):
    from zhaoshang.leads.services import decline_handover

    return _decided(request, handover_id, lambda handover: decline_handover(request.user, handover, payload.reason))


@router.get("/leads/pool", response={200: PoolPage, ERRORS: ErrorOut}, summary="线索池（最新在前）")
def pool(request, cursor: str | None = None, limit: int = Query(50, ge=1, le=100)):
    """Waiting leads open to the user's unit and those their subtree took (the bureau: all)."""
    from zhaoshang.leads.filtersets import PoolFilterSet

    keyset = Keyset("placed_at", True, _datetime)
    return listed(request, "leads", PoolFilterSet, _pool(request.user), keyset, "-placed_at", cursor, limit, pool_out)


@router.get("/leads/pool/{lead_id}", response={200: PoolLeadOut, ERRORS: ErrorOut}, summary="线索池线索详情")
def pool_detail(request, lead_id: int):
    business(request, "leads")
    return pool_out(one(_pool(request.user), lead_id))


@router.post("/leads/pool/{lead_id}/claim", response={200: PoolLeadOut, ERRORS: ErrorOut}, summary="认领线索")
def pool_claim(request, lead_id: int):
    from zhaoshang.leads.services import claim_lead

    business(request, "leads", "write")
    entry = one(_pool(request.user), lead_id)
    try:
        claim_lead(request.user, entry)
    except PermissionDenied as exc:
        raise ApiError(403, "forbidden", str(exc)) from None
    except ValidationError as exc:
        raise service_invalid(exc, {}) from None
    return pool_out(one(_pool(request.user), lead_id))
