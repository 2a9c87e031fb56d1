"""What several routers share: one object or 404, and the shape of a cursor page."""

from django.http import Http404

from zhaoshang.api.services import ApiError, require_business, require_scope
from zhaoshang.core.choices import Action


def one(queryset, pk: int):
    """The object ``pk`` of an already restricted queryset, else 404 — as its page is."""
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def business(request, app: str, level: str = "read") -> None:
    """The token's scope on ``app``, and a role that reads business data (三权分立)."""
    require_scope(request.auth, app, level)
    require_business(request.user)


def may(model, user, action=Action.CHANGE, message: str = "您的角色只能查看，不能修改。") -> None:
    """403 ``read_only`` when the role may not do ``action`` on ``model`` at all (a leader's
    token writing a progress note); an object outside the scope is 404 afterwards."""
    if not model.access.allows(user, action):
        raise ApiError(403, "read_only", message)
