from django.urls import include, path

from zhaoshang.api.urls import api_v1_urls
from zhaoshang.core import urls as core_urls
from zhaoshang.dashboard.views import home

# The home page belongs to the dashboard app (it shows every app's figures) but keeps its
# name ``core:home``, which redirects and links everywhere use: the project's URLconf, above
# every app, joins it to core's URLs here so core itself needs no import of the dashboard.
core_patterns = ([path("", home, name="home"), *core_urls.urlpatterns], core_urls.app_name)

urlpatterns = [
    path("", include(core_patterns)),
    path("accounts/", include("zhaoshang.accounts.urls")),
    path("reference/", include("zhaoshang.reference.urls")),
    path("projects/", include("zhaoshang.projects.urls")),
    path("companies/", include("zhaoshang.relations.urls")),
    path("imports/", include("zhaoshang.imports.urls")),
    path("stats/", include("zhaoshang.stats.urls")),
    path("funds/", include("zhaoshang.funds.urls")),
    path("fieldwork/", include("zhaoshang.fieldwork.urls")),
    path("targets/", include("zhaoshang.targets.urls")),
    path("dashboard/", include("zhaoshang.dashboard.urls")),
    path("alerts/", include("zhaoshang.alerts.urls")),
    path("assessment/", include("zhaoshang.assessment.urls")),
    path("supervision/", include("zhaoshang.supervision.urls")),
    path("scheduling/", include("zhaoshang.scheduling.urls")),
    path("notifications/", include("zhaoshang.notifications.urls")),
    path("bulletins/", include("zhaoshang.bulletins.urls")),
    path("review/", include("zhaoshang.review.urls")),
    path("leads/", include("zhaoshang.leads.urls")),
    path("webhooks/", include("zhaoshang.webhooks.urls")),
    path("api/v1/", api_v1_urls()),
    path("api/", include("zhaoshang.api.urls")),
]

# Error pages in Chinese and in the product's look (core/views_errors.py).
handler400 = "zhaoshang.core.views_errors.bad_request"
handler403 = "zhaoshang.core.views_errors.permission_denied"
handler404 = "zhaoshang.core.views_errors.page_not_found"
handler500 = "zhaoshang.core.views_errors.server_error"
