"""Middleware: the request context used by the audit log, and the sliding idle session."""

import time

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


class SecurityEventMiddleware:
    """Refused access is a security event (等保): 403s, and 404s on URLs that name an
    object, are logged and counted for the auditor (``core/security.py``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # The API records its refused tokens itself, with their reason (core.security).
        if response.status_code in (403, 404) and not getattr(request, "security_event_recorded", False):
            from zhaoshang.core.security import is_refusal, record_refusal

            if is_refusal(request, response.status_code):
                record_refusal(request, response.status_code, client_ip(request))
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


class SlidingSessionMiddleware:
    """Slides the session's idle expiry with the user's activity, writing it at most once a
    minute (settings.SESSION_REFRESH_SECONDS).

    Django's SESSION_SAVE_EVERY_REQUEST wrote the session row on every page view: a write
    transaction per request, the largest single cost of a fast page on SQLite and a lock
    that every other writer waits for. Refreshed at most once a minute, the 30-minute idle
    limit holds to within that minute. Placed after SessionMiddleware, which saves the
    session (and re-sends its cookie) when this marks it modified. Requests that drop the
    session (the bell's background poll) are never counted as activity."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and not session.is_empty():
            now = int(time.time())
            if now - session.get(REFRESHED_KEY, 0) >= settings.SESSION_REFRESH_SECONDS:
                session[REFRESHED_KEY] = now
        return response


REFRESHED_KEY = "_refreshed_at"
