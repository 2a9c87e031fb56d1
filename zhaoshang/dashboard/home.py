"""Each role's home page (URL ``/``, name ``core:home``): its data, every figure through
restrict(). What other apps show on it (warnings, problems, waiting claims) comes from
the panels they register in ``core.panels``."""

import datetime

from django.db.models import Count, Q, Sum
from django.utils import timezone

from zhaoshang.accounts.choices import Role, UnitType
from zhaoshang.accounts.models import Unit, User
from zhaoshang.core.changes import describe_rows
from zhaoshang.core.choices import AuditAction, Verification
from zhaoshang.core.models import AuditLog, SecurityEvent
from zhaoshang.core.panels import panels_for
from zhaoshang.core.security import TOKEN_REASON_PREFIX
from zhaoshang.core.verification import verifiable_models
from zhaoshang.projects.choices import LIFECYCLE, Stage
from zhaoshang.projects.models import FollowUp, Project


def home_context(user) -> dict:
    context: dict = {"role": user.role, "today": timezone.localdate(), "panels": panels_for("home", user)}
    if user.role == Role.SYSADMIN:
        users = User.objects.restrict(user)
        context.update(
            unit_count=Unit.objects.restrict(user).count(),
            user_count=users.count(),
            inactive_user_count=users.filter(is_active=False).count(),
            pending_password_count=users.filter(is_active=True, must_change_password=True).count(),
            units_by_type=[
                (UnitType(row["type"]).label, row["n"])
                for row in Unit.objects.restrict(user).values("type").annotate(n=Count("pk")).order_by("type")
            ],
        )
        return context
    if user.role == Role.AUDITOR:
        events = AuditLog.objects.restrict(user)
        today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
        context.update(
            recent_events=describe_rows(events.select_related(None)[:12]),
            failed_logins_today=events.filter(action=AuditAction.LOGIN_FAILED, time__gte=today).count(),
            locks_today=events.filter(action=AuditAction.LOGIN_LOCKED, time__gte=today).count(),
            exports_week=events.filter(action=AuditAction.EXPORT, time__gte=today - datetime.timedelta(days=7)).count(),
            # Refused API tokens are security events (core.security), counted per hour's row.
            refused_tokens_today=SecurityEvent.objects.restrict(user)
            .filter(status__in=(401, 403), reason__startswith=TOKEN_REASON_PREFIX, hour__gte=today)
            .aggregate(n=Sum("count"))["n"]
            or 0,
        )
        return context
    context.update(_business_home(user))
    return context


def _business_home(user) -> dict:
    projects = Project.objects.restrict(user).filter(merged_into__isnull=True)
    by_stage = dict(projects.values_list("stage").annotate(n=Count("pk")))
    today = timezone.localdate()
    context = {
        "unit": user.unit,
        "stage_counts": [(Stage(stage).label, by_stage.get(stage, 0), stage) for stage in [*LIFECYCLE, Stage.ON_HOLD]],
        # 在库: a 退库 project — a claim waiting for verification too — is out of the library.
        "project_count": sum(n for stage, n in by_stage.items() if stage != Stage.DROPPED),
        "key_project_count": projects.filter(is_key=True).exclude(stage=Stage.DROPPED).count(),
        "recent_projects": projects.select_related("responsible_unit", "investor").order_by("-updated_at")[:8],
        "follow_ups_due": FollowUp.objects.restrict(user)
        .filter(next_contact_on__isnull=False, next_contact_on__lte=today + datetime.timedelta(days=7))
        .filter(next_contact_on__gte=today - datetime.timedelta(days=30))
        .select_related("project")
        .order_by("next_contact_on")[:8],
        "subunits": Unit.objects.restrict(user)
        .filter(parent=user.unit)
        .annotate(project_count=Count("responsible_projects", filter=Q(responsible_projects__merged_into__isnull=True)))
        if user.unit_id
        else [],
    }
    if user.role == Role.OFFICER:
        context["colleagues"] = User.objects.restrict(user).filter(unit=user.unit, is_active=True).exclude(pk=user.pk)
        context["returned_claims"] = _returned_claims(user)
    return context


def _returned_claims(user, limit: int = 5) -> list:
    """The unit's latest returned claims of every kind the bureau verifies, newest first."""
    found = []
    for model in verifiable_models():
        found += list(
            model.objects.restrict(user)
            .filter(status=Verification.RETURNED)
            .select_related("project")
            .order_by("-verified_at")[:limit]
        )
    return sorted(found, key=lambda record: record.verified_at, reverse=True)[:limit]
