"""Small builders for project tests: explicit data for meaning, defaults for the rest."""

import datetime
from decimal import Decimal

from zhaoshang.projects.models import Project
from zhaoshang.projects.services import create_project
from zhaoshang.relations.models import Company


def company(name="深圳安泰电子元件有限公司", uscc=None, unit=None) -> Company:
    return Company.objects.create(name=name, uscc=uscc, created_by_unit=unit)


def project(
    user, unit, *, name="安泰年产3亿片片式电容器项目", stage="negotiating", investor=None, total="50000", **fields
) -> Project:
    """A project of ``unit`` created by ``user`` through the service (code, credits, events)."""
    if stage in ("signed", "registered", "started", "production"):
        investor = investor or company(unit=unit)
        fields.setdefault("signed_on", datetime.date(2024, 4, 12))
    if stage in ("started", "production"):
        fields.setdefault("started_on", datetime.date(2024, 10, 25))
    if stage == "production":
        fields.setdefault("production_on", datetime.date(2024, 11, 20))
    new = Project(
        name=name,
        responsible_unit=unit,
        stage=stage,
        investor=investor,
        total_investment=Decimal(total) if total is not None else None,
        **fields,
    )
    return create_project(user, new, year=2024)
