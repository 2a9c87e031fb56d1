"""关系网络 through the API: companies (the shared registry), contacts (客商, 乡贤) with their
personal fields masked as on every page, the reveal of one field as its own audited call,
interactions (走访接待, recorded through the page's form and service), intermediaries and
their promotion agreements. Reads through each model's ``restrict()``; a contact another
town keeps is 404 here as on its page."""

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
    local,
    service_invalid,
)
from zhaoshang.api.resources.common import business, may, one
from zhaoshang.api.schemas import ErrorOut, Schema
from zhaoshang.api.services import ApiError, idempotent
from zhaoshang.core.choices import Action
from zhaoshang.relations.choices import InteractionKind, LeaderLevel, PersonalField

router = Router(tags=["关系网络"])


# --- Schemas -------------------------------------------------------------------------------------


class CompanyOut(Schema):
    id: int
    name: str
    uscc: str | None = Field(description="统一社会信用代码")
    nature: str
    nature_label: str
    flags: list[str]
    flag_labels: list[str]
    home_division: str = Field(description="来源地")
    local_status: str
    local_status_label: str
    created_by_unit_id: int | None
    created_by_unit: str
    merged_into_id: int | None = Field(description="已合并至（合并掉的重复记录才有）")
    created_at: datetime.datetime


class CompanyDetail(CompanyOut):
    former_names: list[str]
    industry: str = Field(description="国民经济行业")
    parent_id: int | None
    parent: str = Field(description="母公司")
    global_hq: str
    registered_capital: str | None = Field(description="注册资本（万元），精确小数字符串")
    employee_band: str
    employee_band_label: str
    revenue_band: str
    revenue_band_label: str
    listed_exchange: str
    listed_exchange_label: str
    stock_code: str
    address: str
    website: str
    remarks: str


class CompanyPage(Schema):
    results: list[CompanyOut]
    next: str | None


class ContactOut(Schema):
    id: int
    kind: str
    kind_label: str
    name: str
    title: str
    company_id: int | None
    company: str
    intermediary_id: int | None
    phone: str = Field(description="手机号，隐藏显示（138****5678）")
    office_phone: str = Field(description="办公电话，隐藏显示")
    wechat: str = Field(description="微信号，隐藏显示")
    id_number: str = Field(description="证件号码，隐藏显示")
    email: str
    native_division: str = Field(description="籍贯（本地），乡贤才有")
    residence: str
    workplace: str
    sector: str
    standing: str
    keeping_unit_id: int | None
    keeping_unit: str
    keeping_officer: str
    consent_basis: str
    consent_basis_label: str
    source: str
    consent_on: datetime.date | None
    remarks: str
    is_key: bool


class ContactPage(Schema):
    results: list[ContactOut]
    next: str | None


class RevealIn(Schema):
    model_config = ConfigDict(extra="forbid")

    field: Literal[tuple(PersonalField.values)] = Field(..., description="查看哪一项")
    purpose: str = Field(..., max_length=200, description="查看目的（必填），与本次查看一并记入审计日志")


class RevealOut(Schema):
    contact_id: int
    field: str
    field_label: str
    value: str = Field(description="完整信息；本次查看已记入审计日志")


class PersonOut(Schema):
    id: int
    name: str


class InteractionOut(Schema):
    id: int
    kind: str
    kind_label: str
    date: datetime.date
    unit_id: int
    unit: str
    company_id: int | None
    company: str
    leader_level: str
    leader_level_label: str
    content: str
    requests: str
    next_step: str
    next_contact_on: datetime.date | None
    received_by: str
    sites_seen: str
    our_people_text: str
    project_id: int | None
    created_at: datetime.datetime


class InteractionDetail(InteractionOut):
    contacts: list[PersonOut] = Field(description="对方人员中您可查看的联系人")
    hidden_contacts: int = Field(description="对方人员中属于其他单位、不显示的人数")
    our_people: list[PersonOut]


class InteractionPage(Schema):
    results: list[InteractionOut]
    next: str | None


