"""API tokens: create (the secret shown once), revoke, check on use; rate limits; the
remembered answers of POSTs sent with an Idempotency-Key.

A token reads ``zs_<prefix>_<secret>``. The prefix finds the row; the SHA-256 of the whole
token must equal the stored digest (compared in constant time). SHA-256 and not a slow
password hash: the secret is 32 random bytes, not something a person chose, so it cannot
be guessed from a list, and a slow hash on every API call would cost more than the call.
"""

import datetime
import hashlib
import hmac
import ipaddress
import json
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from zhaoshang.accounts.choices import Role
from zhaoshang.api.choices import ALL_SCOPES, ScopeApp
from zhaoshang.api.models import ApiToken, IdempotentRequest
from zhaoshang.core.choices import Action

TOKEN_START = "zs_"  # noqa: S105 (the tokens' visible start, not a secret)
TOUCH_SECONDS = 60  # last used at / from is written at most this often


class ApiError(Exception):
    """An answer other than success: its status, a stable code and a Chinese message."""

    def __init__(self, status: int, code: str, message: str, *, headers: dict | None = None, **extra):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}
        self.extra = extra
        self.token = None  # the token refused, when it was found (for the security event)


# Refusals of a token that are security events (core.security.record_token_refusal).
TOKEN_REFUSALS = {
    "token_invalid": "API 令牌无效",
    "token_revoked": "API 令牌已吊销",
    "token_expired": "API 令牌已过期",
    "user_inactive": "API 令牌所属账号已停用",
    "ip_not_allowed": "API 令牌来源地址不允许",
    "scope_missing": "API 令牌缺少权限范围",
}


def record_refused_token(request, exc: ApiError) -> None:
    """A refused token is a security event (the auditor's 安全事件 page), with its reason and
    the token's prefix where it was found."""
    from zhaoshang.core.middleware import client_ip
    from zhaoshang.core.security import record_token_refusal

    token = exc.token or getattr(request, "auth", None)
    reason = TOKEN_REFUSALS[exc.code]
    if token is not None:
        reason += f"（{token.prefix}…）"
        if exc.code == "scope_missing":
            reason += "：" + exc.message.removeprefix("该令牌没有").removesuffix("权限。")
    record_token_refusal(request, exc.status, reason, token.user if token is not None else None, client_ip(request))
    request.security_event_recorded = True


