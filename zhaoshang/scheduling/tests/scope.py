"""Object URLs of the scheduling app, for the generic scope check (zhaoshang/testing.py)."""

import datetime

from zhaoshang.testing import ScopeCheck


def town_b_round(personas):
    """A round whose only project is town B's."""
    from zhaoshang.projects.tests.factories import project
    from zhaoshang.scheduling.services import open_round, select_projects

    project(personas.officer_b, personas.town_b, name="河口镇的重点项目", total="50000")
    round_ = open_round(
        personas.bureau,
        kind="monthly",
        year=2026,
        month=10,
        deadline=datetime.date(2026, 11, 5),
        projects=select_projects(personas.bureau, unit=personas.town_b),
    )
    return round_


SCOPE_CHECKS = [
    # Town B's officer is sent on from the bureau's page to their reporting page (a redirect).
    ScopeCheck("scheduling:detail", lambda p: {"pk": town_b_round(p).pk}),
    ScopeCheck("scheduling:report", lambda p: {"pk": town_b_round(p).pk}),
    ScopeCheck("scheduling:item_save", lambda p: {"pk": town_b_round(p).items.get().pk}, method="post"),
]

# The bureau's (and, for the summary and export, the leaders') pages: no officer reaches them.
ADMIN_ONLY_URLS = [
    "scheduling:edit",
    "scheduling:add_projects",
    "scheduling:remind",
    "scheduling:close",
    "scheduling:summary",
    "scheduling:export",
    "scheduling:item_return",
    "scheduling:item_remove",
]
