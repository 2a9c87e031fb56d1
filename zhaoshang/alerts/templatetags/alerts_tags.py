"""Warning badges and "my warnings" for other apps' templates, each one query per page
(never one per row): ``{% project_warning_map page.object_list as warning_map %}`` then
``{% warning_badges warning_map project.pk %}`` in the row."""

from django import template

from zhaoshang.alerts.choices import LEVEL_BADGES, LEVEL_SHORT
from zhaoshang.alerts.services import my_warnings, open_warnings_by_project

register = template.Library()


@register.simple_tag
def project_warning_map(projects):
    """Open warnings of the projects on a page (already restricted by the page's view)."""
    return open_warnings_by_project(project.pk for project in projects)


@register.inclusion_tag("alerts/_badges.html")
def warning_badges(warning_map, project_id):
    """A red and/or yellow badge with the count; the kinds and messages as the tooltip."""
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
    return {"groups": groups, "project_id": project_id}


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
