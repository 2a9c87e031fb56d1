"""Accounts through the API: the system admin's list of users (the token's own user is
``GET /me``). The mirror of 三权分立: the system admin sees accounts and no business data;
every other role is refused here. Never a password hash, a second-factor secret or a
recovery code: only what the user list page shows."""

import datetime

from ninja import Query, Router

from zhaoshang.api.api import ERRORS, Keyset, filtered, local
from zhaoshang.api.schemas import ErrorOut, Schema
from zhaoshang.api.services import ApiError, require_scope

router = Router(tags=["账号"])


class UserOut(Schema):
    id: int
    username: str
    name: str
    role: str
    role_label: str
    unit_id: int | None
    unit: str | None
    title: str
    is_active: bool
    last_login: datetime.datetime | None
    date_joined: datetime.datetime


class UserPage(Schema):
    results: list[UserOut]
    next: str | None


def user_out(user) -> dict:
    return {
        "id": user.pk,
        "username": user.username,
        "name": user.name,
        "role": user.role,
        "role_label": user.get_role_display(),
        "unit_id": user.unit_id,
        "unit": user.unit.name if user.unit_id else None,
        "title": user.title,
        "is_active": user.is_active,
        "last_login": local(user.last_login),
        "date_joined": local(user.date_joined),
    }


@router.get("/users", response={200: UserPage, ERRORS: ErrorOut}, summary="用户账号（仅系统管理员；游标分页）")
def users(
    request,
    q: str | None = None,
    role: str | None = None,
    unit: str | None = None,
    is_active: str | None = None,
    cursor: str | None = None,
    limit: int = Query(50, ge=1, le=100),
):
    """The user list page's filters (its FilterSet), in username order."""
    from zhaoshang.accounts.choices import Role
    from zhaoshang.accounts.filtersets import UserFilterSet
    from zhaoshang.accounts.models import User

    require_scope(request.auth, "users")
    viewer = request.user
    if viewer.role != Role.SYSADMIN:
        raise ApiError(403, "role_forbidden", "只有系统管理员可以查看用户账号列表（三权分立）。")
    base = User.objects.restrict(viewer).select_related("unit")
    rows = filtered(UserFilterSet(request.GET, queryset=base, user=viewer))
    page, next_url = Keyset("username", False).page(request, rows, "username", cursor, limit)
    return {"results": [user_out(row) for row in page], "next": next_url}
