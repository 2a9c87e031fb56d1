"""The project list's rows, built as strings.

At province scale the list page's time went mostly to the template engine resolving
some 2,000 variables and tags for 50 rows × 10 cells (30 ms of a 50 ms page). The rows
are plain markup, so they are built here as strings (every value escaped); the page
template keeps the table's frame and headers. tests/test_list_rows.py pins the markup's content.
"""

from collections.abc import Callable
from html import escape  # Django's escape() is this plus a lazy-string wrapper, slow per cell

from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe

from zhaoshang.core.numbers import format_exact

register = template.Library()

# Badges other apps put after a project's name in the list (alerts: its open warnings),
# registered in their AppConfig.ready() so this app imports none of them. A provider takes
# the page's project ids (one query for the page) and returns ``badges(pk) -> html``, every
# value in it escaped.
ROW_BADGES: list[Callable[[list[int]], Callable[[int], str]]] = []


def register_row_badges(provider: Callable[[list[int]], Callable[[int], str]]) -> None:
    if provider not in ROW_BADGES:
        ROW_BADGES.append(provider)


URL_ID = "987654321"


def _text(value) -> str:
    """Escaped text, "—" for nothing."""
    return escape(str(value)) if value not in (None, "") else "—"


def _date(value) -> str:
    return value.isoformat() if value else "—"


def _row(project, columns, badge_makers, detail_url, can_bulk) -> str:
    cells = []
    if can_bulk:
        cells.append(
            f'<td><input class="form-check-input row-check" type="checkbox" value="{project.pk}" aria-label="选择"></td>'
        )
    key_badge = ' <span class="badge bg-red-lt">重点</span>' if project.is_key else ""
    badges = "".join(badges_of(project.pk) for badges_of in badge_makers)
    cells.append(
        f'<td><a href="{detail_url.replace(URL_ID, str(project.pk))}">{escape(project.name)}</a>{key_badge}{badges}'
        f'<div class="small text-secondary font-monospace">{escape(project.code)}</div></td>'
    )
    cells.append(f"<td>{escape(project.responsible_unit.name)}</td>")
    if "investor" in columns:
        cells.append(f'<td class="small">{_text(project.investor.name if project.investor_id else "")}</td>')
    if "industry" in columns:
        industry = project.industry.name if project.industry_id else project.industry_text
        cells.append(f'<td class="small">{_text(industry)}</td>')
    if "leading_industry" in columns:
        cells.append(f'<td class="small">{_text(project.leading_industry)}</td>')
    cells.append(f'<td class="text-end money">{_text(format_exact(project.total_investment))}</td>')
    cells.append(
        f'<td><span class="badge bg-{project.stage_badge}-lt">{escape(project.get_stage_display())}</span></td>'
    )
    if "verification" in columns:
        if project.verified_stage:
            cells.append(
                f'<td><span class="badge bg-green-lt">{escape(project.get_verified_stage_display())}</span></td>'
            )
        else:
            cells.append('<td><span class="text-secondary small">未审核</span></td>')
    if "signed_on" in columns:
        cells.append(f'<td class="text-nowrap">{_date(project.signed_on)}</td>')
    if "started_on" in columns:
        cells.append(f'<td class="text-nowrap">{_date(project.started_on)}</td>')
    if "leader" in columns:
        cells.append(f"<td>{_text(project.responsible_leader)}</td>")
    return f"<tr>{''.join(cells)}</tr>"


@register.simple_tag
def project_rows(projects, columns, can_bulk):
    """<tr> rows of the list for ``projects`` (already restricted and paged by the view),
    with each registered badge provider's badges (the open warnings) read once for the page."""
    projects = list(projects)
    if not projects:
        return ""
    ids = [project.pk for project in projects]
    badge_makers = [provider(ids) for provider in ROW_BADGES]
    # Reversed once, not once per row (70 µs each): the id goes in place of a stand-in.
    detail_url = reverse("projects:detail", args=[URL_ID])
    rows = (_row(project, columns, badge_makers, detail_url, can_bulk) for project in projects)
    return mark_safe("\n".join(rows))  # noqa: S308 - every value is escaped in _row
