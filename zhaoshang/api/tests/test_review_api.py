"""审核 and 到位资金 through the API: a town records a tranche (once per Idempotency-Key), the
bureau reads the queue and verifies or returns claims in a batch with an outcome per item;
an officer and a leader cannot decide; another town's project takes no tranche."""

import datetime

import pytest

from zhaoshang.funds.models import FundsTranche
from zhaoshang.projects.tests.factories import project

pytestmark = pytest.mark.django_db

TRANCHE = {
    "date": "2026-03-02",
    "amount": "1,200.5",
    "kind": "domestic",
    "source": "outside_province",
    "voucher_no": "JH-0302",
}


def test_a_town_records_a_tranche_once_and_the_bureau_verifies_it(personas, token_for, call):
    signed = project(personas.officer_a, personas.town_a, name="城关镇签约项目", stage="signed")
    town, bureau = token_for(personas.officer_a), token_for(personas.bureau)
    key = {"Idempotency-Key": "tranche-0302"}
    first = call(town, "post", f"/api/v1/projects/{signed.pk}/tranches", TRANCHE, headers=key)
    again = call(town, "post", f"/api/v1/projects/{signed.pk}/tranches", TRANCHE, headers=key)
    assert first.status_code == 201, first.content
    assert first.json()["amount"] == "1200.5" and again.json() == first.json()
    assert FundsTranche.objects.count() == 1
    queue = call(bureau, "get", "/api/v1/review/queue").json()
    keys = [item["key"] for item in queue["results"]]
    assert f"tranche:{first.json()['id']}" in keys
    refused = call(town, "post", "/api/v1/review/decisions", {"keys": keys, "decision": "verify"})
    assert refused.status_code == 403
    outcomes = call(
        bureau, "post", "/api/v1/review/decisions", {"keys": [*keys, "tranche:999999"], "decision": "verify"}
    )
    assert outcomes.status_code == 200
    by_key = {item["key"]: item for item in outcomes.json()}
    assert by_key[f"tranche:{first.json()['id']}"]["done"]
    assert not by_key["tranche:999999"]["done"] and "不存在" in by_key["tranche:999999"]["message"]
    assert FundsTranche.objects.get().status == "verified"


def test_a_return_needs_a_reason_and_bad_amounts_are_refused_in_chinese(personas, token_for, call):
    signed = project(personas.officer_a, personas.town_a, stage="signed")
    town, bureau = token_for(personas.officer_a), token_for(personas.bureau)
    bad = call(town, "post", f"/api/v1/projects/{signed.pk}/tranches", {**TRANCHE, "amount": "-5"})
    assert bad.status_code == 422 and "到位金额" in bad.content.decode()
    future = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()
    later = call(town, "post", f"/api/v1/projects/{signed.pk}/tranches", {**TRANCHE, "date": future})
    assert later.status_code == 422 and "不能晚于今天" in later.content.decode()
    made = call(town, "post", f"/api/v1/projects/{signed.pk}/tranches", TRANCHE).json()
    answer = call(bureau, "post", "/api/v1/review/decisions", {"keys": [f"tranche:{made['id']}"], "decision": "return"})
    assert answer.status_code == 422 and "原因" in answer.content.decode()
    assert FundsTranche.objects.get().status == "submitted"


def test_another_towns_project_takes_no_tranche_and_a_leader_only_reads_the_queue(personas, token_for, call):
    theirs = project(personas.officer_b, personas.town_b, stage="signed")
    assert (
        call(token_for(personas.officer_a), "post", f"/api/v1/projects/{theirs.pk}/tranches", TRANCHE).status_code
        == 404
    )
    leader = token_for(personas.leader)
    assert call(leader, "get", "/api/v1/review/queue").status_code == 200
    assert (
        call(leader, "post", "/api/v1/review/decisions", {"keys": ["tranche:1"], "decision": "verify"}).status_code
        == 403
    )
    assert call(token_for(personas.officer_a), "get", "/api/v1/review/queue").status_code == 403
