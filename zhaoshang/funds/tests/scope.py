"""Object URLs of the funds app, for the generic scope check (zhaoshang/testing.py)."""

import datetime
from decimal import Decimal

from zhaoshang.testing import ScopeCheck

TOWN_B_FUNDS = "项目名称,到位时间,到位金额（万元）,资金来源\n河口镇的项目,2024-05-01,100,宁波（省外）\n".encode()


def town_b_project(personas):
    from zhaoshang.projects.tests.factories import project

    return project(personas.officer_b, personas.town_b, name="河口镇的项目")


def town_b_tranche(personas):
    from zhaoshang.funds.models import FundsTranche
    from zhaoshang.funds.services import record_tranche

    tranche = FundsTranche(
        project=town_b_project(personas), date=datetime.date(2024, 5, 1), amount=Decimal(100), source="abroad"
    )
    return {"pk": record_tranche(personas.officer_b, tranche).pk}


def town_b_batch(personas):
    from zhaoshang.funds.import_specs import preview_funds

    town_b_project(personas)
    return {"pk": preview_funds(personas.officer_b, TOWN_B_FUNDS, "河口镇到位资金.csv", personas.town_b).batch.pk}


SCOPE_CHECKS = [
    ScopeCheck("funds:detail", town_b_tranche),
    ScopeCheck("funds:edit", town_b_tranche),
    ScopeCheck("funds:create", lambda p: {"pk": town_b_project(p).pk}),
    ScopeCheck("funds:import_preview", town_b_batch),
    ScopeCheck("funds:import_result", town_b_batch),
    ScopeCheck("funds:import_errors", town_b_batch),
    # POST only: town A's officer gets 404; town B's own officer commits (a redirect).
    ScopeCheck("funds:import_commit", town_b_batch, method="post"),
]

# Bureau-only verification: no officer reaches them, for any town.
ADMIN_ONLY_URLS = ["funds:verify", "funds:return"]
