"""/api/v1: the REST API on django-ninja (docs/api.md).

The same rules as the pages: every read goes through ``Model.objects.restrict(user,
action)`` (another town's project is 404 here as on its page), writes validate with the
pages' forms and save through the pages' services, and the audit log names the token's
user. Every answer that is not a success is JSON ``{"code", "message"}`` with the message in
Chinese — ninja's own validation errors, an unknown path, a wrong method and a crash too.
"""

import logging
from decimal import Decimal

from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from ninja import Header, NinjaAPI, Query, Status
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.docs import DocsBase
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder
from ninja.security import HttpBearer

from zhaoshang.accounts.models import Unit
from zhaoshang.api import schemas
from zhaoshang.api.services import ApiError, authenticate, check_rate, idempotent, require_business, require_scope
from zhaoshang.core.busy import RETRY_AFTER_SECONDS, is_database_busy
from zhaoshang.core.choices import Action
from zhaoshang.core.context import update_context
from zhaoshang.core.middleware import client_ip
from zhaoshang.core.models import StaleEditError

logger = logging.getLogger(__name__)

# Every operation documents these, so a client (and schemathesis) knows their shape.
ERRORS = frozenset({400, 401, 403, 404, 412, 422, 428, 429, 500, 503})


class ChineseJSON(JSONRenderer):
    """JSON with Chinese as characters, not \\u escapes (readable in a log or a terminal)."""

    encoder_class = NinjaJSONEncoder
    json_dumps_params = {"ensure_ascii": False}


class TokenAuth(HttpBearer):
    """``Authorization: Bearer zs_…``: the token checked (expiry, revocation, source
    address), the rate counted, and the request then acts as the token's user."""

    def authenticate(self, request, token):
        api_token = authenticate(token, client_ip(request))
        check_rate(api_token)
        request.user = api_token.user  # for the security-event middleware, and forms
        update_context(user_id=api_token.user_id, username=api_token.user.get_username(), source="api")
        return api_token


class Docs(DocsBase):
    """Swagger UI from the files django-ninja ships (served as our static files: no CDN),
    on a page of our own whose script reads its settings from data- attributes (CSP)."""

    def render_page(self, request, api, **kwargs):
        # The page is one of the site's (signed in); the document itself is public, so that
        # clients and tools can read it without a session.
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return render(request, "api/docs.html", {"openapi_url": self.get_openapi_url(api, kwargs)})


api = NinjaAPI(
    title="招商引资综合管理平台 API",
    version="1",
    description="读取项目、到位资金、目标、统计报表和预警，提交跟踪洽谈记录和阶段填报。"
    "认证、权限范围、分页、错误、ETag 和 Idempotency-Key 见 docs/api.md。",
    urls_namespace="api-v1",
    auth=TokenAuth(),
    renderer=ChineseJSON(),
    docs=Docs(),
)


# --- Errors: always JSON, always Chinese --------------------------------------------------------


