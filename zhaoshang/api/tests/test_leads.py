"""线索共享 through the API: the receiving town accepts a handover or declines it with a reason,
another town sees none of it (404), a pool lead is claimed through the same rule as the page."""

import pytest

from zhaoshang.leads.services import offer_handover, place_in_pool
from zhaoshang.projects.models import Project
from zhaoshang.projects.tests.factories import company, project

pytestmark = pytest.mark.django_db


def _offer(personas, to_unit):
    lead = project(personas.officer_a, personas.town_a, name="物流分拨中心项目")
    return offer_handover(personas.officer_a, lead, to_unit, "投资方倾向靠近河口镇物流园")


def test_the_receiving_town_accepts_through_the_api_and_the_other_side_cannot(personas, token_for, call):
    handover = _offer(personas, personas.town_b)
    town_b, town_a = token_for(personas.officer_b), token_for(personas.officer_a)
    listed = call(town_b, "get", "/api/v1/leads/handovers").json()["results"]
    assert [row["id"] for row in listed] == [handover.pk] and listed[0]["kept_percent"] == "20"
    refused = call(town_a, "post", f"/api/v1/leads/handovers/{handover.pk}/accept")
    assert refused.status_code == 403 and "接收单位" in refused.json()["message"]
    accepted = call(town_b, "post", f"/api/v1/leads/handovers/{handover.pk}/accept")
    assert accepted.status_code == 200 and accepted.json()["status_label"] == "已接收"
    assert Project.objects.get(pk=handover.project_id).responsible_unit == personas.town_b


def test_a_decline_without_a_reason_is_refused_in_chinese(personas, token_for, call):
    handover = _offer(personas, personas.town_b)
    token = token_for(personas.officer_b)
    answer = call(token, "post", f"/api/v1/leads/handovers/{handover.pk}/decline", {"reason": " "})
    assert answer.status_code == 422 and "拒绝原因" in answer.content.decode()
    answer = call(token, "post", f"/api/v1/leads/handovers/{handover.pk}/decline", {"reason": "用地不具备"})
    assert answer.json()["decline_reason"] == "用地不具备"


def test_a_handover_between_others_and_a_lead_not_open_to_the_town_are_404(personas, token_for, call):
    lead = project(personas.officer_b, personas.town_b, name="河口镇的线索")
    theirs = offer_handover(personas.officer_b, lead, personas.bureau_unit, "请市局统筹")
    pooled = place_in_pool(
        personas.bureau,
        project(personas.bureau, personas.bureau_unit, stage="lead", investor=company()),
        open_to=[personas.town_b],
    )
    token = token_for(personas.officer_a)
    for method, path in [
        ("get", f"/api/v1/leads/handovers/{theirs.pk}"),
        ("post", f"/api/v1/leads/handovers/{theirs.pk}/accept"),
        ("get", f"/api/v1/leads/pool/{pooled.pk}"),
        ("post", f"/api/v1/leads/pool/{pooled.pk}/claim"),
    ]:
        assert call(token, method, path).status_code == 404, path
    assert call(token, "get", "/api/v1/leads/pool").json()["results"] == []
    claimed = call(token_for(personas.officer_b), "post", f"/api/v1/leads/pool/{pooled.pk}/claim")
    assert claimed.status_code == 200 and claimed.json()["taken_by_unit"] == "河口镇"
    for persona in (personas.sysadmin, personas.auditor):
        assert call(token_for(persona), "get", "/api/v1/leads/handovers").status_code == 403
