from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from zhaoshang.accounts.choices import Role

HOME_TEMPLATES = {
    Role.LEADER: "core/home_leader.html",
    Role.BUREAU: "core/home_bureau.html",
    Role.OFFICER: "core/home_officer.html",
    Role.SYSADMIN: "core/home_sysadmin.html",
    Role.AUDITOR: "core/home_auditor.html",
}


@login_required
def home(request):
    """Each role's own home page."""
    from zhaoshang.core.services import home_context

    return render(request, HOME_TEMPLATES[request.user.role], home_context(request.user))


def paginate(request, queryset, per_page: int = 50):
    """One page of ``queryset`` from ?page=; an out-of-range or junk page shows the last/first."""
    from django.core.paginator import Paginator

    paginator = Paginator(queryset, per_page)
    return paginator.get_page(request.GET.get("page"))


def querystring_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
