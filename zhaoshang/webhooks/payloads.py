"""What a delivery says: the envelope (version, event id, type, time) and, per kind of
object, its ``data``. Amounts are exact decimal strings, times and dates local (+08:00),
links absolute. Version 1 is documented in docs/api.md ("Webhooks"); a change that
removes or renames a field makes version 2, chosen per subscription."""

from django.urls import reverse
from django.utils import timezone

from zhaoshang.alerts.models import Warning
from zhaoshang.alerts.registry import all_kinds
from zhaoshang.bulletins.models import Bulletin
from zhaoshang.core.numbers import format_exact
from zhaoshang.funds.models import FundsTranche
from zhaoshang.notifications.webhooks import absolute
from zhaoshang.projects.models import Project, StageEvent
from zhaoshang.supervision.models import Problem


def envelope(version: int, event_id: str, event_type: str, occurred_at, data: dict) -> dict:
    return {
        "version": version,
        "id": event_id,
        "type": event_type,
        "occurred_at": timezone.localtime(occurred_at).isoformat(timespec="seconds"),
        "data": data,
    }


def _amount(value) -> str | None:
    return None if value is None else format_exact(value)


def _day(value) -> str | None:
    return value.isoformat() if value else None


def _unit(unit) -> dict | None:
    return {"code": unit.code, "name": unit.name} if unit is not None else None


def _project(project) -> dict | None:
    if project is None:
        return None
    return {"id": project.pk, "code": project.code, "name": project.name}


def _link(name: str, pk: int) -> str:
    return absolute(reverse(name, args=[pk]))


def project_data(project: Project) -> dict:
    return {
        "object": "project",
        "id": project.pk,
        "code": project.code,
        "name": project.name,
        "stage": project.stage,
        "stage_label": project.get_stage_display(),
        "total_investment": _amount(project.total_investment),
        "unit": _unit(project.responsible_unit),
        "landing_unit": _unit(project.landing_unit),
        "url": _link("projects:detail", project.pk),
    }


def stage_event_data(event: StageEvent) -> dict:
    return {
        "object": "stage_event",
        "id": event.pk,
        "project": _project(event.project),
        "stage": event.stage,
        "stage_label": event.get_stage_display(),
        "date": _day(event.date),
        "amount": _amount(event.amount),
        "is_supplementary": event.is_supplementary,
        "status": event.status,
        "status_label": event.get_status_display(),
        "return_reason": event.return_reason or None,
        "unit": _unit(event.project.responsible_unit),
        "url": _link("projects:detail", event.project_id),
    }


def tranche_data(tranche: FundsTranche) -> dict:
    return {
        "object": "tranche",
        "id": tranche.pk,
        "project": _project(tranche.project),
        "date": _day(tranche.date),
        "amount": _amount(tranche.amount),
        "amount_usd": _amount(tranche.amount_usd),
        "kind": tranche.kind,
        "kind_label": tranche.get_kind_display(),
        "status": tranche.status,
        "status_label": tranche.get_status_display(),
        "unit": _unit(tranche.project.responsible_unit),
        "url": _link("funds:detail", tranche.pk),
    }


def warning_data(warning: Warning) -> dict:
    labels = {spec.kind: spec.label for spec in all_kinds()}
    url = (
        _link("projects:detail", warning.project_id)
        if warning.project_id
        else absolute(reverse("alerts:list") + f"?unit={warning.unit_id}")
    )
    return {
        "object": "warning",
        "id": warning.pk,
        "kind": warning.kind,
        "kind_label": labels.get(warning.kind, warning.kind),
        "level": warning.level,
        "level_label": warning.get_level_display(),
        "message": warning.message,
        "since": _day(warning.since),
        "project": _project(warning.project),
        "unit": _unit(warning.unit),
        "url": url,
    }


def problem_data(problem: Problem) -> dict:
    return {
        "object": "problem",
        "id": problem.pk,
        "project": _project(problem.project),
        "category": problem.category,
        "category_label": problem.get_category_display(),
        "description": problem.description,
        "deadline": _day(problem.deadline),
        "escalated_on": _day(problem.escalated_on),
        "responsible_leader": problem.leader_display or None,
        "unit": _unit(problem.responsible_unit),
        "url": _link("supervision:detail", problem.pk),
    }


def bulletin_data(bulletin: Bulletin) -> dict:
    return {
        "object": "bulletin",
        "id": bulletin.pk,
        "title": bulletin.title,
        "kind": bulletin.kind,
        "kind_label": bulletin.get_kind_display(),
        "year": bulletin.year,
        "month": bulletin.month,
        "issue_date": _day(bulletin.issue_date),
        "published_at": timezone.localtime(bulletin.published_at).isoformat(timespec="seconds")
        if bulletin.published_at
        else None,
        "unit": _unit(bulletin.scope),
        "url": _link("bulletins:detail", bulletin.pk),
    }


# model → (the joins its data reads, the builder)
BUILDERS = {
    Project: (("responsible_unit", "landing_unit"), project_data),
    StageEvent: (("project", "project__responsible_unit"), stage_event_data),
    FundsTranche: (("project", "project__responsible_unit"), tranche_data),
    Warning: (("project", "unit"), warning_data),
    Problem: (("project", "responsible_unit", "responsible_leader"), problem_data),
    Bulletin: (("scope",), bulletin_data),
}


def data_of(model, ids) -> dict[int, dict]:
    """{pk: data} for the given objects of ``model``, in one query."""
    joins, build = BUILDERS[model]
    rows = model._base_manager.filter(pk__in=list(ids)).select_related(*joins)
    return {row.pk: build(row) for row in rows}
