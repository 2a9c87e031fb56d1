"""Writes through the API: the pages' validation and services, optimistic locking by
ETag / If-Match, and one record per Idempotency-Key."""

import datetime
import json

import pytest

from zhaoshang.projects.models import FollowUp, StageEvent
from zhaoshang.projects.tests.factories import project

pytestmark = pytest.mark.django_db

FOLLOW_UP = {
    "date": "2024-05-06",
    "kind": "visit",
    "content": "赴深圳拜访安泰电子，洽谈用地",
    "next_step": "报送用地需求",
}


@pytest.fixture
def mine(personas):
    return project(personas.officer_a, personas.town_a, name="城关镇的项目")


@pytest.fixture
def token(personas, token_for):
    return token_for(personas.officer_a)


def test_patch_needs_if_match_and_a_stale_etag_gets_412_with_the_current_version(mine, token, call):
    url = f"/api/v1/projects/{mine.pk}"
    etag = call(token, "get", url)["ETag"]
    assert etag == f'"{mine.version}"'
    missing = call(token, "patch", url, {"remarks": "已对接"})
    assert missing.status_code == 428 and missing.json()["code"] == "precondition_required"
    saved = call(token, "patch", url, {"remarks": "已对接", "total_investment": "60000.5"}, headers={"If-Match": etag})
    assert saved.status_code == 200, saved.content
    assert saved.json()["remarks"] == "已对接" and saved.json()["total_investment"] == "60000.5"
    assert saved["ETag"] == f'"{mine.version + 1}"'
    # Someone else's client still holds the first ETag: refused, nothing overwritten.
    stale = call(token, "patch", url, {"remarks": "旧版本的修改"}, headers={"If-Match": etag})
    assert stale.status_code == 412
    assert stale.json()["code"] == "stale" and stale.json()["current_version"] == mine.version + 1
    assert stale["ETag"] == saved["ETag"]
    mine.refresh_from_db()
    assert mine.remarks == "已对接" and mine.name == "城关镇的项目"  # fields not sent stay


def test_a_stage_claim_makes_an_etag_stale_as_it_makes_an_edit_form_stale(mine, token, call):
    url = f"/api/v1/projects/{mine.pk}"
    etag = call(token, "get", url)["ETag"]
    claim = call(
        token, "post", f"{url}/stage-claims", {"stage": "on_hold", "date": "2024-05-06", "note": "企业资金紧张"}
    )
    assert claim.status_code == 201 and claim.json()["status"] == "submitted"
    assert call(token, "patch", url, {"remarks": "x"}, headers={"If-Match": etag}).status_code == 412


def test_patch_validation_is_the_edit_pages_in_chinese(mine, token, call):
    url = f"/api/v1/projects/{mine.pk}"
    etag = call(token, "get", url)["ETag"]
    answer = call(token, "patch", url, {"total_investment": "五千万", "name": ""}, headers={"If-Match": etag})
    assert answer.status_code == 422
    body = answer.json()
    assert body["code"] == "invalid"
    assert body["fields"]["total_investment"] == ["协议总投资请填写以万元为单位的数字，最多保留4位小数。"]
    assert "项目名称" in body["message"]
    unknown = call(token, "patch", url, {"code": "X-1"}, headers={"If-Match": etag})
    assert unknown.status_code == 422 and unknown.json()["fields"] == {"code": ["不是可用的字段"]}


def test_a_follow_up_with_the_same_idempotency_key_is_created_once(mine, token, call):
    url = f"/api/v1/projects/{mine.pk}/follow-ups"
    first = call(token, "post", url, FOLLOW_UP, headers={"Idempotency-Key": "fu-2024-05-06-1"})
    again = call(token, "post", url, FOLLOW_UP, headers={"Idempotency-Key": "fu-2024-05-06-1"})
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert again["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    assert FollowUp.objects.filter(project=mine).count() == 1
    other = call(
        token, "post", url, {**FOLLOW_UP, "content": "另一次洽谈"}, headers={"Idempotency-Key": "fu-2024-05-06-1"}
    )
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
    # Without a key each POST is a new record, as a form without its token.
    call(token, "post", url, FOLLOW_UP)
    assert FollowUp.objects.filter(project=mine).count() == 2


def test_keys_are_per_token(personas, mine, token, token_for, call):
    url = f"/api/v1/projects/{mine.pk}/follow-ups"
    call(token, "post", url, FOLLOW_UP, headers={"Idempotency-Key": "k1"})
    call(token_for(personas.county_officer), "post", url, FOLLOW_UP, headers={"Idempotency-Key": "k1"})
    assert FollowUp.objects.filter(project=mine).count() == 2


def test_a_refused_post_spends_no_key(mine, token, call):
    url = f"/api/v1/projects/{mine.pk}/follow-ups"
    future = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()
    refused = call(token, "post", url, {**FOLLOW_UP, "date": future}, headers={"Idempotency-Key": "k2"})
    assert refused.status_code == 422
    assert refused.json()["fields"] == {"date": ["洽谈日期不能晚于今天。"]}
    assert call(token, "post", url, FOLLOW_UP, headers={"Idempotency-Key": "k3"}).status_code == 201


def test_follow_up_validation_is_the_pages(mine, token, call):
    url = f"/api/v1/projects/{mine.pk}/follow-ups"
    answer = call(token, "post", url, {**FOLLOW_UP, "kind": "telepathy", "content": ""})
    assert answer.status_code == 422
    fields = answer.json()["fields"]
    assert set(fields) == {"kind", "content"}
    assert all(
        "\u4e00" <= message[0] <= "\u9fff" or message[0] in "「" for messages in fields.values() for message in messages
    )


def test_a_stage_claim_goes_through_the_service_once_per_key(mine, token, call):
    url = f"/api/v1/projects/{mine.pk}/stage-claims"
    body = {"stage": "signed", "date": "2024-04-12", "amount": "80000"}
    answer = call(token, "post", url, body, headers={"Idempotency-Key": "sign-1"})
    # The page's rule: a signed project needs an investor.
    assert answer.status_code == 422 and answer.json()["fields"] == {"investor": ["已签约项目须填写投资方。"]}
    assert StageEvent.objects.filter(project=mine, stage="signed").count() == 0
    signed = project(mine.created_by, mine.responsible_unit, name="有投资方的项目", investor=None, stage="negotiating")
    from zhaoshang.projects.tests.factories import company

    signed.investor = company(name="宁波甬兴新材料有限公司")
    signed.save()
    url = f"/api/v1/projects/{signed.pk}/stage-claims"
    first = call(token, "post", url, body, headers={"Idempotency-Key": "sign-2"})
    again = call(token, "post", url, body, headers={"Idempotency-Key": "sign-2"})
    assert first.status_code == again.status_code == 201, first.content
    assert json.loads(first.content) == json.loads(again.content)
    assert StageEvent.objects.filter(project=signed, stage="signed").count() == 1
    signed.refresh_from_db()
    assert signed.stage == "signed" and str(signed.total_investment) == "80000.0000"
    # Started and production need evidence, uploaded on the page.
    started = call(token, "post", url, {"stage": "started", "date": "2024-05-01"})
    assert started.status_code == 422 and started.json()["code"] == "evidence_required"