def digest_of(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


# --- Create and revoke -----------------------------------------------------------------------


def network_problems(text: str) -> str | None:
    """Why the typed IP ranges cannot be used, or None."""
    for line in text.replace(",", "\n").splitlines():
        if not line.strip():
            continue
        try:
            ipaddress.ip_network(line.strip(), strict=False)
        except ValueError:
            return f"「{line.strip()}」不是有效的 IP 地址或网段（例如 10.12.0.0/16）。"
    return None


@dataclass
class NewToken:
    token: ApiToken
    secret: str  # the whole token, shown once and never again


def usable_scopes(user) -> list[str]:
    """The scopes worth giving this user's token: those their role can use at all (a
    leader's token gets no write scope but 批示, the auditor's and the system admin's no
    business data: 三权分立 holds for tokens as for pages)."""
    from zhaoshang.accounts.models import Unit
    from zhaoshang.alerts.models import Warning
    from zhaoshang.assessment.models import AssessmentResult
    from zhaoshang.bulletins.models import Bulletin
    from zhaoshang.fieldwork.models import Trip
    from zhaoshang.funds.models import FundsTranche
    from zhaoshang.imports.models import ImportBatch
    from zhaoshang.leads.models import Handover
    from zhaoshang.projects.models import Project
    from zhaoshang.relations.models import Contact
    from zhaoshang.review.services import queue_action
    from zhaoshang.scheduling.models import RoundItem
    from zhaoshang.stats.models import UnitMonthFact
    from zhaoshang.supervision.models import Instruction, Problem
    from zhaoshang.targets.models import Target

    models = {
        ScopeApp.UNITS: Unit,
        ScopeApp.PROJECTS: Project,
        ScopeApp.FUNDS: FundsTranche,
        ScopeApp.TARGETS: Target,
        ScopeApp.STATS: UnitMonthFact,
        ScopeApp.ALERTS: Warning,
        ScopeApp.SUPERVISION: Problem,
        ScopeApp.SCHEDULING: RoundItem,
        ScopeApp.BULLETINS: Bulletin,
        ScopeApp.ASSESSMENT: AssessmentResult,
        ScopeApp.DASHBOARD: Project,  # the dashboard's own test: who reads projects
        ScopeApp.LEADS: Handover,
        ScopeApp.IMPORTS: ImportBatch,
        # Contacts' rule (PersonalRecords): who keeps people's records may reveal them.
        ScopeApp.RELATIONS: Contact,
        ScopeApp.FIELDWORK: Trip,
    }
    # Where the model's rule alone does not say it: a leader, who otherwise only reads,
    # writes 批示 (supervision:write); the account list is the system admin's alone.
    special = {
        "supervision:write": lambda: (
            Problem.access.allows(user, Action.CHANGE) or Instruction.access.allows(user, Action.ADD)
        ),
        "users:read": lambda: user.role == Role.SYSADMIN,
        # The review queue: read by whoever reads every kind of claim, decided by the bureau.
        "review:read": lambda: queue_action(user) is not None,
        "review:write": lambda: queue_action(user) == Action.VERIFY,
    }
    usable = []
    for scope in ALL_SCOPES:
        app, _, level = scope.partition(":")
        action = Action.VIEW if level == "read" else Action.CHANGE
        if special[scope]() if scope in special else models[ScopeApp(app)].access.allows(user, action):
            usable.append(scope)
    return usable


def issuable_owner(actor, owner):
    """Whose token ``actor`` may create: their own, or — the system admin only — a service
    account's (a machine client has nobody to sign in and create its own)."""
    if owner is None or owner.pk == actor.pk:
        return actor
    if actor.role == Role.SYSADMIN and owner.is_service_account and owner.is_active:
        return owner
    raise PermissionDenied("只有系统管理员能为服务账号签发令牌；其他人的令牌须由本人创建。")


@transaction.atomic
def create_token(user, *, name: str, scopes: list[str], days: int, allowed_networks: str = "", owner=None) -> NewToken:
    """A new token of ``user``'s, or of the service account ``owner`` issued by the system
    admin ``user``; its scopes only those the owner's role can use."""
    if not ApiToken.access.allows(user, Action.ADD):
        raise PermissionDenied("您没有权限创建 API 令牌。")
    owner = issuable_owner(user, owner)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "请填写令牌名称，写明用途。"})
    unknown = [scope for scope in scopes if scope not in ALL_SCOPES]
    if unknown or not scopes:
        raise ValidationError({"scopes": "请至少选择一项有效的权限范围。"})
    if refused := [scope for scope in scopes if scope not in usable_scopes(owner)]:
        from zhaoshang.api.choices import scope_label

        raise ValidationError(
            {
                "scopes": f"「{owner.role_label}」角色不能使用："
                + "、".join(scope_label(scope) for scope in refused)
                + "（系统管理员、审计员不接触业务数据，领导只读）。"
            }
        )
    if not 1 <= days <= settings.API_TOKEN_MAX_DAYS:
        raise ValidationError({"days": f"有效期须在 1 至 {settings.API_TOKEN_MAX_DAYS} 天之间。"})
    if problem := network_problems(allowed_networks):
        raise ValidationError({"allowed_networks": problem})
    while True:
        prefix = secrets.token_hex(4)
        if not ApiToken._base_manager.filter(prefix=prefix).exists():
            break
    raw = f"{TOKEN_START}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken(
        user=owner,
        name=name[:100],
        prefix=prefix,
        digest=digest_of(raw),
        scopes=sorted(set(scopes)),
        expires_at=timezone.now() + datetime.timedelta(days=days),
        allowed_networks="\n".join(line.strip() for line in allowed_networks.splitlines() if line.strip()),
    )
    token.save()
    return NewToken(token, raw)


@transaction.atomic
def revoke_token(user, token: ApiToken) -> ApiToken:
    """The owner or the system admin revokes a token; it stops working at once."""
    if not ApiToken.objects.restrict(user, Action.CHANGE).filter(pk=token.pk).exists():
        raise PermissionDenied("您不能吊销该令牌。")
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.revoked_by = user
        token.save()
    return token


# --- On every call -----------------------------------------------------------------------------


