"""驾驶舱 through the API: the figures the dashboard page shows for the user's scope and
period, computed by the same functions (dashboard.services.build_dashboard) from the same
question (the page's PeriodForm, and a unit within the viewer's reach)."""

import datetime
from typing import Literal

from ninja import Query, Router
from pydantic import Field

from zhaoshang.api.api import ERRORS, exact
from zhaoshang.api.resources.common import business
from zhaoshang.api.schemas import ErrorOut, Schema
from zhaoshang.dashboard.choices import PeriodKind

router = Router(tags=["驾驶舱"])


class KpiOut(Schema):
    indicator: str
    label: str
    unit: str = Field(description="计量单位，与页面相同（协议引资额、到位资金为亿元）")
    value: str = Field(description="统计期内")
    last_year: str = Field(description="上年同期")
    year_to_date: str = Field(description="年初至统计期末（完成率按此计算）")
    target: str | None = Field(description="年度目标")
    completion: str | None = Field(description="年度目标完成率（比例）")
    schedule_gap: str | None = Field(description="完成率与序时进度之差（比例）")
    yoy: str | None = Field(description="同比增长（比例）")
    rule: str = Field(description="口径（中文）")


class RankingRow(Schema):
    unit: str
    full_name: str
    value: str = Field(description="协议引资额（亿元）")
    rank: int
    target: str | None
    year_to_date: str
    completion: str | None = Field(description="年度目标完成率（百分数）")
    completion_rank: int | None


class FunnelRow(Schema):
    name: str
    stage: str
    value: int = Field(description="已达到该阶段的项目数")
    current: int = Field(description="当前处于该阶段的项目数")


class CountRow(Schema):
    label: str
    count: int


class WarningsOut(Schema):
    red: int
    yellow: int
    total: int


class PeriodOut(Schema):
    start: datetime.date
    end: datetime.date
    label: str
    as_of: datetime.date | None


class DashboardOut(Schema):
    title: str
    unit_id: int | None
    period: PeriodOut
    schedule: str = Field(description="序时进度（比例）")
    rules: str = Field(description="统计口径（中文）")
    kpis: list[KpiOut]
    ranking: list[RankingRow] = Field(description="下级单位按协议引资额排名")
    funnel: list[FunnelRow]
    exits: list[CountRow] = Field(description="暂缓、退库")
    key_projects: int = Field(description="重点项目数")
    key_by_stage: list[CountRow]
    warnings: WarningsOut = Field(description="未解除的预警")


class NotStartedOut(Schema):
    count: int = Field(description="签约未开工项目数（今天）")


@router.get("/dashboard", response={200: DashboardOut, ERRORS: ErrorOut}, summary="驾驶舱数据（与页面同一口径）")
def dashboard(
    request,
    kind: Literal[tuple(PeriodKind.values)] | None = Query(
        None, description="ytd 1月至所选月（默认）、month 单月、quarter 季度、year 全年"
    ),
    year: int | None = Query(None, ge=2000, le=2100),
    month: int | None = Query(None, ge=1, le=12),
    quarter: int | None = Query(None, ge=1, le=4),
    unit: int | None = Query(None, ge=1, description="下级单位的驾驶舱；须在本人可见范围内"),
):
    from zhaoshang.dashboard.services import build_dashboard
    from zhaoshang.dashboard.views import _question

    business(request, "dashboard")
    form, chosen = _question(request)  # the page's own question; another unit is 404 as there
    board = build_dashboard(request.user, form.period(), chosen, form_params=form.params())
    period = board.period
    return {
        "title": board.title,
        "unit_id": board.scope.unit.pk if board.scope.unit is not None else None,
        "period": {"start": period.start, "end": period.end, "label": period.label, "as_of": period.as_of},
        "schedule": exact(period.schedule),
        "rules": board.rules.describe(),
        "kpis": [
            {
                "indicator": kpi.indicator.value,
                "label": kpi.label,
                "unit": kpi.unit_word,
                "value": exact(kpi.shown_value),
                "last_year": exact(kpi.shown_last_year),
                "year_to_date": exact(kpi.shown_year_to_date),
                "target": exact(kpi.shown_target),
                "completion": exact(kpi.completion),
                "schedule_gap": exact(kpi.gap),
                "yoy": exact(kpi.yoy),
                "rule": kpi.rule,
            }
            for kpi in board.kpis
        ],
        "ranking": [
            {
                "unit": row["name"],
                "full_name": row["full_name"],
                "value": exact(row["value"]),
                "rank": row["rank"],
                "target": exact(row["target"]),
                "year_to_date": exact(row["year_to_date"]),
                "completion": exact(row["completion"]),
                "completion_rank": row["completion_rank"],
            }
            for row in board.ranking
        ],
        "funnel": [
            {"name": row["name"], "stage": row["stage"], "value": row["value"], "current": row["current"]}
            for row in board.funnel
        ],
        "exits": [{"label": row["label"], "count": row["count"]} for row in board.exits],
        "key_projects": board.key_count,
        "key_by_stage": [{"label": row["label"], "count": row["count"]} for row in board.key_by_stage],
        "warnings": {"red": board.warnings.red, "yellow": board.warnings.yellow, "total": board.warnings.total},
    }


@router.get(
    "/dashboard/not-started",
    response={200: NotStartedOut, ERRORS: ErrorOut},
    summary="驾驶舱：签约未开工项目数（今天）",
)
def dashboard_not_started(request, unit: int | None = Query(None, ge=1, description="下级单位；须在本人可见范围内")):
    """Apart, as the page loads it after itself: the rule reads every signed project of the
    scope (most of a second for the whole province)."""
    from zhaoshang.dashboard.services import not_started_count
    from zhaoshang.dashboard.views import _question

    business(request, "dashboard")
    _, chosen = _question(request)
    return {"count": not_started_count(request.user, chosen)}
