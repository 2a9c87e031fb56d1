"""「系统繁忙，请稍后重试」 instead of a 500 when the database lock cannot be had in time.

On SQLite one writer writes at a time; another waits the busy timeout and then gets
OperationalError "database is locked" (on PostgreSQL: a lock or deadlock timeout). Django
would answer 500, and the user would not know whether anything was saved. Nothing was:
the write's transaction rolled back. So the user is told so in Chinese, with a 503 and
``Retry-After``, and a form's values are kept: the page re-posts exactly what was sent
with one click (files excepted, which the browser cannot re-send for us).

It works for an error anywhere in the request (view, template, a middleware saving the
session): ``got_request_exception`` marks the request when the error is a lock timeout, and
``DatabaseBusyMiddleware``, outermost but for security headers and static files, swaps the
500 that Django made for this page. Connected in ``CoreConfig.ready``.
"""

import logging

from django.db import OperationalError
from django.shortcuts import render

logger = logging.getLogger(__name__)

BUSY_MARK = "_zhaoshang_database_busy"
RETRY_AFTER_SECONDS = 5
# What SQLite and PostgreSQL say when a lock was not had in time.
LOCK_MESSAGES = (
    "database is locked",
    "database table is locked",
    "lock timeout",
    "could not obtain lock",
    "deadlock detected",
)


def is_database_busy(error: BaseException | None) -> bool:
    if not isinstance(error, OperationalError):
        return False
    text = str(error).lower()
    return any(message in text for message in LOCK_MESSAGES)


def mark_busy_request(sender, request=None, **kwargs) -> None:
    """``got_request_exception`` receiver: remember that this request's error was a lock."""
    import sys

    error = sys.exc_info()[1]
    if request is not None and is_database_busy(error):
        setattr(request, BUSY_MARK, True)
        logger.warning("database busy on %s %s: %s", request.method, request.path, error)


def busy_response(request):
    """The 503 page (or, for htmx, a notice put above the element that asked)."""
    if request.headers.get("HX-Request"):
        # htmx swaps only 2xx answers; placed before its target, the notice leaves the
        # form on the page as the user typed it.
        response = render(request, "core/_busy_notice.html", status=200)
        response["HX-Reswap"] = "beforebegin"
        return response
    fields = []
    has_files = False
    if request.method == "POST":
        fields = [(name, value) for name in request.POST for value in request.POST.getlist(name)]
        has_files = bool(request.FILES)
    response = render(
        request,
        "core/busy.html",
        {"fields": fields, "has_files": has_files, "action": request.get_full_path(), "method": request.method},
        status=503,
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseBusyMiddleware:
    """Swaps the 500 of a lock timeout for 「系统繁忙，请稍后重试」 (see the module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 500 and getattr(request, BUSY_MARK, False):
            return busy_response(request)
        return response