def authenticate(raw: str, ip: str | None) -> ApiToken:
    """The token the request carries, checked; ApiError (401/403) says why not."""
    raw = (raw or "").strip()
    parts = raw.split("_")
    if not raw.startswith(TOKEN_START) or len(parts) < 3:
        raise ApiError(401, "token_invalid", "API 令牌无效，请检查 Authorization 请求头（Bearer 令牌）。")
    token = ApiToken.objects.select_related("user", "user__unit").filter(prefix=parts[1]).first()
    if token is None or not hmac.compare_digest(token.digest, digest_of(raw)):
        raise ApiError(401, "token_invalid", "API 令牌无效，请检查 Authorization 请求头（Bearer 令牌）。")
    if token.revoked_at is not None:
        raise _refused(token, 401, "token_revoked", "该 API 令牌已被吊销，请创建新的令牌。")
    if token.expires_at <= timezone.now():
        raise _refused(token, 401, "token_expired", "该 API 令牌已过期，请创建新的令牌。")
    if not token.user.is_active:
        raise _refused(token, 401, "user_inactive", "令牌所属账号已停用。")
    if not token.allows_ip(ip):
        raise _refused(
            token,
            403,
            "ip_not_allowed",
            f"该令牌不允许从 {ip or '未知地址'} 使用，请联系令牌所有人核对允许的来源地址。",
        )
    touch(token, ip)
    return token


def _refused(token: ApiToken, status: int, code: str, message: str) -> ApiError:
    exc = ApiError(status, code, message)
    exc.token = token
    return exc


def touch(token: ApiToken, ip: str | None) -> None:
    """Record the use at most once a minute: a write on every call would make each read a
    write transaction (on SQLite the one writer's lock)."""
    now = timezone.now()
    if token.last_used_at and (now - token.last_used_at).total_seconds() < TOUCH_SECONDS:
        return
    # The base manager's plain UPDATE: no audit row (see ApiToken.audit_ignored_fields).
    ApiToken._base_manager.filter(pk=token.pk).update(last_used_at=now, last_used_ip=ip)
    token.last_used_at, token.last_used_ip = now, ip


def require_scope(token: ApiToken, app: str, level: str = "read") -> None:
    if not token.has_scope(app, level):
        from zhaoshang.api.choices import scope_label

        raise ApiError(403, "scope_missing", f"该令牌没有「{scope_label(f'{app}:{level}')}」权限。")


def require_business(user) -> None:
    """The system admin's and the auditor's tokens read no business data (三权分立), as on
    the pages."""
    if user.role in (Role.SYSADMIN, Role.AUDITOR):
        raise ApiError(403, "role_forbidden", "系统管理员和审计员不能查看业务数据（三权分立）。")


def check_rate(token: ApiToken) -> None:
    """A fixed one-minute window per token, counted in Django's cache."""
    limit = settings.API_RATE_LIMIT_PER_MINUTE
    now = time.time()
    window = int(now // 60)
    key = f"api-rate:{token.prefix}:{window}"  # the prefix: unique, and never reused as an id may be
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=120)
        count = 1
    if count > limit:
        retry = max(1, int((window + 1) * 60 - now) + 1)
        raise ApiError(
            429,
            "rate_limited",
            f"请求过于频繁：每个令牌每分钟最多 {limit} 次，请 {retry} 秒后重试。",
            headers={"Retry-After": str(retry)},
        )


# --- Idempotency-Key ---------------------------------------------------------------------------


def request_hash(request) -> str:
    return hashlib.sha256(b"%s %s\n%s" % (request.method.encode(), request.path.encode(), request.body)).hexdigest()


def idempotent(request, token: ApiToken, key: str | None, create) -> tuple[int, dict, bool]:
    """Run ``create() -> (status, body)`` once per (token, Idempotency-Key); the answer and
    whether it is a replay of the first.

    Without the header, it just runs. With it, the answer is stored in the same
    transaction as the record ``create`` makes; a retry gets that answer back and creates
    nothing. The same key with another body is refused (422). A refused request (ApiError,
    bad input) stores nothing, so its corrected retry may use the same key.
    """
    key = (key or "").strip()
    if not key:
        return (*create(), False)
    if len(key) > 100:
        raise ApiError(400, "idempotency_key_invalid", "Idempotency-Key 不能超过 100 个字符。")
    digest = request_hash(request)
    _forget_old()
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = IdempotentRequest.objects.create(token=token, key=key, request_hash=digest)
        except IntegrityError:
            record = IdempotentRequest.objects.get(token=token, key=key)
            if record.request_hash != digest:
                raise ApiError(
                    422,
                    "idempotency_key_reused",
                    "该 Idempotency-Key 已用于另一个不同内容的请求；新的请求请使用新的键。",
                ) from None
            return record.status_code, record.response, True
        status, body = create()
        record.status_code, record.response = status, json.loads(json.dumps(body, default=str))
        record.save(update_fields=["status_code", "response"])
        return status, body, False


def _forget_old() -> None:
    cutoff = timezone.now() - datetime.timedelta(hours=settings.API_IDEMPOTENCY_HOURS)
    IdempotentRequest._base_manager.filter(created_at__lt=cutoff).delete()
