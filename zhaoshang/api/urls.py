import functools

from django.urls import URLPattern, path

from zhaoshang.api import views
from zhaoshang.api.api import api, error, not_found

app_name = "api"


def _json_405(view):
    """ninja answers a wrong method with Django's plain-text 405; the API answers JSON."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith("application/json"):
            allowed = response.get("Allow", "")
            answer = error(request, 405, "method_not_allowed", f"该接口不支持 {request.method}，可用：{allowed}。")
            answer["Allow"] = allowed
            return answer
        return response

    return wrapped


def api_v1_urls():
    """/api/v1/ itself, mounted by the root URLconf (ninja reverses its own names in a
    top-level namespace, ``api-v1``), and a JSON 404 for any other path under it."""
    patterns, app, namespace = api.urls
    for entry in patterns:
        if isinstance(entry, URLPattern):
            entry.callback = _json_405(entry.callback)
    return [*patterns, path("<path:rest>", not_found)], app, namespace


urlpatterns = [
    path("tokens/", views.token_list, name="token_list"),
    path("tokens/new/", views.token_create, name="token_create"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
]
