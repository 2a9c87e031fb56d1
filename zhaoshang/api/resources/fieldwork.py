"""外出招商与招商活动 through the API: trips with their visits and the units that went along,
campaigns with their signings and what they brought (``campaign_figures``, exact decimal
strings). Read as the pages read them (the organiser's line and the units taking part); a
visit is recorded through the page's form and service, for the organising side only."""

import datetime
from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from ninja import Query, Router, Status
from pydantic import ConfigDict, Field

from zhaoshang.api.api import (
    ERRORS,
    IDEMPOTENCY_KEY,
    Keyset,
    _date,
    _replayed,
    exact,
    form_invalid,
    listed,
    service_invalid,
)
from zhaoshang.api.resources.common import business, one
from zhaoshang.api.schemas import ErrorOut, Schema
from zhaoshang.api.services import ApiError, idempotent
from zhaoshang.core.choices import Action
from zhaoshang.fieldwork.choices import VisitResult

router = Router(tags=["外出招商与活动"])


# --- Schemas -------------------------------------------------------------------------------------


class UnitRef(Schema):
    id: int
    name: str


class VisitOut(Schema):
    id: int
    trip_id: int
    visited_name: str = Field(description="拜访对象")
    company_id: int | None = Field(description="企业库中的企业（按名称识别）")
    date: datetime.date | None
    notes: str
    result: str
    result_label: str
    project_id: int | None
    project_code: str


class TripOut(Schema):
    id: int
    departure_on: datetime.date
    return_on: datetime.date | None
    leader_name: str
    leader_title: str
    leader_level: str
    leader_level_label: str
    level_given: bool = Field(description="层级为手工指定（否则按职务层级对照表识别）")
    organiser_id: int
    organiser: str
    destination_text: str
    purpose: str
    status: str
    status_label: str


class TripDetail(TripOut):
    remarks: str
    accompanying_units: list[UnitRef] = Field(description="随行单位")
    destinations: list[str] = Field(description="目的地区划")
    visits: list[VisitOut]


class TripPage(Schema):
    results: list[TripOut]
    next: str | None


class VisitIn(Schema):
    model_config = ConfigDict(extra="forbid")

    visited_name: str = Field(..., max_length=200, description="拜访对象（企业、商会或中介机构）")
    date: datetime.date | None = None
    notes: str = Field("", max_length=2000, description="洽谈情况")
    result: Literal[tuple(VisitResult.values)] = VisitResult.NONE.value
    project_code: str = Field("", max_length=40, description="形成项目的编号")


class CampaignOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    start_on: datetime.date
    end_on: datetime.date | None
    place: str
    organiser_id: int
    organiser: str
    status: str
    status_label: str


class ResponsibleUnit(Schema):
    id: int
    name: str
    task: str


class SigningOut(Schema):
    project_id: int
    project_code: str
    project: str
    document: str
    document_label: str


class CampaignFigures(Schema):
    signed_count: int = Field(description="签约项目数（签约已核实）")
    total_investment_wan: str = Field(description="总投资（万元），精确小数字符串")
    foreign_wan_usd: str = Field(description="外资（万美元），精确小数字符串")
    contract_count: int = Field(description="其中合同项目数")
    contract_foreign_wan_usd: str = Field(description="合同利用外资（万美元），精确小数字符串")
    sentence: str = Field(description="讲话稿中的一句")


class CampaignDetail(CampaignOut):
    responsible_units: list[ResponsibleUnit]
    lead_leader: str
    target_projects: int | None
    target_investment: str | None = Field(description="目标签约金额（万元），精确小数字符串")
    target_regions: str
    target_industries: str
    invited: str
    attendance: int | None
    review: str
    signings: list[SigningOut]
    figures: CampaignFigures


class CampaignPage(Schema):
    results: list[CampaignOut]
    next: str | None


# --- Rows ----------------------------------------------------------------------------------------


def visit_out(visit) -> dict:
    return {
        "id": visit.pk,
        "trip_id": visit.trip_id,
        "visited_name": visit.visited_name or (visit.company.name if visit.company_id else ""),
        "company_id": visit.company_id,
        "date": visit.date,
        "notes": visit.notes,
        "result": visit.result,
        "result_label": visit.get_result_display(),
        "project_id": visit.project_id,
        "project_code": visit.project.code if visit.project_id else "",
    }


def trip_out(trip) -> dict:
    return {
        "id": trip.pk,
        "departure_on": trip.departure_on,
        "return_on": trip.return_on,
        "leader_name": trip.leader_name,
        "leader_title": trip.leader_title,
        "leader_level": trip.leader_level,
        "leader_level_label": trip.get_leader_level_display(),
        "level_given": trip.level_given,
        "organiser_id": trip.organiser_id,
        "organiser": trip.organiser.name,
        "destination_text": trip.destination_text,
        "purpose": trip.purpose,
        "status": trip.status,
        "status_label": trip.get_status_display(),
    }


def trip_detail_out(trip) -> dict:
    along = trip.participations.select_related("unit").order_by("unit__path")
    return {
        **trip_out(trip),
        "remarks": trip.remarks,
        "accompanying_units": [{"id": link.unit_id, "name": link.unit.name} for link in along],
        "destinations": [division.name for division in trip.destinations.order_by("code")],
        "visits": [visit_out(visit) for visit in trip.visits.select_related("company", "project")],
    }


