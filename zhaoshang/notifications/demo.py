"""Demo notifications: a few unread messages in the demo accounts' inboxes, so the bell
has something to show. (Returned demo tranches already told their units' officers.)"""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from zhaoshang.accounts.choices import Role
from zhaoshang.accounts.models import User
from zhaoshang.notifications.choices import NotificationKind
from zhaoshang.notifications.models import Notification
from zhaoshang.notifications.services import notify


def _messages_for(user, demo_projects) -> list[tuple[str, str, str, str]]:
    """(kind, title, body, url) for one demo account, from its own data."""
    today = timezone.localdate()
    if user.role == Role.OFFICER:
        projects = list(demo_projects.filter(responsible_unit=user.unit).order_by("code")[:2])
        messages = [
            (
                NotificationKind.ROUND_OPENED,
                f"{today.month}月项目调度已开启，请按时填报本单位重点项目进展",
                "请填报本期完成投资、存在问题和下一步计划。",
                "",
            )
        ]
        if projects:
            first = projects[0]
            messages.append(
                (
                    NotificationKind.WARNING,
                    f"签约未开工：{first.name}",
                    "项目已签约，超过约定开工日期仍未开工（黄色预警）。请核实进展并及时填报。",
                    reverse("projects:detail", args=[first.pk]),
                )
            )
            last = projects[-1]
            messages.append(
                (
                    NotificationKind.ASSIGNMENT,
                    f"交办：请协调解决{last.name}的用地报批问题",
                    "限 10 个工作日内办结，办理情况请在项目跟踪记录中填写。",
                    reverse("projects:detail", args=[last.pk]),
                )
            )
        return messages
    if user.role == Role.BUREAU:
        return [
            (
                NotificationKind.SYSTEM,
                "各单位有新填报的到位资金待审核",
                "审核通过后计入统计；退回时请写明原因，填报人会收到通知。",
                reverse("funds:pending"),
            ),
            (
                NotificationKind.INSTRUCTION,
                "王市长批示：重点项目要倒排工期、挂图作战",
                "请招商局督促各责任单位落实，并在下次调度会上汇报。",
                reverse("projects:list"),
            ),
        ]
    if user.role == Role.LEADER:
        return [
            (
                NotificationKind.BULLETIN,
                f"{today.year}年招商引资工作进展已更新",
                "驾驶舱中可查看各单位完成情况和排名。",
                reverse("dashboard:index"),
            )
        ]
    return []


@transaction.atomic
def build_notifications(demo_projects) -> int:
    """Idempotent: a message a demo account already has is not sent again.
    ``demo_projects``: the demo city's projects (left on the city by the projects app's
    demo module; this app sits below projects and does not import it)."""
    created = 0
    for user in User.objects.filter(is_demo=True, is_active=True).select_related("unit").order_by("pk"):
        have = set(Notification.objects.filter(recipient=user).values_list("title", flat=True))
        for kind, title, body, url in _messages_for(user, demo_projects):
            if title not in have:
                created += len(notify([user], kind, title, body=body, url=url, unit=user.unit))
    return created


# core.demo.build_city runs this after the demo modules of these apps: the messages name demo projects.
DEMO_AFTER = ("projects",)


def build(city) -> int:
    return build_notifications(city.demo_projects)