class InteractionIn(Schema):
    """As 「记录走访接待」: the company by name or credit code, already in the registry."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal[tuple(InteractionKind.values)]
    date: datetime.date
    company: str = Field("", max_length=200, description="企业名称或统一社会信用代码；走访乡贤等个人可不填")
    contact_ids: list[int] = Field(default_factory=list, description="对方人员：该企业中您可查看的联系人")
    our_people_ids: list[int] | None = Field(None, description="我方人员；不填为令牌的用户本人")
    our_people_text: str = Field("", max_length=200)
    leader_level: Literal[("", *LeaderLevel.values)] = ""
    content: str = Field(..., description="交流内容")
    requests: str = ""
    next_step: str = Field("", max_length=200)
    next_contact_on: datetime.date | None = None
    received_by: str = Field("", max_length=200)
    sites_seen: str = Field("", max_length=300)
    project_code: str = Field("", max_length=40, description="相关项目编号")


class AgreementOut(Schema):
    id: int
    intermediary_id: int
    intermediary: str
    unit_id: int
    unit: str
    title: str
    scope: str
    start_on: datetime.date
    end_on: datetime.date
    fee_terms: str
    reward_terms: str
    fee_amount: str | None = Field(description="约定费用（万元），精确小数字符串")
    results: str


class AgreementPage(Schema):
    results: list[AgreementOut]
    next: str | None


class IntermediaryOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    home_division: str
    regions: str
    sectors: str
    address: str
    website: str
    remarks: str
    created_by_unit_id: int | None
    created_by_unit: str


class IntermediaryDetail(IntermediaryOut):
    agreements: list[AgreementOut] = Field(description="您的单位（及下级）与它签订的委托招商协议")


class IntermediaryPage(Schema):
    results: list[IntermediaryOut]
    next: str | None


# --- Rows ----------------------------------------------------------------------------------------


def _name(related) -> str:
    return related.name if related is not None else ""


def company_out(company) -> dict:
    return {
        "id": company.pk,
        "name": company.name,
        "uscc": company.uscc,
        "nature": company.nature,
        "nature_label": company.get_nature_display() if company.nature else "",
        "flags": list(company.flags),
        "flag_labels": company.flag_labels(),
        "home_division": _name(company.home_division),
        "local_status": company.local_status,
        "local_status_label": company.get_local_status_display(),
        "created_by_unit_id": company.created_by_unit_id,
        "created_by_unit": _name(company.created_by_unit),
        "merged_into_id": company.merged_into_id,
        "created_at": local(company.created_at),
    }


def _label(obj, field: str) -> str:
    return getattr(obj, f"get_{field}_display")() if getattr(obj, field) else ""


def company_detail_out(company) -> dict:
    return {
        **company_out(company),
        "former_names": list(company.former_names),
        "industry": _name(company.industry),
        "parent_id": company.parent_id,
        "parent": _name(company.parent),
        "global_hq": company.global_hq,
        "registered_capital": exact(company.registered_capital),
        **{
            key: value
            for field in ("employee_band", "revenue_band", "listed_exchange")
            for key, value in ((field, getattr(company, field)), (f"{field}_label", _label(company, field)))
        },
        "stock_code": company.stock_code,
        "address": company.address,
        "website": company.website,
        "remarks": company.remarks,
    }


def contact_out(contact) -> dict:
    """Every personal field through the model's own ``masked()``, as every page shows it."""
    officer = contact.keeping_officer
    return {
        "id": contact.pk,
        "kind": contact.kind,
        "kind_label": contact.get_kind_display(),
        "name": contact.name,
        "title": contact.title,
        "company_id": contact.company_id,
        "company": _name(contact.company),
        "intermediary_id": contact.intermediary_id,
        **{field: contact.masked(field) for field in PersonalField.values},
        "email": contact.email,
        "native_division": _name(contact.native_division),
        "residence": contact.residence,
        "workplace": contact.workplace,
        "sector": contact.sector,
        "standing": contact.standing,
        "keeping_unit_id": contact.keeping_unit_id,
        "keeping_unit": _name(contact.keeping_unit),
        "keeping_officer": (officer.get_full_name() or officer.get_username()) if officer is not None else "",
        "consent_basis": contact.consent_basis,
        "consent_basis_label": contact.get_consent_basis_display(),
        "source": contact.source,
        "consent_on": contact.consent_on,
        "remarks": contact.remarks,
        "is_key": contact.is_key,
    }


