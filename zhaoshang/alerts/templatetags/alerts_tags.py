"""Warning badges and "my warnings" for other apps' pages, each one query per page (never
one per row): the project list takes ``open_warnings_by_project`` for its page and
``warning_badges_html`` per row; the project page ``{% project_warnings project %}``."""

from html import escape

from django import template
from django.urls import reverse

from zhaoshang.alerts.choices import LEVEL_BADGES, LEVEL_SHORT
from zhaoshang.alerts.services import my_warnings, open_warnings_by_project

register = template.Library()


def badge_groups(warning_map, project_id) -> list[dict]:
    """A red and/or yellow group with the count; the kinds and messages as the tooltip."""
    found = warning_map.get(project_id, []) if warning_map else []
    groups = []
    for level in ("red", "yellow"):
        items = [(label, message) for item_level, label, message in found if item_level == level]
        if items:
            groups.append(
                {
                    "level": level,
                    "badge": LEVEL_BADGES[level],
                    "short": LEVEL_SHORT[level],
                    "count": len(items),
                    "title": "；".join(f"{label}：{message}" for label, message in items),
                }
            )
    return groups


def warning_badges_html(warning_map, project_id, list_url: str) -> str:
    """The badges as escaped markup, for pages that build rows in Python (the project list):
    one link per level to the warning list, the kinds and messages as the tooltip."""
    return "".join(
        f'<a class="badge bg-{group["badge"]} text-{group["badge"]}-fg ms-1 text-decoration-none"'
        f' href="{escape(list_url)}?project={int(project_id)}" title="{escape(group["title"])}"'
        f' data-testid="warning-badge-{group["level"]}">{group["short"]}{group["count"] if group["count"] > 1 else ""}</a>'
        for group in badge_groups(warning_map, project_id)
    )


@register.simple_tag
def project_warnings(project):
    """[(level, kind label, message)] of one project's open warnings (the project page)."""
    return open_warnings_by_project([project.pk]).get(project.pk, [])


@register.simple_tag
def warnings_of(user, limit=8):
    """(warnings, total) a person answers for, for their home page."""
    return my_warnings(user, limit)


@register.filter
def level_badge(level):
    return LEVEL_BADGES.get(level, "secondary")


def project_row_badges(project_ids: list[int]):
    """The project list's warning badges (registered in apps.py): the page's open warnings
    in one query, then each row's badges."""
    warning_map = open_warnings_by_project(project_ids)
    warnings_url = reverse("alerts:list")
    return lambda pk: warning_badges_html(warning_map, pk, warnings_url)
