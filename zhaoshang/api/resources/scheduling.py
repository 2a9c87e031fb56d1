"""调度 through the API: rounds and the units' reports on their projects, read as the round
and reporting pages read them; a unit saves or submits a report through the page's form
and service (optimistic locking by ETag / If-Match, as a project's PATCH)."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from ninja import Query, Router
from pydantic import ConfigDict, Field

from zhaoshang.api.api import (
    ERRORS,
    IF_MATCH,
    Keyset,
    _date,
    _if_match,
    exact,
    form_invalid,
    listed,
    local,
    service_invalid,
)
from zhaoshang.api.resources.common import business, may, one
from zhaoshang.api.schemas import ErrorOut, Schema
from zhaoshang.api.services import ApiError
from zhaoshang.core.choices import Action
from zhaoshang.core.models import StaleEditError

router = Router(tags=["调度"])


class UnitProgressOut(Schema):
    unit_id: int
    unit: str
    total: int
    submitted: int
    draft: int
    returned: int
    pending: int


class RoundOut(Schema):
    id: int
    title: str
    kind: str
    kind_label: str
    year: int
    month: int
    half: int
    period_label: str
    period_start: datetime.date
    period_end: datetime.date
    deadline: datetime.date
    status: str
    status_label: str
    note: str
    closed_at: datetime.datetime | None


class RoundPage(Schema):
    results: list[RoundOut]
    next: str | None


class RoundDetail(RoundOut):
    progress: list[UnitProgressOut] = Field(description="各单位报送进度（本人可见的报告）")
    summary: dict[str, Any] | None = Field(
        description="调度汇总（招商局、领导可见；已结束的调度为结束时冻结的汇总，金额为万元的精确小数字符串）"
    )


class ReportOut(Schema):
    id: int
    round_id: int
    project_id: int
    project_code: str
    project: str
    unit_id: int
    unit: str
    version: int
    status: str
    status_label: str
    stage_at_open: str
    progress: str
    investment_this_period: str | None
    investment_cumulative: str | None
    problems: str
    next_steps: str
    reported_stage: str
    submitted_at: datetime.datetime | None
    return_reason: str


class ReportPage(Schema):
    results: list[ReportOut]
    next: str | None


class ReportIn(Schema):
    """A report's fields, all sent (a PUT); amounts in 万元 as decimal strings."""

    model_config = ConfigDict(extra="forbid")

    progress: str = Field("", max_length=2000, description="本期进展")
    investment_this_period: str | None = Field(None, max_length=40, description="本期完成投资（万元）")
    investment_cumulative: str | None = Field(None, max_length=40, description="累计完成投资（万元）")
    problems: str = Field("", max_length=2000, description="存在问题")
    next_steps: str = Field("", max_length=2000, description="下步打算")
    reported_stage: str = Field("", max_length=20, description="当前阶段（单位填报），可不填")
    submit: bool = Field(False, description="true 提交招商局；false 保存草稿")


def round_out(round_) -> dict:
    return {
        "id": round_.pk,
        "title": round_.title,
        "kind": round_.kind,
        "kind_label": round_.get_kind_display(),
        "year": round_.year,
        "month": round_.month,
        "half": round_.half,
        "period_label": round_.period_label,
        "period_start": round_.period_start,
        "period_end": round_.period_end,
        "deadline": round_.deadline,
        "status": round_.status,
        "status_label": round_.get_status_display(),
        "note": round_.note,
        "closed_at": local(round_.closed_at),
    }


def report_out(item) -> dict:
    return {
        "id": item.pk,
        "round_id": item.round_id,
        "project_id": item.project_id,
        "project_code": item.project.code,
        "project": item.project.name,
        "unit_id": item.unit_id,
        "unit": item.unit.name,
        "version": item.version,
        "status": item.status,
        "status_label": item.get_status_display(),
        "stage_at_open": item.stage_at_open,
        "progress": item.progress,
        "investment_this_period": exact(item.investment_this_period),
        "investment_cumulative": exact(item.investment_cumulative),
        "problems": item.problems,
        "next_steps": item.next_steps,
        "reported_stage": item.reported_stage,
        "submitted_at": local(item.submitted_at),
        "return_reason": item.return_reason,
    }


def _reports(user, action=Action.VIEW):
    from zhaoshang.scheduling.models import RoundItem

    return RoundItem.objects.restrict(user, action).select_related("project", "unit")