def interaction_out(interaction) -> dict:
    return {
        "id": interaction.pk,
        "kind": interaction.kind,
        "kind_label": interaction.get_kind_display(),
        "date": interaction.date,
        "unit_id": interaction.unit_id,
        "unit": interaction.unit.name,
        "company_id": interaction.company_id,
        "company": _name(interaction.company),
        "leader_level": interaction.leader_level,
        "leader_level_label": _label(interaction, "leader_level"),
        "content": interaction.content,
        "requests": interaction.requests,
        "next_step": interaction.next_step,
        "next_contact_on": interaction.next_contact_on,
        "received_by": interaction.received_by,
        "sites_seen": interaction.sites_seen,
        "our_people_text": interaction.our_people_text,
        "project_id": interaction.project_id,
        "created_at": local(interaction.created_at),
    }


def interaction_detail_out(user, interaction) -> dict:
    from zhaoshang.relations.models import Contact

    # Their participants as this user may see them: another unit's contact stays unnamed.
    visible = list(Contact.objects.restrict(user).filter(interactions=interaction).order_by("name", "pk"))
    return {
        **interaction_out(interaction),
        "contacts": [{"id": contact.pk, "name": contact.name} for contact in visible],
        "hidden_contacts": interaction.contacts.count() - len(visible),
        "our_people": [
            {"id": person.pk, "name": person.get_full_name() or person.get_username()}
            for person in interaction.our_people.order_by("pk")
        ],
    }


def intermediary_out(intermediary) -> dict:
    return {
        "id": intermediary.pk,
        "name": intermediary.name,
        "kind": intermediary.kind,
        "kind_label": intermediary.get_kind_display(),
        "home_division": _name(intermediary.home_division),
        "regions": intermediary.regions,
        "sectors": intermediary.sectors,
        "address": intermediary.address,
        "website": intermediary.website,
        "remarks": intermediary.remarks,
        "created_by_unit_id": intermediary.created_by_unit_id,
        "created_by_unit": _name(intermediary.created_by_unit),
    }


def agreement_out(agreement) -> dict:
    return {
        "id": agreement.pk,
        "intermediary_id": agreement.intermediary_id,
        "intermediary": agreement.intermediary.name,
        "unit_id": agreement.unit_id,
        "unit": agreement.unit.name,
        "title": agreement.title,
        "scope": agreement.scope,
        "start_on": agreement.start_on,
        "end_on": agreement.end_on,
        "fee_terms": agreement.fee_terms,
        "reward_terms": agreement.reward_terms,
        "fee_amount": exact(agreement.fee_amount),
        "results": agreement.results,
    }


# --- Querysets -----------------------------------------------------------------------------------


def _companies(user):
    from zhaoshang.relations.models import Company

    return Company.objects.restrict(user).select_related("home_division", "created_by_unit")


def _contacts(user, action=Action.VIEW):
    from zhaoshang.relations.models import Contact

    return Contact.objects.restrict(user, action).select_related(
        "company", "keeping_unit", "keeping_officer", "native_division"
    )


def _interactions(user):
    from zhaoshang.relations.models import Interaction

    return Interaction.objects.restrict(user).select_related("unit", "company")


def _intermediaries(user):
    from zhaoshang.relations.models import Intermediary

    return Intermediary.objects.restrict(user).select_related("home_division", "created_by_unit")


def _agreements(user):
    from zhaoshang.relations.models import PromotionAgreement

    return PromotionAgreement.objects.restrict(user).select_related("intermediary", "unit")


BY_NAME = Keyset("name", False)
BY_DATE = Keyset("date", True, _date)
PAGE_LIMIT = Query(50, ge=1, le=100)


# --- Companies -----------------------------------------------------------------------------------


@router.get("/companies", response={200: CompanyPage, ERRORS: ErrorOut}, summary="企业库（按名称）")
def companies(request, cursor: str | None = None, limit: int = PAGE_LIMIT):
    """The shared registry, as the company list: filters ``q`` (name, former name, credit
    code, pinyin initials), ``nature``, ``flag``, ``local_status``, ``province`` (code);
    merged duplicates left out (they live on in their survivor)."""
    from zhaoshang.relations.filtersets import CompanyFilterSet

    base = _companies(request.user).filter(merged_into__isnull=True)
    return listed(request, "relations", CompanyFilterSet, base, BY_NAME, "name", cursor, limit, company_out)


