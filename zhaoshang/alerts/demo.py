"""Demo warnings: the rules with their defaults, a few days of the units' routine (recent
follow-ups on most live projects, as units that work their projects have), and a scan, so
the demo city shows a believable mix of yellow and red warnings."""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from zhaoshang.alerts import services
from zhaoshang.alerts.choices import ScanSource, WarningStatus
from zhaoshang.alerts.models import Warning
from zhaoshang.projects.choices import FollowUpKind, Stage
from zhaoshang.projects.demo import DEMO_CODE_MARK
from zhaoshang.projects.models import FollowUp, Project
from zhaoshang.projects.services import add_follow_up

RECENT_DAYS = 25
NOTES = [
    "电话了解项目进展，企业按计划推进内部审批。",
    "上门走访，协调解决施工用电接入问题。",
    "与企业负责人视频沟通下一步工作安排。",
]


@transaction.atomic
def build_recent_follow_ups(bureau, seed: int = 20241205) -> int:
    """Most live demo projects were followed up in the last few weeks; about one in six
    was not (those become 长期未跟进 warnings). Idempotent: a project with a follow-up in
    the last ``RECENT_DAYS`` days gets none."""
    today = timezone.localdate()
    recent = today - datetime.timedelta(days=RECENT_DAYS)
    projects = (
        Project.objects.filter(remarks__contains=DEMO_CODE_MARK, merged_into__isnull=True)
        .exclude(stage__in=[Stage.DROPPED, Stage.ON_HOLD, Stage.PRODUCTION])
        .exclude(follow_ups__date__gte=recent)
        .order_by("code")
    )
    created = 0
    for project in projects:
        rng = random.Random(f"{seed}-{project.code}")
        if rng.random() < 0.17:
            continue
        add_follow_up(
            bureau,
            project,
            FollowUp(
                date=today - datetime.timedelta(days=rng.randint(1, RECENT_DAYS)),
                kind=rng.choice([FollowUpKind.CALL, FollowUpKind.VISIT, FollowUpKind.MEETING]),
                participants=project.officer_in_charge,
                content=rng.choice(NOTES),
            ),
        )
        created += 1
    return created


def build_warnings(bureau) -> int:
    """Run the scan over the demo city; returns the number of open warnings."""
    build_recent_follow_ups(bureau)
    scan_row, fresh = services.start_scan(source=ScanSource.DEMO)
    if fresh:
        services.run_scan(scan_row)
    return Warning.objects.filter(status=WarningStatus.OPEN).count()


# core.demo.build_city runs this after the demo modules of these apps: the scan reads the projects, money, problems and rounds.
DEMO_AFTER = ("projects", "funds", "supervision", "scheduling")


def build(city) -> int:
    return build_warnings(city.bureau)
