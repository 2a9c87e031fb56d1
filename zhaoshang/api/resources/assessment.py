"""考核 through the API: schemes and their published results, as frozen when published —
every unit's total and rank (the ranking is circulated to every unit it ranks, as on the
result page), and a unit's breakdown only for units the reader may open on the page."""

import datetime

from ninja import Query, Router
from pydantic import Field

from zhaoshang.api.api import ERRORS, exact, local
from zhaoshang.api.resources.common import business, one
from zhaoshang.api.schemas import ErrorOut, Schema

router = Router(tags=["考核"])


class ResultRef(Schema):
    id: int
    period_key: str
    period_label: str
    period_start: datetime.date
    period_end: datetime.date
    published_at: datetime.datetime


class SchemeOut(Schema):
    id: int
    name: str
    year: int
    parent_id: int
    parent: str
    assessed_units: str = Field(description="被考核单位（中文说明）")
    total_points: str
    cap_percent: str
    veto_mode: str
    veto_mode_label: str
    note: str
    results: list[ResultRef] = Field(description="已发布的考核结果，最新在前")


class IndicatorLineOut(Schema):
    indicator: str
    label: str
    unit: str = Field(description="计量单位：个、万元、万美元")
    weight: str
    value: str
    target: str | None
    completion: str | None
    capped: str | None
    points: str
    schedule_gap: str | None


class RuleLineOut(Schema):
    kind: str
    label: str
    sign: int = Field(description="1 加分，-1 减分")
    per_item: str
    max_points: str | None
    count: int
    points: str


class EntryLineOut(Schema):
    kind: str
    date: datetime.date
    reason: str
    points: str | None
    project_id: int | None


class BreakdownOut(Schema):
    indicators: list[IndicatorLineOut]
    rules: list[RuleLineOut]
    adjustments: list[EntryLineOut]
    vetoes: list[EntryLineOut]


class UnitScoreOut(Schema):
    unit_id: int
    unit_code: str
    unit_name: str
    rank: int | None
    total: str
    vetoed: bool
    indicator_points: str
    bonus_points: str
    deduction_points: str
    adjustment_points: str
    breakdown: BreakdownOut | None = Field(description="得分明细；仅本人可查看的单位（单位干部：本单位及下级）")


class ResultOut(ResultRef):
    scheme_id: int
    scheme: str
    year: int
    as_of: datetime.date
    schedule: str = Field(description="序时进度（比例，如 0.75）")
    cap: str
    veto_mode: str
    total_points: str
    counting_rules: str = Field(description="统计口径（中文）")
    units: list[UnitScoreOut]


def result_ref(result) -> dict:
    return {
        "id": result.pk,
        "period_key": result.period_key,
        "period_label": result.period_label,
        "period_start": result.period_start,
        "period_end": result.period_end,
        "published_at": local(result.published_at),
    }


def _entry(line) -> dict:
    return {
        "kind": line.kind,
        "date": line.date,
        "reason": line.reason,
        "points": exact(line.points),
        "project_id": line.project_id,
    }


def _breakdown(unit) -> dict:
    return {
        "indicators": [
            {
                "indicator": line.indicator,
                "label": line.label,
                "unit": line.word,
                "weight": exact(line.weight),
                "value": exact(line.value),
                "target": exact(line.target),
                "completion": exact(line.completion),
                "capped": exact(line.capped),
                "points": exact(line.points),
                "schedule_gap": exact(line.schedule_gap),
            }
            for line in unit.indicators
        ],
        "rules": [
            {
                "kind": line.kind,
                "label": line.label,
                "sign": line.sign,
                "per_item": exact(line.per_item),
                "max_points": exact(line.max_points),
                "count": line.count,
                "points": exact(line.points),
            }
            for line in unit.rules
        ],
        "adjustments": [_entry(line) for line in unit.adjustments],
        "vetoes": [_entry(line) for line in unit.vetoes],
    }


@router.get(
    "/assessment/schemes",
    response={200: list[SchemeOut], ERRORS: ErrorOut},
    summary="考核方案及其已发布结果",
)
def schemes(request, year: int | None = Query(None, ge=2000, le=2100)):
    """A unit officer sees only schemes with a published result, as on the page."""
    from zhaoshang.assessment.models import AssessmentResult, AssessmentScheme

    business(request, "assessment")
    rows = AssessmentScheme.objects.restrict(request.user).select_related("parent")
    if year is not None:
        rows = rows.filter(year=year)
    results: dict[int, list] = {}
    for result in AssessmentResult.objects.restrict(request.user).filter(scheme__in=rows.values("pk")):
        results.setdefault(result.scheme_id, []).append(result_ref(result))
    return [
        {
            "id": scheme.pk,
            "name": scheme.name,
            "year": scheme.year,
            "parent_id": scheme.parent_id,
            "parent": scheme.parent.name,
            "assessed_units": scheme.describe_units(),
            "total_points": exact(scheme.total_points),
            "cap_percent": exact(scheme.cap_percent),
            "veto_mode": scheme.veto_mode,
            "veto_mode_label": scheme.get_veto_mode_display(),
            "note": scheme.note,
            "results": results.get(scheme.pk, []),
        }
        for scheme in rows
    ]


@router.get(
    "/assessment/results/{result_id}",
    response={200: ResultOut, ERRORS: ErrorOut},
    summary="已发布的考核结果（得分、排名）",
)
def result_detail(request, result_id: int):
    from zhaoshang.accounts.models import Unit
    from zhaoshang.assessment.models import AssessmentResult
    from zhaoshang.assessment.services import result_scores

    business(request, "assessment")
    result = one(AssessmentResult.objects.restrict(request.user).select_related("scheme"), result_id)
    frozen = result_scores(result)
    ids = [unit.unit_id for unit in frozen.units]
    visible = set(Unit.objects.restrict(request.user).filter(pk__in=ids).values_list("pk", flat=True))
    return {
        **result_ref(result),
        "scheme_id": result.scheme_id,
        "scheme": result.scheme.name,
        "year": frozen.year,
        "as_of": frozen.as_of,
        "schedule": exact(frozen.schedule),
        "cap": exact(frozen.cap),
        "veto_mode": frozen.veto_mode,
        "total_points": exact(frozen.total_points),
        "counting_rules": frozen.counting_rules,
        "units": [
            {
                "unit_id": unit.unit_id,
                "unit_code": unit.unit_code,
                "unit_name": unit.unit_name,
                "rank": unit.rank,
                "total": exact(unit.total),
                "vetoed": unit.vetoed,
                "indicator_points": exact(unit.indicator_points),
                "bonus_points": exact(unit.bonus_points),
                "deduction_points": exact(unit.deduction_points),
                "adjustment_points": exact(unit.adjustment_points),
                "breakdown": _breakdown(unit) if unit.unit_id in visible else None,
            }
            for unit in frozen.units
        ],
    }
