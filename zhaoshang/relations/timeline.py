"""A company's page is one timeline: what happened with the firm, whichever app recorded it.

The relations app records the company's own changes and merges (and, later, its
interactions); apps above it add theirs without relations importing them: projects
registers its stage events in its AppConfig.ready()::

    register_source(project_entries)

``source(user, company)`` returns the entries the user may read (each app restricts its
own rows), newest first or in any order; the page merges and sorts them.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from zhaoshang.core.changes import describe_rows
from zhaoshang.core.models import AuditLog


@dataclass
class Entry:
    when: datetime.datetime
    kind: str  # the badge: 项目, 变更, 合并, 走访 …
    title: str
    url: str | None = None
    detail: str = ""
    lines: list = field(default_factory=list)  # core.changes ChangeLine, for a change
    colour: str = "azure"


_SOURCES: dict[str, Callable] = {}


def register_source(key: str, source: Callable) -> None:
    _SOURCES[key] = source  # a second ready() replaces, never doubles


def company_changes(user, company) -> list[Entry]:
    """The company's own history: created, changed, merged. The company is one the user
    reads (the caller checked), so its history is theirs to read, as a project's is."""
    rows = AuditLog.objects.filter(
        Q(object_type="relations.company", object_id=str(company.pk), action__in=("create", "update", "merge"))
    ).order_by("-time")[:200]
    entries = []
    for row in describe_rows(rows):
        if row.action == "merge":
            entries.append(Entry(row.time, "合并", row.detail, colour="purple"))
        elif row.action == "create":
            entries.append(Entry(row.time, "录入", f"{row.actor}录入企业", colour="green"))
        elif row.change_lines:
            entries.append(Entry(row.time, "变更", f"{row.actor}修改了企业信息", lines=row.change_lines))
    return entries


def company_interactions(user, company) -> list[Entry]:
    """Meetings with the firm that the user may read (their unit's subtree, or all for
    the bureau and leaders)."""
    from django.urls import reverse

    from zhaoshang.relations.models import Interaction

    rows = Interaction.objects.restrict(user).filter(company=company).select_related("unit").order_by("-date")[:100]
    entries = []
    for row in rows:
        when = timezone.make_aware(datetime.datetime.combine(row.date, datetime.time(12)))
        url = reverse("relations:interaction_detail", args=[row.pk])
        detail = f"{row.unit.name}：{row.content[:80]}"
        entries.append(Entry(when, row.get_kind_display(), row.get_kind_display(), url, detail=detail, colour="teal"))
    return entries


def company_timeline(user, company, *, limit: int = 200) -> list[Entry]:
    entries = company_changes(user, company) + company_interactions(user, company)
    for source in _SOURCES.values():
        entries.extend(source(user, company))
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries[:limit]
