"""Cards other pages embed: a project's problems and instructions, and a person's open
problems on the home page. Inclusion tags, so the host page's view needs no change."""

from django import template
from django.utils import timezone

from zhaoshang.accounts.choices import Role
from zhaoshang.core.choices import Action
from zhaoshang.projects.models import Project
from zhaoshang.supervision.choices import ProblemStatus
from zhaoshang.supervision.models import Instruction, Problem
from zhaoshang.supervision.services import open_problems_for

register = template.Library()
SHOWN = 8


@register.filter
def person(user, absent: str = "—") -> str:
    """A user's name as pages show it; ``absent`` when nobody (e.g. the daily escalation)."""
    if user is None:
        return absent
    return user.name or user.username


@register.inclusion_tag("supervision/_project_problems.html", takes_context=True)
def project_problems(context, project):
    user = context["request"].user
    problems = Problem.objects.restrict(user).filter(project=project)
    open_problems = list(
        problems.filter(status=ProblemStatus.OPEN).select_related("responsible_unit").order_by("deadline")[:SHOWN]
    )
    return {
        "project": project,
        "open_problems": open_problems,
        "open_count": problems.filter(status=ProblemStatus.OPEN).count(),
        "total_count": problems.count(),
        "instructions": Instruction.objects.restrict(user)
        .filter(project=project, problem__isnull=True)
        .select_related("leader")[:SHOWN],
        "can_raise": Project.objects.restrict(user, Action.CHANGE).filter(pk=project.pk).exists(),
        "can_instruct": user.role in (Role.LEADER, Role.BUREAU),
        "can_reply": Instruction.access.allows(user, Action.CHANGE),
        "today": timezone.localdate(),
    }


@register.inclusion_tag("supervision/_my_problems.html", takes_context=True)
def my_problems(context, hide_empty=False):
    """``hide_empty``: no card at all when nothing waits (the leader's home, a dashboard)."""
    problems = open_problems_for(context["request"].user)
    count = problems.count()
    return {
        "my_problems": problems[:SHOWN] if count else [],
        "my_problems_count": count,
        "show": count or not hide_empty,
        "today": timezone.localdate(),
    }
