"""Object URLs of the imports app, for the generic scope check (zhaoshang/testing.py)."""

from zhaoshang.testing import ScopeCheck

TOWN_B_LEDGER = "项目名称,投资方,总投资（万元）,项目进展,责任单位\n河口镇的项目,某某有限公司,100,在谈,河口镇\n".encode()


def town_b_batch(personas):
    from zhaoshang.imports.services import preview_ledger

    return {"pk": preview_ledger(personas.officer_b, TOWN_B_LEDGER, "河口镇台账.csv", personas.town_b).batch.pk}


SCOPE_CHECKS = [
    ScopeCheck("imports:ledger_preview", town_b_batch),
    ScopeCheck("imports:ledger_errors", town_b_batch),
    ScopeCheck("imports:ledger_result", town_b_batch),
    # POST only: town A's officer gets 404; town B's own officer commits (a redirect).
    ScopeCheck("imports:ledger_commit", town_b_batch, method="post"),
    # The generic addresses of every spec (here the ledger's), the same pages.
    ScopeCheck("imports:preview", lambda p: {"kind": "ledger", **town_b_batch(p)}),
    ScopeCheck("imports:errors", lambda p: {"kind": "ledger", **town_b_batch(p)}),
    ScopeCheck("imports:result", lambda p: {"kind": "ledger", **town_b_batch(p)}),
    ScopeCheck("imports:commit", lambda p: {"kind": "ledger", **town_b_batch(p)}, method="post"),
]
