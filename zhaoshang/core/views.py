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