def campaign_out(campaign) -> dict:
    return {
        "id": campaign.pk,
        "name": campaign.name,
        "kind": campaign.kind,
        "kind_label": campaign.get_kind_display(),
        "start_on": campaign.start_on,
        "end_on": campaign.end_on,
        "place": campaign.place,
        "organiser_id": campaign.organiser_id,
        "organiser": campaign.organiser.name,
        "status": campaign.status,
        "status_label": campaign.get_status_display(),
    }


def campaign_detail_out(campaign) -> dict:
    from zhaoshang.fieldwork.services import campaign_figures

    links = campaign.unit_links.select_related("unit").order_by("unit__path")
    signings = campaign.signings.select_related("project").order_by("project__code")
    return {
        **campaign_out(campaign),
        "responsible_units": [{"id": link.unit_id, "name": link.unit.name, "task": link.task} for link in links],
        "lead_leader": campaign.lead_leader,
        "target_projects": campaign.target_projects,
        "target_investment": exact(campaign.target_investment),
        "target_regions": campaign.target_regions,
        "target_industries": campaign.target_industries,
        "invited": campaign.invited,
        "attendance": campaign.attendance,
        "review": campaign.review,
        # As on the campaign page: the projects signed there, with their document.
        "signings": [
            {
                "project_id": signing.project_id,
                "project_code": signing.project.code,
                "project": signing.project.name,
                "document": signing.document,
                "document_label": signing.get_document_display(),
            }
            for signing in signings
        ],
        "figures": campaign_figures(campaign),
    }


def _trips(user, action=Action.VIEW):
    from zhaoshang.fieldwork.models import Trip

    return Trip.objects.restrict(user, action).select_related("organiser")


def _campaigns(user):
    from zhaoshang.fieldwork.models import Campaign

    return Campaign.objects.restrict(user).select_related("organiser")


# --- Trips ---------------------------------------------------------------------------------------


@router.get("/trips", response={200: TripPage, ERRORS: ErrorOut}, summary="外出招商（最新在前）")
def trips(request, cursor: str | None = None, limit: int = Query(50, ge=1, le=100)):
    """The trips the user's unit subtree organised or went along on (the bureau, leaders:
    all), as the trip list: filters ``unit`` (id), ``year``, ``q``, ``level``, ``status``."""
    from zhaoshang.fieldwork.filtersets import TripFilterSet

    keyset = Keyset("departure_on", True, _date)
    base = _trips(request.user)
    return listed(request, "fieldwork", TripFilterSet, base, keyset, "-departure_on", cursor, limit, trip_out)


@router.get("/trips/{trip_id}", response={200: TripDetail, ERRORS: ErrorOut}, summary="外出招商详情（含拜访记录）")
def trip_detail(request, trip_id: int):
    business(request, "fieldwork")
    return trip_detail_out(one(_trips(request.user), trip_id))


@router.post(
    "/trips/{trip_id}/visits",
    response={201: VisitOut, ERRORS: ErrorOut},
    summary="登记拜访记录（组织单位；可带 Idempotency-Key）",
)
def visit_create(
    request, trip_id: int, payload: VisitIn, response: HttpResponse, idempotency_key: str | None = IDEMPOTENCY_KEY
):
    """As 「登记拜访记录」 on the trip page: only the organising side; a unit that went along
    reads the trip (403 here), another town does not find it (404)."""
    from zhaoshang.fieldwork.forms import TripVisitForm
    from zhaoshang.fieldwork.models import TripVisit
    from zhaoshang.fieldwork.services import save_visit

    business(request, "fieldwork", "write")
    trip = one(_trips(request.user), trip_id)
    if not _trips(request.user, Action.CHANGE).filter(pk=trip.pk).exists():
        raise ApiError(403, "forbidden", "只有组织单位可以登记这次外出的拜访。")

    def create():
        data = {key: ("" if value is None else value) for key, value in payload.model_dump().items()}
        form = TripVisitForm(data, instance=TripVisit(trip=trip))
        if not form.is_valid():
            raise form_invalid(form)
        labels = {name: str(field.label) for name, field in form.fields.items()}
        try:
            visit = save_visit(request.user, form.save(commit=False), project_code=form.cleaned_data["project_code"])
        except PermissionDenied as exc:
            raise ApiError(403, "forbidden", str(exc)) from None
        except ValidationError as exc:
            raise service_invalid(exc, labels) from None
        return 201, visit_out(visit)

    status, body, replayed = idempotent(request, request.auth, idempotency_key, create)
    _replayed(response, replayed)
    return Status(status, body)


# --- Campaigns -----------------------------------------------------------------------------------


@router.get("/campaigns", response={200: CampaignPage, ERRORS: ErrorOut}, summary="招商活动（最新在前）")
def campaigns(request, cursor: str | None = None, limit: int = Query(50, ge=1, le=100)):
    """The campaigns the user's unit subtree organised or is responsible for a part of (the
    bureau, leaders: all), as the campaign list: filters ``unit``, ``year``, ``q``, ``kind``,
    ``status``."""
    from zhaoshang.fieldwork.filtersets import CampaignFilterSet

    keyset = Keyset("start_on", True, _date)
    base = _campaigns(request.user)
    return listed(request, "fieldwork", CampaignFilterSet, base, keyset, "-start_on", cursor, limit, campaign_out)


@router.get(
    "/campaigns/{campaign_id}",
    response={200: CampaignDetail, ERRORS: ErrorOut},
    summary="招商活动详情（含签约项目和成效数字）",
)
def campaign_detail(request, campaign_id: int):
    business(request, "fieldwork")
    return campaign_detail_out(one(_campaigns(request.user), campaign_id))
