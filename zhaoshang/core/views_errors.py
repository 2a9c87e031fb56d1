"""Error pages in the product's look and in Chinese, each with a way back.

400 and 500 are rendered without the request: a 500 may come from the database itself,
and a 400 may come from a request whose host cannot even be read (DisallowedHost), so
neither may touch the session, the user or the sidebar. 403, 404 and a failed CSRF check
render with the request, so a signed-in user keeps the sidebar.
"""

import re

from django.core.exceptions import DisallowedHost
from django.http import HttpResponse
from django.shortcuts import render
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme

CJK = re.compile(r"[\u4e00-\u9fff]")


def _back_url(request) -> str:
    """The page the user came from, when it is on this site; else the home page."""
    referer = request.META.get("HTTP_REFERER", "")
    try:
        safe = url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()})
    except DisallowedHost:  # the error page must still render
        safe = False
    return referer if referer and safe else "/"


def _reason(exception) -> str:
    """The exception's message when it was written for users (in Chinese); framework
    messages ("No Project matches the given query.") are not shown."""
    message = str(exception.args[0]) if exception is not None and getattr(exception, "args", None) else ""
    return message if CJK.search(message) else ""


def _plain(template_name: str, status: int) -> HttpResponse:
    return HttpResponse(loader.get_template(template_name).render({"back_url": "/"}), status=status)


def bad_request(request, exception=None):
    return _plain("400.html", 400)


def permission_denied(request, exception=None):
    context = {"back_url": _back_url(request), "reason": _reason(exception)}
    return render(request, "403.html", context, status=403)


def page_not_found(request, exception=None):
    context = {"back_url": _back_url(request), "reason": _reason(exception)}
    return render(request, "404.html", context, status=404)


def server_error(request):
    return _plain("500.html", 500)


def csrf_failure(request, reason=""):
    """Django's CSRF_FAILURE_VIEW: most often a form left open past the session's end."""
    no_cookie = "cookie" in reason.lower()
    return render(request, "403_csrf.html", {"back_url": _back_url(request), "no_cookie": no_cookie}, status=403)
