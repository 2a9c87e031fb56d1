"""Account workflows: lockout, creating users, resetting passwords, roles, disabling.

Each is one transaction and writes its own audit row where the generic before/after
record would not say enough (a role change, a reset by an administrator).
"""

import datetime
import secrets
import string

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from zhaoshang.accounts.choices import Role
from zhaoshang.accounts.models import User
from zhaoshang.core.choices import AuditAction
from zhaoshang.core.models import AuditLog


def lockout_until(username: str, now: datetime.datetime | None = None) -> datetime.datetime | None:
    """When the account ``username`` unlocks, or None if it is not locked.

    Locked while the LIMIT-th most recent failure since the last successful login is
    less than LOCKOUT minutes old. Keyed by the user name typed, not the client address:
    behind a government proxy every user shares one IP.
    """
    now = now or timezone.now()
    window = datetime.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    limit = settings.LOGIN_FAILURE_LIMIT
    since = now - window
    last_success = (
        AuditLog.objects.filter(username=username, action=AuditAction.LOGIN, time__gte=since)
        .order_by("-time")
        .values_list("time", flat=True)
        .first()
    )
    if last_success is not None:
        since = last_success
    recent = list(
        AuditLog.objects.filter(username=username, action=AuditAction.LOGIN_FAILED, time__gt=since)
        .order_by("-time")
        .values_list("time", flat=True)[:limit]
    )
    if len(recent) < limit:
        return None
    return recent[-1] + window


def generate_password(length: int = 12) -> str:
    """A temporary password that satisfies the default policy (all four classes)."""
    alphabet = string.ascii_letters + string.digits + "!@#$%^&*"
    while True:
        candidate = "".join(secrets.choice(alphabet) for _ in range(length))
        if (
            any(c.islower() for c in candidate)
            and any(c.isupper() for c in candidate)
            and any(c.isdigit() for c in candidate)
            and any(c in "!@#$%^&*" for c in candidate)
        ):
            return candidate


@transaction.atomic
def create_user(
    *,
    username: str,
    role: str,
    unit=None,
    name: str = "",
    phone: str = "",
    title: str = "",
    password: str | None = None,
    must_change_password: bool = True,
    service_account: bool = False,
) -> tuple[User, str | None]:
    """Create an account; returns it with its initial password (generated if not given).

    An account created by an administrator must change its password at first login. A
    service account gets no password at all (None): it signs in nowhere, its API tokens
    are issued on the token pages.
    """
    user = User(
        username=username,
        role=role,
        unit=unit,
        name=name,
        phone=phone,
        title=title,
        must_change_password=must_change_password and not service_account,
        is_service_account=service_account,
    )
    if service_account:
        password = None
        user.set_unusable_password()
    else:
        password = password or generate_password()
        validate_password(password, user)
        user.set_password(password)
    user.full_clean()
    user.save()
    return user, password


@transaction.atomic
def reset_password(user: User) -> str:
    """An administrator resets a password: a temporary one, to be changed at next login."""
    if user.is_service_account:
        raise PermissionDenied("服务账号没有密码，不能登录页面；请在 API 令牌页面为其签发或吊销令牌。")
    password = generate_password()
    user.set_password(password)
    user.must_change_password = True
    user.save()
    AuditLog.record(AuditAction.PASSWORD_RESET, user, detail="管理员重置密码")
    return password


@transaction.atomic
def change_own_password(user: User, new_password: str) -> None:
    user.set_password(new_password)
    user.must_change_password = False
    user.save()
    AuditLog.record(AuditAction.PASSWORD_CHANGE, user, detail="用户修改本人密码")


@transaction.atomic
def change_role(user: User, role: str, unit=None, *, actor: User | None = None) -> None:
    """Change a user's role (and unit). Logged as a permission change as well. Nobody
    changes their own role: a system admin who made themselves the bureau would hold two
    of the separated duties (三权分立)."""
    if actor is not None and actor.pk == user.pk and role != user.role:
        raise PermissionDenied("不能修改自己的角色。")
    before = {"role": user.role, "unit": user.unit_id}
    user.role = role
    user.unit = unit
    user.full_clean()
    user.save()
    AuditLog.record(
        AuditAction.ROLE_CHANGE,
        user,
        changes={"role": [before["role"], role], "unit": [before["unit"], getattr(unit, "pk", None)]},
        detail=f"角色变更为「{Role(role).label}」",
    )


@transaction.atomic
def set_active(user: User, active: bool) -> None:
    """Disable or enable an account. A disabled user's sessions end at their next
    request: the authentication backend refuses inactive users."""
    user.is_active = active
    user.save()
    if not active:
        end_sessions(user)


def end_sessions(user: User) -> int:
    """Delete the stored sessions of ``user`` (database sessions)."""
    from django.contrib.sessions.models import Session

    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()
            ended += 1
    return ended


def password_expired(user: User) -> bool:
    days = settings.PASSWORD_MAX_AGE_DAYS
    if not days or user.password_changed_at is None:
        return False
    return timezone.now() - user.password_changed_at > datetime.timedelta(days=days)
