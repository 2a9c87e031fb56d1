"""Data for the home pages; every figure comes through restrict()."""

from zhaoshang.accounts.choices import Role


def home_context(user) -> dict:
    from zhaoshang.accounts.models import Unit, User
    from zhaoshang.core.models import AuditLog

    context = {"role": user.role}
    if user.role == Role.SYSADMIN:
        context["unit_count"] = Unit.objects.restrict(user).count()
        context["user_count"] = User.objects.restrict(user).count()
        context["inactive_user_count"] = User.objects.restrict(user).filter(is_active=False).count()
    elif user.role == Role.AUDITOR:
        recent = AuditLog.objects.restrict(user)
        context["recent_events"] = recent[:10]
        context["failed_login_count"] = recent.filter(action="login_failed").count()
    else:
        context["unit"] = user.unit
        context["subunits"] = Unit.objects.restrict(user).filter(parent=user.unit) if user.unit_id else []
    return context
