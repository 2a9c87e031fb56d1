"""Small builders for supervision tests: explicit data for meaning, defaults for the rest."""

import datetime

from zhaoshang.supervision.models import Problem
from zhaoshang.supervision.services import raise_problem

EVE_OF_NATIONAL_DAY = datetime.date(2025, 9, 30)  # + 3 working days → Saturday 2025-10-11 (调休)


def problem_of(user, project, *, raised_on=EVE_OF_NATIONAL_DAY, time_limit="3 个工作日", **fields) -> Problem:
    """A problem on ``project`` raised by ``user`` through the service."""
    fields.setdefault("category", "land")
    fields.setdefault("description", "二期用地指标尚未落实")
    return raise_problem(user, Problem(project=project, raised_on=raised_on, **fields), time_limit=time_limit)
