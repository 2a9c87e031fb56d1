"""Middleware that fills the request context used by the audit log."""

from django.conf import settings

from zhaoshang.core.context import RequestContext, new_request_id, reset_context, set_context, update_context


def client_ip(request) -> str | None:
    if settings.TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    """Gives each request an id and remembers the client address."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request.META.get("HTTP_X_REQUEST_ID", "")[:32] or new_request_id()
        token = set_context(RequestContext(ip=client_ip(request), request_id=request.request_id, source="web"))
        try:
            response = self.get_response(request)
        finally:
            reset_context(token)
        response["X-Request-ID"] = request.request_id
        return response


class AuditUserMiddleware:
    """After authentication: record who is acting."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            update_context(user_id=user.pk, username=user.get_username())
        return self.get_response(request)