def error(request, status: int, code: str, message: str, *, headers=None, **extra) -> HttpResponse:
    body = {"code": code, "message": message, **{key: value for key, value in extra.items() if value is not None}}
    response = api.create_response(request, body, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


@api.exception_handler(ApiError)
def _api_error(request, exc: ApiError):
    from zhaoshang.api.services import TOKEN_REFUSALS, record_refused_token

    if exc.code in TOKEN_REFUSALS:
        record_refused_token(request, exc)
    return error(request, exc.status, exc.code, exc.message, headers=exc.headers, **exc.extra)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return error(request, 401, "unauthenticated", "请在 Authorization 请求头中提供 API 令牌：Bearer zs_…")


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    if exc.status_code == 400:  # ninja could not read the body
        return error(
            request, 400, "bad_request", "请求体无法解析：须为 JSON 对象，并带 Content-Type: application/json。"
        )
    return error(request, exc.status_code, "http_error", "请求无法处理。")


@api.exception_handler(Http404)
def _not_found(request, exc):
    return error(request, 404, "not_found", "未找到该对象，或它不在您的管理范围内。")


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return error(request, 403, "forbidden", str(exc) or "您没有权限进行此操作。")


PYDANTIC_MESSAGES = {
    "missing": "必须填写",
    "extra_forbidden": "不是可用的字段",
    "string_type": "应为文字",
    "string_too_long": "过长",
    "string_too_short": "过短",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "greater_than_equal": "过小",
    "less_than_equal": "过大",
    "bool_parsing": "应为 true 或 false",
    "bool_type": "应为 true 或 false",
    "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD",
    "date_from_datetime_inexact": "日期格式应为 YYYY-MM-DD",
    "date_parsing": "日期格式应为 YYYY-MM-DD",
    "date_type": "日期格式应为 YYYY-MM-DD",
    "json_invalid": "请求体不是有效的 JSON",
    "model_attributes_type": "请求体应为 JSON 对象",
    "dict_type": "请求体应为 JSON 对象",
    "list_type": "应为列表",
    "literal_error": "不是可选的值",
}


@api.exception_handler(NinjaValidationError)
def _invalid(request, exc: NinjaValidationError):
    fields: dict[str, list[str]] = {}
    for item in exc.errors:
        location = [str(part) for part in item.get("loc", ()) if part not in ("body", "query", "path", "payload")]
        name = ".".join(location) or "请求"
        message = PYDANTIC_MESSAGES.get(item.get("type", ""), "格式不正确")
        if item.get("type") == "string_too_short" and item.get("ctx", {}).get("min_length") == 1:
            message = "不能为空"
        if item.get("type") == "literal_error":
            expected = str(item.get("ctx", {}).get("expected", "")).replace("'", "")
            message += f"（可选：{expected.replace(' or ', '、').replace(', ', '、')}）"
        fields.setdefault(name, []).append(message)
    message = "；".join(f"{name}：{'、'.join(messages)}" for name, messages in fields.items())
    return error(request, 422, "invalid", f"请求内容有误：{message}。", fields=fields)


@api.exception_handler(Exception)
def _crash(request, exc):
    if is_database_busy(exc):
        return error(
            request,
            503,
            "busy",
            "系统繁忙，请稍后重试；本次请求未保存任何内容。",
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    logger.exception("API error on %s %s", request.method, request.path, exc_info=exc)
    return error(request, 500, "server_error", "服务器内部错误，已记录；请稍后重试或联系运维人员。")


def invalid(problems: dict[str, list[str]], labels: dict[str, str]) -> ApiError:
    """422 from a form's or a service's {field: [messages]}, labelled in Chinese."""
    fields = {name: list(messages) for name, messages in problems.items()}
    text = "；".join(
        f"{labels[name]}：{''.join(messages)}" if name in labels else "".join(messages)
        for name, messages in fields.items()
    )
    return ApiError(422, "invalid", text, fields=fields)


def form_invalid(form) -> ApiError:
    labels = {name: str(field.label) for name, field in form.fields.items()}
    return invalid({name: list(errors) for name, errors in form.errors.items()}, labels)


def service_invalid(exc: ValidationError, labels: dict[str, str]) -> ApiError:
    if hasattr(exc, "error_dict"):
        return invalid(exc.message_dict, labels)
    return invalid({"__all__": exc.messages}, labels)


# --- Helpers -----------------------------------------------------------------------------------


def exact(value) -> str | None:
    """A Decimal as its exact digits ("80000", "0.5"), never a float."""
    return None if value is None else format(Decimal(value).normalize(), "f")


def local(moment):
    return timezone.localtime(moment) if moment else None


CURSOR_SALT = "zhaoshang.api.cursor"


class Keyset:
    """Cursor pagination over (sort key, id): the cursor is the last row's pair, signed
    (opaque to clients, refused when tampered with), so a page is an indexed range read
    however deep, and rows added meanwhile neither repeat nor vanish."""

    def __init__(self, field: str, descending: bool, parse=str):
        self.field, self.descending, self.parse = field, descending, parse

    def page(self, request, queryset, name: str, cursor: str | None, limit: int):
        order = ("-" if self.descending else "") + self.field
        queryset = queryset.order_by(order, "-id" if self.descending else "id")
        if cursor:
            try:
                sort, key, last_id = signing.loads(cursor, salt=CURSOR_SALT)
                if sort != name:
                    raise ValueError(sort)
                key, last_id = self.parse(key), int(last_id)
            except (signing.BadSignature, ValueError, TypeError):
                raise ApiError(
                    400, "bad_cursor", "分页游标无效（或与排序方式不符），请去掉 cursor 从第一页重新开始。"
                ) from None
            before = "lt" if self.descending else "gt"
            queryset = queryset.filter(
                Q(**{f"{self.field}__{before}": key}) | Q(**{self.field: key, f"id__{before}": last_id})
            )
        rows = list(queryset[: limit + 1])
        next_url = None
        if len(rows) > limit:
            rows = rows[:limit]
            last = rows[-1]
            value = getattr(last, self.field)
            token = signing.dumps(
                [name, value.isoformat() if hasattr(value, "isoformat") else str(value), last.pk], salt=CURSOR_SALT
            )
            params = request.GET.copy()
            params["cursor"] = token
            next_url = request.build_absolute_uri(f"{request.path}?{params.urlencode()}")
        return rows, next_url


def _datetime(text):
    import datetime

    return datetime.datetime.fromisoformat(text)


def _date(text):
    import datetime

    return datetime.date.fromisoformat(text)


def filtered(filterset):
    """The FilterSet's rows, or 422 with the page's own messages for values it refused."""
    from zhaoshang.core.generic import filter_errors

    problems = filter_errors(filterset)
    if problems:
        raise ApiError(422, "invalid", "筛选条件有误：" + "；".join(problems))
    return filterset.qs


def listed(request, app: str, filterset_class, base, keyset, sort: str, cursor, limit: int, row, related=()) -> dict:
    """One cursor page of ``base`` (already restricted) under the list page's FilterSet."""
    require_scope(request.auth, app)
    require_business(request.user)
    rows = filtered(filterset_class(request.GET, queryset=base, request=request))
    if related:
        # Never a bare select_related(): it would replace the base's own list with "every
        # non-null foreign key", and a nullable one (a contact's company) would cost a query a row.
        rows = rows.select_related(*related)
    page, next_url = keyset.page(request, rows, sort, cursor, limit)
    return {"results": [row(item) for item in page], "next": next_url}


# --- Me and units ------------------------------------------------------------------------------


def unit_out(unit) -> dict:
    return {
        "id": unit.pk,
        "code": unit.code,
        "name": unit.name,
        "type": unit.type,
        "type_label": unit.get_type_display(),
        "parent_id": unit.parent_id,
        "depth": unit.depth,
        "active": unit.active,
    }


@api.get("/me", response={200: schemas.MeOut, ERRORS: schemas.ErrorOut}, tags=["账号"], summary="当前令牌及其用户")
def me(request):
    token, user = request.auth, request.auth.user
    return {
        "id": user.pk,
        "username": user.username,
        "name": user.name,
        "role": user.role,
        "role_label": user.get_role_display(),
        "unit": unit_out(user.unit) if user.unit_id else None,
        "token_name": token.name,
        "token_prefix": token.prefix,
        "scopes": token.scopes,
        "token_expires_at": local(token.expires_at),
    }


@api.get("/units", response={200: list[schemas.UnitOut], ERRORS: schemas.ErrorOut}, tags=["单位"], summary="可见的单位")
def units(request):
    """The units the user may see (an officer: their own unit's subtree), in tree order."""
    require_scope(request.auth, "units")
    return [unit_out(unit) for unit in Unit.objects.restrict(request.user).order_by("path")]


# --- Projects ----------------------------------------------------------------------------------

PROJECT_SORTS = {
    "-updated": Keyset("updated_at", True, _datetime),
    "updated": Keyset("updated_at", False, _datetime),
    "-created": Keyset("created_at", True, _datetime),
    "created": Keyset("created_at", False, _datetime),
    "name": Keyset("name", False),
}


PROJECT_ROW_FIELDS = [
    "code",
    "name",
    "version",
    "stage",
    "verified_stage",
    "is_key",
    "total_investment",
    "responsible_unit__name",
    "investor__name",
    "signed_on",
    "started_on",
    "created_at",
    "updated_at",
]


def project_row(project) -> dict:
    return {
        "id": project.pk,
        "code": project.code,
        "name": project.name,
        "version": project.version,
        "stage": project.stage,
        "stage_label": project.get_stage_display(),
        "verified_stage": project.verified_stage,
        "is_key": project.is_key,
        "total_investment": exact(project.total_investment),
        "responsible_unit_id": project.responsible_unit_id,
        "responsible_unit": project.responsible_unit.name,
        "investor": project.investor.name if project.investor_id else None,
        "signed_on": project.signed_on,
        "started_on": project.started_on,
        "updated_at": local(project.updated_at),
    }


@api.get(
    "/projects",
    response={200: schemas.ProjectPage, ERRORS: schemas.ErrorOut},
    tags=["项目"],
    summary="项目列表（游标分页）",
)
def projects(
    request,
    q: str | None = None,
    stage: list[str] = Query(None),
    verification: str | None = None,
    unit: str | None = None,
    industry: str | None = None,
    leading_industry: str | None = None,
    chain_tag: str | None = None,
    promotion_method: str | None = None,
    amount: str | None = None,
    signed_from: str | None = None,
    signed_to: str | None = None,
    started_from: str | None = None,
    started_to: str | None = None,
    is_key: str | None = None,
    investor_origin: str | None = Query(
        None, description="客商来源：市外、省外、境外，或客商来源分组的名称（沪苏浙、京津冀、粤港澳……）"
    ),
    sort: str = Query("-updated", description="-updated（默认）、updated、-created、created、name"),
    cursor: str | None = Query(None, description="上一页应答中 next 所带的游标"),
    limit: int = Query(50, ge=1, le=100),
):
    """The project list's filters (the same FilterSet as the page), live projects only."""
    from zhaoshang.projects.filtersets import ProjectFilterSet
    from zhaoshang.projects.models import Project

    if sort not in PROJECT_SORTS:
        raise ApiError(422, "invalid", f"不支持的排序方式「{sort}」，可用：{'、'.join(PROJECT_SORTS)}。")
    # Only the columns a row shows: fifty instances each converting every column (the
    # description, the remarks …) they never send.
    base = Project.objects.restrict(request.user).filter(merged_into__isnull=True).only(*PROJECT_ROW_FIELDS)
    keyset = PROJECT_SORTS[sort]
    return listed(
        request,
        "projects",
        ProjectFilterSet,
        base,
        keyset,
        sort,
        cursor,
        limit,
        project_row,
        ("investor", "responsible_unit"),
    )


def _project(user, project_id: int, action=Action.VIEW):
    from zhaoshang.projects.models import Project

    require_business(user)
    if action != Action.VIEW and not Project.access.allows(user, action):
        raise ApiError(403, "read_only", "您的角色只能查看项目，不能修改。")
    project = (
        Project.objects.restrict(user, action)
        .select_related("investor", "responsible_unit", "industry")
        .filter(pk=project_id)
        .first()
    )
    if project is None:
        raise Http404
    return project


def etag(project) -> str:
    return f'"{project.version}"'


def event_out(event) -> dict:
    return {
        "id": event.pk,
        "stage": event.stage,
        "stage_label": event.get_stage_display(),
        "date": event.date,
        "amount": exact(event.amount),
        "is_supplementary": event.is_supplementary,
        "note": event.note,
        "status": event.status,
        "status_label": event.get_status_display(),
        "submitted_at": local(event.submitted_at),
        "verified_at": local(event.verified_at),
        "return_reason": event.return_reason,
    }


def follow_up_out(follow_up) -> dict:
    return {
        "id": follow_up.pk,
        "date": follow_up.date,
        "kind": follow_up.kind,
        "kind_label": follow_up.get_kind_display(),
        "participants": follow_up.participants,
        "content": follow_up.content,
        "investor_requests": follow_up.investor_requests,
        "next_step": follow_up.next_step,
        "next_contact_on": follow_up.next_contact_on,
        "created_at": local(follow_up.created_at),
    }


def project_detail_out(user, project) -> dict:
    from zhaoshang.projects.forms import NUMBER_FIELDS
    from zhaoshang.projects.models import Attachment, FollowUp, ProjectCredit, StageEvent

    events = StageEvent.objects.restrict(user).filter(project=project).order_by("date", "id")
    follow_ups = FollowUp.objects.restrict(user).filter(project=project).order_by("-date", "-id")
    credits = ProjectCredit.objects.restrict(user).filter(project=project).select_related("unit")
    attachments = Attachment.objects.restrict(user).filter(project=project).order_by("uploaded_at", "id")
    return {
        **project_row(project),
        "description": project.description,
        "signing_party": project.signing_party,
        "construction_nature": project.construction_nature,
        "investment_form": project.investment_form,
        "industry": project.industry.name if project.industry_id else None,
        "leading_industry": project.leading_industry,
        "chain_tag": project.chain_tag,
        "promotion_method": project.promotion_method,
        **{name: exact(getattr(project, name)) for name in NUMBER_FIELDS if name != "total_investment"},
        "expected_jobs": project.expected_jobs,
        "site": project.site,
        "landing_unit_id": project.landing_unit_id,
        "responsible_leader": project.responsible_leader,
        "officer_in_charge": project.officer_in_charge,
        "task_team": project.task_team,
        "key_manual": project.key_manual,
        "agreed_start_on": project.agreed_start_on,
        "agreed_production_on": project.agreed_production_on,
        "registered_on": project.registered_on,
        "production_on": project.production_on,
        "remarks": project.remarks,
        "events": [event_out(event) for event in events],
        "follow_ups": [follow_up_out(row) for row in follow_ups],
        "credits": [
            {"unit_id": row.unit_id, "unit": row.unit.name, "percent": exact(row.percent), "reason": row.reason}
            for row in credits
        ],
        "attachments": [
            {
                "id": row.pk,
                "original_name": row.original_name,
                "content_type": row.content_type,
                "size": row.size,
                "sha256": row.sha256,
                "description": row.description,
                "stage_event_id": row.stage_event_id,
                "follow_up_id": row.follow_up_id,
                "uploaded_at": local(row.uploaded_at),
            }
            for row in attachments
        ],
    }


@api.get(
    "/projects/{project_id}",
    response={200: schemas.ProjectDetail, ERRORS: schemas.ErrorOut},
    tags=["项目"],
    summary="项目详情（含阶段事件、跟踪洽谈、业绩归属、附件信息）",
)
def project_detail(request, project_id: int, response: HttpResponse):
    require_scope(request.auth, "projects")
    project = _project(request.user, project_id)
    response["ETag"] = etag(project)
    return project_detail_out(request.user, project)


IF_MATCH = Header(None, alias="If-Match", description='读取项目时应答的 ETag，例如 "3"；必填')
IDEMPOTENCY_KEY = Header(
    None,
    alias="Idempotency-Key",
    max_length=100,
    description="重试同一请求时带同一个键：只创建一条记录，返回第一次的应答",
)


def _if_match(header: str | None) -> int:
    header = (header or "").strip()
    if not header:
        raise ApiError(
            428,
            "precondition_required",
            "修改项目须带 If-Match 请求头（取自读取项目时应答的 ETag），以免覆盖他人的修改。",
        )
    text = header.removeprefix("W/").strip('"')
    if not text.isdigit() or len(text) > 9:
        raise ApiError(400, "bad_if_match", 'If-Match 请求头格式有误，应为读取项目时应答的 ETag，例如 "3"。')
    return int(text)


def _stale(project) -> ApiError:
    return ApiError(
        412,
        "stale",
        f"该项目已被他人修改（当前版本 {project.version}），您的修改未保存。请重新读取项目后在最新版本上修改。",
        headers={"ETag": etag(project)},
        current_version=project.version,
    )


@api.patch(
    "/projects/{project_id}",
    response={200: schemas.ProjectDetail, ERRORS: schemas.ErrorOut},
    tags=["项目"],
    summary="修改项目（须带 If-Match）",
)
def project_patch(
    request, project_id: int, payload: schemas.ProjectPatch, response: HttpResponse, if_match: str | None = IF_MATCH
):
    """The edit page's form and service: the same checks and messages; only the fields sent
    change. If-Match must carry the ETag the project was read with."""
    from zhaoshang.projects.forms import ProjectForm
    from zhaoshang.projects.services import update_project

    require_scope(request.auth, "projects", "write")
    project = _project(request.user, project_id, Action.CHANGE)
    expected = _if_match(if_match)
    if expected != project.version:
        raise _stale(project)
    changes = payload.model_dump(exclude_unset=True)
    current = ProjectForm(instance=project, user=request.user)
    data = {name: current[name].value() for name, field in current.fields.items() if not field.disabled}
    data.update(changes)
    data["version"] = expected
    form = ProjectForm(data, instance=project, user=request.user)
    if not form.is_valid():
        raise form_invalid(form)
    try:
        with transaction.atomic():
            update_project(request.user, form.save(commit=False), expected_version=expected)
    except StaleEditError as exc:
        raise _stale(exc.current) from None
    except ValidationError as exc:
        raise service_invalid(exc, {name: str(field.label) for name, field in form.fields.items()}) from None
    project = _project(request.user, project_id)
    response["ETag"] = etag(project)
    return project_detail_out(request.user, project)


def _replayed(response: HttpResponse, replayed: bool) -> None:
    if replayed:
        response["Idempotent-Replayed"] = "true"


@api.post(
    "/projects/{project_id}/follow-ups",
    response={201: schemas.FollowUpOut, ERRORS: schemas.ErrorOut},
    tags=["项目"],
    summary="添加跟踪洽谈记录（可带 Idempotency-Key）",
)
def follow_up_create(
    request,
    project_id: int,
    payload: schemas.FollowUpIn,
    response: HttpResponse,
    idempotency_key: str | None = IDEMPOTENCY_KEY,
):
    from zhaoshang.projects.forms import FollowUpForm
    from zhaoshang.projects.services import add_follow_up

    require_scope(request.auth, "projects", "write")
    project = _project(request.user, project_id, Action.CHANGE)

    def create():
        form = FollowUpForm(payload.model_dump())
        if not form.is_valid():
            raise form_invalid(form)
        labels = {name: str(field.label) for name, field in form.fields.items()}
        try:
            follow_up = add_follow_up(request.user, project, form.save(commit=False))
        except ValidationError as exc:
            raise service_invalid(exc, labels) from None
        return 201, follow_up_out(follow_up)

    status, body, replayed = idempotent(request, request.auth, idempotency_key, create)
    _replayed(response, replayed)
    return Status(status, body)


@api.post(
    "/projects/{project_id}/stage-claims",
    response={201: schemas.StageEventOut, ERRORS: schemas.ErrorOut},
    tags=["项目"],
    summary="阶段填报（等待招商局审核；可带 Idempotency-Key）",
)
def stage_claim_create(
    request,
    project_id: int,
    payload: schemas.StageClaimIn,
    response: HttpResponse,
    idempotency_key: str | None = IDEMPOTENCY_KEY,
):
    """As 「推进阶段」 on the project page. 开工 and 投产 need evidence files, which are
    uploaded on the page; the API refuses them with ``evidence_required``."""
    from zhaoshang.projects.choices import Stage
    from zhaoshang.projects.forms import StageClaimForm
    from zhaoshang.projects.services import StageClaim, submit_stage

    require_scope(request.auth, "projects", "write")
    project = _project(request.user, project_id, Action.CHANGE)

    def create():
        form = StageClaimForm(payload.model_dump(), project=project)
        if not form.is_valid():
            raise form_invalid(form)
        data = form.cleaned_data
        if data["stage"] in (Stage.STARTED, Stage.PRODUCTION):
            raise ApiError(
                422,
                "evidence_required",
                "开工、投产须上传证明材料（如施工许可证、开工或投产现场照片），请在项目页面「推进阶段」填报。",
            )
        claim = StageClaim(
            stage=data["stage"],
            date=data["date"],
            amount=data["amount"],
            note=data["note"],
            is_supplementary=data["is_supplementary"],
        )
        try:
            event = submit_stage(request.user, project, claim)
        except ValidationError as exc:
            raise service_invalid(exc, {name: str(field.label) for name, field in form.fields.items()}) from None
        return 201, event_out(event)

    status, body, replayed = idempotent(request, request.auth, idempotency_key, create)
    _replayed(response, replayed)
    return Status(status, body)


# --- Funds, targets, statistics, warnings ------------------------------------------------------


def tranche_out(row) -> dict:
    return {
        "id": row.pk,
        "project_id": row.project_id,
        "project": row.project.name,
        "date": row.date,
        "amount": exact(row.amount),
        "kind": row.kind,
        "amount_usd": exact(row.amount_usd),
        "source": row.source,
        "source_region": row.source_region,
        "voucher_no": row.voucher_no,
        "status": row.status,
        "status_label": row.get_status_display(),
    }


@api.get(
    "/tranches",
    response={200: schemas.TranchePage, ERRORS: schemas.ErrorOut},
    tags=["到位资金"],
    summary="到位资金（游标分页，最新在前）",
)
def tranches(
    request,
    q: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    unit: str | None = None,
    status: str | None = None,
    kind: str | None = None,
    source: str | None = None,
    project: str | None = None,
    cursor: str | None = None,
    limit: int = Query(50, ge=1, le=100),
):
    from zhaoshang.funds.filtersets import FundsTrancheFilterSet
    from zhaoshang.funds.models import FundsTranche

    base = FundsTranche.objects.restrict(request.user)
    keyset = Keyset("date", True, _date)
    return listed(
        request, "funds", FundsTrancheFilterSet, base, keyset, "-date", cursor, limit, tranche_out, ("project",)
    )


@api.get(
    "/targets", response={200: list[schemas.TargetOut], ERRORS: schemas.ErrorOut}, tags=["目标任务"], summary="年度目标"
)
def targets(request, year: int = Query(None, ge=2000, le=2100)):
    from zhaoshang.targets.models import Target

    require_scope(request.auth, "targets")
    require_business(request.user)
    year = year or timezone.localdate().year
    rows = (
        Target.objects.restrict(request.user)
        .filter(year=year)
        .select_related("unit")
        .order_by("unit__path", "indicator")
    )
    return [
        {
            "id": row.pk,
            "year": row.year,
            "unit_id": row.unit_id,
            "unit": row.unit.name,
            "indicator": row.indicator,
            "indicator_label": row.get_indicator_display(),
            "value": exact(row.value),
            "note": row.note,
        }
        for row in rows
    ]


@api.get(
    "/stats/table",
    response={200: schemas.StatsTableOut, ERRORS: schemas.ErrorOut},
    tags=["统计报表"],
    summary="统计表（与页面同一口径）",
)
def stats_table(
    request,
    year: int | None = Query(None, ge=2000, le=2100),
    first: int | None = Query(None, ge=1, le=12),
    last: int | None = Query(None, ge=1, le=12),
    unit: int | None = Query(None, ge=1),
    indicators: str | None = Query(None, description="指标代码，以逗号分隔；不填为全部"),
    ratios: str | None = Query(None, description="比率指标代码，以逗号分隔，或 all"),
):
    """Each indicator's value, target, completion, schedule gap and year-on-year change as
    exact decimal strings, with the counting rules (口径) the table used."""
    from zhaoshang.stats import tables
    from zhaoshang.stats.views import _answer

    require_scope(request.auth, "stats")
    require_business(request.user)
    _, result, errors = _answer(request)  # the page's own question and answer (TableForm, tables.build)
    if result is None:
        raise ApiError(422, "invalid", "；".join(errors))
    return tables.as_data(result)


def warning_out(row) -> dict:
    return {
        "id": row.pk,
        "kind": row.kind,
        "kind_label": row.kind_label,
        "level": row.level,
        "level_label": row.get_level_display(),
        "status": row.status,
        "project_id": row.project_id,
        "unit_id": row.unit_id,
        "unit": row.unit.name,
        "message": row.message,
        "since": row.since,
        "created_at": local(row.created_at),
        "cleared_at": local(row.cleared_at),
    }


@api.get(
    "/warnings",
    response={200: schemas.WarningPage, ERRORS: schemas.ErrorOut},
    tags=["预警"],
    summary="预警（默认未解除；游标分页）",
)
def warnings(
    request,
    level: str | None = None,
    kind: str | None = None,
    unit: str | None = None,
    status: str | None = None,
    project: str | None = None,
    cursor: str | None = None,
    limit: int = Query(50, ge=1, le=100),
):
    from zhaoshang.alerts.filtersets import WarningFilterSet
    from zhaoshang.alerts.models import Warning

    base = Warning.objects.restrict(request.user)
    keyset = Keyset("created_at", True, _datetime)
    return listed(request, "alerts", WarningFilterSet, base, keyset, "-created", cursor, limit, warning_out, ("unit",))


def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Any other path under /api/v1/: JSON, not the site's HTML 404 page."""
    return error(request, 404, "not_found", "没有这个接口，请对照 /api/v1/openapi.json。")


# --- The other apps' resources: a Router each in zhaoshang/api/resources/, and the feeds ------

api.add_router("/feeds", "zhaoshang.api.feeds.router")
api.add_router("", "zhaoshang.api.resources.supervision.router")
api.add_router("", "zhaoshang.api.resources.scheduling.router")
api.add_router("", "zhaoshang.api.resources.bulletins.router")
api.add_router("", "zhaoshang.api.resources.assessment.router")
api.add_router("", "zhaoshang.api.resources.dashboard.router")
api.add_router("", "zhaoshang.api.resources.users.router")
api.add_router("", "zhaoshang.api.resources.leads.router")
api.add_router("", "zhaoshang.api.resources.imports.router")
api.add_router("", "zhaoshang.api.resources.review.router")
api.add_router("", "zhaoshang.api.resources.relations.router")
api.add_router("", "zhaoshang.api.resources.fieldwork.router")