@router.get("/companies/{company_id}", response={200: CompanyDetail, ERRORS: ErrorOut}, summary="企业详情")
def company_detail(request, company_id: int):
    business(request, "relations")
    company = one(_companies(request.user).select_related("industry", "parent"), company_id)
    return company_detail_out(company)


# --- Contacts ------------------------------------------------------------------------------------


@router.get("/contacts", response={200: ContactPage, ERRORS: ErrorOut}, summary="客商与乡贤（按姓名；个人信息隐藏）")
def contacts(request, cursor: str | None = None, limit: int = PAGE_LIMIT):
    """The contacts the user's unit subtree keeps (the bureau, leaders: all), as the contact
    list: filters ``q`` (name, company, title, pinyin; never a number), ``kind``,
    ``keeping_unit`` (id). Phones, WeChat ids and ID numbers masked."""
    from zhaoshang.relations.filtersets import ContactFilterSet

    base = _contacts(request.user)
    return listed(request, "relations", ContactFilterSet, base, BY_NAME, "name", cursor, limit, contact_out)


@router.get(
    "/contacts/{contact_id}", response={200: ContactOut, ERRORS: ErrorOut}, summary="联系人详情（个人信息隐藏）"
)
def contact_detail(request, contact_id: int):
    business(request, "relations")
    return contact_out(one(_contacts(request.user), contact_id))


@router.post(
    "/contacts/{contact_id}/reveal",
    response={200: RevealOut, ERRORS: ErrorOut},
    summary="查看一项完整个人信息（须写明目的，记入审计日志）",
)
def contact_reveal(request, contact_id: int, payload: RevealIn, response: HttpResponse):
    """As 「查看完整信息」 on the contact page: one field, with its purpose, written to the
    audit log. For those who may change the contact (its keeping unit's subtree, the
    bureau): a leader reads contacts masked only (403)."""
    from zhaoshang.relations.forms import RevealForm
    from zhaoshang.relations.models import Contact
    from zhaoshang.relations.services import reveal_personal

    business(request, "relations", "write")
    contact = one(_contacts(request.user), contact_id)
    if not _contacts(request.user, Action.REVEAL).filter(pk=contact.pk).exists():
        raise ApiError(403, "forbidden", "您的角色只能查看隐藏后的联系方式，不能查看完整个人信息。")
    form = RevealForm(payload.model_dump(), contact=contact)
    if not form.is_valid():
        raise form_invalid(form)
    try:
        contact, value = reveal_personal(
            request.user, contact.pk, form.cleaned_data["field"], form.cleaned_data["purpose"]
        )
    except Contact.DoesNotExist:
        raise ApiError(404, "not_found", "未找到该对象，或它不在您的管理范围内。") from None
    except ValidationError as exc:
        raise service_invalid(exc, {"field": "查看哪一项", "purpose": "查看目的"}) from None
    response["Cache-Control"] = "no-store"  # a full number is kept by no proxy or cache
    field = form.cleaned_data["field"]
    return {"contact_id": contact.pk, "field": field, "field_label": PersonalField(field).label, "value": value}


# --- Interactions --------------------------------------------------------------------------------


@router.get("/interactions", response={200: InteractionPage, ERRORS: ErrorOut}, summary="走访接待（最新在前）")
def interactions(request, cursor: str | None = None, limit: int = PAGE_LIMIT):
    """The meetings recorded by the user's unit subtree (the bureau, leaders: all), as the
    list: filters ``q`` (company), ``kind``, ``date_from``, ``date_to``."""
    from zhaoshang.relations.filtersets import InteractionFilterSet

    base = _interactions(request.user)
    return listed(request, "relations", InteractionFilterSet, base, BY_DATE, "-date", cursor, limit, interaction_out)


@router.get(
    "/interactions/{interaction_id}", response={200: InteractionDetail, ERRORS: ErrorOut}, summary="走访接待详情"
)
def interaction_detail(request, interaction_id: int):
    business(request, "relations")
    return interaction_detail_out(request.user, one(_interactions(request.user), interaction_id))