@router.get("/scheduling/rounds", response={200: RoundPage, ERRORS: ErrorOut}, summary="调度（游标分页，最新在前）")
def rounds(
    request,
    status: str | None = None,
    kind: str | None = None,
    year: str | None = None,
    cursor: str | None = None,
    limit: int = Query(50, ge=1, le=100),
):
    """The rounds the user reports in (a unit) or oversees (the bureau, leaders)."""
    from zhaoshang.scheduling.filtersets import SchedulingRoundFilterSet
    from zhaoshang.scheduling.models import SchedulingRound

    base = SchedulingRound.objects.restrict(request.user)
    keyset = Keyset("period_start", True, _date)
    return listed(
        request, "scheduling", SchedulingRoundFilterSet, base, keyset, "-period_start", cursor, limit, round_out
    )


@router.get("/scheduling/rounds/{round_id}", response={200: RoundDetail, ERRORS: ErrorOut}, summary="调度详情")
def round_detail(request, round_id: int):
    from zhaoshang.scheduling.models import SchedulingRound
    from zhaoshang.scheduling.services import build_summary, progress_by_unit

    business(request, "scheduling")
    user = request.user
    round_ = one(SchedulingRound.objects.restrict(user), round_id)
    # A unit's grid counts its own reports, as its reporting page does.
    grid = progress_by_unit(round_, _reports(user).filter(round=round_))
    summary = None
    if SchedulingRound.access.oversees(user):  # the whole round's summary: its summary page's readers
        summary = round_.summary if not round_.is_open and round_.summary else build_summary(round_)
    return {
        **round_out(round_),
        "progress": [
            {
                "unit_id": line.unit.pk,
                "unit": line.unit.name,
                "total": line.total,
                "submitted": line.submitted,
                "draft": line.draft,
                "returned": line.returned,
                "pending": line.pending,
            }
            for line in grid
        ],
        "summary": summary,
    }


@router.get("/scheduling/reports", response={200: ReportPage, ERRORS: ErrorOut}, summary="调度报告（游标分页）")
def reports(
    request,
    round: int | None = Query(None, ge=1, description="调度编号"),
    q: str | None = None,
    unit: str | None = None,
    status: str | None = None,
    cursor: str | None = None,
    limit: int = Query(50, ge=1, le=100),
):
    """The reports the user may read (a unit: its own), the reporting page's filters."""
    from zhaoshang.scheduling.filtersets import RoundItemFilterSet

    base = _reports(request.user)
    if round is not None:
        base = base.filter(round_id=round)
    keyset = Keyset("id", False, int)
    return listed(
        request, "scheduling", RoundItemFilterSet, base, keyset, "id", cursor, limit, report_out, ("project", "unit")
    )


@router.get("/scheduling/reports/{report_id}", response={200: ReportOut, ERRORS: ErrorOut}, summary="调度报告详情")
def report_detail(request, report_id: int, response: HttpResponse):
    business(request, "scheduling")
    item = one(_reports(request.user), report_id)
    response["ETag"] = f'"{item.version}"'
    return report_out(item)


def _stale(item) -> ApiError:
    return ApiError(
        412,
        "stale",
        f"该报告已被他人修改或退回（当前版本 {item.version}），您的修改未保存。请重新读取后再填报。",
        headers={"ETag": f'"{item.version}"'},
        current_version=item.version,
    )


@router.put(
    "/scheduling/reports/{report_id}",
    response={200: ReportOut, ERRORS: ErrorOut},
    summary="填报调度报告：保存草稿或提交（须带 If-Match）",
)
def report_save(request, report_id: int, payload: ReportIn, response: HttpResponse, if_match: str | None = IF_MATCH):
    """The reporting page's form and service: refused once submitted (until the bureau
    returns it) or once the round has closed, with the page's messages."""
    from zhaoshang.scheduling.forms import ReportForm
    from zhaoshang.scheduling.models import RoundItem
    from zhaoshang.scheduling.services import save_report

    business(request, "scheduling", "write")
    may(RoundItem, request.user, message="您的角色只能查看调度报告，不能填报。")
    item = one(_reports(request.user, Action.CHANGE).select_related("round"), report_id)
    if not (if_match or "").strip():  # api.py's own message speaks of projects
        raise ApiError(
            428,
            "precondition_required",
            "填报调度报告须带 If-Match 请求头（取自读取该报告时应答的 ETag），以免覆盖他人的填报。",
        )
    expected = _if_match(if_match)
    if expected != item.version:
        raise _stale(item)
    data = payload.model_dump()
    submit = data.pop("submit")
    form = ReportForm({**data, "version": expected}, instance=item, prefix=None)
    if not form.is_valid():
        raise form_invalid(form)
    try:
        save_report(request.user, form.save(commit=False), expected_version=expected, submit=submit)
    except StaleEditError as exc:
        raise _stale(exc.current) from None
    except ValidationError as exc:
        raise service_invalid(exc, {name: str(field.label) for name, field in form.fields.items()}) from None
    item = one(_reports(request.user), report_id)
    response["ETag"] = f'"{item.version}"'
    return report_out(item)
