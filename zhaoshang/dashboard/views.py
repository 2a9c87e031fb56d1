"""The leaders' dashboard page. Thin: the figures come from dashboard.services."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render

from zhaoshang.accounts.models import Unit
from zhaoshang.core.choices import Action
from zhaoshang.core.panels import panels_for
from zhaoshang.core.roles import Role
from zhaoshang.dashboard.forms import PeriodForm
from zhaoshang.dashboard.home import home_context
from zhaoshang.dashboard.services import build_dashboard, new_funds_share, not_started_count
from zhaoshang.projects.models import Project


def _question(request):
    """(form, unit) of the request: the period asked about and the unit, if one is chosen."""
    user = request.user
    if not Project.access.allows(user, Action.VIEW):
        # The system admin and the auditor see no business data (三权分立).
        raise PermissionDenied("驾驶舱只对领导、招商局和各责任单位开放。")
    form = PeriodForm(request.GET)
    unit = None
    if form.unit_id() is not None:
        # Another unit's dashboard only within the viewer's reach; otherwise it does not exist.
        unit = get_object_or_404(Unit.objects.restrict(user), pk=form.unit_id())
    return form, unit


def dashboard_context(request) -> dict:
    """The dashboard for the request's user, period and unit (also the leader's home)."""
    form, unit = _question(request)
    board = build_dashboard(request.user, form.period(), unit, form_params=form.params())
    return {"form": form, "board": board}


@login_required
def index(request):
    return render(request, "dashboard/dashboard.html", dashboard_context(request))


HOME_TEMPLATES = {
    Role.LEADER: "dashboard/home_leader.html",
    Role.BUREAU: "dashboard/home_bureau.html",
    Role.OFFICER: "dashboard/home_officer.html",
    Role.SYSADMIN: "dashboard/home_sysadmin.html",
    Role.AUDITOR: "dashboard/home_auditor.html",
}


@login_required
def home(request):
    """Each role's own home page (``/``, named ``core:home`` in zhaoshang/urls.py)."""
    if request.user.role == Role.LEADER:
        # A leader's home is the dashboard (驾驶舱) for this year to date.
        return render(
            request,
            HOME_TEMPLATES[Role.LEADER],
            dashboard_context(request) | {"panels": panels_for("home", request.user)},
        )
    return render(request, HOME_TEMPLATES[request.user.role], home_context(request.user))


@login_required
def speech_figures(request):
    """The block's 当年新引进项目到位资金占比, loaded after the page (it reads the tranches)."""
    form, unit = _question(request)
    figure = new_funds_share(request.user, form.period(), unit)
    return render(request, "dashboard/_new_funds_share.html", {"figure": figure})


@login_required
def not_started(request):
    """The warnings block's 签约未开工 count, loaded after the page (the rule reads every
    signed project of the scope)."""
    _form, unit = _question(request)
    return render(request, "dashboard/_not_started.html", {"count": not_started_count(request.user, unit)})