@router.post(
    "/interactions",
    response={201: InteractionDetail, ERRORS: ErrorOut},
    summary="记录走访接待（可带 Idempotency-Key）",
)
def interaction_create(
    request, payload: InteractionIn, response: HttpResponse, idempotency_key: str | None = IDEMPOTENCY_KEY
):
    """As 「记录走访接待」: for the token user's unit, through the page's form and service."""
    from zhaoshang.relations.forms import InteractionForm
    from zhaoshang.relations.models import Interaction
    from zhaoshang.relations.services import save_interaction

    business(request, "relations", "write")
    user = request.user
    may(Interaction, user, Action.ADD, message="您的角色只能查看走访接待记录，不能记录。")

    def create():
        data = payload.model_dump(exclude={"company", "contact_ids", "our_people_ids"})
        data["company_name"] = payload.company
        data["contacts"] = [str(pk) for pk in payload.contact_ids]
        our_people = payload.our_people_ids if payload.our_people_ids is not None else [user.pk]
        data["our_people"] = [str(pk) for pk in our_people]
        data = {key: ("" if value is None else value) for key, value in data.items()}
        form = InteractionForm(data, user=user)
        if not form.is_valid():
            raise form_invalid(form)
        interaction = form.save(commit=False)
        interaction.company = form.cleaned_data.get("company_name")
        interaction.project = form.cleaned_data.get("project_code")
        labels = {name: str(field.label) for name, field in form.fields.items()}
        try:
            saved = save_interaction(
                user,
                interaction,
                contacts=form.cleaned_data.get("contacts") or [],
                our_people=form.cleaned_data.get("our_people") or [],
            )
        except PermissionDenied as exc:
            raise ApiError(403, "forbidden", str(exc)) from None
        except ValidationError as exc:
            raise service_invalid(exc, labels) from None
        return 201, interaction_detail_out(user, one(_interactions(user), saved.pk))

    status, body, replayed = idempotent(request, request.auth, idempotency_key, create)
    _replayed(response, replayed)
    return Status(status, body)


# --- Intermediaries and agreements ---------------------------------------------------------------


@router.get("/intermediaries", response={200: IntermediaryPage, ERRORS: ErrorOut}, summary="中介机构（按名称）")
def intermediaries(request, cursor: str | None = None, limit: int = PAGE_LIMIT):
    """The shared list, as its page: filters ``q`` (name, region, sector, pinyin), ``kind``."""
    from zhaoshang.relations.filtersets import IntermediaryFilterSet

    base = _intermediaries(request.user)
    return listed(request, "relations", IntermediaryFilterSet, base, BY_NAME, "name", cursor, limit, intermediary_out)


@router.get(
    "/intermediaries/{intermediary_id}",
    response={200: IntermediaryDetail, ERRORS: ErrorOut},
    summary="中介机构详情（含本单位的委托招商协议）",
)
def intermediary_detail(request, intermediary_id: int):
    business(request, "relations")
    intermediary = one(_intermediaries(request.user), intermediary_id)
    agreements = _agreements(request.user).filter(intermediary=intermediary).order_by("-start_on", "-pk")
    return {**intermediary_out(intermediary), "agreements": [agreement_out(row) for row in agreements]}


@router.get("/agreements", response={200: AgreementPage, ERRORS: ErrorOut}, summary="委托招商协议（最新在前）")
def agreements(
    request,
    intermediary: int | None = Query(None, description="只看与该中介机构的协议"),
    cursor: str | None = None,
    limit: int = PAGE_LIMIT,
):
    """The agreements of the user's unit subtree (the bureau, leaders: all). They have no
    list page of their own (each intermediary's page lists them), hence no FilterSet."""
    business(request, "relations")
    rows = _agreements(request.user)
    if intermediary is not None:
        rows = rows.filter(intermediary_id=intermediary)
    page, next_url = Keyset("start_on", True, _date).page(request, rows, "-start_on", cursor, limit)
    return {"results": [agreement_out(row) for row in page], "next": next_url}


@router.get("/agreements/{agreement_id}", response={200: AgreementOut, ERRORS: ErrorOut}, summary="委托招商协议详情")
def agreement_detail(request, agreement_id: int):
    business(request, "relations")
    return agreement_out(one(_agreements(request.user), agreement_id))
